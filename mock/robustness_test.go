package mock

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestHostileRequests sends broken requests and checks that each gets the
// error envelope, and that the mock still serves a payment afterwards.
func TestHostileRequests(t *testing.T) {
	m := newTestMock(t)
	good := mustJSON(t, paymentRequest(successCard))
	huge := bytes.Repeat([]byte("7"), 100_000)
	tests := []struct {
		name   string
		method string
		path   string
		body   []byte
		ct     string // Content-Type; "-" removes it
		status int
		code   string
		field  string // the description must mention it
	}{
		{name: "malformed JSON", body: []byte(`{"price":`), status: 400, code: CodeMalformedJSON, field: "malformed JSON"},
		{name: "trailing garbage", body: append(append([]byte(nil), good...), "x"...), status: 400, code: CodeMalformedJSON},
		{name: "empty body", body: []byte{}, status: 400, code: CodeMalformedJSON, field: "empty"},
		{name: "whitespace body", body: []byte(" \n\t"), status: 400, code: CodeMalformedJSON, field: "empty"},
		{name: "JSON null", body: []byte("null"), status: 400, code: CodeMalformedJSON, field: "JSON object"},
		{name: "JSON array body", body: []byte(`[{"price":1}]`), status: 400, code: CodeMalformedJSON, field: "JSON object"},
		{name: "JSON string body", body: []byte(`"hello"`), status: 400, code: CodeMalformedJSON, field: "JSON object"},
		{name: "array for card", body: []byte(`{"price":1,"card":[]}`), status: 400, code: CodeInvalidFieldType, field: "card"},
		{name: "object for items", body: []byte(`{"items":{}}`), status: 400, code: CodeInvalidFieldType, field: "items"},
		{name: "string installment", body: []byte(`{"installment":"1"}`), status: 400, code: CodeInvalidFieldType, field: "installment"},
		{name: "number for name", body: []byte(`{"items":[{"name":5}]}`), status: 400, code: CodeInvalidFieldType, field: "items.name"},
		{name: "bool price", body: []byte(`{"price":true}`), status: 400, code: CodeInvalidFieldType, field: "price"},
		{name: "object price", body: []byte(`{"price":{"amount":1}}`), status: 400, code: CodeInvalidFieldType, field: "price"},
		{name: "text price", body: []byte(`{"price":"abc"}`), status: 400, code: CodeInvalidFieldType, field: "price"},
		{name: "bad nested amount", body: []byte(`{"items":[{"price":1},{"price":[2]}]}`), status: 400, code: CodeInvalidFieldType, field: "items[1].price"},
		{name: "huge exponent", body: []byte(`{"price":1e20000}`), status: 400, code: CodeInvalidFieldType, field: "price"},
		{name: "huge amount", body: bytes.Replace(good, []byte(`"price":100`), []byte(`"price":1e400`), 1), status: 400, code: CodeInvalidAmount, field: "price"},
		{name: "tiny amount", body: bytes.Replace(good, []byte(`"price":100`), []byte(`"price":1e-400`), 1), status: 400, code: CodeInvalidAmount, field: "price"},
		{name: "huge integer", body: []byte(`{"installment":99999999999999999999999}`), status: 400, code: CodeInvalidFieldType, field: "installment"},
		{name: "huge float in map", body: []byte(`{"additionalParams":{"a":1e999999}}`), status: 400, code: CodeInvalidFieldType, field: "additionalParams"},
		{name: "100k-digit number", body: append(append([]byte(`{"price":`), huge...), '}'), status: 400, code: CodeMalformedJSON, field: "numeric"},
		{name: "100k-digit quoted amount", body: append(append([]byte(`{"price":"`), huge...), '"', '}'), status: 400, code: CodeMalformedJSON, field: "numeric"},
		{name: "invalid UTF-8", body: []byte("{\"conversationId\":\"\xff\xfe\"}"), status: 400, code: CodeInvalidEncoding, field: "UTF-8"},
		{name: "text/plain", body: good, ct: "text/plain", status: 415, code: CodeUnsupportedMediaType, field: "Content-Type"},
		{name: "form", body: good, ct: "application/x-www-form-urlencoded", status: 415, code: CodeUnsupportedMediaType},
		{name: "no content type", body: good, ct: "-", status: 415, code: CodeUnsupportedMediaType},
		{name: "json with charset", body: good, ct: "application/json; charset=utf-8", status: 200},
		{name: "JSON upper case", body: good, ct: "APPLICATION/JSON", status: 200},
		{name: "json suffix", body: good, ct: "application/vnd.craftgate+json", status: 200},
		{name: "unknown route", path: "/payment/v1/nothing", status: 404, code: CodeRouteNotFound},
		{name: "unknown sub-route", path: "/payment/v1/card-payments/1/capture", status: 404, code: CodeRouteNotFound},
		{name: "GET on 3ds-init", method: "GET", path: "/payment/v1/card-payments/3ds-init", status: 405, code: CodeMethodNotAllowed, field: "POST"},
		{name: "trailing slash", path: "/payment/v1/card-payments/", status: 404, code: CodeRouteNotFound},
		{name: "root", method: "GET", path: "/", status: 404, code: CodeRouteNotFound},
		{name: "GET on create", method: "GET", status: 405, code: CodeMethodNotAllowed, field: "POST"},
		{name: "DELETE payment", method: "DELETE", path: "/payment/v1/card-payments/1", status: 405, code: CodeMethodNotAllowed, field: "GET"},
		{name: "PUT clock", method: "PUT", path: "/_mock/v1/clock", body: []byte(`{}`), status: 405, code: CodeMethodNotAllowed},
		{name: "HEAD refund", method: "HEAD", path: "/payment/v1/refunds/1", status: 405, code: CodeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.method == "" {
				tt.method = http.MethodPost
			}
			if tt.path == "" {
				tt.path = "/payment/v1/card-payments"
			}
			r := signedRequest(tt.method, testBase+tt.path, tt.body)
			switch tt.ct {
			case "":
			case "-":
				r.Header.Del("Content-Type")
			default:
				r.Header.Set("Content-Type", tt.ct)
			}
			w := serve(m, r)
			if tt.status == 200 {
				if w.Code != 200 {
					t.Fatalf("status %d: %s", w.Code, w.Body.String())
				}
				return
			}
			var e craftgate.ErrorBody
			if tt.method == "HEAD" {
				if w.Code != tt.status {
					t.Fatalf("status %d", w.Code)
				}
				return
			}
			if tt.status == 400 {
				e = validationError(t, w)
			} else {
				e = errorBody(t, w, tt.status)
			}
			if e.ErrorCode != tt.code {
				t.Errorf("code %s, want %s (%s)", e.ErrorCode, tt.code, e.ErrorDescription)
			}
			if !strings.Contains(e.ErrorDescription, tt.field) {
				t.Errorf("description %q does not mention %q", e.ErrorDescription, tt.field)
			}
			if tt.status == 405 && w.Header().Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
		})
	}
	pay(t, m, paymentRequest(successCard))
}

