package mock

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
)

// amount converts back to the wire type.
func (m money) amount() craftgate.Amount {
	return craftgate.AmountOf(decimal.New(int64(m), -moneyScale))
}

// ptr returns the amount as a pointer, for the optional model fields.
func (m money) ptr() *craftgate.Amount {
	a := m.amount()
	return &a
}

// ref is appendRef as a string.
func (m *Mock) ref(kind uint64, id int64, digits int) string {
	var buf [20]byte
	return string(m.appendRef(buf[:0], kind, id, digits))
}

// The models below restate, with the craftgate types, what the appenders
// in encode.go write. encoding/json's encoding of a model must decode to
// the same value as the appender's output.

func (m *Mock) paymentModel(p *payment, en bool) craftgate.Payment {
	st := m.store
	text := paused(st.text(p))
	card := paused(st.card(p))
	p.mu.Lock()
	defer p.mu.Unlock()
	out := craftgate.Payment{
		ID: p.id, CreatedDate: time.Unix(p.created, 0).In(m.loc).Format(craftgate.DateTimeLayout),
		Price: p.price.amount(), PaidPrice: p.paidPrice.amount(), WalletPrice: money(0).amount(),
		Currency: craftgate.Currencies[p.currency], BuyerMemberID: p.buyerMemberID, Installment: int(p.installment),
		ConversationID: text.conversationID, ExternalID: text.externalID, PaymentChannel: text.channel,
		PaymentType: "CARD_PAYMENT", PaymentProvider: "BANK", PaymentSource: "API", PaymentGroup: groupName(p.group),
		PaymentStatus: p.status(), PaymentPhase: "AUTH", IsThreeDS: p.threeDS,
		MerchantCommissionRate: p.commissionRate().amount(), MerchantCommissionRateAmount: (p.paidPrice - p.price).amount(),
		BankCommissionRate: money(0).amount(), BankCommissionRateAmount: money(0).amount(),
		BinNumber: card.Number[:8], LastFourDigits: card.Number[len(card.Number)-4:], CardHolderName: text.holder,
		CardIssuerBankName: card.Bank, CardType: card.CardType, CardAssociation: card.Association, CardBrand: card.CardFamily,
		OrderID: text.bankOrderID, RequestedPosAlias: text.posAlias,
		Pos:          &craftgate.MerchantPos{ID: posID, Name: posName, Alias: posAlias, BankID: posBankID},
		RefundStatus: p.refund.String(), PaymentTransactions: []craftgate.PaymentTransaction{},
	}
	if p.source == sourceCheckout {
		out.PaymentSource = craftgate.PaymentSourceCheckoutForm
	}
	if p.md >= 0 {
		md := int(p.md)
		out.MdStatus = &md
	}
	switch {
	case p.phase != phaseFinal:
	case !p.failed:
		out.AuthCode = m.ref(refAuthCode, p.id, authCodeDigits)
		out.HostReference = m.ref(refHostReference, p.id, hostReferenceDigits)
		out.TransID = m.ref(refTransID, p.id, transIDDigits)
	case p.failStep == stepThreeDSVerify:
		e := errNotAuthenticated(p.id, int(p.md))
		out.PaymentError = &craftgate.ErrorBody{ErrorCode: e.code, ErrorDescription: e.desc}
	default:
		step := map[uint8]craftgate.Step{stepNon3DS: craftgate.StepNon3DSPayment, stepThreeDSInit: craftgate.StepThreeDSInit,
			stepThreeDSComplete: craftgate.StepThreeDSComplete}[p.failStep]
		o := craftgate.TestCards().Outcome(card.Number, step)
		f := failureAt(card, step)
		out.PaymentError = &craftgate.ErrorBody{ErrorCode: o.Code, ErrorDescription: failureDescription(f, en), ErrorGroup: f.Group}
	}
	if out.OrderID == "" {
		out.OrderID = m.ref(refOrderID, p.id, orderIDDigits)
	}
	for i := range int(p.txCount) {
		t := st.tx(p, i)
		tx := craftgate.PaymentTransaction{
			ID: p.txFirst + int64(i), Name: text.items.next(), ExternalID: text.items.next(), Price: t.price.amount(), PaidPrice: t.paidPrice.amount(),
			WalletPrice: money(0).amount(), MerchantCommissionRate: p.commissionRate().amount(),
			MerchantCommissionRateAmount: (t.paidPrice - t.price).amount(), MerchantPayoutAmount: t.merchantPayout().amount(),
			TransactionStatus: m.transactionStatus(p.txFirst+int64(i), t), RefundablePrice: p.refundable(t).ptr(),
		}
		if t.subMerchantID != 0 {
			tx.SubMerchantMemberID = t.subMerchantID
			tx.SubMerchantMemberPrice = t.subMerchantPrice.ptr()
			tx.SubMerchantMemberPayoutRate = percentOf(t.subMerchantPrice, t.price).ptr()
			tx.SubMerchantMemberPayoutAmount = t.subMerchantPrice.ptr()
		}
		out.PaymentTransactions = append(out.PaymentTransactions, tx)
	}
	return out
}

