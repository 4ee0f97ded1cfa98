package reports

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/probe"
)

// Synthetic runs for the tests, shaped like what the conformance suite and
// the load engine produce.

var t0 = time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)

func sc(feature, name, status string, tags string, ev ...Evidence) Scenario {
	return Scenario{Feature: feature, Name: name, Status: status, Tags: strings.Fields(tags),
		Duration: 3 * time.Millisecond, Evidence: ev}
}

func card(number string) Evidence {
	return Evidence{Kind: EvidenceCard, Value: craftgate.MaskPAN(number)}
}

func cardAt(number string, step craftgate.Step) Evidence {
	return Evidence{Kind: EvidenceCard, Value: craftgate.MaskPAN(number), Step: string(step)}
}

func payment(id int) Evidence { return Evidence{Kind: EvidencePayment, Value: fmt.Sprint(id)} }

// currentSuite is an early, partial suite: non-3DS payments, declines,
// cancels and refunds, validation, signatures, robustness.
func currentSuite() []Scenario {
	const pay, decl = "payments/non3ds.feature", "payments/declined.feature"
	out := []Scenario{
		sc(pay, "A successful credit card pays a basket of two items", "passed", "@non3ds @payment", payment(101), card("4132260000000003")),
		sc(pay, "a commercial card pays", "passed", "@non3ds @payment", payment(102)),
		sc(pay, "an AMEX card pays", "passed", "@non3ds @payment", payment(103)),
		sc(pay, "An AMEX card pays with its four-digit security code", "passed", "@non3ds @payment", payment(104)),
		sc(pay, "A multi-currency card pays in US dollars", "passed", "@non3ds @payment", payment(105)),
		sc("refunds/cancel.feature", "A payment reversed on the day it was taken is cancelled", "passed", "@refund @cancel", payment(106),
			Evidence{Kind: EvidenceRefund, Value: "9001"}),
		sc("refunds/partial.feature", "Part of one item is refunded", "passed", "@refund @partial", payment(107),
			Evidence{Kind: EvidenceRefund, Value: "9002"}),
		sc("refunds/declined.feature", "POS_BALANCE_NOT_SUFFICIENT card 435508******6663 pays but its refund is declined", "passed", "@refund @cancel @error-card"),
		sc("validation/payment.feature", "An AMEX card with a three-digit security code is rejected", "passed", "@validation @mock"),
		sc("validation/payment.feature", "3 installments are rejected", "passed", "@validation @mock"),
		sc("security/signature.feature", "A correctly signed payment is accepted", "passed", "@security @signature",
			Evidence{Kind: EvidenceSignature, Value: "x-signature over the raw URL"}),
		sc("robustness/malformed.feature", "A payment whose body is not valid JSON", "passed", "@robustness @mock"),
	}
	// Every card that fails at the non-3DS payment, named in the scenario
	// name the way the outline does it.
	for i, tc := range craftgate.TestCards().FailingAt(craftgate.StepNon3DSPayment) {
		f, _ := tc.FailureAt(craftgate.StepNon3DSPayment)
		out = append(out, sc(decl, fmt.Sprintf("%s card %s is declined", f.Group, tc.Masked()), "passed", "@non3ds @error-card", payment(500+i)))
	}
	return out
}

// fullSuite adds scenarios for every automatable item, with the tags and
// names the checklist rules expect from issues 3 and 6.
func fullSuite() []Scenario {
	out := currentSuite()
	out = append(out,
		sc("threeds/threeds.feature", "A 3DS payment completes after the callback hash is verified", "passed", "@3ds", payment(201),
			Evidence{Kind: EvidenceCallback, Value: "v2 hash verified"}, cardAt("5528790000000008", craftgate.StepThreeDSComplete)),
		sc("threeds/threeds.feature", "A callback with a tampered hash is detected", "passed", "@3ds", payment(202),
			Evidence{Kind: EvidenceSignature, Value: "tampered callback hash rejected"}),
		sc("threeds/threeds.feature", "An abandoned 3DS payment stays pending", "passed", "@3ds", payment(203)),
		sc("webhooks/webhook.feature", "A webhook is signed with x-cg-signature-v1", "passed", "@webhook",
			Evidence{Kind: EvidenceWebhook, Value: "API_AUTH"}),
		sc("webhooks/webhook.feature", "A webhook with a tampered signature is rejected", "passed", "@webhook"),
		sc("stored/cards.feature", "A stored card pays without a CVV", "passed", "@stored-card", payment(301), Evidence{Kind: EvidenceToken, Value: "card-token-1"}),
		sc("installments/installments.feature", "A payment in 3 installments", "passed", "@installment @non3ds", payment(302)),
		sc("installments/installments.feature", "Paid price above price carries the maturity difference", "passed", "@installment @non3ds", payment(303)),
		sc("payments/external.feature", "The externalId is returned on retrieval", "passed", "@non3ds", payment(304)),
		sc("preauth/preauth.feature", "A pre-authorised payment is taken", "passed", "@preauth", payment(305)),
		sc("preauth/preauth.feature", "A pre-authorised payment is captured by post-auth", "passed", "@preauth", payment(306)),
	)
	return out
}

