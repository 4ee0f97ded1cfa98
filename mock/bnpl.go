package mock

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// BNPL, the shopping loan (docs/reference/craftgate/flows.md section 6, docs/reference/craftgate/endpoints.md A.4 and B.16,
// alfabank/bnpl.md).
//
//	POST /payment/v1/bnpl-payments/offers          signed; the plans of a basket (MASLAK, ZIP, PAYCELL)
//	POST /payment/v1/bnpl-payments/init            signed; WAITING / REDIRECT_TO_URL to the bank's page
//	GET  /_mock/bnpl/{paymentId}?t=TOKEN           the bank's application page (not signed)
//	POST /_mock/bnpl/{paymentId}  t, action        apply or abandon; answers the callback form
//	POST /payment/v1/bnpl-payments/{id}/approve    signed, no body; APPROVAL_REQUIRED -> SUCCESS
//	POST /payment/v1/bnpl-payments/{id}/verify     signed, no body (clients' form)
//	POST /payment/v1/bnpl-payments/verify          signed, {paymentId} (docs' form, responseStatus)
//
// A loan is an APM payment of the APM store (apm.go): same ids, retrieve
// and bound. Its outcome at the bank's page follows docs/reference/alfabank/bnpl.md section 2, by
// bankCode (bnplBanks): İş Bankası, Akbank and TEB approve automatically
// (SUCCESS / NONE); Fibabanka and Denizbank need the merchant's approval
// (WAITING / APPROVAL_REQUIRED). MOCK DECISION: three mock bank codes
// reach the other branches deterministically: 9001 is still evaluating
// (WAITING / WAIT_FOR_WEBHOOK, then at once APPROVAL_REQUIRED, told by the
// BNPL_NOTIFICATION webhook only), 9002 leaves the status unknown
// (WAITING / VERIFY_REQUIRED; verify then finds APPROVAL_REQUIRED), 9003
// rejects (FAILURE). Without a bankCode: ALFABANK, TOM_FINANCE and HASO
// need approval, ZIP and PAYCELL approve automatically (Paycell's page
// says NONE at callback means success), a MASLAK hosted-page application
// is decided like İş Bankası.
//
// The callback carries paymentId, paymentStatus, additionalAction,
// conversationId, callbackStatus, hashParams and the version 2 hash, with
// the hashParams order of docs/reference/craftgate/vectors.md V3 (the docs give none). The seeds
// name the field apmAdditionalAction: the mock sends additionalAction, as
// the API pages and clients do. Every status change after the application
// sends BNPL_NOTIFICATION (payloadId the payment id) with payload
// {"paymentStatus","additionalAction"}: a superset of the docs' example.
//
// Cancel and refund go through the ordinary refund endpoints (the hooks at
// the top of refundPayment and refundTransaction): for ALFABANK and
// TOM_FINANCE a whole-payment refund (cancel) only while the loan is not
// approved, a transaction refund only after approval (docs/reference/alfabank/bnpl.md 3.5); the
// other providers follow the generic rule (a refund needs a successful
// payment). MOCK DECISION: those refunds are answered but, unlike card
// refunds, not kept for GET /payment/v1/refunds/{id}.

// bnplOutcome is what the bank's page decides.
type bnplOutcome uint8

const (
	bnplAuto     bnplOutcome = iota // SUCCESS / NONE
	bnplApproval                    // WAITING / APPROVAL_REQUIRED
	bnplEvaluate                    // WAITING / WAIT_FOR_WEBHOOK, then APPROVAL_REQUIRED by webhook
	bnplUnknown                     // WAITING / VERIFY_REQUIRED
	bnplReject                      // FAILURE
)

// bnplBank is one bank behind the BNPL providers.
type bnplBank struct {
	code, name string
	outcome    bnplOutcome
}

// bnplBanks are the banks the mock's offers list and init accepts, in
// offer order. Real EFT codes for the real banks; 9001-9003 are the
// mock's (see above).
var bnplBanks = []bnplBank{
	{"0064", "Türkiye İş Bankası", bnplAuto},
	{"0046", "Akbank", bnplAuto},
	{"0032", "TEB", bnplAuto},
	{"0103", "Fibabanka", bnplApproval},
	{"0134", "Denizbank", bnplApproval},
	{"9001", "Mock Evaluating Bank", bnplEvaluate},
	{"9002", "Mock Unknown-Status Bank", bnplUnknown},
	{"9003", "Mock Rejecting Bank", bnplReject},
}

