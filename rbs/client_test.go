package rbs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fakeDoer answers every request with a fixed status and body and keeps
// the request.
type fakeDoer struct {
	status int
	body   string
	req    *http.Request
	sent   string
}

func (f *fakeDoer) Do(r *http.Request) (*http.Response, error) {
	var b []byte
	if r.Body != nil {
		b, _ = io.ReadAll(r.Body)
	}
	f.req, f.sent = r, string(b)
	return &http.Response{StatusCode: f.status, Body: io.NopCloser(strings.NewReader(f.body)), Header: http.Header{}}, nil
}

func newTestClient(t *testing.T, v Variant, d Doer, opts ...Option) *Client {
	t.Helper()
	c, err := New(append([]Option{WithBaseURL("http://gw.test/payment/rest/"), WithCredentials("merchant-api", "s3cret-pass"), WithVariant(v), WithDoer(d)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewValidates(t *testing.T) {
	for name, opts := range map[string][]Option{
		"no base URL":    {WithCredentials("u", "p")},
		"no credentials": {WithBaseURL("http://x")},
		"both":           {WithBaseURL("http://x"), WithCredentials("u", "p"), WithToken("t")},
		"no password":    {WithBaseURL("http://x"), WithCredentials("u", "")},
		"bad scheme":     {WithBaseURL("ftp://x"), WithCredentials("u", "p")},
	} {
		if _, err := New(opts...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(WithBaseURL("http://x"), WithToken("t")); err != nil {
		t.Errorf("token auth: %v", err)
	}
}

func TestClientNeverPrintsCredentials(t *testing.T) {
	c := newTestClient(t, VariantBank, &fakeDoer{})
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		if strings.Contains(s, "s3cret-pass") {
			t.Errorf("printed the password: %s", s)
		}
	}
}

func TestRegisterEncodesBothVariants(t *testing.T) {
	req := &RegisterRequest{OrderNumber: "A-1", Amount: 150050, Currency: RUB, ReturnURL: "https://shop.test/ok",
		FailURL: "https://shop.test/fail", Language: "ru", SessionTimeoutSecs: 1800, Features: []string{"FORCE_TDS"},
		JSONParams: map[string]string{"crm": "retailcrm"}, AllowedPaymentWays: []string{"CARD", "ALFAPAY"}}
	t.Run("bank form", func(t *testing.T) {
		d := &fakeDoer{status: 200, body: `{"orderId":"70906e55-7114-41d6-8332-4609dc6590f4","formUrl":"https://gw.test/p?mdOrder=x"}`}
		out, err := newTestClient(t, VariantBank, d).Register(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if out.OrderID != "70906e55-7114-41d6-8332-4609dc6590f4" {
			t.Errorf("orderId %q", out.OrderID)
		}
		if d.req.URL.String() != "http://gw.test/payment/rest/register.do" || d.req.Method != http.MethodPost {
			t.Errorf("request %s %s", d.req.Method, d.req.URL)
		}
		if ct := d.req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("content type %q", ct)
		}
		f, err := url.ParseQuery(d.sent)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"userName": "merchant-api", "password": "s3cret-pass", "orderNumber": "A-1", "amount": "150050",
			"currency": "643", "returnUrl": "https://shop.test/ok", "failUrl": "https://shop.test/fail", "sessionTimeoutSecs": "1800",
			"features": "FORCE_TDS", "jsonParams": `{"crm":"retailcrm"}`, "allowedPaymentWays": `["CARD","ALFAPAY"]`, "language": "ru"}
		for k, v := range want {
			if f.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, f.Get(k), v)
			}
		}
	})
	t.Run("router JSON", func(t *testing.T) {
		d := &fakeDoer{status: 200, body: `{"errorCode":"0","formUrl":"https://r.test/wl/payment.html?mdOrder=x","orderId":"x","orderNumber":"A-1"}`}
		out, err := newTestClient(t, VariantRouter, d).Register(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if out.OrderNumber != "A-1" {
			t.Errorf("orderNumber %q", out.OrderNumber)
		}
		if ct := d.req.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("content type %q", ct)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(d.sent), &body); err != nil {
			t.Fatalf("body %s: %v", d.sent, err)
		}
		if body["amount"] != float64(150050) || body["currency"] != "643" || body["password"] != "s3cret-pass" {
			t.Errorf("body %v", body)
		}
		if ways, _ := body["allowedPaymentWays"].([]any); len(ways) != 2 {
			t.Errorf("allowedPaymentWays %v", body["allowedPaymentWays"])
		}
		if jp, _ := body["jsonParams"].(map[string]any); jp["crm"] != "retailcrm" {
			t.Errorf("jsonParams %v", body["jsonParams"])
		}
	})
}

func TestEncodeBodyRepeatedNamesBecomeArrays(t *testing.T) {
	b, _ := EncodeBody(VariantRouter, []Param{Str("features", "A"), Int("amount", 5), Str("features", "B")})
	if string(b) != `{"features":["A","B"],"amount":5}` {
		t.Errorf("%s", b)
	}
}

func TestTokenAuth(t *testing.T) {
	d := &fakeDoer{status: 200, body: `{"errorCode":0,"errorMessage":"Success"}`}
	c, err := New(WithBaseURL("http://gw.test"), WithToken("tok-1"), WithDoer(d))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Deposit(context.Background(), &DepositRequest{OrderID: "o", Amount: 0}); err != nil {
		t.Fatal(err)
	}
	f, _ := url.ParseQuery(d.sent)
	if f.Get("token") != "tok-1" || f.Has("userName") || f.Has("password") || f.Get("amount") != "0" {
		t.Errorf("sent %v", f)
	}
}

// TestDecodeErrors: every documented errorCode shape becomes an *Error.
func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		code   int
		unexp  bool
	}{
		{"string code", 200, `{"errorCode":"1","errorMessage":"Order number is duplicated"}`, 1, false},
		{"number code", 200, `{"errorCode":7,"errorMessage":"Payment must be in a correct state"}`, 7, false},
		{"alfapay failure", 200, `{"success":false,"errorCode":"6","errorMessage":"Order not found"}`, 6, false},
		{"alfapay error object", 200, `{"success":false,"error":{"code":"5","message":"Access denied"}}`, 5, false},
		{"413 with code", 413, `{"errorCode":"5","errorMessage":"Request body too large"}`, 5, false},
		{"HTML", 502, `<html>bad gateway</html>`, 0, true},
		{"500 without code", 500, `{}`, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := DecodeResponse("x.do", c.status, []byte(c.body), nil)
			if c.unexp {
				if !errors.Is(err, ErrUnexpectedResponse) {
					t.Errorf("got %v, want ErrUnexpectedResponse", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != c.code || e.Method != "x.do" || !HasCode(err, c.code) {
				t.Errorf("got %v, want *Error code %d", err, c.code)
			}
		})
	}
	if err := DecodeResponse("deposit.do", 200, []byte(`{"errorCode":0,"errorMessage":"Success"}`), nil); err != nil {
		t.Errorf("success: %v", err)
	}
}

func TestOrderStatusBothShapes(t *testing.T) {
	bank := `{"errorCode":"0","errorMessage":"Success","orderNumber":"A-1","orderStatus":2,"actionCode":0,"amount":150050,"currency":"643",
		"attributes":[{"name":"mdOrder","value":"id-1"}],"cardAuthInfo":{"maskedPan":"411111**1111","paymentSystem":"VISA"},
		"paymentAmountInfo":{"paymentState":"DEPOSITED","approvedAmount":150050,"depositedAmount":150050,"refundedAmount":0,"totalAmount":150050}}`
	router := `{"state":"DEPOSITED","depositedAmount":150050,"orderStatusResultModel":` + bank + `}`
	for name, body := range map[string]string{"bank": bank, "router": router} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, VariantBank, &fakeDoer{status: 200, body: body})
			st, err := c.OrderStatus(context.Background(), &StatusRequest{OrderID: "id-1"})
			if err != nil {
				t.Fatal(err)
			}
			if st.Status() != StatusDeposited || st.OrderID() != "id-1" || st.MaskedPAN() != "411111**1111" || st.Amounts().DepositedAmount != 150050 {
				t.Errorf("%+v", st)
			}
			if name == "router" && st.State != "DEPOSITED" {
				t.Errorf("state %q", st.State)
			}
		})
	}
	c := newTestClient(t, VariantRouter, &fakeDoer{status: 200, body: `{"errorCode":"6","errorMessage":"Order not found"}`})
	if _, err := c.OrderStatus(context.Background(), &StatusRequest{OrderID: "nope"}); !HasCode(err, CodeUnknownOrder) {
		t.Errorf("unknown order: %v", err)
	}
}

func TestAlfaPayPaymentOrder(t *testing.T) {
	d := &fakeDoer{status: 200, body: `{"data":{"orderId":"4c47056e-5ce7-4b62-989d-940a49e769f6","redirect":"https://alfa.test/goto-alfapay/alfapay?orderId=x"},"success":true}`}
	c := newTestClient(t, VariantRouter, d)
	out, err := c.AlfaPayPaymentOrder(context.Background(), &AlfaPayRequest{OrderID: "2dc811e7-8d1c-407a-bd25-a4f41f96cc60", Language: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Redirect, "goto-alfapay") || d.req.URL.Path != "/payment/rest/alfapay/paymentOrder.do" {
		t.Errorf("%+v %s", out, d.req.URL.Path)
	}
}
