package craftgate

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Well-known base URLs.
const (
	SandboxURL    = "https://sandbox-api.craftgate.io"
	ProductionURL = "https://api.craftgate.io"
)

// ClientVersion is sent as x-client-version.
const ClientVersion = "gatecheck:0.1"

// Paged is the paged envelope of Craftgate's search answers: one page of
// items, the page's number (from 0) and size, and how many items match
// (docs/reference/craftgate/auth-and-envelope.md 4.2).
type Paged[T any] struct {
	Items     []T   `json:"items"`
	Page      int   `json:"page"`
	Size      int   `json:"size"`
	TotalSize int64 `json:"totalSize"`
}

// Doer sends an HTTP request. *http.Client satisfies it; the load engine
// supplies one that records each request's metrics.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client is a signing Craftgate API client. It is safe for concurrent use.
type Client struct {
	baseURL   string
	apiKey    string
	secretKey string
	lang      string
	doer      Doer
	rnd       func() string
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL sets the API base URL, e.g. SandboxURL or a mock's address.
func WithBaseURL(u string) Option { return func(c *Client) { c.baseURL = strings.TrimRight(u, "/") } }

// WithAPIKey sets the merchant API key (x-api-key).
func WithAPIKey(k string) Option { return func(c *Client) { c.apiKey = k } }

// WithSecretKey sets the merchant secret key used only inside the signature.
func WithSecretKey(k string) Option { return func(c *Client) { c.secretKey = k } }

// WithDoer sets the HTTP transport (default: a plain *http.Client).
func WithDoer(d Doer) Option { return func(c *Client) { c.doer = d } }

// WithLanguage sets the lang header (e.g. "tr", "en").
func WithLanguage(lang string) Option { return func(c *Client) { c.lang = strings.ToLower(lang) } }

// WithNonce replaces the x-rnd-key generator (tests use it for repeatable
// signatures).
func WithNonce(f func() string) Option { return func(c *Client) { c.rnd = f } }

// New returns a Client. The base URL, API key and secret key are required.
func New(opts ...Option) (*Client, error) {
	c := &Client{doer: http.DefaultClient, rnd: randomNonce}
	for _, o := range opts {
		o(c)
	}
	switch {
	case c.baseURL == "":
		return nil, errors.New("craftgate: base URL is required")
	case c.apiKey == "":
		return nil, errors.New("craftgate: API key is required")
	case c.secretKey == "":
		return nil, errors.New("craftgate: secret key is required")
	}
	if _, err := url.Parse(c.baseURL); err != nil {
		return nil, fmt.Errorf("craftgate: base URL: %w", err)
	}
	return c, nil
}

// BaseURL returns the configured base URL.
func (c *Client) BaseURL() string { return c.baseURL }

// randomNonce returns 16 random hex characters.
func randomNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// NewRequest builds a signed request. in, when not nil, is encoded as the
// JSON body; the body bytes sent are exactly the bytes signed. query values
// are encoded with %20 for spaces and the percent-decoded URL is signed, as
// five of the six official clients do.
func (c *Client) NewRequest(ctx context.Context, method, path string, query url.Values, in any) (*http.Request, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("craftgate: encode %s %s: %w", method, path, err)
		}
	}
	return c.NewRawRequest(ctx, method, path, query, body)
}

// NewRawRequest is NewRequest with a body that is already encoded.
func (c *Client) NewRawRequest(ctx context.Context, method, path string, query url.Values, body []byte) (*http.Request, error) {
	u := c.baseURL + path
	if q := encodeQuery(query); q != "" {
		u += "?" + q
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("craftgate: %s %s: %w", method, path, err)
	}
	rnd := c.rnd()
	h := req.Header
	h["X-Api-Key"] = []string{c.apiKey}
	h["X-Rnd-Key"] = []string{rnd}
	h["X-Auth-Version"] = []string{"v1"}
	h["X-Client-Version"] = []string{ClientVersion}
	h["X-Signature"] = []string{Signature(SignableURL(u), c.apiKey, c.secretKey, rnd, body)}
	h["Accept"] = []string{"application/json"}
	if body != nil {
		h["Content-Type"] = []string{"application/json"}
	}
	if c.lang != "" {
		h["Lang"] = []string{c.lang}
	}
	return req, nil
}

