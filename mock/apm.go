package mock

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Alternative payment methods (docs/reference/craftgate/flows.md sections 5 and 14, docs/reference/craftgate/endpoints.md
// A.3 and B.10).
//
//	POST /payment/v1/apm-payments/init         signed; WAITING + additionalAction, SUCCESS/NONE, or 422
//	POST /payment/v1/apm-payments/complete     signed; {paymentId, additionalParams{otpCode|passCode}}
//	POST /payment/v1/apm-payments              signed; direct (offline) FUND_TRANSFER / CASH_ON_DELIVERY
//	GET  /payment/v1/instant-transfer-banks    signed; the banks of INSTANT_TRANSFER
//	GET  /_mock/apm/{paymentId}?t=TOKEN        the provider's page (not signed, token-protected)
//	POST /_mock/apm/{paymentId}  t, action     approve or reject; answers the callback form
//
// additionalAction by apmType (docs/reference/craftgate/flows.md section 5):
//
//	REDIRECT_TO_URL    PAPARA PAYPAL KLARNA AFTERPAY STRIPE ISPAY KASPI
//	OTP_REQUIRED       EDENRED EDENRED_GIFT SETCARD IWALLET METROPOL PAYCELL_DCB
//	SHOW_HTML_CONTENT  INSTANT_TRANSFER MULTINET
//	WAIT_FOR_WEBHOOK   BIZUM CHIPPIN TOMPAY
//	NONE (SUCCESS)     SODEXO (Pluxee) with the sandbox code 843195
//
// MOCK DECISION (the reference documents no APM test accounts except the
// Pluxee code 843195): the APM error groups are reached by apmUserIdentity
// at init (apmErrorIdentities: 0000000000000018, ...26, ...34, ...42 and
// ...59, Luhn-valid so that reports mask them like any card number), and
// at complete by the code: the right code is 123456 (otpCode) or 1234
// (iWallet passCode); 999999 has expired (APM_VERIFICATION_CODE_ERROR);
// any other code is APM_INVALID_VERIFICATION_CODE. A refused APM payment
// is stored FAILURE with its paymentError, retrievable like a declined
// card payment (HTTP 422 with the group's catalogue code).
//
// MOCK DECISION: Kaspi is a REDIRECT_TO_URL APM here (the docs say it is
// then also completed in the app); WAIT_FOR_WEBHOOK payments are confirmed
// or refused by the buyer on the same provider page (the mock's stand-in
// for the mobile app), which answers a plain page instead of a callback,
// and Craftgate's API_AUTH webhook tells the merchant.
//
// The callback (docs/reference/craftgate/flows.md 5 item 3) carries status, paymentId,
// conversationId, callbackStatus (ALREADY_RETURNED on repeats) and the
// 7-field version 1 hash: the APM page's text gives a 5-field formula, but
// its own example hash is the 3-D Secure v1 formula with empty
// completeStatus and conversationData (docs/reference/craftgate/vectors.md "APM callback hash"),
// which is also the only verifier the official clients offer. The mock
// sends completeStatus and conversationData as empty fields, so that both
// readings of the form hash to the same value.
//
// APM payments live in their own bounded store (apmCapacity, oldest
// first), with ids from the payment counter, so that GET
// /payment/v1/card-payments/{id} answers them too (retrievePayment).

// apmCapacity bounds the APM payments the mock keeps; the oldest is
// dropped first (a later retrieve of it answers 404 "evicted").
const apmCapacity = 1 << 16

// apmSandboxPluxeeCode is the documented Pluxee sandbox code.
const apmSandboxPluxeeCode = "843195"

// The codes of OTP_REQUIRED APMs (MOCK DECISION, see above).
const (
	apmOTPCode     = "123456"
	apmPassCode    = "1234"
	apmExpiredCode = "999999"
)

// apmErrorIdentities maps the apmUserIdentity values that make the
// provider refuse an init to their error group (MOCK DECISION).
var apmErrorIdentities = map[string]string{
	"0000000000000018": "APM_ACCOUNT_NOT_FOUND",
	"0000000000000026": "APM_ACCOUNT_PERMISSION_DENIED",
	"0000000000000034": "APM_VALIDATION_ERROR",
	"0000000000000042": "APM_VPOS_ERROR",
	"0000000000000059": "APM_ERROR",
}

// APMErrorIdentities returns a copy of the apmUserIdentity values that
// make the mock's APM provider refuse an init, by error group.
func APMErrorIdentities() map[string]string {
	out := make(map[string]string, len(apmErrorIdentities))
	for k, v := range apmErrorIdentities {
		out[k] = v
	}
	return out
}

// apmActions is the additionalAction of each APM type init serves: the
// documented types (https://developer.craftgate.io, APM payments) first,
// then every other type the official clients' enums list, each behaving
// like the nearest documented type (MOCK DECISION, README "APM"): wallets
// and redirecting providers like PayPal, meal and gift cards with a code
// like Edenred, Multinet's gift cards like Multinet, MB WAY (a phone app)
// like Bizum, carrier billing like Paycell DCB, Pluxee gift like Pluxee,
// and the shopping-loan (BNPL) types, when sent to APM init rather than
// to the BNPL init, like a redirecting provider.
var apmActions = map[string]string{
	craftgate.ApmPapara: craftgate.ApmActionRedirectToURL, craftgate.ApmPayPal: craftgate.ApmActionRedirectToURL,
	craftgate.ApmKlarna: craftgate.ApmActionRedirectToURL, craftgate.ApmAfterpay: craftgate.ApmActionRedirectToURL,
	craftgate.ApmStripe: craftgate.ApmActionRedirectToURL, craftgate.ApmIsPay: craftgate.ApmActionRedirectToURL,
	craftgate.ApmKaspi:   craftgate.ApmActionRedirectToURL,
	craftgate.ApmEdenred: craftgate.ApmActionOTPRequired, craftgate.ApmEdenredGift: craftgate.ApmActionOTPRequired,
	craftgate.ApmSetcard: craftgate.ApmActionOTPRequired, craftgate.ApmIWallet: craftgate.ApmActionOTPRequired,
	craftgate.ApmMetropol: craftgate.ApmActionOTPRequired, craftgate.ApmPaycellDCB: craftgate.ApmActionOTPRequired,
	craftgate.ApmInstantTransfer: craftgate.ApmActionShowHTMLContent, craftgate.ApmMultinet: craftgate.ApmActionShowHTMLContent,
	craftgate.ApmBizum: craftgate.ApmActionWaitForWebhook, craftgate.ApmChippin: craftgate.ApmActionWaitForWebhook,
	craftgate.ApmTompay: craftgate.ApmActionWaitForWebhook,
	craftgate.ApmPluxee: craftgate.ApmActionNone,

	craftgate.ApmPayoneer: craftgate.ApmActionRedirectToURL, craftgate.ApmAlipay: craftgate.ApmActionRedirectToURL,
	craftgate.ApmApplePay: craftgate.ApmActionRedirectToURL, craftgate.ApmGooglePay: craftgate.ApmActionRedirectToURL,
	craftgate.ApmHepsipayFinance: craftgate.ApmActionRedirectToURL, craftgate.ApmHepsipayWallet: craftgate.ApmActionRedirectToURL,
	craftgate.ApmHepsipayShoppingLoan: craftgate.ApmActionRedirectToURL, craftgate.ApmPaymob: craftgate.ApmActionRedirectToURL,
	craftgate.ApmPapel: craftgate.ApmActionRedirectToURL, craftgate.ApmAlbaraka: craftgate.ApmActionRedirectToURL,
	craftgate.ApmKaracaFinans: craftgate.ApmActionRedirectToURL, craftgate.ApmCompay: craftgate.ApmActionRedirectToURL,
	craftgate.ApmDKB:     craftgate.ApmActionRedirectToURL,
	craftgate.BnplMaslak: craftgate.ApmActionRedirectToURL, craftgate.BnplAlfabank: craftgate.ApmActionRedirectToURL,
	craftgate.BnplTomFinance: craftgate.ApmActionRedirectToURL, craftgate.BnplHaso: craftgate.ApmActionRedirectToURL,
	craftgate.BnplZip: craftgate.ApmActionRedirectToURL, craftgate.BnplPaycell: craftgate.ApmActionRedirectToURL,
	craftgate.ApmTokenflex: craftgate.ApmActionOTPRequired, craftgate.ApmTokenflexGift: craftgate.ApmActionOTPRequired,
	craftgate.ApmVodafoneDCB:  craftgate.ApmActionOTPRequired,
	craftgate.ApmMultinetGift: craftgate.ApmActionShowHTMLContent, craftgate.ApmMultinetNeoGift: craftgate.ApmActionShowHTMLContent,
	craftgate.ApmMBWay:      craftgate.ApmActionWaitForWebhook,
	craftgate.ApmPluxeeGift: craftgate.ApmActionNone, craftgate.ApmPluxeeDocs: craftgate.ApmActionNone,
}

// instantTransferBanks is the mock's list of instant-transfer banks
// (MOCK DECISION: the reference names none; these are Turkish EFT codes).
var instantTransferBanks = []craftgate.InstantTransferBank{
	{BankCode: "0010", BankName: "Ziraat Bankası"},
	{BankCode: "0046", BankName: "Akbank"},
	{BankCode: "0062", BankName: "Garanti BBVA"},
	{BankCode: "0064", BankName: "Türkiye İş Bankası"},
}

// apmPayment is one APM payment. Its fields after creation are guarded by
// the store's mutex.
type apmPayment struct {
	id             int64
	apmType        string
	action         string
	status         string // WAITING, SUCCESS, FAILURE
	price, paid    money
	currency       uint8
	group          uint8
	created        int64 // unix seconds, mock clock
	conversationID string
	externalID     string
	channel        string
	buyerMemberID  int64
	callbackURL    string
	token          string
	returned       bool
	direct         bool // POST /payment/v1/apm-payments
	deposit        bool // a wallet top-up (apmdeposit.go)
	credited       bool // the top-up's wallet was credited
	errGroup       string
	errCode        string
	errDesc        string
	txs            []apmTx
	bnpl           *bnplLoan // BNPL loans only (bnpl.go)
}

// apmTx is one item of an APM payment.
type apmTx struct {
	id               int64
	price, paid      money
	name, externalID string
	refunded         money // BNPL transaction refunds (bnpl.go)
}

// apmStore holds the APM payments: a map and the ids in creation order,
// bounded by apmCapacity. The zero value is ready.
type apmStore struct {
	mu      sync.Mutex
	byID    map[int64]*apmPayment
	order   []int64
	evicted map[int64]struct{} // bounded like byID
	txOwner map[int64]int64    // transaction id -> payment id, of the kept payments
}

func (s *apmStore) add(p *apmPayment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID, s.evicted, s.txOwner = map[int64]*apmPayment{}, map[int64]struct{}{}, map[int64]int64{}
	}
	if len(s.order) >= apmCapacity {
		old := s.order[0]
		s.order = s.order[1:]
		for _, t := range s.byID[old].txs {
			delete(s.txOwner, t.id)
		}
		delete(s.byID, old)
		if len(s.evicted) >= apmCapacity {
			clear(s.evicted)
		}
		s.evicted[old] = struct{}{}
	}
	s.byID[p.id] = p
	s.order = append(s.order, p.id)
	for _, t := range p.txs {
		s.txOwner[t.id] = p.id
	}
}

