package rbsmock_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// TestRegisterErrorCodes is register.do's errorCode table
// (docs/reference/alfabank/rbs-gateway.md §5).
func TestRegisterErrorCodes(t *testing.T) {
	h := newHarness(t)
	dup := h.registerReq(1000)
	if _, err := h.bank.Register(context.Background(), dup); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(url.Values)
		code int
	}{
		{"duplicate order number", func(v url.Values) { v.Set("orderNumber", dup.OrderNumber) }, 1},
		{"order number over 36 characters", func(v url.Values) { v.Set("orderNumber", strings.Repeat("x", 37)) }, 1},
		{"unknown currency", func(v url.Values) { v.Set("currency", "999") }, 3},
		{"forbidden currency", func(v url.Values) { v.Set("currency", "398") }, 3},
		{"letter currency", func(v url.Values) { v.Set("currency", "RUB") }, 3},
		{"missing order number", func(v url.Values) { v.Del("orderNumber") }, 4},
		{"missing amount", func(v url.Values) { v.Del("amount") }, 4},
		{"missing return URL", func(v url.Values) { v.Del("returnUrl") }, 4},
		{"relative return URL", func(v url.Values) { v.Set("returnUrl", "/thanks") }, 4},
		{"dotted return URL", func(v url.Values) { v.Set("returnUrl", "../x") }, 4},
		{"relative fail URL", func(v url.Values) { v.Set("failUrl", "fail") }, 4},
		{"missing password", func(v url.Values) { v.Del("password") }, 4},
		{"wrong password", func(v url.Values) { v.Set("password", "nope") }, 5},
		{"wrong user", func(v url.Values) { v.Set("userName", "nope") }, 5},
		{"password and token", func(v url.Values) { v.Set("token", "merchant-token") }, 5},
		{"amount with decimals", func(v url.Values) { v.Set("amount", "10.50") }, 5},
		{"negative amount", func(v url.Values) { v.Set("amount", "-1") }, 5},
		{"zero amount", func(v url.Values) { v.Set("amount", "0") }, 5},
		{"13-digit amount", func(v url.Values) { v.Set("amount", "1000000000000") }, 5},
		{"wrong language", func(v url.Values) { v.Set("language", "xx") }, 5},
		{"bad jsonParams", func(v url.Values) { v.Set("jsonParams", "{not json") }, 5},
		{"bad session timeout", func(v url.Values) { v.Set("sessionTimeoutSecs", "0") }, 5},
		{"past expiration date", func(v url.Values) { v.Set("expirationDate", "2020-01-01T00:00:00") }, 5},
		{"bad dynamic callback URL", func(v url.Values) { v.Set("dynamicCallbackUrl", "cb") }, 5},
		{"features conflict", func(v url.Values) { v["features"] = []string{"AUTO_PAYMENT", "FORCE_TDS"} }, 13},
		{"VERIFY without privilege", func(v url.Values) { v.Set("features", "VERIFY") }, 13},
		{"unknown feature", func(v url.Values) { v.Set("features", "MAGIC") }, 14},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := creds()
			v.Set("orderNumber", h.orderNumber())
			v.Set("amount", "1000")
			v.Set("returnUrl", "https://shop.test/ok")
			c.edit(v)
			status, body := h.post(rbsmock.BankPath+"/register.do", "application/x-www-form-urlencoded", v.Encode())
			var got struct {
				ErrorCode    any    `json:"errorCode"`
				ErrorMessage string `json:"errorMessage"`
				FormURL      string `json:"formUrl"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("HTTP %d %s", status, body)
			}
			if status != 200 || got.ErrorCode != strconvItoa(c.code) || got.ErrorMessage == "" || got.FormURL != "" {
				t.Errorf("HTTP %d %s, want errorCode %q (a string)", status, body, strconvItoa(c.code))
			}
		})
	}
	// A good registration with every optional field.
	v := creds()
	for k, val := range map[string]string{"orderNumber": h.orderNumber(), "amount": "1000", "currency": "978", "returnUrl": "https://shop.test/ok",
		"failUrl": "https://shop.test/fail", "jsonParams": `{"a":"b","n":1}`, "sessionTimeoutSecs": "1800", "features": "FORCE_TDS",
		"description": "Заказ №1", "language": "ru", "clientId": "c-1", "expirationDate": "2026-03-10T18:00:00"} {
		v.Set(k, val)
	}
	if status, body := h.post(rbsmock.BankPath+"/register.do", "", v.Encode()); status != 200 || strings.Contains(body, "errorCode") || !strings.Contains(body, "formUrl") {
		t.Errorf("register with every field: %d %s (the bank's success has no errorCode)", status, body)
	}
}

func strconvItoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestOperationErrorCodes covers status, deposit, reverse and refund
// errorCodes and their wire types.
func TestOperationErrorCodes(t *testing.T) {
	h := newHarness(t)
	reg := h.register(h.bank, false, 1000)
	cases := []struct {
		method string
		v      url.Values
		want   string // the errorCode as it appears in the JSON
	}{
		{"getOrderStatusExtended.do", url.Values{}, `"errorCode":"1"`},
		{"getOrderStatusExtended.do", url.Values{"orderId": {"nope"}}, `"errorCode":"6"`},
		{"getOrderStatusExtended.do", url.Values{"orderNumber": {"nope"}}, `"errorCode":"6"`},
		{"getOrderStatusExtended.do", url.Values{"orderNumber": {"T-1"}}, `"errorCode":"0"`},
		{"deposit.do", url.Values{"amount": {"0"}}, `"errorCode":5`},
		{"deposit.do", url.Values{"orderId": {"nope"}, "amount": {"0"}}, `"errorCode":6`},
		{"deposit.do", url.Values{"orderId": {reg.OrderID}}, `"errorCode":5`},
		{"deposit.do", url.Values{"orderId": {reg.OrderID}, "amount": {"0"}}, `"errorCode":7`},
		{"reverse.do", url.Values{"orderId": {"nope"}}, `"errorCode":6`},
		{"reverse.do", url.Values{"orderId": {reg.OrderID}}, `"errorCode":7`},
		{"refund.do", url.Values{"orderId": {reg.OrderID}, "amount": {"x"}}, `"errorCode":5`},
		{"refund.do", url.Values{"orderId": {reg.OrderID}, "amount": {"100"}}, `"errorCode":7`},
		{"decline.do", url.Values{"orderId": {reg.OrderID}, "orderNumber": {"other"}}, `"errorCode":6`},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.v.Encode(), func(t *testing.T) {
			v := creds()
			for k, vs := range c.v {
				v[k] = vs
			}
			status, body := h.post(rbsmock.BankPath+"/"+c.method, "application/x-www-form-urlencoded", v.Encode())
			if status != 200 || !strings.Contains(body, c.want) {
				t.Errorf("HTTP %d %s, want %s", status, body, c.want)
			}
		})
	}
	// Without credentials, every operation is access denied (5).
	for _, m := range []string{"deposit.do", "reverse.do", "refund.do", "getOrderStatusExtended.do"} {
		if _, body := h.post(rbsmock.BankPath+"/"+m, "", "orderId="+reg.OrderID+"&amount=0"); !strings.Contains(body, "5") || !strings.Contains(body, "Access denied") {
			t.Errorf("%s without credentials: %s", m, body)
		}
	}
	// Token auth works; the router quotes operation codes.
	tok, err := rbs.New(rbs.WithBaseURL(h.srv.URL+rbsmock.BankPath), rbs.WithToken("merchant-token"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.OrderStatus(context.Background(), &rbs.StatusRequest{OrderID: reg.OrderID}); err != nil {
		t.Errorf("token: %v", err)
	}
	if _, body := h.post(rbsmock.RouterPath+"/deposit.do", "application/json", `{"userName":"`+testUser+`","password":"`+testPass+`","orderId":"`+reg.OrderID+`","amount":0}`); !strings.Contains(body, `"errorCode":"7"`) {
		t.Errorf("router deposit: %s", body)
	}
}

// TestMalformedInput: every malformed request gets the gateway's error
// shape, with an HTTP status for transport-level problems.
func TestMalformedInput(t *testing.T) {
	h := newHarness(t)
	auth := `"userName":"` + testUser + `","password":"` + testPass + `"`
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		want                            string
	}{
		{"bad JSON", "POST", "/v1/register.do", "application/json", `{"orderNumber":`, 400, `"errorCode":"5"`},
		{"JSON array", "POST", "/v1/register.do", "application/json", `[1,2]`, 400, `"errorCode":"5"`},
		{"two objects", "POST", "/v1/register.do", "application/json", `{} {}`, 400, `"errorCode":"5"`},
		{"bad form", "POST", "/payment/rest/deposit.do", "application/x-www-form-urlencoded", `a=%zz`, 400, `"errorCode":5`},
		{"XML", "POST", "/payment/rest/register.do", "text/xml", `<x/>`, 415, `"errorCode":"5"`},
		{"bad content type", "POST", "/payment/rest/register.do", ";;", ``, 415, `"errorCode":"5"`},
		{"too large", "POST", "/payment/rest/register.do", "application/x-www-form-urlencoded", "a=" + strings.Repeat("x", rbsmock.DefaultMaxBodyBytes), 413, `"errorCode":"5"`},
		{"unknown method", "POST", "/payment/rest/pay.do", "", ``, 404, `"errorCode":"7"`},
		{"unknown path", "GET", "/nowhere", "", ``, 404, `"errorCode":"7"`},
		{"GET on a method without credentials", "GET", "/payment/rest/register.do", "", ``, 200, `"errorCode":"4"`},
		{"DELETE on a method", "DELETE", "/payment/rest/register.do", "", ``, 405, `"errorCode":"5"`},
		{"trailing comma (seed 002)", "POST", "/v1/getOrderStatusExtended.do", "application/json", `{` + auth + `,"orderId":"x",}`, 200, `"errorCode":"6"`},
		{"JSON to the bank path", "POST", "/payment/rest/getOrderStatusExtended.do", "application/json", `{` + auth + `,"orderId":"x"}`, 200, `"errorCode":"6"`},
		{"form to the router", "POST", "/v1/getOrderStatusExtended.do", "", "userName=" + testUser + "&password=" + testPass + "&orderId=x", 200, `"errorCode":"6"`},
		{"wrong JSON types", "POST", "/v1/register.do", "application/json", `{` + auth + `,"orderNumber":{"a":1},"amount":[1],"returnUrl":true}`, 400, `"errorCode":"5"`},
		{"page for unknown order", "GET", "/payment/merchants/gatecheck/payment_ru.html?mdOrder=nope", "", ``, 404, "Order not found"},
		{"pay with GET", "GET", "/payment/pay", "", ``, 405, "Method not allowed"},
		{"ACS without token", "POST", "/payment/acs", "application/x-www-form-urlencoded", `mdOrder=x`, 404, "Order not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, h.srv.URL+c.path, strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			resp, err := h.browser.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page := h.read(resp)
			if page.Status != c.status || !strings.Contains(string(page.Body), c.want) {
				t.Errorf("HTTP %d %.200s, want %d %s", page.Status, page.Body, c.status, c.want)
			}
		})
	}
}

// TestNeverPanics throws random bodies and parameters at every route.
func TestNeverPanics(t *testing.T) {
	h := newHarness(t)
	reg := h.register(h.bank, false, 1000)
	paths := []string{"/payment/rest/register.do", "/payment/rest/registerPreAuth.do", "/payment/rest/deposit.do", "/payment/rest/reverse.do",
		"/payment/rest/refund.do", "/payment/rest/decline.do", "/payment/rest/getOrderStatusExtended.do", "/v1/alfapay/paymentOrder.do",
		"/v1/register.do", "/payment/pay", "/payment/acs", "/alfapay/goto-alfapay", "/_mock/rbs/callbacks", "/_mock/rbs/clock/advance"}
	names := []string{"userName", "password", "token", "orderId", "orderNumber", "amount", "currency", "returnUrl", "failUrl", "features",
		"jsonParams", "allowedPaymentWays", "sessionTimeoutSecs", "expirationDate", "language", "mdOrder", "t", "pan", "month", "year",
		"cvc", "action", "card", "password", "externalRefundId", "expectedDepositedAmount", "duration"}
	values := []string{"", "0", "-1", "99999999999999999999", "1000", testUser, testPass, reg.OrderID, "https://x.test/", "[", "{}", `{"a":[1]}`,
		"pay", "alfapay", "confirm", "4111111111111111", "\x00", strings.Repeat("я", 300), "FORCE_TDS", "ALFAPAY", "2030", "12"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 600 {
		v := url.Values{}
		for range r.IntN(8) {
			v.Add(names[r.IntN(len(names))], values[r.IntN(len(values))])
		}
		path := paths[i%len(paths)]
		body, ctype := v.Encode(), "application/x-www-form-urlencoded"
		if i%3 == 0 {
			m := map[string]any{}
			for k := range v {
				m[k] = v.Get(k)
			}
			b, _ := json.Marshal(m)
			body, ctype = string(b), "application/json"
		}
		status, _ := h.post(path, ctype, body)
		if status >= 500 {
			t.Fatalf("%s %s: HTTP %d", path, body, status)
		}
	}
}
