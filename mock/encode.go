package mock

import (
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Encoders of the mock's responses, built on the primitives of jsonenc.go.

// Lengths of the generated bank references.
const (
	authCodeDigits      = 6
	hostReferenceDigits = 12
	transIDDigits       = 15
	orderIDDigits       = 16
)

// The one virtual POS the mock routes every payment through. posJSON is its
// rendering, written out once; the encoder test builds the model from the
// other constants, so the two cannot drift apart unnoticed.
const (
	posID     = 1
	posName   = "Gatecheck Mock POS"
	posAlias  = "gatecheck-mock"
	posBankID = 1
	posJSON   = `,"pos":{"id":1,"name":"Gatecheck Mock POS","alias":"gatecheck-mock","bankId":1}`
)

// cardJSON is the rendered card part of a PaymentResponse, which depends
// only on the catalogue card: the fields before cardHolderName, and those
// after it.
type cardJSON struct{ head, tail []byte }

// cardFields returns the card's rendered fields, from the mock's cache
// (the catalogue is immutable, so each card is rendered once).
func (m *Mock) cardFields(card *craftgate.TestCard) *cardJSON {
	if v, ok := m.cardCache.Load(card); ok {
		return v.(*cardJSON)
	}
	var c cardJSON
	c.head = appendField(c.head, "binNumber", card.Number[:8])
	c.head = appendField(c.head, "lastFourDigits", card.Number[len(card.Number)-4:])
	c.tail = appendField(c.tail, "cardIssuerBankName", card.Bank)
	c.tail = appendField(c.tail, "cardType", card.CardType)
	c.tail = appendField(c.tail, "cardAssociation", card.Association)
	c.tail = appendField(c.tail, "cardBrand", card.CardFamily)
	v, _ := m.cardCache.LoadOrStore(card, &c)
	return v.(*cardJSON)
}

// sendPayment answers status with p as {"data": PaymentResponse}, or
// returns the 404 of a payment evicted while it was read (nothing sent).
func (c *call) sendPayment(status int, p *payment, en bool) error {
	if !c.sendRecord(status, func(b []byte) ([]byte, bool) { return c.m.appendPayment(b, p, en) }) {
		return errReadEvicted(p.id)
	}
	return nil
}

// sendRecord answers status with {"data": what appendData appends}; false,
// with nothing sent, when appendData found its record evicted meanwhile.
func (c *call) sendRecord(status int, appendData func([]byte) ([]byte, bool)) bool {
	b, ok := appendData(append(c.out, `{"data":`...))
	if !ok {
		return false
	}
	c.out = append(b, '}')
	c.send(status)
	return true
}

// appendPayment appends p as a craftgate.Payment (PaymentResponse) object;
// false when p was evicted while it was read (b is then partly written).
func (m *Mock) appendPayment(b []byte, p *payment, en bool) ([]byte, bool) {
	st := m.store
	text, ok := st.text(p)
	if !ok {
		return b, false
	}
	card, _ := craftgate.TestCards().Card(text.pan)
	p.mu.Lock()
	defer p.mu.Unlock()
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, p.id, 10)
	b = append(b, `,"createdDate":"`...)
	b = m.appendUnix(b, p.created)
	b = append(b, `","price":`...)
	b = p.price.appendTo(b)
	b = append(b, `,"paidPrice":`...)
	b = p.paidPrice.appendTo(b)
	wallet := st.walletPrice(p) // walletpay.go
	b = append(b, `,"walletPrice":`...)
	b = wallet.appendTo(b)
	b = append(b, `,"currency":"`...)
	b = append(b, craftgate.Currencies[p.currency]...)
	b = append(b, '"')
	if p.buyerMemberID != 0 {
		b = append(b, `,"buyerMemberId":`...)
		b = strconv.AppendInt(b, p.buyerMemberID, 10)
	}
	b = append(b, `,"installment":`...)
	b = strconv.AppendInt(b, int64(p.installment), 10)
	b = appendField(b, "conversationId", text.conversationID)
	b = appendField(b, "externalId", text.externalID)
	b = appendField(b, "paymentChannel", text.channel)
	if o := methodOrigin(p.source); o != "" { // the wallet methods (walletpage.go)
		b = append(b, o...)
	} else if p.source == sourceCheckout {
		b = append(b, `,"paymentType":"CARD_PAYMENT","paymentProvider":"BANK","paymentSource":"CHECKOUT_FORM"`...)
	} else if p.source == sourcePayByLink {
		b = append(b, `,"paymentType":"CARD_PAYMENT","paymentProvider":"BANK","paymentSource":"PAY_BY_LINK"`...)
	} else if wallet == 0 && p.cardFlags&payDeposit == 0 {
		b = append(b, `,"paymentType":"CARD_PAYMENT","paymentProvider":"BANK","paymentSource":"API"`...)
	} else { // wallet payments and top-ups (walletpay.go): no bank for a wallet-only one
		b = append(b, `,"paymentType":"`...)
		b = append(b, p.paymentType(wallet)...)
		if card != nil {
			b = append(b, `","paymentProvider":"BANK`...)
		}
		b = append(b, `","paymentSource":"API"`...)
	}
	if g := groupName(p.group); g != "" {
		b = append(b, `,"paymentGroup":"`...)
		b = append(b, g...) // a constant that needs no escaping
		b = append(b, '"')
	}
	b = append(b, `,"paymentStatus":"`...)
	b = append(b, p.status()...)
	b = append(b, `","paymentPhase":"`...)
	b = append(b, p.authPhase.String()...) // AUTH, PRE_AUTH or POST_AUTH (preauth.go)
	if p.threeDS {
		b = append(b, `","isThreeDS":true,"merchantCommissionRate":`...)
	} else {
		b = append(b, `","isThreeDS":false,"merchantCommissionRate":`...)
	}
	rate := p.commissionRate()
	b = rate.appendTo(b)
	b = append(b, `,"merchantCommissionRateAmount":`...)
	b = (p.paidPrice - p.price).appendTo(b)
	if p.cardFlags&cardPaidStored != 0 { // cards.go
		b = append(b, `,"bankCommissionRate":0,"bankCommissionRateAmount":0,"paidWithStoredCard":true`...)
	} else {
		b = append(b, `,"bankCommissionRate":0,"bankCommissionRateAmount":0,"paidWithStoredCard":false`...)
	}
	if card != nil { // nil: a wallet-only payment (walletpay.go)
		cj := m.cardFields(card)
		b = append(b, cj.head...)
		b = appendField(b, "cardHolderName", text.holder)
		b = append(b, cj.tail...)
	}
	if p.succeeded() && card != nil {
		b = append(b, `,"authCode":"`...)
		b = m.appendRef(b, refAuthCode, p.id, authCodeDigits)
		b = append(b, `","hostReference":"`...)
		b = m.appendRef(b, refHostReference, p.id, hostReferenceDigits)
		b = append(b, `","transId":"`...)
		b = m.appendRef(b, refTransID, p.id, transIDDigits)
		b = append(b, '"')
	}
	if o := text.bankOrderID; o != "" {
		b = appendField(b, "orderId", o)
	} else if card != nil {
		b = append(b, `,"orderId":"`...)
		b = m.appendRef(b, refOrderID, p.id, orderIDDigits)
		b = append(b, '"')
	}
	if p.md >= 0 {
		b = append(b, `,"mdStatus":`...)
		b = strconv.AppendInt(b, int64(p.md), 10)
	}
	b = appendField(b, "requestedPosAlias", text.posAlias)
	if card != nil {
		b = append(b, posJSON...)
	}
	b = m.appendExtras(b, p.id) // fraudId, fraudAction, loyalty (side.go)
	if p.cardFlags&cardSaved != 0 {
		// storeCardAfterSuccessPayment: the stored card's keys (cards.go).
		k := m.store.vault.savedFor(p.id)
		b = appendField(b, "cardUserKey", k.userKey)
		b = appendField(b, "cardToken", k.token)
	}
	if p.failed {
		e := m.storedFailure(p, card, en)
		b = append(b, `,"paymentError":`...)
		b = appendErrorBody(b, e.code, e.desc, e.group)
	}
	b = append(b, `,"refundStatus":"`...)
	b = append(b, p.refund.String()...)
	b = append(b, `","paymentTransactions":[`...)
	var small [8]money
	shares, ok := st.walletShares(p, small[:0]) // each item's walletPrice (walletpay.go)
	if !ok {
		return b, false
	}
	for i := range int(p.txCount) {
		if i > 0 {
			b = append(b, ',')
		}
		name, ext := text.items.next(), text.items.next()
		id, t := p.txFirst+int64(i), (*transaction)(nil)
		if t, ok = st.txAt(p, i); !ok {
			return b, false
		}
		b = appendTransaction(b, p, id, t, rate, name, ext, shares[i], m.transactionStatus(id, t))
	}
	return append(b, ']', '}'), true
}

