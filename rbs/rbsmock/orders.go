package rbsmock

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
)

// actionSessionExpired is the actionCode of an order declined because its
// session timed out. MOCK DECISION: the reference lists no code for it;
// -2007 is what RBS gateways are commonly seen to use ("session expired"),
// from memory of third-party code, not verified against the sources.
const actionSessionExpired = -2007

// descNoPaymentAttempt is actionCodeDescription of an order nobody has
// tried to pay (actionCode -100); descNoPaymentAttemptRU is the gateway's
// Russian text, for orders registered with language=ru.
const (
	descNoPaymentAttempt   = "No payment attempts"
	descNoPaymentAttemptRU = "Не было попыток оплаты"
)

// order is one registered order. Guarded by Mock.mu.
type order struct {
	seq         uint64
	id, number  string
	router      bool
	preAuth     bool
	amount      int64
	currency    rbs.Currency
	returnURL   string
	failURL     string
	callbackURL string // dynamicCallbackUrl
	description string
	language    string
	clientID    string
	ip          string
	features    []string
	ways        []string
	jsonParams  []rbs.NameValue
	created     time.Time
	deadline    time.Time

	status       rbs.OrderStatus
	approved     int64
	deposited    int64
	refunded     int64
	refunds      []refundRec
	reversalUsed bool
	authAt       time.Time
	depositedAt  time.Time
	reversedAt   time.Time
	refundedAt   time.Time
	actionCode   int
	actionDesc   string
	card         *paidCard
	tc           *rbs.TestCard // the catalogue card that paid; never printed
	paymentWay   string

	acsToken     string
	acsCard      *enteredCard // the card waiting at the ACS
	alfaPayToken string

	// direct is set while a paymentorder.do 3-D Secure waits: the ACS
	// then hands the payer back to termURL with a PaRes instead of
	// finishing the payment itself; paRes is what it handed out, and
	// tds2 the 3-D Secure 2 transaction id (empty for 3-D Secure 1).
	direct  bool
	termURL string
	paRes   string
	tds2    string
	// finishURL is where a finished direct payment sends the payer.
	finishURL string

	bindingID        string // the binding the order was paid with or created
	bindingNotNeeded bool
	// bundle is the orderBundle (cart) given at registration; receipts
	// are the fiscal receipts the order's life produced.
	bundle   map[string]any
	receipts []receipt
	// qr is the order's SBP QR code, when one was asked for.
	qr *sbpQR
	// extra are parameters added with addParams.do.
	extra []rbs.NameValue
}

// receipt is one fiscal receipt of an order (getReceiptStatus.do).
type receipt struct {
	uuid      string
	status    int   // receiptStatus: 1 payment delivered, 4 refund delivered
	closing   bool  // a closing receipt (closeOfdReceipt.do)
	amount    int64 // minor units
	at        time.Time
	docNumber int
}

type refundRec struct {
	at           time.Time
	externalID   string
	approvalCode string
	reference    string
	amount       int64
}

// enteredCard is what the payer typed on the payment page.
type enteredCard struct {
	tc     *rbs.TestCard
	expiry string // YYYYMM
	holder string
}

// paidCard is what the order keeps of the card: never the PAN.
type paidCard struct {
	maskedPan     string
	expiry        string
	holder        string
	paymentSystem string
	approvalCode  string
	eci           int
}

// OrderSnapshot is an order's public state, amounts in minor units.
type OrderSnapshot struct {
	OrderID, OrderNumber string
	Status               rbs.OrderStatus
	Amount               int64
	Approved, Deposited  int64
	Refunded             int64
	ActionCode           int
	// MaskedPAN is in the gateway's form (411111**1111).
	MaskedPAN  string
	PaymentWay string
}

func (o *order) snapshot() OrderSnapshot {
	s := OrderSnapshot{OrderID: o.id, OrderNumber: o.number, Status: o.status, Amount: o.amount,
		Approved: o.approved, Deposited: o.deposited, Refunded: o.refunded, ActionCode: o.actionCode, PaymentWay: o.paymentWay}
	if o.card != nil {
		s.MaskedPAN = o.card.maskedPan
	}
	return s
}

func (o *order) hasFeature(f string) bool { return slices.Contains(o.features, f) }

