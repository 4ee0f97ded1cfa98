package conform_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
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
// Answers that are files (the report downloads) are recognised by their
// Content-Type and judged as what they are: a CSV that parses, an XLSX
// that opens as a workbook; never decoded as JSON.

// exchange is one API answer the suite saw.
type exchange struct {
	op          string
	status      int
	contentType string
	body        []byte
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
		r.seen = append(r.seen, exchange{op: op, status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body})
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
	// Files are the operations whose success answers a file, not JSON:
	// the media types each may answer (its errors are JSON envelopes).
	Files map[string][]string `json:"files"`
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
		if _, ok := s.Types[typ]; typ != "" && typ != "object" && !ok {
			t.Fatalf("wire-schema.json: operation %s answers unknown type %s", op, typ)
		}
		if _, ok := s.Files[op]; ok {
			t.Fatalf("wire-schema.json: operation %s is both JSON and a file", op)
		}
	}
	for op, types := range s.Files {
		for _, mt := range types {
			if fileJudges[mt] == nil {
				t.Fatalf("wire-schema.json: file operation %s answers %s, which the judge cannot read", op, mt)
			}
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
	var unseen []string
	for op := range s.Operations {
		if ops[op] == 0 {
			unseen = append(unseen, op)
		}
	}
	for op := range s.Files {
		if ops[op] == 0 {
			unseen = append(unseen, op)
		}
	}
	sort.Strings(unseen)
	t.Logf("wire judge: %d operations of the schema never answered in this run:\n  %s", len(unseen), strings.Join(unseen, "\n  "))
}

// fileJudges read a file answer by its media type; each returns why the
// body is not such a file.
var fileJudges = map[string]func(body []byte) error{
	"text/csv": func(body []byte) error {
		r := csv.NewReader(bytes.NewReader(body))
		recs, err := r.ReadAll() // also refuses rows of uneven length
		if err != nil {
			return fmt.Errorf("not a CSV: %w", err)
		}
		if len(recs) == 0 || len(recs[0]) == 0 {
			return fmt.Errorf("a CSV without a header row")
		}
		return nil
	},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": func(body []byte) error {
		z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return fmt.Errorf("not an XLSX (OOXML zip): %w", err)
		}
		for _, want := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
			found := false
			for _, f := range z.File {
				found = found || f.Name == want
			}
			if !found {
				return fmt.Errorf("an XLSX without %s", want)
			}
		}
		return nil
	},
}