// bnplCategories are the category codes (docs/reference/alfabank/bnpl.md section 7): the docs'
// 24 and the clients' 4 more, accepted alike (the documentation and the official clients differ).
var bnplCategories = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`MOBILE_PHONE_PRICE_ABOVE_REGULATION_LIMIT MOBILE_PHONE_PRICE_BELOW_REGULATION_LIMIT TABLET COMPUTER
		CONSTRUCTION_MARKET GOLD DIGITAL_PRODUCTS SUPERMARKET WHITE_GOODS WEARABLE_TECHNOLOGY SMALL_HOME_APPLIANCES TV GAMES_CONSOLES
		AIR_CONDITIONER_AND_HEATER ELECTRONICS ACCESSORIES MOM_AND_BABY_AND_KIDS SHOES CLOTHING COSMETICS_AND_PERSONAL_CARE FURNITURE
		HOME_LIVING AUTOMOBILE_MOTORCYCLE OTHER TABLET_WITH_CAMPAIGN MOBILE_PHONE_REFURBISHED MOBILE_PHONE_OVER_5000_TRY MOBILE_PHONE_BELOW_5000_TRY`) {
		bnplCategories[c] = true
	}
}

// bnplLoan is the BNPL part of an APM payment, guarded by the store's
// mutex.
type bnplLoan struct {
	outcome   bnplOutcome
	approved  bool
	cancelled bool
	refunds   []bnplRefund // what the refund endpoints did, oldest first (the reporting API reads them)
}

// bnplRefund is one successful refund of a loan: the whole loan (txID 0,
// a CANCEL or, for an approved loan, a REFUND) or part of one item.
type bnplRefund struct {
	id, txID, created int64
	price             money
	refundType        string
	destination       string
	conversationID    string
}

// bnplOffersProviders have an offers query (docs TR: MASLAK, ZIP, PAYCELL).
var bnplOffersProviders = map[string]bool{craftgate.BnplMaslak: true, craftgate.BnplZip: true, craftgate.BnplPaycell: true}

// bnplProviders are the init apmTypes (docs TR list).
var bnplProviders = map[string]bool{craftgate.BnplMaslak: true, craftgate.BnplAlfabank: true, craftgate.BnplTomFinance: true,
	craftgate.BnplHaso: true, craftgate.BnplZip: true, craftgate.BnplPaycell: true}

// checkBnplCurrency: TRY or KZT (docs/reference/alfabank/bnpl.md 3.1, 3.2).
func checkBnplCurrency(c string) *apiError {
	switch c {
	case "":
		return errRequired("currency")
	case "TRY", "KZT":
		return nil
	}
	return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(c, 10))+": BNPL loans are in TRY or KZT")
}

// maxCartQuantity bounds a cart item's quantity.
const maxCartQuantity = 1_000_000

// validateCart checks a BNPL basket: at least one item, each with a
// category code, a positive quantity and unit price, adding up to price
// exactly (docs/reference/alfabank/bnpl.md 3.1 MOCK DECISION: Σ unitPrice × quantity == price).
func validateCart(field string, items []craftgate.BnplCartItem, price money) *apiError {
	if len(items) == 0 {
		return errValidation(CodeRequiredField, field+" is required: at least one item (quantity, amount and category are mandatory by BDDK rules)")
	}
	var sum money
	for i := range items {
		it := &items[i]
		f := field + "[" + strconv.Itoa(i) + "]"
		if it.Type == "" {
			return errRequired(f + ".type (the category code)")
		}
		if !bnplCategories[it.Type] {
			return errValidation(CodeInvalidBnplCart, f+".type "+strconv.Quote(truncate(it.Type, 50))+" is not a BNPL category code")
		}
		if it.Quantity < 1 || it.Quantity > maxCartQuantity {
			return errValidation(CodeInvalidBnplCart, f+".quantity is required and must be between 1 and "+strconv.Itoa(maxCartQuantity))
		}
		unit, e := checkAmount(f+".unitPrice", it.UnitPrice)
		if e != nil {
			return e
		}
		if unit > (maxMoney-sum)/money(it.Quantity) {
			return errValidation(CodeInvalidBnplCart, "the sum of "+field+" unitPrice × quantity must equal price ("+price.String()+"), got more than 10000000000")
		}
		sum += unit * money(it.Quantity)
	}
	if sum != price {
		return errValidation(CodeInvalidBnplCart, "the sum of "+field+" unitPrice × quantity ("+sum.String()+") must equal price ("+price.String()+")")
	}
	return nil
}

