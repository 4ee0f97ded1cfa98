package conform_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/mock"
)

// This file is an independent judge of the mock's wire format: every API
// answer the conformance suite receives is decoded with a strict decoder
// built from testdata/wire-schema.json, a schema kept as data and written
// from the reference's field tables (developer.craftgate.io) and the
// official Go client's model types, not from gatecheck's own types. A
// field the schema does not know, or a value of the wrong JSON type, fails
// the test; so does an operation the schema has no answer type for.

// exchange is one API answer the suite saw.
type exchange struct {
	op     string
	status int
	body   []byte
}

// recorder is a craftgate.Doer that keeps every API answer (not the mock's
// pages and admin routes) with its operation's name.
type recorder struct {
	inner craftgate.Doer
	name  func(method, path string) (string, bool, bool)
	mu    sync.Mutex
	seen  []exchange
}

func newRecorder(inner craftgate.Doer) *recorder {
	return &recorder{inner: inner, name: mock.OperationNamer()}
}

// maxRecorded bounds what the recorder keeps.
const maxRecorded = 200_000

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.inner.Do(req)
	if err != nil || resp == nil {
		return resp, err
	}
	op, harness, ok := r.name(req.Method, req.URL.Path)
	if harness || !ok {
		return resp, nil
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // the client sees the same truncated body
	}
	r.mu.Lock()
	if len(r.seen) < maxRecorded {
		r.seen = append(r.seen, exchange{op: op, status: resp.StatusCode, body: body})
	}
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.seen...)
}

// wireSchema is testdata/wire-schema.json.
type wireSchema struct {
	// Types are named object types: field name -> type expression.
	Types map[string]map[string]string `json:"types"`
	// Operations name the type of each operation's data ("" for an empty
	// answer).
	Operations map[string]string `json:"operations"`
	// Error is the type of the errors object of the envelope.
	Error string `json:"error"`
	// MockExtensions are the fields ("Type.field") the mock answers
	// beyond the reference and the clients, each with its reason (README,
	// "Mock extensions").
	MockExtensions map[string]string `json:"mockExtensions"`
	// Sources says where the schema comes from.
	Sources string `json:"sources"`
}

func loadWireSchema(t *testing.T) *wireSchema {
	t.Helper()
	b, err := os.ReadFile("testdata/wire-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s wireSchema
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("wire-schema.json: %v", err)
	}
	for ext := range s.MockExtensions {
		typ, field, _ := strings.Cut(ext, ".")
		if _, ok := s.Types[typ][field]; !ok {
			t.Fatalf("wire-schema.json: mock extension %s is not a field of the schema", ext)
		}
	}
	for op, typ := range s.Operations {
		if _, ok := s.Types[typ]; typ != "" && !ok {
			t.Fatalf("wire-schema.json: operation %s answers unknown type %s", op, typ)
		}
	}
	return &s
}

