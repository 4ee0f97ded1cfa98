package load

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/steps"
)

// BenchmarkScenarioVsHandWritten measures the cost of running a flow as a
// Gherkin scenario through the compiled plan (step binding, World,
// assertions) against the same HTTP call written by hand with the client,
// alternating the two iteration by iteration against one in-process mock
// on loopback. It reports both times and the throughput ratio
// (hand-written time / scenario time; 1.0 means the runner costs nothing).
func BenchmarkScenarioVsHandWritten(b *testing.B) {
	_, srv := startMock(b, 1)
	doer := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	target := steps.Target{BaseURL: srv.URL, APIKey: "k", SecretKey: "s", Doer: doer}
	sc := basketScenario(b)
	v := benchVU(target)
	client, err := craftgate.New(craftgate.WithBaseURL(srv.URL), craftgate.WithAPIKey("k"), craftgate.WithSecretKey("s"), craftgate.WithDoer(doer))
	if err != nil {
		b.Fatal(err)
	}
	card := craftgate.TestCards().Find(func(c *craftgate.TestCard) bool { return c.CardType == "CREDIT_CARD" })
	ctx := context.Background()
	handWritten := func() {
		p, err := client.CreatePayment(ctx, sameRequest(card.Number))
		if err != nil || p.PaymentStatus != craftgate.StatusSuccess || len(p.PaymentTransactions) != 2 {
			b.Fatal("hand-written flow failed", err)
		}
	}
	var th, ts time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		handWritten()
		t1 := time.Now()
		if v.runScenario(ctx, sc, 10*time.Second) {
			b.Fatal("scenario failed", v.s.eng.samples)
		}
		t2 := time.Now()
		v.flush()
		drain(v.s.eng)
		th += t1.Sub(t0)
		ts += t2.Sub(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(th.Nanoseconds())/n, "handwritten-ns/it")
	b.ReportMetric(float64(ts.Nanoseconds())/n, "scenario-ns/it")
	b.ReportMetric(float64(th)/float64(ts), "throughput-ratio")
}

// basketScenario is the compiled scenario "A successful credit card pays a
// basket of two items", the flow the benchmarks measure.
func basketScenario(b *testing.B) *Scenario {
	b.Helper()
	for _, s := range compilePlan(b).Scenarios {
		if s.Name == "A successful credit card pays a basket of two items" {
			return s
		}
	}
	b.Fatal("scenario not found")
	return nil
}

// benchVU is a VU outside a run: its samples are drained and dropped.
func benchVU(target steps.Target) *vu {
	e := &engine{ch: make(chan *[]Sample, 16), samples: map[string]bool{}, timeout: 10 * time.Second}
	e.opts.Target = target
	s := &scenarioRun{name: "bench", eng: e}
	return s.newVU()
}

func drain(e *engine) {
	for {
		select {
		case b := <-e.ch:
			e.pool.Put(b)
		default:
			return
		}
	}
}

// sameRequest is, written by hand, the request the scenario "A successful
// credit card pays a basket of two items" sends: the same basket, card
// holder, expiry, item names and external ids, and a fresh conversation id.
func sameRequest(number string) *craftgate.CreatePaymentRequest {
	var id [8]byte
	_, _ = cryptorand.Read(id[:])
	return &craftgate.CreatePaymentRequest{
		Price: craftgate.MustAmount("100.00"), PaidPrice: craftgate.MustAmount("100.00"), Installment: 1, Currency: "TRY",
		PaymentGroup: craftgate.PaymentGroupProduct, ConversationID: "gatecheck-" + hex.EncodeToString(id[:]),
		Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: number, ExpireYear: "2044", ExpireMonth: "07", CVC: "000"},
		Items: []craftgate.PaymentItem{{Name: "Item 1", ExternalID: "item-1", Price: craftgate.MustAmount("60.00")},
			{Name: "Item 2", ExternalID: "item-2", Price: craftgate.MustAmount("40.00")}},
	}
}
