package craftgate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Wire types for the fields whose JSON type differs between Craftgate's
// official clients: a value one client sends as a string and another as a
// number is read in both forms, and written as the clients' majority
// types it.

// TextID is an identifier the official clients send as a JSON string
// (for example the fraud card-fingerprint request's operationId) and older
// or hand-written clients as a number. It reads both and writes a string.
type TextID string

// UnmarshalJSON reads a JSON string or an integer.
func (t *TextID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = TextID(s)
	case string(b) == "null":
		*t = ""
	default:
		if _, err := strconv.ParseInt(string(b), 10, 64); err != nil {
			return &json.UnmarshalTypeError{Value: "value " + truncate(string(b), 40), Type: reflect.TypeFor[string]()}
		}
		*t = TextID(b)
	}
	return nil
}

// Int64 is the id as a positive integer, or false when it is not one.
func (t TextID) Int64() (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(string(t)), 10, 64)
	return n, err == nil && n > 0
}

// Params is an additionalParams object of string values. The official Go
// and Java clients type it as a map of strings; the Node samples send some
// values as numbers (Tokenflex's paymentCode: 123456) and booleans. It
// reads any scalar and keeps its text; objects and arrays (Klarna's
// nested parameters on the checkout) are kept as their JSON text.
type Params map[string]string

// UnmarshalJSON reads an object of scalars.
func (p *Params) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*p = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Params, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) > 0 && v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			out[k] = s
		case string(v) == "null":
		default:
			out[k] = string(v)
		}
	}
	*p = out
	return nil
}

// ParseDateTime reads a date-time in every form the official clients send
// it: Craftgate's own yyyy-MM-ddTHH:mm:ss (DateTimeLayout, local time in
// loc), with fractional seconds (Java's LocalDateTime), RFC 3339 with Z or
// an offset and up to nanoseconds (Go's time.Time, JavaScript's
// Date.toJSON), with a space instead of the T (PHP, Python), and a bare
// yyyy-MM-dd (midnight in loc).
func ParseDateTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999Z07:00", s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("craftgate: %q is not a date-time (want %s, RFC 3339 or yyyy-MM-dd)", truncate(s, 40), DateTimeLayout)
}
