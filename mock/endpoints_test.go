package mock

import (
	"bufio"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// knownMissing are the documented endpoints the mock does not serve yet,
// each with what is missing. The list only shrinks: an endpoint that
// starts answering must leave it (the test fails otherwise).
var knownMissing = map[string]string{}

// TestEndpointsAnswer walks the documented endpoint list
// (testdata/endpoints.txt) and sends each endpoint, signed and with sample
// path values, to the mock: none may answer 404 "no route" (1101) or 405,
// unless it is in knownMissing, and none of knownMissing may answer.
func TestEndpointsAnswer(t *testing.T) {
	f, err := os.Open("testdata/endpoints.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := newTestMock(t)
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if seen[line] {
			t.Errorf("%s: listed twice", line)
		}
		seen[line] = true
		method, path := samplePath(line)
		var body []byte
		if method == http.MethodPost || method == http.MethodPut {
			body = []byte(`{}`)
		}
		// A fresh x-rnd-key per request: a provider may refuse a reused one.
		r := signedRequest(method, testBase+path, body)
		rnd := "endpoints-" + strconv.Itoa(len(seen))
		r.Header.Set("X-Rnd-Key", rnd)
		r.Header.Set("X-Signature", craftgate.Signature(craftgate.SignableURL(testBase+path), testAPIKey, testSecretKey, rnd, body))
		w := serve(m, r)
		if w.Code == http.StatusUnauthorized {
			t.Errorf("%s: not authenticated (HTTP 401 %s): the test cannot tell whether it is routed", line, w.Body)
			continue
		}
		routed := w.Code != http.StatusMethodNotAllowed &&
			!(w.Code == http.StatusNotFound && strings.Contains(w.Body.String(), `"`+CodeRouteNotFound+`"`))
		why, missing := knownMissing[line]
		switch {
		case !routed && !missing:
			t.Errorf("%s: no route (HTTP %d %s)", line, w.Code, w.Body)
		case routed && missing:
			t.Errorf("%s answers now (HTTP %d): remove it from knownMissing (%s)", line, w.Code, why)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for k := range knownMissing {
		if !seen[k] {
			t.Errorf("knownMissing names %q, which the endpoint list does not", k)
		}
	}
}