// sampleLoad is a load result with a few operations, a timeline and error
// groups; scale multiplies every latency.
func sampleLoad(scale float64) *load.Result {
	rng := rand.New(rand.NewPCG(1, 2))
	res := &load.Result{Start: t0.Add(time.Minute), End: t0.Add(time.Minute + 10*time.Second + 400*time.Millisecond), VUs: 8,
		Operations: map[string]*load.Histogram{}, Flows: map[string]*load.Flow{}, ErrorGroups: map[string]int{
			"NOT_SUFFICIENT_FUNDS": 40, "DO_NOT_HONOUR": 12, "VALIDATION": 3}}
	for op, base := range map[string]float64{
		"POST /payment/v1/card-payments":                    8,
		"GET /payment/v1/card-payments/{id}":                3,
		"POST /payment/v1/refunds":                          6,
		"POST /payment/v1/refund-transactions/{id}/refunds": 20,
	} {
		h := &load.Histogram{}
		for range 2000 {
			v := base * scale * (0.6 + rng.Float64()*0.8)
			if rng.IntN(100) == 0 {
				v *= 3
			}
			h.Record(time.Duration(v * float64(time.Millisecond)))
		}
		res.Operations[op] = h
	}
	flow := &load.Flow{Scenario: "A successful credit card pays a basket of two items", Iterations: 900, Failures: 2, Duration: &load.Histogram{}}
	flow.Duration.Record(12 * time.Millisecond)
	res.Flows[flow.Scenario] = flow
	for s := 0; s <= 10; s++ {
		it := 90 + rng.IntN(20)
		if s == 10 {
			it = 30
		}
		f := 0
		if s == 4 {
			f = 2
		}
		res.Timeline = append(res.Timeline, load.Second{At: s, Iterations: it, Failures: f, Requests: it * 3})
		res.Iterations += it
		res.Failures += f
		res.Requests += it * 3
	}
	res.FailureSamples = []string{"A payment: card 5528790000000008 was declined"}
	return res
}

// sampleRun is a run against the sandbox whose probe of the merchant's
// endpoints passed; mockRun the same on gatecheck's mock.
func sampleRun(scenarios []Scenario, l *load.Result) *Run {
	return &Run{Provider: "craftgate", Target: "sandbox-api.craftgate.io",
		Version: "v0.3.0", Commit: "0123456789abcdef0123", LoadEngine: "gatecheck load engine (Go)",
		KeyFingerprint: "sha256:1a2b3c4d", Started: t0, Finished: t0.Add(95 * time.Second),
		CatalogueVersion: "sha256:0a1b2c3d4e5f", Filter: "~@rbs && ~@mock && ~@webhook",
		LeftOut:   []LeftOut{{Filter: "~@mock && ~@webhook", Reason: "need gatecheck's mock", Scenarios: 40}},
		Scenarios: scenarios, Load: l, Probe: sampleProbe(false)}
}

func mockRun(scenarios []Scenario, l *load.Result) *Run {
	r := sampleRun(scenarios, l)
	r.Target, r.TargetIsMock, r.LeftOut = "embedded mock http://127.0.0.1:41234", true, nil
	return r
}

// sampleProbe is a probe of both merchant endpoints: every genuine call
// accepted and every forged one refused, or with forgedWebhookAccepted a
// merchant that takes an unsigned webhook.
func sampleProbe(forgedWebhookAccepted bool) *probe.Report {
	res := func(endpoint, name string, expect probe.Expect, forged bool, status int) probe.Result {
		v := probe.Pass
		if forged && status < 300 {
			v = probe.Fail
		}
		return probe.Result{Endpoint: endpoint, Case: name, Expect: expect, Forged: forged, HTTPStatus: status, Verdict: v}
	}
	missing := 401
	if forgedWebhookAccepted {
		missing = 200
	}
	rep := &probe.Report{CallbackURL: "https://shop.example/callback", WebhookURL: "https://shop.example/webhook", PaymentID: "271591",
		Results: []probe.Result{
			res(probe.EndpointCallback, "v1-valid", probe.ExpectAccept, false, 200),
			res(probe.EndpointCallback, "v2-valid", probe.ExpectAccept, false, 200),
			res(probe.EndpointCallback, "tampered-status", probe.ExpectReject, true, 400),
			res(probe.EndpointCallback, "hash-missing", probe.ExpectReject, true, 400),
			res(probe.EndpointCallback, "wrong-key", probe.ExpectReject, true, 400),
			res(probe.EndpointWebhook, "valid", probe.ExpectAccept, false, 200),
			res(probe.EndpointWebhook, "signature-missing", probe.ExpectReject, true, missing),
			res(probe.EndpointWebhook, "wrong-key", probe.ExpectReject, true, 401),
		}}
	for _, r := range rep.Results {
		switch r.Verdict {
		case probe.Pass:
			rep.Summary.Pass++
		case probe.Fail:
			rep.Summary.Fail++
			rep.Summary.ForgedAccepted++
		}
	}
	return rep
}

// withStatus returns a copy of scenarios with the named one's status set.
func withStatus(list []Scenario, name, status, failure string) []Scenario {
	out := make([]Scenario, len(list))
	copy(out, list)
	for i := range out {
		if out[i].Name == name {
			out[i].Status, out[i].Failure = status, failure
		}
	}
	return out
}

// without returns a copy of scenarios without those matching the tag.
func without(list []Scenario, tag string) []Scenario {
	var out []Scenario
	for _, s := range list {
		if !load.MatchTags(tag, s.Tags) {
			out = append(out, s)
		}
	}
	return out
}
