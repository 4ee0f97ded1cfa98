package steps

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The fixtures are shaped like the pages the driver visits: the
// auto-submitting page of a 3-D Secure htmlContent, the bank's page with
// two buttons, the checkout card form.
const (
	autoSubmitPage = `<!doctype html><html><head><title>Redirecting</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="https://bank.test/_mock/acs/42?t=tok">
  <input type="hidden" name="t" value="tok">
  <input type="hidden" name="paymentId" value="42">
  <noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.forms[0].submit();</script>
</body></html>`

	acsPage = `<!doctype html><html><body>
<h1>Bank verification</h1><p>Amount 100.00 TRY, card 525864******0001</p>
<form method="POST" action="/_mock/acs/42">
  <input type="hidden" name="t" value="tok">
  <label>SMS code <input type="text" name="otp" autocomplete="one-time-code"></label>
  <input type="text" name="disabled-one" value="x" disabled>
  <input type="checkbox" name="remember" checked>
  <input type="checkbox" name="unchecked" value="1">
  <input type="radio" name="channel" value="sms" checked><input type="radio" name="channel" value="app">
  <input type="button" name="cancel" value="Cancel">
  <button type="submit" name="action" value="verify">Verify</button>
  <button type="submit" name="action" value="reject">Reject</button>
  <button type="button" name="help">Help</button>
</form></body></html>`

	checkoutPage = `<html><body><form action="tok-1" method="post">
  <input name="cardHolderName">
  <input name="cardNumber" inputmode="numeric">
  <select name="expireMonth"><option value="">Month</option><option>01</option><option selected>07</option></select>
  <select name="expireYear"><option value="2044">2044</option><option value="2045">2045</option></select>
  <input name="cvc" type="password">
  <select name="installment"><option value="1">Single</option><option value="3">3 installments</option></select>
  <textarea name="note">hello</textarea>
  <input type="submit" value="Pay">
</form></body></html>`
)

func TestParseFormAutoSubmitPage(t *testing.T) {
	f, err := ParseForm(Page{Body: []byte(autoSubmitPage)})
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != http.MethodPost || f.Action.String() != "https://bank.test/_mock/acs/42?t=tok" {
		t.Errorf("method %s action %s", f.Method, f.Action)
	}
	want := []Field{{"t", "tok", "hidden"}, {"paymentId", "42", "hidden"}}
	if !reflect.DeepEqual(f.Fields, want) {
		t.Errorf("fields %+v, want %+v", f.Fields, want)
	}
	// <noscript> content is parsed as markup (scripting is off in the
	// parser): the button is there, nameless.
	if len(f.Buttons) != 1 || f.Buttons[0] != (Button{}) {
		t.Errorf("buttons %+v", f.Buttons)
	}
	v, err := f.Values(nil, nil)
	if err != nil || v.Encode() != "paymentId=42&t=tok" {
		t.Errorf("values %q, %v", v.Encode(), err)
	}
}

func TestParseFormBankPage(t *testing.T) {
	page := Page{URL: mustURL(t, "https://bank.test/_mock/acs/42?t=tok"), Status: 200, Body: []byte(acsPage)}
	f, err := ParseForm(page)
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != http.MethodPost || f.Action.String() != "https://bank.test/_mock/acs/42" {
		t.Errorf("method %s action %s (relative actions resolve against the page)", f.Method, f.Action)
	}
	want := []Field{{"t", "tok", "hidden"}, {"otp", "", "text"}, {"remember", "on", "checkbox"}, {"channel", "sms", "radio"}}
	if !reflect.DeepEqual(f.Fields, want) {
		t.Errorf("fields %+v, want %+v", f.Fields, want)
	}
	wantButtons := []Button{{"action", "verify"}, {"action", "reject"}}
	if !reflect.DeepEqual(f.Buttons, wantButtons) {
		t.Errorf("buttons %+v, want %+v", f.Buttons, wantButtons)
	}
	v, err := f.Values(map[string]string{"otp": "123456"}, &Button{"action", "reject"})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Encode(); got != "action=reject&channel=sms&otp=123456&remember=on&t=tok" {
		t.Errorf("values %q", got)
	}
	if _, err := f.Values(nil, &Button{"action", "steal"}); err == nil {
		t.Error("a button the form does not have must be refused")
	}
	if _, err := f.Values(map[string]string{"amount": "1.00"}, nil); err == nil {
		t.Error("a field the form does not have must be refused")
	}
	req, err := f.Request(context.Background(), map[string]string{"otp": "1"}, &Button{"action", "verify"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(req.Body)
	if req.Method != http.MethodPost || req.URL.String() != "https://bank.test/_mock/acs/42" ||
		req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || string(b) != "action=verify&channel=sms&otp=1&remember=on&t=tok" {
		t.Errorf("request %s %s %q %q", req.Method, req.URL, req.Header.Get("Content-Type"), b)
	}
}

func TestParseFormCheckoutPage(t *testing.T) {
	page := Page{URL: mustURL(t, "http://127.0.0.1:9/_mock/checkout/tok-1"), Body: []byte(checkoutPage)}
	f, err := ParseForm(page)
	if err != nil {
		t.Fatal(err)
	}
	if f.Action.String() != "http://127.0.0.1:9/_mock/checkout/tok-1" {
		t.Errorf("action %s", f.Action)
	}
	if v, _ := f.Get("expireMonth"); v != "07" {
		t.Errorf("the selected option is sent: %q", v)
	}
	if v, _ := f.Get("expireYear"); v != "2044" {
		t.Errorf("without a selected option the first is sent: %q", v)
	}
	if v, _ := f.Get("note"); v != "hello" {
		t.Errorf("textarea %q", v)
	}
	if !reflect.DeepEqual(f.Options["installment"], []string{"1", "3"}) || !reflect.DeepEqual(f.Options["expireMonth"], []string{"", "01", "07"}) {
		t.Errorf("options %v", f.Options)
	}
	if len(f.Buttons) != 1 || f.Buttons[0] != (Button{Value: "Pay"}) {
		t.Errorf("buttons %+v", f.Buttons)
	}
	set := map[string]string{"cardHolderName": "Haluk Demir", "cardNumber": "5258640000000001", "cvc": "123", "installment": "3", "expireYear": "2045"}
	v, err := f.Values(set, &f.Buttons[0])
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range set {
		if v.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, v.Get(k), want)
		}
	}
	if _, pressed := v["Pay"]; pressed || len(v) != 7 {
		t.Errorf("a nameless button adds nothing: %v", v)
	}
	if _, err := f.Values(map[string]string{"installment": "12"}, nil); err == nil {
		t.Error("a select must only take one of its options")
	}
}

