package load

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// OperationName names a request by method and path template, with ids and
// tokens replaced by {id}, so metrics have bounded cardinality and never
// carry raw URLs: "POST /payment/v1/card-payments",
// "GET /payment/v1/card-payments/{id}".
func OperationName(method, path string) string {
	var b strings.Builder
	b.Grow(len(method) + 1 + len(path))
	b.WriteString(method)
	b.WriteByte(' ')
	for i, seg := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		b.WriteByte('/')
		if i > 0 && isIDSegment(seg) {
			b.WriteString("{id}")
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}

// isIDSegment reports whether a path segment is an identifier: all
// digits, or a long token of hex digits and dashes (UUIDs, checkout tokens).
func isIDSegment(s string) bool {
	if s == "" {
		return false
	}
	digits := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			digits = false
			break
		}
	}
	if digits {
		return true
	}
	if len(s) < 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}

// vuStats is what one VU records; merged at the end, so the hot path takes
// no lock.
type vuStats struct {
	ops    map[string]*Histogram
	groups map[string]int
	reqs   int
	errs   int
}

func newVUStats() *vuStats {
	return &vuStats{ops: map[string]*Histogram{}, groups: map[string]int{}}
}

// recordingDoer times every request per operation and counts error
// groups from the provider's error envelope.
type recordingDoer struct {
	inner craftgate.Doer
	st    *vuStats
	tl    *timeline
}

func (d *recordingDoer) Do(r *http.Request) (*http.Response, error) {
	name := OperationName(r.Method, r.URL.Path)
	t0 := time.Now()
	resp, err := d.inner.Do(r)
	h := d.st.ops[name]
	if h == nil {
		h = &Histogram{}
		d.st.ops[name] = h
	}
	d.st.reqs++
	d.tl.request(t0)
	if err != nil {
		h.Record(time.Since(t0))
		d.st.errs++
		d.st.groups["TRANSPORT_ERROR"]++
		return nil, err
	}
	if resp.StatusCode >= 400 {
		// Read the (small) error body to count its group, then hand the
		// caller an identical body. The timing includes the body, as
		// k6's http_req_duration does.
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		h.Record(time.Since(t0))
		d.st.groups[errorGroupOf(resp.StatusCode, b)]++
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if rerr != nil {
			return nil, rerr
		}
		return resp, nil
	}
	h.Record(time.Since(t0))
	return resp, nil
}

// errorGroupOf names an error answer: its errorGroup, or
// "VALIDATION" for codes without one, or "HTTP_<status>" when the body is
// not the envelope.
func errorGroupOf(status int, body []byte) string {
	var env craftgate.ErrorEnvelope
	if json.Unmarshal(body, &env) != nil || env.Errors.ErrorCode == "" {
		return "HTTP_" + strconv.Itoa(status)
	}
	if env.Errors.ErrorGroup != "" {
		return env.Errors.ErrorGroup
	}
	return "VALIDATION"
}