// appendTransaction appends one craftgate.PaymentTransaction; the caller
// holds p.mu.
func appendTransaction(b []byte, p *payment, id int64, t *transaction, rate money, name, externalID string, wallet money, status string) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = appendField(b, "name", name)
	b = appendField(b, "externalId", externalID)
	b = append(b, `,"price":`...)
	b = t.price.appendTo(b)
	b = append(b, `,"paidPrice":`...)
	b = t.paidPrice.appendTo(b)
	b = append(b, `,"walletPrice":`...)
	b = wallet.appendTo(b)
	b = append(b, `,"merchantCommissionRate":`...)
	b = rate.appendTo(b)
	b = append(b, `,"merchantCommissionRateAmount":`...)
	b = (t.paidPrice - t.price).appendTo(b)
	b = append(b, `,"merchantPayoutAmount":`...)
	b = t.merchantPayout().appendTo(b)
	if t.subMerchantID != 0 {
		b = append(b, `,"subMerchantMemberId":`...)
		b = strconv.AppendInt(b, t.subMerchantID, 10)
		b = append(b, `,"subMerchantMemberPrice":`...)
		b = t.subMerchantPrice.appendTo(b)
		b = append(b, `,"subMerchantMemberPayoutRate":`...)
		b = percentOf(t.subMerchantPrice, t.price).appendTo(b)
		b = append(b, `,"subMerchantMemberPayoutAmount":`...)
		b = t.subMerchantPrice.appendTo(b)
	}
	b = append(b, `,"transactionStatus":"`...)
	b = append(b, status...) // marketplace.go
	b = append(b, `","refundablePrice":`...)
	b = p.refundable(t).appendTo(b)
	return append(b, '}')
}

