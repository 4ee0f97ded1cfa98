package mock

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// stateFixture is what a mock held before a snapshot: the raw answers of
// every retrievable object, by path.
type stateFixture struct {
	bodies   map[string][]byte
	maxIDs   [4]int64 // payment, transaction, refund, transaction refund
	acs      []string // ACS page paths (with token) of pending 3-D Secure payments
	checkout []string // checkout retrieve paths
}

// fillMock makes n payments of every kind on m, with cancels, refunds and
// transaction refunds, 3-D Secure payments left pending, checkout tokens,
// a bank-outage failure and a stored card, and returns their answers.
func fillMock(t *testing.T, m *Mock, n int) *stateFixture {
	t.Helper()
	f := &stateFixture{bodies: map[string][]byte{}}
	get := func(path string) {
		w := do(t, m, http.MethodGet, path, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
		}
		f.bodies[path] = bytes.Clone(w.Body.Bytes())
	}
	setFaults(t, m, FaultConfig{Outages: []BankOutage{{BINs: []string{"40328000"}}}})
	var payments []*craftgate.Payment
	for i := range n {
		req := paymentRequest(successCard)
		req.ConversationID = fmt.Sprintf("state-%d", i%(n/2+1)) // some shared
		switch i % 5 {
		case 1:
			req.Card.CardNumber = cardCompleteFails // declined
		case 2:
			req.Card.CardNumber = "4032800000000007" // bank outage
		}
		w := do(t, m, http.MethodPost, "/payment/v1/card-payments", req)
		switch w.Code {
		case http.StatusOK:
			var p craftgate.Payment
			data(t, w, &p)
			payments = append(payments, &p)
			get("/payment/v1/card-payments/" + itoa(p.ID))
		case http.StatusUnprocessableEntity:
			get("/payment/v1/card-payments/" + w.Header().Get(PaymentIDHeader))
		default:
			t.Fatalf("payment %d: %d %s", i, w.Code, w.Body.String())
		}
	}
	setFaults(t, m, FaultConfig{})
	// Refunds: cancels, transaction refunds, and (the next day) REFUNDs.
	for i, p := range payments {
		switch i % 4 {
		case 0:
			var r craftgate.PaymentRefund
			data(t, do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID, ConversationID: "c-" + itoa(p.ID)}), &r)
			get("/payment/v1/refunds/" + itoa(r.ID))
		case 1:
			var r craftgate.PaymentTransactionRefund
			data(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
				PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("10.5")}), &r)
			get("/payment/v1/refund-transactions/" + itoa(r.ID))
		}
	}
	m.Advance(24 * time.Hour)
	for i, p := range payments {
		if i%4 == 2 {
			var r craftgate.PaymentRefund
			data(t, do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID}), &r)
			for _, tr := range r.PaymentTransactionRefunds {
				get("/payment/v1/refund-transactions/" + itoa(tr.ID))
			}
		}
	}
	// Every payment again: refunds changed them.
	for path := range f.bodies {
		if strings.HasPrefix(path, "/payment/v1/card-payments/") {
			get(path)
		}
	}
	// Pending 3-D Secure payments and checkout tokens.
	for range 3 {
		var init craftgate.InitThreeDSPaymentResponse
		data(t, do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-init", threeDSRequest(successCard, "https://merchant.test/cb", true)), &init)
		get("/payment/v1/card-payments/" + itoa(init.PaymentID))
		u := init.RedirectURL[strings.Index(init.RedirectURL, "/_mock/"):]
		f.acs = append(f.acs, u)
	}
	for range 2 {
		var co craftgate.InitCheckoutPaymentResponse
		data(t, do(t, m, http.MethodPost, "/payment/v1/checkout-payments/init", checkoutRequest("https://merchant.test/co")), &co)
		f.checkout = append(f.checkout, "/payment/v1/checkout-payments/"+co.Token)
	}
	// A stored card.
	var sc craftgate.StoredCard
	data(t, do(t, m, http.MethodPost, "/payment/v1/cards", craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: successCard,
		ExpireYear: "2044", ExpireMonth: "07"}), &sc)
	get("/payment/v1/cards?cardUserKey=" + sc.CardUserKey + "&cardToken=" + sc.CardToken)
	f.maxIDs = [4]int64{m.ids.payment.Load(), m.ids.tx.Load(), m.ids.refund.Load(), m.ids.txRefund.Load()}
	return f
}

