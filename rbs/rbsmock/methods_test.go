package rbsmock_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
	"github.com/gatecheck/gatecheck/steps"
)

var bg = context.Background()

// registerFor registers a one-phase order of amount kopecks for clientID
// (and with a cart when bundle is set).
func (h *harness) registerFor(clientID string, amount int64, bundle bool) *rbs.RegisterResponse {
	h.t.Helper()
	req := h.registerReq(amount)
	req.ClientID = clientID
	if bundle {
		req.OrderBundle = json.RawMessage(`{"cartItems":{"items":[{"positionId":1,"name":"Tea","quantity":{"value":2,"measure":"0"},"itemAmount":` +
			itoa(amount) + `,"itemPrice":` + itoa(amount/2) + `,"itemCode":"T-1","tax":{"taxType":6,"taxSum":0}}]}}`)
	}
	out, err := h.bank.Register(bg, req)
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestUnpaidOrderReportsNoPaymentAttempt(t *testing.T) {
	h := newHarness(t)
	reg := h.register(h.bank, false, 1000)
	st := h.status(h.bank, reg.OrderID)
	if st.ActionCode != "-100" || st.ActionCodeDescription == "" {
		t.Errorf("unpaid order: actionCode %q %q, want -100 with a description", st.ActionCode, st.ActionCodeDescription)
	}
	ru := h.registerReq(1000)
	ru.Language = "ru"
	if out, err := h.bank.Register(bg, ru); err != nil || h.status(h.bank, out.OrderID).ActionCodeDescription != "Не было попыток оплаты" {
		t.Errorf("Russian description of -100: %v", err)
	}
	h.pay(reg.FormURL, "5555555555555599", "")
	if st := h.status(h.bank, reg.OrderID); st.ActionCode != "0" || st.ActionCodeDescription != "" {
		t.Errorf("paid order: actionCode %q %q", st.ActionCode, st.ActionCodeDescription)
	}
}

func TestGETModeAndJSONCodes(t *testing.T) {
	for _, mode := range []string{rbsmock.CodesDocumented, rbsmock.CodesString, rbsmock.CodesNumber} {
		t.Run("codes="+mode, func(t *testing.T) {
			h := newHarness(t, func(c *rbsmock.Config) { c.JSONCodes = mode })
			get, err := rbs.New(rbs.WithBaseURL(h.srv.URL+rbsmock.BankPath), rbs.WithCredentials(testUser, testPass), rbs.WithGET())
			if err != nil {
				t.Fatal(err)
			}
			reg := h.register(get, false, 1000)
			if st := h.status(get, reg.OrderID); st.Status() != rbs.StatusRegistered {
				t.Fatalf("GET status: %v", st.Status())
			}
			q := creds()
			q.Set("orderId", reg.OrderID)
			resp, err := h.browser.Get(h.srv.URL + rbsmock.BankPath + "/getOrderStatusExtended.do?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body := string(h.read(resp).Body)
			want := map[string][]string{
				rbsmock.CodesDocumented: {`"errorCode":"0"`, `"actionCode":-100`},
				rbsmock.CodesString:     {`"errorCode":"0"`, `"actionCode":"-100"`},
				rbsmock.CodesNumber:     {`"errorCode":0`, `"actionCode":-100`},
			}[mode]
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %s", body, w)
				}
			}
			st, body2 := h.post(rbsmock.BankPath+"/deposit.do", "", "userName="+testUser+"&password="+testPass+"&orderId="+reg.OrderID+"&amount=0")
			wantDep := map[string]string{rbsmock.CodesDocumented: `"errorCode":7`, rbsmock.CodesString: `"errorCode":"7"`, rbsmock.CodesNumber: `"errorCode":7`}[mode]
			if st != http.StatusOK || !strings.Contains(body2, wantDep) {
				t.Errorf("deposit of an unpaid order: %d %s, want %s", st, body2, wantDep)
			}
		})
	}
}