// Do sends a signed request and decodes the data envelope into out (which
// may be nil). Any error envelope, or any status >= 400, becomes an *Error.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	status, b, err := c.exchange(ctx, method, path, query, in, readAnswer)
	if err != nil {
		return err
	}
	return DecodeResponse(status, b, out)
}

// readAnswer reads an API answer, at most maxResponseBody bytes of it.
func readAnswer(resp *http.Response) ([]byte, error) { return ReadBody(resp, maxResponseBody) }

// exchange sends a signed request and returns the answer's status and its
// body as read reads it.
func (c *Client) exchange(ctx context.Context, method, path string, query url.Values, in any,
	read func(*http.Response) ([]byte, error)) (int, []byte, error) {
	req, err := c.NewRequest(ctx, method, path, query, in)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("craftgate: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := read(resp)
	if err != nil {
		return 0, nil, fmt.Errorf("craftgate: %s %s: read body: %w", method, path, err)
	}
	return resp.StatusCode, b, nil
}

// maxResponseBody bounds what the client reads of one answer.
const maxResponseBody = 64 << 20

// ReadBody reads a response body of at most limit bytes into one buffer
// sized by its Content-Length when the answer states it, so reading a
// known-length answer allocates once (io.ReadAll grows its buffer from
// 512 bytes, copying the body several times over; bytes.Buffer.ReadFrom
// grows whenever less than 512 bytes are free, so it too would copy a
// known-length answer once more). A body made by RecordedBody is returned
// as it is, without a copy.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	if rb, ok := resp.Body.(*recordedBody); ok && rb.off == 0 && int64(len(rb.b)) <= limit {
		rb.off = len(rb.b)
		return rb.b, nil
	}
	size := int64(512)
	if resp.ContentLength >= 0 && resp.ContentLength < limit {
		size = resp.ContentLength + 1 // one more, to see the end without growing
	}
	r := io.LimitReader(resp.Body, limit)
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow as append does
		}
	}
}

// RecordedBody returns a response body reading b, for a Doer that has
// read an answer already (to record it) and hands it on: ReadBody returns
// b itself instead of copying it again. The caller must not change b
// afterwards.
func RecordedBody(b []byte) io.ReadCloser { return &recordedBody{b: b} }

// recordedBody is RecordedBody's reader.
type recordedBody struct {
	b   []byte
	off int
}