// checkBnplType refuses a missing apmType, or one not in providers
// (refusal says why).
func checkBnplType(apmType string, providers map[string]bool, refusal string) *apiError {
	switch {
	case apmType == "":
		return errRequired("apmType")
	case !providers[apmType]:
		return errValidation(CodeApmTypeNotEnabled, "apmType "+strconv.Quote(truncate(apmType, 40))+" "+refusal)
	}
	return nil
}

// bnplOffers serves POST /payment/v1/bnpl-payments/offers.
func (m *Mock) bnplOffers(c *call) error {
	var req craftgate.BnplOffersRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if e := checkBnplType(req.ApmType, bnplOffersProviders, "has no offers query (MASLAK, ZIP and PAYCELL have; the others show their plans after init)"); e != nil {
		return e
	}
	price, e := checkAmount("price", req.Price)
	if en := m.apmNotEnabled(req.ApmType); en != nil {
		e = en
	}
	if e == nil {
		e = checkBnplCurrency(req.Currency)
	}
	if e == nil {
		e = validateCart("items", req.Items, price)
	}
	if e != nil {
		return e
	}
	// MOCK DECISION: offerId is a string (the clients' type; the docs
	// say number, and the client's OfferID reads both); interest-free
	// plans of 3 and 6 months, the installment rounded to kuruş, the total
	// exactly the price.
	resp := craftgate.BnplOffersResponse{OfferID: craftgate.OfferID(itoa(nextRange(&m.ids.payment, 1))), Price: req.Price}
	banks := bnplBanks
	if req.ApmType != craftgate.BnplMaslak {
		banks = []bnplBank{{code: "", name: req.ApmType}}
	}
	zero := craftgate.MustAmount("0")
	for _, b := range banks {
		o := craftgate.BnplBankOffer{BankCode: b.code, BankName: b.name, IsSupportNonCustomer: true}
		for _, term := range []int{3, 6} {
			o.BankOfferTerms = append(o.BankOfferTerms, craftgate.BnplBankOfferTerm{Term: term,
				Amount: craftgate.AmountOf(req.Price.Decimal.DivRound(craftgate.MustAmount(strconv.Itoa(term)).Decimal, 2)), TotalAmount: req.Price,
				InterestRate: zero, AnnualInterestRate: zero})
		}
		resp.BankOffers = append(resp.BankOffers, o)
	}
	c.sendData(http.StatusOK, &resp)
	return nil
}

