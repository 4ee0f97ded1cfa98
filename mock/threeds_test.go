package mock

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestThreeDSInitFailingCard(t *testing.T) {
	l := startLive(t)
	rc := startReceiver(t)
	ctx := context.Background()
	_, err := l.client.InitThreeDSPayment(ctx, threeDSRequest(cardInitFails, rc.callbackURL(), false))
	e := craftgate.AsError(err)
	if e == nil || e.HTTPStatus != http.StatusUnprocessableEntity || e.Group != "THREEDS_INIT_ERROR" || !e.IsPaymentError() {
		t.Fatalf("init of %s: %v, want 422 THREEDS_INIT_ERROR", cardInitFails, err)
	}
	// The failed payment is stored and retrievable, like a non-3DS decline.
	w := do(t, l.m, http.MethodPost, craftgate.PathThreeDSInit, threeDSRequest(cardInitFails, rc.callbackURL(), false))
	id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
	p, err := l.client.RetrievePayment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.PaymentStatus != craftgate.StatusFailure || !p.IsThreeDS || p.PaymentError == nil || p.PaymentError.ErrorGroup != "THREEDS_INIT_ERROR" ||
		p.MdStatus != nil || p.AuthCode != "" || p.RefundStatus != "NO_REFUND" {
		t.Fatalf("stored payment %+v (error %+v)", p, p.PaymentError)
	}
}

func TestThreeDSInitValidation(t *testing.T) {
	l := startLive(t)
	good := func() *craftgate.InitThreeDSPaymentRequest {
		return threeDSRequest(successCard, "https://merchant.example/callback", false)
	}
	checkRefusals(t, l.m, craftgate.PathThreeDSInit, good, []refusal[craftgate.InitThreeDSPaymentRequest]{
		{"no callbackUrl", func(r *craftgate.InitThreeDSPaymentRequest) { r.CallbackURL = "" }, CodeInvalidCallbackURL},
		{"relative callbackUrl", func(r *craftgate.InitThreeDSPaymentRequest) { r.CallbackURL = "/callback" }, CodeInvalidCallbackURL},
		{"javascript callbackUrl", func(r *craftgate.InitThreeDSPaymentRequest) { r.CallbackURL = "javascript:alert(1)" }, CodeInvalidCallbackURL},
		{"callback version 3", func(r *craftgate.InitThreeDSPaymentRequest) {
			r.AdditionalParams = map[string]any{"threeDSCallbackVersion": 3}
		}, CodeInvalidCallbackVersion},
		{"bad card", func(r *craftgate.InitThreeDSPaymentRequest) { r.Card.CardNumber = "4111111111111112" }, CodeInvalidCardNumber},
		{"items mismatch", func(r *craftgate.InitThreeDSPaymentRequest) { r.Items = r.Items[:1] }, CodeItemsPriceMismatch},
	})
	// A bad amount inside the embedded request is located by name.
	body := []byte(`{"price":"x","paidPrice":100,"currency":"TRY","installment":1,"callbackUrl":"https://m.example/cb","items":[]}`)
	if e := validationError(t, do(t, l.m, http.MethodPost, craftgate.PathThreeDSInit, body)); !strings.Contains(e.ErrorDescription, "price") {
		t.Fatalf("bad amount: %+v", e)
	}
	// String version "2" is accepted.
	req := good()
	req.AdditionalParams = map[string]any{"threeDSCallbackVersion": "2"}
	data(t, do(t, l.m, http.MethodPost, craftgate.PathThreeDSInit, req), &craftgate.InitThreeDSPaymentResponse{})
}