// dateTime is Craftgate's date-time: yyyy-MM-ddTHH:mm:ss, optionally with
// fractional seconds, without a zone.
var dateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$`)

// check validates v against the type expression typ at path; it appends
// each problem to errs.
func (s *wireSchema) check(path, typ string, v any, errs *[]string) {
	if v == nil {
		return // every field of the clients' responses is nullable
	}
	bad := func(want string) {
		*errs = append(*errs, fmt.Sprintf("%s: want %s, got %s", path, want, truncateJSON(v)))
	}
	switch {
	case typ == "any":
	case typ == "string":
		if _, ok := v.(string); !ok {
			bad("string")
		}
	case typ == "datetime":
		if s, ok := v.(string); !ok || !dateTime.MatchString(s) {
			bad("date-time yyyy-MM-ddTHH:mm:ss")
		}
	case strings.HasPrefix(typ, "enum:"):
		str, ok := v.(string)
		if !ok || !enumHas(typ[len("enum:"):], str) {
			bad(typ)
		}
	case typ == "integer":
		if f, ok := v.(json.Number); !ok || strings.ContainsAny(string(f), ".eE") {
			bad("integer")
		}
	case typ == "number":
		if _, ok := v.(json.Number); !ok {
			bad("number")
		}
	case typ == "boolean":
		if _, ok := v.(bool); !ok {
			bad("boolean")
		}
	case typ == "object":
		if _, ok := v.(map[string]any); !ok {
			bad("object")
		}
	case strings.HasPrefix(typ, "[]"):
		arr, ok := v.([]any)
		if !ok {
			bad("array")
			return
		}
		for i, e := range arr {
			s.check(fmt.Sprintf("%s[%d]", path, i), typ[2:], e, errs)
		}
	default:
		fields, ok := s.Types[typ]
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: schema has no type %q", path, typ))
			return
		}
		obj, ok := v.(map[string]any)
		if !ok {
			bad("object " + typ)
			return
		}
		for k, fv := range obj {
			ft, known := fields[k]
			if !known {
				*errs = append(*errs, fmt.Sprintf("%s.%s: field unknown to %s", path, k, typ))
				continue
			}
			s.check(path+"."+k, ft, fv, errs)
		}
	}
}

func enumHas(list, v string) bool {
	for _, e := range strings.Split(list, "|") {
		if e == v {
			return true
		}
	}
	return false
}

func truncateJSON(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

// judgeWire decodes every recorded answer against the schema and fails
// the test on the first problems of each operation.
func judgeWire(t *testing.T, s *wireSchema, seen []exchange) {
	t.Helper()
	if len(seen) == 0 {
		t.Fatal("the suite made no API call")
	}
	problems := map[string][]string{}
	ops := map[string]int{}
	for _, x := range seen {
		ops[x.op]++
		var errs []string
		s.judge(x, &errs)
		if len(errs) > 0 && len(problems[x.op]) < 5 {
			problems[x.op] = append(problems[x.op], errs...)
		}
	}
	names := make([]string, 0, len(problems))
	for op := range problems {
		names = append(names, op)
	}
	sort.Strings(names)
	for _, op := range names {
		t.Errorf("%s:\n  %s", op, strings.Join(problems[op], "\n  "))
	}
	t.Logf("wire judge: %d answers of %d operations decoded strictly", len(seen), len(ops))
}

// judge checks one answer: the envelope {"data": ...} or {"errors": ...}
// and nothing else, then its content.
func (s *wireSchema) judge(x exchange, errs *[]string) {
	if len(bytes.TrimSpace(x.body)) == 0 {
		if x.status >= 300 {
			*errs = append(*errs, fmt.Sprintf("HTTP %d without an error envelope", x.status))
		}
		return
	}
	dec := json.NewDecoder(bytes.NewReader(x.body))
	dec.UseNumber()
	var env map[string]any
	if err := dec.Decode(&env); err != nil {
		if x.status == http.StatusBadGateway || x.status == http.StatusServiceUnavailable || x.status == http.StatusGatewayTimeout {
			return // injected faults may answer anything a proxy would
		}
		*errs = append(*errs, fmt.Sprintf("HTTP %d: not JSON: %v", x.status, err))
		return
	}
	for k, v := range env {
		switch k {
		case "data":
			if x.status >= 300 {
				*errs = append(*errs, fmt.Sprintf("HTTP %d with data", x.status))
				continue
			}
			typ, ok := s.Operations[x.op]
			if !ok {
				*errs = append(*errs, "the schema names no answer type for this operation")
				continue
			}
			if typ == "" {
				*errs = append(*errs, "data in an answer the schema says is empty")
				continue
			}
			s.check("data", typ, v, errs)
		case "errors":
			s.check("errors", s.Error, v, errs)
		default:
			*errs = append(*errs, "envelope member "+k+" is neither data nor errors")
		}
	}
}

// TestWireJudgeRefusesDrift shows the judge fails what it must: a field
// the schema does not know, a value of the wrong type, a date-time in
// another form, a value outside an enum, an unknown operation and a
// member outside the envelope.
func TestWireJudgeRefusesDrift(t *testing.T) {
	s := loadWireSchema(t)
	for name, x := range map[string]exchange{
		"unknown field":      {op: "GET /payment/v1/card-payments/{id}", status: 200, body: []byte(`{"data":{"id":1,"surprise":true}}`)},
		"id as a string":     {op: "GET /payment/v1/card-payments/{id}", status: 200, body: []byte(`{"data":{"id":"1"}}`)},
		"price as a string":  {op: "GET /payment/v1/card-payments/{id}", status: 200, body: []byte(`{"data":{"price":"10.5"}}`)},
		"date-time with a Z": {op: "GET /payment/v1/card-payments/{id}", status: 200, body: []byte(`{"data":{"createdDate":"2026-03-10T12:00:00Z"}}`)},
		"status off the enum": {op: "GET /payment/v1/card-payments/{id}", status: 200,
			body: []byte(`{"data":{"paymentTransactions":[{"transactionStatus":"WAITING"}]}}`)},
		"unknown operation": {op: "GET /nowhere", status: 200, body: []byte(`{"data":{}}`)},
		"extra member":      {op: "POST /fraud/v1/value-lists", status: 200, body: []byte(`{"data":null,"meta":1}`)},
		"error code number": {op: "POST /payment/v1/card-payments", status: 400, body: []byte(`{"errors":{"errorCode":2001}}`)},
	} {
		var errs []string
		s.judge(x, &errs)
		if len(errs) == 0 {
			t.Errorf("%s: accepted %s", name, x.body)
		}
	}
	var errs []string
	s.judge(exchange{op: "GET /payment/v1/card-payments/{id}", status: 200,
		body: []byte(`{"data":{"id":1,"price":10.5,"createdDate":"2026-03-10T12:00:00","paymentTransactions":[{"transactionStatus":"APPROVED"}]}}`)}, &errs)
	if len(errs) != 0 {
		t.Errorf("a good answer refused: %v", errs)
	}
}
