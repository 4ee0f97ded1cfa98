package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

const (
	testAPIKey    = "sandbox-api-key"
	testSecretKey = "sandbox-secret-key"
	testBase      = "http://mock.test"
	successCard   = "5258640000000001" // YAPI VE KREDİ, CREDIT_CARD, World, MASTER_CARD
)

// fixedClock is a Clock stuck at one instant; tests move the mock with
// Advance.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// testStart is 2025-06-15 10:00:00 in Istanbul.
var testStart = time.Date(2025, 6, 15, 7, 0, 0, 0, time.UTC)

func newTestMock(t testing.TB, mod ...func(*Config)) *Mock {
	t.Helper()
	cfg := Config{APIKey: testAPIKey, SecretKey: testSecretKey, Seed: 42, Clock: fixedClock{testStart}}
	for _, f := range mod {
		f(&cfg)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// signedRequest builds a request signed the way gatecheck's client signs:
// the percent-decoded URL (craftgate.SignableURL), the exact body bytes.
func signedRequest(method, url string, body []byte) *http.Request {
	var r *http.Request
	if body == nil {
		r = httptest.NewRequest(method, url, nil)
	} else {
		r = httptest.NewRequest(method, url, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	rnd := "rnd-" + strconv.Itoa(len(body))
	r.Header.Set("X-Api-Key", testAPIKey)
	r.Header.Set("X-Rnd-Key", rnd)
	r.Header.Set("X-Auth-Version", "v1")
	r.Header.Set("X-Signature", craftgate.Signature(craftgate.SignableURL(url), testAPIKey, testSecretKey, rnd, body))
	return r
}

func serve(m http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	m.ServeHTTP(w, r)
	return w
}

// call sends a signed request; in (when not nil) is JSON-encoded, or used
// as is when it is a []byte.
func do(t testing.TB, m http.Handler, method, path string, in any) *httptest.ResponseRecorder {
	t.Helper()
	var body []byte
	switch v := in.(type) {
	case nil:
	case []byte:
		body = v
	default:
		var err error
		if body, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	return serve(m, signedRequest(method, testBase+path, body))
}

// data decodes the data envelope of a 200 answer into out.
func data(t testing.TB, w *httptest.ResponseRecorder, out any) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if err := craftgate.DecodeResponse(w.Code, w.Body.Bytes(), out); err != nil {
		t.Fatalf("decode: %v: %s", err, w.Body.String())
	}
}

// errorBody checks the answer is the error envelope with the given status
// and returns its content.
func errorBody(t testing.TB, w *httptest.ResponseRecorder, status int) craftgate.ErrorBody {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.String())
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatalf("not JSON: %v: %q", err, w.Body.String())
	}
	if len(raw) != 1 || raw["errors"] == nil {
		t.Fatalf("not an error envelope: %s", w.Body.String())
	}
	var env craftgate.ErrorEnvelope
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	if env.Errors.ErrorCode == "" || env.Errors.ErrorDescription == "" {
		t.Fatalf("empty code or description: %s", w.Body.String())
	}
	return env.Errors
}

// validationError checks a 400 validation answer: code below 10000, no
// errorGroup.
func validationError(t testing.TB, w *httptest.ResponseRecorder) craftgate.ErrorBody {
	t.Helper()
	e := errorBody(t, w, http.StatusBadRequest)
	if n, err := strconv.Atoi(e.ErrorCode); err != nil || n >= 10000 {
		t.Fatalf("validation code %q not below 10000", e.ErrorCode)
	}
	if bytes.Contains(w.Body.Bytes(), []byte("errorGroup")) {
		t.Fatalf("validation error with errorGroup: %s", w.Body.String())
	}
	return e
}

// paymentRequest is the R3 vector's payment: 100 TRY in three items.
func paymentRequest(card string) *craftgate.CreatePaymentRequest {
	return &craftgate.CreatePaymentRequest{
		Price:          craftgate.MustAmount("100"),
		PaidPrice:      craftgate.MustAmount("100"),
		WalletPrice:    craftgate.MustAmount("0"),
		Installment:    1,
		Currency:       "TRY",
		PaymentGroup:   craftgate.PaymentGroupListing,
		ConversationID: "456d1297-908e-4bd6-a13b-4be31a6e47d5",
		Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: card,
			ExpireYear: "2044", ExpireMonth: "07", CVC: "000"},
		Items: []craftgate.PaymentItem{
			{Name: "Item 1", Price: craftgate.MustAmount("30")},
			{Name: "Item 2", Price: craftgate.MustAmount("50")},
			{Name: "Item 3", Price: craftgate.MustAmount("20")},
		},
	}
}

// pay creates a payment that must succeed.
func pay(t testing.TB, m http.Handler, req *craftgate.CreatePaymentRequest) *craftgate.Payment {
	t.Helper()
	var p craftgate.Payment
	data(t, do(t, m, http.MethodPost, "/payment/v1/card-payments", req), &p)
	return &p
}

func retrieve(t testing.TB, m http.Handler, id int64) *craftgate.Payment {
	t.Helper()
	var p craftgate.Payment
	data(t, do(t, m, http.MethodGet, "/payment/v1/card-payments/"+strconv.FormatInt(id, 10), nil), &p)
	return &p
}

func amt(s string) craftgate.Amount { return craftgate.MustAmount(s) }

func amountEq(a craftgate.Amount, s string) bool { return a.Equal(craftgate.MustAmount(s).Decimal) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameJSON compares two values by their JSON encoding (amounts hold
// pointers, so == compares identities).
func sameJSON(t testing.TB, a, b any) bool {
	t.Helper()
	return bytes.Equal(mustJSON(t, a), mustJSON(t, b))
}

// walletsBalanced checks that each wallet's balance is the sum of its
// movements and that no member's wallet is below its floor, and returns
// what the wallets hold together. It takes the wallet book's lock.
func walletsBalanced(t testing.TB, m *Mock) money {
	t.Helper()
	return walletsAbove(t, m, nil)
}

// walletsAbove is walletsBalanced where debt, when not nil, holds the
// balances wallets had when an update lowered their limit below them:
// the debt stays (the mock accepts the update), and no move may take the
// wallet lower than the lower of it and the new floor.
func walletsAbove(t testing.TB, m *Mock, debt map[int64]money) money {
	t.Helper()
	m.book.mu.Lock()
	defer m.book.mu.Unlock()
	var total money
	for _, w := range m.book.wallets {
		var sum money
		for _, tx := range w.txs {
			sum += tx.amount
		}
		if sum != w.amount {
			t.Errorf("wallet %d: balance %s, movements sum %s", w.id, w.amount, sum)
		}
		floor := w.floor()
		if d, ok := debt[w.id]; ok {
			floor = min(floor, d)
		}
		if w.memberID != 0 && w.amount < floor {
			t.Errorf("wallet %d below its floor: %s < %s", w.id, w.amount, floor)
		}
		total += w.amount
	}
	return total
}

// tx, cancelConversation and txRefundConversation read records a test
// knows the store holds (nothing evicts them there); a missing one is a
// bug the test reports by panicking.
func (s *store) tx(p *payment, i int) *transaction { return held(s.txAt(p, i)) }

func (s *store) cancelConversation(c *cancelRecord) string { return held(s.cancelConversationAt(c)) }

func (s *store) txRefundConversation(r *txRefundRecord) string {
	return held(s.txRefundConversationAt(r))
}

func held[T any](v T, ok bool) T {
	if !ok {
		panic("mock test: a record the test holds was evicted")
	}
	return v
}

// refusal is one case of a validation test: mod breaks a valid request,
// which the mock must refuse with a validation error of code.
type refusal[R any] struct {
	name string
	mod  func(*R)
	code string
}

// checkRefusals posts to path, for each case, a valid request made by
// valid and broken by the case's mod, and checks the validation error's
// code.
func checkRefusals[R any](t *testing.T, m http.Handler, path string, valid func() *R, cases []refusal[R]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := valid()
			tc.mod(req)
			if e := validationError(t, do(t, m, http.MethodPost, path, req)); e.ErrorCode != tc.code {
				t.Errorf("code %s (%s), want %s", e.ErrorCode, e.ErrorDescription, tc.code)
			}
		})
	}
}

