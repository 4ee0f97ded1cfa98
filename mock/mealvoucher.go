package mock

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Meal-voucher card tokenisation (the official clients'
// MealVoucherCardTokenization adapter).
//
//	POST /payment/v1/meal-voucher/card-tokenizations/init                  {sessionId, additionalAction OTP_REQUIRED}
//	POST /payment/v1/meal-voucher/card-tokenizations/{sessionId}/regenerate a new code
//	POST /payment/v1/meal-voucher/card-tokenizations/{sessionId}/complete   {validationCode}: the card
//
// MOCK DECISION: the holder's code follows the OTP APMs (apm.go): 123456
// is right, 999999 has expired (APM_VERIFICATION_CODE_ERROR), any other is
// APM_INVALID_VERIFICATION_CODE (HTTP 422 with the group's catalogue code);
// a completed session is used up. The card's balance is derived from its
// number (its last three digits plus 100, in TRY) and its fingerprint from
// the number and the seed. Sessions live DefaultCheckoutTTL.

// mealVoucherTypes are the apmTypes of meal-voucher cards.
var mealVoucherTypes = map[string]bool{craftgate.ApmEdenred: true, craftgate.ApmEdenredGift: true, craftgate.ApmPluxee: true,
	"SODEXO_GIFT": true, craftgate.ApmSetcard: true, craftgate.ApmMetropol: true, craftgate.ApmMultinet: true,
	"MULTINET_GIFT": true, "MULTINET_NEO_GIFT": true, "TOKENFLEX": true, "TOKENFLEX_GIFT": true}

// voucherSession is one tokenisation; guarded by voucherStore.mu.
type voucherSession struct {
	apmType, card string
	expires       time.Time
	done          bool
}

// checkVoucherCard validates the card data of init and regenerate.
func checkVoucherCard(d craftgate.MealVoucherCardData) *apiError {
	if d.CardNumber == "" {
		return errRequired("mealVoucherCardTokenizationData.cardNumber")
	}
	if len(d.CardNumber) != 16 || !isDigits(d.CardNumber) {
		return errValidation(CodeInvalidApmParam, "mealVoucherCardTokenizationData.cardNumber must be the 16-digit card number")
	}
	if d.CallbackURL != "" {
		if e := checkCallbackURL(d.CallbackURL); e != nil {
			return e
		}
	}
	return nil
}

// mealVoucherInit serves POST .../card-tokenizations/init.
func (m *Mock) mealVoucherInit(c *call, req craftgate.MealVoucherInitRequest) error {
	if req.ApmType == "" {
		return errRequired("apmType")
	}
	if !mealVoucherTypes[req.ApmType] {
		return errValidation(CodeApmTypeNotEnabled, "apmType "+strconv.Quote(truncate(req.ApmType, 40))+" is not a meal-voucher card")
	}
	if e := m.apmNotEnabled(req.ApmType); e != nil {
		return e
	}
	if e := checkVoucherCard(req.MealVoucherCardTokenizationData); e != nil {
		return e
	}
	id := newUUID()
	m.pm.vouchers.add(id, &voucherSession{apmType: req.ApmType, card: req.MealVoucherCardTokenizationData.CardNumber, expires: m.Now().Add(DefaultCheckoutTTL)})
	c.sendData(http.StatusOK, craftgate.MealVoucherInitResponse{SessionID: id, AdditionalAction: craftgate.ApmActionOTPRequired})
	return nil
}

// voucher finds the path's session, live and not used up; the caller
// holds m.pm.vouchers.mu.
func (m *Mock) voucher(c *call) (string, *voucherSession, *apiError) {
	id := c.param("sessionId")
	s := m.pm.vouchers.byKey[id]
	switch {
	case s == nil:
		return id, nil, errMethodNotFound("meal-voucher sessionId", id)
	case s.done:
		return id, nil, errMethodState("meal-voucher session", id, "is already completed")
	case m.Now().After(s.expires):
		return id, nil, errMethodState("meal-voucher session", id, "has expired")
	}
	return id, s, nil
}

// mealVoucherRegenerate serves POST .../card-tokenizations/{sessionId}/regenerate.
func (m *Mock) mealVoucherRegenerate(c *call, req craftgate.MealVoucherInitRequest) error {
	m.pm.vouchers.mu.Lock()
	defer m.pm.vouchers.mu.Unlock()
	id, s, e := m.voucher(c)
	if e != nil {
		return e
	}
	if d := req.MealVoucherCardTokenizationData; d.CardNumber != "" {
		if e := checkVoucherCard(d); e != nil {
			return e
		}
		s.card = d.CardNumber
	}
	s.expires = m.Now().Add(DefaultCheckoutTTL)
	c.sendData(http.StatusOK, craftgate.MealVoucherInitResponse{SessionID: id, AdditionalAction: craftgate.ApmActionOTPRequired})
	return nil
}

// mealVoucherComplete serves POST .../card-tokenizations/{sessionId}/complete.
func (m *Mock) mealVoucherComplete(c *call, req craftgate.MealVoucherCompleteRequest) error {
	if req.ValidationCode == "" {
		return errRequired("validationCode")
	}
	m.pm.vouchers.mu.Lock()
	defer m.pm.vouchers.mu.Unlock()
	id, s, e := m.voucher(c)
	if e != nil {
		return e
	}
	switch req.ValidationCode {
	case apmOTPCode:
	case apmExpiredCode:
		return apmGroupError("APM_VERIFICATION_CODE_ERROR", "the validation code has expired: regenerate it")
	default:
		return apmGroupError("APM_INVALID_VERIFICATION_CODE", "the validation code is not valid")
	}
	s.done = true
	last3, _ := strconv.Atoi(s.card[13:])
	balance := craftgate.MustAmount(strconv.Itoa(last3 + 100))
	n, _ := strconv.ParseUint(s.card, 10, 64)
	c.sendData(http.StatusOK, craftgate.MealVoucherCompleteResponse{SessionID: id, MaskedCardNumber: craftgate.MaskPAN(s.card),
		Fingerprint: strings.ToUpper(fmt.Sprintf("%016x", splitmix64(m.refKey^n))), Balance: balance})
	return nil
}