func TestAllowHeader(t *testing.T) {
	m := newTestMock(t)
	w := do(t, m, http.MethodGet, "/payment/v1/refund-transactions", nil)
	errorBody(t, w, http.StatusMethodNotAllowed)
	if a := w.Header().Get("Allow"); a != "POST" {
		t.Errorf("Allow %q", a)
	}
	w = do(t, m, http.MethodPost, "/payment/v1/refund-transactions/5", []byte(`{}`))
	if a := w.Header().Get("Allow"); a != "GET" || w.Code != 405 {
		t.Errorf("Allow %q, status %d", a, w.Code)
	}
}

func TestBodyLimit(t *testing.T) {
	m := newTestMock(t)
	over := bytes.Repeat([]byte(" "), DefaultMaxBodyBytes+1)
	copy(over, `{"price":1}`)
	// With Content-Length.
	e := errorBody(t, do(t, m, http.MethodPost, "/payment/v1/card-payments", over), http.StatusRequestEntityTooLarge)
	if e.ErrorCode != CodeBodyTooLarge {
		t.Errorf("code %s", e.ErrorCode)
	}
	// Without (chunked): the limit is enforced while reading.
	r := signedRequest(http.MethodPost, testBase+"/payment/v1/card-payments", over)
	r.ContentLength = -1
	r.Body = io.NopCloser(bytes.NewReader(over))
	errorBody(t, serve(m, r), http.StatusRequestEntityTooLarge)
	// Exactly the limit is read (and then rejected as an invalid payment).
	at := over[:DefaultMaxBodyBytes]
	validationError(t, do(t, m, http.MethodPost, "/payment/v1/card-payments", at))
	// A custom limit.
	small := newTestMock(t, func(c *Config) { c.MaxBodyBytes = 100 })
	errorBody(t, do(t, small, http.MethodPost, "/payment/v1/card-payments", mustJSON(t, paymentRequest(successCard))), http.StatusRequestEntityTooLarge)
	pay(t, m, paymentRequest(successCard))
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestBodyReadError(t *testing.T) {
	m := newTestMock(t)
	r := signedRequest(http.MethodPost, testBase+"/payment/v1/card-payments", []byte(`{}`))
	r.Body = io.NopCloser(failingReader{})
	errorBody(t, serve(m, r), http.StatusBadRequest)
	pay(t, m, paymentRequest(successCard))
}

// panickyClock panics while armed.
type panickyClock struct{ armed *atomic.Bool }

func (c panickyClock) Now() time.Time {
	if c.armed.Load() {
		panic("clock on fire")
	}
	return testStart
}

func TestPanicRecovery(t *testing.T) {
	var armed atomic.Bool
	m := newTestMock(t, func(c *Config) { c.Clock = panickyClock{&armed} })
	srv := httptest.NewServer(m)
	defer srv.Close()
	client, err := craftgate.New(craftgate.WithBaseURL(srv.URL), craftgate.WithAPIKey(testAPIKey), craftgate.WithSecretKey(testSecretKey),
		craftgate.WithDoer(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	_, err = client.CreatePayment(t.Context(), paymentRequest(successCard))
	ce := craftgate.AsError(err)
	if ce == nil || ce.HTTPStatus != 500 || ce.Code != CodeInternalError {
		t.Fatalf("got %v", err)
	}
	armed.Store(false)
	if _, err := client.CreatePayment(t.Context(), paymentRequest(successCard)); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
}

func TestOversizedNumber(t *testing.T) {
	digits := func(n int) string { return strings.Repeat("7", n) }
	for pad := range 140 {
		prefix := `{"conversationId":"` + strings.Repeat("x", pad) + `",`
		tests := []struct {
			body string
			want bool
		}{
			{prefix + `"price":` + digits(64) + `}`, false},
			{prefix + `"price":` + digits(65) + `}`, true},
			{prefix + `"price":"` + digits(64) + `"}`, false},
			{prefix + `"price":"` + digits(65) + `"}`, true},
			{prefix + `"price":-1.` + digits(61) + `}`, false},
			{prefix + `"price":-1.` + digits(62) + `}`, true},
			{prefix + `"price":"−` + digits(61) + `"}`, false}, // Unicode minus: 3 bytes
			{prefix + `"price":"−` + digits(62) + `"}`, true},
			{prefix + `"externalId":"ref-` + digits(200) + `"}`, false},
			{prefix + `"externalId":"` + digits(100) + `\"x"}`, false},
			{prefix + `"externalId":"` + digits(100) + `\\"}`, false},
			{prefix + `"items":[` + strings.Repeat(`1,`, 100) + `1]}`, false},
		}
		for _, tt := range tests {
			if got := oversizedNumber([]byte(tt.body)); got != tt.want {
				t.Fatalf("pad %d: %s: %v", pad, tt.body, got)
			}
		}
	}
}
