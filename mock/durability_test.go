package mock

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestIDsNeverRepeatAfterCrash: payments acknowledged after the last
// snapshot, then a crash (the mock is dropped without Close, so no final
// snapshot): the restarted mock's ids never repeat one handed out before.
func TestIDsNeverRepeatAfterCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	cfg := func(c *Config) { c.StateFile, c.SnapshotInterval = path, -1 }
	seen := map[int64]bool{}
	var last int64
	for crash := range 3 {
		m := newTestMock(t, cfg)
		for range 5 {
			p := pay(t, m, paymentRequest(successCard))
			if seen[p.ID] {
				t.Fatalf("after crash %d: payment id %d handed out again", crash, p.ID)
			}
			if p.ID <= last {
				t.Fatalf("after crash %d: payment id %d not after %d", crash, p.ID, last)
			}
			seen[p.ID], last = true, p.ID
		}
		if crash == 0 {
			// One snapshot, then more acknowledged payments it lacks.
			if err := m.WriteStateFile(); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				p := pay(t, m, paymentRequest(successCard))
				seen[p.ID], last = true, p.ID
			}
		}
		// Crash: no Close, no last snapshot. Only the file is released.
		_ = m.snap.ids.close()
	}
}

// TestIDReservationFailsAtStart: a state file in a missing directory is
// refused by New, not at the first snapshot.
func TestIDReservationFailsAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "mock.state")
	_, err := New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, Seed: 42, StateFile: path})
	if err == nil {
		t.Fatal("New accepted a state file in a missing directory")
	}
	if _, err := os.Stat(filepath.Dir(path)); err == nil {
		t.Fatal("New created the directory")
	}
}

// TestCorruptStateFileRefused: one flipped byte anywhere in the state file
// is refused by New with one clear line.
func TestCorruptStateFileRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	cfg := func(c *Config) { c.StateFile = path }
	a := newTestMock(t, cfg)
	for range 20 {
		pay(t, a, paymentRequest(successCard))
	}
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{len(stateMagic) + 10, len(good) / 2, len(good) - 30, len(good) - 1} {
		bad := bytes.Clone(good)
		bad[at] ^= 0x01
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, Seed: 42, StateFile: path})
		if err == nil {
			t.Fatalf("byte %d of %d flipped: the state file was accepted", at, len(good))
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || strings.Count(msg, "mock:") != 1 || !strings.Contains(msg, "corrupt") {
			t.Errorf("byte %d flipped: error %q, want one line naming the file corrupt, prefixed once", at, msg)
		}
	}
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	b := newTestMock(t, cfg)
	_ = b.Close(context.Background())
}