func (m *Mock) txRefundModel(r *txRefundRecord) craftgate.PaymentTransactionRefund {
	return craftgate.PaymentTransactionRefund{
		ID: r.id, CreatedDate: time.Unix(r.created, 0).In(m.loc).Format(craftgate.DateTimeLayout), Status: "SUCCESS",
		RefundDestinationType: "PROVIDER", RefundPrice: r.price.amount(), RefundBankPrice: r.price.amount(),
		RefundWalletPrice: money(0).amount(), ConversationID: m.store.txRefundConversation(r),
		AuthCode: m.ref(refAuthCode, r.id, authCodeDigits), HostReference: m.ref(refHostReference, r.id, hostReferenceDigits),
		TransID: m.ref(refTransID, r.id, transIDDigits), PaymentTransactionID: r.txID, PaymentID: r.paymentID,
		Currency:          craftgate.Currencies[r.currency],
		IsAfterSettlement: m.afterPayout(r.paymentID, r.txID, r.created, map[int64]map[int64]int64{}),
	}
}

func (m *Mock) cancelModel(c *cancelRecord) craftgate.PaymentRefund {
	return craftgate.PaymentRefund{
		ID: c.id, CreatedDate: time.Unix(c.created, 0).In(m.loc).Format(craftgate.DateTimeLayout), Status: "SUCCESS",
		RefundType: "CANCEL", RefundDestinationType: "PROVIDER", RefundPrice: c.price.amount(), RefundBankPrice: c.price.amount(),
		RefundWalletPrice: money(0).amount(), ConversationID: m.store.cancelConversation(c),
		AuthCode: m.ref(refAuthCode, c.id, authCodeDigits), HostReference: m.ref(refHostReference, c.id, hostReferenceDigits),
		TransID: m.ref(refTransID, c.id, transIDDigits), Currency: craftgate.Currencies[c.currency], PaymentID: c.paymentID,
		PaymentTransactionRefunds: []craftgate.PaymentTransactionRefund{},
	}
}

// sameAsEncodingJSON checks that got is valid JSON that decodes to the same
// value as encoding/json's encoding of model.
func sameAsEncodingJSON(t *testing.T, got []byte, model any) {
	t.Helper()
	if !json.Valid(got) {
		t.Fatalf("invalid JSON: %s", got)
	}
	want, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	da := json.NewDecoder(strings.NewReader(string(got)))
	da.UseNumber()
	db := json.NewDecoder(strings.NewReader(string(want)))
	db.UseNumber()
	if err := da.Decode(&a); err != nil {
		t.Fatal(err)
	}
	if err := db.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("appender and encoding/json differ:\nappender:      %s\nencoding/json: %s", got, want)
	}
}

