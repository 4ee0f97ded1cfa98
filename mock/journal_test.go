package mock

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// crashCopy copies a running mock's state files (base, journal, id
// reservations) to a new directory, as a crash would leave them: every
// acknowledged write is durable, nothing else is done. It returns the
// copy's state file path.
func crashCopy(t *testing.T, path string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	for _, suffix := range []string{"", ".journal", ".ids"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatalf("crash copy: %v", err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// stateImageOf reads a mock's snapshot (SaveState) back into the form
// restore stores: what the mock holds, record by record.
func stateImageOf(t *testing.T, m *Mock) *stateBatch {
	t.Helper()
	var buf bytes.Buffer
	if err := m.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(&buf)
	if _, err := io.ReadFull(br, make([]byte, len(stateMagic))); err != nil {
		t.Fatal(err)
	}
	dec := gob.NewDecoder(br)
	var h stateHeader
	if err := dec.Decode(&h); err != nil {
		t.Fatal(err)
	}
	img := newStateImage(h)
	for {
		var b stateBatch
		if err := dec.Decode(&b); err != nil {
			t.Fatal(err)
		}
		img.add(&b)
		if b.End {
			break
		}
	}
	b := img.batch()
	b.IDs = [4]int64{} // counters: a restarted mock continues after its reservations
	for i := range b.Payments {
		// The conversationId chain is rebuilt at restore from the payments
		// held; a live link to an evicted payment is not restored.
		b.Payments[i].ConvPrev = 0
	}
	return b
}

// created creates a payment for a concurrent client: the payment, and
// the answer when it is not 200.
func created(t *testing.T, m *Mock) (*craftgate.Payment, *httptest.ResponseRecorder) {
	w := do(t, m, http.MethodPost, craftgate.PathCardPayments, paymentRequest(successCard))
	var p craftgate.Payment
	if craftgate.DecodeResponse(w.Code, w.Body.Bytes(), &p) != nil {
		return nil, w
	}
	return &p, nil
}

// fillWallets adds members, wallets and a wallet deposit, so that the
// journal's book section changes.
func fillWallets(t *testing.T, m *Mock) {
	t.Helper()
	for _, ext := range []string{"journal-a", "journal-b"} {
		mb := createMember(t, m, buyerReq(ext))
		createWallet(t, m, mb.ID, "0")
	}
}

// TestJournalRestoresEveryAcknowledgedWrite fills a mock with a state
// file (every kind of record, refunds after payments, settings and clock
// changes, a compaction in the middle) and restores a copy of its files
// taken without closing it, as a crash leaves them: the restored mock
// answers every object as the first did, and holds the same records.
func TestJournalRestoresEveryAcknowledgedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	cfg := func(c *Config) { c.StateFile = path }
	a := newTestMock(t, cfg)
	defer a.Close(t.Context())
	if err := a.UpdateSettings(func(s *Settings) { s.ThreeDSMode = ThreeDSModeHalf; s.WebhookKey = "journal-key" }); err != nil {
		t.Fatal(err)
	}
	f := fillMock(t, a, 40)
	if err := a.WriteStateFile(); err != nil { // a compaction: a new base, a new journal
		t.Fatal(err)
	}
	more := fillMock(t, a, 30)
	fillWallets(t, a)
	for p, b := range more.bodies {
		f.bodies[p] = b
	}
	// The second fill's day moved the clock past the first's checkout
	// tokens: only its own are open.
	f.acs, f.checkout = append(f.acs, more.acs...), more.checkout
	// Every payment again: the second fill refunded some of the first's.
	for path := range f.bodies {
		if strings.HasPrefix(path, "/payment/v1/card-payments/") {
			f.bodies[path] = bytes.Clone(do(t, a, http.MethodGet, path, nil).Body.Bytes())
		}
	}
	fi, err := os.Stat(journalPath(path))
	if err != nil || fi.Size() <= int64(journalHeaderSize) {
		t.Fatalf("journal: %v, %v", fi, err)
	}

	copyPath := crashCopy(t, path)
	b := newTestMock(t, func(c *Config) { c.StateFile = copyPath })
	defer b.Close(t.Context())
	checkRestored(t, b, f)
	if !b.Now().Equal(a.Now()) || !reflect.DeepEqual(b.Settings(), a.Settings()) {
		t.Fatalf("clock %v (want %v), settings %+v (want %+v)", b.Now(), a.Now(), b.Settings(), a.Settings())
	}
	if got, want := stateImageOf(t, b), stateImageOf(t, a); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored records differ:\n got %d payments, %d cancels, %d tx refunds, %d 3DS, %d checkouts, %d cards, book %v\nwant %d, %d, %d, %d, %d, %d, %v",
			len(got.Payments), len(got.Cancels), len(got.TxRefunds), len(got.ThreeDS), len(got.Checkouts), len(got.Cards), got.Book != nil,
			len(want.Payments), len(want.Cancels), len(want.TxRefunds), len(want.ThreeDS), len(want.Checkouts), len(want.Cards), want.Book != nil)
	}
	var mb craftgate.MemberList
	data(t, do(t, b, http.MethodGet, craftgate.PathMembers+"?memberExternalId=journal-b", nil), &mb)
	if len(mb.Items) != 1 {
		t.Fatalf("members after restore: %+v", mb.Items)
	}
}