func TestClassicGetOrderStatus(t *testing.T) {
	h := newHarness(t)
	reg := h.register(h.bank, false, 2500)
	h.pay(reg.FormURL, "5555555555555599", "")
	st, err := h.bank.GetOrderStatus(bg, &rbs.StatusRequest{OrderID: reg.OrderID})
	if err != nil {
		t.Fatal(err)
	}
	if st.OrderStatus != rbs.StatusDeposited || st.Pan != "555555**5599" || st.Amount != 2500 || st.ErrorCode != "0" {
		t.Errorf("classic status %+v", st)
	}
	declined := h.register(h.bank, false, 100)
	h.pay(declined.FormURL, "4000000000000119", "")
	st, err = h.bank.GetOrderStatus(bg, &rbs.StatusRequest{OrderID: declined.OrderID})
	if err != nil || st.ErrorCode != "2" || st.OrderStatus != rbs.StatusDeclined {
		t.Errorf("declined classic status %+v %v", st, err)
	}
	if _, err := h.bank.GetOrderStatus(bg, &rbs.StatusRequest{OrderID: "nope"}); !rbs.HasCode(err, rbs.CodeUnknownOrder) {
		t.Errorf("unknown order: %v", err)
	}
	_, body := h.post(rbsmock.BankPath+"/getOrderStatus.do", "", creds().Encode()+"&orderId=nope")
	if !strings.Contains(body, `"ErrorCode":"6"`) {
		t.Errorf("classic error shape: %s", body)
	}
}

// acs drives the ACS page of a direct payment as the merchant's page
// does: it posts PaReq, MD and TermUrl, then the password.
func (h *harness) acs(acsURL string, form url.Values, password string) steps.Page {
	h.t.Helper()
	resp, err := h.browser.PostForm(acsURL, form)
	if err != nil {
		h.t.Fatal(err)
	}
	p := h.read(resp)
	if p.Status != http.StatusOK {
		h.t.Fatalf("ACS: %d %s", p.Status, p.Body)
	}
	return h.submit(p, map[string]string{"password": password}, "confirm")
}

