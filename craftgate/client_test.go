package craftgate

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fakeServerClient starts h as a fake Craftgate on 127.0.0.1 for the
// test's lifetime and returns a client of it (API key "ak", secret "sk").
func fakeServerClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(WithBaseURL(srv.URL), WithAPIKey("ak"), WithSecretKey("sk"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorded is one request a fake provider saw: its body as sent and, when
// the body is a JSON object, its fields.
type recorded struct {
	method, path, rawPath string
	query                 url.Values
	body                  []byte
	fields                map[string]any
}

// recordingServer answers every request with the handler's status and body
// after checking the signature, and records what it got.
func recordingServer(t *testing.T, answer func(r *http.Request) (int, string)) (*Client, *[]recorded) {
	t.Helper()
	var got []recorded
	c := fakeServerClient(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u, _ := url.PathUnescape("http://" + r.Host + r.RequestURI)
		if r.Header.Get("x-signature") != independentSignature(u, "ak", "sk", r.Header.Get("x-rnd-key"), body) {
			w.WriteHeader(401)
			_, _ = io.WriteString(w, `{"errors":{"errorCode":"1","errorDescription":"Signature is not equal!"}}`)
			return
		}
		rec := recorded{method: r.Method, path: r.URL.Path, rawPath: r.URL.RawPath, query: r.URL.Query(), body: body}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &rec.fields); err != nil {
				t.Errorf("%s %s: body is not a JSON object: %v", r.Method, r.URL.Path, err)
			}
		}
		got = append(got, rec)
		status, out := answer(r)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, out)
	})
	return c, &got
}

// fakePartAProvider is a recordingServer that answers each request with the
// canned body for its method and path, and "no route" (404) otherwise.
func fakePartAProvider(t *testing.T, answers map[string]string) (*Client, *[]recorded) {
	t.Helper()
	return recordingServer(t, func(r *http.Request) (int, string) {
		if a, ok := answers[r.Method+" "+r.URL.Path]; ok {
			return http.StatusOK, a
		}
		return http.StatusNotFound, `{"errors":{"errorCode":"1101","errorDescription":"no route"}}`
	})
}

// sent checks that rec is method path and returns its body's members, each
// as its JSON text.
func (rec recorded) sent(t *testing.T, method, path string) map[string]json.RawMessage {
	t.Helper()
	if rec.method != method || rec.path != path {
		t.Fatalf("sent %s %s, want %s %s", rec.method, rec.path, method, path)
	}
	var wire map[string]json.RawMessage
	if err := json.Unmarshal(rec.body, &wire); err != nil {
		t.Fatalf("%s %s: body %s: %v", method, path, rec.body, err)
	}
	return wire
}

