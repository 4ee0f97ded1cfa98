package mock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

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