// nasty are strings every encoder gets wrong somewhere.
var nasty = []string{
	"", "plain", `quote " and \ backslash`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "<script>&amp;</script>",
	"Zeytinyağı Üretim İŞĞ", "emoji 😀", "line sep \u2028 para sep \u2029", "bad utf8 \xff\xfe end", "\xed\xa0\x80 surrogate half",
	"trailing \xc3", "\u00e9\u0301 combining", strings.Repeat("x", 300),
}

func TestPaymentEncodingMatchesEncodingJSON(t *testing.T) {
	m := newTestMock(t)
	cat := craftgate.TestCards()
	fail := cat.FailingAt(craftgate.StepNon3DSPayment)[0]
	initFail := cat.FailingAt(craftgate.StepThreeDSInit)[0]
	completeFail := cat.FailingAt(craftgate.StepThreeDSComplete)[0]
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 600 {
		var tc *craftgate.TestCard
		switch i % 6 {
		case 0:
			tc = cat.Successful()[rng.IntN(len(cat.Successful()))]
		case 1:
			tc = fail
		case 2:
			tc = cat.MultiCurrency()[rng.IntN(4)]
		case 3: // 3-D Secure, pending or verified
			tc = cat.Successful()[rng.IntN(len(cat.Successful()))]
		case 4: // 3-D Secure failures
			tc = []*craftgate.TestCard{initFail, completeFail, cat.Successful()[0]}[rng.IntN(3)]
		default: // checkout
			tc = cat.Successful()[rng.IntN(len(cat.Successful()))]
		}
		s := func() string { return nasty[rng.IntN(len(nasty))] }
		d := draft{
			buyerMemberID: rng.Int64N(3), price: money(rng.Int64N(int64(maxMoney)) + 1), paidPrice: money(rng.Int64N(int64(maxMoney)) + 1),
			installment: uint8(1 + rng.IntN(12)), currency: uint8(rng.IntN(len(craftgate.Currencies))), group: uint8(rng.IntN(3)),
			channel: s(), conversationID: s(), externalID: s(), bankOrderID: []string{"", "bank-order"}[rng.IntN(2)],
			posAlias: s(), holder: s(), card: tc,
		}
		for range 1 + rng.IntN(6) {
			tx := draftTx{name: s(), externalID: s(), price: money(1 + rng.Int64N(1e12)), paidPrice: money(rng.Int64N(1e12))}
			if rng.IntN(2) == 0 {
				tx.subMerchantID, tx.subMerchantPrice = rng.Int64N(1e6)+1, money(rng.Int64N(int64(tx.price)))
			}
			d.txs = append(d.txs, tx)
		}
		failed := i%6 == 1
		switch i % 6 {
		case 3:
			d.threeDS, d.pending = true, rng.IntN(2) == 0
		case 4:
			d.threeDS = true
			failed = true
			switch tc {
			case initFail:
				d.failStep = stepThreeDSInit
			case completeFail:
				d.failStep = stepThreeDSComplete
			default:
				d.failStep = stepThreeDSVerify
			}
		case 5:
			d.source = sourceCheckout
		}
		id := nextRange(&m.ids.payment, 1)
		p := m.store.insertPayment(&d, id, nextRange(&m.ids.tx, len(d.txs)), testStart.Unix()+rng.Int64N(1e9)-5e8, failed)
		switch {
		case i%6 == 3 && !d.pending:
			p.phase = []payPhase{phaseCallbackThreeDS, phaseFinal}[rng.IntN(2)]
			p.md = int8(1 + rng.IntN(4))
		case d.failStep == stepThreeDSVerify:
			p.md = int8([]int{0, 2, 4}[rng.IntN(3)])
		case d.failStep == stepThreeDSComplete:
			p.md = 1
		}
		p.refund = refundState(rng.IntN(4))
		for j := range int(p.txCount) {
			m.store.tx(p, j).refunded = money(rng.Int64N(1e10))
		}
		en := rng.IntN(2) == 0
		got := paused(m.appendPayment(nil, p, en))
		sameAsEncodingJSON(t, got, m.paymentModel(p, en))
	}
}

