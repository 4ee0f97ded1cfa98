package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// Target is what a World talks to: the provider's base URL (the mock or
// the sandbox), the merchant's keys and, optionally, the HTTP transport (nil
// means http.DefaultClient; the k6 runner passes the VU's).
//
// The 3-D Secure, checkout and webhook steps also need the merchant's side:
// MerchantURL is the base URL of the merchant's receiver (the buyer's
// browser posts callbacks to MerchantURL+"/callback" and
// MerchantURL+"/checkout"; the provider posts webhooks to
// MerchantURL+"/webhook"), and Merchant, when the receiver runs in this
// process, lets the steps see what it received. CallbackKey and WebhookKey
// are the merchant's callback and webhook keys, with which the steps check
// hashes and signatures independently of the receiver.
type Target struct {
	BaseURL   string
	APIKey    string
	SecretKey string
	Doer      craftgate.Doer

	CallbackKey string
	WebhookKey  string
	MerchantURL string
	Merchant    *merchant.Receiver

	// RBS is the Alfa-Bank RBS gateway the @rbs scenarios talk to (see
	// RBSTarget); nil runs them against an in-process RBS mock.
	RBS *RBSTarget
}

// String describes the target without its keys, so that printing a Target
// (or anything holding one) never leaks them.
func (t Target) String() string {
	return fmt.Sprintf("steps.Target{BaseURL: %q, APIKey: %s, SecretKey: %s, CallbackKey: %s, WebhookKey: %s, MerchantURL: %q}",
		t.BaseURL, redacted(t.APIKey), redacted(t.SecretKey), redacted(t.CallbackKey), redacted(t.WebhookKey), t.MerchantURL)
}

// GoString is String, for %#v.
func (t Target) GoString() string { return t.String() }

func redacted(key string) string {
	if key == "" {
		return `""`
	}
	return "[redacted]"
}

// World is the state of one scenario. A runner creates one per scenario
// with NewWorld and discards it afterwards, or (the load engine, one per
// VU) resets it with Reset for the next; it is not meant for concurrent
// use.
type World struct {
	target Target
	client *craftgate.Client
	rec    *recorder
	cards  *craftgate.Catalogue

	// basket
	lastBasket  *parsedBasket // what basket parsed last, kept by Reset
	price       craftgate.Amount
	currency    string
	items       []craftgate.Amount
	installment int
	cvc         *string
	expMonth    string
	expYear     string

	// the last payment attempt
	card    CardChoice
	request *craftgate.CreatePaymentRequest
	payment *craftgate.Payment // the payment as created, nil when declined
	// paymentBody is the raw answer to the payment request.
	paymentBody []byte
	paymentID   int64            // the payment under test, declined ones too
	declined    *craftgate.Error // the decline of the last payment attempt

	// the last call of any kind
	err       error
	retrieved *craftgate.Payment

	// refunds
	refund     *craftgate.PaymentRefund
	itemRefund *craftgate.PaymentTransactionRefund
	// itemRefundTx is the transaction of the last item refund asked for.
	itemRefundTx int64
	itemRefunds  []*craftgate.PaymentTransactionRefund

	// stage is the step the next payment attempt exercises, for evidence.
	stage craftgate.Step
	// evidence is what the scenario has established (see Evidence).
	evidence []noted

	// 3-D Secure: the buyer's journey through the bank's page
	threeDS         *craftgate.InitThreeDSPaymentResponse
	callbackVersion int
	bankPage        *Page      // the bank's page as the buyer last saw it
	callback        url.Values // the last callback the browser posted to the merchant
	callbackAnswer  int        // the merchant's HTTP status for it
	forged          url.Values // a forged copy of the callback
	forgedAnswer    int

	// checkout form
	checkoutReq      *craftgate.InitCheckoutPaymentRequest
	checkout         *craftgate.InitCheckoutPaymentResponse
	checkoutCallback url.Values

	// webhooks
	webhook     *merchant.Delivery // the last webhook the merchant received
	mockWebhook *mockWebhook       // the provider's record of a webhook
	schedule    *webhookSchedule   // the provider's webhook schedule, read once

	// what Close restores
	settingsBefore map[string]json.RawMessage // the mock's settings before the first change
	savedSettings  map[string]json.RawMessage // original values of the changed ones
	failingHooks   bool                       // the receiver's failure rule is on
	faultsBefore   json.RawMessage            // the mock's fault configuration before the first change
	faults         *faultPlan                 // the scenario's fault configuration (fault_steps.go)

	// the merchant's retrying client (fault_steps.go)
	retry   *retryPolicy  // nil: defaultRetryPolicy
	retried *retryOutcome // the last retried payment

	// rbs is the Alfa-Bank RBS part of the scenario, made on first use.
	rbs *rbsWorld

	// ext is the pre-authorisation, installment and stored-card part of
	// the scenario, made on first use (preauth_steps.go).
	ext *extWorld

	// wallet is the member and wallet part of the scenario, made on first
	// use (wallet_steps.go).
	wallet *walletWorld
	// link is the pay-by-link part of the scenario, made on first use
	// (link_steps.go).
	link *linkWorld
	// rewards and fraud are the reward and fraud parts of the scenario,
	// made on first use (loyalty_steps.go, fraud_steps.go).
	rewards *rewardWorld
	fraud   *fraudWorld
	// apm is the APM part of the scenario, made on first use (apm_steps.go).
	apm *apmWorld
	// wallet methods paid by card: Masterpass, BKM Express, Garanti Pay, Juzdan, POS-APM (walletmethods_steps.go)
	methods *methodsWorld
	// bnpl is the BNPL part of the scenario, made on first use (bnpl_steps.go).
	bnpl *bnplWorld
	// recon is the reconciliation part of the scenario, made on first use
	// (reconciliation_steps.go).
	recon *reconWorld
}