// transaction returns the payment and transaction of a transaction id,
// or nil; the caller locks s.mu to read them.
func (s *apmStore) transaction(txID int64) (*apmPayment, *apmTx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.byID[s.txOwner[txID]]
	if p == nil {
		return nil, nil
	}
	for i := range p.txs {
		if p.txs[i].id == txID {
			return p, &p.txs[i]
		}
	}
	return nil, nil
}

// get returns the payment id, or nil; the caller locks s.mu to read it.
func (s *apmStore) get(id int64) *apmPayment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// holds reports whether id is (or was) an APM payment.
func (s *apmStore) holds(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byID[id]
	_, gone := s.evicted[id]
	return ok || gone
}

// newAPM validates the order fields common to every APM request, through
// the card payment's validation (one definition of amounts, currency,
// group and basket), and returns a payment with ids assigned.
func (m *Mock) newAPM(apmType string, req *craftgate.CreatePaymentRequest) (*apmPayment, *apiError) {
	req.Installment = 1
	var d draft
	if e := validateOrder(req, &d); e != nil {
		return nil, e
	}
	splitPaidPrice(&d)
	p := &apmPayment{apmType: apmType, price: d.price, paid: d.paidPrice, currency: d.currency, group: d.group,
		created: m.Now().Unix(), conversationID: req.ConversationID, externalID: req.ExternalID,
		channel: req.PaymentChannel, buyerMemberID: req.BuyerMemberID}
	p.id = nextRange(&m.ids.payment, 1)
	first := nextRange(&m.ids.tx, len(d.txs))
	p.txs = make([]apmTx, len(d.txs))
	for i, t := range d.txs {
		p.txs[i] = apmTx{id: first + int64(i), price: t.price, paid: t.paidPrice, name: t.name, externalID: t.externalID}
	}
	return p, nil
}

