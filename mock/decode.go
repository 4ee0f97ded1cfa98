package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/internal/strictjson"
)

// errBodyTooLarge is returned by readBody when the body exceeds the limit.
var errBodyTooLarge = errors.New("mock: request body too large")

// readBody reads the whole body into buf (reusing its capacity), refusing
// more than limit bytes.
func readBody(r *http.Request, limit int64, buf []byte) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return buf[:0], nil
	}
	if r.ContentLength > limit {
		return buf[:0], errBodyTooLarge
	}
	b := buf[:0]
	if r.ContentLength > 0 && int64(cap(b)) < r.ContentLength+1 {
		b = make([]byte, 0, r.ContentLength+1) // +1 to see EOF without growing
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return b, errBodyTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, fmt.Errorf("mock: read body: %w", err)
		}
	}
}

// isJSONContentType accepts application/json with or without parameters
// (Go sends "application/json; charset=utf-8"), case-insensitively, and
// the structured-syntax suffix form application/...+json.
func isJSONContentType(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	if strings.EqualFold(ct, "application/json") {
		return true
	}
	return len(ct) > len("application/+json") &&
		strings.EqualFold(ct[:len("application/")], "application/") &&
		strings.EqualFold(ct[len(ct)-len("+json"):], "+json")
}

// maxNumberLen bounds numeric literals, and strings made only of number
// characters. Parsing a decimal is quadratic in its digits (a 1 MiB amount
// takes seconds), so absurd literals are refused before decoding; no real
// amount, id or card number comes close.
const maxNumberLen = 64

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'
}

// numberish reports whether c can be part of a JSON number or of a quoted
// amount (the bytes of U+2212, the Unicode minus shopspring accepts,
// included).
func numberish(c byte) bool {
	return isNumberByte(c) || c == 0xe2 || c == 0x88 || c == 0x92
}

// oversizedNumber reports whether body holds a JSON number, or a string
// consisting only of number characters (a quoted amount), longer than
// maxNumberLen bytes. It runs on every body, so it first probes one byte in
// every maxNumberLen+1: any run of more than maxNumberLen number-ish bytes
// covers a probe, and only then is the body tokenised (oversizedToken).
func oversizedNumber(body []byte) bool {
	for k := maxNumberLen; k < len(body); k += maxNumberLen + 1 {
		if !numberish(body[k]) {
			continue
		}
		lo, hi := k, k+1
		for lo > 0 && numberish(body[lo-1]) {
			lo--
		}
		for hi < len(body) && numberish(body[hi]) {
			hi++
		}
		if hi-lo > maxNumberLen {
			return oversizedToken(body)
		}
	}
	return false
}

// oversizedToken is oversizedNumber done properly: a linear tokenising
// pass that tolerates invalid JSON (the decoder reports syntax errors
// afterwards).
func oversizedToken(body []byte) bool {
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '"':
			j := i + 1
			numeric := true
			for j < len(body) && body[j] != '"' {
				b := body[j]
				if b == '\\' {
					numeric = false
					j += 2
					continue
				}
				if !numberish(b) {
					numeric = false
				}
				j++
			}
			if numeric && j-i-1 > maxNumberLen {
				return true
			}
			i = j + 1
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(body) && isNumberByte(body[j]) {
				j++
			}
			if j-i > maxNumberLen {
				return true
			}
			i = j
		default:
			i++
		}
	}
	return false
}

// decodeJSON decodes a request body into out (a pointer to one of the
// craftgate request models), mapping every failure to a 400 in the error
// envelope whose description names the offending field where possible.
func decodeJSON(body []byte, out any) *apiError {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	if i == len(body) {
		return errValidation(CodeMalformedJSON, "request body is empty; a JSON object is required")
	}
	if body[i] != '{' {
		return errValidation(CodeMalformedJSON, "request body must be a JSON object")
	}
	if oversizedNumber(body) {
		return errValidation(CodeMalformedJSON, "request body contains a numeric value longer than "+strconv.Itoa(maxNumberLen)+" characters")
	}
	if e := checkBody(body); e != nil {
		return e
	}
	err := json.Unmarshal(body, out)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return errValidation(CodeMalformedJSON, "malformed JSON at offset "+strconv.FormatInt(syn.Offset, 10)+": "+syn.Error())
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "request body"
		}
		return errValidation(CodeInvalidFieldType, field+": cannot use JSON "+typ.Value+" as "+jsonKind(typ.Type))
	}
	// craftgate.Amount's decoder reports no field; find it.
	if path, raw := findBadAmount(body, reflect.TypeOf(out).Elem(), ""); path != "" {
		return errValidation(CodeInvalidFieldType, path+": "+truncate(raw, 40)+" is not a valid amount")
	}
	return errValidation(CodeMalformedJSON, "invalid request body: "+truncate(err.Error(), 200))
}

