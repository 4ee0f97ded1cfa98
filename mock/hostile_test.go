package mock

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestHostileBattery sends hostile requests to a mock behind a real HTTP
// server configured like `gatecheck mock` (MaxHeaderBytes 64 KiB) and
// checks that each is refused with a clear answer, that nothing was
// stored (the store's counts before and after), and that the mock still
// takes a payment.
//
// Decisions it pins down: a body that is not UTF-8, or holds an escaped
// lone surrogate, is refused (CodeInvalidEncoding) rather than stored with
// U+FFFD; a member named twice in one object, case-insensitively, is
// refused (CodeDuplicateKey) rather than silently taking the last value as
// encoding/json would; NaN and Infinity are not JSON; amounts may be
// quoted ("100.50", as Craftgate's Java backend accepts), integers may not.
// Headers beyond MaxHeaderBytes are refused by net/http itself, before the
// mock sees the request: HTTP 431 with net/http's plain-text body, which
// is the one answer here not in the error envelope.
func TestHostileBattery(t *testing.T) {
	m := newTestMock(t)
	srv := httptest.NewUnstartedServer(m)
	srv.Config.MaxHeaderBytes = 64 << 10
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	defer srv.Close()

	good := string(mustJSON(t, paymentRequest(successCard)))
	with := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("the good body has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	deep := func(open, close string, n int) string {
		return `{"items":` + strings.Repeat(open, n) + strings.Repeat(close, n) + `}`
	}
	const cardPath, refundPath, txRefundPath = "/payment/v1/card-payments", "/payment/v1/refunds", "/payment/v1/refund-transactions"
	tests := []struct {
		name   string
		path   string
		body   string
		header int // bytes of an extra header
		status int
		code   string // "" for the 431
		desc   string // the description mentions it
	}{
		{name: "headers beyond MaxHeaderBytes", body: good, header: 100 << 10, status: http.StatusRequestHeaderFieldsTooLarge},
		{name: "headers just under the limit", body: `{"price":-1}`, header: 60 << 10, status: 400, code: CodeInvalidAmount, desc: "price"},
		{name: "10,000 nested arrays", body: deep("[", "]", 10_000), status: 400, code: CodeMalformedJSON, desc: "depth"},
		{name: "5,000 nested arrays", body: deep("[", "]", 5_000), status: 400, code: CodeInvalidFieldType, desc: "items"},
		{name: "100,000 nested arrays", body: deep("[", "]", 100_000), status: 400, code: CodeMalformedJSON, desc: "depth"},
		{name: "10,000 nested objects", body: deep(`{"a":`, "}", 10_000), status: 400, code: CodeMalformedJSON, desc: "depth"},
		{name: "100,000 nested objects", body: deep(`{"a":`, "}", 100_000), status: 400, code: CodeMalformedJSON, desc: "depth"},
		{name: "invalid UTF-8 in conversationId", body: with(`"conversationId":"456d`, "\"conversationId\":\"\xff\xfe456d"), status: 400, code: CodeInvalidEncoding, desc: "UTF-8"},
		{name: "invalid UTF-8 in holder name", body: with(`Haluk`, "Hal\xc3\x28uk"), status: 400, code: CodeInvalidEncoding, desc: "offset"},
		{name: "overlong UTF-8", body: with(`Haluk`, "Hal\xc0\xafuk"), status: 400, code: CodeInvalidEncoding, desc: "UTF-8"},
		{name: "UTF-8 surrogate bytes", body: with(`Haluk`, "Hal\xed\xa0\x80uk"), status: 400, code: CodeInvalidEncoding, desc: "UTF-8"},
		{name: "escaped lone surrogate", body: with(`Haluk`, `Hal\ud800uk`), status: 400, code: CodeInvalidEncoding, desc: "surrogate"},
		{name: "escaped lone low surrogate", body: with(`"conversationId":"`, `"conversationId":"\udc00`), status: 400, code: CodeInvalidEncoding, desc: "surrogate"},
		{name: "negative price", body: with(`"price":100`, `"price":-100`), status: 400, code: CodeInvalidAmount, desc: "price"},
		{name: "negative item price", body: with(`"price":30`, `"price":-30`), status: 400, code: CodeInvalidAmount, desc: "items[0].price"},
		{name: "overflowing price", body: with(`"price":100`, `"price":1e400`), status: 400, code: CodeInvalidAmount, desc: "price"},
		{name: "20-digit price", body: with(`"price":100`, `"price":99999999999999999999`), status: 400, code: CodeInvalidAmount, desc: "10000000000"},
		{name: "30-digit decimal", body: with(`"price":100`, `"price":1.23456789012345678901234567890`), status: 400, code: CodeInvalidAmount, desc: "8 decimal places"},
		{name: "30-digit integer", body: with(`"price":100`, `"price":123456789012345678901234567890`), status: 400, code: CodeInvalidAmount, desc: "10000000000"},
		{name: "overflowing installment", body: with(`"installment":1`, `"installment":18446744073709551617`), status: 400, code: CodeInvalidFieldType, desc: "installment"},
		{name: "duplicate price", body: with(`"paidPrice":100`, `"paidPrice":100,"price":1`), status: 400, code: CodeDuplicateKey, desc: `"price"`},
		{name: "duplicate, other case", body: with(`"paidPrice":100`, `"paidPrice":100,"PRICE":1`), status: 400, code: CodeDuplicateKey, desc: "PRICE"},
		{name: "duplicate, escaped", body: with(`"paidPrice":100`, `"paidPrice":100,"\u0070rice":1`), status: 400, code: CodeDuplicateKey, desc: "price"},
		{name: "duplicate in card", body: with(`"cvc":"000"`, `"cvc":"000","cardNumber":"4111111111111111"`), status: 400, code: CodeDuplicateKey, desc: "cardNumber"},
		{name: "duplicate in an item", body: with(`"name":"Item 1"`, `"name":"Item 1","name":"x"`), status: 400, code: CodeDuplicateKey, desc: "name"},
		{name: "NaN", body: with(`"price":100`, `"price":NaN`), status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "Infinity", body: with(`"price":100`, `"price":Infinity`), status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "-Infinity", body: with(`"price":100`, `"price":-Infinity`), status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "quoted NaN", body: with(`"price":100`, `"price":"NaN"`), status: 400, code: CodeInvalidFieldType, desc: "price"},
		{name: "quoted Infinity", body: with(`"price":100`, `"price":"Infinity"`), status: 400, code: CodeInvalidFieldType, desc: "price"},
		{name: "installment as a string", body: with(`"installment":1`, `"installment":"1"`), status: 400, code: CodeInvalidFieldType, desc: "installment"},
		{name: "installment as 1e0", body: with(`"installment":1`, `"installment":1e0`), status: 400, code: CodeInvalidFieldType, desc: "installment"},
		{name: "leading zeros", body: with(`"price":100`, `"price":0100`), status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "raw control character", body: with(`Haluk`, "Hal\x01uk"), status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "byte order mark", body: "\xef\xbb\xbf" + good, status: 400, code: CodeMalformedJSON, desc: "JSON object"},
		{name: "two objects", body: good + good, status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "body over 1 MiB", body: with(`"conversationId":"`, `"pad":"`+strings.Repeat("x", 1<<20)+`","conversationId":"`), status: 413, code: CodeBodyTooLarge, desc: "exceeds"},
		{name: "refund paymentId as a string", path: refundPath, body: `{"paymentId":"1000001"}`, status: 400, code: CodeInvalidFieldType, desc: "paymentId"},
		{name: "refund paymentId overflowing", path: refundPath, body: `{"paymentId":9223372036854775808}`, status: 400, code: CodeInvalidFieldType, desc: "paymentId"},
		{name: "refund negative paymentId", path: refundPath, body: `{"paymentId":-5}`, status: 400, code: CodeRequiredField, desc: "paymentId"},
		{name: "refund duplicate paymentId", path: refundPath, body: `{"paymentId":1,"paymentId":2}`, status: 400, code: CodeDuplicateKey, desc: "paymentId"},
		{name: "transaction refund negative", path: txRefundPath, body: `{"paymentTransactionId":1,"refundPrice":-1}`, status: 400, code: CodeInvalidAmount, desc: "refundPrice"},
		{name: "transaction refund 30 digits", path: txRefundPath, body: `{"paymentTransactionId":1,"refundPrice":0.000000000000000000000000000001}`, status: 400, code: CodeInvalidAmount, desc: "8 decimal places"},
		{name: "transaction refund NaN", path: txRefundPath, body: `{"paymentTransactionId":1,"refundPrice":NaN}`, status: 400, code: CodeMalformedJSON, desc: "malformed"},
		{name: "3ds-init duplicate callbackUrl", path: "/payment/v1/card-payments/3ds-init", body: with(`"price":100`, `"callbackUrl":"https://a.test","callbackUrl":"https://b.test","price":100`),
			status: 400, code: CodeDuplicateKey, desc: "callbackUrl"},
		{name: "settings duplicate", path: "/_mock/v1/settings", body: `{"threeDSMode":"HALF_THREEDS","threeDSMode":"FULL_THREEDS"}`, status: 400, code: CodeDuplicateKey, desc: "threeDSMode"},
		{name: "faults NaN rate", path: "/_mock/v1/faults", body: `{"rules":[{"operation":"*","fault":"error","rate":NaN}]}`, status: 400, code: CodeMalformedJSON, desc: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = cardPath
			}
			before, settings, faults := m.Stats(), m.Settings(), m.Faults()
			req := signedRequest(http.MethodPost, srv.URL+path, []byte(tt.body))
			req.RequestURI = ""
			if tt.header > 0 {
				req.Header.Set("X-Padding", strings.Repeat("h", tt.header))
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if tt.code != "" {
				e := envelope(t, resp.StatusCode, body, tt.status)
				if e.ErrorCode != tt.code || !strings.Contains(e.ErrorDescription, tt.desc) {
					t.Fatalf("answer %+v, want code %s mentioning %q", e, tt.code, tt.desc)
				}
				if bytes.Contains(body, []byte(successCard)) {
					t.Fatal("the answer echoes the card number")
				}
			}
			if after := m.Stats(); after != before {
				t.Fatalf("state changed: %+v -> %+v", before, after)
			}
			if !sameJSON(t, m.Settings(), settings) || !sameJSON(t, m.Faults(), faults) {
				t.Fatal("settings or faults changed")
			}
		})
	}
	// Quoted amounts are accepted, and the mock still takes payments.
	req := signedRequest(http.MethodPost, srv.URL+cardPath, []byte(with(`"price":100`, `"price":"100.00"`)))
	req.RequestURI = ""
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a quoted amount: %d", resp.StatusCode)
	}
	c, err := craftgate.New(craftgate.WithBaseURL(srv.URL), craftgate.WithAPIKey(testAPIKey), craftgate.WithSecretKey(testSecretKey), craftgate.WithDoer(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePayment(context.Background(), paymentRequest(successCard)); err != nil {
		t.Fatalf("after the battery: %v", err)
	}
}

func TestScanMembers(t *testing.T) {
	tests := []struct {
		body    string
		key     string
		problem int
	}{
		{`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, "", scanOK},
		{`{"a":1,"b":2,"a":3}`, "a", scanDuplicate},
		{`{"a":{"x":1,"X":2}}`, "X", scanDuplicate},
		{`{"a":"{\"a\":1,\"a\":2}"}`, "", scanOK}, // inside a string
		{`{"a\"b":1,"a\"b":2}`, `a"b`, scanDuplicate},
		{`{"\u0061":1,"a":2}`, "a", scanDuplicate},
		{`{"a":[1,{"b":1}],"b":1}`, "", scanOK},
		{`{"":1,"":2}`, "", scanDuplicate},
		{`{"s":"\ud83d\ude00"}`, "", scanOK},
		{`{"s":"\ud83d"}`, "", scanSurrogate},
		{`{"s":"\\ud800"}`, "", scanOK}, // an escaped backslash, then text
		{`{"s":"\ude00\ud83d"}`, "", scanSurrogate},
		{`{"a":1,"b":`, "", scanOK},
		{`{"a":"unterminated`, "", scanOK},
		{`]]]}}}{"a":1,"a":1`, "a", scanDuplicate},
		{strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), "", scanOK},
		{`{` + strings.Repeat(`"k":1,`, 1) + strings.Repeat(`"x":1,`, 0) + `"k":2}`, "k", scanDuplicate},
	}
	// Many distinct names in one object (beyond the filter's 64 bits).
	var many strings.Builder
	many.WriteString("{")
	for i := range 300 {
		many.WriteString(`"name` + itoa(int64(i)) + `":1,`)
	}
	tests = append(tests, struct {
		body    string
		key     string
		problem int
	}{many.String() + `"x":1}`, "", scanOK}, struct {
		body    string
		key     string
		problem int
	}{many.String() + `"NAME299":1}`, "NAME299", scanDuplicate})
	for _, tt := range tests {
		k, problem := scanMembers([]byte(tt.body))
		if problem != tt.problem || k != tt.key {
			t.Errorf("%.60s: %q %d, want %q %d", tt.body, k, problem, tt.key, tt.problem)
		}
	}
}
