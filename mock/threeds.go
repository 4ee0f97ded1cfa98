package mock

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// 3-D Secure payments (docs/reference/craftgate/flows.md section 2, docs/reference/craftgate/endpoints.md B.3, B.4).
//
//	POST /payment/v1/card-payments/3ds-init      signed; payment INIT_THREEDS (or 422 at init)
//	GET  /_mock/acs/{id}?t=TOKEN                 the bank's page (also POST without action)
//	POST /_mock/acs/{id}  t, otp, action         verify or reject; answers the callback form
//	POST /payment/v1/card-payments/3ds-complete  signed; CALLBACK_THREEDS -> SUCCESS or 422
//
// The ACS routes are not signed, since a browser calls them; each payment
// has an unguessable token (128 random bits) that must come with them, in
// the query or the form field t.
//
// Outcomes by card (docs/reference/craftgate/test-cards.md 3.2): a card failing at THREEDS_INIT is
// refused at init with its group (HTTP 422, payment stored FAILURE); at
// verification, Reject gives mdStatus 0 and Verify gives the card's
// catalogue mdStatus at THREEDS_VERIFY (0 or 4) or else 1. The merchant's
// mode accepts mdStatus 1 (FULL_THREEDS) or 1..4 (HALF_THREEDS). An accepted
// verification leaves the payment CALLBACK_THREEDS (model 3D), or, in model
// 3D_PAY, applies the card's THREEDS_COMPLETE outcome at once. The
// catalogue's THREEDS_COMPLETE failures without a group (the two mdStatus
// cards) are the consequence of their mdStatus, already decided by the
// mode, not bank declines: an accepted mdStatus-4 card completes.

// threeDSSession is what the mock keeps of a 3-D Secure payment besides
// the payment itself. returned is guarded by the payment's mu.
type threeDSSession struct {
	token       string
	callbackURL string
	v2          bool
	returned    bool
	// The answer to the first return, re-used to build ALREADY_RETURNED.
	md int
	// save is the card to store when the payment succeeds
	// (storeCardAfterSuccessPayment), or nil.
	save *cardToSave
}

// saveOnSuccess stores the card the 3-D Secure payment p asked to store,
// once the bank has taken the money; the caller holds p.mu.
func (m *Mock) saveOnSuccess(p *payment) {
	v, ok := m.threeDS.Load(p.id)
	if !ok {
		return
	}
	s := v.(*threeDSSession)
	if s.save == nil {
		return
	}
	if m.storeCardFor(p.id, *s.save, m.Now()) {
		p.cardFlags |= cardSaved
	}
	s.save = nil
}

// callbackHashParams is the hashParams of the version 2 callbacks: the
// order of the docs' example (docs/reference/craftgate/flows.md 2.3, vector V1).
const callbackHashParams = "status:callbackStatus:completeStatus:paymentId:conversationData:conversationId:mdStatus"

// mockMerchantName is the merchant the pages name.
const mockMerchantName = "Gatecheck Mock Merchant"

// randomToken returns 32 random hex characters.
func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// callbackVersion reads additionalParams.threeDSCallbackVersion: absent,
// 1 or 2 (number or numeric string).
func callbackVersion(p map[string]any) (int, *apiError) {
	v, ok := p[craftgate.ThreeDSCallbackVersionParam]
	if !ok || v == nil {
		return 1, nil
	}
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			f = -1
		}
		n = f
	default:
		n = -1
	}
	switch n {
	case 1:
		return 1, nil
	case 2:
		return 2, nil
	}
	return 0, errValidation(CodeInvalidCallbackVersion, "additionalParams.threeDSCallbackVersion must be 1 or 2")
}

// checkCallbackURL validates a callbackUrl.
func checkCallbackURL(u string) *apiError {
	if u == "" {
		return errValidation(CodeInvalidCallbackURL, "callbackUrl is required")
	}
	if err := checkHTTPURL(u); err != nil {
		return errValidation(CodeInvalidCallbackURL, "callbackUrl "+err.Error())
	}
	return nil
}

