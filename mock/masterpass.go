package mock

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Masterpass (https://developer.craftgate.io/en/payment/masterpass).
//
//	POST /payment/v1/masterpass-payments/check-user         is the number a Masterpass user
//	POST /payment/v2/masterpass-payments/generate-token     token + referenceId of a payment
//	GET  /_mock/wallet/{referenceId}?t=TOKEN                the Masterpass SDK's card choice (walletpage.go)
//	POST /payment/v2/masterpass-payments/complete           pay without 3-D Secure
//	POST /payment/v2/masterpass-payments/3ds-init           pay with 3-D Secure: returnUrl is the bank's page
//	POST /payment/v2/masterpass-payments/3ds-complete       after the 3-D Secure callback
//	POST /payment/v2/masterpass-payments/loyalties/retrieve rewards of a Masterpass card
//
// MOCK DECISION: in the real flow the merchant's page hands the token to
// the Masterpass client SDK, where the buyer picks a card of their wallet.
// The mock's stand-in for the SDK is the provider page at
// /_mock/wallet/{referenceId}?t={token}; its wallet holds every test card
// of the catalogue. complete and 3ds-init pay with the card chosen there,
// with its catalogue outcome; 3ds-complete is the card 3ds-complete.

// masterpassCheckUser serves POST /payment/v1/masterpass-payments/check-user.
// MOCK DECISION: every well-formed number (90 and 10 digits) has a
// Masterpass account with cards; it is linked with the merchant once a
// token was generated for it.
func (m *Mock) masterpassCheckUser(c *call, req craftgate.CheckMasterpassUserRequest) error {
	if e := checkMasterpassGsm("masterpassGsmNumber", req.MasterpassGsmNumber); e != nil {
		return e
	}
	linked := m.pm.methods.linked(req.MasterpassGsmNumber)
	c.sendData(http.StatusOK, craftgate.CheckMasterpassUserResponse{IsEligibleToUseMasterpass: true, HasMasterpassAccount: true,
		HashAnyCardSavedInMasterpassAccount: true, IsMasterpassAccountLinkedWithMerchant: linked, AccountStatus: "ACTIVE"})
	return nil
}

// checkMasterpassGsm checks a Masterpass phone number: 90 and ten digits.
func checkMasterpassGsm(field, v string) *apiError {
	if v == "" {
		return errRequired(field)
	}
	if len(v) != 12 || !strings.HasPrefix(v, "90") || !isDigits(v) {
		return errValidation(CodeInvalidApmParam, field+" must be 90 followed by the 10-digit mobile number")
	}
	return nil
}

// masterpassGenerateToken serves POST /payment/v2/masterpass-payments/generate-token.
func (m *Mock) masterpassGenerateToken(c *call, req craftgate.MasterpassTokenRequest) error {
	if req.Msisdn == "" && req.UserID == "" {
		return errRequired("msisdn or userId")
	}
	if req.Msisdn != "" {
		if e := checkMasterpassGsm("msisdn", req.Msisdn); e != nil {
			return e
		}
	}
	var opts []int
	if n := req.CreatePayment.Installment; n > 1 {
		opts = []int{n}
	}
	s, e := m.newMethodSession(req.CreatePayment, "Masterpass", sourceMasterpass, opts)
	if e != nil {
		return e
	}
	s.key, s.forceThreeDS = newUUID(), req.ForceThreeDS
	m.pm.methods.add(s)
	m.pm.methods.link(req.Msisdn)
	c.sendData(http.StatusOK, craftgate.MasterpassTokenResponse{Token: s.page.token, ReferenceID: s.key,
		OrderNo: "MP" + strings.ToUpper(s.page.token[:12]), TerminalGroupID: "gatecheck-mock"})
	return nil
}

// withMasterpassSession finds the session of referenceId, checks token
// when given, and runs fn under s.page.mu once it checked that a card was
// chosen and the payment is not made yet.
func (m *Mock) withMasterpassSession(referenceID, token string, checkToken bool, fn func(s *methodSession) error) error {
	if referenceID == "" {
		return errRequired("referenceId")
	}
	s := m.pm.methods.get(referenceID)
	if s == nil || s.page.source != sourceMasterpass {
		return errMethodNotFound("Masterpass referenceId", referenceID)
	}
	if checkToken && subtle.ConstantTimeCompare([]byte(token), []byte(s.page.token)) != 1 {
		return errValidation(CodeMethodNotReady, "token is not the token of referenceId "+referenceID)
	}
	return locked(&s.page.mu, func() error {
		switch {
		case s.completed:
			return errMethodState("Masterpass payment", referenceID, "is already completed")
		case s.card == nil:
			return errMethodState("Masterpass payment", referenceID, "the buyer has not chosen a card in Masterpass yet")
		}
		return fn(s)
	})
}

// masterpassComplete serves POST /payment/v2/masterpass-payments/complete.
func (m *Mock) masterpassComplete(c *call, req craftgate.MasterpassCompleteRequest) error {
	if req.Token == "" {
		return errRequired("token")
	}
	return m.withMasterpassSession(req.ReferenceID, req.Token, true, func(s *methodSession) error {
		if s.forceThreeDS {
			return errMethodState("Masterpass payment", req.ReferenceID, "3-D Secure is required (forceThreeDS): use "+craftgate.PathMasterpassThreeDSInit)
		}
		m.chargeChosen(c, s)
		return nil
	})
}

// masterpassThreeDSInit serves POST /payment/v2/masterpass-payments/3ds-init:
// a 3-D Secure payment of the chosen card (threeds.go).
func (m *Mock) masterpassThreeDSInit(c *call, req craftgate.MasterpassThreeDSInitRequest) error {
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	return m.withMasterpassSession(req.ReferenceID, "", false, func(s *methodSession) error {
		init := craftgate.InitThreeDSPaymentRequest{CreatePaymentRequest: s.page.order, CallbackURL: req.CallbackURL}
		init.Installment, init.Card = s.installment, s.card
		id, ts, ok := m.beginThreeDS(c, &init, sourceMasterpass)
		s.completed = true
		if !ok {
			return nil // answered: a refusal at 3-D Secure init
		}
		s.page.state, s.page.paymentID = checkoutPaid, id
		c.sendData(http.StatusOK, craftgate.MasterpassThreeDSInitResponse{PaymentID: id,
			ReturnURL: m.publicBase(c.r) + pathACS + "/" + itoa(id) + "?t=" + ts.token})
		return nil
	})
}

// masterpassLoyalties serves POST /payment/v2/masterpass-payments/loyalties/retrieve:
// the rewards of the catalogue card with that BIN (a rewards card first).
func (m *Mock) masterpassLoyalties(c *call, req craftgate.MasterpassLoyaltiesRequest) error {
	if len(req.BinNumber) < 6 || len(req.BinNumber) > 8 || !isDigits(req.BinNumber) {
		return errValidation(CodeInvalidCardNumber, "binNumber must be the card's first 6 to 8 digits")
	}
	if req.Msisdn != "" {
		if e := checkMasterpassGsm("msisdn", req.Msisdn); e != nil {
			return e
		}
	}
	pan := ""
	for _, list := range [][]*craftgate.TestCard{craftgate.TestCards().RewardCards(), craftgate.TestCards().Successful()} {
		for _, tc := range list {
			if pan == "" && strings.HasPrefix(tc.Number, req.BinNumber) {
				pan = tc.Number
			}
		}
	}
	c.sendData(http.StatusOK, loyaltiesOf(pan))
	return nil
}

// link remembers a Masterpass number a token was generated for.
func (st *methodStore) link(msisdn string) {
	if msisdn == "" {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.linkedGsm == nil || len(st.linkedGsm) >= methodCapacity {
		st.linkedGsm = map[string]bool{}
	}
	st.linkedGsm[msisdn] = true
}

// linked reports whether msisdn was linked.
func (st *methodStore) linked(msisdn string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.linkedGsm[msisdn]
}
