package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// capacityMock is a mock whose store keeps capacity payments.
func capacityMock(t testing.TB, capacity int) *Mock {
	return newTestMock(t, func(c *Config) { c.StoreCapacity = capacity })
}

// payFast creates a payment through the handler and returns its id.
func payFast(t testing.TB, m *Mock, conv string) int64 {
	t.Helper()
	req := paymentRequest(successCard)
	req.ConversationID = conv
	return pay(t, m, req).ID
}

func TestEvictionOldestFirst(t *testing.T) {
	const capacity = 1000
	m := capacityMock(t, capacity)
	var ids []int64
	for i := range 5000 {
		ids = append(ids, payFast(t, m, fmt.Sprintf("conv-%d", i)))
	}
	st := m.Stats()
	if st.Payments > capacity+2*slabSize || st.Payments < capacity || st.EvictedPayments != int64(len(ids))-st.Payments {
		t.Fatalf("stats %+v", st)
	}
	if st.Transactions != 3*st.Payments {
		t.Fatalf("%d transactions for %d payments", st.Transactions, st.Payments)
	}
	// The oldest answer 404 CodeEvicted, the newest are all there.
	e := errorBody(t, do(t, m, http.MethodGet, "/payment/v1/card-payments/"+itoa(ids[0]), nil), 404)
	if e.ErrorCode != CodeEvicted || !strings.Contains(e.ErrorDescription, "evicted") || !strings.Contains(e.ErrorDescription, "1000") {
		t.Fatalf("evicted payment: %+v", e)
	}
	for _, id := range ids[len(ids)-capacity:] {
		retrieve(t, m, id)
	}
	// Unknown ids are still "not found", not "evicted".
	if e := errorBody(t, do(t, m, http.MethodGet, "/payment/v1/card-payments/1", nil), 404); e.ErrorCode != CodePaymentNotFound {
		t.Fatalf("unknown id: %+v", e)
	}
	// Refunds of an evicted payment, and of its transaction.
	if e := errorBody(t, do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: ids[0]}), 404); e.ErrorCode != CodeEvicted {
		t.Fatalf("refund of an evicted payment: %+v", e)
	}
	firstTx := m.store.txs.base
	if e := errorBody(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
		PaymentTransactionID: firstTx, RefundPrice: amt("1")}), 404); e.ErrorCode != CodeEvicted {
		t.Fatalf("refund of an evicted transaction: %+v", e)
	}
	// The conversationId index forgets evicted payments.
	var page struct{ Items []craftgate.Payment }
	data(t, do(t, m, http.MethodGet, "/_mock/v1/payments?conversationId=conv-0", nil), &page)
	if len(page.Items) != 0 {
		t.Fatalf("evicted payment found by conversationId")
	}
	data(t, do(t, m, http.MethodGet, "/_mock/v1/payments?conversationId=conv-4999", nil), &page)
	if len(page.Items) != 1 {
		t.Fatalf("newest payment not found by conversationId")
	}
	m.store.mu.Lock()
	entries := len(m.store.byConversation)
	m.store.mu.Unlock()
	if entries > capacity+2*slabSize {
		t.Fatalf("the conversationId index holds %d entries", entries)
	}
	// Memory stays bounded: strings do not grow with more payments.
	before := m.Stats().TextBytes
	for i := range 5000 {
		payFast(t, m, fmt.Sprintf("more-%d", i))
	}
	if after := m.Stats().TextBytes; after > before+2*arenaChunk {
		t.Fatalf("string arena grew from %d to %d bytes at capacity", before, after)
	}
}

// acsAnswer verifies a pending 3-D Secure payment at the mock's bank page.
func acsAnswer(t testing.TB, m *Mock, init *craftgate.InitThreeDSPaymentResponse, action string) {
	t.Helper()
	u, err := url.Parse(init.RedirectURL)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"t": {u.Query().Get("t")}, "action": {action}, "otp": {"1"}}
	r := httptest.NewRequest(http.MethodPost, testBase+u.Path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if w := serve(m, r); w.Code != http.StatusOK {
		t.Fatalf("ACS answer: %d %s", w.Code, w.Body.String())
	}
}