// paramText is additionalParams[name] as text (a string or a number).
func paramText(p map[string]any, name string) string {
	switch v := p[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// checkBnplParams checks the provider's required inputs (docs/reference/alfabank/bnpl.md section 2).
func checkBnplParams(req *craftgate.InitBnplPaymentRequest) *apiError {
	ap := req.AdditionalParams
	need := func(names ...string) *apiError {
		for _, n := range names {
			if paramText(ap, n) == "" {
				return errRequired("additionalParams." + n + " (apmType " + req.ApmType + ")")
			}
		}
		return nil
	}
	phone := func() *apiError {
		v := paramText(ap, "buyerPhoneNumber")
		if len(v) != 10 || v[0] != '5' || !isDigits(v) {
			return errValidation(CodeInvalidApmParam, "additionalParams.buyerPhoneNumber must be 10 digits 5XXXXXXXXX (apmType "+req.ApmType+")")
		}
		return nil
	}
	buyer := func() *apiError {
		if e := need("buyerPhoneNumber", "buyerBirthdate", "buyerIdentityNumber"); e != nil {
			return e
		}
		if e := phone(); e != nil {
			return e
		}
		if v := paramText(ap, "buyerIdentityNumber"); len(v) != 11 || !isDigits(v) {
			return errValidation(CodeInvalidApmParam, "additionalParams.buyerIdentityNumber must be the 11-digit TCKN (apmType "+req.ApmType+")")
		}
		if v := paramText(ap, "buyerBirthdate"); len(v) != 10 || v[4] != '-' || v[7] != '-' || !isDigits(v[:4]+v[5:7]+v[8:]) {
			return errValidation(CodeInvalidApmParam, "additionalParams.buyerBirthdate must be yyyy-MM-dd (apmType "+req.ApmType+")")
		}
		return nil
	}
	switch req.ApmType {
	case craftgate.BnplZip:
		return need("buyerEmail", "buyerPhoneNumber")
	case craftgate.BnplTomFinance:
		// The page also requires channelId; the client samples send only
		// buyerName and buyerPhoneNumber: both are accepted (the documentation and the official clients differ).
		if e := need("buyerName", "buyerPhoneNumber"); e != nil {
			return e
		}
		return phone()
	case craftgate.BnplHaso:
		return buyer()
	case craftgate.BnplPaycell:
		if e := buyer(); e != nil {
			return e
		}
		return need("term")
	case craftgate.BnplMaslak:
		if fg, _ := ap["fingate"].(map[string]any); fg != nil && fg["isHostedPage"] == true {
			return nil
		}
		if req.BankCode == "" {
			return errRequired("bankCode (MASLAK direct application; or additionalParams.fingate.isHostedPage true)")
		}
		return buyer()
	}
	return nil
}

// bnplInit serves POST /payment/v1/bnpl-payments/init.
func (m *Mock) bnplInit(c *call) error {
	var req craftgate.InitBnplPaymentRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if e := checkBnplType(req.ApmType, bnplProviders, "is not a BNPL provider enabled for the merchant (MASLAK, ALFABANK, TOM_FINANCE, HASO, ZIP, PAYCELL)"); e != nil {
		return e
	}
	if e := m.apmNotEnabled(req.ApmType); e != nil {
		return e
	}
	if e := checkBnplCurrency(req.Currency); e != nil {
		return e
	}
	p, e := m.newAPM(req.ApmType, &craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, ConversationID: req.ConversationID, ExternalID: req.ExternalID,
		PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, Items: req.Items})
	if e == nil {
		e = validateCart("cartItems", req.CartItems, p.price)
	}
	if e == nil {
		e = checkCallbackURL(req.CallbackURL)
	}
	if e == nil {
		e = checkBnplParams(&req)
	}
	loan := &bnplLoan{outcome: bnplAuto}
	if e == nil {
		switch req.ApmType {
		case craftgate.BnplAlfabank, craftgate.BnplTomFinance, craftgate.BnplHaso:
			loan.outcome = bnplApproval
		}
		if req.BankCode != "" {
			found := false
			for _, b := range bnplBanks {
				if b.code == req.BankCode {
					loan.outcome, found = b.outcome, true
				}
			}
			if !found {
				e = errValidation(CodeInvalidApmParam, "bankCode "+strconv.Quote(truncate(req.BankCode, 10))+" is not a bank of the offers")
			}
		}
	}
	if e != nil {
		return e
	}
	p.bnpl, p.action, p.status, p.callbackURL, p.token = loan, craftgate.ApmActionRedirectToURL, craftgate.StatusWaiting, req.CallbackURL, randomToken()
	m.apm.add(p)
	m.logAPM(c, p, "bnpl init")
	c.sendData(http.StatusOK, &craftgate.InitApmPaymentResponse{PaymentID: p.id, PaymentStatus: craftgate.StatusWaiting,
		AdditionalAction: craftgate.ApmActionRedirectToURL, RedirectURL: m.publicBase(c.r) + pathBNPLPage + "/" + itoa(p.id) + "?t=" + p.token})
	return nil
}

// bnplNotify sends BNPL_NOTIFICATION for p's current state; the caller
// passes the values it read under the lock.
func (m *Mock) bnplNotify(id int64, status, action string) {
	top := craftgate.StatusSuccess
	if status == craftgate.StatusFailure {
		top = craftgate.StatusFailure
	}
	payload, _ := json.Marshal(map[string]string{"paymentStatus": status, "additionalAction": action})
	m.emitPayload(EventBnplNotification, top, itoa(id), id, payload)
}

// bnplAnswer applies the buyer's application at the bank's page and
// answers the callback form.
func (m *Mock) bnplAnswer(c *call, p *apmPayment, action string) {
	if action != "apply" && action != "abandon" {
		c.sendMessage(http.StatusBadRequest, "Bad request", "Unknown action.")
		return
	}
	m.apm.mu.Lock()
	again := p.returned
	f := url.Values{"paymentId": {itoa(p.id)}, "conversationId": {p.conversationID}, "callbackStatus": {""}}
	var notify [][2]string
	if again {
		// docs/reference/alfabank/bnpl.md 4: paymentStatus FAILURE, callbackStatus ALREADY_RETURNED.
		f.Set("paymentStatus", craftgate.StatusFailure)
		f.Set("additionalAction", craftgate.ApmActionNone)
		f.Set("callbackStatus", craftgate.CallbackAlreadyReturned)
	} else {
		p.returned = true
		outcome := p.bnpl.outcome
		if action == "abandon" {
			outcome = bnplReject
		}
		switch outcome {
		case bnplAuto:
			p.status, p.action, p.bnpl.approved = craftgate.StatusSuccess, craftgate.ApmActionNone, true
		case bnplApproval:
			p.action = craftgate.ApmActionApprovalRequired
		case bnplEvaluate:
			p.action = craftgate.ApmActionWaitForWebhook
		case bnplUnknown:
			p.action = craftgate.ApmActionVerifyRequired
		case bnplReject:
			p.fail("APM_ERROR", "the bank rejected the loan application")
			p.action = craftgate.ApmActionNone
		}
		f.Set("paymentStatus", p.status)
		f.Set("additionalAction", p.action)
		notify = append(notify, [2]string{p.status, p.action})
		if outcome == bnplEvaluate {
			// The evaluation ends at once; only the webhook tells.
			p.action = craftgate.ApmActionApprovalRequired
			notify = [][2]string{{p.status, p.action}}
		}
	}
	m.apm.mu.Unlock()
	for _, n := range notify {
		m.bnplNotify(p.id, n[0], n[1])
	}
	f.Set("hashParams", craftgate.BnplCallbackHashParams)
	f.Set("hash", craftgate.CallbackHashV2(m.callbackKey, f))
	names := append(strings.Split(craftgate.BnplCallbackHashParams, ":"), "hashParams", "hash")
	c.sendCallbackPage("Loan application", "The bank answered: "+f.Get("paymentStatus")+" / "+f.Get("additionalAction")+".",
		p.callbackURL, formFields(f, names))
}

// bnplLoanOf finds the loan of a signed BNPL call.
func (m *Mock) bnplLoanOf(id int64) (*apmPayment, *apiError) {
	p := m.apm.get(id)
	if p == nil || p.bnpl == nil {
		if p != nil {
			return nil, errValidation(CodeBnplNotApprovable, "paymentId "+itoa(id)+" is an APM payment, not a BNPL loan")
		}
		return nil, m.apmNotFound(id)
	}
	return p, nil
}

// bnplApprove serves POST /payment/v1/bnpl-payments/{id}/approve.
func (m *Mock) bnplApprove(c *call) error {
	p, e := m.bnplLoanOf(c.id)
	if e != nil {
		return e
	}
	if e := locked(&m.apm.mu, func() error {
		if p.status != craftgate.StatusWaiting || p.action != craftgate.ApmActionApprovalRequired || p.bnpl.cancelled {
			why := "it is " + p.status + " / " + p.action
			if p.bnpl.cancelled {
				why = "it was cancelled"
			}
			return errValidation(CodeBnplNotApprovable, "paymentId "+itoa(p.id)+" cannot be approved: "+why+
				"; only a loan in WAITING / APPROVAL_REQUIRED can be")
		}
		p.status, p.action, p.bnpl.approved = craftgate.StatusSuccess, craftgate.ApmActionNone, true
		return nil
	}); e != nil {
		return e
	}
	m.logAPM(c, p, "bnpl approve")
	m.bnplNotify(p.id, craftgate.StatusSuccess, craftgate.ApmActionNone)
	c.sendData(http.StatusOK, m.apmPaymentView(p))
	return nil
}

// bnplVerifyState resolves an unknown status (MOCK DECISION: verify
// finds APPROVAL_REQUIRED) and returns the loan's state.
func (m *Mock) bnplVerifyState(p *apmPayment) (status, action, group, code, desc string, changed bool) {
	m.apm.mu.Lock()
	defer m.apm.mu.Unlock()
	if p.status == craftgate.StatusWaiting && p.action == craftgate.ApmActionVerifyRequired {
		p.action, changed = craftgate.ApmActionApprovalRequired, true
	}
	return p.status, p.action, p.errGroup, p.errCode, p.errDesc, changed
}

// bnplVerify serves POST /payment/v1/bnpl-payments/{id}/verify (clients).
func (m *Mock) bnplVerify(c *call) error {
	p, e := m.bnplLoanOf(c.id)
	if e != nil {
		return e
	}
	status, action, group, code, desc, changed := m.bnplVerifyState(p)
	if changed {
		m.bnplNotify(p.id, status, action)
	}
	r := craftgate.BnplVerifyResponse{PaymentStatus: status, AdditionalAction: action}
	if group != "" {
		r.PaymentError = &craftgate.ErrorBody{ErrorCode: code, ErrorDescription: desc, ErrorGroup: group}
	}
	c.sendData(http.StatusOK, &r)
	return nil
}

// bnplVerifyDocs serves POST /payment/v1/bnpl-payments/verify {paymentId}
// (docs): responseStatus APPROVED / DECLINED / WAITING for SUCCESS /
// FAILURE / WAITING (docs/reference/alfabank/bnpl.md 3.4, MOCK DECISION).
func (m *Mock) bnplVerifyDocs(c *call) error {
	var req struct {
		PaymentID int64 `json:"paymentId"`
	}
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if req.PaymentID <= 0 {
		return errRequired("paymentId")
	}
	p, e := m.bnplLoanOf(req.PaymentID)
	if e != nil {
		return e
	}
	status, action, _, code, desc, changed := m.bnplVerifyState(p)
	if changed {
		m.bnplNotify(p.id, status, action)
	}
	rs := map[string]string{craftgate.StatusSuccess: "APPROVED", craftgate.StatusFailure: "DECLINED"}[status]
	if rs == "" {
		rs = craftgate.StatusWaiting
	}
	c.sendData(http.StatusOK, &craftgate.BnplVerifyDocsResponse{ResponseStatus: rs, AdditionalAction: action, ErrorCode: code, ErrorMessage: desc})
	return nil
}

// cancelRuleProviders are the providers whose pages state the rule:
// cancel only unapproved, refund only approved (docs/reference/alfabank/bnpl.md 3.5).
var cancelRuleProviders = map[string]bool{craftgate.BnplAlfabank: true, craftgate.BnplTomFinance: true}

// refundAPMPayment answers POST /payment/v1/refunds for an APM payment
// (the hook of refundPayment); ok is false when id is none.
func (m *Mock) refundAPMPayment(c *call, req *craftgate.RefundPaymentRequest) bool {
	if !m.apm.holds(req.PaymentID) {
		return false
	}
	p := m.apm.get(req.PaymentID)
	if p == nil {
		c.fail(m.apmNotFound(req.PaymentID))
		return true
	}
	if p.bnpl == nil {
		c.fail(errValidation(CodeUnsupportedFeature, "paymentId "+itoa(p.id)+": refunds of APM payments other than BNPL loans are not modelled by the mock"))
		return true
	}
	refundType := craftgate.RefundTypeCancel
	dest := refundDestination(req.RefundDestinationType)
	var id, now int64
	if e := locked(&m.apm.mu, func() error {
		switch {
		case p.bnpl.cancelled || p.status == craftgate.StatusFailure:
			return errValidation(CodeBnplCancelNotAllowed, "paymentId "+itoa(p.id)+": the loan is "+map[bool]string{true: "already cancelled", false: "FAILURE"}[p.bnpl.cancelled]+" and cannot be cancelled")
		case p.bnpl.approved && cancelRuleProviders[p.apmType]:
			return errValidation(CodeBnplCancelNotAllowed, "paymentId "+itoa(p.id)+": an approved "+p.apmType+" loan cannot be cancelled; refund part of it with "+craftgate.PathRefundTransactions)
		case p.bnpl.approved:
			refundType = craftgate.RefundTypeRefund
		}
		p.bnpl.cancelled = true
		id, now = nextRange(&m.ids.refund, 1), m.nowUnix()
		p.bnpl.refunds = append(p.bnpl.refunds, bnplRefund{id: id, created: now, price: p.paid, refundType: refundType,
			destination: dest, conversationID: req.ConversationID})
		return nil
	}); e != nil {
		c.fail(asAPIError(e))
		return true
	}
	m.logAPM(c, p, "bnpl "+refundType)
	m.emit(EventRefund, craftgate.StatusSuccess, itoa(id), p.id)
	c.sendData(http.StatusOK, &craftgate.PaymentRefund{ID: id, CreatedDate: string(m.appendUnix(nil, now)), Status: craftgate.StatusSuccess,
		RefundType: refundType, RefundDestinationType: dest, RefundPrice: craftgate.MustAmount(p.paid.String()),
		RefundBankPrice: craftgate.MustAmount(p.paid.String()), RefundWalletPrice: craftgate.MustAmount("0"),
		ConversationID: req.ConversationID, Currency: craftgate.Currencies[p.currency], PaymentID: p.id,
		PaymentTransactionRefunds: []craftgate.PaymentTransactionRefund{}})
	return true
}

// refundAPMTransaction answers POST /payment/v1/refund-transactions for a
// transaction of an APM payment (the hook of refundTransaction); ok is
// false when the transaction is none.
func (m *Mock) refundAPMTransaction(c *call, req *craftgate.RefundTransactionRequest) bool {
	p, tx := m.apm.transaction(req.PaymentTransactionID)
	if p == nil {
		return false
	}
	price, e := checkAmount("refundPrice", req.RefundPrice)
	if e != nil {
		c.fail(e)
		return true
	}
	if p.bnpl == nil {
		c.fail(errValidation(CodeUnsupportedFeature, "paymentTransactionId "+itoa(req.PaymentTransactionID)+": refunds of APM payments other than BNPL loans are not modelled by the mock"))
		return true
	}
	dest := refundDestination(req.RefundDestinationType)
	var id, now int64
	if e := locked(&m.apm.mu, func() error {
		switch {
		case p.bnpl.cancelled || p.status != craftgate.StatusSuccess:
			return errValidation(CodeBnplRefundNotAllowed, "paymentTransactionId "+itoa(tx.id)+": the loan of payment "+itoa(p.id)+
				" is not approved (it is "+p.status+" / "+p.action+map[bool]string{true: ", cancelled", false: ""}[p.bnpl.cancelled]+
				"): a BNPL loan is refunded in part only after approval; cancel it whole with "+craftgate.PathRefunds)
		case price > tx.paid-tx.refunded:
			return errValidation(CodeBnplRefundNotAllowed, "refundPrice "+price.String()+" is more than the "+(tx.paid-tx.refunded).String()+
				" left to refund on paymentTransactionId "+itoa(tx.id))
		}
		tx.refunded += price
		id, now = nextRange(&m.ids.txRefund, 1), m.nowUnix()
		p.bnpl.refunds = append(p.bnpl.refunds, bnplRefund{id: id, txID: tx.id, created: now, price: price,
			refundType: craftgate.RefundTypeRefund, destination: dest, conversationID: req.ConversationID})
		return nil
	}); e != nil {
		c.fail(asAPIError(e))
		return true
	}
	m.logAPM(c, p, "bnpl refund-transaction")
	m.emit(EventRefundTx, craftgate.StatusSuccess, itoa(id), p.id)
	c.sendData(http.StatusOK, &craftgate.PaymentTransactionRefund{ID: id, CreatedDate: string(m.appendUnix(nil, now)),
		Status: craftgate.StatusSuccess, RefundDestinationType: dest, RefundPrice: craftgate.MustAmount(price.String()),
		RefundBankPrice: craftgate.MustAmount(price.String()), RefundWalletPrice: craftgate.MustAmount("0"), ConversationID: req.ConversationID,
		PaymentTransactionID: tx.id, PaymentID: p.id, Currency: craftgate.Currencies[p.currency],
		IsAfterSettlement: m.afterPayout(p.id, tx.id, now, map[int64]map[int64]int64{})}) // as reporting says (reporting.go)
	return true
}

// EventBnplNotification is the webhook of a loan's status change
// (docs/reference/craftgate/flows.md 9.1): payloadId the payment id, payload its state.
const EventBnplNotification = "BNPL_NOTIFICATION"

// bnplPageNote tells the tester what applying will do.
func bnplPageNote(o bnplOutcome) string {
	switch o {
	case bnplApproval:
		return "the bank approves; the merchant must approve the loan before it is used (APPROVAL_REQUIRED)."
	case bnplEvaluate:
		return "the bank is still evaluating (WAIT_FOR_WEBHOOK); its decision comes by BNPL_NOTIFICATION."
	case bnplUnknown:
		return "the bank's answer cannot be read (VERIFY_REQUIRED); the merchant must verify."
	case bnplReject:
		return "the bank rejects the application (FAILURE)."
	}
	return "the bank approves automatically; the loan is used and the merchant paid (NONE)."
}