// NewWorld returns a fresh World for t.
func NewWorld(t Target) (*World, error) {
	doer := t.Doer
	if doer == nil {
		doer = http.DefaultClient
	}
	rec := &recorder{next: doer}
	c, err := craftgate.New(craftgate.WithBaseURL(t.BaseURL), craftgate.WithAPIKey(t.APIKey),
		craftgate.WithSecretKey(t.SecretKey), craftgate.WithDoer(rec))
	if err != nil {
		return nil, fmt.Errorf("steps: target: %w", err)
	}
	return &World{target: t, client: c, rec: rec, cards: craftgate.TestCards(), installment: 1}, nil
}

// Reset makes w what NewWorld returns for its target: a fresh World, but
// keeping its signing client and recorder (neither holds scenario state
// once reset), so that a runner running scenario after scenario on one
// goroutine (a load engine's VU) does not build a World and a client for
// every iteration. Call it after Close, when nothing else uses w.
func (w *World) Reset() {
	ev := w.evidence[:0]
	clear(w.evidence[:cap(w.evidence)])
	*w = World{target: w.target, client: w.client, rec: w.rec, cards: w.cards, installment: 1, evidence: ev, lastBasket: w.lastBasket}
	w.rec.status, w.rec.header, w.rec.body = 0, nil, nil
}

// Close undoes what the scenario changed outside itself: the mock's merchant
// settings and fault configuration it changed are set back and the
// merchant's webhook endpoint stops failing. Every runner calls it after each scenario, passed or failed (the
// godog adapter from an After hook). It is safe to call more than once.
func (w *World) Close(ctx context.Context) error {
	var errs []error
	if err := w.closeRBS(); err != nil {
		errs = append(errs, err)
	}
	if err := w.closeFraud(ctx); err != nil {
		errs = append(errs, err)
	}
	if w.failingHooks {
		if w.target.Merchant != nil {
			w.target.Merchant.FailWebhooks(0)
		}
		w.failingHooks = false
	}
	if err := w.restoreFaults(ctx); err != nil {
		errs = append(errs, err)
	}
	if len(w.savedSettings) > 0 {
		saved := w.savedSettings
		w.savedSettings, w.settingsBefore = nil, nil
		if err := w.client.Do(ctx, http.MethodPost, pathMockSettings, nil, saved, nil); err != nil {
			errs = append(errs, fmt.Errorf("steps: restoring the mock's merchant settings: %w", err))
		}
	}
	return errors.Join(errs...)
}