func TestDirectPaymentWith3DS1And3DS2(t *testing.T) {
	h := newHarness(t)
	// frictionless
	reg := h.register(h.bank, false, 1000)
	pay, err := h.bank.PaymentOrder(bg, &rbs.PaymentOrderRequest{OrderID: reg.OrderID, PAN: "5555555555555599", CVC: "123", Expiry: "203012", Cardholder: "TEST CARDHOLDER"})
	if err != nil || pay.Redirect == "" || pay.AcsURL != "" {
		t.Fatalf("frictionless: %+v %v", pay, err)
	}
	if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusDeposited {
		t.Fatalf("frictionless status %v", st.Status())
	}
	// 3-D Secure 1, finished by the merchant with finish3dsPayment.do
	reg = h.register(h.bank, false, 1000)
	pay, err = h.bank.PaymentOrder(bg, &rbs.PaymentOrderRequest{OrderID: reg.OrderID, PAN: "4111111111111111", CVC: "123", Expiry: "203012", Cardholder: "TEST CARDHOLDER"})
	if err != nil || pay.AcsURL == "" || pay.PaReq == "" || pay.TermURL == "" {
		t.Fatalf("3DS1: %+v %v", pay, err)
	}
	end := h.acs(pay.AcsURL, url.Values{"PaReq": {pay.PaReq}, "MD": {reg.OrderID}, "TermUrl": {h.merchant.URL + "/term"}}, "12345678")
	paRes := end.URL.Query().Get("PaRes")
	if end.URL.Path != "/term" || paRes == "" || end.URL.Query().Get("MD") != reg.OrderID {
		t.Fatalf("ACS returned to %s", end.URL)
	}
	if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusACS {
		t.Fatalf("before finish: %v", st.Status())
	}
	if _, err := h.bank.Finish3DS(bg, reg.OrderID, "forged"); !rbs.HasCode(err, rbs.CodeWrongParameter) {
		t.Errorf("forged PaRes: %v", err)
	}
	fin, err := h.bank.Finish3DS(bg, reg.OrderID, paRes)
	if err != nil || !strings.Contains(fin.Redirect, "/return") {
		t.Fatalf("finish3ds: %+v %v", fin, err)
	}
	if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusDeposited || st.CardAuthInfo.SecureAuthInfo.ECI != 5 {
		t.Errorf("after finish: %v", st.Status())
	}
	// 3-D Secure 2: method, challenge, finish3dsVer2Payment.do
	reg = h.register(h.bank, false, 1000)
	req := &rbs.PaymentOrderRequest{OrderID: reg.OrderID, PAN: "4000001111111118", CVC: "123", Expiry: "203012", Cardholder: "TEST CARDHOLDER"}
	first, err := h.bank.PaymentOrder(bg, req)
	if err != nil || !first.Is3DSVer2 || first.ThreeDSServerTransID == "" || first.ThreeDSMethodURLServer == "" {
		t.Fatalf("3DS2 first call: %+v %v", first, err)
	}
	req.ThreeDSServerTransID = first.ThreeDSServerTransID
	req.ThreeDSVer2FinishURL = h.merchant.URL + "/term2"
	second, err := h.bank.PaymentOrder(bg, req)
	if err != nil || second.AcsURL == "" || second.PackedCReq == "" {
		t.Fatalf("3DS2 second call: %+v %v", second, err)
	}
	if _, err := h.bank.Finish3DSVer2(bg, first.ThreeDSServerTransID, ""); !rbs.HasCode(err, rbs.CodeWrongState) {
		t.Errorf("finish before the challenge: %v", err)
	}
	end = h.acs(second.AcsURL, url.Values{"creq": {second.PackedCReq}}, "12345678")
	if end.URL.Path != "/term2" || end.URL.Query().Get("threeDSServerTransID") != first.ThreeDSServerTransID {
		t.Fatalf("3DS2 ACS returned to %s", end.URL)
	}
	if fin, err := h.bank.Finish3DSVer2(bg, first.ThreeDSServerTransID, reg.OrderID); err != nil || !fin.Is3DSVer2 || fin.Redirect == "" {
		t.Fatalf("finish3dsVer2: %+v %v", fin, err)
	}
	if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusDeposited {
		t.Errorf("after 3DS2: %v", st.Status())
	}
	// the gateway's own termUrl finishes the payment itself
	reg = h.register(h.bank, false, 1000)
	pay, _ = h.bank.PaymentOrder(bg, &rbs.PaymentOrderRequest{OrderID: reg.OrderID, PAN: "2200000000000053", CVC: "123", Expiry: "203012", Cardholder: "TEST CARDHOLDER"})
	end = h.acs(pay.AcsURL, url.Values{"PaReq": {pay.PaReq}, "MD": {reg.OrderID}, "TermUrl": {pay.TermURL}}, "12345678")
	if end.URL.Path != "/return" || h.status(h.bank, reg.OrderID).Status() != rbs.StatusDeposited {
		t.Errorf("gateway termUrl: ended on %s", end.URL)
	}
	en, err := h.bank.VerifyEnrollment(bg, "4111111111111111")
	if err != nil || !en.Enrolled() {
		t.Errorf("verifyEnrollment: %+v %v", en, err)
	}
	if en, _ := h.bank.VerifyEnrollment(bg, "5555555555555599"); en == nil || en.Enrolled() {
		t.Errorf("verifyEnrollment of a card without 3-D Secure: %+v", en)
	}
}

