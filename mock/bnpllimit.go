package mock

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// BNPL credit-limit inquiry (official clients; ZIP's example in the docs).
//
//	POST /payment/v1/bnpl-payments/limit-inquiry/init  {apmType, additionalParams{buyerPhoneNumber, buyerIdentityNumber, buyerBirthdate}}
//	POST /payment/v1/bnpl-payments/limit-inquiry       {apmType, additionalParams{buyerPhoneNumber, otpCode}}
//
// MOCK DECISION: init answers WAITING / OTP_REQUIRED; the inquiry with the
// code 123456 answers SUCCESS / NONE and additionalData {limit, currency
// TRY}: 50,000 for identity numbers ending in an even digit, 10,000 for
// odd ones. A wrong code (or no init for the number, or one older than
// DefaultCheckoutTTL) answers FAILURE in errorCode/errorMessage, as the
// response's own fields carry it: APM_INVALID_VERIFICATION_CODE's code.

// limitInquiry is an inquiry waiting for its code.
type limitInquiry struct {
	apmType, identity string
	expires           time.Time
}

// bnplLimitInit serves POST /payment/v1/bnpl-payments/limit-inquiry/init.
func (m *Mock) bnplLimitInit(c *call, req craftgate.BnplLimitInquiryRequest) error {
	if e := m.checkLimitType(req.ApmType); e != nil {
		return e
	}
	ap := req.AdditionalParams
	for _, f := range []string{"buyerPhoneNumber", "buyerIdentityNumber", "buyerBirthdate"} {
		if ap[f] == "" {
			return errRequired("additionalParams." + f)
		}
	}
	if id := ap["buyerIdentityNumber"]; len(id) != 11 || !isDigits(id) {
		return errValidation(CodeInvalidApmParam, "additionalParams.buyerIdentityNumber must be the 11-digit T.C. identity number")
	}
	if _, err := time.Parse("2006-01-02", ap["buyerBirthdate"]); err != nil {
		return errValidation(CodeInvalidApmParam, "additionalParams.buyerBirthdate must be yyyy-MM-dd")
	}
	m.pm.limits.add(ap["buyerPhoneNumber"], limitInquiry{apmType: req.ApmType, identity: ap["buyerIdentityNumber"], expires: m.Now().Add(DefaultCheckoutTTL)})
	c.sendData(http.StatusOK, craftgate.BnplLimitInquiryResponse{PaymentStatus: craftgate.StatusWaiting, AdditionalAction: craftgate.ApmActionOTPRequired})
	return nil
}

// checkLimitType accepts the BNPL providers the merchant has enabled.
func (m *Mock) checkLimitType(t string) *apiError {
	if t == "" {
		return errRequired("apmType")
	}
	if !bnplProviders[t] {
		return errValidation(CodeApmTypeNotEnabled, "apmType "+strconv.Quote(truncate(t, 40))+" is not a BNPL provider")
	}
	return m.apmNotEnabled(t)
}

// bnplLimitInquiry serves POST /payment/v1/bnpl-payments/limit-inquiry.
func (m *Mock) bnplLimitInquiry(c *call, req craftgate.BnplLimitInquiryRequest) error {
	if e := m.checkLimitType(req.ApmType); e != nil {
		return e
	}
	phone, code := req.AdditionalParams["buyerPhoneNumber"], req.AdditionalParams["otpCode"]
	if phone == "" {
		return errRequired("additionalParams.buyerPhoneNumber")
	}
	if code == "" {
		return errRequired("additionalParams.otpCode")
	}
	q, ok := m.pm.limits.take(phone)
	ok = ok && q.apmType == req.ApmType && !m.Now().After(q.expires)
	if ok && code != apmOTPCode {
		m.pm.limits.add(phone, q) // a wrong code: the inquiry waits for the right one
	}
	g, _ := craftgate.TestCards().Group("APM_INVALID_VERIFICATION_CODE")
	switch {
	case !ok:
		c.sendData(http.StatusOK, craftgate.BnplLimitInquiryResponse{PaymentStatus: craftgate.StatusFailure, AdditionalAction: craftgate.ApmActionNone,
			ErrorCode: g.Code, ErrorMessage: "no limit inquiry was started for this phone number and apmType (or it expired)"})
	case code != apmOTPCode:
		c.sendData(http.StatusOK, craftgate.BnplLimitInquiryResponse{PaymentStatus: craftgate.StatusFailure, AdditionalAction: craftgate.ApmActionOTPRequired,
			ErrorCode: g.Code, ErrorMessage: "the verification code is not valid"})
	default:
		limit := 10000
		if (q.identity[10]-'0')%2 == 0 {
			limit = 50000
		}
		c.sendData(http.StatusOK, craftgate.BnplLimitInquiryResponse{PaymentStatus: craftgate.StatusSuccess, AdditionalAction: craftgate.ApmActionNone,
			AdditionalData: map[string]any{"limit": limit, "currency": craftgate.CurrencyTRY}})
	}
	return nil
}