func TestRefundEncodingMatchesEncodingJSON(t *testing.T) {
	m := newTestMock(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		cid := nasty[rng.IntN(len(nasty))]
		created := testStart.Unix() + rng.Int64N(1e8)
		c := m.store.insertCancel(nextRange(&m.ids.refund, 1), rng.Int64N(1e9), created, money(rng.Int64N(int64(maxMoney))), 0, cid, refundWallet{})
		sameAsEncodingJSON(t, paused(m.appendCancel(nil, c)), m.cancelModel(c))

		p := &payment{id: c.paymentID, currency: 2}
		price := money(rng.Int64N(int64(maxMoney / 2)))
		recs := m.store.insertTxRefunds(nextRange(&m.ids.txRefund, 2), p.id, created, p.currency, cid,
			[]txRefundDraft{{txID: rng.Int64N(1e9), price: price}, {txID: 5, price: 1}})
		for _, r := range recs {
			sameAsEncodingJSON(t, paused(m.appendTxRefund(nil, r)), m.txRefundModel(r))
		}
		want := craftgate.PaymentRefund{CreatedDate: m.txRefundModel(recs[0]).CreatedDate, Status: "SUCCESS", RefundType: "REFUND",
			RefundDestinationType: "PROVIDER", RefundPrice: (price + 1).amount(), RefundBankPrice: (price + 1).amount(),
			RefundWalletPrice: money(0).amount(), ConversationID: cid, Currency: craftgate.Currencies[2], PaymentID: p.id,
			PaymentTransactionRefunds: []craftgate.PaymentTransactionRefund{m.txRefundModel(recs[0]), m.txRefundModel(recs[1])}}
		sameAsEncodingJSON(t, paused(m.appendRefund(nil, p, cid, price+1, created, recs, refundWallet{})), want)
	}
}

func TestErrorEncodingMatchesEncodingJSON(t *testing.T) {
	for _, s := range nasty {
		e := &apiError{code: "10051", desc: s, group: s}
		sameAsEncodingJSON(t, appendError(nil, e), craftgate.ErrorEnvelope{Errors: craftgate.ErrorBody{ErrorCode: "10051", ErrorDescription: s, ErrorGroup: s}})
	}
}

func TestAppendString(t *testing.T) {
	var all []string
	for c := range 256 {
		all = append(all, "a"+string(rune(c))+"b", "a"+string([]byte{byte(c)})+"b")
		// Every position of the 8-byte fast path.
		for pos := range 18 {
			all = append(all, strings.Repeat("x", pos)+string([]byte{byte(c)})+strings.Repeat("y", 17-pos))
		}
	}
	for _, s := range append(all, nasty...) {
		got := appendString(nil, s)
		if !json.Valid(got) {
			t.Fatalf("%q: invalid JSON %s", s, got)
		}
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		enc, _ := json.Marshal(s)
		_ = json.Unmarshal(enc, &want)
		if back != want {
			t.Errorf("%q: decodes to %q, encoding/json round trip gives %q", s, back, want)
		}
		if !utf8.Valid(got) {
			t.Errorf("%q: output not UTF-8", s)
		}
	}
	// strconv.AppendQuote would write \x00 and \u2028 raw; make sure we do not.
	if got := string(appendString(nil, "\x00\u2028")); got != `"\u0000\u2028"` {
		t.Errorf("got %s", got)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range nasty {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %v: %s", s, err, got)
		}
		enc, _ := json.Marshal(s)
		_ = json.Unmarshal(enc, &want)
		if back != want {
			t.Errorf("%q: %q != %q", s, back, want)
		}
	})
}