// initThreeDS serves POST /payment/v1/card-payments/3ds-init.
func (m *Mock) initThreeDS(c *call, req craftgate.InitThreeDSPaymentRequest) error {
	if id, s, ok := m.beginThreeDS(c, &req, sourceAPI); ok {
		m.sendThreeDSRedirect(c, id, s)
	}
	return nil
}

// beginThreeDS starts the 3-D Secure payment req with paymentSource
// source: the payment stored INIT_THREEDS and its session. A refusal is
// answered here, and ok is false; on success the caller answers.
func (m *Mock) beginThreeDS(c *call, req *craftgate.InitThreeDSPaymentRequest, source uint8) (id int64, s *threeDSSession, ok bool) {
	now := m.Now()
	en := c.en()
	d := draft{threeDS: true, source: source}
	if e := m.resolveCard(&req.CreatePaymentRequest, &d, now, en); e != nil { // stored cards (cards.go)
		c.fail(e)
		return 0, nil, false
	}
	if e := validatePayment(&req.CreatePaymentRequest, now, en, &d); e != nil {
		c.fail(e)
		return 0, nil, false
	}
	if e := m.pm.poses.usable(req.PosAlias); e != nil { // a passive POS (merchantpos.go)
		c.fail(e)
		return 0, nil, false
	}
	if e := m.checkSellers(&d); e != nil { // marketplace.go
		c.fail(e)
		return 0, nil, false
	}
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		c.fail(e)
		return 0, nil, false
	}
	version, e := callbackVersion(req.AdditionalParams)
	if e != nil {
		c.fail(e)
		return 0, nil, false
	}
	splitPaidPrice(&d)
	extras, e := m.beforeBank(&req.CreatePaymentRequest, &d, now, en) // rewards and fraud rules (side.go)
	if e != nil {
		c.fail(e)
		return 0, nil, false
	}
	out := craftgate.TestCards().Outcome(d.card.Number, craftgate.StepThreeDSInit)
	down := m.bankOutage(d.card, now)
	id = nextRange(&m.ids.payment, 1)
	txFirst := nextRange(&m.ids.tx, len(d.txs))
	if out.Fails || down != nil {
		d.failStep = stepThreeDSInit
		if down != nil {
			d.failStep, d.outage = stepOutage, down.index
		}
		p := m.store.insertPayment(&d, id, txFirst, now.Unix(), true)
		m.afterInsert(p.id, extras)
		m.logThreeDS(c, p, "init refused")
		c.w.Header()[PaymentIDHeader] = []string{itoa(p.id)}
		if down != nil {
			c.fail(outageError(down.index))
			return 0, nil, false
		}
		c.fail(m.paymentFailure(failureAt(d.card, craftgate.StepThreeDSInit), out.Code, en))
		return 0, nil, false
	}
	// The session exists before the payment is published, so that the ACS
	// never sees a payment without one.
	s = &threeDSSession{token: randomToken(), callbackURL: req.CallbackURL, v2: version == 2, md: -1, save: d.pendingSave()}
	m.threeDS.Store(id, s)
	d.pending = true
	p := m.store.insertPayment(&d, id, txFirst, now.Unix(), false)
	m.afterInsert(p.id, extras)
	m.logThreeDS(c, p, "init")
	return id, s, true
}

// sendThreeDSRedirect answers a 3ds-init (of a payment or a deposit,
// wallet.go): the page that takes the browser to the bank.
func (m *Mock) sendThreeDSRedirect(c *call, id int64, s *threeDSSession) {
	acs := m.publicBase(c.r) + pathACS + "/" + itoa(id) + "?t=" + s.token
	c.sendData(http.StatusOK, craftgate.InitThreeDSPaymentResponse{
		HTMLContent: acsRedirectHTML(acs, formField{"t", s.token}, formField{"paymentId", itoa(id)}), PaymentID: id, RedirectURL: acs,
		PaymentStatus: craftgate.StatusInitThreeDS, AdditionalAction: craftgate.ActionShowHTMLContent,
	})
}

