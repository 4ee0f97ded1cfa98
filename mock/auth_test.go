package mock

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
)

// independentSignature is Craftgate's signature written from the spec
// (docs/reference/craftgate/auth-and-envelope.md section 3.1), deliberately not craftgate.Signature:
// base64(SHA-256(url + apiKey + secretKey + rnd + body)).
func independentSignature(url, apiKey, secretKey, rnd string, body []byte) string {
	var msg []byte
	msg = append(msg, url...)
	msg = append(msg, apiKey...)
	msg = append(msg, secretKey...)
	msg = append(msg, rnd...)
	msg = append(msg, body...)
	sum := sha256.Sum256(msg)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// rawSigned builds a request to sendURL signed over signURL with the
// independent implementation; the tamper hooks change things after signing.
type rawSigned struct {
	method, sendURL, signURL string
	apiKey, secretKey        string
	rnd, sendRnd             string
	body, sendBody           []byte
	version                  string
	forwardedProto           string
}

func (s rawSigned) request() *http.Request {
	if s.method == "" {
		s.method = http.MethodPost
	}
	if s.signURL == "" {
		s.signURL = s.sendURL
	}
	if s.apiKey == "" {
		s.apiKey = testAPIKey
	}
	if s.secretKey == "" {
		s.secretKey = testSecretKey
	}
	if s.rnd == "" {
		s.rnd = "Xa15Fp11T"
	}
	if s.sendRnd == "" {
		s.sendRnd = s.rnd
	}
	if s.sendBody == nil {
		s.sendBody = s.body
	}
	if s.version == "" {
		s.version = "V1"
	}
	r := httptest.NewRequest(s.method, s.sendURL, bytes.NewReader(s.sendBody))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("x-api-key", testAPIKey)
	r.Header.Set("x-rnd-key", s.sendRnd)
	r.Header.Set("x-auth-version", s.version)
	r.Header.Set("x-signature", independentSignature(s.signURL, s.apiKey, s.secretKey, s.rnd, s.body))
	if s.forwardedProto != "" {
		r.Header.Set("X-Forwarded-Proto", s.forwardedProto)
	}
	return r
}

func TestSignatureIndependentImplementation(t *testing.T) {
	body := []byte(`{"duration":"1h"}`)
	advance := testBase + "/_mock/v1/clock/advance"
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-3] = '2' // "2h"
	const rawQuery = "/_mock/v1/payments?conversationId=Zeytinya%C4%9F%C4%B1+%C3%9Cretim"

	tests := []struct {
		name   string
		req    rawSigned
		strict bool
		trust  bool // Config.TrustProxy
		want   int
	}{
		{name: "valid", req: rawSigned{sendURL: advance, body: body}, want: 200},
		{name: "body byte changed", req: rawSigned{sendURL: advance, body: body, sendBody: tampered}, want: 401},
		{name: "url changed", req: rawSigned{sendURL: advance, signURL: "http://mock.tesu/_mock/v1/clock/advance", body: body}, want: 401},
		{name: "nonce changed", req: rawSigned{sendURL: advance, body: body, sendRnd: "Xa15Fp11U"}, want: 401},
		{name: "secret key changed", req: rawSigned{sendURL: advance, body: body, secretKey: testSecretKey + "x"}, want: 401},
		{name: "api key in signature changed", req: rawSigned{sendURL: advance, body: body, apiKey: testAPIKey + "x"}, want: 401},
		{name: "auth version 1", req: rawSigned{sendURL: advance, body: body, version: "1"}, want: 200},
		{name: "auth version v1", req: rawSigned{sendURL: advance, body: body, version: "v1"}, want: 200},
		{name: "auth version 2", req: rawSigned{sendURL: advance, body: body, version: "2"}, want: 401},
		{name: "raw URL form (Go client)", req: rawSigned{method: "GET", sendURL: testBase + rawQuery}, want: 200},
		{name: "decoded URL form", req: rawSigned{method: "GET", sendURL: testBase + rawQuery,
			signURL: testBase + "/_mock/v1/payments?conversationId=Zeytinyağı+Üretim"}, want: 200},
		{name: "form-decoded URL form", req: rawSigned{method: "GET", sendURL: testBase + rawQuery,
			signURL: testBase + "/_mock/v1/payments?conversationId=Zeytinyağı Üretim"}, want: 200},
		{name: "strict: raw form rejected", strict: true, req: rawSigned{method: "GET", sendURL: testBase + rawQuery}, want: 401},
		{name: "strict: decoded form accepted", strict: true, req: rawSigned{method: "GET", sendURL: testBase + rawQuery,
			signURL: testBase + "/_mock/v1/payments?conversationId=Zeytinyağı+Üretim"}, want: 200},
		{name: "strict: raw form equal to decoded", strict: true, req: rawSigned{sendURL: advance, body: body}, want: 200},
		{name: "X-Forwarded-Proto https honoured behind a trusted proxy", trust: true, req: rawSigned{sendURL: advance,
			signURL: "https://mock.test/_mock/v1/clock/advance", body: body, forwardedProto: "https"}, want: 200},
		{name: "X-Forwarded-Proto ignored without a trusted proxy", req: rawSigned{sendURL: advance,
			signURL: "https://mock.test/_mock/v1/clock/advance", body: body, forwardedProto: "https"}, want: 401},
		{name: "https signature without X-Forwarded-Proto", trust: true, req: rawSigned{sendURL: advance,
			signURL: "https://mock.test/_mock/v1/clock/advance", body: body}, want: 401},
		{name: "http signature behind a trusted https proxy", trust: true, req: rawSigned{sendURL: advance, body: body, forwardedProto: "https"}, want: 401},
		{name: "http signature with an untrusted X-Forwarded-Proto", req: rawSigned{sendURL: advance, body: body, forwardedProto: "https"}, want: 200},
		{name: "TLS connection signs https", req: rawSigned{sendURL: "https://mock.test/_mock/v1/clock/advance", body: body}, want: 200},
		{name: "Java trailing ? kept", req: rawSigned{method: "GET", sendURL: testBase + "/_mock/v1/clock?"}, want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t, func(c *Config) { c.StrictSignature, c.TrustProxy = tt.strict, tt.trust })
			w := serve(m, tt.req.request())
			if tt.want == 200 {
				if w.Code != 200 {
					t.Fatalf("status %d: %s", w.Code, w.Body.String())
				}
				return
			}
			e := errorBody(t, w, tt.want)
			if e.ErrorCode != CodeInvalidSignature && e.ErrorCode != CodeInvalidAuthVersion {
				t.Errorf("code %s", e.ErrorCode)
			}
			if e.ErrorCode == CodeInvalidSignature && e.ErrorDescription != "Signature is not equal!" {
				t.Errorf("description %q", e.ErrorDescription)
			}
			if e.ErrorGroup != "" {
				t.Errorf("errorGroup %q on an auth error", e.ErrorGroup)
			}
		})
	}
}