func TestThreeDSInitAnswer(t *testing.T) {
	l := startLive(t)
	init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(successCard, "https://merchant.example/cb?order=1&x=<y>", false))
	if err != nil {
		t.Fatal(err)
	}
	if init.PaymentStatus != craftgate.StatusInitThreeDS || init.AdditionalAction != craftgate.ActionShowHTMLContent || init.PaymentID == 0 {
		t.Fatalf("answer %+v", init)
	}
	want := l.srv.URL + "/_mock/acs/" + strconv.FormatInt(init.PaymentID, 10) + "?t="
	if !strings.HasPrefix(init.RedirectURL, want) {
		t.Fatalf("redirectUrl %q, want prefix %q", init.RedirectURL, want)
	}
	doc, err := init.DecodedHTML()
	if err != nil {
		t.Fatal(err)
	}
	f := oneForm(t, doc)
	if f.action != init.RedirectURL || f.fields.Get("t") == "" || !strings.Contains(init.RedirectURL, f.fields.Get("t")) {
		t.Fatalf("form %+v", f)
	}
	for _, s := range []string{"<!DOCTYPE html>", "<noscript>", "<script>", "</html>"} {
		if !strings.Contains(doc, s) {
			t.Errorf("htmlContent lacks %s", s)
		}
	}
	if strings.Contains(doc, successCard) {
		t.Error("htmlContent shows the card number")
	}
}