// browser returns the buyer's browser: the target's transport, without the
// recorder (a page is not an API answer) and without keys.
func (w *World) browser() browser {
	doer := w.target.Doer
	if doer == nil {
		doer = http.DefaultClient
	}
	return browser{doer: doer}
}

// String describes the World briefly, without keys or card numbers
// (fmt would otherwise print its unexported fields raw).
func (w *World) String() string {
	return fmt.Sprintf("steps.World{target: %s, card: %s, payment: %d}", w.target, w.card, w.paymentID)
}

// GoString is String, for %#v.
func (w *World) GoString() string { return w.String() }

// Client returns the World's signing client.
func (w *World) Client() *craftgate.Client { return w.client }

// clientWith returns a client for the same target with other keys, for the
// security steps that sign wrongly on purpose.
func (w *World) clientWith(apiKey, secretKey string) (*craftgate.Client, error) {
	c, err := craftgate.New(craftgate.WithBaseURL(w.target.BaseURL), craftgate.WithAPIKey(apiKey),
		craftgate.WithSecretKey(secretKey), craftgate.WithDoer(w.rec))
	if err != nil {
		return nil, fmt.Errorf("steps: client: %w", err)
	}
	return c, nil
}

// send sends a request built by hand (tampered, raw) through the recording
// transport and decodes the answer into out like the client would.
func (w *World) send(req *http.Request, out any) error {
	resp, err := w.rec.Do(req)
	if err != nil {
		return fmt.Errorf("steps: %s %s: %w", req.Method, req.URL.Path, err)
	}
	resp.Body.Close()
	return craftgate.DecodeResponse(w.rec.status, w.rec.body, out)
}

// newConversationID returns a unique conversationId, so that a payment can
// be found again (the mock's and the reporting API's search by it).
func newConversationID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms
	return "gatecheck-" + hex.EncodeToString(b[:])
}

// recorder is a craftgate.Doer that remembers the last response's status,
// headers and body, so steps can assert on the raw answer (the error
// envelope, headers such as X-Gatecheck-Payment-Id, that no PAN leaks).
type recorder struct {
	next   craftgate.Doer
	status int
	header http.Header
	body   []byte
}

// maxRecordedBody bounds what the recorder keeps of one response body.
const maxRecordedBody = 4 << 20

// Do implements craftgate.Doer.
func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.status, r.header, r.body = 0, nil, nil
	resp, err := r.next.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := craftgate.ReadBody(resp, maxRecordedBody)
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	r.status, r.header, r.body = resp.StatusCode, resp.Header, b
	resp.Body = craftgate.RecordedBody(b) // the client takes b without a copy
	resp.ContentLength = int64(len(b))
	return resp, nil
}

// lastEnvelope decodes the last response body as the error envelope.
func (r *recorder) lastEnvelope() (craftgate.ErrorBody, error) {
	env, err := decodeEnvelope(r.body)
	if err != nil {
		return craftgate.ErrorBody{}, fmt.Errorf("the answer (HTTP %d) is not in the error envelope: %w", r.status, err)
	}
	return env, nil
}

var errNoEnvelope = errors.New(`no {"errors":{"errorCode":...}} object`)

// parseCard is ParseCard with the scenario's test-card catalogue.
func (w *World) parseCard(spec string) (CardChoice, error) { return ParseCard(w.cards, spec) }
