package craftgate

import (
	"context"
	"net/http"
	"testing"
)

func TestInitCheckoutPayment(t *testing.T) {
	c, got := recordingServer(t, func(*http.Request) (int, string) {
		return 200, `{"data":{"token":"14755c78-2e55-4171-ade2-7c9e7dc453ef","pageUrl":"https://pay.example/14755c78","tokenExpireDate":"2025-06-15T10:30:00"}}`
	})
	r, err := c.InitCheckoutPayment(context.Background(), &InitCheckoutPaymentRequest{
		Price: MustAmount("100.50"), PaidPrice: MustAmount("100.50"), Currency: CurrencyTRY, CallbackURL: "https://merchant.example/co",
		Items: []PaymentItem{{Name: "a", Price: MustAmount("100.50")}}, EnabledInstallments: []int{1, 3}, TTL: 15,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Token != "14755c78-2e55-4171-ade2-7c9e7dc453ef" || r.PageURL != "https://pay.example/14755c78" || r.TokenExpireDate != "2025-06-15T10:30:00" {
		t.Fatalf("%+v", r)
	}
	rec := (*got)[0]
	wire := rec.sent(t, http.MethodPost, PathCheckoutInit)
	if string(wire["price"]) != "100.5" || string(wire["ttl"]) != "15" || string(wire["enabledInstallments"]) != "[1,3]" ||
		string(wire["callbackUrl"]) != `"https://merchant.example/co"` || wire["forceThreeDS"] != nil || wire["cardUserKey"] != nil {
		t.Fatalf("wire body %s", rec.body)
	}
}

func TestRetrieveAndExpireCheckoutPayment(t *testing.T) {
	tests := []struct {
		name, token string
		status      int
		body        string
		wantPath    string
		wantErr     bool
	}{
		{"retrieve", "tok-1", 200, `{"data":{"id":5,"paymentSource":"CHECKOUT_FORM","paymentStatus":"SUCCESS","paymentTransactions":[]}}`,
			PathCheckoutPayments + "/tok-1", false},
		{"not paid", "tok-2", 400, `{"errors":{"errorCode":"2035","errorDescription":"no payment yet"}}`, PathCheckoutPayments + "/tok-2", true},
		{"escaped", "a/b c", 200, `{"data":{"id":6,"paymentTransactions":[]}}`, PathCheckoutPayments + "/a/b c", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := recordingServer(t, func(*http.Request) (int, string) { return tt.status, tt.body })
			p, err := c.RetrieveCheckoutPayment(context.Background(), tt.token)
			if tt.wantErr != (err != nil) {
				t.Fatalf("%+v %v", p, err)
			}
			rec := (*got)[0]
			if rec.method != "GET" || rec.path != tt.wantPath || len(rec.body) != 0 {
				t.Fatalf("%s %s %q", rec.method, rec.path, rec.body)
			}
			if tt.name == "escaped" && rec.rawPath != PathCheckoutPayments+"/a%2Fb%20c" {
				t.Fatalf("raw path %q: the token must stay one segment", rec.rawPath)
			}
			if !tt.wantErr && p.PaymentTransactions == nil {
				t.Fatalf("%+v", p)
			}
		})
	}
	if _, err := (&Client{}).RetrieveCheckoutPayment(context.Background(), ""); err == nil {
		t.Fatal("empty token accepted")
	}

	for _, status := range []int{200, 204} {
		c, got := recordingServer(t, func(*http.Request) (int, string) { return status, "" })
		if err := c.ExpireCheckoutPayment(context.Background(), "tok-1"); err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		if rec := (*got)[0]; rec.method != "DELETE" || rec.path != PathCheckoutPayments+"/tok-1" || len(rec.body) != 0 {
			t.Fatalf("%s %s %q", rec.method, rec.path, rec.body)
		}
	}
	c, _ := recordingServer(t, func(*http.Request) (int, string) {
		return 404, `{"errors":{"errorCode":"1205","errorDescription":"not found"}}`
	})
	if e := AsError(c.ExpireCheckoutPayment(context.Background(), "x")); e == nil || e.HTTPStatus != 404 {
		t.Fatalf("%v", e)
	}
	if err := (&Client{}).ExpireCheckoutPayment(context.Background(), ""); err == nil {
		t.Fatal("empty token accepted")
	}
}