// TestEvictionKeepsPending3DS checks that a pending 3-D Secure payment in
// an evicted chunk stays usable through verification, completion and a
// refund, and is evicted once final.
func TestEvictionKeepsPending3DS(t *testing.T) {
	m := capacityMock(t, 1000)
	var init craftgate.InitThreeDSPaymentResponse
	data(t, do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-init", threeDSRequest(successCard, "https://merchant.test/cb", false)), &init)
	var stale craftgate.InitThreeDSPaymentResponse
	data(t, do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-init", threeDSRequest(successCard, "https://merchant.test/cb", false)), &stale)
	for i := range 3000 {
		payFast(t, m, fmt.Sprintf("p-%d", i))
	}
	if st := m.Stats(); st.Kept != 2 {
		t.Fatalf("stats %+v, want the two pending 3-D Secure payments kept", st)
	}
	if p := retrieve(t, m, init.PaymentID); p.PaymentStatus != craftgate.StatusInitThreeDS {
		t.Fatalf("kept payment: %s", p.PaymentStatus)
	}
	acsAnswer(t, m, &init, "verify")
	var p craftgate.Payment
	data(t, do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-complete", map[string]int64{"paymentId": init.PaymentID}), &p)
	if p.PaymentStatus != "SUCCESS" {
		t.Fatalf("completed kept payment: %+v", p.PaymentStatus)
	}
	var r craftgate.PaymentTransactionRefund
	data(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
		PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("5")}), &r)
	if got := retrieve(t, m, init.PaymentID); !amountEq(*got.PaymentTransactions[0].RefundablePrice, "25") || got.RefundStatus != "PARTIAL_REFUNDED" {
		t.Fatalf("after a refund of the kept payment: %+v %s", got.PaymentTransactions[0].RefundablePrice, got.RefundStatus)
	}
	// Past its lifetime the other one goes; the final one goes too.
	m.Advance(DefaultThreeDSLifetime + time.Minute)
	for i := range 600 {
		payFast(t, m, fmt.Sprintf("q-%d", i))
	}
	if st := m.Stats(); st.Kept != 0 {
		t.Fatalf("stats %+v: kept payments not swept", st)
	}
	for _, id := range []int64{init.PaymentID, stale.PaymentID} {
		if e := errorBody(t, do(t, m, http.MethodGet, "/payment/v1/card-payments/"+itoa(id), nil), 404); e.ErrorCode != CodeEvicted {
			t.Fatalf("swept payment %d: %+v", id, e)
		}
	}
	if m.Stats().ThreeDSSessions != 0 {
		t.Fatal("the 3-D Secure sessions of evicted payments are kept")
	}
}

// TestRefundRecordsBounded checks that refund records are evicted oldest
// first while the payment keeps its refunded amounts.
func TestRefundRecordsBounded(t *testing.T) {
	m := capacityMock(t, 1000)
	p := pay(t, m, paymentRequest(successCard))
	var first, last craftgate.PaymentTransactionRefund
	for i := range 2500 {
		var r craftgate.PaymentTransactionRefund
		data(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
			PaymentTransactionID: p.PaymentTransactions[1].ID, RefundPrice: amt("0.01")}), &r)
		if i == 0 {
			first = r
		}
		last = r
	}
	if st := m.Stats(); st.TxRefunds > 1000+2*slabSize || st.EvictedTxRefunds == 0 {
		t.Fatalf("stats %+v", st)
	}
	if e := errorBody(t, do(t, m, http.MethodGet, "/payment/v1/refund-transactions/"+itoa(first.ID), nil), 404); e.ErrorCode != CodeEvicted {
		t.Fatalf("evicted refund: %+v", e)
	}
	data(t, do(t, m, http.MethodGet, "/payment/v1/refund-transactions/"+itoa(last.ID), nil), &last)
	if got := retrieve(t, m, p.ID); !amountEq(*got.PaymentTransactions[1].RefundablePrice, "25") {
		t.Fatalf("refundable %s after 2500 refunds of 0.01 from 50", got.PaymentTransactions[1].RefundablePrice)
	}
}

func TestCheckoutTokensBounded(t *testing.T) {
	m := capacityMock(t, 3)
	var tokens []string
	for range 5 {
		var co craftgate.InitCheckoutPaymentResponse
		data(t, do(t, m, http.MethodPost, "/payment/v1/checkout-payments/init", checkoutRequest("https://merchant.test/co")), &co)
		tokens = append(tokens, co.Token)
	}
	if n := m.Stats().CheckoutTokens; n != 3 {
		t.Fatalf("%d tokens held, want 3", n)
	}
	errorBody(t, do(t, m, http.MethodGet, "/payment/v1/checkout-payments/"+tokens[0], nil), 404)
	validationError(t, do(t, m, http.MethodGet, "/payment/v1/checkout-payments/"+tokens[4], nil))
}

