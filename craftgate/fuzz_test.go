package craftgate

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// Fuzz targets of the verifiers: whatever arrives, they must not panic,
// a correct signature or hash must verify, and a changed one must not.
// Seeds are the known-answer vectors (real requests and callbacks). CI
// runs each for a bounded time (.ci/run); a crash found becomes a file
// under testdata/fuzz, which `go test` then runs as a regression test.

// FuzzVerifySignature checks x-signature verification of any URL, keys,
// nonce and body.
func FuzzVerifySignature(f *testing.F) {
	for _, v := range requestVectors {
		f.Add(v.url, v.apiKey, v.secretKey, v.rnd, v.body, v.want, false)
		f.Add(v.url, v.apiKey, v.secretKey, v.rnd, v.body, v.want, true)
	}
	f.Add("http://h/%zz?a=%C4%9F+b", "k", "s", "", []byte(nil), "", false)
	f.Fuzz(func(t *testing.T, rawURL, apiKey, secretKey, rnd string, body []byte, got string, strict bool) {
		_ = VerifySignature(got, rawURL, apiKey, secretKey, rnd, body, strict)
		sig := Signature(SignableURL(rawURL), apiKey, secretKey, rnd, body)
		if !VerifySignature(sig, rawURL, apiKey, secretKey, rnd, body, strict) {
			t.Fatalf("the decoded-URL signature of %q does not verify (strict %v)", rawURL, strict)
		}
		if !strict && !VerifySignature(Signature(rawURL, apiKey, secretKey, rnd, body), rawURL, apiKey, secretKey, rnd, body, false) {
			t.Fatalf("the raw-URL signature of %q does not verify", rawURL)
		}
		tampered := append(bytes.Clone(body), 'x')
		if VerifySignature(sig, rawURL, apiKey, secretKey, rnd, tampered, strict) {
			t.Fatal("a signature verifies another body")
		}
		if VerifySignature("", rawURL, apiKey, secretKey, rnd, body, strict) {
			t.Fatal("an empty signature verifies")
		}
	})
}

// FuzzCallback checks the 3-D Secure callback hash (v1 and v2) on any
// form as the merchant's callback endpoint parses it.
func FuzzCallback(f *testing.F) {
	for _, v := range append(append([]callbackVector{}, callbackV1Vectors...), callbackV2Vectors...) {
		form := url.Values{}
		for k, vs := range v.form {
			form[k] = vs
		}
		form.Set("hash", v.want)
		f.Add(v.key, form.Encode())
	}
	f.Add("", "hashParams=a:b:&a=1&b=%ZZ&hash=")
	f.Add("k", "hashParams=:::&hash=ABC&status=SUCCESS&status=FAILURE")
	f.Fuzz(func(t *testing.T, key, rawForm string) {
		form, _ := url.ParseQuery(rawForm) // what is parsed is what a server sees
		_ = VerifyCallback(key, form)
		h := CallbackHash(key, form)
		if len(h) != 64 {
			t.Fatalf("hash %q", h)
		}
		signed := url.Values{}
		for k, vs := range form {
			signed[k] = vs
		}
		signed.Set("hash", h)
		if signed.Get("hashParams") != form.Get("hashParams") || CallbackHash(key, signed) != h {
			return // hashParams names the hash field itself: the hash depends on itself
		}
		if err := VerifyCallback(key, signed); err != nil && !errors.Is(err, ErrHashParamsIncomplete) {
			t.Fatalf("the computed hash does not verify: %v", err)
		}
		signed.Set("hash", strings.ToUpper(h))
		if err := VerifyCallback(key, signed); err != nil && !errors.Is(err, ErrHashParamsIncomplete) {
			t.Fatalf("an upper-case hash does not verify: %v", err)
		}
		last := "0"
		if h[63] == '0' {
			last = "1"
		}
		signed.Set("hash", h[:63]+last)
		if err := VerifyCallback(key, signed); err == nil || errors.Is(err, ErrHashParamsIncomplete) {
			t.Fatal("a changed hash verifies")
		}
	})
}

// FuzzVerifyWebhook checks webhook parsing and x-cg-signature-v1
// verification on any body and signature.
func FuzzVerifyWebhook(f *testing.F) {
	for _, v := range webhookVectors {
		body, _ := json.Marshal(WebhookEvent{EventType: v.eventType, EventTime: "2024-05-01T10:00:00.000000", EventTimestamp: v.ts, Status: v.status, PayloadID: v.payloadID})
		f.Add(v.key, body, v.want)
	}
	f.Add("k", []byte(`{"eventType":"API_AUTH","eventTimestamp":1e3,"payload":{"a":[1]}}`), "")
	f.Add("k", []byte(`{"eventType":"A","eventType":"B","eventTimestamp":-1}`), "x")
	f.Fuzz(func(t *testing.T, key string, body []byte, sig string) {
		e, err := VerifyWebhook(key, body, sig)
		if err == nil && (e == nil || e.Sign(key) != sig) {
			t.Fatalf("accepted a webhook whose signature is not its own: %+v", e)
		}
		var ev WebhookEvent
		if json.Unmarshal(body, &ev) != nil {
			return
		}
		good := ev.Sign(key)
		if e, err := VerifyWebhook(key, body, good); err != nil || e.PayloadID != ev.PayloadID {
			t.Fatalf("the event's own signature does not verify: %v", err)
		}
		if _, err := VerifyWebhook(key, body, good+"="); err == nil {
			t.Fatal("a changed signature verifies")
		}
	})
}