func TestParseFormGetFormAndErrors(t *testing.T) {
	f, err := ParseForm(Page{URL: mustURL(t, "https://shop.test/a/b?x=1#frag"), Body: []byte(`<form><input name="q" value="a b"></form>`)})
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != http.MethodGet || f.Action.String() != "https://shop.test/a/b?x=1" {
		t.Errorf("a form without method and action is a GET to the page itself: %s %s", f.Method, f.Action)
	}
	req, err := f.Request(context.Background(), nil, nil)
	if err != nil || req.URL.String() != "https://shop.test/a/b?q=a+b" || req.Body != nil {
		t.Errorf("GET request %v, %v", req.URL, err)
	}

	if _, err := ParseForm(Page{Body: []byte(`<p>Expired</p>`)}); !errors.Is(err, ErrNoForm) {
		t.Errorf("no form: %v", err)
	}
	if _, err := ParseForm(Page{Body: []byte(`<form action="https://a.test/"></form><form action="https://b.test/"></form>`)}); !errors.Is(err, ErrManyForms) {
		t.Errorf("two forms: %v", err)
	}
	if _, err := ParseForm(Page{Body: []byte(`<form action="/relative"></form>`)}); err == nil {
		t.Error("a relative action on a page without an address must be refused")
	}
	f, err = ParseForm(Page{URL: mustURL(t, "https://a.test/"), Body: []byte(`<form method="post" enctype="multipart/form-data"></form>`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Request(context.Background(), nil, nil); err == nil {
		t.Error("multipart forms are not supported and must say so")
	}
}

func TestBrowserFollowsRedirectsAndSubmits(t *testing.T) {
	var log []string
	b := browser{doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		body := ""
		if r.Body != nil {
			bb, _ := io.ReadAll(r.Body)
			body = string(bb)
		}
		log = append(log, r.Method+" "+r.URL.String()+" "+body)
		switch r.URL.Path {
		case "/start":
			return &http.Response{StatusCode: 303, Header: http.Header{"Location": {"/page"}}, Body: io.NopCloser(strings.NewReader(""))}, nil
		case "/page":
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(acsPage))}, nil
		case "/_mock/acs/42":
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`<form method="post" action="http://merchant.test/callback"><input type="hidden" name="status" value="SUCCESS"></form>`))}, nil
		}
		return &http.Response{StatusCode: 404, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("no"))}, nil
	})}
	ctx := context.Background()
	page, err := b.get(ctx, "https://bank.test/start")
	if err != nil {
		t.Fatal(err)
	}
	if page.Status != 200 || page.URL.String() != "https://bank.test/page" {
		t.Fatalf("page %d %s", page.Status, page.URL)
	}
	next, sent, err := b.submit(ctx, page, map[string]string{"otp": "000000"}, &Button{"action", "verify"})
	if err != nil {
		t.Fatal(err)
	}
	if sent.Get("action") != "verify" || sent.Get("otp") != "000000" {
		t.Errorf("sent %v", sent)
	}
	f, err := ParseForm(next)
	if err != nil {
		t.Fatal(err)
	}
	if f.Action.String() != "http://merchant.test/callback" {
		t.Errorf("callback form action %s", f.Action)
	}
	want := []string{
		"GET https://bank.test/start ",
		"GET https://bank.test/page ",
		"POST https://bank.test/_mock/acs/42 action=verify&channel=sms&otp=000000&remember=on&t=tok",
	}
	if !reflect.DeepEqual(log, want) {
		t.Errorf("requests\n%q\nwant\n%q", log, want)
	}
}

func TestPageText(t *testing.T) {
	got := pageText([]byte(`<html><head><style>p{}</style><script>var x = "expired";</script></head><body><h1>Payment  page</h1>
<p>This form has   expired.</p></body></html>`))
	if got != "Payment page This form has expired." {
		t.Errorf("pageText = %q", got)
	}
}