// disabledAPMs returns the set of types.
func disabledAPMs(types []string) map[string]bool {
	out := make(map[string]bool, len(types))
	for _, t := range types {
		out[t] = true
	}
	return out
}

// apmNotEnabled refuses an apmType the merchant has not enabled (docs/reference/alfabank/bnpl.md
// section 1: "an apmType that is not enabled for the merchant should fail
// init/offers with a validation error"; MOCK DECISION: CodeApmTypeNotEnabled).
func (m *Mock) apmNotEnabled(apmType string) *apiError {
	if !m.disabledAPMs[apmType] {
		return nil
	}
	return errValidation(CodeApmTypeNotEnabled, "apmType "+apmType+" is not enabled for the merchant (panel: APM Management)")
}

// apmGroupError is the 422 of an APM error group, with the group's
// catalogue code.
func apmGroupError(group, desc string) *apiError {
	g, _ := craftgate.TestCards().Group(group)
	return errPayment(g.Code, group, desc)
}

// checkAPMParams checks the APM-specific inputs docs/reference/craftgate/flows.md section 5 lists.
func checkAPMParams(req *craftgate.InitApmPaymentRequest) *apiError {
	ap := req.AdditionalParams
	need := func(name string) *apiError {
		if ap[name] == "" {
			return errRequired("additionalParams." + name + " (apmType " + req.ApmType + ")")
		}
		return nil
	}
	gsm := func(field, v string) *apiError {
		if len(v) != 10 || v[0] != '5' || !isDigits(v) {
			return errValidation(CodeInvalidApmParam, field+" must be a mobile number 5xxxxxxxxx (apmType "+req.ApmType+")")
		}
		return nil
	}
	switch req.ApmType {
	case craftgate.ApmEdenred, craftgate.ApmEdenredGift, craftgate.ApmSetcard:
		// The Node sample of Setcard sends the card as
		// additionalParams.cardNumber: either place is read.
		if id := apmIdentity(req); len(id) != 16 || !isDigits(id) {
			return errValidation(CodeInvalidApmParam, "apmUserIdentity (or additionalParams.cardNumber) must be the 16-digit card number (apmType "+req.ApmType+")")
		}
	case craftgate.ApmIWallet:
		// The Node and PHP samples "with card password" send the card as
		// apmUserIdentity and its password as additionalParams.otpCode.
		if ap["cardNumber"] == "" && req.ApmUserIdentity == "" {
			return errRequired("additionalParams.cardNumber (or apmUserIdentity) (apmType IWALLET)")
		}
	case craftgate.ApmMetropol:
		return need("cardNumber")
	case craftgate.ApmPaycellDCB:
		return gsm("additionalParams.paycellGsmNumber", ap["paycellGsmNumber"])
	case craftgate.ApmPluxee, craftgate.ApmPluxeeGift, craftgate.ApmPluxeeDocs:
		if e := gsm("apmUserIdentity", req.ApmUserIdentity); e != nil {
			return e
		}
		return need("sodexoCode")
	case craftgate.ApmBizum:
		v := ap["buyerPhoneNumber"]
		if !strings.HasPrefix(v, "34") || len(v) < 5 || len(v) > 15 || !isDigits(v) {
			return errValidation(CodeInvalidApmParam, "additionalParams.buyerPhoneNumber must be 34 followed by digits, 5 to 15 digits in all (apmType BIZUM)")
		}
	case craftgate.ApmChippin:
		if req.ApmUserIdentity == "" {
			return errRequired("apmUserIdentity (the Chippin number)")
		}
	case craftgate.ApmTompay:
		if e := gsm("additionalParams.phone", ap["phone"]); e != nil {
			return e
		}
	case craftgate.ApmKlarna:
		if e := need("country"); e != nil {
			return e
		}
		return need("locale")
	case craftgate.ApmInstantTransfer:
		if e := need("bankCode"); e != nil {
			return e
		}
		for _, b := range instantTransferBanks {
			if b.BankCode == ap["bankCode"] {
				return nil
			}
		}
		return errValidation(CodeInvalidApmParam, "additionalParams.bankCode "+strconv.Quote(truncate(ap["bankCode"], 10))+" is not an instant-transfer bank (GET "+craftgate.PathInstantTransferBanks+")")
	}
	return nil
}

