package mock

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/internal/browsertest"
)

// Browser tests: the mock's pages driven by a real headless Chromium. They
// prove that the pages work for a person: htmlContent auto-posts to the
// ACS, the ACS page renders and its Verify button makes the browser post a
// correctly hashed callback to the merchant; the checkout form takes a card
// and posts the token back. No console error may appear on the way.
//
// Without /usr/bin/chromium the tests skip, unless the environment
// variable CI is set (CI installs Chromium), in which case they fail.

func TestBrowserThreeDS(t *testing.T) {
	ctx, console := browsertest.Start(t)
	rc := startReceiver(t)
	l := startLive(t)

	for _, v2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("v2=%v", v2), func(t *testing.T) {
			init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(successCard, rc.callbackURL(), v2))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := init.DecodedHTML()
			if err != nil {
				t.Fatal(err)
			}
			// The merchant's page renders the decoded htmlContent.
			merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = io.WriteString(w, doc)
			}))
			defer merchant.Close()

			if err := chromedp.Do(ctx, chromedp.Navigate(merchant.URL+"/pay"), chromedp.WaitVisible(chromedp.ID("verify"))); err != nil {
				t.Fatalf("to the ACS page: %v", err)
			}
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil || title != "3-D Secure verification" {
				t.Fatalf("title %q, %v", title, err)
			}
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			if !strings.HasPrefix(loc, l.srv.URL+"/_mock/acs/") {
				t.Fatalf("location %s", loc)
			}
			if got := browsertest.Text(t, ctx, "amount"); got != "100.00 TRY" {
				t.Fatalf("amount %q", got)
			}
			if got := browsertest.Text(t, ctx, "card"); got != craftgate.MaskPAN(successCard) {
				t.Fatalf("card %q", got)
			}
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("otp"), "123456")); err != nil {
				t.Fatal(err)
			}
			browsertest.Screenshot(t, ctx, "acs.png")

			n := len(rc.callbacks)
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("verify")), chromedp.WaitVisible(chromedp.ID("result"))); err != nil {
				t.Fatalf("verify and callback: %v", err)
			}
			// The merchant's handler verified the hash (else "bad hash").
			if got := browsertest.Text(t, ctx, "result"); got != "verified SUCCESS" {
				t.Fatalf("merchant answered %q", got)
			}
			rc.mu.Lock()
			form := rc.callbacks[n]
			rc.mu.Unlock()
			if err := craftgate.VerifyCallback(testCallbackKey, form); err != nil || form.Get("completeStatus") != "WAITING" ||
				(form.Get("hashParams") != "") != v2 {
				t.Fatalf("callback %v: %v", form, err)
			}
			browsertest.Screenshot(t, ctx, "callback.png")
			p, err := l.client.CompleteThreeDSPayment(context.Background(), init.PaymentID)
			if err != nil || p.PaymentStatus != "SUCCESS" {
				t.Fatalf("complete: %v", err)
			}
		})
	}
	if errs := console.Errors(); len(errs) != 0 {
		t.Fatalf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestBrowserCheckout(t *testing.T) {
	ctx, console := browsertest.Start(t)
	rc := startReceiver(t)
	l := startLive(t)
	req := checkoutRequest(rc.checkoutURL())
	req.EnabledInstallments = []int{3}
	init, err := l.client.InitCheckoutPayment(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(init.PageURL), chromedp.WaitVisible(chromedp.ID("pay"))); err != nil {
		t.Fatalf("checkout page: %v", err)
	}
	if title, _ := chromedp.Run(ctx, chromedp.Title()); title != "Checkout" {
		t.Fatalf("title %q", title)
	}
	if got := browsertest.Text(t, ctx, "amount"); got != "100.00 TRY" {
		t.Fatalf("amount %q", got)
	}
	// First a wrong card: the page comes back with the message.
	fill := func(number string) error {
		// Typed like a person where the field is empty (the page keeps the
		// holder and expiry after an error, never the number or CVC).
		return chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("cardHolderName"), "Haluk Demir"),
			chromedp.SendKeys(chromedp.ID("cardNumber"), number),
			chromedp.SetValue(chromedp.ID("expireMonth"), "07"),
			chromedp.SetValue(chromedp.ID("expireYear"), "2044"),
			chromedp.SendKeys(chromedp.ID("cvc"), "000"),
			chromedp.SetValue(chromedp.ID("installment"), "3"),
		)
	}
	if err := fill("4111 1111 1111 1112"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("error"))); err != nil {
		t.Fatalf("bad card: %v", err)
	}
	if got := browsertest.Text(t, ctx, "error"); !strings.Contains(got, "check digit") {
		t.Fatalf("error %q", got)
	}
	// Then a good one.
	if err := fill(successCard); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "checkout.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("result"))); err != nil {
		t.Fatalf("pay and callback: %v", err)
	}
	if got := browsertest.Text(t, ctx, "result"); got != "token received" {
		t.Fatalf("merchant answered %q", got)
	}
	rc.mu.Lock()
	got := append([]string(nil), rc.checkouts...)
	rc.mu.Unlock()
	if len(got) != 1 || got[0] != init.Token {
		t.Fatalf("merchant got tokens %v", got)
	}
	p, err := l.client.RetrieveCheckoutPayment(context.Background(), init.Token)
	if err != nil {
		t.Fatal(err)
	}
	if p.PaymentStatus != "SUCCESS" || p.PaymentSource != craftgate.PaymentSourceCheckoutForm || p.Installment != 3 || p.LastFourDigits != successCard[12:] {
		t.Fatalf("payment %+v", p)
	}
	if errs := console.Errors(); len(errs) != 0 {
		t.Fatalf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