// appendCancel appends a CANCEL as a craftgate.PaymentRefund; false when
// the record was evicted while it was read (nothing appended).
func (m *Mock) appendCancel(b []byte, c *cancelRecord) ([]byte, bool) {
	conv, ok := m.store.cancelConversationAt(c)
	if !ok {
		return b, false
	}
	b = m.appendRecordHead(b, c.id, c.created, `"refundType":"CANCEL",`, c.price, refundWallet{c.wallet, c.toWallet}, conv)
	b = append(b, `","currency":`...)
	b = appendString(b, craftgate.Currencies[c.currency])
	b = append(b, `,"paymentId":`...)
	b = strconv.AppendInt(b, c.paymentID, 10)
	return append(b, `,"paymentTransactionRefunds":[]}`...), true
}

// appendRecordHead appends what a CANCEL and a transaction refund begin
// with: id, createdDate, status, typ (members to add after the status),
// the destination (walletpay.go), conversationId and the bank references,
// up to the last one's closing quote.
func (m *Mock) appendRecordHead(b []byte, id, created int64, typ string, price money, rw refundWallet, conv string) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"createdDate":"`...)
	b = m.appendUnix(b, created)
	b = append(b, `","status":"SUCCESS",`...)
	b = append(b, typ...)
	b = appendDestination(b, price, rw)
	b = appendField(b, "conversationId", conv)
	b = append(b, `,"authCode":"`...)
	b = m.appendRef(b, refAuthCode, id, authCodeDigits)
	b = append(b, `","hostReference":"`...)
	b = m.appendRef(b, refHostReference, id, hostReferenceDigits)
	b = append(b, `","transId":"`...)
	return m.appendRef(b, refTransID, id, transIDDigits)
}