func TestBindings(t *testing.T) {
	h := newHarness(t)
	if bs, err := h.bank.GetBindings(bg, "client-1"); err != nil || len(bs) != 0 {
		t.Fatalf("no bindings yet: %v %v", bs, err)
	}
	reg := h.registerFor("client-1", 1000, false)
	h.pay(reg.FormURL, "5555555555555599", "")
	bs, err := h.bank.GetBindings(bg, "client-1")
	if err != nil || len(bs) != 1 || bs[0].MaskedPan != "555555**5599" || bs[0].ExpiryDate != "203012" {
		t.Fatalf("bindings after paying: %+v %v", bs, err)
	}
	id := bs[0].BindingID
	if st := h.status(h.bank, reg.OrderID); st.OrderStatus == nil {
		t.Fatal("no status")
	}
	h.waitCallback("", rbs.OperationBindingCreated)
	for _, cvc := range []string{"123", ""} {
		next := h.registerFor("client-1", 700, false)
		pay, err := h.bank.PaymentOrderBinding(bg, next.OrderID, id, cvc)
		if err != nil || pay.Redirect == "" {
			t.Fatalf("pay by binding (cvc %q): %+v %v", cvc, pay, err)
		}
		st := h.status(h.bank, next.OrderID)
		if st.Status() != rbs.StatusDeposited || st.PaymentWay != rbs.PaymentWayCardBinding {
			t.Errorf("binding payment: %v %s", st.Status(), st.PaymentWay)
		}
	}
	other := h.registerFor("client-2", 700, false)
	if _, err := h.bank.PaymentOrderBinding(bg, other.OrderID, id, ""); err == nil {
		t.Error("another client's binding paid")
	}
	if bs, _ := h.bank.GetBindingsByCard(bg, "5555555555555599", ""); len(bs) != 1 || bs[0].ClientID != "client-1" {
		t.Errorf("by card: %+v", bs)
	}
	if err := h.bank.ExtendBinding(bg, id, "203512"); err != nil {
		t.Errorf("extend: %v", err)
	}
	if err := h.bank.UnBindCard(bg, id); err != nil {
		t.Fatal(err)
	}
	if err := h.bank.UnBindCard(bg, id); !rbs.HasCode(err, rbs.CodeBindingState) {
		t.Errorf("unbind twice: %v", err)
	}
	next := h.registerFor("client-1", 700, false)
	if _, err := h.bank.PaymentOrderBinding(bg, next.OrderID, id, ""); !rbs.HasCode(err, rbs.CodeBindingState) {
		t.Errorf("pay with an inactive binding: %v", err)
	}
	if bs, _ := h.bank.GetBindings(bg, "client-1"); len(bs) != 0 {
		t.Errorf("inactive binding listed: %+v", bs)
	}
	if err := h.bank.BindCard(bg, id); err != nil {
		t.Fatal(err)
	}
	if err := h.bank.BindCard(bg, id); !rbs.HasCode(err, rbs.CodeBindingState) {
		t.Errorf("bind twice: %v", err)
	}
	nb, err := h.bank.CreateBindingNoPayment(bg, "client-3", "2200000000000053", "203101", "TEST CARDHOLDER")
	if err != nil || nb.BindingID == "" || nb.MaskedPan != "220000**0053" {
		t.Fatalf("createBindingNoPayment: %+v %v", nb, err)
	}
	if bs, _ := h.bank.GetBindings(bg, "client-3"); len(bs) != 1 || bs[0].BindingID != nb.BindingID {
		t.Errorf("created binding: %+v", bs)
	}
}

func TestSBPQR(t *testing.T) {
	h := newHarness(t)
	outcome := func(action string) (*rbs.RegisterResponse, steps.Page) {
		reg := h.register(h.bank, false, 1500)
		qr, err := h.bank.SBPGetQR(bg, reg.OrderID, "")
		if err != nil || qr.QRID == "" || qr.QRStatus() != "STARTED" || qr.Payload == "" {
			t.Fatalf("get QR: %+v %v", qr, err)
		}
		if again, _ := h.bank.SBPGetQR(bg, reg.OrderID, ""); again.QRID != qr.QRID {
			t.Errorf("a second get made another QR")
		}
		return reg, h.submit(h.page(qr.Payload), nil, action)
	}
	reg, end := outcome("pay")
	if end.URL.Path != "/return" {
		t.Errorf("paid: landed on %s", end.URL)
	}
	st, _ := h.bank.SBPStatus(bg, reg.OrderID, "")
	if st.QRStatus() != "ACCEPTED" || st.TransactionState != "DEPOSITED" || st.QRType != "DYNAMIC" {
		t.Errorf("paid QR: %+v", st)
	}
	if s := h.status(h.bank, reg.OrderID); s.Status() != rbs.StatusDeposited || s.PaymentWay != rbs.PaymentWaySBP {
		t.Errorf("paid order: %v %s", s.Status(), s.PaymentWay)
	}
	reg, _ = outcome("reject")
	st, _ = h.bank.SBPStatus(bg, reg.OrderID, "")
	if st.QRStatus() != "REJECTED" || st.TransactionState != "DECLINED" {
		t.Errorf("rejected in the bank app: %+v", st)
	}
	// the merchant withdraws a QR
	reg = h.register(h.bank, false, 1500)
	qr, _ := h.bank.SBPGetQR(bg, reg.OrderID, "")
	if ok, err := h.bank.SBPReject(bg, reg.OrderID, qr.QRID); !ok || err != nil {
		t.Errorf("reject: %v %v", ok, err)
	}
	if ok, _ := h.bank.SBPReject(bg, reg.OrderID, qr.QRID); ok {
		t.Error("rejected twice")
	}
	if p := h.page(qr.Payload); p.Status != http.StatusConflict {
		t.Errorf("withdrawn QR still payable: %d", p.Status)
	}
	// expiry
	reg = h.register(h.bank, false, 1500)
	qr, _ = h.bank.SBPGetQR(bg, reg.OrderID, "")
	h.mock.Advance(21 * time.Minute)
	st, _ = h.bank.SBPStatus(bg, reg.OrderID, qr.QRID)
	if st.QRStatus() != "REJECTED" || st.TransactionState != "DECLINED" {
		t.Errorf("expired QR: %+v", st)
	}
	if p := h.page(qr.Payload); p.Status != http.StatusConflict {
		t.Errorf("expired QR still payable: %d", p.Status)
	}
}

