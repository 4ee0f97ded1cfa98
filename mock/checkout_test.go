package mock

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// checkoutRequest is a 100 TRY checkout in three items.
func checkoutRequest(callbackURL string) *craftgate.InitCheckoutPaymentRequest {
	p := paymentRequest(successCard)
	return &craftgate.InitCheckoutPaymentRequest{
		Price: p.Price, PaidPrice: p.PaidPrice, Currency: "TRY", PaymentGroup: p.PaymentGroup,
		ConversationID: "checkout-conv-1", ExternalID: "order-1", CallbackURL: callbackURL, Items: p.Items,
	}
}

// cardForm is what a buyer types.
func cardForm(card string) url.Values {
	return url.Values{"cardHolderName": {"Haluk Demir"}, "cardNumber": {card}, "expireMonth": {"07"}, "expireYear": {"2044"}, "cvc": {"000"}}
}

// openCheckout inits a checkout and loads its page.
func openCheckout(t *testing.T, l *live, b *browser, req *craftgate.InitCheckoutPaymentRequest) (*craftgate.InitCheckoutPaymentResponse, htmlForm, string) {
	t.Helper()
	init, err := l.client.InitCheckoutPayment(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	status, page := b.get(init.PageURL)
	if status != http.StatusOK {
		t.Fatalf("page: %d\n%s", status, page)
	}
	return init, oneForm(t, page), page
}

func TestCheckoutPayAndRetrieve(t *testing.T) {
	tests := []struct {
		name, card string
		status     string
		group      string
	}{
		{"success", successCard, "SUCCESS", ""},
		{"declined", cardCompleteFails, "FAILURE", "NOT_SUFFICIENT_FUNDS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := startLive(t)
			rc := startReceiver(t)
			b := newBrowser(t)
			ctx := context.Background()
			init, form, page := openCheckout(t, l, b, checkoutRequest(rc.checkoutURL()))

			if want := l.srv.URL + "/_mock/checkout/" + init.Token; init.PageURL != want {
				t.Fatalf("pageUrl %q, want %q", init.PageURL, want)
			}
			if want := testStart.Add(DefaultCheckoutTTL).In(l.m.loc).Format(craftgate.DateTimeLayout); init.TokenExpireDate != want {
				t.Fatalf("tokenExpireDate %q, want %q", init.TokenExpireDate, want)
			}
			if form.action != "/_mock/checkout/"+init.Token {
				t.Fatalf("form action %q", form.action)
			}
			for _, n := range []string{"cardHolderName", "cardNumber", "expireMonth", "expireYear", "cvc", "installment"} {
				if _, ok := form.fields[n]; !ok {
					t.Errorf("form lacks %s", n)
				}
			}
			for _, s := range []string{"100.00 TRY", "Item 1", "30.00 TRY", "Single payment"} {
				if !strings.Contains(page, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			// Before payment: retrieve is a validation error.
			_, err := l.client.RetrieveCheckoutPayment(ctx, init.Token)
			if e := craftgate.AsError(err); e == nil || e.HTTPStatus != 400 || e.Code != CodeCheckoutNotPaid {
				t.Fatalf("retrieve before payment: %v", err)
			}

			status, done := b.submit(l.srv.URL, form, cardForm(strings.Join([]string{tt.card[:4], tt.card[4:8], tt.card[8:12], tt.card[12:]}, " ")))
			if status != http.StatusOK {
				t.Fatalf("pay: %d\n%s", status, done)
			}
			cb := oneForm(t, done)
			if cb.action != rc.checkoutURL() || len(cb.fields) != 1 || cb.fields.Get("token") != init.Token {
				t.Fatalf("callback form %+v", cb)
			}
			if strings.Contains(done, tt.card) {
				t.Fatal("callback page shows the card number")
			}
			if status, _ := b.submit(l.srv.URL, cb, nil); status != http.StatusOK {
				t.Fatalf("merchant: %d", status)
			}
			if len(rc.checkouts) != 1 || rc.checkouts[0] != init.Token {
				t.Fatalf("merchant got %v", rc.checkouts)
			}

			p, err := l.client.RetrieveCheckoutPayment(ctx, init.Token)
			if err != nil {
				t.Fatal(err)
			}
			if p.PaymentStatus != tt.status || p.PaymentSource != craftgate.PaymentSourceCheckoutForm || p.IsThreeDS ||
				p.ConversationID != "checkout-conv-1" || p.ExternalID != "order-1" || p.LastFourDigits != tt.card[12:] || p.Installment != 1 {
				t.Fatalf("payment %+v", p)
			}
			if tt.group != "" && (p.PaymentError == nil || p.PaymentError.ErrorGroup != tt.group) {
				t.Fatalf("paymentError %+v", p.PaymentError)
			}
			// The same payment by id.
			if q, err := l.client.RetrievePayment(ctx, p.ID); err != nil || q.PaymentSource != craftgate.PaymentSourceCheckoutForm {
				t.Fatalf("by id: %v %+v", err, q)
			}
			// The token is used up.
			if status, page := b.get(init.PageURL); status != http.StatusOK || !strings.Contains(page, "already") || len(parseForms(page)) != 0 {
				t.Fatalf("page after payment: %d\n%s", status, page)
			}
			if status, _ := b.submit(l.srv.URL, form, cardForm(successCard)); status != http.StatusConflict {
				t.Fatalf("second payment: %d", status)
			}
			if err := l.client.ExpireCheckoutPayment(ctx, init.Token); craftgate.AsError(err) == nil || craftgate.AsError(err).Code != CodeCheckoutAlreadyPaid {
				t.Fatalf("expire after payment: %v", err)
			}
			// And the payment stays retrievable once the ttl has passed.
			l.m.Advance(time.Hour)
			if _, err := l.client.RetrieveCheckoutPayment(ctx, init.Token); err != nil {
				t.Fatalf("retrieve after ttl: %v", err)
			}
		})
	}
}

func TestCheckoutFormErrors(t *testing.T) {
	l := startLive(t)
	rc := startReceiver(t)
	b := newBrowser(t)
	req := checkoutRequest(rc.checkoutURL())
	req.EnabledInstallments = []int{6, 3, 3}
	req.AllowOnlyCreditCard = true
	init, form, page := openCheckout(t, l, b, req)
	for _, s := range []string{`value="1"`, `value="3"`, `value="6"`, "6 installments"} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	tests := []struct {
		name string
		set  url.Values
		msg  string
	}{
		{"bad number", url.Values{"cardNumber": {"4111111111111112"}}, "check digit"},
		{"unknown card", url.Values{"cardNumber": {"4242424242424242"}}, "424242******4242"},
		{"past expiry", url.Values{"expireYear": {"2010"}}, "2010"},
		{"installment not offered", url.Values{"installment": {"2"}}, "installment"},
		{"debit card refused", url.Values{"cardNumber": {cardDebit}}, "credit cards"},
		{"holder with digits", url.Values{"cardHolderName": {"<b>123456</b>"}}, "cardHolderName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := cardForm(successCard)
			for k, v := range tt.set {
				set[k] = v
			}
			status, page := b.submit(l.srv.URL, form, set)
			if status != http.StatusOK || !strings.Contains(page, `id="error"`) || !strings.Contains(page, tt.msg) {
				t.Fatalf("status %d, want 200 with %q:\n%s", status, tt.msg, page)
			}
			if strings.Contains(page, set.Get("cardNumber")) {
				t.Fatal("the page echoes the card number")
			}
			if strings.Contains(page, "<b>") {
				t.Fatal("the page does not escape")
			}
			if len(parseForms(page)) != 1 {
				t.Fatal("the page lost its form")
			}
		})
	}
	// Still open: pay in 3 installments.
	set := cardForm(successCard)
	set.Set("installment", "3")
	if status, page := b.submit(l.srv.URL, form, set); status != http.StatusOK {
		t.Fatalf("pay: %d\n%s", status, page)
	}
	p, err := l.client.RetrieveCheckoutPayment(context.Background(), init.Token)
	if err != nil || p.Installment != 3 {
		t.Fatalf("%v %+v", err, p)
	}
}

func TestCheckoutExpiry(t *testing.T) {
	l := startLive(t)
	rc := startReceiver(t)
	b := newBrowser(t)
	ctx := context.Background()

	t.Run("DELETE", func(t *testing.T) {
		init, form, _ := openCheckout(t, l, b, checkoutRequest(rc.checkoutURL()))
		if err := l.client.ExpireCheckoutPayment(ctx, init.Token); err != nil {
			t.Fatal(err)
		}
		if status, page := b.get(init.PageURL); status != http.StatusGone || !strings.Contains(page, "expired") {
			t.Fatalf("page: %d\n%s", status, page)
		}
		if status, _ := b.submit(l.srv.URL, form, cardForm(successCard)); status != http.StatusGone {
			t.Fatalf("pay after expiry: %d", status)
		}
		_, err := l.client.RetrieveCheckoutPayment(ctx, init.Token)
		if e := craftgate.AsError(err); e == nil || e.HTTPStatus != 400 || e.Code != CodeCheckoutExpired {
			t.Fatalf("retrieve: %v", err)
		}
		if err := l.client.ExpireCheckoutPayment(ctx, init.Token); err != nil {
			t.Fatalf("second DELETE: %v", err)
		}
		// The raw answer: 200, empty body.
		w := do(t, l.m, http.MethodDelete, craftgate.PathCheckoutPayments+"/"+init.Token, nil)
		if w.Code != 200 || w.Body.Len() != 0 {
			t.Fatalf("DELETE answered %d %q", w.Code, w.Body.String())
		}
	})
	t.Run("ttl on the clock", func(t *testing.T) {
		req := checkoutRequest(rc.checkoutURL())
		req.TTL = 5
		init, form, _ := openCheckout(t, l, b, req)
		if want := l.m.Now().Add(5 * time.Minute).Format(craftgate.DateTimeLayout); init.TokenExpireDate != want {
			t.Fatalf("tokenExpireDate %s, want %s", init.TokenExpireDate, want)
		}
		l.m.Advance(4*time.Minute + 59*time.Second)
		if status, _ := b.get(init.PageURL); status != http.StatusOK {
			t.Fatalf("page before ttl: %d", status)
		}
		l.m.Advance(time.Second)
		if status, _ := b.get(init.PageURL); status != http.StatusGone {
			t.Fatalf("page at ttl: %d", status)
		}
		if status, _ := b.submit(l.srv.URL, form, cardForm(successCard)); status != http.StatusGone {
			t.Fatalf("pay at ttl: %d", status)
		}
		if _, err := l.client.RetrieveCheckoutPayment(ctx, init.Token); craftgate.AsError(err) == nil || craftgate.AsError(err).Code != CodeCheckoutExpired {
			t.Fatalf("retrieve: %v", err)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		_, err := l.client.RetrieveCheckoutPayment(ctx, "no-such-token")
		if e := craftgate.AsError(err); e == nil || e.HTTPStatus != 404 || e.Code != CodeCheckoutNotFound {
			t.Fatalf("retrieve: %v", err)
		}
		if err := l.client.ExpireCheckoutPayment(ctx, "no-such-token"); craftgate.AsError(err) == nil || craftgate.AsError(err).HTTPStatus != 404 {
			t.Fatalf("expire: %v", err)
		}
		if status, _ := b.get(l.srv.URL + "/_mock/checkout/no-such-token"); status != http.StatusNotFound {
			t.Fatalf("page: %d", status)
		}
	})
}

func TestCheckoutInitValidation(t *testing.T) {
	l := startLive(t)
	checkRefusals(t, l.m, craftgate.PathCheckoutInit, func() *craftgate.InitCheckoutPaymentRequest {
		return checkoutRequest("https://merchant.example/checkout")
	}, []refusal[craftgate.InitCheckoutPaymentRequest]{
		{"no callbackUrl", func(r *craftgate.InitCheckoutPaymentRequest) { r.CallbackURL = "" }, CodeInvalidCallbackURL},
		{"ftp callbackUrl", func(r *craftgate.InitCheckoutPaymentRequest) { r.CallbackURL = "ftp://x/y" }, CodeInvalidCallbackURL},
		{"negative ttl", func(r *craftgate.InitCheckoutPaymentRequest) { r.TTL = -1 }, CodeInvalidTTL},
		{"huge ttl", func(r *craftgate.InitCheckoutPaymentRequest) { r.TTL = 1 << 40 }, CodeInvalidTTL},
		{"installment 13", func(r *craftgate.InitCheckoutPaymentRequest) { r.EnabledInstallments = []int{13} }, CodeInvalidInstallment},
		{"no items", func(r *craftgate.InitCheckoutPaymentRequest) { r.Items = nil }, CodeRequiredField},
		{"items mismatch", func(r *craftgate.InitCheckoutPaymentRequest) { r.Items = r.Items[1:] }, CodeItemsPriceMismatch},
		{"bad currency", func(r *craftgate.InitCheckoutPaymentRequest) { r.Currency = "XXX" }, CodeInvalidCurrency},
		{"stored cards", func(r *craftgate.InitCheckoutPaymentRequest) { r.CardUserKey = "k" }, CodeUnsupportedFeature},
		{"no CARD method", func(r *craftgate.InitCheckoutPaymentRequest) { r.EnabledPaymentMethods = []string{"PAPARA"} }, CodeUnsupportedFeature},
	})
}