// eachFailingCard runs check as a subtest for each catalogue card that
// fails at step, with the failure's outcome and its error group; the
// catalogue must have at least min such cards.
func eachFailingCard(t *testing.T, step craftgate.Step, min int, check func(t *testing.T, tc *craftgate.TestCard, o craftgate.Outcome, g craftgate.ErrorGroup)) {
	t.Helper()
	cat := craftgate.TestCards()
	cards := cat.FailingAt(step)
	if len(cards) < min {
		t.Fatalf("only %d cards fail at %s", len(cards), step)
	}
	for _, tc := range cards {
		t.Run(tc.Number, func(t *testing.T) {
			o := cat.Outcome(tc.Number, step)
			g, ok := cat.Group(o.Failure.Group)
			if !ok {
				t.Fatalf("group %q not in catalogue", o.Failure.Group)
			}
			check(t, tc, o, g)
		})
	}
}

// concurrently calls op perWorker times in each of workers goroutines, each
// call with its own pseudo-random x (splitmix64 of the call's number, xored
// with seed). op returns the mock's answer, or nil when it found nothing
// to do; an answer other than 200 or 400 fails the test and ends its
// worker. It returns when every worker is done.
func concurrently(t *testing.T, workers, perWorker int, seed uint64, op func(x uint64) *httptest.ResponseRecorder) {
	t.Helper()
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				w := op(splitmix64(uint64(g*perWorker+i) ^ seed))
				if w != nil && w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
					t.Errorf("status %d: %s", w.Code, w.Body.String())
					return
				}
			}
		}()
	}
	wg.Wait()
}