func TestMoney(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 10_000 {
		v := money(rng.Int64N(int64(maxMoney)))
		if rng.IntN(3) == 0 {
			v = money(rng.Int64N(1e10)) * moneyCent
		}
		if rng.IntN(2) == 0 {
			v = -v
		}
		want := decimal.New(int64(v), -moneyScale).String()
		if got := v.String(); got != want {
			t.Fatalf("%d: %s, want %s", int64(v), got, want)
		}
		back, prob := moneyOf(craftgate.MustAmount(want))
		if prob != amountOK || back != v {
			t.Fatalf("%s: round trip %d %v", want, back, prob)
		}
		if a := v.amount(); a.String() != want {
			t.Fatalf("amount %s", a)
		}
	}
	tests := []struct {
		in   string
		want string
		prob amountProblem
	}{
		{"0", "0", amountOK}, {"100.0", "100", amountOK}, {"1e2", "100", amountOK}, {"0.00000001", "0.00000001", amountOK},
		{"0.000000010", "0.00000001", amountOK}, {"12.3400000000000", "12.34", amountOK},
		{"0.000000001", "", amountTooPrecise}, {"1e-9", "", amountTooPrecise},
		{"9999999999.99999999", "9999999999.99999999", amountOK}, {"10000000000", "", amountTooLarge}, {"1e400", "", amountTooLarge},
		{"-9999999999.99999999", "-9999999999.99999999", amountOK}, {"123456789012345678901234567890e-20", "1234567890.1234567890123456789", amountTooPrecise},
		{"123456789012345678900000000000e-20", "1234567890.123456789", amountTooPrecise},
		{"123456789012345678000000000000e-20", "1234567890.12345678", amountOK},
		{"1e19", "", amountTooLarge}, {"1e9999", "", amountTooLarge}, {"-1e9999", "", amountTooLarge},
		{"1e-9999", "", amountTooPrecise}, {"100000000000e-19", "0.00000001", amountOK}, {"10000000000e-19", "", amountTooPrecise},
		{"0.00000000000000000000", "0", amountOK},
	}
	for _, tt := range tests {
		// Exponent forms come from JSON, which the Amount decoder accepts;
		// craftgate.ParseAmount deliberately does not.
		got, prob := moneyOf(craftgate.AmountOf(decimal.RequireFromString(tt.in)))
		if prob != tt.prob || prob == amountOK && got.String() != tt.want {
			t.Errorf("%s: %s %v, want %s %v", tt.in, got, prob, tt.want, tt.prob)
		}
	}
}

func TestPercentOf(t *testing.T) {
	tests := []struct{ part, whole, want string }{
		{"10", "100", "10"}, {"1", "3", "33.33"}, {"2", "3", "66.67"}, {"-1", "3", "-33.33"}, {"0", "5", "0"},
		{"0.005", "100", "0.01"}, {"0.00499999", "100", "0"}, {"9999999999", "0.00000001", "9999999999.99"},
	}
	for _, tt := range tests {
		p, _ := moneyOf(amt(tt.part))
		w, _ := moneyOf(amt(tt.whole))
		if got := percentOf(p, w).String(); got != tt.want {
			t.Errorf("%s/%s: %s, want %s", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestAppendDateTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	loc := defaultLocation()
	for range 10_000 {
		tm := time.Unix(rng.Int64N(1<<36)-1<<35, 0).In(loc)
		if got, want := string(appendDateTime(nil, tm)), tm.Format(craftgate.DateTimeLayout); got != want {
			t.Fatalf("%v: %s, want %s", tm, got, want)
		}
	}
}

func TestAppendRef(t *testing.T) {
	m := newTestMock(t)
	for id := range int64(1000) {
		for _, n := range []int{1, 6, 12, 15, 16, 18} {
			r := m.ref(refAuthCode, id, n)
			if len(r) != n || r[0] == '0' && n > 1 || !isDigits(r) {
				t.Fatalf("ref %q for %d digits", r, n)
			}
		}
	}
}
