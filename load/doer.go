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
	return string(appendOperationName(make([]byte, 0, len(method)+1+len(path)), method, path))
}

// appendOperationName appends OperationName(method, path) to b.
func appendOperationName(b []byte, method, path string) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	rest := strings.TrimPrefix(path, "/")
	for i := 0; ; i++ {
		seg, tail, more := strings.Cut(rest, "/")
		b = append(b, '/')
		if i > 0 && isIDSegment(seg) {
			b = append(b, "{id}"...)
		} else {
			b = append(b, seg...)
		}
		if !more {
			break
		}
		rest = tail
	}
	return b
}

// maxOpNames bounds a VU's cache of operation names.
const maxOpNames = 256

// opName is OperationName through the VU's cache: the names are few (one
// per route), so each is made once per VU, not once per request. The
// caller holds v.mu.
func (v *vu) opName(method, path string) string {
	v.opBuf = appendOperationName(v.opBuf[:0], method, path)
	if name, ok := v.ops[string(v.opBuf)]; ok {
		return name
	}
	name := string(v.opBuf)
	if v.ops == nil {
		v.ops = map[string]string{}
	}
	if len(v.ops) < maxOpNames {
		v.ops[name] = name
	}
	return name
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

// Traffic kinds (the traffic tag).
const (
	TrafficProvider = "provider"
	TrafficMock     = "mock"
	TrafficMerchant = "merchant"
)

// recordingDoer records every request of a VU: http_reqs,
// http_req_duration and http_req_failed tagged by operation, status,
// expected response, scenario and traffic kind, and the provider's error
// answers by error group.
type recordingDoer struct {
	inner craftgate.Doer
	v     *vu
}

var statusText [600]string

func init() {
	for i := range statusText {
		statusText[i] = strconv.Itoa(i)
	}
}

func (d *recordingDoer) Do(r *http.Request) (*http.Response, error) {
	t0 := time.Now()
	resp, err := d.inner.Do(r)
	tags := Tags{Scenario: d.v.s.name, Traffic: trafficOf(r, d.v.s.eng.merchant), Status: "0", ExpectedResponse: "false"}
	group := ""
	if err != nil {
		group = "TRANSPORT_ERROR"
	} else {
		if resp.StatusCode >= 0 && resp.StatusCode < len(statusText) {
			tags.Status = statusText[resp.StatusCode]
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 400 {
			tags.ExpectedResponse = "true"
		}
		if resp.StatusCode >= 400 && tags.Traffic == TrafficProvider {
			// Read the (small) error body to count its group, then hand
			// the caller an identical body. The timing includes the body,
			// as k6's http_req_duration does.
			b, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			group = errorGroupOf(resp.StatusCode, b)
			resp.Body = io.NopCloser(bytes.NewReader(b))
			if rerr != nil {
				err, resp = rerr, nil
			}
		}
	}
	dur := time.Since(t0)
	failed := 1.0
	if tags.ExpectedResponse == "true" {
		failed = 0
	}
	d.v.mu.Lock()
	tags.Op = d.v.opName(r.Method, r.URL.Path)
	buf := append(*d.v.buf,
		Sample{Metric: mHTTPReqs, Time: t0, Value: 1, Tags: tags},
		Sample{Metric: mHTTPReqDuration, Time: t0, Value: float64(dur) / 1e6, Tags: tags},
		Sample{Metric: mHTTPReqFailed, Time: t0, Value: failed, Tags: tags})
	if group != "" {
		buf = append(buf, Sample{Metric: mErrorAnswers, Time: t0, Value: 1, Tags: Tags{Scenario: d.v.s.name, Group: group}})
	}
	*d.v.buf = buf
	d.v.mu.Unlock()
	return resp, err
}

// trafficOf classifies a request: to the merchant receiver, to the mock's
// own pages and admin routes (/_mock/...), or to the provider's API.
func trafficOf(r *http.Request, merchantHost string) string {
	switch {
	case merchantHost != "" && r.URL.Host == merchantHost:
		return TrafficMerchant
	case strings.HasPrefix(r.URL.Path, "/_mock/"):
		return TrafficMock
	}
	return TrafficProvider
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