// acsRedirectHTML is the base64 htmlContent that takes the buyer's
// browser to the bank's page acs, posting fields.
func acsRedirectHTML(acs string, fields ...formField) string {
	html := renderPage("redirect", struct {
		Title string
		Post  autoPost
	}{"3-D Secure", autoPost{Action: acs, Fields: fields, Button: "Continue to your bank"}})
	return base64.StdEncoding.EncodeToString(html)
}

// acsSession finds the payment and session of an ACS request and checks
// its token; it answers the error page itself.
func (m *Mock) acsSession(c *call) (*payment, *threeDSSession, bool) {
	p := m.store.payment(c.id)
	v, ok := m.threeDS.Load(c.id)
	if p == nil && m.store.evictedPayment(c.id) {
		c.sendMessage(http.StatusNotFound, "Payment expired", "This 3-D Secure payment is no longer known to the bank.")
		return nil, nil, false
	}
	if p == nil || !ok {
		c.sendMessage(http.StatusNotFound, "Payment not found", "There is no 3-D Secure payment "+truncate(c.idText, 20)+".")
		return nil, nil, false
	}
	s := v.(*threeDSSession)
	t := c.r.Form.Get("t")
	if subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) != 1 {
		c.sendMessage(http.StatusForbidden, "Link not valid", "This verification link is not valid for payment "+c.idText+".")
		return nil, nil, false
	}
	return p, s, true
}

// acsGet serves GET /_mock/acs/{id}?t=TOKEN: the bank's verification page.
func (m *Mock) acsGet(c *call) error {
	if err := c.r.ParseForm(); err != nil { // the query only
		c.sendMessage(http.StatusBadRequest, "Bad request", "The link could not be read.")
		return nil
	}
	p, s, ok := m.acsSession(c)
	if !ok {
		return nil
	}
	return m.acsPage(c, p, s)
}

// acsPost serves POST /_mock/acs/{id}: without action, the redirect form
// of htmlContent arriving (the page is shown); with action verify or
// reject, the buyer's answer (the callback form is answered).
func (m *Mock) acsPost(c *call) error {
	if !m.parsePageForm(c) {
		return nil
	}
	p, s, ok := m.acsSession(c)
	if !ok {
		return nil
	}
	switch action := c.r.PostForm.Get("action"); action {
	case "":
		return m.acsPage(c, p, s)
	case "verify", "reject":
		return m.acsReturn(c, p, s, action == "verify")
	default:
		c.sendMessage(http.StatusBadRequest, "Bad request", "Unknown action; use Verify or Reject.")
	}
	return nil
}

// verifyMd is the mdStatus Verify produces for card: its catalogue value
// at THREEDS_VERIFY, 0 for a verify failure without one, else 1.
func verifyMd(card *craftgate.TestCard) int {
	if f := failureAt(card, craftgate.StepThreeDSVerify); f != nil {
		if f.MdStatus >= 0 {
			return f.MdStatus
		}
		return 0
	}
	return 1
}

func mdAccepted(mode string, md int) bool {
	if mode == ThreeDSModeHalf {
		return md >= 1 && md <= 4
	}
	return md == 1
}

// acsPage renders the bank's page, or returns the 404 of a payment
// evicted while it was read.
func (m *Mock) acsPage(c *call, p *payment, s *threeDSSession) error {
	card, ok := m.store.card(p)
	if !ok {
		return errReadEvicted(p.id)
	}
	p.mu.Lock()
	returned := s.returned
	p.mu.Unlock()
	set := m.settings.Load()
	m.sendACSPage(c, acsView{card: card, amount: displayAmount(p.paidPrice, craftgate.Currencies[p.currency]), subject: itoa(p.id),
		action: pathACS + "/" + itoa(p.id), token: s.token, mode: set.ThreeDSMode, model: set.ThreeDSModel, returned: returned})
	return nil
}