func TestAuthHeaders(t *testing.T) {
	m := newTestMock(t)
	tests := []struct {
		name   string
		mutate func(http.Header)
		code   string
	}{
		{"missing x-api-key", func(h http.Header) { h.Del("X-Api-Key") }, CodeMissingAuthHeader},
		{"missing x-rnd-key", func(h http.Header) { h.Del("X-Rnd-Key") }, CodeMissingAuthHeader},
		{"missing x-auth-version", func(h http.Header) { h.Del("X-Auth-Version") }, CodeMissingAuthHeader},
		{"missing x-signature", func(h http.Header) { h.Del("X-Signature") }, CodeMissingAuthHeader},
		{"empty x-signature", func(h http.Header) { h.Set("X-Signature", "") }, CodeMissingAuthHeader},
		{"unknown api key", func(h http.Header) { h.Set("X-Api-Key", "someone-else") }, CodeUnknownAPIKey},
		{"garbage signature", func(h http.Header) { h.Set("X-Signature", "not base64 at all") }, CodeInvalidSignature},
		{"auth version V2", func(h http.Header) { h.Set("X-Auth-Version", "V2") }, CodeInvalidAuthVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRequest(http.MethodGet, testBase+"/_mock/v1/clock", nil)
			tt.mutate(r.Header)
			e := errorBody(t, serve(m, r), http.StatusUnauthorized)
			if e.ErrorCode != tt.code {
				t.Errorf("code %s, want %s (%s)", e.ErrorCode, tt.code, e.ErrorDescription)
			}
		})
	}
	// Every route requires the signature, admin and payment routes alike.
	for _, path := range []string{"/payment/v1/card-payments/1", "/payment/v1/refunds/1", "/payment/v1/refund-transactions/1",
		"/_mock/v1/clock", "/_mock/v1/payments?conversationId=x"} {
		r := httptest.NewRequest(http.MethodGet, testBase+path, nil)
		errorBody(t, serve(m, r), http.StatusUnauthorized)
	}
	for _, path := range []string{"/payment/v1/card-payments", "/payment/v1/refunds", "/payment/v1/refund-transactions", "/_mock/v1/clock/advance"} {
		r := httptest.NewRequest(http.MethodPost, testBase+path, bytes.NewReader([]byte(`{}`)))
		r.Header.Set("Content-Type", "application/json")
		errorBody(t, serve(m, r), http.StatusUnauthorized)
	}
}