// appendRefund appends a whole-payment REFUND as a craftgate.PaymentRefund:
// no top-level id (docs/reference/craftgate/endpoints.md B.8), one entry per transaction refund;
// false when one of them was evicted while it was read.
func (m *Mock) appendRefund(b []byte, p *payment, conversationID string, total money, created int64, rs []*txRefundRecord, rw refundWallet) ([]byte, bool) {
	b = append(b, `{"createdDate":"`...)
	b = m.appendUnix(b, created)
	b = append(b, `","status":"SUCCESS","refundType":"REFUND",`...)
	b = appendDestination(b, total, rw) // walletpay.go
	b = appendField(b, "conversationId", conversationID)
	b = append(b, `,"currency":`...)
	b = appendString(b, craftgate.Currencies[p.currency])
	b = append(b, `,"paymentId":`...)
	b = strconv.AppendInt(b, p.id, 10)
	b = append(b, `,"paymentTransactionRefunds":[`...)
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = m.appendTxRefund(b, r); !ok {
			return b, false
		}
	}
	return append(b, ']', '}'), true
}

// appendTxRefund appends a craftgate.PaymentTransactionRefund; false when
// the record was evicted while it was read (nothing appended).
func (m *Mock) appendTxRefund(b []byte, r *txRefundRecord) ([]byte, bool) {
	conv, ok := m.store.txRefundConversationAt(r)
	if !ok {
		return b, false
	}
	b = m.appendRecordHead(b, r.id, r.created, "", r.price, refundWallet{r.wallet, r.toWallet}, conv)
	// isAfterSettlement as the reporting API says it (reporting.go): no
	// caller holds a payment's lock here.
	b = append(b, `","isAfterSettlement":`...)
	b = strconv.AppendBool(b, m.afterPayout(r.paymentID, r.txID, r.created, map[int64]map[int64]int64{}))
	b = append(b, `,"paymentTransactionId":`...)
	b = strconv.AppendInt(b, r.txID, 10)
	b = append(b, `,"paymentId":`...)
	b = strconv.AppendInt(b, r.paymentID, 10)
	b = append(b, `,"currency":`...)
	b = appendString(b, craftgate.Currencies[r.currency])
	return append(b, '}'), true
}

// Derived values, shared by the encoders and the models.

func (p *payment) status() string {
	switch p.phase {
	case phaseInitThreeDS:
		return craftgate.StatusInitThreeDS
	case phaseCallbackThreeDS:
		return craftgate.StatusCallbackThreeDS
	}
	if p.failed {
		return craftgate.StatusFailure
	}
	return craftgate.StatusSuccess
}

// succeeded reports whether the payment is SUCCESS: money was taken.
func (p *payment) succeeded() bool { return !p.failed && p.phase == phaseFinal }

// storedFailure is the paymentError of a failed payment: the catalogue
// failure of the step it failed at, or, for a 3-D Secure payment whose
// verification was not accepted, the validation-class error that 3ds-complete
// answers for it.
func (m *Mock) storedFailure(p *payment, card *craftgate.TestCard, en bool) *apiError {
	step := craftgate.StepNon3DSPayment
	switch p.failStep {
	case stepThreeDSInit:
		step = craftgate.StepThreeDSInit
	case stepThreeDSVerify:
		return errNotAuthenticated(p.id, int(p.md))
	case stepThreeDSComplete:
		step = craftgate.StepThreeDSComplete
	case stepOutage:
		return outageError(p.outage)
	case stepPreAuth:
		step = craftgate.StepPreAuth
	}
	return m.paymentFailure(failureAt(card, step), craftgate.TestCards().Outcome(card.Number, step).Code, en)
}

// commissionRate is merchantCommissionRate: (paidPrice-price)/price in
// percent, 2 decimals.
func (p *payment) commissionRate() money { return percentOf(p.paidPrice-p.price, p.price) }

// refundable is the transaction's refundablePrice: nothing for a payment
// that did not succeed. The caller holds p.mu.
func (p *payment) refundable(t *transaction) money {
	if !p.succeeded() {
		return 0
	}
	return t.refundable()
}

// merchantPayout is what the merchant keeps of the item: its share of
// paidPrice less the sub-merchant's price (the mock charges no bank
// commission).
func (t *transaction) merchantPayout() money { return t.paidPrice - t.subMerchantPrice }

// failureDescription is the errorDescription of a catalogue failure:
// Turkish by default (the documented examples are Turkish), English when
// the request's lang header asks for it.
func failureDescription(f *craftgate.Failure, en bool) string {
	if en || f.DescriptionTr == "" {
		return f.Description
	}
	return trimCatalogueNote(f.DescriptionTr)
}