// acsView is what the bank's page shows: of a payment or of a card
// verification (cardverify.go).
type acsView struct {
	card                                        *craftgate.TestCard
	amount, subject, action, token, mode, model string
	returned                                    bool
}

// sendACSPage renders the bank's page of v.
func (m *Mock) sendACSPage(c *call, v acsView) {
	card := v.card
	md := verifyMd(card)
	note := ""
	switch md {
	case 0:
		note = "not authenticated: this test card always fails verification"
	case 4:
		note = "half authentication: accepted only in HALF_THREEDS mode"
	}
	bank := card.Bank
	if bank == "" {
		bank = "Gatecheck Mock Bank"
	}
	c.sendHTML(http.StatusOK, renderPage("acs", struct {
		Title, Bank, Amount, Merchant, Card, Date, PaymentID, Action, Token, MdNote, Mode, Model string
		VerifyMd                                                                                 int
		Returned                                                                                 bool
	}{
		Title: "3-D Secure verification", Bank: bank, Amount: v.amount,
		Merchant: mockMerchantName, Card: craftgate.MaskPAN(card.Number), Date: m.Now().Format("02.01.2006 15:04"),
		PaymentID: v.subject, Action: v.action, Token: v.token, MdNote: note,
		Mode: v.mode, Model: v.model, VerifyMd: md, Returned: v.returned,
	}))
}

// conversationData is the opaque "secure conversation data" of a
// successful callback: 32 hex digits derived from the seed and the payment
// (the reference does not describe its content).
func (m *Mock) conversationData(id int64) string {
	return fmt.Sprintf("%016x%016x", splitmix64(m.refKey^uint64(id)*0x9e3779b97f4a7c15), splitmix64(m.refKey+uint64(id)))
}

// acsReturn applies the buyer's answer and answers the callback form. The
// merchant's 3-D Secure mode and model are read now, at verification (a
// settings change between init and verification applies to it). It
// returns the 404 of a payment evicted while it was read.
func (m *Mock) acsReturn(c *call, p *payment, s *threeDSSession, verify bool) error {
	text, ok := m.store.text(p)
	if !ok {
		return errReadEvicted(p.id)
	}
	card, _ := craftgate.TestCards().Card(text.pan)
	conversationID := text.conversationID
	set := m.settings.Load()

	var f callbackFields
	event, md, failed, again := EventThreeDSVerify, 0, false, false
	func() {
		p = m.store.lock(p)
		defer p.mu.Unlock()
		if s.returned || p.phase != phaseInitThreeDS {
			again, md = true, s.md
			return
		}
		s.returned = true
		if verify {
			md = verifyMd(card)
		}
		s.md = md
		p.md = int8(md)
		f = callbackFields{paymentID: itoa(p.id), conversationID: conversationID, md: md}
		if set.ThreeDSModel == ThreeDSModel3DPay {
			event = EventAPIVerifyAndAuth
		}
		switch {
		case !mdAccepted(set.ThreeDSMode, md):
			// Not authenticated: the payment fails; the callback carries no
			// paymentId (docs/reference/craftgate/flows.md 2.2: "sent when verification succeeded").
			p.phase, p.failed, p.failStep = phaseFinal, true, stepThreeDSVerify
			f.status, f.paymentID = craftgate.StatusFailure, ""
			failed = true
		case set.ThreeDSModel == ThreeDSModel3D:
			p.phase = phaseCallbackThreeDS
			f.status, f.completeStatus, f.conversationData = craftgate.StatusSuccess, craftgate.CompleteStatusWaiting, m.conversationData(p.id)
		default: // 3D_PAY: the money is taken now.
			p.phase = phaseFinal
			if down := m.bankOutage(card, m.Now()); down != nil {
				p.failed, p.failStep, p.outage = true, stepOutage, down.index
				f.status = craftgate.StatusFailure
				failed = true
			} else if step, declined := completionDecline(p, card); declined {
				// Mock choice: a 3D Pay payment the bank declines is reported
				// with status FAILURE (verification passed, but the payment did
				// not), so that no merchant mistakes it for a paid order. A
				// pre-authorisation can be declined at PRE_AUTH (preauth.go).
				p.failed, p.failStep = true, failStepOf(step)
				f.status = craftgate.StatusFailure
				failed = true
			} else {
				p.refund = refundNot
				f.status = craftgate.StatusSuccess
				if p.isDeposit() {
					m.creditDeposit(p) // a 3-D Secure wallet top-up (wallet.go)
				}
				m.saveOnSuccess(p) // storeCardAfterSuccessPayment
			}
			f.completeStatus, f.conversationData = craftgate.CompleteStatusCompleted, m.conversationData(p.id)
		}
	}()
	if again {
		// docs/reference/craftgate/flows.md 2.1 item 6: status FAILURE, callbackStatus ALREADY_RETURNED.
		m.sendCallback(c, s, callbackFields{status: craftgate.StatusFailure, callbackStatus: craftgate.CallbackAlreadyReturned,
			paymentID: itoa(p.id), conversationID: conversationID, md: md},
			"Already returned", "This verification was already completed.")
		return nil
	}
	m.logThreeDS(c, p, "verified mdStatus "+strconv.Itoa(md))
	m.emitPayment(event, p, failed)
	heading, msg := "Verified", "Your bank verified the payment."
	if f.status == craftgate.StatusFailure {
		heading, msg = "Not verified", "The payment could not be verified."
	}
	m.sendCallback(c, s, f, heading, msg)
	return nil
}