// iWalletPassword is the card password an iWallet init carries
// (additionalParams.otpCode or passCode), or "".
func iWalletPassword(req *craftgate.InitApmPaymentRequest) string {
	if req.ApmType != craftgate.ApmIWallet {
		return ""
	}
	if c := req.AdditionalParams["passCode"]; c != "" {
		return c
	}
	return req.AdditionalParams["otpCode"]
}

// isPluxee reports whether t is one of Pluxee's types (the clients'
// SODEXO and SODEXO_GIFT, the docs' PLUXEE).
func isPluxee(t string) bool {
	return t == craftgate.ApmPluxee || t == craftgate.ApmPluxeeGift || t == craftgate.ApmPluxeeDocs
}

// apmIdentity is the buyer's account at the provider: apmUserIdentity,
// or for the card-based types additionalParams.cardNumber when the
// identity is not sent.
func apmIdentity(req *craftgate.InitApmPaymentRequest) string {
	if req.ApmUserIdentity == "" {
		switch req.ApmType {
		case craftgate.ApmEdenred, craftgate.ApmEdenredGift, craftgate.ApmSetcard:
			return req.AdditionalParams["cardNumber"]
		}
	}
	return req.ApmUserIdentity
}

// initAPM serves POST /payment/v1/apm-payments/init.
func (m *Mock) initAPM(c *call) error {
	var req craftgate.InitApmPaymentRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	action, e := m.apmActionFor(req.ApmType)
	if e != nil {
		return e
	}
	p, e := m.newAPM(req.ApmType, &craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, ConversationID: req.ConversationID, ExternalID: req.ExternalID,
		PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, Items: req.Items})
	if e != nil {
		return e
	}
	resp, e := m.startAPM(c, &req, p, action)
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, resp)
	return nil
}