// TestEvictionUnderConcurrency creates, reads and refunds payments from
// several goroutines on a small store: answers are 200, or 404 for what
// was evicted meanwhile, never a 500 (run with -race).
func TestEvictionUnderConcurrency(t *testing.T) {
	m := capacityMock(t, 600)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var recent []*craftgate.Payment
			for i := range 700 {
				req := paymentRequest(successCard)
				req.ConversationID = fmt.Sprintf("g%d-%d", g, i)
				w := do(t, m, http.MethodPost, "/payment/v1/card-payments", req)
				if w.Code != 200 {
					t.Errorf("create: %d %s", w.Code, w.Body.String())
					return
				}
				var p craftgate.Payment
				data(t, w, &p)
				recent = append(recent, &p)
				old := recent[i/2]
				for _, w := range []*httptest.ResponseRecorder{
					do(t, m, http.MethodGet, "/payment/v1/card-payments/"+itoa(old.ID), nil),
					do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
						PaymentTransactionID: old.PaymentTransactions[0].ID, RefundPrice: amt("0.01")}),
				} {
					if w.Code != 200 && w.Code != 404 {
						t.Errorf("%d %s", w.Code, w.Body.String())
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if st := m.Stats(); st.Payments > 600+2*slabSize {
		t.Fatalf("stats %+v", st)
	}
}

// TestReadRacingEvictionAnswers404 holds a payment and a refund record the
// way a handler does after finding them, evicts them (records, their
// transactions and strings), and then lets the handler's readers run: each
// answers the 404 envelope (CodeEvicted) through the handler's returned
// error, without a panic.
func TestReadRacingEvictionAnswers404(t *testing.T) {
	m := capacityMock(t, 1)
	held := pay(t, m, paymentRequest(successCard))
	p := m.store.payment(held.ID)
	if p == nil {
		t.Fatal("the new payment is not in the store")
	}
	cancel := m.store.insertCancel(nextRange(&m.ids.refund, 1), p.id, p.created, p.paidPrice, p.currency, "held", refundWallet{})
	// Transactions and strings go one round after their records: several
	// chunks of newer payments and cancels evict all of them.
	newer := strings.Repeat("n", 200) // fills the strings' chunks of 64 KiB soon
	for range 5 * slabSize {
		payFast(t, m, newer)
		m.store.insertCancel(nextRange(&m.ids.refund, 1), p.id, p.created, 1, p.currency, newer, refundWallet{})
	}
	if _, ok := m.store.txAt(p, 0); ok {
		t.Fatal("the held payment's transactions are still in the store")
	}
	if _, ok := m.store.textAt(p); ok {
		t.Fatal("the held payment's strings are still in the store")
	}
	if _, ok := m.store.cancelConversationAt(cancel); ok {
		t.Fatal("the held cancel's strings are still in the store")
	}

	now := m.nowUnix()
	for _, tc := range []struct {
		name string
		read func(c *call) error
	}{
		{"retrieve", func(c *call) error { return c.sendPayment(http.StatusOK, p, false) }},
		{"refund", func(c *call) error {
			_, err := m.refundWhole(p, &craftgate.RefundPaymentRequest{PaymentID: p.id}, false, now)
			return err
		}},
		{"refund transaction", func(c *call) error {
			_, _, _, err := m.refundPart(p, p.txFirst, moneyCent, &craftgate.RefundTransactionRequest{}, false, now)
			return err
		}},
		{"post-auth split", func(c *call) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			if !m.resplitPaidPrice(p) {
				return errReadEvicted(p.id)
			}
			return nil
		}},
		{"deposit", func(c *call) error { return m.sendDeposit(c, p) }},
		{"cancel record", func(c *call) error {
			if !c.sendRecord(http.StatusOK, func(b []byte) ([]byte, bool) { return m.appendCancel(b, cancel) }) {
				return errRecordEvicted()
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { answersEvicted(t, m, tc.read) })
	}
}

// answersEvicted runs read as a handler's last step and checks the answer
// is the 404 envelope of a record evicted while it was read.
func answersEvicted(t *testing.T, m *Mock, read func(c *call) error) {
	t.Helper()
	w := httptest.NewRecorder()
	c := &call{m: m, w: w, r: httptest.NewRequest(http.MethodGet, "/", nil)}
	m.run(c, &route{handle: func(_ *Mock, c *call) error { return read(c) }})
	e := errorBody(t, w, http.StatusNotFound)
	const gone = "was evicted from the mock's store while it was being read"
	if e.ErrorCode != CodeEvicted || !strings.Contains(e.ErrorDescription, gone) {
		t.Fatalf("answer %+v, want %s ...%s", e, CodeEvicted, gone)
	}
}

// TestReadRacingSweepAnswers404 holds a pending 3-D Secure payment that
// eviction relocated, lets the sweep drop it past its lifetime, and then
// lets the handlers' readers run: each answers 404 CodeEvicted.
func TestReadRacingSweepAnswers404(t *testing.T) {
	m := capacityMock(t, 1)
	var init craftgate.InitThreeDSPaymentResponse
	data(t, do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-init", threeDSRequest(successCard, "https://merchant.test/cb", false)), &init)
	for range 3 * slabSize {
		payFast(t, m, "newer")
	}
	p := m.store.payment(init.PaymentID)
	if p == nil || !p.kept {
		t.Fatalf("the pending 3-D Secure payment is not kept: %+v", m.Stats())
	}
	m.Advance(DefaultThreeDSLifetime + time.Minute)
	for range 2 * slabSize {
		payFast(t, m, "newer")
	}
	if _, ok := m.store.keptOf(p); ok {
		t.Fatalf("the held payment was not swept: %+v", m.Stats())
	}
	for _, tc := range []struct {
		name string
		read func(c *call) error
	}{
		{"retrieve", func(c *call) error { return c.sendPayment(http.StatusOK, p, false) }},
		{"3-D Secure page", func(c *call) error { return m.acsPage(c, p, &threeDSSession{}) }},
		{"3-D Secure answer", func(c *call) error { return m.acsReturn(c, p, &threeDSSession{}, true) }},
		{"transaction", func(c *call) error {
			if _, ok := m.appendOneTransaction(nil, p, 0); !ok {
				return errReadEvicted(p.id)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { answersEvicted(t, m, tc.read) })
	}
}
