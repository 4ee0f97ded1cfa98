package rbsmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// params are a request's parameters, whichever encoding they came in: a
// form value as sent, a JSON string as is, a JSON number as its text, a
// JSON object as its JSON text, a JSON array of scalars as several values.
type params map[string][]string

func (p params) get(name string) string {
	if v := p[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// first returns the value of the first of names that is given and not
// empty, "" if none is.
func (p params) first(names ...string) string {
	for _, n := range names {
		if v := p.get(n); v != "" {
			return v
		}
	}
	return ""
}

func (p params) has(name string) bool { return len(p[name]) > 0 }

// list returns a repeatable parameter: repeated form values, a JSON
// array, or one form value holding a JSON array or a comma-separated list.
func (p params) list(name string) []string {
	var out []string
	for _, v := range p[name] {
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "[") {
			var arr []string
			if json.Unmarshal([]byte(v), &arr) == nil {
				out = append(out, arr...)
				continue
			}
		}
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// Errors of readParams, each answered with its own HTTP status.
var (
	errTooLarge    = errors.New("request body too large")
	errContentType = errors.New("unsupported content type")
	errMalformed   = errors.New("malformed request body")
)

// readParams reads the body, bounded by limit, by its content type: a form
// (also when no type is given) or JSON. Query parameters are merged in
// below the body's (some clients send everything in the URL).
func readParams(r *http.Request, limit int64) (params, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge
	}
	p := params{}
	ct := r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return nil, errContentType
		}
	}
	switch {
	case mt == "application/json" || (mt == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))):
		if err := decodeJSONParams(body, p); err != nil {
			return nil, fmt.Errorf("%w: %w", errMalformed, err)
		}
	case mt == "" || mt == "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errMalformed, err)
		}
		for k, vs := range v {
			p[k] = vs
		}
	default:
		return nil, errContentType
	}
	for k, vs := range r.URL.Query() {
		if !p.has(k) {
			p[k] = vs
		}
	}
	return p, nil
}

// decodeJSONParams decodes a JSON object into p. Trailing commas before a
// closing brace or bracket are tolerated: the router's own Alfa Pay example
// (seed 002, step 5) has one, and a lenient mock accepts what the docs
// teach integrators to send.
func decodeJSONParams(body []byte, p params) error {
	dec := json.NewDecoder(bytes.NewReader(stripTrailingCommas(body)))
	dec.UseNumber()
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	if obj == nil {
		return errors.New("not a JSON object")
	}
	for k, raw := range obj {
		raw = bytes.TrimSpace(raw)
		if scalarParams[k] && len(raw) > 0 && (raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f') {
			return fmt.Errorf("%s: want a string or a number", k)
		}
		switch {
		case len(raw) == 0 || string(raw) == "null":
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return err
			}
			p[k] = []string{s}
		case raw[0] == '{':
			p[k] = []string{string(raw)}
		case raw[0] == '[':
			var arr []json.RawMessage
			if err := json.Unmarshal(raw, &arr); err != nil {
				return err
			}
			vals := make([]string, 0, len(arr))
			for _, e := range arr {
				var s string
				if json.Unmarshal(e, &s) == nil {
					vals = append(vals, s)
				} else {
					vals = append(vals, string(bytes.TrimSpace(e)))
				}
			}
			p[k] = vals
		default:
			p[k] = []string{string(raw)}
		}
	}
	return nil
}

// scalarParams must be a JSON string or number: an object, an array or a
// boolean there is a malformed request.
var scalarParams = map[string]bool{
	"userName": true, "password": true, "token": true, "orderNumber": true, "orderId": true, "amount": true,
	"currency": true, "returnUrl": true, "failUrl": true, "dynamicCallbackUrl": true, "language": true,
	"description": true, "clientId": true, "sessionTimeoutSecs": true, "expirationDate": true,
	"externalRefundId": true, "expectedDepositedAmount": true, "merchantLogin": true,
}

// stripTrailingCommas removes a comma that only whitespace separates from
// a closing } or ], outside strings.
func stripTrailingCommas(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
		}
		if c == ',' {
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}