// minAmount is one major unit: deposit and refund refuse less (the
// reference's "< 1 RUB").
func (o *order) minAmount() int64 {
	n := int64(1)
	for range o.currency.Exponent {
		n *= 10
	}
	return n
}

// event is a callback to send once the lock is released.
type event struct {
	url       string
	params    url.Values
	orderID   string
	operation string
}

// callbackFor builds the callback of an operation on o, or nil when the
// order has nowhere to send it. Parameters: mdOrder, orderNumber,
// operation, status, amount and callbackCreationDate (Java Date text, as
// the BPC docs show), plus the refund's amount and id for refunds.
func (m *Mock) callbackFor(o *order, operation string, ok bool, now time.Time, extra url.Values) *event {
	target := o.callbackURL
	if target == "" {
		target = m.cfg.CallbackURL
	}
	if target == "" {
		return nil
	}
	p := url.Values{}
	p.Set("mdOrder", o.id)
	p.Set("orderNumber", o.number)
	p.Set("operation", operation)
	p.Set("status", map[bool]string{true: "1", false: "0"}[ok])
	p.Set("amount", strconv.FormatInt(o.amount, 10))
	p.Set("callbackCreationDate", now.Format("Mon Jan 02 15:04:05 MST 2006"))
	for k, vs := range extra {
		p[k] = vs
	}
	return &event{url: target, params: p, orderID: o.id, operation: operation}
}

// expireLocked declines an unpaid order whose session is over.
func (m *Mock) expireLocked(o *order, now time.Time) *event {
	if (o.status != rbs.StatusRegistered && o.status != rbs.StatusACS) || !now.After(o.deadline) {
		return nil
	}
	o.status = rbs.StatusDeclined
	o.actionCode, o.actionDesc = actionSessionExpired, "Session expired"
	if o.qr != nil && o.qr.status == qrStarted {
		o.qr.status = qrRejected
	}
	o.acsToken, o.acsCard, o.alfaPayToken = "", nil, ""
	return m.callbackFor(o, rbs.OperationDeclinedByTimeout, false, now, nil)
}

// finishLocked ends the payment of o with the card's outcome: held (two
// phase) or deposited (one phase), or declined. It returns the callback
// and where the payer's browser goes next.
func (m *Mock) finishLocked(o *order, c *enteredCard, way string, eci int, now time.Time) (*event, string) {
	o.acsToken, o.acsCard, o.alfaPayToken = "", nil, ""
	o.paymentWay = way
	o.card = &paidCard{maskedPan: rbs.GatewayMaskedPAN(c.tc.Number), expiry: c.expiry, holder: c.holder,
		paymentSystem: c.tc.PaymentSystem, eci: eci}
	op := rbs.OperationDeposited
	if o.preAuth {
		op = rbs.OperationApproved
	}
	if c.tc.Declines() {
		return m.declineLocked(o, c.tc.ActionCode, c.tc.ActionCodeDescription, now)
	}
	o.card.approvalCode = m.digits(streamApproval, o.seq, 6)
	o.actionCode, o.actionDesc = rbs.ActionApproved, ""
	o.tc = c.tc
	if ev := m.bindLocked(o, c, way, now); ev != nil {
		defer m.cb.send(ev)
	}
	o.authAt = now
	o.approved = o.amount
	if o.preAuth {
		o.status = rbs.StatusApproved
	} else {
		o.status = rbs.StatusDeposited
		o.deposited, o.depositedAt = o.amount, now
		m.receiptLocked(o, receiptPaymentDelivered, o.amount, now)
	}
	if m.log != nil {
		m.log.Debug("rbsmock: order paid", "order", o.id, "status", o.status.String(), "card", o.card.maskedPan)
	}
	return m.callbackFor(o, op, true, now, nil), withOrderID(o.returnURL, o)
}

