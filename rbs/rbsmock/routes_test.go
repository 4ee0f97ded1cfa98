package rbsmock

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestRouteTableRowsArePlain checks every row: an operation name, at
// least one path, paths under the API prefixes, no path twice.
func TestRouteTableRowsArePlain(t *testing.T) {
	if _, err := routeIndex(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	ops := map[string]bool{}
	for _, r := range routes {
		if r.op == "" || r.fn == nil {
			t.Errorf("row %+v: needs an operation and a handler", r.op)
		}
		if ops[r.op] {
			t.Errorf("operation %s has two rows", r.op)
		}
		ops[r.op] = true
		paths := append([]string{}, r.bank...)
		if r.router != "" {
			paths = append(paths, r.router)
		}
		if len(paths) == 0 {
			t.Errorf("%s: no path", r.op)
		}
		for _, p := range paths {
			if prev, dup := seen[p]; dup {
				t.Errorf("path %s serves %s and %s", p, prev, r.op)
			}
			seen[p] = r.op
			if !isAPIPath(p) {
				t.Errorf("%s: path %s is outside the API prefixes", r.op, p)
			}
		}
		if r.router != "" && !strings.HasPrefix(r.router, RouterPath+"/") {
			t.Errorf("%s: router path %s is not under %s", r.op, r.router, RouterPath)
		}
	}
}

// TestEachPathRoutesToItsOperation resolves every path of the table and
// checks it lands on its own row, in its own API variant.
func TestEachPathRoutesToItsOperation(t *testing.T) {
	for _, r := range routes {
		for _, p := range r.bank {
			ref, ok := lookupRoute(p)
			if !ok || ref.op != r.op || ref.router {
				t.Errorf("%s routes to %q (router %v), want %s on the bank API", p, ref.op, ref.router, r.op)
			}
		}
		if r.router != "" {
			ref, ok := lookupRoute(r.router)
			if !ok || ref.op != r.op || !ref.router {
				t.Errorf("%s routes to %q (router %v), want %s on the router API", r.router, ref.op, ref.router, r.op)
			}
		}
	}
	for _, p := range []string{"/payment/rest/nope.do", "/v1/getBindings.do", "/payment/rest/", "/payment/rest/register.do/x"} {
		if ref, ok := lookupRoute(p); ok {
			t.Errorf("%s routes to %s, want no route", p, ref.op)
		}
	}
}

// TestDocumentedMethodsAreServed walks testdata/methods.txt, the list of
// documented gateway methods, and fails on any the mock lacks.
func TestDocumentedMethodsAreServed(t *testing.T) {
	f, err := os.Open("testdata/methods.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		router := strings.HasPrefix(line, "router ")
		path := strings.TrimSpace(strings.TrimPrefix(line, "router "))
		ref, ok := lookupRoute(path)
		switch {
		case !ok:
			t.Errorf("documented method %s: the mock does not serve it", path)
		case ref.router != router:
			t.Errorf("documented method %s: served as router=%v, want %v", path, ref.router, router)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("only %d documented methods read", n)
	}
}

// TestShapeCodes retypes errorCode, ErrorCode and actionCode at any depth.
func TestShapeCodes(t *testing.T) {
	body := func() map[string]any {
		return map[string]any{"errorCode": 0, "actionCode": "-100", "orderStatus": map[string]any{"ErrorCode": "2"},
			"refunds": []map[string]any{{"actionCode": "0"}}, "amount": 100, "other": "7"}
	}
	b := body()
	shapeCodes(b, CodesString)
	if b["errorCode"] != "0" || b["actionCode"] != "-100" || b["orderStatus"].(map[string]any)["ErrorCode"] != "2" ||
		b["refunds"].([]map[string]any)[0]["actionCode"] != "0" || b["amount"] != 100 {
		t.Errorf("string mode: %v", b)
	}
	b = body()
	shapeCodes(b, CodesNumber)
	if b["errorCode"] != 0 || b["actionCode"] != -100 || b["orderStatus"].(map[string]any)["ErrorCode"] != 2 ||
		b["refunds"].([]map[string]any)[0]["actionCode"] != 0 || b["other"] != "7" {
		t.Errorf("number mode: %v", b)
	}
	for _, s := range []string{"", "documented", "NUMBER", "string"} {
		if _, err := ParseJSONCodes(s); err != nil {
			t.Errorf("ParseJSONCodes(%q): %v", s, err)
		}
	}
	if _, err := ParseJSONCodes("bool"); err == nil {
		t.Error("ParseJSONCodes(bool): want an error")
	}
}

// TestEveryRouteSurvivesJunk sends random parameters, by GET and POST,
// form and JSON, to every path of the table: the mock answers each with
// its error envelope and never a 5xx.
func TestEveryRouteSurvivesJunk(t *testing.T) {
	m, err := New(Config{UserName: "u", Password: "p", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	names := []string{"userName", "password", "orderId", "mdOrder", "MDORDER", "orderNumber", "amount", "bindingId", "clientId",
		"pan", "$PAN", "cvc", "paRes", "threeDSServerTransId", "qrId", "size", "from", "to", "transactionStates", "params",
		"paymentToken", "merchant", "orderBundle", "newExpiry", "expiryDate", "cardholderName", "uuid", "backUrl", "returnUrl"}
	values := []string{"", "u", "p", "0", "-1", "1000", "[", "{}", `{"cartItems":{"items":[{}]}}`, "4111111111111111", "eyJ9",
		"20260101000000", "DEPOSITED", "203012", "https://x.test/", strings.Repeat("я", 100), "\x00"}
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	for i := range routes {
		r := &routes[i]
		paths := append(append([]string{}, r.bank...), r.router)
		for _, p := range paths {
			if p == "" {
				continue
			}
			for k := range 12 {
				q := url.Values{"userName": {"u"}, "password": {"p"}}
				for range next(6) {
					q.Set(names[next(len(names))], values[next(len(values))])
				}
				var req *http.Request
				switch k % 3 {
				case 0:
					req = httptest.NewRequest(http.MethodGet, p+"?"+q.Encode(), nil)
				case 1:
					req = httptest.NewRequest(http.MethodPost, p, strings.NewReader(q.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				default:
					obj := map[string]string{}
					for k := range q {
						obj[k] = q.Get(k)
					}
					b, _ := json.Marshal(obj)
					req = httptest.NewRequest(http.MethodPost, p, strings.NewReader(string(b)))
					req.Header.Set("Content-Type", "application/json")
				}
				w := httptest.NewRecorder()
				m.ServeHTTP(w, req)
				if w.Code >= 500 || w.Code == http.StatusMethodNotAllowed || !json.Valid(w.Body.Bytes()) {
					t.Fatalf("%s %s: HTTP %d %s", req.Method, req.URL, w.Code, w.Body)
				}
			}
		}
	}
}