// checkRestored checks that m answers every object of f exactly as before.
func checkRestored(t *testing.T, m *Mock, f *stateFixture) {
	t.Helper()
	for path, want := range f.bodies {
		w := do(t, m, http.MethodGet, path, nil)
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) {
			t.Fatalf("GET %s after restore: %d\n got %s\nwant %s", path, w.Code, w.Body.String(), want)
		}
	}
	for _, u := range f.acs {
		if w := serve(m, signedRequest(http.MethodGet, testBase+u, nil)); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Verify") {
			t.Fatalf("ACS page %s after restore: %d", u, w.Code)
		}
	}
	for _, path := range f.checkout {
		if e := validationError(t, do(t, m, http.MethodGet, path, nil)); e.ErrorCode != CodeCheckoutNotPaid {
			t.Fatalf("checkout %s after restore: %+v", path, e)
		}
	}
}

func TestStateRoundTrip(t *testing.T) {
	a := newTestMock(t)
	if err := a.UpdateSettings(func(s *Settings) { s.ThreeDSMode = ThreeDSModeHalf; s.WebhookKey = "restored-key" }); err != nil {
		t.Fatal(err)
	}
	f := fillMock(t, a, 60)
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	t.Logf("snapshot of %d objects: %d bytes", len(f.bodies), buf.Len())

	b := newTestMock(t)
	if err := b.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	checkRestored(t, b, f)
	if !b.Now().Equal(a.Now()) || b.Settings().ThreeDSMode != ThreeDSModeHalf || b.Settings().WebhookKey != "restored-key" {
		t.Fatalf("clock %v (want %v), settings %+v", b.Now(), a.Now(), b.Settings())
	}
	if sa, sb := a.Stats(), b.Stats(); sa.Payments != sb.Payments || sa.Cancels != sb.Cancels || sa.TxRefunds != sb.TxRefunds ||
		sa.Transactions != sb.Transactions || sa.CheckoutTokens != sb.CheckoutTokens || sa.ThreeDSSessions != sb.ThreeDSSessions {
		t.Fatalf("counts before %+v, after %+v", sa, sb)
	}
	// The conversationId index is back.
	var page struct{ Items []craftgate.Payment }
	data(t, do(t, b, http.MethodGet, "/_mock/v1/payments?conversationId=state-1", nil), &page)
	if len(page.Items) != 2 {
		t.Fatalf("%d payments with conversationId state-1, want 2", len(page.Items))
	}
	// New ids continue after the old ones, in every kind.
	p := pay(t, b, paymentRequest(successCard))
	var c craftgate.PaymentRefund
	data(t, do(t, b, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID}), &c)
	var r craftgate.PaymentTransactionRefund
	p2 := pay(t, b, paymentRequest(successCard))
	data(t, do(t, b, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
		PaymentTransactionID: p2.PaymentTransactions[0].ID, RefundPrice: amt("1")}), &r)
	if p.ID <= f.maxIDs[0] || p.PaymentTransactions[0].ID <= f.maxIDs[1] || r.ID <= f.maxIDs[3] {
		t.Fatalf("new ids %d/%d/%d do not continue after %v", p.ID, p.PaymentTransactions[0].ID, r.ID, f.maxIDs)
	}
	if len(c.PaymentTransactionRefunds) == 0 && c.ID <= f.maxIDs[2] {
		t.Fatalf("new refund id %d does not continue after %d", c.ID, f.maxIDs[2])
	}
	checkRestored(t, b, f) // nothing old was overwritten
	// A restored pending 3-D Secure payment completes.
	if err := b.LoadState(bytes.NewReader(buf.Bytes())); err == nil {
		t.Fatal("LoadState into a mock with records")
	}
}