func TestReceiptsFollowTheOrder(t *testing.T) {
	h := newHarness(t)
	reg := h.registerFor("", 10000, true)
	if rs, err := h.bank.ReceiptStatus(bg, reg.OrderID); err != nil || len(rs) != 0 {
		t.Fatalf("unpaid: %+v %v", rs, err)
	}
	if err := h.bank.CloseReceipt(bg, reg.OrderID, 10000); !rbs.HasCode(err, rbs.CodeWrongState) {
		t.Errorf("closing an unpaid order: %v", err)
	}
	h.pay(reg.FormURL, "5555555555555599", "")
	if err := h.bank.Refund(bg, &rbs.RefundRequest{OrderID: reg.OrderID, Amount: 4000}); err != nil {
		t.Fatal(err)
	}
	if err := h.bank.CloseReceipt(bg, reg.OrderID, 6000); err != nil {
		t.Fatal(err)
	}
	rs, err := h.bank.ReceiptStatus(bg, reg.OrderID)
	if err != nil || len(rs) != 3 {
		t.Fatalf("receipts: %+v %v", rs, err)
	}
	if rs[0].ReceiptStatus != rbs.ReceiptPaymentDelivered || rs[0].AmountTotal != "100.00" || rs[1].ReceiptStatus != rbs.ReceiptRefundDelivered ||
		rs[1].AmountTotal != "40.00" || rs[2].ReceiptType != "close" {
		t.Errorf("receipts %+v", rs)
	}
	bad := h.registerReq(1000)
	bad.OrderBundle = json.RawMessage(`{"cartItems":{"items":[{"positionId":1,"name":"x","quantity":{"value":2,"measure":"0"},"itemAmount":1000,"itemPrice":400,"itemCode":"x"}]}}`)
	if _, err := h.bank.Register(bg, bad); !rbs.HasCode(err, rbs.CodeWrongParameter) {
		t.Errorf("itemAmount ≠ itemPrice × quantity: %v", err)
	}
}