// TestLeftoverTemporaryFilesRemoved: the temporary files of snapshots a
// crash interrupted are removed at start; other files are left alone.
func TestLeftoverTemporaryFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mock.state")
	left := filepath.Join(dir, ".mock.state.tmp-123456")
	other := filepath.Join(dir, ".other.state.tmp-1")
	for _, f := range []string{left, other} {
		if err := os.WriteFile(f, []byte("half a snapshot"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := newTestMock(t, func(c *Config) { c.StateFile = path })
	defer m.Close(context.Background())
	if _, err := os.Stat(left); err == nil {
		t.Error("a leftover temporary file is still there")
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file was removed: %v", err)
	}
}

// TestTextFieldsAreBounded: a string value longer than MaxTextBytes is
// refused (a 1 MiB conversationId used to be stored as it came); one of
// MaxTextBytes bytes is taken.
func TestTextFieldsAreBounded(t *testing.T) {
	m := newTestMock(t)
	req := paymentRequest(successCard)
	req.ConversationID = strings.Repeat("c", MaxTextBytes)
	pay(t, m, req)
	for _, set := range []func(*craftgate.CreatePaymentRequest){
		func(r *craftgate.CreatePaymentRequest) { r.ConversationID = strings.Repeat("c", MaxTextBytes+1) },
		func(r *craftgate.CreatePaymentRequest) { r.Items[1].Name = strings.Repeat("n", 1<<20-4096) },
		func(r *craftgate.CreatePaymentRequest) { r.Card.CardHolderName = strings.Repeat("h", MaxTextBytes+1) },
	} {
		req := paymentRequest(successCard)
		set(req)
		e := errorBody(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, req), http.StatusBadRequest)
		if e.ErrorCode != CodeTextTooLong {
			t.Fatalf("error %+v, want %s", e, CodeTextTooLong)
		}
	}
}

// TestStoreTextBudget: the store's payment strings stay within the byte
// budget (give or take the chunks eviction works in), however many
// payments are kept by count.
func TestStoreTextBudget(t *testing.T) {
	const budget, n, perPayment = 1 << 20, 4 * slabSize, 2000
	m := newTestMock(t, func(c *Config) { c.StoreTextBudget = budget })
	req := paymentRequest(successCard)
	req.ConversationID = strings.Repeat("c", perPayment)
	for range n {
		pay(t, m, req)
	}
	st := m.Stats()
	// Eviction drops whole chunks of payments and frees their strings one
	// round late: allow two chunks of payments and an arena chunk over.
	if limit := int64(budget + 2*slabSize*(perPayment+200) + arenaChunk); st.TextBytes > limit {
		t.Fatalf("%d bytes of strings held, budget %d (limit with slack %d)", st.TextBytes, budget, limit)
	}
	if st.EvictedPayments == 0 || st.TextBudget != budget {
		t.Fatalf("stats %+v", st)
	}
}

// TestStoredCardsAreBounded: the vault holds at most StoredCardCapacity
// cards (and card users); beyond it a card is refused with 507 and a
// payment asking to store its card goes through without storing it. The
// stats count them.
func TestStoredCardsAreBounded(t *testing.T) {
	const capacity = 3
	m := newTestMock(t, func(c *Config) { c.StoredCardCapacity = capacity })
	store := craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07"}
	for range capacity {
		data(t, do(t, m, http.MethodPost, craftgate.PathStoredCards, store), nil)
	}
	if e := errorBody(t, do(t, m, http.MethodPost, craftgate.PathStoredCards, store), http.StatusInsufficientStorage); e.ErrorCode != CodeVaultFull {
		t.Fatalf("a card beyond the capacity: %+v", e)
	}
	req := paymentRequest(successCard)
	req.Card.StoreCardAfterSuccessPayment = true
	if p := pay(t, m, req); p.CardUserKey != "" || p.CardToken != "" {
		t.Fatalf("a payment stored its card in a full vault: %+v", p)
	}
	st := m.Stats()
	if st.StoredCards != capacity || st.CardUsers != capacity || st.CardCapacity != capacity {
		t.Fatalf("stats %+v", st)
	}
}

// TestStatsCountCollections: /_mock/v1/stats counts the collections that
// grow with requests, members among them.
func TestStatsCountCollections(t *testing.T) {
	m := newTestMock(t)
	before := m.Stats().Collections.Members
	data(t, do(t, m, http.MethodPost, craftgate.PathMembers, buyerReq("ext-1")), nil)
	var st Stats
	data(t, do(t, m, http.MethodGet, "/_mock/v1/stats", nil), &st)
	if st.Collections.Members != before+1 {
		t.Fatalf("members %d, want %d", st.Collections.Members, before+1)
	}
}

// TestUnauthenticatedWritesDoNotSnapshot: only authenticated writes wait
// for (and cause) a journal entry; a request with a bad signature is
// answered at once and writes nothing.
func TestUnauthenticatedWritesDoNotSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	m := newTestMock(t, func(c *Config) { c.StateFile = path })
	defer m.Close(context.Background())
	size := func() int64 {
		fi, err := os.Stat(journalPath(path))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	start := size()
	r := signedRequest(http.MethodPost, testBase+craftgate.PathCardPayments, mustJSON(t, paymentRequest(successCard)))
	r.Header.Set("x-signature", "forged")
	if w := serve(m, r); w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d", w.Code)
	}
	if size() != start {
		t.Fatal("a request with a bad signature made the mock write a journal entry")
	}
	pay(t, m, paymentRequest(successCard))
	if size() == start {
		t.Fatal("an acknowledged payment is not in the journal")
	}
}