// TestJournalTornTailAndOldGeneration: a frame torn by a crash ends the
// replay (its entry was never acknowledged); a journal older than its
// base (a crash between a compaction's two renames) is ignored; a
// corrupt frame in the middle is refused.
func TestJournalTornTailAndOldGeneration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	a := newTestMock(t, func(c *Config) { c.StateFile = path })
	defer a.Close(t.Context())
	first := pay(t, a, paymentRequest(successCard))
	second := pay(t, a, paymentRequest(successCard))

	restore := func(journal []byte) (*Mock, error) {
		p := crashCopy(t, path)
		if journal != nil {
			if err := os.WriteFile(journalPath(p), journal, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, Seed: 42, StateFile: p})
	}
	full, err := os.ReadFile(journalPath(path))
	if err != nil {
		t.Fatal(err)
	}
	// Torn: the last frame cut short, or its last byte flipped.
	for name, j := range map[string][]byte{
		"cut":     full[:len(full)-3],
		"flipped": append(append([]byte(nil), full[:len(full)-1]...), full[len(full)-1]^0xff),
	} {
		b, err := restore(j)
		if err != nil {
			t.Fatalf("%s tail: %v", name, err)
		}
		retrieve(t, b, first.ID)
		if w := do(t, b, http.MethodGet, craftgate.PathCardPayments+"/"+itoa(second.ID), nil); w.Code != http.StatusNotFound {
			t.Fatalf("%s tail: the torn entry's payment answered %d", name, w.Code)
		}
		b.Close(t.Context())
	}
	// Corrupt in the middle: refused, with a one-line reason.
	mid := append([]byte(nil), full...)
	mid[journalHeaderSize+10] ^= 0xff // the first entry of two
	if _, err := restore(mid); err == nil || !strings.Contains(err.Error(), "journal") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("a journal corrupt in the middle: %v", err)
	}
	// A journal of an older generation: ignored.
	if err := a.WriteStateFile(); err != nil {
		t.Fatal(err)
	}
	b, err := restore(full)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(t.Context())
	retrieve(t, b, first.ID)
	retrieve(t, b, second.ID) // in the new base
}

// TestJournalUnderConcurrentWrites: payments, transaction refunds and
// cancels made by concurrent clients, each answered only once its journal
// entry is synced; a copy of the files taken after the last answer
// restores exactly the records the mock holds.
func TestJournalUnderConcurrentWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	a := newTestMock(t, func(c *Config) { c.StateFile = path })
	defer a.Close(t.Context())
	const clients, rounds = 8, 15
	concurrently(t, clients, rounds, 1, func(x uint64) *httptest.ResponseRecorder {
		p, failed := created(t, a)
		if failed != nil {
			return failed
		}
		switch x % 3 {
		case 0:
			return do(t, a, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: p.ID})
		case 1:
			return do(t, a, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
				PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("1.25")})
		}
		return nil
	})
	b := newTestMock(t, func(c *Config) { c.StateFile = crashCopy(t, path) })
	defer b.Close(t.Context())
	got, want := stateImageOf(t, b), stateImageOf(t, a)
	if len(want.Payments) != clients*rounds || len(want.Cancels)+len(want.TxRefunds) == 0 {
		t.Fatalf("the load made %d payments, %d cancels, %d transaction refunds", len(want.Payments), len(want.Cancels), len(want.TxRefunds))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("restored %d payments, %d cancels, %d transaction refunds; the mock holds %d, %d, %d (or they differ)",
			len(got.Payments), len(got.Cancels), len(got.TxRefunds), len(want.Payments), len(want.Cancels), len(want.TxRefunds))
	}
}

// TestJournalWithEviction: a store at capacity evicts while the journal
// runs; the restored copy holds what the mock holds, not the payments the
// journal wrote before they were evicted.
func TestJournalWithEviction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	a := newTestMock(t, func(c *Config) { c.StateFile, c.StoreCapacity = path, 600 })
	defer a.Close(t.Context())
	concurrently(t, 8, 300, 2, func(x uint64) *httptest.ResponseRecorder {
		p, failed := created(t, a)
		if failed != nil || x%5 != 0 {
			return failed
		}
		return do(t, a, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: p.ID})
	})
	if st := a.Stats(); st.EvictedPayments == 0 {
		t.Fatalf("nothing was evicted: %+v", st)
	}
	b := newTestMock(t, func(c *Config) { c.StateFile, c.StoreCapacity = crashCopy(t, path), 600 })
	defer b.Close(t.Context())
	got, want := stateImageOf(t, b), stateImageOf(t, a)
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got.Payments), len(want.Payments)) {
			if !reflect.DeepEqual(got.Payments[i], want.Payments[i]) {
				t.Errorf("payment %d:\n got %+v\nwant %+v", i, got.Payments[i], want.Payments[i])
				break
			}
		}
		for _, f := range []string{"Cancels", "TxRefunds", "ThreeDS", "Checkouts", "Cards", "Saved", "Book", "Approvals"} {
			if g, w := reflect.ValueOf(got).Elem().FieldByName(f).Interface(), reflect.ValueOf(want).Elem().FieldByName(f).Interface(); !reflect.DeepEqual(g, w) {
				t.Errorf("%s differ:\n got %+v\nwant %+v", f, g, w)
			}
		}
		t.Fatalf("restored %d payments (ids %d..), %d cancels; the mock holds %d (ids %d..), %d (or they differ)",
			len(got.Payments), firstID(got.Payments), len(got.Cancels), len(want.Payments), firstID(want.Payments), len(want.Cancels))
	}
}

func firstID(ps []statePayment) int64 {
	if len(ps) == 0 {
		return 0
	}
	return ps[0].ID
}