// jsonKind names a Go type the way an API user thinks of it.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	if t == reflect.TypeFor[craftgate.Amount]() {
		return "amount"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "object"
	}
	return t.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// findBadAmount walks body along the struct type t (error path only) and
// returns the JSON path and raw value of the first craftgate.Amount field
// whose value the Amount decoder rejects. Field names match the way
// encoding/json matches them: json tag name, case-insensitively.
func findBadAmount(body []byte, t reflect.Type, prefix string) (path, raw string) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return "", ""
	}
	amount := reflect.TypeFor[craftgate.Amount]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			// An embedded struct's fields are flattened into the same object
			// (3ds-init embeds the create-payment request).
			if p, r := findBadAmount(body, f.Type, prefix); p != "" {
				return p, r
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		var v json.RawMessage
		for k, rv := range obj {
			if strings.EqualFold(k, name) {
				v = rv
				break
			}
		}
		if v == nil {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == amount:
			var a craftgate.Amount
			if a.UnmarshalJSON(v) != nil {
				return prefix + name, string(v)
			}
		case ft.Kind() == reflect.Struct:
			if p, r := findBadAmount(v, ft, prefix+name+"."); p != "" {
				return p, r
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			var elems []json.RawMessage
			if json.Unmarshal(v, &elems) != nil {
				continue
			}
			for j, e := range elems {
				if p, r := findBadAmount(e, ft.Elem(), prefix+name+"["+strconv.Itoa(j)+"]."); p != "" {
					return p, r
				}
			}
		}
	}
	return "", ""
}

// MaxTextBytes bounds every string value of a request body, as sent
// (escapes counted as written). Craftgate documents no length for its free
// text fields (conversationId, externalId, names, addresses, URLs...); the
// mock's choice is generous enough for any of them, a URL included, and
// keeps one stored payment's text within a known bound (with the body
// limit) so that the store's byte budget holds (store.go).
const MaxTextBytes = 2048

// checkBody refuses what encoding/json would accept silently: bytes that
// are not UTF-8 (decoded as U+FFFD and stored) and an object naming a
// member twice (the last one wins, and names match case-insensitively, so
// {"price":1,"PRICE":2} is price 2); and a string longer than MaxTextBytes.
// All are answered in the error envelope, before anything is decoded.
func checkBody(body []byte) *apiError {
	if !utf8.Valid(body) {
		return errValidation(CodeInvalidEncoding, "request body is not valid UTF-8 (first invalid byte at offset "+
			strconv.Itoa(strictjson.InvalidUTF8(body))+"); send UTF-8 JSON")
	}
	switch k, problem := strictjson.ScanLimit(body, MaxTextBytes); int(problem) {
	case int(strictjson.TooLong):
		return errValidation(CodeTextTooLong, "the JSON member "+strconv.Quote(truncate(k, 60))+" holds a string longer than "+
			strconv.Itoa(MaxTextBytes)+" bytes (the mock's limit for every text field)")
	case scanDuplicate:
		return errValidation(CodeDuplicateKey, "request body names the JSON member "+strconv.Quote(truncate(k, 60))+
			" twice in one object (names match case-insensitively); send each member once")
	case scanSurrogate:
		return errValidation(CodeInvalidEncoding, `request body holds a \u escape of a lone UTF-16 surrogate (\ud800 to \udfff without its pair), `+
			"which is not a character; send UTF-8 JSON")
	}
	return nil
}

// scanMembers is strictjson.Scan (the receiver in merchant/ refuses the
// same bodies).
func scanMembers(b []byte) (string, int) {
	k, p := strictjson.Scan(b)
	return k, int(p)
}

// Problems scanMembers finds.
const (
	scanOK        = int(strictjson.OK)
	scanDuplicate = int(strictjson.Duplicate)
	scanSurrogate = int(strictjson.Surrogate)
)