// TestThreeDSFlows drives every 3-D Secure path through the pages, posts
// each callback to a merchant that verifies its hash, and completes.
func TestThreeDSFlows(t *testing.T) {
	type want struct {
		status, complete string // callback status and completeStatus
		md               string
		payment          string // paymentStatus after the callback
		completeErr      string // "" ok, else the error code, or a group for 422
		final            string // paymentStatus after complete
	}
	tests := []struct {
		name        string
		card        string
		mode, model string
		action      string
		v2          bool
		want        want
	}{
		{"success v1", successCard, ThreeDSModeFull, ThreeDSModel3D, "verify", false,
			want{"SUCCESS", "WAITING", "1", "CALLBACK_THREEDS", "", "SUCCESS"}},
		{"success v2", successCard, ThreeDSModeFull, ThreeDSModel3D, "verify", true,
			want{"SUCCESS", "WAITING", "1", "CALLBACK_THREEDS", "", "SUCCESS"}},
		{"reject", successCard, ThreeDSModeFull, ThreeDSModel3D, "reject", true,
			want{"FAILURE", "", "0", "FAILURE", CodeThreeDSNotAuthenticated, "FAILURE"}},
		{"mdStatus 0 full", cardMd0, ThreeDSModeFull, ThreeDSModel3D, "verify", true,
			want{"FAILURE", "", "0", "FAILURE", CodeThreeDSNotAuthenticated, "FAILURE"}},
		{"mdStatus 0 half", cardMd0, ThreeDSModeHalf, ThreeDSModel3D, "verify", false,
			want{"FAILURE", "", "0", "FAILURE", CodeThreeDSNotAuthenticated, "FAILURE"}},
		{"mdStatus 4 full", cardMd4, ThreeDSModeFull, ThreeDSModel3D, "verify", true,
			want{"FAILURE", "", "4", "FAILURE", CodeThreeDSNotAuthenticated, "FAILURE"}},
		{"mdStatus 4 half", cardMd4, ThreeDSModeHalf, ThreeDSModel3D, "verify", true,
			want{"SUCCESS", "WAITING", "4", "CALLBACK_THREEDS", "", "SUCCESS"}},
		{"complete declined", cardCompleteFails, ThreeDSModeFull, ThreeDSModel3D, "verify", false,
			want{"SUCCESS", "WAITING", "1", "CALLBACK_THREEDS", "NOT_SUFFICIENT_FUNDS", "FAILURE"}},
		{"3D_PAY success", successCard, ThreeDSModeFull, ThreeDSModel3DPay, "verify", true,
			want{"SUCCESS", "COMPLETED", "1", "SUCCESS", CodeThreeDSNotCompletable, "SUCCESS"}},
		{"3D_PAY declined", cardCompleteFails, ThreeDSModeFull, ThreeDSModel3DPay, "verify", false,
			want{"FAILURE", "COMPLETED", "1", "FAILURE", CodeThreeDSNotCompletable, "FAILURE"}},
		{"3D_PAY mdStatus 0", cardMd0, ThreeDSModeHalf, ThreeDSModel3DPay, "verify", true,
			want{"FAILURE", "", "0", "FAILURE", CodeThreeDSNotAuthenticated, "FAILURE"}},
	}
	rc := startReceiver(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := startLive(t, func(c *Config) { c.Settings = Settings{ThreeDSMode: tt.mode, ThreeDSModel: tt.model} })
			ctx := context.Background()
			b := newBrowser(t)
			init, err := l.client.InitThreeDSPayment(ctx, threeDSRequest(tt.card, rc.callbackURL(), tt.v2))
			if err != nil {
				t.Fatal(err)
			}
			acs, page := l.acsPage(t, b, init)
			if acs.action != "/_mock/acs/"+strconv.FormatInt(init.PaymentID, 10) || len(acs.buttons) != 2 ||
				acs.buttons[0].Get("action") != "verify" || acs.buttons[1].Get("action") != "reject" {
				t.Fatalf("ACS form %+v", acs)
			}
			if !strings.Contains(page, craftgate.MaskPAN(tt.card)) || strings.Contains(page, tt.card) || !strings.Contains(page, "100.00 TRY") {
				t.Fatalf("ACS page does not show the masked card and amount:\n%s", page)
			}
			cb := l.answerACS(t, b, acs, tt.action)
			if cb.action != rc.callbackURL() {
				t.Fatalf("callback action %q", cb.action)
			}
			form := cb.fields
			if err := craftgate.VerifyCallback(testCallbackKey, form); err != nil {
				t.Fatalf("hash: %v (%v)", err, form)
			}
			if tt.v2 != (form.Get("hashParams") != "") {
				t.Fatalf("v2 %v but form %v", tt.v2, form)
			}
			if tt.v2 {
				for _, n := range strings.Split(form.Get("hashParams"), ":") {
					if _, ok := form[n]; !ok {
						t.Errorf("hashParams names %s, absent from the form", n)
					}
				}
				if form.Get("mdStatus") != tt.want.md {
					t.Errorf("mdStatus %q, want %q", form.Get("mdStatus"), tt.want.md)
				}
				if craftgate.CallbackHashV2(testCallbackKey, form) != form.Get("hash") {
					t.Error("not a v2 hash")
				}
			} else if craftgate.CallbackHashV1(testCallbackKey, form) != form.Get("hash") {
				t.Error("not a v1 hash")
			}
			for _, n := range []string{"status", "completeStatus", "paymentId", "conversationData", "conversationId", "callbackStatus", "hash"} {
				if _, ok := form[n]; !ok {
					t.Errorf("callback lacks field %s", n)
				}
			}
			if form.Get("status") != tt.want.status || form.Get("completeStatus") != tt.want.complete || form.Get("callbackStatus") != "" ||
				form.Get("conversationId") != paymentRequest(tt.card).ConversationID {
				t.Fatalf("callback %v, want status %s completeStatus %s", form, tt.want.status, tt.want.complete)
			}
			verified := tt.want.complete != ""
			if got := form.Get("paymentId"); verified != (got != "") || (verified && got != strconv.FormatInt(init.PaymentID, 10)) {
				t.Errorf("paymentId %q (verification passed: %v)", got, verified)
			}
			if verified != (form.Get("conversationData") != "") {
				t.Errorf("conversationData %q", form.Get("conversationData"))
			}
			// The merchant accepts the callback.
			if status, body := b.submit(l.srv.URL, cb, nil); status != http.StatusOK || !strings.Contains(body, "verified") {
				t.Fatalf("merchant answered %d: %s", status, body)
			}

			p, err := l.client.RetrievePayment(ctx, init.PaymentID)
			if err != nil {
				t.Fatal(err)
			}
			if p.PaymentStatus != tt.want.payment || !p.IsThreeDS || p.MdStatus == nil || strconv.Itoa(*p.MdStatus) != tt.want.md {
				t.Fatalf("after callback: status %s isThreeDS %v mdStatus %v", p.PaymentStatus, p.IsThreeDS, p.MdStatus)
			}

			done, err := l.client.CompleteThreeDSPayment(ctx, init.PaymentID)
			switch e := craftgate.AsError(err); {
			case tt.want.completeErr == "":
				if err != nil {
					t.Fatalf("complete: %v", err)
				}
				if done.PaymentStatus != "SUCCESS" || !done.IsThreeDS || done.AuthCode == "" || done.MdStatus == nil ||
					strconv.Itoa(*done.MdStatus) != tt.want.md || done.RefundStatus != "NOT_REFUNDED" {
					t.Fatalf("completed %+v", done)
				}
			case e == nil:
				t.Fatalf("complete: %v, want %s", err, tt.want.completeErr)
			case e.HTTPStatus == http.StatusUnprocessableEntity:
				if e.Group != tt.want.completeErr || storedGroup(t, l, init.PaymentID) != tt.want.completeErr {
					t.Fatalf("complete: %v, want group %s", err, tt.want.completeErr)
				}
			default:
				if e.HTTPStatus != http.StatusBadRequest || e.Code != tt.want.completeErr || e.Group != "" {
					t.Fatalf("complete: %v, want 400 %s", err, tt.want.completeErr)
				}
			}
			p, err = l.client.RetrievePayment(ctx, init.PaymentID)
			if err != nil {
				t.Fatal(err)
			}
			if p.PaymentStatus != tt.want.final {
				t.Fatalf("final status %s, want %s", p.PaymentStatus, tt.want.final)
			}
			if (p.PaymentStatus == "FAILURE") != (p.PaymentError != nil) || (p.PaymentStatus == "SUCCESS") != (p.AuthCode != "") {
				t.Fatalf("final payment %+v", p)
			}
			if p.PaymentError != nil && tt.want.completeErr == CodeThreeDSNotAuthenticated &&
				(p.PaymentError.ErrorCode != CodeThreeDSNotAuthenticated || p.PaymentError.ErrorGroup != "") {
				t.Fatalf("paymentError %+v", p.PaymentError)
			}
			// A second complete is refused.
			if _, err := l.client.CompleteThreeDSPayment(ctx, init.PaymentID); craftgate.AsError(err) == nil ||
				craftgate.AsError(err).HTTPStatus != http.StatusBadRequest {
				t.Fatalf("second complete: %v", err)
			}
		})
	}
}

