package craftgate

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestInitThreeDSPayment(t *testing.T) {
	page := `<!DOCTYPE html><html><body><form method="post" action="https://acs.example/x"></form></body></html>`
	c, got := recordingServer(t, func(r *http.Request) (int, string) {
		return 200, `{"data":{"htmlContent":"` + base64.StdEncoding.EncodeToString([]byte(page)) +
			`","paymentId":11,"redirectUrl":"https://acs.example/x","paymentStatus":"INIT_THREEDS","additionalAction":"SHOW_HTML_CONTENT"}}`
	})
	req := &InitThreeDSPaymentRequest{
		CreatePaymentRequest: CreatePaymentRequest{Price: MustAmount("100"), PaidPrice: MustAmount("100"), Installment: 1, Currency: CurrencyTRY,
			ConversationID: "c-1", Card: &Card{CardNumber: "5258640000000001"}, Items: []PaymentItem{{Name: "a", Price: MustAmount("100")}}},
		CallbackURL: "https://merchant.example/cb",
	}
	req.UseCallbackV2()
	r, err := c.InitThreeDSPayment(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if r.PaymentID != 11 || r.PaymentStatus != StatusInitThreeDS || r.AdditionalAction != ActionShowHTMLContent || r.RedirectURL != "https://acs.example/x" {
		t.Fatalf("%+v", r)
	}
	if html, err := r.DecodedHTML(); err != nil || html != page {
		t.Fatalf("DecodedHTML: %q %v", html, err)
	}
	rec := (*got)[0]
	// The embedded request is flattened next to callbackUrl.
	wire := rec.sent(t, http.MethodPost, PathThreeDSInit)
	if string(wire["callbackUrl"]) != `"https://merchant.example/cb"` || string(wire["price"]) != "100" || string(wire["conversationId"]) != `"c-1"` ||
		string(wire["additionalParams"]) != `{"threeDSCallbackVersion":2}` || wire["CreatePaymentRequest"] != nil {
		t.Fatalf("wire body %s", rec.body)
	}
}

func TestInitThreeDSPaymentDecline(t *testing.T) {
	c, _ := recordingServer(t, func(*http.Request) (int, string) {
		return 422, `{"errors":{"errorCode":"10057","errorDescription":"3D Secure could not be started","errorGroup":"THREEDS_INIT_ERROR"}}`
	})
	_, err := c.InitThreeDSPayment(context.Background(), &InitThreeDSPaymentRequest{})
	if e := AsError(err); e == nil || e.HTTPStatus != 422 || e.Group != "THREEDS_INIT_ERROR" {
		t.Fatalf("%v", err)
	}
}

func TestDecodedHTML(t *testing.T) {
	const doc = "<html>ü?>></html>" // bytes that differ between the base64 alphabets
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"std", base64.StdEncoding.EncodeToString([]byte(doc)), true},
		{"raw std", base64.RawStdEncoding.EncodeToString([]byte(doc)), true},
		{"url", base64.URLEncoding.EncodeToString([]byte(doc)), true},
		{"raw url", base64.RawURLEncoding.EncodeToString([]byte(doc)), true},
		{"empty", "", false},
		{"not base64", "<html>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (&InitThreeDSPaymentResponse{HTMLContent: tt.in}).DecodedHTML()
			if tt.ok != (err == nil) || (tt.ok && got != doc) {
				t.Fatalf("%q, %v", got, err)
			}
		})
	}
}

func TestCompleteThreeDSPayment(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		check  func(*testing.T, *Payment, error)
	}{
		{"success", 200, `{"data":{"id":11,"paymentStatus":"SUCCESS","isThreeDS":true,"mdStatus":1,"paymentTransactions":[]}}`,
			func(t *testing.T, p *Payment, err error) {
				if err != nil || p.ID != 11 || !p.IsThreeDS || p.MdStatus == nil || *p.MdStatus != 1 {
					t.Fatalf("%+v %v", p, err)
				}
			}},
		{"declined", 422, `{"errors":{"errorCode":"10051","errorDescription":"Kart limiti yetersiz","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`,
			func(t *testing.T, p *Payment, err error) {
				if e := AsError(err); p != nil || e == nil || e.Group != "NOT_SUFFICIENT_FUNDS" || !e.IsPaymentError() {
					t.Fatalf("%+v %v", p, err)
				}
			}},
		{"not authenticated", 400, `{"errors":{"errorCode":"2033","errorDescription":"mdStatus 0"}}`,
			func(t *testing.T, p *Payment, err error) {
				if e := AsError(err); e == nil || e.HTTPStatus != 400 || e.IsPaymentError() {
					t.Fatalf("%+v %v", p, err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := recordingServer(t, func(*http.Request) (int, string) { return tt.status, tt.body })
			p, err := c.CompleteThreeDSPayment(context.Background(), 11)
			tt.check(t, p, err)
			if rec := (*got)[0]; rec.method != "POST" || rec.path != PathThreeDSComplete || string(rec.body) != `{"paymentId":11}` {
				t.Fatalf("%s %s %s", rec.method, rec.path, rec.body)
			}
		})
	}
}

func TestUseCallbackV2KeepsParams(t *testing.T) {
	r := &InitThreeDSPaymentRequest{}
	r.AdditionalParams = map[string]any{"x": "y"}
	r.UseCallbackV2()
	if r.AdditionalParams["x"] != "y" || r.AdditionalParams[ThreeDSCallbackVersionParam] != 2 {
		t.Fatalf("%v", r.AdditionalParams)
	}
	b, _ := json.Marshal(r)
	if !strings.Contains(string(b), `"threeDSCallbackVersion":2`) {
		t.Fatalf("%s", b)
	}
}
