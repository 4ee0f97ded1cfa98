package mock

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestArena(t *testing.T) {
	var a arena
	var refs []textRef
	var want [][]string
	for i := range 3000 {
		fields := []string{strings.Repeat("a", i%300), "", "ğ" + strconv.Itoa(i), strings.Repeat("z", i%7*1000)}
		if i%500 == 0 {
			fields = append(fields, strings.Repeat("L", arenaLarge+i)) // a block of its own
		}
		size := 0
		for _, f := range fields {
			size += fieldSize(f)
		}
		w, ref := a.reserve(size, int64(i))
		for _, f := range fields {
			w.put(f)
		}
		if len(w.b) != size {
			t.Fatalf("block %d: wrote %d of %d bytes", i, len(w.b), size)
		}
		refs = append(refs, ref)
		want = append(want, fields)
	}
	for i, ref := range refs {
		r, ok := a.text(ref)
		if !ok {
			t.Fatalf("block %d: chunk freed", i)
		}
		for j, f := range want[i] {
			if got := r.next(); got != f {
				t.Fatalf("block %d field %d: %d bytes, want %d", i, j, len(got), len(f))
			}
		}
	}
}

func TestSlab(t *testing.T) {
	s := slab[int64]{base: 1000}
	if s.at(1000) != nil || s.at(5) != nil {
		t.Fatal("empty slab has slots")
	}
	for id := int64(1000); id < 1000+5*slabSize; id += 7 {
		*s.slot(id) = id
	}
	for id := int64(1000); id < 1000+5*slabSize; id += 7 {
		if got := s.at(id); got == nil || *got != id {
			t.Fatalf("slot %d", id)
		}
	}
	if s.at(1000+50*slabSize) != nil {
		t.Error("slot beyond the directory")
	}
}

// TestConcurrentMixedLoad hammers one mock with creates, retrieves,
// searches and refunds from many goroutines, across several slab chunks,
// for the race detector.
func TestConcurrentMixedLoad(t *testing.T) {
	m := newTestMock(t)
	const workers, each = 8, 90 // 720 payments, 2160 transactions: several chunks
	var wg sync.WaitGroup
	errs := make(chan string, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req := paymentRequest(successCard)
				req.ConversationID = "w" + strconv.Itoa(w)
				if i%9 == 0 {
					req.Card.CardNumber = "5100050000006661" // declined
				}
				rw := serve(m, signedRequest(http.MethodPost, testBase+"/payment/v1/card-payments", mustJSON(t, req)))
				var p craftgate.Payment
				if rw.Code == http.StatusUnprocessableEntity {
					continue
				}
				if err := craftgate.DecodeResponse(rw.Code, rw.Body.Bytes(), &p); err != nil {
					errs <- err.Error()
					return
				}
				id := strconv.FormatInt(p.ID, 10)
				if g := serve(m, signedRequest(http.MethodGet, testBase+"/payment/v1/card-payments/"+id, nil)); g.Code != 200 {
					errs <- "retrieve " + id + ": " + g.Body.String()
				}
				switch i % 3 {
				case 0:
					body := mustJSON(t, craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[1].ID, RefundPrice: amt("1")})
					if r := serve(m, signedRequest(http.MethodPost, testBase+"/payment/v1/refund-transactions", body)); r.Code != 200 {
						errs <- "refund tx: " + r.Body.String()
					}
				case 1:
					body := mustJSON(t, craftgate.RefundPaymentRequest{PaymentID: p.ID})
					if r := serve(m, signedRequest(http.MethodPost, testBase+"/payment/v1/refunds", body)); r.Code != 200 {
						errs <- "refund: " + r.Body.String()
					}
				}
				if i%30 == 0 {
					serve(m, signedRequest(http.MethodGet, testBase+"/_mock/v1/payments?conversationId=w"+strconv.Itoa((w+1)%workers), nil))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var list struct{ Items []craftgate.Payment }
	data(t, do(t, m, http.MethodGet, "/_mock/v1/payments?conversationId=w3", nil), &list)
	if len(list.Items) != each {
		t.Errorf("%d payments for w3, want %d", len(list.Items), each)
	}
	for i := 1; i < len(list.Items); i++ {
		if list.Items[i].ID <= list.Items[i-1].ID {
			t.Errorf("search not in ascending id order")
		}
	}
}

// TestLogsHoldNoSecrets runs every kind of call with a logger and checks
// that keys, secrets, signatures and full card numbers never reach it.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := newTestMock(t, func(c *Config) { c.Logger = logger })
	p := pay(t, m, paymentRequest(successCard))
	do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest("5100050000006661"))
	refundTx(t, m, p.PaymentTransactions[0].ID, "1")
	refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID})
	r := signedRequest(http.MethodGet, testBase+"/_mock/v1/clock", nil)
	r.Header.Set("X-Signature", "forged")
	serve(m, r)
	// A card number where an id belongs is masked in the access log and in
	// the answer.
	w := do(t, m, http.MethodGet, "/payment/v1/card-payments/"+successCard, nil)
	if e := errorBody(t, w, http.StatusNotFound); strings.Contains(w.Body.String(), successCard) {
		t.Errorf("answer echoes the card number: %+v", e)
	}
	out := buf.String()
	for _, secret := range []string{testAPIKey, testSecretKey, successCard, "5100050000006661", "forged"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"authentication failed", craftgate.MaskPAN(successCard), "mock: refund", "mock: payment",
		"mock: request", "status=422", "status=401", "status=200"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