// proxyFault says whether status is one an injected fault answers like a
// proxy would, with any body.
func proxyFault(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// judge checks one answer: a file where the schema says the operation
// answers one, else the JSON envelope {"data": ...} or {"errors": ...}
// and nothing else, then its content.
func (s *wireSchema) judge(x exchange, errs *[]string) {
	if len(bytes.TrimSpace(x.body)) == 0 {
		if x.status >= 300 {
			*errs = append(*errs, fmt.Sprintf("HTTP %d without an error envelope", x.status))
		}
		return
	}
	mt, _, err := mime.ParseMediaType(x.contentType)
	if err != nil || mt != "application/json" {
		if proxyFault(x.status) {
			return // injected faults may answer anything a proxy would
		}
		s.judgeFile(x, mt, errs)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(x.body))
	dec.UseNumber()
	var env map[string]any
	if err := dec.Decode(&env); err != nil {
		if proxyFault(x.status) {
			return
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
			if _, file := s.Files[x.op]; file {
				*errs = append(*errs, "JSON data where the operation answers a file")
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

// judgeFile checks an answer that is not JSON: it must be a success of a
// file operation, of a media type the schema lists for it, and read as
// that type.
func (s *wireSchema) judgeFile(x exchange, mt string, errs *[]string) {
	types, file := s.Files[x.op]
	switch {
	case !file:
		*errs = append(*errs, fmt.Sprintf("HTTP %d answered Content-Type %q where the operation answers JSON", x.status, x.contentType))
		return
	case x.status != http.StatusOK:
		*errs = append(*errs, fmt.Sprintf("HTTP %d answered Content-Type %q: errors are JSON envelopes", x.status, x.contentType))
		return
	}
	for _, want := range types {
		if mt == want {
			if err := fileJudges[mt](x.body); err != nil {
				*errs = append(*errs, fmt.Sprintf("%s answer of %d bytes: %v", mt, len(x.body), err))
			}
			return
		}
	}
	*errs = append(*errs, fmt.Sprintf("Content-Type %q is none of the file types %v", x.contentType, types))
}

// TestWireJudgeRefusesDrift shows the judge fails what it must: a field
// the schema does not know, a value of the wrong type, a date-time in
// another form, a value outside an enum, an unknown operation, a member
// outside the envelope, and answers that are not JSON where JSON is due
// or are not the file they claim to be.
func TestWireJudgeRefusesDrift(t *testing.T) {
	s := loadWireSchema(t)
	const (
		payment = "GET /payment/v1/card-payments/{id}"
		daily   = "GET /file-reporting/v1/transaction-reports"
		ctJSON  = "application/json"
		ctCSV   = "text/csv; charset=utf-8"
		ctXLSX  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	)
	for name, x := range map[string]exchange{
		"unknown field":      {op: payment, status: 200, contentType: ctJSON, body: []byte(`{"data":{"id":1,"surprise":true}}`)},
		"id as a string":     {op: payment, status: 200, contentType: ctJSON, body: []byte(`{"data":{"id":"1"}}`)},
		"price as a string":  {op: payment, status: 200, contentType: ctJSON, body: []byte(`{"data":{"price":"10.5"}}`)},
		"date-time with a Z": {op: payment, status: 200, contentType: ctJSON, body: []byte(`{"data":{"createdDate":"2026-03-10T12:00:00Z"}}`)},
		"status off the enum": {op: payment, status: 200, contentType: ctJSON,
			body: []byte(`{"data":{"paymentTransactions":[{"transactionStatus":"WAITING"}]}}`)},
		"unknown operation":           {op: "GET /nowhere", status: 200, contentType: ctJSON, body: []byte(`{"data":{}}`)},
		"extra member":                {op: "POST /fraud/v1/value-lists", status: 200, contentType: ctJSON, body: []byte(`{"data":null,"meta":1}`)},
		"error code number":           {op: "POST /payment/v1/card-payments", status: 400, contentType: ctJSON, body: []byte(`{"errors":{"errorCode":2001}}`)},
		"JSON without a Content-Type": {op: payment, status: 200, body: []byte(`{"data":{"id":1}}`)},
		"CSV where JSON is due":       {op: payment, status: 200, contentType: ctCSV, body: []byte("id,price\r\n1,10.5\r\n")},
		"JSON data for a file":        {op: daily, status: 200, contentType: ctJSON, body: []byte(`{"data":{}}`)},
		"a file type not listed":      {op: daily, status: 200, contentType: "application/pdf", body: []byte("%PDF-1.7")},
		"CSV of uneven rows":          {op: daily, status: 200, contentType: ctCSV, body: []byte("id,price\r\n1\r\n")},
		"XLSX that is no zip":         {op: daily, status: 200, contentType: ctXLSX, body: []byte("id,price\r\n1,10.5\r\n")},
		"XLSX without a workbook":     {op: daily, status: 200, contentType: ctXLSX, body: zipOf(t, "[Content_Types].xml")},
		"an error as CSV":             {op: daily, status: 400, contentType: ctCSV, body: []byte("errorCode\r\n10\r\n")},
	} {
		var errs []string
		s.judge(x, &errs)
		if len(errs) == 0 {
			t.Errorf("%s: accepted %q", name, x.body)
		}
	}
	for name, x := range map[string]exchange{
		"a payment": {op: payment, status: 200, contentType: "application/json; charset=utf-8",
			body: []byte(`{"data":{"id":1,"price":10.5,"createdDate":"2026-03-10T12:00:00","paymentTransactions":[{"transactionStatus":"APPROVED"}]}}`)},
		"a CSV report":   {op: daily, status: 200, contentType: ctCSV, body: []byte("id,price\r\n1,10.5\r\n")},
		"an XLSX report": {op: daily, status: 200, contentType: ctXLSX, body: zipOf(t, "[Content_Types].xml", "xl/workbook.xml")},
		"a file operation's error": {op: daily, status: 400, contentType: ctJSON,
			body: []byte(`{"errors":{"errorCode":"10","errorDescription":"fileType required","errorGroup":"VALIDATION_ERROR"}}`)},
		"a proxy's fault page": {op: payment, status: 502, contentType: "text/html", body: []byte("<html>Bad Gateway</html>")},
	} {
		var errs []string
		s.judge(x, &errs)
		if len(errs) != 0 {
			t.Errorf("%s refused: %v", name, errs)
		}
	}
}

// zipOf is a zip archive holding the named (empty) files.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		if _, err := w.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWireSchemaCoversEveryOperation: every API operation of the mock's
// route table (not its pages or admin routes) has an answer in the
// schema, a JSON type or a file, so the judge has a verdict for whatever
// the suite calls.
func TestWireSchemaCoversEveryOperation(t *testing.T) {
	s := loadWireSchema(t)
	name := mock.OperationNamer()
	api := map[string]bool{}
	for _, op := range mock.Operations() {
		method, pattern, _ := strings.Cut(op, " ")
		segs := strings.Split(pattern, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				segs[i] = "12345"
			}
		}
		got, harness, ok := name(method, strings.Join(segs, "/"))
		if !ok || got != op {
			t.Errorf("%s: the sample path is named %q (ok %v)", op, got, ok)
			continue
		}
		if harness {
			continue
		}
		api[op] = true
		_, isJSON := s.Operations[op]
		_, isFile := s.Files[op]
		if !isJSON && !isFile {
			t.Errorf("%s: the schema names no answer for it", op)
		}
	}
	for op := range s.Operations {
		if !api[op] {
			t.Errorf("%s: in the schema, not an API operation of the mock", op)
		}
	}
	for op := range s.Files {
		if !api[op] {
			t.Errorf("%s: a file in the schema, not an API operation of the mock", op)
		}
	}
}

// TestWireOperationsTheSuiteSkips calls, on a fresh mock, operations of the
// back office and the vault that no scenario calls, and judges their
// answers like the suite's: each must succeed at least once (the demanded
// report downloads as CSV and as XLSX), so the judge sees real answers and
// not only error envelopes.
func TestWireOperationsTheSuiteSkips(t *testing.T) {
	s := loadWireSchema(t)
	target := startMock(t)
	rec := newRecorder(target.Doer)
	c, err := craftgate.New(craftgate.WithBaseURL(target.BaseURL), craftgate.WithAPIKey(target.APIKey),
		craftgate.WithSecretKey(target.SecretKey), craftgate.WithDoer(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const from, to = "2026-03-01T00:00:00", "2026-03-10T00:00:00"
	period := url.Values{"startDate": {from}, "endDate": {to}, "page": {"0"}, "size": {"10"}}
	acct, err := c.CreatePayoutAccount(ctx, &craftgate.CreatePayoutAccountRequest{Type: "WISE", ExternalAccountID: "wise-1",
		Currency: craftgate.CurrencyTRY, AccountOwner: "MERCHANT"})
	if err != nil {
		t.Fatalf("create payout account: %v", err)
	}
	demand, err := c.DemandReport(ctx, &craftgate.ReportDemandRequest{StartDate: from, EndDate: to, ReportType: "TRANSACTION", ReportPeriod: "INSTANT"})
	if err != nil {
		t.Fatalf("demand a report: %v", err)
	}
	calls := map[string]func() error{
		"search payout accounts": func() error {
			_, err := c.SearchPayoutAccounts(ctx, url.Values{"page": {"0"}, "size": {"10"}})
			return err
		},
		"update payout account": func() error {
			return c.UpdatePayoutAccount(ctx, acct.ID, &craftgate.UpdatePayoutAccountRequest{Type: "WISE", ExternalAccountID: "wise-2"})
		},
		"download CSV":      func() error { _, err := c.DownloadReport(ctx, demand.ID, craftgate.FileTypeCSV); return err },
		"download XLSX":     func() error { _, err := c.DownloadReport(ctx, demand.ID, craftgate.FileTypeXLSX); return err },
		"bounced payouts":   func() error { _, err := c.SearchBouncedPayouts(ctx, period); return err },
		"completed payouts": func() error { _, err := c.SearchPayoutCompletedTransactions(ctx, period); return err },
		"bank records": func() error {
			_, err := c.SearchBankAccountRecords(ctx, url.Values{"page": {"0"}, "size": {"10"}})
			return err
		},
		"withdraws": func() error { _, err := c.SearchWithdraws(ctx, url.Values{"page": {"0"}, "size": {"10"}}); return err },
		"masterpass user": func() error {
			_, err := c.CheckMasterpassUser(ctx, &craftgate.CheckMasterpassUserRequest{MasterpassGsmNumber: "905551111111"})
			return err
		},
		"payment token": func() error { _, err := c.CreatePaymentToken(ctx, "opaque-value", "APPLE_PAY"); return err },
	}
	for name, call := range calls {
		if err := call(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	paymentCalls(ctx, t, c)
	if err := c.DeletePayoutAccount(ctx, acct.ID); err != nil {
		t.Errorf("delete payout account: %v", err)
	}
	seen := rec.exchanges()
	judgeWire(t, s, seen)
	ok := map[string]bool{}
	for _, x := range seen {
		ok[x.op] = ok[x.op] || x.status == http.StatusOK
	}
	for _, op := range []string{"POST /settlement/v1/payout-accounts", "GET /settlement/v1/payout-accounts",
		"PUT /settlement/v1/payout-accounts/{id}", "DELETE /settlement/v1/payout-accounts/{id}",
		"POST /file-reporting/v1/report-demands", "GET /file-reporting/v1/reports/{id}",
		"GET /settlement-reporting/v1/settlement-file/bounced-sub-merchant-rows",
		"GET /settlement-reporting/v2/settlement-file/payout-completed-transactions",
		"GET /bank-account-tracking/v1/merchant-bank-account-trackings/records", "GET /wallet/v1/withdraws",
		"POST /payment/v1/masterpass-payments/check-user", "POST /payment/v1/payment-tokens",
		"GET /payment-reporting/v1/payments/{id}/transactions", "GET /payment-reporting/v1/payments/{id}/refunds",
		"GET /payment-reporting/v1/payments/{paymentId}/transactions/{txId}/refunds",
		"POST /payment/v1/refund-transactions/mark-as-refunded", "POST /payment/v1/refunds/mark-as-refunded",
		"POST /payment/v1/cards/clone", "POST /payment/v1/card-payments/deposit-to-card",
		"POST /payment/v1/apple-pay/merchant-sessions"} {
		if !ok[op] {
			t.Errorf("%s: no successful answer to judge", op)
		}
	}
}

// paymentCalls pays twice with a stored card and calls what follows a
// payment: the reporting views of its transactions and refunds, refunds
// marked as made elsewhere, a clone of the card, a deposit to the card and
// an Apple Pay session.
func paymentCalls(ctx context.Context, t *testing.T, c *craftgate.Client) {
	t.Helper()
	card := craftgate.TestCards().Successful()[0]
	pay := func(store bool, k *craftgate.Card) *craftgate.Payment {
		if k == nil {
			k = &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: card.Number, ExpireYear: "2044", ExpireMonth: "07",
				CVC: "000", StoreCardAfterSuccessPayment: store}
		}
		p, err := c.CreatePayment(ctx, &craftgate.CreatePaymentRequest{Price: craftgate.MustAmount("100"), PaidPrice: craftgate.MustAmount("100"),
			WalletPrice: craftgate.MustAmount("0"), Installment: 1, Currency: craftgate.CurrencyTRY, PaymentGroup: "PRODUCT", Card: k,
			Items: []craftgate.PaymentItem{{Name: "a", Price: craftgate.MustAmount("60")}, {Name: "b", Price: craftgate.MustAmount("40")}}})
		if err != nil {
			t.Fatalf("pay: %v", err)
		}
		return p
	}
	p := pay(true, nil)
	if p.CardUserKey == "" || len(p.PaymentTransactions) != 2 {
		t.Fatalf("the payment stored no card or has %d transactions", len(p.PaymentTransactions))
	}
	tx := p.PaymentTransactions[0].ID
	for name, call := range map[string]func() error{
		"mark a transaction refunded": func() error {
			_, err := c.MarkTransactionAsRefunded(ctx, &craftgate.MarkTransactionAsRefundedRequest{PaymentTransactionID: tx, RefundPrice: craftgate.MustAmount("10")})
			return err
		},
		"mark a payment refunded": func() error {
			_, err := c.MarkAsRefunded(ctx, &craftgate.MarkAsRefundedRequest{PaymentID: pay(false, nil).ID})
			return err
		},
		"reporting transactions": func() error { _, err := c.RetrieveReportingTransactions(ctx, p.ID); return err },
		"reporting refunds":      func() error { _, err := c.RetrieveReportingPaymentRefunds(ctx, p.ID); return err },
		"reporting tx refunds":   func() error { _, err := c.RetrieveReportingTransactionRefunds(ctx, p.ID, tx); return err },
		"clone the card": func() error {
			_, err := c.CloneStoredCard(ctx, &craftgate.CloneStoredCardRequest{SourceCardUserKey: p.CardUserKey, SourceCardToken: p.CardToken, TargetMerchantID: 2})
			return err
		},
		"deposit to the card": func() error {
			_, err := c.CreateDepositToCard(ctx, &craftgate.DepositToCardRequest{Price: craftgate.MustAmount("5"), Currency: craftgate.CurrencyTRY,
				Card: &craftgate.Card{CardUserKey: p.CardUserKey, CardToken: p.CardToken}})
			return err
		},
		"an Apple Pay session": func() error {
			_, err := c.CreateApplePayMerchantSession(ctx, &craftgate.ApplePayMerchantSessionRequest{MerchantIdentifier: "merchant.io.gatecheck",
				DisplayName: "Gatecheck", Initiative: "web", InitiativeContext: "shop.example", ValidationURL: "https://apple-pay-gateway.apple.com/paymentservices/startSession"})
			return err
		},
	} {
		if err := call(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