// storedGroup is the errorGroup of a failed payment's paymentError.
func storedGroup(t *testing.T, l *live, id int64) string {
	t.Helper()
	p, err := l.client.RetrievePayment(context.Background(), id)
	if err != nil || p.PaymentError == nil {
		t.Fatalf("declined payment: %v %+v", err, p)
	}
	return p.PaymentError.ErrorGroup
}

func TestThreeDSAlreadyReturned(t *testing.T) {
	for _, v2 := range []bool{false, true} {
		t.Run("v2="+strconv.FormatBool(v2), func(t *testing.T) {
			l := startLive(t)
			rc := startReceiver(t)
			b := newBrowser(t)
			init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(successCard, rc.callbackURL(), v2))
			if err != nil {
				t.Fatal(err)
			}
			acs, _ := l.acsPage(t, b, init)
			first := l.answerACS(t, b, acs, "verify")
			if first.fields.Get("status") != "SUCCESS" {
				t.Fatalf("first return %v", first.fields)
			}
			// Back button, submit again (either button).
			for _, action := range []string{"verify", "reject"} {
				again := l.answerACS(t, b, acs, action).fields
				if again.Get("status") != "FAILURE" || again.Get("callbackStatus") != "ALREADY_RETURNED" ||
					again.Get("paymentId") != strconv.FormatInt(init.PaymentID, 10) || again.Get("conversationId") == "" {
					t.Fatalf("second return %v", again)
				}
				if err := craftgate.VerifyCallback(testCallbackKey, again); err != nil {
					t.Fatalf("ALREADY_RETURNED hash: %v", err)
				}
			}
			// The ACS page itself warns.
			if _, page := b.get(init.RedirectURL); !strings.Contains(page, "already completed") {
				t.Fatalf("page after return:\n%s", page)
			}
			// The payment is unaffected and completes.
			if _, err := l.client.CompleteThreeDSPayment(context.Background(), init.PaymentID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestThreeDSCompleteBeforeVerifyAndAbandoned(t *testing.T) {
	l := startLive(t)
	ctx := context.Background()
	init, err := l.client.InitThreeDSPayment(ctx, threeDSRequest(successCard, "https://merchant.example/cb", false))
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.client.CompleteThreeDSPayment(ctx, init.PaymentID)
	if e := craftgate.AsError(err); e == nil || e.HTTPStatus != 400 || e.Code != CodeThreeDSNotCompletable || !strings.Contains(e.Description, "INIT_THREEDS") {
		t.Fatalf("complete before verify: %v", err)
	}
	// Abandoned: it stays INIT_THREEDS, retrievable, with no money taken,
	// also after a day on the clock.
	l.m.Advance(48 * 3600e9)
	p, err := l.client.RetrievePayment(ctx, init.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	if p.PaymentStatus != craftgate.StatusInitThreeDS || !p.IsThreeDS || p.AuthCode != "" || p.MdStatus != nil || p.PaymentError != nil ||
		p.RefundStatus != "NO_REFUND" || p.PaymentTransactions[0].RefundablePrice.Sign() != 0 {
		t.Fatalf("abandoned payment %+v", p)
	}
	// It cannot be refunded.
	_, err = l.client.RefundPayment(ctx, &craftgate.RefundPaymentRequest{PaymentID: init.PaymentID})
	if e := craftgate.AsError(err); e == nil || e.Code != CodePaymentNotRefundable {
		t.Fatalf("refund of INIT_THREEDS: %v", err)
	}
	// Complete of a plain payment and of an unknown one.
	plain := pay(t, l.m, paymentRequest(successCard))
	if _, err := l.client.CompleteThreeDSPayment(ctx, plain.ID); craftgate.AsError(err) == nil || craftgate.AsError(err).Code != CodeThreeDSNotCompletable {
		t.Fatalf("complete of a non-3DS payment: %v", err)
	}
	if _, err := l.client.CompleteThreeDSPayment(ctx, 42); craftgate.AsError(err) == nil || craftgate.AsError(err).HTTPStatus != 404 {
		t.Fatalf("complete of an unknown payment: %v", err)
	}
	// A CALLBACK_THREEDS payment abandoned before complete stays so.
	b := newBrowser(t)
	init2, _ := l.client.InitThreeDSPayment(ctx, threeDSRequest(successCard, "https://merchant.example/cb", false))
	acs, _ := l.acsPage(t, b, init2)
	l.answerACS(t, b, acs, "verify")
	if p, _ := l.client.RetrievePayment(ctx, init2.PaymentID); p.PaymentStatus != craftgate.StatusCallbackThreeDS {
		t.Fatalf("verified, not completed: %s", p.PaymentStatus)
	}
}

func TestACSAccess(t *testing.T) {
	l := startLive(t)
	b := newBrowser(t)
	init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(successCard, "https://merchant.example/cb", false))
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(init.PaymentID, 10)
	u, _ := url.Parse(init.RedirectURL)
	tok := u.Query().Get("t")
	tests := []struct {
		name   string
		method string
		path   string
		form   url.Values
		status int
	}{
		{"page with token", "GET", "/_mock/acs/" + id + "?t=" + tok, nil, 200},
		{"no token", "GET", "/_mock/acs/" + id, nil, 403},
		{"wrong token", "GET", "/_mock/acs/" + id + "?t=" + strings.Repeat("0", 32), nil, 403},
		{"unknown payment", "GET", "/_mock/acs/1?t=" + tok, nil, 404},
		{"post wrong token", "POST", "/_mock/acs/" + id, url.Values{"t": {"nope"}, "action": {"verify"}}, 403},
		{"post unknown action", "POST", "/_mock/acs/" + id, url.Values{"t": {tok}, "action": {"maybe"}}, 400},
		{"post without action shows the page", "POST", "/_mock/acs/" + id, url.Values{"t": {tok}}, 200},
		{"PUT", "PUT", "/_mock/acs/" + id, nil, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			var err error
			switch tt.method {
			case "GET":
				resp, err = b.http.Get(l.srv.URL + tt.path)
			case "POST":
				resp, err = b.http.PostForm(l.srv.URL+tt.path, tt.form)
			default:
				req, _ := http.NewRequest(tt.method, l.srv.URL+tt.path, nil)
				resp, err = b.http.Do(req)
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 405 {
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q", ct)
				}
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
					t.Errorf("CSP %q", csp)
				}
			}
		})
	}
	// Nothing was verified by the refused calls.
	if p, _ := l.client.RetrievePayment(context.Background(), init.PaymentID); p.PaymentStatus != craftgate.StatusInitThreeDS {
		t.Fatalf("status %s", p.PaymentStatus)
	}
}

// TestThreeDSConcurrentReturns: of many simultaneous answers one verifies,
// the others are ALREADY_RETURNED; of simultaneous completes one succeeds.
func TestThreeDSConcurrentReturns(t *testing.T) {
	l := startLive(t)
	b := newBrowser(t)
	init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(successCard, "https://merchant.example/cb", false))
	if err != nil {
		t.Fatal(err)
	}
	acs, _ := l.acsPage(t, b, init)
	const n = 8
	var wg sync.WaitGroup
	results := make([]url.Values, n)
	for i := range n {
		wg.Go(func() {
			_, page := b.submit(l.srv.URL, acs, url.Values{"action": {"verify"}})
			if fs := parseForms(page); len(fs) == 1 {
				results[i] = fs[0].fields
			}
		})
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		switch {
		case r == nil:
			t.Fatal("no callback form")
		case r.Get("status") == "SUCCESS":
			ok++
		case r.Get("callbackStatus") != "ALREADY_RETURNED":
			t.Fatalf("unexpected %v", r)
		}
	}
	if ok != 1 {
		t.Fatalf("%d verifications succeeded, want 1", ok)
	}
	var succeeded sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range n {
		succeeded.Go(func() {
			_, err := l.client.CompleteThreeDSPayment(context.Background(), init.PaymentID)
			var e *craftgate.Error
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.As(err, &e) || e.Code != CodeThreeDSNotCompletable {
				t.Errorf("complete: %v", err)
			}
		})
	}
	succeeded.Wait()
	if wins != 1 {
		t.Fatalf("%d completes succeeded, want 1", wins)
	}
}

// TestThreeDSCompleteDeclineHeader: a declined complete names the payment
// in PaymentIDHeader, like a declined create.
func TestThreeDSCompleteDeclineHeader(t *testing.T) {
	l := startLive(t)
	b := newBrowser(t)
	init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(cardCompleteFails, "https://merchant.example/cb", false))
	if err != nil {
		t.Fatal(err)
	}
	acs, _ := l.acsPage(t, b, init)
	l.answerACS(t, b, acs, "verify")
	w := do(t, l.m, http.MethodPost, craftgate.PathThreeDSComplete, map[string]int64{"paymentId": init.PaymentID})
	e := errorBody(t, w, http.StatusUnprocessableEntity)
	if e.ErrorGroup != "NOT_SUFFICIENT_FUNDS" || w.Header().Get(PaymentIDHeader) != strconv.FormatInt(init.PaymentID, 10) {
		t.Fatalf("%+v, header %q", e, w.Header().Get(PaymentIDHeader))
	}
	if e := validationError(t, do(t, l.m, http.MethodPost, craftgate.PathThreeDSComplete, map[string]int64{})); e.ErrorCode != CodeRequiredField {
		t.Fatalf("no paymentId: %+v", e)
	}
}