func TestLastOrdersAddParamsInstantAndWallets(t *testing.T) {
	h := newHarness(t)
	paid := h.register(h.bank, false, 1000)
	h.pay(paid.FormURL, "5555555555555599", "")
	unpaid := h.register(h.bank, false, 2000)
	if err := h.bank.AddParams(bg, unpaid.OrderID, map[string]string{"crmOrder": "A-1"}); err != nil {
		t.Fatal(err)
	}
	if st := h.status(h.bank, unpaid.OrderID); len(st.MerchantOrderParams) != 1 || st.MerchantOrderParams[0].Value != "A-1" {
		t.Errorf("addParams: %+v", st.MerchantOrderParams)
	}
	page, err := h.bank.GetLastOrders(bg, &rbs.LastOrdersRequest{Size: 10, From: "20260310000000", To: "20260311000000", States: []string{"DEPOSITED"}})
	if err != nil || page.TotalCount != 1 || len(page.OrderStatuses) != 1 || page.OrderStatuses[0].OrderID() != paid.OrderID {
		t.Fatalf("last orders: %+v %v", page, err)
	}
	page, _ = h.bank.GetLastOrders(bg, &rbs.LastOrdersRequest{Size: 1, From: "20260310000000", To: "20260311000000", States: []string{"DEPOSITED", "CREATED"}})
	if page.TotalCount != 2 || len(page.OrderStatuses) != 1 {
		t.Errorf("paged: %+v", page)
	}
	ip, err := h.bank.InstantPayment(bg, &rbs.InstantPaymentRequest{Amount: 3000, BackURL: h.merchant.URL + "/return", PAN: "5555555555555599", CVC: "123", Expiry: "203012", Cardholder: "TEST CARDHOLDER"})
	if err != nil || ip.OrderID == "" || ip.OrderStatus == nil || ip.OrderStatus.OrderStatus != rbs.StatusDeposited {
		t.Fatalf("instantPayment: %+v %v", ip, err)
	}
	for _, w := range []struct{ method, way string }{{rbs.MethodApplePay, rbs.PaymentWayApplePay}, {rbs.MethodGooglePay, rbs.PaymentWayGooglePay}, {rbs.MethodSamsungPay, rbs.PaymentWaySamsungPay}} {
		res, err := h.bank.WalletPay(bg, &rbs.WalletPayRequest{Method: w.method, Merchant: "gatecheck", OrderNumber: h.orderNumber(), Token: []byte(`{"card":"1111"}`), Amount: 990})
		if err != nil || res.OrderID == "" {
			t.Fatalf("%s: %+v %v", w.method, res, err)
		}
		if st := h.status(h.bank, res.OrderID); st.Status() != rbs.StatusDeposited || st.PaymentWay != w.way {
			t.Errorf("%s: %v %s", w.method, st.Status(), st.PaymentWay)
		}
	}
	_, err = h.bank.WalletPay(bg, &rbs.WalletPayRequest{Method: rbs.MethodApplePay, Merchant: "gatecheck", OrderNumber: h.orderNumber(), Token: []byte(`{"card":"0119"}`), Amount: 990})
	if err == nil {
		t.Error("a declining wallet card paid")
	}
}

func TestOrderWithBindingIDAsksOnlyForTheCVC(t *testing.T) {
	h := newHarness(t)
	first := h.registerFor("client-cvc", 1000, false)
	h.pay(first.FormURL, "5555555555555599", "")
	bs, err := h.bank.GetBindings(bg, "client-cvc")
	if err != nil || len(bs) != 1 {
		t.Fatalf("%v %v", bs, err)
	}
	req := h.registerReq(500)
	req.ClientID, req.BindingID = "client-cvc", bs[0].BindingID
	reg, err := h.bank.Register(bg, req)
	if err != nil {
		t.Fatal(err)
	}
	page := h.page(reg.FormURL)
	if !strings.Contains(string(page.Body), "555555**5599") || strings.Contains(string(page.Body), `name="pan"`) {
		t.Fatalf("the page is not the CVC-only page:\n%s", page.Body)
	}
	if again := h.submit(page, map[string]string{"cvc": "12"}, "binding"); !strings.Contains(string(again.Body), "CVC") {
		t.Errorf("a 2-digit CVC was taken: %s", again.URL)
	}
	end := h.submit(page, map[string]string{"cvc": "123"}, "binding")
	if end.URL.Path != "/return" {
		t.Errorf("landed on %s", end.URL)
	}
	if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusDeposited || st.PaymentWay != rbs.PaymentWayCardBinding {
		t.Errorf("%v %s", st.Status(), st.PaymentWay)
	}
}

func TestRouterDirectPayment(t *testing.T) {
	h := newHarness(t)
	reg := h.register(h.router, false, 1000)
	pay, err := h.router.PaymentOrder(bg, &rbs.PaymentOrderRequest{OrderID: reg.OrderID, PAN: "5555555555555599", CVC: "123", Expiry: "203012", Cardholder: "TEST CARDHOLDER"})
	if err != nil || pay.Redirect == "" {
		t.Fatalf("%+v %v", pay, err)
	}
	if st := h.status(h.router, reg.OrderID); st.State != "DEPOSITED" {
		t.Errorf("router state %q", st.State)
	}
}
