package craftgate

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
)

// Signature computes Craftgate's x-signature header:
//
//	base64( SHA-256( url + apiKey + secretKey + rnd + body ) )
//
// url is used exactly as given: callers decide whether it is the raw or the
// percent-decoded form (see SignableURL). body is hashed byte for byte as it
// is sent; it is empty for requests without a body. The digest is the raw
// 32 bytes, encoded with standard base64 and padding (docs/reference/craftgate/auth-and-envelope.md
// section 3, vectors R1-R18).
func Signature(url, apiKey, secretKey, rnd string, body []byte) string {
	// One contiguous buffer (on the stack for typical requests) and the
	// one-shot Sum256 are measurably cheaper than streaming into a
	// hash.Hash on this hot path (mock and k6 sign every request).
	n := len(url) + len(apiKey) + len(secretKey) + len(rnd) + len(body)
	var stack [1024]byte
	buf := stack[:0]
	if n > len(stack) {
		buf = make([]byte, 0, n)
	}
	buf = append(buf, url...)
	buf = append(buf, apiKey...)
	buf = append(buf, secretKey...)
	buf = append(buf, rnd...)
	buf = append(buf, body...)
	sum := sha256.Sum256(buf)
	var out [44]byte // base64 of 32 bytes
	base64.StdEncoding.Encode(out[:], sum[:])
	return string(out[:])
}

// SignableURL returns the form of a request URL that five of the six official
// clients hash: the full URL after percent-decoding, with '+' kept as '+'.
// If raw is not valid percent-encoding it is returned unchanged.
func SignableURL(raw string) string {
	if strings.IndexByte(raw, '%') < 0 {
		return raw
	}
	d, err := url.PathUnescape(raw)
	if err != nil {
		return raw
	}
	return d
}

// signatureForms lists the URL forms a lenient server accepts for one raw
// request URL, most likely first: percent-decoded with '+' kept
// (Node, .NET, and gatecheck's own client), raw (the Go client), and
// form-decoded with '+' as space (Java, PHP, Python).
func signatureForms(raw string) []string {
	forms := make([]string, 0, 3)
	forms = append(forms, SignableURL(raw))
	if forms[0] != raw {
		forms = append(forms, raw)
	}
	if strings.IndexByte(raw, '+') >= 0 {
		if d, err := url.QueryUnescape(raw); err == nil && d != forms[0] {
			forms = append(forms, d)
		}
	}
	return forms
}

// VerifySignature reports whether got is a valid x-signature for a request to
// rawURL (scheme://host + request-target exactly as received) with the given
// keys, nonce and raw body. Like the sandbox as far as it is documented, it
// accepts the percent-decoded URL, the raw URL (what the official Go client
// signs) and the form-decoded URL; strict limits it to the decoded form.
// Comparison is constant-time.
func VerifySignature(got, rawURL, apiKey, secretKey, rnd string, body []byte, strict bool) bool {
	if got == "" {
		return false
	}
	forms := []string{SignableURL(rawURL)}
	if !strict {
		forms = signatureForms(rawURL)
	}
	ok := 0
	for _, u := range forms {
		ok |= subtle.ConstantTimeCompare([]byte(got), []byte(Signature(u, apiKey, secretKey, rnd, body)))
	}
	return ok == 1
}

// encodeQuery encodes q with keys sorted and spaces as %20, never '+', so the
// decoded URL that is signed is unambiguous for every server decoding rule
// (docs/reference/craftgate/auth-and-envelope.md section 3.2, recommendation 4).
func encodeQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	// url.Values.Encode escapes a literal '+' as %2B, so every remaining '+'
	// is an encoded space.
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}