// apmActionFor is the additionalAction APM init serves for apmType, or
// the refusal of a type that is missing, unknown, direct or not enabled.
func (m *Mock) apmActionFor(apmType string) (string, *apiError) {
	if apmType == "" {
		return "", errRequired("apmType")
	}
	action, ok := apmActions[apmType]
	if !ok {
		return "", errValidation(CodeApmTypeNotEnabled, "apmType "+strconv.Quote(truncate(apmType, 40))+
			" is not an APM enabled for the merchant at init (direct APMs FUND_TRANSFER and CASH_ON_DELIVERY use POST "+craftgate.PathApmPayments+")")
	}
	if e := m.apmNotEnabled(apmType); e != nil {
		return "", e
	}
	return action, nil
}

// startAPM checks the APM-specific inputs of req and starts p, an APM
// payment (or top-up) made from it whose amounts were validated: the
// provider may refuse it at once (stored FAILURE, the 422 returned), pay
// it at once (NONE) or wait for the buyer (the answer's action). Shared
// by APM init and the APM top-up (apmdeposit.go).
func (m *Mock) startAPM(c *call, req *craftgate.InitApmPaymentRequest, p *apmPayment, action string) (*craftgate.InitApmPaymentResponse, *apiError) {
	// A callback is posted only after a redirect (the provider's page
	// sends the buyer back); OTP, app (WAIT_FOR_WEBHOOK) and NONE payments
	// end through the API and the webhook, so the official samples of
	// Bizum and MB WAY send no callbackUrl. One that is sent is checked.
	if req.CallbackURL != "" || action == craftgate.ApmActionRedirectToURL || action == craftgate.ApmActionShowHTMLContent {
		if e := checkCallbackURL(req.CallbackURL); e != nil {
			return nil, e
		}
	}
	if e := checkAPMParams(req); e != nil {
		return nil, e
	}
	p.action, p.status, p.callbackURL, p.token = action, craftgate.StatusWaiting, req.CallbackURL, randomToken()
	group, refused := apmErrorIdentities[apmIdentity(req)]
	if !refused && isPluxee(req.ApmType) && req.AdditionalParams["sodexoCode"] != apmSandboxPluxeeCode {
		group, refused = "APM_INVALID_VERIFICATION_CODE", true
	}
	desc := "the APM provider refused the payment (" + group + ")"
	if code := iWalletPassword(req); !refused && code != "" {
		// The card's password at init: paid at once, or refused like a
		// wrong code at complete (MOCK DECISION, README "APM").
		switch code {
		case apmPassCode:
			action = craftgate.ApmActionNone
		case apmExpiredCode:
			group, refused, desc = "APM_VERIFICATION_CODE_ERROR", true, "the card password has expired"
		default:
			group, refused, desc = "APM_INVALID_VERIFICATION_CODE", true, "the card password is not valid"
		}
		p.action = action
	}
	if refused {
		p.fail(group, desc)
		m.apm.add(p)
		m.logAPM(c, p, "refused at init")
		m.emit(EventAPIAuth, craftgate.StatusFailure, itoa(p.id), p.id)
		c.w.Header()[PaymentIDHeader] = []string{itoa(p.id)} // like a card decline (payments.go)
		return nil, apmGroupError(group, p.errDesc)
	}
	resp := craftgate.InitApmPaymentResponse{PaymentID: p.id, PaymentStatus: craftgate.StatusWaiting, AdditionalAction: action}
	page := m.publicBase(c.r) + pathAPMPage + "/" + itoa(p.id) + "?t=" + p.token
	switch action {
	case craftgate.ApmActionNone:
		p.status, resp.PaymentStatus = craftgate.StatusSuccess, craftgate.StatusSuccess
	case craftgate.ApmActionRedirectToURL, craftgate.ApmActionWaitForWebhook:
		resp.RedirectURL = page
	case craftgate.ApmActionShowHTMLContent:
		if p.deposit {
			// A top-up's answer has no htmlContent (apmdeposit.go).
			resp.RedirectURL = page
			break
		}
		// The buyer's browser renders it; its form leads to the bank's page.
		var b bytes.Buffer
		if err := apmPages.ExecuteTemplate(&b, "apmredirect", struct {
			Title, Provider string
			Post            autoPost
		}{"Instant transfer", p.apmType, autoPost{Action: page, Button: "Continue to your bank"}}); err != nil {
			panic("mock: render apmredirect: " + err.Error()) // a bug: answered as a 500
		}
		resp.HTMLContent = base64.StdEncoding.EncodeToString(b.Bytes())
	case craftgate.ApmActionOTPRequired:
		if req.ApmType == craftgate.ApmMetropol {
			resp.AdditionalData = map[string]any{"metropolWalletList": []map[string]any{{"walletId": 1, "productId": 1, "walletName": "Mock Metropol wallet"}}}
		}
	}
	paid := p.status == craftgate.StatusSuccess
	m.apm.add(p)
	m.logAPM(c, p, "init "+action)
	if paid {
		m.apmSettled(p, craftgate.StatusSuccess)
	}
	return &resp, nil
}