// independentSignature is the documented algorithm written out again, so the
// client is checked against something other than itself.
func independentSignature(u, k, s, rnd string, body []byte) string {
	sum := sha256.Sum256(append([]byte(u+k+s+rnd), body...))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestClientSignsAndDecodes(t *testing.T) {
	var seen struct {
		body []byte
		hdr  http.Header
		uri  string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.body, _ = io.ReadAll(r.Body)
		seen.hdr, seen.uri = r.Header.Clone(), r.RequestURI
		u, _ := url.PathUnescape("http://" + r.Host + r.RequestURI)
		if r.Header.Get("x-signature") != independentSignature(u, "ak", "sk", r.Header.Get("x-rnd-key"), seen.body) {
			w.WriteHeader(401)
			io.WriteString(w, `{"errors":{"errorCode":"1","errorDescription":"Signature is not equal!"}}`)
			return
		}
		switch {
		case r.Method == "POST" && r.URL.Path == PathCardPayments:
			io.WriteString(w, `{"data":{"id":7,"price":100.00000000,"paidPrice":100.5,"paymentStatus":"SUCCESS","paymentTransactions":[{"id":8,"price":"100.00","paidPrice":100.5}]}}`)
		case r.URL.Path == "/q":
			io.WriteString(w, `{"data":{}}`)
		default:
			w.WriteHeader(422)
			io.WriteString(w, `{"errors":{"errorCode":"10051","errorDescription":"Kart limiti yetersiz","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`)
		}
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL+"/"), WithAPIKey("ak"), WithSecretKey("sk"), WithLanguage("TR"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := c.CreatePayment(ctx, &CreatePaymentRequest{
		Price: MustAmount("100.00"), PaidPrice: MustAmount("100.50"), Installment: 1, Currency: CurrencyTRY,
		Items: []PaymentItem{{Name: "a", Price: MustAmount("100.00")}},
	})
	if err != nil {
		t.Fatalf("CreatePayment: %v", err)
	}
	if p.ID != 7 || p.Price.String() != "100" || p.PaidPrice.String() != "100.5" || p.PaymentTransactions[0].Price.String() != "100" {
		t.Fatalf("decoded %+v", p)
	}
	// Amounts are JSON numbers on the wire, never strings or floats.
	var wire map[string]json.RawMessage
	if err := json.Unmarshal(seen.body, &wire); err != nil {
		t.Fatal(err)
	}
	if string(wire["price"]) != "100" || string(wire["paidPrice"]) != "100.5" || string(wire["walletPrice"]) != "0" {
		t.Fatalf("wire amounts: price=%s paidPrice=%s walletPrice=%s", wire["price"], wire["paidPrice"], wire["walletPrice"])
	}
	for h, want := range map[string]string{"x-api-key": "ak", "x-auth-version": "v1", "content-type": "application/json", "lang": "tr"} {
		if got := seen.hdr.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	if seen.hdr.Get("x-rnd-key") == "" {
		t.Error("no x-rnd-key")
	}

	// Query with non-ASCII and spaces: %20 on the wire, decoded URL signed.
	if err := c.Do(ctx, http.MethodGet, "/q", url.Values{"name": {"Zeytinyağı Üretim"}}, nil, &struct{}{}); err != nil {
		t.Fatalf("query request: %v", err)
	}
	if !strings.Contains(seen.uri, "%20") || strings.Contains(seen.uri, "+") {
		t.Fatalf("query sent as %q", seen.uri)
	}

	_, err = c.RetrievePayment(ctx, 1)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *Error, got %v", err)
	}
	if ce.HTTPStatus != 422 || ce.Code != "10051" || ce.Group != "NOT_SUFFICIENT_FUNDS" || !ce.IsPaymentError() {
		t.Fatalf("error = %+v", ce)
	}

	bad, _ := New(WithBaseURL(srv.URL), WithAPIKey("ak"), WithSecretKey("wrong"))
	_, err = bad.RetrievePayment(ctx, 1)
	if ce := AsError(err); ce == nil || ce.HTTPStatus != 401 || ce.IsPaymentError() {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestNewRequiresSettings(t *testing.T) {
	for name, opts := range map[string][]Option{
		"no base url":   {WithAPIKey("a"), WithSecretKey("s")},
		"no api key":    {WithBaseURL("http://x"), WithSecretKey("s")},
		"no secret key": {WithBaseURL("http://x"), WithAPIKey("a")},
	} {
		if _, err := New(opts...); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		code   string // "" = success
	}{
		{"data", 200, `{"data":{"id":1}}`, ""},
		{"empty 204", 204, ``, ""},
		{"empty 200", 200, `  `, ""},
		{"validation", 400, `{"errors":{"errorCode":"4152","errorDescription":"Kart son kullanma yılı \"2010\" geçersiz"}}`, "4152"},
		{"non-envelope error", 502, `<html>bad gateway</html>`, "502"},
		{"errors on 200", 200, `{"errors":{"errorCode":"10051","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`, "10051"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out struct{ ID int64 }
			err := DecodeResponse(c.status, []byte(c.body), &out)
			if c.code == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			ce := AsError(err)
			if ce == nil || ce.Code != c.code {
				t.Fatalf("err = %v, want code %s", err, c.code)
			}
		})
	}
}

func TestAmountJSON(t *testing.T) {
	var a Amount
	for in, want := range map[string]string{`100.00000000`: "100", `"12.35"`: "12.35", `0.1`: "0.1", `null`: "0"} {
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if a.String() != want {
			t.Errorf("%s -> %s, want %s", in, a, want)
		}
	}
	b, _ := json.Marshal(struct{ P Amount }{MustAmount("0.30")})
	if string(b) != `{"P":0.3}` {
		t.Errorf("marshal = %s", b)
	}
	if got := MustAmount("0.1").Add(MustAmount("0.2")); !got.Equal(MustAmount("0.3").Decimal) {
		t.Errorf("0.1+0.2 = %s", got)
	}
	for _, bad := range []string{"1,5", "1e3", "", "-", ".5", "5.", "NaN", " 1", "1.2.3", "+1"} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount accepted %q", bad)
		}
	}
	for _, good := range []string{"0", "100.00", "-0.5", "12345678901234567890.123456789"} {
		if _, err := ParseAmount(good); err != nil {
			t.Errorf("ParseAmount(%q): %v", good, err)
		}
	}
}
