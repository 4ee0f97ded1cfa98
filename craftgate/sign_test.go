package craftgate

import (
	"net/url"
	"strings"
	"testing"
)

// decodeAs applies the decoding a vector names before hashing.
func decodeAs(t *testing.T, raw, decoding string) string {
	t.Helper()
	switch decoding {
	case "none":
		return raw
	case "pct":
		d, err := url.PathUnescape(raw)
		if err != nil {
			t.Fatal(err)
		}
		return d
	case "plus":
		d, err := url.QueryUnescape(raw)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	t.Fatalf("unknown decoding %q", decoding)
	return ""
}

func TestSignatureVectors(t *testing.T) {
	if len(requestVectors) != 18 {
		t.Fatalf("want the 18 request vectors of vectors.md, have %d", len(requestVectors))
	}
	for _, v := range requestVectors {
		t.Run(v.name, func(t *testing.T) {
			got := Signature(decodeAs(t, v.url, v.decoding), v.apiKey, v.secretKey, v.rnd, v.body)
			if got != v.want {
				t.Fatalf("Signature = %s, want %s", got, v.want)
			}
		})
	}
}

// TestVerifySignatureVectors: a lenient server accepts every official
// client's form of every vector; a strict one only the percent-decoded form.
func TestVerifySignatureVectors(t *testing.T) {
	for _, v := range requestVectors {
		t.Run(v.name, func(t *testing.T) {
			if !VerifySignature(v.want, v.url, v.apiKey, v.secretKey, v.rnd, v.body, false) {
				t.Fatal("lenient verification rejected a vector")
			}
			strictOK := VerifySignature(v.want, v.url, v.apiKey, v.secretKey, v.rnd, v.body, true)
			wantStrict := decodeAs(t, v.url, v.decoding) == SignableURL(v.url)
			if strictOK != wantStrict {
				t.Fatalf("strict verification = %v, want %v", strictOK, wantStrict)
			}
		})
	}
}

func TestVerifySignatureRejectsTampering(t *testing.T) {
	const u = "http://127.0.0.1:8080/payment/v1/card-payments"
	body := []byte(`{"price":10}`)
	good := Signature(u, "k", "s", "r1", body)
	cases := []struct {
		name               string
		sig, url, key, sec string
		rnd                string
		body               []byte
	}{
		{"body", good, u, "k", "s", "r1", []byte(`{"price":11}`)},
		{"url", good, u + "x", "k", "s", "r1", body},
		{"nonce", good, u, "k", "s", "r2", body},
		{"api key", good, u, "k2", "s", "r1", body},
		{"secret key", good, u, "k", "s2", "r1", body},
		{"empty signature", "", u, "k", "s", "r1", body},
		{"truncated signature", good[:10], u, "k", "s", "r1", body},
	}
	if !VerifySignature(good, u, "k", "s", "r1", body, true) {
		t.Fatal("the untampered request must verify")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if VerifySignature(c.sig, c.url, c.key, c.sec, c.rnd, c.body, false) {
				t.Fatal("tampered request verified")
			}
		})
	}
}

func TestEncodeQueryNeverUsesPlus(t *testing.T) {
	q := url.Values{"name": {"Zeytinyağı Üretim"}, "a": {"1+1"}}
	got := encodeQuery(q)
	if strings.Contains(got, "+") {
		t.Fatalf("query %q contains '+'", got)
	}
	if want := "a=1%2B1&name=Zeytinya%C4%9F%C4%B1%20%C3%9Cretim"; got != want {
		t.Fatalf("encodeQuery = %q, want %q", got, want)
	}
	if d := SignableURL("http://h/p?" + got); d != "http://h/p?a=1+1&name=Zeytinyağı Üretim" {
		t.Fatalf("SignableURL = %q", d)
	}
}

func BenchmarkSignature(b *testing.B) {
	v := requestVectors[2] // R3: a realistic create-payment body
	b.ReportAllocs()
	b.SetBytes(int64(len(v.body)))
	for b.Loop() {
		Signature(v.url, v.apiKey, v.secretKey, v.rnd, v.body)
	}
}

func BenchmarkVerifySignatureLenient(b *testing.B) {
	v := requestVectors[2]
	b.ReportAllocs()
	for b.Loop() {
		VerifySignature(v.want, v.url, v.apiKey, v.secretKey, v.rnd, v.body, false)
	}
}