// apmSettled tells the merchant the outcome of an APM payment that was
// answered (API_AUTH webhook); a successful top-up (apmdeposit.go) is
// credited to its wallet first, exactly once.
func (m *Mock) apmSettled(p *apmPayment, status string) {
	if status == craftgate.StatusSuccess {
		m.creditAPMDeposit(p)
	}
	m.emit(EventAPIAuth, status, itoa(p.id), p.id)
}

// fail marks p failed with group; the caller holds the store's mutex or
// owns p alone.
func (p *apmPayment) fail(group, desc string) {
	g, _ := craftgate.TestCards().Group(group)
	p.status, p.errGroup, p.errCode, p.errDesc = craftgate.StatusFailure, group, g.Code, desc
}

// completeAPM serves POST /payment/v1/apm-payments/complete.
func (m *Mock) completeAPM(c *call) error {
	var req craftgate.CompleteApmPaymentRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if req.PaymentID <= 0 {
		return errRequired("paymentId")
	}
	p := m.apm.get(req.PaymentID)
	if p == nil {
		return m.apmNotFound(req.PaymentID)
	}
	name := "otpCode"
	if p.apmType == craftgate.ApmIWallet {
		name = "passCode"
	}
	code := req.AdditionalParams[name]
	if code == "" {
		return errRequired("additionalParams." + name)
	}
	if p.apmType == craftgate.ApmMetropol && (req.AdditionalParams["walletId"] == "" || req.AdditionalParams["productId"] == "") {
		return errRequired("additionalParams.walletId and additionalParams.productId (from additionalData.metropolWalletList)")
	}
	var status, group, desc string
	if e := locked(&m.apm.mu, func() error {
		if p.action != craftgate.ApmActionOTPRequired || p.status != craftgate.StatusWaiting {
			return errValidation(CodeApmNotCompletable, "paymentId "+itoa(p.id)+" cannot be completed: it is "+p.status+
				", and only a WAITING OTP_REQUIRED APM payment takes a code")
		}
		want := apmOTPCode
		if name == "passCode" {
			want = apmPassCode
		}
		switch code {
		case want:
			p.status = craftgate.StatusSuccess
		case apmExpiredCode:
			p.fail("APM_VERIFICATION_CODE_ERROR", "the verification code has expired")
		default:
			p.fail("APM_INVALID_VERIFICATION_CODE", "the verification code is not valid")
		}
		status, group, desc = p.status, p.errGroup, p.errDesc
		return nil
	}); e != nil {
		return e
	}
	m.logAPM(c, p, "complete "+status)
	m.apmSettled(p, status)
	if status == craftgate.StatusFailure {
		return apmGroupError(group, desc)
	}
	c.sendData(http.StatusOK, &craftgate.CompleteApmPaymentResponse{PaymentID: p.id, PaymentStatus: status})
	return nil
}

// createDirectAPM serves POST /payment/v1/apm-payments: FUND_TRANSFER or
// CASH_ON_DELIVERY, already collected outside Craftgate; a SUCCESS
// payment at once.
func (m *Mock) createDirectAPM(c *call) error {
	var req craftgate.CreateApmPaymentRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	switch req.ApmType {
	case "":
		return errRequired("apmType")
	case craftgate.ApmFundTransfer, craftgate.ApmCashOnDelivery:
	default:
		return errValidation(CodeApmTypeNotEnabled, "apmType "+strconv.Quote(truncate(req.ApmType, 40))+
			" is not a direct APM: POST "+craftgate.PathApmPayments+" takes FUND_TRANSFER or CASH_ON_DELIVERY")
	}
	p, e := m.newAPM(req.ApmType, &craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, ConversationID: req.ConversationID, ExternalID: req.ExternalID,
		PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, Items: req.Items})
	if e != nil {
		return e
	}
	p.direct, p.action, p.status = true, craftgate.ApmActionNone, craftgate.StatusSuccess
	m.apm.add(p)
	m.logAPM(c, p, "direct")
	c.sendData(http.StatusOK, m.apmPaymentView(p))
	return nil
}

