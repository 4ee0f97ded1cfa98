package rbs

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestGETModeSendsTheQuery(t *testing.T) {
	d := &fakeDoer{status: 200, body: `{"errorCode":"0","errorMessage":"Success","bindings":[{"bindingId":"b1","maskedPan":"411111**1111","expiryDate":"203012"}]}`}
	c := newTestClient(t, VariantBank, d, WithGET())
	bs, err := c.GetBindings(context.Background(), "client 1")
	if err != nil || len(bs) != 1 || bs[0].BindingID != "b1" {
		t.Fatalf("%+v %v", bs, err)
	}
	if d.req.Method != http.MethodGet || d.sent != "" || d.req.URL.Path != "/payment/rest/getBindings.do" ||
		d.req.URL.Query().Get("clientId") != "client 1" || d.req.URL.Query().Get("userName") != "merchant-api" {
		t.Errorf("sent %s %s body %q", d.req.Method, d.req.URL, d.sent)
	}
}

func TestWalletPayGoesBesideTheRESTAPI(t *testing.T) {
	d := &fakeDoer{status: 200, body: `{"success":true,"data":{"orderId":"o-1"}}`}
	c := newTestClient(t, VariantBank, d)
	res, err := c.WalletPay(context.Background(), &WalletPayRequest{Method: MethodGooglePay, Merchant: "shop", OrderNumber: "n1", Token: []byte(`{}`), Amount: 100})
	if err != nil || res.OrderID != "o-1" {
		t.Fatalf("%+v %v", res, err)
	}
	if d.req.URL.Path != "/payment/google/payment.do" || d.req.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(d.sent, `"paymentToken":"e30="`) || !strings.Contains(d.sent, `"amount":100`) {
		t.Errorf("sent %s %s", d.req.URL, d.sent)
	}
	d.body = `{"success":false,"error":{"code":"5","description":"bad token","message":"bad token"}}`
	if _, err := c.WalletPay(context.Background(), &WalletPayRequest{Method: MethodApplePay, Merchant: "shop", Token: []byte(`{}`)}); !HasCode(err, 5) {
		t.Errorf("wallet error: %v", err)
	}
	if _, err := c.WalletPay(context.Background(), &WalletPayRequest{Method: MethodRegister}); err == nil {
		t.Error("a non-wallet method was accepted")
	}
}

func TestClassicStatusDeclinedIsAnAnswer(t *testing.T) {
	d := &fakeDoer{status: 200, body: `{"ErrorCode":"2","ErrorMessage":"Payment is declined","OrderStatus":6,"OrderNumber":"n","Pan":"411111**1111","Amount":100}`}
	c := newTestClient(t, VariantBank, d)
	st, err := c.GetOrderStatus(context.Background(), &StatusRequest{OrderID: "o"})
	if err != nil || st.OrderStatus != StatusDeclined || st.ErrorCode != "2" {
		t.Fatalf("%+v %v", st, err)
	}
	d.body = `{"ErrorCode":"6","ErrorMessage":"Order not found"}`
	if _, err := c.GetOrderStatus(context.Background(), &StatusRequest{OrderID: "o"}); !HasCode(err, CodeUnknownOrder) {
		t.Errorf("unknown order: %v", err)
	}
}

func TestErrorFieldShapes(t *testing.T) {
	for _, body := range []string{
		`{"error":"[clientId] is empty","errorCode":5,"is3DSVer2":false,"errorMessage":"[clientId] is empty"}`,
		`{"errorCode":0,"error":false,"bindingId":"b"}`,
	} {
		err := DecodeResponse("x.do", 200, []byte(body), &PaymentResponse{})
		if strings.Contains(body, `"errorCode":5`) != HasCode(err, 5) || (err != nil && AsError(err) == nil) {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestStrictDecodingNamesTheType(t *testing.T) {
	var s StrictStatus[string]
	if err := DecodeStrict("getOrderStatusExtended.do", []byte(`{"errorCode":"0","actionCode":-100,"orderStatus":0}`), &s); err == nil {
		t.Error("a number decoded into a string actionCode")
	}
	var n StrictStatus[int]
	if err := DecodeStrict("getOrderStatusExtended.do", []byte(`{"errorCode":0,"actionCode":-100,"orderStatus":0}`), &n); err != nil || n.ActionCode != -100 || *n.ErrorCode != 0 {
		t.Errorf("%+v %v", n, err)
	}
}