// bankDeclinesCompletion reports whether the card's THREEDS_COMPLETE
// outcome is a bank decline (a failure with an errorGroup).
func bankDeclinesCompletion(card *craftgate.TestCard) bool {
	f := failureAt(card, craftgate.StepThreeDSComplete)
	return f != nil && f.Group != ""
}

// callbackFields are the values of a callback form.
type callbackFields struct {
	status, completeStatus, paymentID, conversationData, conversationID, callbackStatus string
	md                                                                                  int // -1: none
}

// sendCallback answers the page that form-POSTs the callback to the
// merchant's callbackUrl: the v1 fields and hash, or with threeDSCallbackVersion 2
// also mdStatus, hashParams and the v2 hash. Every field named in
// hashParams is present, empty when it has no value.
func (m *Mock) sendCallback(c *call, s *threeDSSession, f callbackFields, heading, message string) {
	form := url.Values{}
	names := []string{"status", "completeStatus", "paymentId", "conversationData", "conversationId", "callbackStatus"}
	for i, v := range []string{f.status, f.completeStatus, f.paymentID, f.conversationData, f.conversationID, f.callbackStatus} {
		form.Set(names[i], v)
	}
	if s.v2 {
		md := ""
		if f.md >= 0 {
			md = strconv.Itoa(f.md)
		}
		form.Set("mdStatus", md)
		names = append(names, "mdStatus")
		form.Set("hashParams", callbackHashParams)
		names = append(names, "hashParams")
		form.Set("hash", craftgate.CallbackHashV2(m.callbackKey, form))
	} else {
		form.Set("hash", craftgate.CallbackHashV1(m.callbackKey, form))
	}
	names = append(names, "hash")
	c.sendCallbackPage(heading, message, s.callbackURL, formFields(form, names))
}

// completeRequest is the body of 3ds-complete.
type completeRequest struct {
	PaymentID int64 `json:"paymentId"`
}

// completeThreeDS serves POST /payment/v1/card-payments/3ds-complete.
func (m *Mock) completeThreeDS(c *call, req completeRequest) error {
	p, e := m.completeThreeDSOf(c, req.PaymentID, false)
	if e != nil {
		return e
	}
	en := c.en()
	return c.sendPayment(http.StatusOK, p, en)
}