// instantTransferBankList serves GET /payment/v1/instant-transfer-banks.
func (m *Mock) instantTransferBankList(c *call) error {
	c.sendData(http.StatusOK, struct {
		Items []craftgate.InstantTransferBank `json:"items"`
	}{instantTransferBanks})
	return nil
}

// apmNotFound is the 404 of an APM payment id.
func (m *Mock) apmNotFound(id int64) *apiError {
	if m.apm.holds(id) {
		return errNotFound(CodeEvicted, "APM payment "+itoa(id)+" was evicted from the mock's store: it keeps the newest "+
			strconv.Itoa(apmCapacity)+" APM payments and drops the oldest")
	}
	return errNotFound(CodePaymentNotFound, "APM payment "+itoa(id)+" not found")
}

// retrieveAPM answers GET /payment/v1/card-payments/{id} for an APM
// payment (docs/reference/craftgate/flows.md 5 item 4); ok is false when id is none.
func (m *Mock) retrieveAPM(c *call) bool {
	if !m.apm.holds(c.id) {
		return false
	}
	p := m.apm.get(c.id)
	if p == nil {
		c.fail(m.apmNotFound(c.id))
		return true
	}
	c.sendData(http.StatusOK, m.apmPaymentView(p))
	return true
}

// apmPaymentView is the PaymentResponse of an APM payment.
func (m *Mock) apmPaymentView(p *apmPayment) *craftgate.Payment {
	m.apm.mu.Lock()
	defer m.apm.mu.Unlock()
	amt := func(v money) craftgate.Amount { return craftgate.MustAmount(v.String()) }
	zero := craftgate.MustAmount("0")
	out := &craftgate.Payment{ID: p.id, CreatedDate: string(m.appendUnix(nil, p.created)),
		Price: amt(p.price), PaidPrice: amt(p.paid), WalletPrice: zero, Currency: craftgate.Currencies[p.currency],
		BuyerMemberID: p.buyerMemberID, Installment: 1, ConversationID: p.conversationID, ExternalID: p.externalID,
		PaymentChannel: p.channel, PaymentType: p.paymentType(), PaymentSource: craftgate.PaymentSourceAPI,
		PaymentGroup: groupName(p.group), PaymentStatus: p.status, PaymentPhase: craftgate.PhaseAuth, ApmType: p.apmType,
		MerchantCommissionRate: zero, MerchantCommissionRateAmount: amt(p.paid - p.price),
		BankCommissionRate: zero, BankCommissionRateAmount: zero}
	if p.errGroup != "" {
		out.PaymentError = &craftgate.ErrorBody{ErrorCode: p.errCode, ErrorDescription: p.errDesc, ErrorGroup: p.errGroup}
	}
	// transactionStatus is an item's payout approval (WAITING_FOR_APPROVAL,
	// APPROVED, PAYOUT_STARTED), not the payment's status: an APM item has
	// no seller to approve, like a card payment's non-marketplace item.
	txStatus := craftgate.TransactionApproved
	out.PaymentTransactions = make([]craftgate.PaymentTransaction, len(p.txs))
	for i, t := range p.txs {
		out.PaymentTransactions[i] = craftgate.PaymentTransaction{ID: t.id, Name: t.name, ExternalID: t.externalID,
			Price: amt(t.price), PaidPrice: amt(t.paid), WalletPrice: zero, MerchantCommissionRate: zero,
			MerchantCommissionRateAmount: amt(t.paid - t.price), MerchantPayoutAmount: amt(t.paid), TransactionStatus: txStatus}
	}
	return out
}

// apmSession finds the APM payment of a page request and checks its token.
func (m *Mock) apmSession(c *call) (*apmPayment, bool) {
	p := m.apm.get(c.id)
	tok := c.r.URL.Query().Get("t")
	if c.r.Method == http.MethodPost {
		if !m.parsePageForm(c) {
			return nil, false
		}
		if t := c.r.PostForm.Get("t"); t != "" {
			tok = t
		}
	}
	if p != nil && (p.bnpl != nil) != strings.HasPrefix(c.r.URL.Path, pathBNPLPage+"/") {
		p = nil
	}
	if p == nil || p.direct || p.token == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(p.token)) != 1 {
		c.sendMessage(http.StatusNotFound, "Not found", "There is no such payment at this provider.")
		return nil, false
	}
	return p, true
}

