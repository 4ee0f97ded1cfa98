package steps

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Target is what a World talks to: the provider's base URL (the mock or
// the sandbox), the merchant's keys and, optionally, the HTTP transport (nil
// means http.DefaultClient; the k6 runner passes the VU's).
type Target struct {
	BaseURL   string
	APIKey    string
	SecretKey string
	Doer      craftgate.Doer
}

// String describes the target without its keys, so that printing a Target
// (or anything holding one) never leaks them.
func (t Target) String() string {
	return fmt.Sprintf("steps.Target{BaseURL: %q, APIKey: %s, SecretKey: %s}", t.BaseURL, redacted(t.APIKey), redacted(t.SecretKey))
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
// (or per k6 iteration) with NewWorld and discards it afterwards; it is not
// meant for concurrent use.
type World struct {
	target Target
	client *craftgate.Client
	rec    *recorder
	cards  *craftgate.Catalogue

	// basket
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
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	r.status, r.header, r.body = resp.StatusCode, resp.Header, b
	resp.Body = io.NopCloser(bytes.NewReader(b))
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