// declineLocked declines o's payment with an actionCode.
func (m *Mock) declineLocked(o *order, actionCode int, desc string, now time.Time) (*event, string) {
	o.acsToken, o.acsCard, o.alfaPayToken = "", nil, ""
	o.status = rbs.StatusDeclined
	o.actionCode, o.actionDesc = actionCode, desc
	op := rbs.OperationDeposited
	if o.preAuth {
		op = rbs.OperationApproved
	}
	if m.log != nil {
		m.log.Debug("rbsmock: order declined", "order", o.id, "actionCode", actionCode)
	}
	fail := o.failURL
	if fail == "" {
		// The reference does not say where a payer without failUrl goes;
		// returnUrl is the only other address the merchant gave.
		fail = o.returnURL
	}
	return m.callbackFor(o, op, false, now, nil), withOrderID(fail, o)
}

// withOrderID appends orderId (and lang, when the order has a language)
// to a return address, as the gateway does.
func withOrderID(raw string, o *order) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("orderId", o.id)
	if o.language != "" {
		q.Set("lang", o.language)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// paymentState is the paymentAmountInfo.paymentState of a status.
func paymentState(s rbs.OrderStatus) string {
	if s == rbs.StatusACS {
		return "CREATED"
	}
	return s.String()
}

// statusBody is the bank-shaped getOrderStatusExtended answer.
func (m *Mock) statusBody(o *order) map[string]any {
	b := map[string]any{
		"errorCode":             "0",
		"errorMessage":          "Success",
		"orderNumber":           o.number,
		"orderStatus":           int(o.status),
		"actionCode":            o.actionCode,
		"actionCodeDescription": o.actionDesc,
		"amount":                o.amount,
		"currency":              o.currency.Code(),
		"date":                  o.created.UnixMilli(),
		"orderDescription":      o.description,
		"ip":                    o.ip,
		"merchantOrderParams":   nonNil(o.jsonParams),
		"attributes":            []rbs.NameValue{{Name: "mdOrder", Value: o.id}},
		"paymentAmountInfo": map[string]any{
			"paymentState":    paymentState(o.status),
			"approvedAmount":  o.approved,
			"depositedAmount": o.deposited,
			"refundedAmount":  o.refunded,
			"totalAmount":     o.amount,
		},
	}
	if o.card != nil {
		b["cardAuthInfo"] = map[string]any{
			"maskedPan":      o.card.maskedPan,
			"expiration":     o.card.expiry,
			"cardholderName": o.card.holder,
			"approvalCode":   o.card.approvalCode,
			"paymentSystem":  o.card.paymentSystem,
			"secureAuthInfo": map[string]any{"eci": o.card.eci},
		}
		b["bankInfo"] = map[string]any{"bankName": "GATECHECK TEST BANK", "bankCountryCode": "RU", "bankCountryName": "Russia"}
	}
	if o.paymentWay != "" {
		b["paymentWay"] = o.paymentWay
	}
	if o.clientID != "" || o.bindingID != "" {
		bi := map[string]any{"clientId": o.clientID}
		if o.bindingID != "" {
			bi["bindingId"] = o.bindingID
		}
		b["bindingInfo"] = bi
	}
	if len(o.extra) > 0 {
		b["merchantOrderParams"] = append(append([]rbs.NameValue{}, o.jsonParams...), o.extra...)
	}
	if o.bundle != nil {
		b["orderBundle"] = o.bundle
	}
	if !o.authAt.IsZero() {
		b["authDateTime"] = o.authAt.UnixMilli()
		b["terminalId"] = "GC000001"
		b["authRefNum"] = m.digits(streamReference, o.seq, 12)
	}
	if !o.depositedAt.IsZero() {
		b["depositedDate"] = o.depositedAt.UnixMilli()
	}
	if !o.reversedAt.IsZero() {
		b["reversedDate"] = o.reversedAt.UnixMilli()
	}
	if !o.refundedAt.IsZero() {
		b["refundedDate"] = o.refundedAt.UnixMilli()
	}
	if len(o.refunds) > 0 {
		rs := make([]map[string]any, len(o.refunds))
		for i, r := range o.refunds {
			rs[i] = map[string]any{"date": r.at.Format("2006-01-02T15:04:05"), "externalRefundId": r.externalID,
				"approvalCode": r.approvalCode, "actionCode": "0", "referenceNumber": r.reference, "amount": r.amount}
		}
		b["refunds"] = rs
	}
	return b
}

func nonNil(v []rbs.NameValue) []rbs.NameValue {
	if v == nil {
		return []rbs.NameValue{}
	}
	return v
}