// completeThreeDSOf is 3ds-complete of payment paymentID, or with deposit
// of a 3-D Secure deposit (wallet.go): it sends the API_AUTH webhook and
// returns the completed payment; a declined one is its bank's error (with
// the payment id header).
func (m *Mock) completeThreeDSOf(c *call, paymentID int64, deposit bool) (*payment, *apiError) {
	if paymentID <= 0 {
		return nil, errRequired("paymentId")
	}
	p, card, step, down, declined, refuse := m.finishThreeDS(paymentID, deposit)
	if refuse != nil {
		return nil, refuse
	}
	if !deposit {
		m.logThreeDS(c, p, "complete")
	}
	m.emitPayment(EventAPIAuth, p, declined)
	if declined {
		c.w.Header()[PaymentIDHeader] = []string{itoa(p.id)}
		if down != nil {
			return nil, outageError(down.index)
		}
		return nil, m.paymentFailure(failureAt(card, step), craftgate.TestCards().Outcome(card.Number, step).Code, c.en())
	}
	return p, nil
}

// finishThreeDS applies 3ds-complete to payment paymentID: a payment, or
// with deposit a 3-D Secure deposit (wallet.go). It returns the payment
// and, when it was declined, the step and the outage; refuse when it
// cannot be completed.
func (m *Mock) finishThreeDS(paymentID int64, deposit bool) (p *payment, card *craftgate.TestCard, step craftgate.Step, down *outage, declined bool, refuse *apiError) {
	p = m.store.payment(paymentID)
	if p == nil {
		return nil, nil, "", nil, false, m.paymentNotFound("paymentId "+itoa(paymentID)+": payment", paymentID)
	}
	card, ok := m.store.card(p)
	if !ok {
		return nil, nil, "", nil, false, errReadEvicted(p.id)
	}
	id := itoa(p.id)
	down = m.bankOutage(card, m.Now())

	p = m.store.lock(p)
	defer p.mu.Unlock()
	switch {
	case !p.threeDS:
		refuse = errValidation(CodeThreeDSNotCompletable, "paymentId "+id+" is not a 3-D Secure payment")
	case p.isDeposit() != deposit: // walletpay.go
		refuse = errValidation(CodeThreeDSNotCompletable, "paymentId "+id+": "+p.depositMismatch())
	case p.phase == phaseInitThreeDS:
		refuse = errValidation(CodeThreeDSNotCompletable, "paymentId "+id+": 3-D Secure verification is not done yet (paymentStatus INIT_THREEDS)")
	case p.phase == phaseCallbackThreeDS:
	case p.failed && p.failStep == stepThreeDSVerify:
		refuse = errNotAuthenticated(p.id, int(p.md))
	default:
		refuse = errValidation(CodeThreeDSNotCompletable, "paymentId "+id+" is already completed (paymentStatus "+p.status()+")")
	}
	if refuse != nil {
		return p, card, "", nil, false, refuse
	}
	p.phase = phaseFinal
	step, declined = completionDecline(p, card) // THREEDS_COMPLETE, or PRE_AUTH for a pre-authorisation (preauth.go)
	declined = declined || down != nil
	switch {
	case down != nil:
		p.failed, p.failStep, p.outage = true, stepOutage, down.index
	case declined:
		p.failed, p.failStep = true, failStepOf(step)
	default:
		p.refund = refundNot
		if deposit {
			m.creditDeposit(p) // under p.mu, with the state change (wallet.go)
		}
		m.saveOnSuccess(p) // storeCardAfterSuccessPayment
	}
	return p, card, step, down, declined, nil
}

func (m *Mock) logThreeDS(c *call, p *payment, what string) {
	if m.log == nil || !m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		return
	}
	p.mu.Lock()
	status := p.status()
	p.mu.Unlock()
	number := "" // evicted meanwhile: logged without the card
	if card, ok := m.store.card(p); ok {
		number = card.Number
	}
	m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: 3-D Secure "+what,
		slog.Int64("id", p.id), slog.String("status", status), slog.String("card", craftgate.MaskPAN(number)))
}