func TestStateRefusals(t *testing.T) {
	a := newTestMock(t)
	pay(t, a, paymentRequest(successCard))
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		seed int64
		want string
	}{
		{"other seed", buf.Bytes(), 43, "seed 42"},
		{"not a state file", []byte("hello"), 42, "not a gatecheck mock state file"},
		{"other version", append([]byte("gatecheck-mock-state 9\n"), buf.Bytes()[len(stateMagic):]...), 42, "not a gatecheck mock state file"},
		{"truncated", buf.Bytes()[:buf.Len()/2], 42, "records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t, func(c *Config) { c.Seed = tt.seed })
			err := m.LoadState(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestStateFile checks Config.StateFile: periodic snapshots, the last one
// at Close, and a restart that loses no acknowledged payment.
func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	cfg := func(c *Config) { c.StateFile, c.SnapshotInterval = path, 20*time.Millisecond }
	a := newTestMock(t, cfg)
	first := pay(t, a, paymentRequest(successCard))
	eventually(t, 5*time.Second, "a periodic snapshot", func() bool {
		_, err := os.Stat(path)
		return err == nil
	})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 (it holds the webhook key)", fi.Mode().Perm())
	}
	last := pay(t, a, paymentRequest(successCard))
	data(t, do(t, a, http.MethodPost, "/payment/v1/cards", craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: successCard,
		ExpireYear: "2044", ExpireMonth: "07"}), nil)
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// No full card number reaches the disk, stored cards included.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range craftgate.TestCards().All() {
		if bytes.Contains(raw, []byte(tc.Number)) {
			t.Fatalf("the state file holds the full card number %s", tc.Masked())
		}
	}
	b := newTestMock(t, cfg)
	defer b.Close(context.Background())
	retrieve(t, b, first.ID)
	if got := retrieve(t, b, last.ID); got.ID != last.ID {
		t.Fatal("the payment acknowledged last was lost")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 3 { // the state file, its journal and its id reservations (idreserve.go)
		t.Fatalf("temporary files left: %v", entries)
	}
	// An unreadable state file stops New.
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{APIKey: "a", SecretKey: "b", Seed: 42, StateFile: path}); err == nil {
		t.Fatal("New accepted a garbage state file")
	}
}

// TestSnapshotUnderLoad takes snapshots while refunds run concurrently and
// checks each restored snapshot's money: every transaction's refunded
// amount equals the sum of its saved refund records.
func TestSnapshotUnderLoad(t *testing.T) {
	m := newTestMock(t)
	var payments []*craftgate.Payment
	for range 40 {
		payments = append(payments, pay(t, m, paymentRequest(successCard)))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := payments[(i*4+g)%len(payments)]
				tx := p.PaymentTransactions[i%3]
				do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
					PaymentTransactionID: tx.ID, RefundPrice: amt("0.01")})
				if i%7 == 0 {
					pay(t, m, paymentRequest(successCard))
				}
			}
		}()
	}
	for range 5 {
		var buf bytes.Buffer
		if err := m.SaveState(&buf); err != nil {
			t.Fatal(err)
		}
		r := newTestMock(t)
		if err := r.LoadState(&buf); err != nil {
			t.Fatal(err)
		}
		checkMoneyBalances(t, r)
	}
	close(stop)
	wg.Wait()
}

// checkMoneyBalances checks, for every payment of m, that each
// transaction's refunded amount equals the sum of its refund records and
// never exceeds what was paid.
func checkMoneyBalances(t *testing.T, m *Mock) {
	t.Helper()
	s := m.store
	sums := map[int64]money{}
	for id := s.txRefunds.low(); id <= m.ids.txRefund.Load(); id++ {
		if r := s.txRefund(id); r != nil {
			sums[r.txID] += r.price
		}
	}
	for id := s.payments.low(); id <= m.ids.payment.Load(); id++ {
		p := s.payment(id)
		if p == nil {
			continue
		}
		p = s.lock(p)
		for i := range int(p.txCount) {
			tx := s.tx(p, i)
			txID := p.txFirst + int64(i)
			if tx.refunded != sums[txID] {
				p.mu.Unlock()
				t.Fatalf("transaction %d: refunded %s, records sum %s", txID, tx.refunded, sums[txID])
			}
			if tx.refunded > tx.paidPrice {
				p.mu.Unlock()
				t.Fatalf("transaction %d: refunded %s of %s", txID, tx.refunded, tx.paidPrice)
			}
		}
		p.mu.Unlock()
	}
}
