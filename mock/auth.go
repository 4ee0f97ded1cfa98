package mock

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// header returns the first value of a header by its canonical name. Servers
// (net/http, HTTP/2) and Header.Set store keys canonicalised, so a direct
// map lookup does, without canonicalising again on the hot path; only a
// request built by assigning a lower-case key straight into the map would
// not be found.
func header(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// authenticate checks the four authentication headers and the signature of
// the request (docs/reference/craftgate/auth-and-envelope.md sections 2 and 3). body is the raw body
// exactly as received; it is never re-serialised.
func (m *Mock) authenticate(r *http.Request, body []byte) *apiError {
	h := r.Header
	apiKey := header(h, "X-Api-Key")
	rnd := header(h, "X-Rnd-Key")
	version := header(h, "X-Auth-Version")
	sig := header(h, "X-Signature")
	switch {
	case apiKey == "":
		return errUnauthorized(CodeMissingAuthHeader, "x-api-key header is required")
	case rnd == "":
		return errUnauthorized(CodeMissingAuthHeader, "x-rnd-key header is required")
	case version == "":
		return errUnauthorized(CodeMissingAuthHeader, "x-auth-version header is required")
	case sig == "":
		return errUnauthorized(CodeMissingAuthHeader, "x-signature header is required")
	}
	// Clients send 1 (Go, Node), v1 (Java, PHP, .NET, Python) or V1 (docs).
	if version != "1" && version != "v1" && version != "V1" {
		return errUnauthorized(CodeInvalidAuthVersion, "x-auth-version must be 1, v1 or V1")
	}
	if subtle.ConstantTimeCompare([]byte(apiKey), m.apiKey) != 1 {
		return errUnauthorized(CodeUnknownAPIKey, "x-api-key is not a known API key")
	}
	if !craftgate.VerifySignature(sig, signedURL(r, m.cfg.TrustProxy), m.cfg.APIKey, m.cfg.SecretKey, rnd, body, m.cfg.StrictSignature) {
		return errUnauthorized(CodeInvalidSignature, descSignature)
	}
	return nil
}

// signedURL rebuilds the URL the client signed: scheme://Host followed by
// the request-target exactly as received (RequestURI keeps the original
// percent-encoding, and any trailing '?' or '&' that Java clients send).
// The scheme is X-Forwarded-Proto when trustProxy (Config.TrustProxy: the
// mock runs behind a proxy that sets it) and a proxy set it, else https for
// TLS connections, else http. Without trustProxy the header is ignored: any
// client could send it.
func signedURL(r *http.Request, trustProxy bool) string {
	scheme := "http"
	if p := header(r.Header, "X-Forwarded-Proto"); trustProxy && p != "" {
		if i := strings.IndexByte(p, ','); i >= 0 {
			p = p[:i] // the first proxy's view
		}
		scheme = strings.ToLower(strings.TrimSpace(p))
	} else if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	return scheme + "://" + host + requestTarget(r)
}

// requestTarget returns the origin-form request-target. Requests built by
// httptest.NewRequest (and proxies' absolute-form requests) carry
// "http://host/path" in RequestURI; hand-built requests have none.
func requestTarget(r *http.Request) string {
	t := r.RequestURI
	if t == "" {
		return r.URL.RequestURI()
	}
	if t[0] != '/' {
		if i := strings.Index(t, "://"); i >= 0 {
			rest := t[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				return rest[j:]
			}
			return "/"
		}
	}
	return t
}