func (r *recordedBody) Read(p []byte) (int, error) {
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

func (r *recordedBody) Close() error { return nil }

// doInto is Do for the methods that answer one object: it decodes the data
// envelope into a new T.
func doInto[T any](ctx context.Context, c *Client, method, path string, query url.Values, in any) (*T, error) {
	var out T
	if err := c.Do(ctx, method, path, query, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// get is doInto for GET path?query (query may be nil).
func get[T any](ctx context.Context, c *Client, path string, query url.Values) (*T, error) {
	return doInto[T](ctx, c, http.MethodGet, path, query, nil)
}

// post is doInto for POST path with body as its JSON (nil: no body).
func post[T any](ctx context.Context, c *Client, path string, body any) (*T, error) {
	return doInto[T](ctx, c, http.MethodPost, path, nil, body)
}

// put is doInto for PUT path with body as its JSON.
func put[T any](ctx context.Context, c *Client, path string, body any) (*T, error) {
	return doInto[T](ctx, c, http.MethodPut, path, nil, body)
}

// doItems is doInto for the methods that answer one list, the data
// envelope {"items": [...]} without paging.
func doItems[T any](ctx context.Context, c *Client, method, path string, query url.Values, in any) ([]T, error) {
	out, err := doInto[struct {
		Items []T `json:"items"`
	}](ctx, c, method, path, query, in)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// doSegment is doInto for a path that ends in a caller's identifier (a
// token, a reference): segmentPath(prefix, seg, suffix, what).
func doSegment[T any](ctx context.Context, c *Client, method, prefix, seg, suffix, what string, in any) (*T, error) {
	path, err := segmentPath(prefix, seg, suffix, what)
	if err != nil {
		return nil, err
	}
	return doInto[T](ctx, c, method, path, nil, in)
}

// DecodeResponse decodes a Craftgate response body: the data envelope into
// out on success, the error envelope into an *Error otherwise. An empty
// body is a success without content (deletes may answer 200 or 204 empty).
func DecodeResponse(status int, body []byte, out any) error {
	if status >= 400 || status < 200 {
		var env ErrorEnvelope
		if err := json.Unmarshal(body, &env); err != nil || env.Errors.ErrorCode == "" {
			return &Error{HTTPStatus: status, Code: strconv.Itoa(status),
				Description: "unexpected response: " + truncate(string(body), 200)}
		}
		return &Error{HTTPStatus: status, Code: env.Errors.ErrorCode, Group: env.Errors.ErrorGroup,
			Description: env.Errors.ErrorDescription, Provider: env.Errors.ProviderError}
	}
	if len(bytes.TrimSpace(body)) == 0 || out == nil {
		return nil
	}
	// One pass: the data member decodes straight into out (encoding/json
	// fills a non-nil pointer held in an interface in place).
	env := struct {
		Data   any        `json:"data"`
		Errors *ErrorBody `json:"errors"`
	}{Data: out}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("craftgate: decode response: %w", err)
	}
	if env.Errors != nil {
		return &Error{HTTPStatus: status, Code: env.Errors.ErrorCode, Group: env.Errors.ErrorGroup,
			Description: env.Errors.ErrorDescription, Provider: env.Errors.ProviderError}
	}
	return nil
}

// truncate cuts s to its first n bytes and marks the cut with "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Paths of the endpoints the client models.
const (
	PathCardPayments       = "/payment/v1/card-payments"
	PathRefunds            = "/payment/v1/refunds"
	PathRefundTransactions = "/payment/v1/refund-transactions"
)

// idPath is the path of one numbered resource: base/id.
func idPath(base string, id int64) string { return base + "/" + strconv.FormatInt(id, 10) }

// segmentPath is prefix + "/" + the escaped segment + suffix; an empty
// segment is an error, what names it.
func segmentPath(prefix, seg, suffix, what string) (string, error) {
	if seg == "" {
		return "", errors.New("craftgate: " + what + " is required")
	}
	return prefix + "/" + url.PathEscape(seg) + suffix, nil
}

// CreatePayment makes a non-3DS card payment (POST /payment/v1/card-payments).
// A declined card returns an *Error with HTTP 422 and the card's errorGroup.
func (c *Client) CreatePayment(ctx context.Context, req *CreatePaymentRequest) (*Payment, error) {
	return post[Payment](ctx, c, PathCardPayments, req)
}

// RetrievePayment fetches a payment in any status, failed ones included.
func (c *Client) RetrievePayment(ctx context.Context, id int64) (*Payment, error) {
	return get[Payment](ctx, c, idPath(PathCardPayments, id), nil)
}

// RefundPayment refunds or cancels a whole payment. Craftgate decides which:
// CANCEL before the bank's end of day with no earlier partial refund,
// REFUND otherwise.
func (c *Client) RefundPayment(ctx context.Context, req *RefundPaymentRequest) (*PaymentRefund, error) {
	return post[PaymentRefund](ctx, c, PathRefunds, req)
}

// RetrieveRefund fetches a payment refund by id.
func (c *Client) RetrieveRefund(ctx context.Context, id int64) (*PaymentRefund, error) {
	return get[PaymentRefund](ctx, c, idPath(PathRefunds, id), nil)
}

// RefundTransaction refunds (part of) one payment transaction.
func (c *Client) RefundTransaction(ctx context.Context, req *RefundTransactionRequest) (*PaymentTransactionRefund, error) {
	return post[PaymentTransactionRefund](ctx, c, PathRefundTransactions, req)
}

// RetrieveTransactionRefund fetches a transaction refund by id.
func (c *Client) RetrieveTransactionRefund(ctx context.Context, id int64) (*PaymentTransactionRefund, error) {
	return get[PaymentTransactionRefund](ctx, c, idPath(PathRefundTransactions, id), nil)
}