// apmPages are the provider's pages (the shared layout of pages.go).
var apmPages = template.Must(template.Must(pages.Clone()).Parse(`
{{define "apmredirect"}}{{template "head" .}}<div class="card"><div class="head"><h1>{{.Provider}}</h1><span class="badge">Gatecheck mock</span></div>
<div class="body center"><p>Connecting to your bank for the transfer…</p>
{{template "autopost" .Post}}</div></div>
{{template "foot" .}}{{end}}
{{define "apm"}}{{template "head" .}}<div class="card"><div class="head bank"><h1>{{.Provider}}</h1><span class="badge">Gatecheck mock</span></div>
<div class="body">
{{if .Returned}}<p class="warn">This payment was already answered. Submitting again reports ALREADY_RETURNED to the merchant.</p>{{end}}
<div class="amount" id="amount">{{.Amount}}</div>
<dl><dt>Merchant</dt><dd>{{.Merchant}}</dd><dt>Payment</dt><dd>{{.PaymentID}}</dd></dl>
{{if .App}}<p class="note">Confirm the payment in the {{.Provider}} app.</p>{{end}}
<form id="apm" method="post" action="{{.Action}}">
<input type="hidden" name="t" value="{{.Token}}">
{{if .Loan}}<p class="note">Shopping-loan application: {{.Loan}}</p>
<div class="buttons"><button type="submit" name="action" value="apply" id="apply">Apply for the loan</button>
<button type="submit" name="action" value="abandon" id="abandon" class="secondary">Abandon</button></div>
{{else}}<div class="buttons"><button type="submit" name="action" value="approve" id="approve">Approve</button>
<button type="submit" name="action" value="reject" id="reject" class="secondary">Reject</button></div>{{end}}
</form>
</div><div class="foot">Gatecheck mock APM provider — not a real wallet</div></div>
{{template "foot" .}}{{end}}
`))

// apmPage serves GET /_mock/apm/{id} (and a POST without action).
func (m *Mock) apmPage(c *call) error {
	p, ok := m.apmSession(c)
	if !ok {
		return nil
	}
	if a := c.r.PostForm.Get("action"); c.r.Method == http.MethodPost && a != "" {
		if p.bnpl != nil {
			m.bnplAnswer(c, p, a)
		} else {
			m.apmAnswer(c, p, a)
		}
		return nil
	}
	m.apm.mu.Lock()
	returned := p.returned || p.status != craftgate.StatusWaiting
	app := p.action == craftgate.ApmActionWaitForWebhook
	m.apm.mu.Unlock()
	base, loan := pathAPMPage, ""
	if p.bnpl != nil {
		base, loan = pathBNPLPage, bnplPageNote(p.bnpl.outcome)
	}
	var b bytes.Buffer
	err := apmPages.ExecuteTemplate(&b, "apm", struct {
		Title, Provider, Amount, Merchant, PaymentID, Action, Token, Loan string
		Returned, App                                                     bool
	}{"APM payment", p.apmType, displayAmount(p.paid, craftgate.Currencies[p.currency]), mockMerchantName, itoa(p.id),
		base + "/" + itoa(p.id), p.token, loan, returned, app})
	if err != nil {
		panic("mock: render apm: " + err.Error()) // a bug: answered as a 500
	}
	c.sendHTML(http.StatusOK, b.Bytes())
	return nil
}

// apmAnswer applies the buyer's approve or reject and answers the
// callback form (or, for an app payment, a plain page and the webhook).
func (m *Mock) apmAnswer(c *call, p *apmPayment, action string) {
	if action != "approve" && action != "reject" {
		c.sendMessage(http.StatusBadRequest, "Bad request", "Unknown action.")
		return
	}
	f := callbackFields{paymentID: itoa(p.id), conversationID: p.conversationID}
	m.apm.mu.Lock()
	again := p.returned || p.status != craftgate.StatusWaiting
	if again {
		f.status, f.callbackStatus = craftgate.StatusFailure, craftgate.CallbackAlreadyReturned
	} else {
		p.returned = true
		if action == "approve" {
			p.status = craftgate.StatusSuccess
		} else {
			p.fail("APM_ERROR", "the buyer rejected the payment at the APM provider")
		}
		f.status = p.status
	}
	app := p.action == craftgate.ApmActionWaitForWebhook
	m.apm.mu.Unlock()
	if !again {
		m.logAPM(c, p, action)
		m.apmSettled(p, f.status)
	}
	if app {
		c.sendMessage(http.StatusOK, "Answered", "The payment was answered in the app; the merchant is told by webhook.")
		return
	}
	m.sendCallback(c, &threeDSSession{callbackURL: p.callbackURL}, f, "Payment "+strings.ToLower(f.status), "The APM provider answered.")
}

// logAPM logs an APM payment's step at debug level.
func (m *Mock) logAPM(c *call, p *apmPayment, what string) {
	if m.log == nil || !m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		return
	}
	m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: apm", slog.Int64("paymentId", p.id), slog.String("apmType", p.apmType),
		slog.String("what", what))
}
