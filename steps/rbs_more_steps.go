package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// Steps of the RBS methods merchants' own clients use beside the hosted
// payment page: bindings, SBP, direct payments with 3-D Secure, wallets,
// fiscal receipts, reconciliation, GET mode and strict JSON types.

// Evidence kinds of these scenarios.
const (
	EvidenceRBSBinding = "rbsBinding" // a stored card: binding id and masked card
	EvidenceRBSSBP     = "rbsSBP"     // an SBP QR payment: qrId, QR status, order state
	EvidenceRBSReceipt = "rbsReceipt" // an order's fiscal receipts
)

// stepRBSDirect is the Step of Evidence of cards sent by the merchant's
// own page (paymentorder.do).
const stepRBSDirect craftgate.Step = "RBS_DIRECT"

func rbsMoreDefinitions() []Definition {
	return []Definition{
		{`^the customer "([^"]+)" has paid a one-phase order of ` + reAmountCur + ` with test card "(\d+)"$`, rbsStep(4, (*World).rbsCustomerPaid)},
		{`^the gateway lists (\d+) bindings? for the customer "([^"]+)"$`, rbsStep(2, (*World).rbsListsBindings)},
		{`^the binding shows the card as "([0-9*]+)"(?: expiring "(\d{6})")?$`, rbsStep(2, (*World).rbsBindingShows)},
		{`^the merchant pays a new order of ` + reAmountCur + ` for the customer "([^"]+)" with the binding( and CVC "\d{3}")?$`, rbsStep(4, (*World).rbsPayWithBinding)},
		{`^the merchant (removes|restores) the binding$`, rbsStep(1, (*World).rbsToggleBinding)},
		{`^the merchant has registered an order of ` + reAmountCur + ` for the customer "([^"]+)" payable only with the binding$`, rbsStep(3, (*World).rbsRegisterForBinding)},
		{`^the payment page asks only for the CVC of the card "([0-9*]+)"$`, rbsStep(1, (*World).rbsPageAsksCVC)},
		{`^the payer pays with the stored card's CVC$`, rbsStep(0, (*World).rbsPayCVC)},
		{`^the merchant extends the binding to "(\d{6})"$`, rbsStep(1, (*World).rbsExtendBinding)},
		{`^the merchant stores test card "(\d+)" for the customer "([^"]+)" without a payment$`, rbsStep(2, (*World).rbsStoreCard)},
		{`^the bindings of test card "(\d+)" include the customer "([^"]+)"$`, rbsStep(2, (*World).rbsBindingsOfCard)},

		{`^the merchant asks for an SBP QR code for the order$`, rbsStep(0, (*World).rbsAskQR)},
		{`^the buyer (pays|rejects) in their bank app$`, rbsStep(1, (*World).rbsBankApp)},
		{`^the buyer's bank app refuses the QR code$`, rbsStep(0, (*World).rbsBankAppRefuses)},
		{`^the SBP QR status is "([A-Z_]+)" and the order is "([A-Z]+)"$`, rbsStep(2, (*World).rbsQRStatus)},
		{`^the merchant withdraws the SBP QR code$`, rbsStep(0, (*World).rbsWithdrawQR)},
		{`^the order's payment session expires$`, rbsStep(0, (*World).rbsSessionExpires)},

		{`^the merchant's page sends test card "(\d+)" with paymentorder\.do$`, rbsStep(1, (*World).rbsDirectPay)},
		{`^the gateway asks for 3-D Secure (1|2)$`, rbsStep(1, (*World).rbsAsks3DS)},
		{`^the merchant's page repeats paymentorder\.do with the 3-D Secure 2 transaction$`, rbsStep(0, (*World).rbsDirectPay2)},
		{`^the payer (confirms|fails) 3-D Secure at the ACS$`, rbsStep(1, (*World).rbsDirectACS)},
		{`^the merchant finishes 3-D Secure with the gateway$`, rbsStep(0, (*World).rbsDirectFinish)},
		{`^the classic order status is (\d) with the card "([0-9*]+)"$`, rbsStep(2, (*World).rbsClassicStatus)},
		{`^the gateway reports test card "(\d+)" as (enrolled|not enrolled) in 3-D Secure$`, rbsStep(2, (*World).rbsEnrollment)},

		{`^the buyer pays ` + reAmountCur + ` with (Apple Pay|Google Pay|Samsung Pay)$`, rbsStep(3, (*World).rbsWalletPay)},
		{`^the merchant pays ` + reAmountCur + ` in one call with test card "(\d+)"$`, rbsStep(3, (*World).rbsInstantPay)},

		{`^the merchant has registered a one-phase order of ` + reAmountCur + ` with a cart$`, rbsStep(2, (*World).rbsRegisterWithCart)},
		{`^the order has (\d+) fiscal receipts?$`, rbsStep(1, (*World).rbsReceiptCount)},
		{`^fiscal receipt (\d+) is a (payment|refund|closing) receipt of ` + reAmountCur + `$`, rbsStep(4, (*World).rbsReceiptIs)},
		{`^the merchant closes the receipt with ` + reAmountCur + `$`, rbsStep(2, (*World).rbsCloseReceipt)},

		{`^the merchant lists the orders of the order's time in states? "([A-Z,]+)"$`, rbsStep(1, (*World).rbsListOrders)},
		{`^the list (holds|lacks) the order$`, rbsStep(1, (*World).rbsListHolds)},
		{`^the merchant adds the parameter "([A-Za-z0-9_]+)" = "([^"]*)" to the order$`, rbsStep(2, (*World).rbsAddParam)},
		{`^the order carries the parameter "([A-Za-z0-9_]+)" = "([^"]*)"$`, rbsStep(2, (*World).rbsCarriesParam)},

		{`^the merchant's client sends every call as HTTP GET$`, rbsStep(0, (*World).rbsUseGET)},
		{`^an Alfa-Bank RBS mock answering every code as a (number|string)$`, rbsStep(1, (*World).rbsCodesMock)},
		{`^every answer of an order's life decodes into strictly typed structs$`, rbsStep(0, (*World).rbsStrictLife)},
	}
}

// --- bindings ---

func (w *World) rbsCustomerPaid(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := w.rbsRegisterFor(ctx, rw, a[0], a[1], a[2]); err != nil {
		return err
	}
	return w.rbsPayCard(ctx, rw, a[3])
}

// rbsRegisterFor registers a one-phase order for a customer (clientId).
func (w *World) rbsRegisterFor(ctx context.Context, rw *rbsWorld, client, amount, currency string) error {
	req, err := rw.parsedRequest(amount, currency)
	if err != nil {
		return err
	}
	req.ClientID = rw.customer(client)
	if err := w.rbsRegister(ctx, rw, rw.bankClient(), req, false); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the gateway refused the registration: %w", rw.err)
	}
	return nil
}

func (w *World) rbsListsBindings(ctx context.Context, rw *rbsWorld, a []string) error {
	want, _ := strconv.Atoi(a[0])
	bs, err := rw.bankClient().GetBindings(ctx, rw.customer(a[1]))
	if err != nil {
		return err
	}
	if len(bs) != want {
		return fmt.Errorf("the gateway lists %d bindings for %q, want %d", len(bs), a[1], want)
	}
	if len(bs) > 0 {
		rw.binding = &bs[0]
		w.note(EvidenceRBSBinding, bs[0].BindingID+" "+bs[0].MaskedPan, "")
	}
	return nil
}

func (w *World) rbsBindingShows(_ context.Context, rw *rbsWorld, a []string) error {
	if rw.binding == nil {
		return errors.New("steps: no binding listed in this scenario")
	}
	if rw.binding.MaskedPan != a[0] || (a[1] != "" && rw.binding.ExpiryDate != a[1]) {
		return fmt.Errorf("the binding shows %s expiring %s, want %s expiring %s", rw.binding.MaskedPan, rw.binding.ExpiryDate, a[0], a[1])
	}
	return nil
}

func (w *World) rbsPayWithBinding(ctx context.Context, rw *rbsWorld, a []string) error {
	if rw.binding == nil {
		return errors.New("steps: no binding listed in this scenario")
	}
	b := *rw.binding
	if err := w.rbsRegisterFor(ctx, rw, a[2], a[0], a[1]); err != nil {
		return err
	}
	rw.binding = &b
	cvc := ""
	if a[3] != "" {
		cvc = strings.Trim(strings.TrimPrefix(a[3], " and CVC "), `"`)
	}
	_, err := rw.bankClient().PaymentOrderBinding(ctx, rw.order.OrderID, b.BindingID, cvc)
	return rbsKeep(rw, err)
}

func (w *World) rbsRegisterForBinding(ctx context.Context, rw *rbsWorld, a []string) error {
	if rw.binding == nil {
		return errors.New("steps: no binding listed in this scenario")
	}
	b := *rw.binding
	req, err := rw.parsedRequest(a[0], a[1])
	if err != nil {
		return err
	}
	req.ClientID, req.BindingID = rw.customer(a[2]), b.BindingID
	if err := w.rbsRegister(ctx, rw, rw.bankClient(), req, false); err != nil {
		return err
	}
	rw.binding = &b
	if rw.err != nil {
		return fmt.Errorf("the gateway refused the registration: %w", rw.err)
	}
	return nil
}

func (w *World) rbsPageAsksCVC(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := w.rbsOpenPage(ctx, rw, nil); err != nil {
		return err
	}
	f, err := ParseForm(rw.page)
	if err != nil {
		return err
	}
	_, cvc := f.Get("cvc")
	_, pan := f.Get("pan")
	if !cvc || pan || !strings.Contains(pageText(rw.page.Body), a[0]) {
		return fmt.Errorf("the payment page is not the CVC-only page of %s: %s", a[0], truncateText(craftgate.MaskPANs(pageText(rw.page.Body)), 300))
	}
	return nil
}

func (w *World) rbsPayCVC(ctx context.Context, rw *rbsWorld, _ []string) error {
	return rw.press(ctx, rw.page, map[string]string{"cvc": "123"}, "binding")
}

func (w *World) rbsToggleBinding(ctx context.Context, rw *rbsWorld, a []string) error {
	if rw.binding == nil {
		return errors.New("steps: no binding listed in this scenario")
	}
	var err error
	if a[0] == "removes" {
		err = rw.bankClient().UnBindCard(ctx, rw.binding.BindingID)
	} else {
		err = rw.bankClient().BindCard(ctx, rw.binding.BindingID)
	}
	return rbsKeep(rw, err)
}

func (w *World) rbsExtendBinding(ctx context.Context, rw *rbsWorld, a []string) error {
	if rw.binding == nil {
		return errors.New("steps: no binding listed in this scenario")
	}
	return rbsKeep(rw, rw.bankClient().ExtendBinding(ctx, rw.binding.BindingID, a[0]))
}

func (w *World) rbsStoreCard(ctx context.Context, rw *rbsWorld, a []string) error {
	y := time.Now().Year() + 3
	b, err := rw.bankClient().CreateBindingNoPayment(ctx, rw.customer(a[1]), a[0], strconv.Itoa(y)+"12", "TEST CARDHOLDER")
	if err := rbsKeep(rw, err); err != nil {
		return err
	}
	if b != nil {
		rw.binding = b
		w.note(EvidenceRBSBinding, b.BindingID+" "+b.MaskedPan, "")
	}
	return nil
}

func (w *World) rbsBindingsOfCard(ctx context.Context, rw *rbsWorld, a []string) error {
	bs, err := rw.bankClient().GetBindingsByCard(ctx, a[0], "")
	if err != nil {
		return err
	}
	client := rw.customer(a[1])
	for _, b := range bs {
		if b.ClientID == client {
			return nil
		}
	}
	return fmt.Errorf("the %d bindings of %s do not include the customer %q", len(bs), craftgate.MaskPAN(a[0]), a[1])
}

// customer is the clientId of a customer named in a scenario: the name
// with a suffix of the scenario's own, so scenarios running at once (a
// load run against one gateway) never share a customer's bindings.
func (rw *rbsWorld) customer(name string) string {
	if rw.customers == nil {
		rw.customers = map[string]string{}
	}
	id, ok := rw.customers[name]
	if !ok {
		id = newOrderNumber(name)
		rw.customers[name] = id
	}
	return id
}

// --- SBP ---

func (w *World) rbsAskQR(ctx context.Context, rw *rbsWorld, _ []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	qr, err := rw.bankClient().SBPGetQR(ctx, rw.order.OrderID, "")
	if err := rbsKeep(rw, err); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the gateway refused the SBP QR code: %w", rw.err)
	}
	if qr.QRID == "" || qr.Payload == "" || qr.QRStatus() != "STARTED" {
		return fmt.Errorf("the SBP QR answer lacks qrId, payload or status STARTED: %+v", *qr)
	}
	rw.qr = qr
	return nil
}

// bankApp opens the SBP QR code's payload as the payer's bank app would.
func (rw *rbsWorld) bankApp(ctx context.Context) (Page, error) {
	qr, err := rw.requireQR()
	if err != nil {
		return Page{}, err
	}
	return rw.browser.get(ctx, qr.Payload)
}

func (w *World) rbsBankApp(ctx context.Context, rw *rbsWorld, a []string) error {
	p, err := rw.bankApp(ctx)
	if err != nil {
		return err
	}
	if p.Status != http.StatusOK {
		return fmt.Errorf("the bank app answered HTTP %d: %s", p.Status, truncateText(pageText(p.Body), 200))
	}
	action := "pay"
	if a[0] == "rejects" {
		action = "reject"
	}
	return rw.press(ctx, p, nil, action)
}

func (w *World) rbsBankAppRefuses(ctx context.Context, rw *rbsWorld, _ []string) error {
	p, err := rw.bankApp(ctx)
	if err != nil {
		return err
	}
	if p.Status == http.StatusOK {
		if f, err := ParseForm(p); err == nil {
			if _, payable := f.Get("qrId"); payable {
				return errors.New("the bank app still offers to pay the QR code")
			}
		}
	}
	return nil
}

func (w *World) rbsQRStatus(ctx context.Context, rw *rbsWorld, a []string) error {
	qr, err := rw.requireQR()
	if err != nil {
		return err
	}
	st, err := rw.bankClient().SBPStatus(ctx, rw.order.OrderID, qr.QRID)
	if err != nil {
		return err
	}
	w.note(EvidenceRBSSBP, rw.qr.QRID+" "+st.QRStatus()+" "+st.TransactionState, "")
	if st.QRStatus() != a[0] || st.TransactionState != a[1] {
		return fmt.Errorf("SBP QR status %s, order %s; want %s, %s", st.QRStatus(), st.TransactionState, a[0], a[1])
	}
	return nil
}

func (w *World) rbsWithdrawQR(ctx context.Context, rw *rbsWorld, _ []string) error {
	qr, err := rw.requireQR()
	if err != nil {
		return err
	}
	ok, err := rw.bankClient().SBPReject(ctx, rw.order.OrderID, qr.QRID)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("the gateway did not reject the SBP QR code")
	}
	return nil
}

func (w *World) rbsSessionExpires(ctx context.Context, rw *rbsWorld, _ []string) error {
	return w.advanceRBSClock(ctx, rw, rbsmock.DefaultSessionTimeout+time.Minute)
}

// --- direct payments (paymentorder.do) ---

func (w *World) rbsDirectPay(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	tc, _ := rbs.TestCards().Card(a[0])
	rw.card = tc
	rw.direct = &rbs.PaymentOrderRequest{OrderID: rw.order.OrderID, PAN: a[0], CVC: "123",
		Expiry: strconv.Itoa(time.Now().Year()+3) + "12", Cardholder: "TEST CARDHOLDER",
		TermURL: strings.TrimRight(rw.target.MerchantURL, "/") + "/term", ThreeDSVer2FinishURL: strings.TrimRight(rw.target.MerchantURL, "/") + "/term"}
	w.note(EvidenceCard, craftgate.MaskPAN(a[0]), stepRBSDirect)
	var err error
	rw.pay, err = rw.bankClient().PaymentOrder(ctx, rw.direct)
	return rbsKeep(rw, err)
}

func (w *World) rbsAsks3DS(_ context.Context, rw *rbsWorld, a []string) error {
	if rw.err != nil {
		return fmt.Errorf("paymentorder.do was refused: %w", rw.err)
	}
	if rw.pay == nil {
		return errors.New("steps: no direct payment sent")
	}
	if a[0] == "2" {
		if !rw.pay.Is3DSVer2 || rw.pay.ThreeDSServerTransID == "" {
			return fmt.Errorf("the gateway did not start 3-D Secure 2: %+v", *rw.pay)
		}
		return nil
	}
	if rw.pay.AcsURL == "" || rw.pay.PaReq == "" || rw.pay.TermURL == "" {
		return fmt.Errorf("the gateway did not answer acsUrl, paReq and termUrl: %+v", *rw.pay)
	}
	return nil
}

func (w *World) rbsDirectPay2(ctx context.Context, rw *rbsWorld, _ []string) error {
	if rw.pay == nil || rw.direct == nil {
		return errors.New("steps: no direct payment sent")
	}
	rw.direct.ThreeDSServerTransID = rw.pay.ThreeDSServerTransID
	next, err := rw.bankClient().PaymentOrder(ctx, rw.direct)
	if err := rbsKeep(rw, err); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the second paymentorder.do was refused: %w", rw.err)
	}
	if next.AcsURL == "" || next.PackedCReq == "" {
		return fmt.Errorf("the second paymentorder.do answered no acsUrl and packedCReq: %+v", *next)
	}
	rw.tds2 = rw.pay.ThreeDSServerTransID
	rw.pay = next
	return nil
}

// rbsDirectACS posts to the ACS as the merchant's page does (PaReq, MD
// and TermUrl; creq for 3-D Secure 2), then answers the challenge.
func (w *World) rbsDirectACS(ctx context.Context, rw *rbsWorld, a []string) error {
	if rw.pay == nil || rw.pay.AcsURL == "" {
		return errors.New("steps: the gateway gave no ACS address")
	}
	form := url.Values{"PaReq": {rw.pay.PaReq}, "MD": {rw.order.OrderID}, "TermUrl": {rw.direct.TermURL}}
	if rw.tds2 != "" {
		form = url.Values{"creq": {rw.pay.PackedCReq}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rw.pay.AcsURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p, err := rw.browser.do(req)
	if err != nil {
		return err
	}
	rw.page = p
	password := "00000000-wrong"
	if a[0] == "confirms" && rw.card != nil {
		password = rw.card.Password
	}
	return w.rbsACS(ctx, rw, password, "confirm")
}

func (w *World) rbsDirectFinish(ctx context.Context, rw *rbsWorld, _ []string) error {
	if rw.page.URL == nil {
		return errors.New("steps: the payer did not come back from the ACS")
	}
	q := rw.page.URL.Query()
	var err error
	if rw.tds2 != "" {
		if q.Get("threeDSServerTransID") != rw.tds2 {
			return fmt.Errorf("the ACS returned to %s without the 3-D Secure 2 transaction", redactedURL(rw.page.URL))
		}
		_, err = rw.bankClient().Finish3DSVer2(ctx, rw.tds2, rw.order.OrderID)
	} else {
		if q.Get("PaRes") == "" || q.Get("MD") != rw.order.OrderID {
			return fmt.Errorf("the ACS returned to %s without MD and PaRes", redactedURL(rw.page.URL))
		}
		_, err = rw.bankClient().Finish3DS(ctx, rw.order.OrderID, q.Get("PaRes"))
	}
	if err := rbsKeep(rw, err); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the gateway refused to finish 3-D Secure: %w", rw.err)
	}
	return nil
}

func (w *World) rbsClassicStatus(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	st, err := rw.bankClient().GetOrderStatus(ctx, &rbs.StatusRequest{OrderID: rw.order.OrderID})
	if err != nil {
		return err
	}
	if strconv.Itoa(int(st.OrderStatus)) != a[0] || st.Pan != a[1] {
		return fmt.Errorf("getOrderStatus.do: OrderStatus %d, Pan %s; want %s, %s", st.OrderStatus, st.Pan, a[0], a[1])
	}
	return nil
}

func (w *World) rbsEnrollment(ctx context.Context, rw *rbsWorld, a []string) error {
	en, err := rw.bankClient().VerifyEnrollment(ctx, a[0])
	if err != nil {
		return err
	}
	if en.Enrolled() != (a[1] == "enrolled") {
		return fmt.Errorf("verifyEnrollment.do says isEnrolled=%s for %s, want %s", en.IsEnrolled, craftgate.MaskPAN(a[0]), a[1])
	}
	return nil
}

// --- wallets and instant payments ---

var walletMethods = map[string]string{"Apple Pay": rbs.MethodApplePay, "Google Pay": rbs.MethodGooglePay, "Samsung Pay": rbs.MethodSamsungPay}

func (w *World) rbsWalletPay(ctx context.Context, rw *rbsWorld, a []string) error {
	minor, err := minorOf(a[0], a[1])
	if err != nil {
		return err
	}
	number := newOrderNumber("gc-wallet")
	// The mock's wallet tokens are readable JSON naming a wallet card; a
	// real gateway needs the wallet's own encrypted token.
	res, err := rw.bankClient().WalletPay(ctx, &rbs.WalletPayRequest{Method: walletMethods[a[2]], Merchant: rw.target.UserName,
		OrderNumber: number, Token: []byte(`{"card":"1111"}`), Amount: minor,
		ReturnURL: strings.TrimRight(rw.target.MerchantURL, "/") + rbs.ReceiverReturnPath})
	if err := rbsKeep(rw, err); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the %s payment was refused: %w", a[2], rw.err)
	}
	rw.client, rw.request = rw.bankClient(), &rbs.RegisterRequest{OrderNumber: number, Amount: minor}
	rw.order = &rbs.RegisterResponse{OrderID: res.OrderID}
	w.note(EvidenceRBSOrder, res.OrderID+" (orderNumber "+number+")", "")
	return nil
}

func (w *World) rbsInstantPay(ctx context.Context, rw *rbsWorld, a []string) error {
	minor, err := minorOf(a[0], a[1])
	if err != nil {
		return err
	}
	base := strings.TrimRight(rw.target.MerchantURL, "/")
	res, err := rw.bankClient().InstantPayment(ctx, &rbs.InstantPaymentRequest{Amount: minor, BackURL: base + rbs.ReceiverReturnPath,
		FailURL: base + rbs.ReceiverFailPath, PAN: a[2], CVC: "123", Expiry: strconv.Itoa(time.Now().Year()+3) + "12", Cardholder: "TEST CARDHOLDER"})
	if err := rbsKeep(rw, err); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("instantPayment.do was refused: %w", rw.err)
	}
	w.note(EvidenceCard, craftgate.MaskPAN(a[2]), stepRBSDirect)
	rw.client, rw.request = rw.bankClient(), &rbs.RegisterRequest{Amount: minor}
	rw.order = &rbs.RegisterResponse{OrderID: res.OrderID}
	return nil
}

// --- fiscal receipts ---

func (w *World) rbsRegisterWithCart(ctx context.Context, rw *rbsWorld, a []string) error {
	req, err := rw.parsedRequest(a[0], a[1])
	if err != nil {
		return err
	}
	half := req.Amount / 2
	req.OrderBundle = json.RawMessage(fmt.Sprintf(`{"customerDetails":{"email":"buyer@example.com"},"cartItems":{"items":[`+
		`{"positionId":1,"name":"Test item","quantity":{"value":1,"measure":"0"},"itemAmount":%d,"itemPrice":%d,"itemCode":"GC-1","tax":{"taxType":0}},`+
		`{"positionId":2,"name":"Delivery","quantity":{"value":1,"measure":"0"},"itemAmount":%d,"itemPrice":%d,"itemCode":"GC-2","tax":{"taxType":0}}]}}`,
		half, half, req.Amount-half, req.Amount-half))
	if err := w.rbsRegister(ctx, rw, rw.bankClient(), req, false); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the gateway refused the registration: %w", rw.err)
	}
	return nil
}

func (w *World) rbsReceipts(ctx context.Context, rw *rbsWorld) ([]rbs.Receipt, error) {
	if err := rw.needOrder(); err != nil {
		return nil, err
	}
	rs, err := rw.bankClient().ReceiptStatus(ctx, rw.order.OrderID)
	if err != nil {
		return nil, err
	}
	var note []string
	for _, r := range rs {
		kind := "payment"
		switch {
		case r.ReceiptType == "close":
			kind = "closing"
		case r.ReceiptStatus == rbs.ReceiptRefundSent || r.ReceiptStatus == rbs.ReceiptRefundDelivered:
			kind = "refund"
		}
		note = append(note, kind+" "+r.AmountTotal)
	}
	w.note(EvidenceRBSReceipt, rw.order.OrderID+": "+strings.Join(note, ", "), "")
	return rs, nil
}

func (w *World) rbsReceiptCount(ctx context.Context, rw *rbsWorld, a []string) error {
	rs, err := w.rbsReceipts(ctx, rw)
	if err != nil {
		return err
	}
	if strconv.Itoa(len(rs)) != a[0] {
		return fmt.Errorf("the order has %d fiscal receipts, want %s", len(rs), a[0])
	}
	return nil
}

func (w *World) rbsReceiptIs(ctx context.Context, rw *rbsWorld, a []string) error {
	rs, err := w.rbsReceipts(ctx, rw)
	if err != nil {
		return err
	}
	i, _ := strconv.Atoi(a[0])
	if i < 1 || i > len(rs) {
		return fmt.Errorf("the order has %d fiscal receipts, no receipt %d", len(rs), i)
	}
	r := rs[i-1]
	minor, err := minorOf(a[2], a[3])
	if err != nil {
		return err
	}
	cur, _ := rbs.CurrencyOf(a[3])
	wantStatus := map[string]int64{"payment": rbs.ReceiptPaymentDelivered, "refund": rbs.ReceiptRefundDelivered, "closing": rbs.ReceiptPaymentDelivered}[a[1]]
	closing := r.ReceiptType == "close"
	if int64(r.ReceiptStatus) != wantStatus || closing != (a[1] == "closing") || r.AmountTotal != rbs.FormatMinor(minor, cur) {
		return fmt.Errorf("receipt %d: status %d type %q amount %s, want a delivered %s receipt of %s", i, r.ReceiptStatus, r.ReceiptType, r.AmountTotal, a[1], rbs.FormatMinor(minor, cur))
	}
	return nil
}

func (w *World) rbsCloseReceipt(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	minor, err := minorOf(a[0], a[1])
	if err != nil {
		return err
	}
	return rbsKeep(rw, rw.bankClient().CloseReceipt(ctx, rw.order.OrderID, minor))
}

// --- reconciliation and order parameters ---

func (w *World) rbsListOrders(ctx context.Context, rw *rbsWorld, a []string) error {
	// The period is the minutes around the order's registration, read on
	// the gateway's own clock (its "date"): short, so a gateway full of
	// other orders (a load run) still lists few.
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	now := time.UnixMilli(int64(st.Date))
	msk := time.FixedZone("MSK", 3*3600)
	from, to := now.Add(-time.Minute).In(msk), now.Add(time.Minute).In(msk)
	rw.orders = nil
	for page := 0; page < 50; page++ {
		got, err := rw.bankClient().GetLastOrders(ctx, &rbs.LastOrdersRequest{Size: 200, Page: page, From: from.Format("20060102150405"),
			To: to.Format("20060102150405"), States: strings.Split(a[0], ",")})
		if err != nil {
			return err
		}
		rw.orders = append(rw.orders, got.OrderStatuses...)
		if len(got.OrderStatuses) == 0 || len(rw.orders) >= int(got.TotalCount) {
			return nil
		}
	}
	return nil
}

func (w *World) rbsListHolds(_ context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	found := false
	for i := range rw.orders {
		if rw.orders[i].OrderID() == rw.order.OrderID {
			found = true
		}
	}
	if found != (a[0] == "holds") {
		return fmt.Errorf("the reconciliation list of %d orders %s the order, want it to %s it", len(rw.orders), map[bool]string{true: "holds", false: "lacks"}[found], strings.TrimSuffix(a[0], "s"))
	}
	return nil
}

func (w *World) rbsAddParam(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	return rbsKeep(rw, rw.bankClient().AddParams(ctx, rw.order.OrderID, map[string]string{a[0]: a[1]}))
}

func (w *World) rbsCarriesParam(ctx context.Context, rw *rbsWorld, a []string) error {
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	for _, nv := range st.MerchantOrderParams {
		if nv.Name == a[0] && nv.Value == a[1] {
			return nil
		}
	}
	return fmt.Errorf("merchantOrderParams %v lack %s=%s", st.MerchantOrderParams, a[0], a[1])
}

// --- GET mode and strict JSON types ---

func (w *World) rbsUseGET(_ context.Context, rw *rbsWorld, _ []string) error {
	t := rw.target
	auth := rbs.WithCredentials(t.UserName, t.Password)
	if t.Token != "" {
		auth = rbs.WithToken(t.Token)
	}
	c, err := rbs.New(rbs.WithBaseURL(t.BaseURL), auth, rbs.WithDoer(rw.browser.doer), rbs.WithGET())
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	rw.bank, rw.client = c, nil
	return nil
}

// rbsCodesMock gives the scenario an in-process RBS mock of its own whose
// every errorCode and actionCode is one JSON type.
func (w *World) rbsCodesMock(_ context.Context, rw *rbsWorld, a []string) error {
	t, closeFn, err := embeddedRBS(a[0])
	if err != nil {
		return err
	}
	if rw.closeFn != nil {
		_ = rw.closeFn()
	}
	nw := &rbsWorld{target: t, closeFn: closeFn, embedded: true, browser: browser{doer: t.Doer}, codes: a[0]}
	if nw.bank, err = rbs.New(rbs.WithBaseURL(t.BaseURL), rbs.WithCredentials(t.UserName, t.Password), rbs.WithDoer(t.Doer)); err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	*rw = *nw
	return nil
}

// rbsStrictLife walks an order's life through every kind of answer and
// decodes each into the strict types of the mock's code mode.
func (w *World) rbsStrictLife(ctx context.Context, rw *rbsWorld, _ []string) error {
	switch rw.codes {
	case "string":
		return strictLife[string](ctx, w, rw)
	case "number":
		return strictLife[int](ctx, w, rw)
	}
	return errors.New("steps: strict decoding needs a mock answering every code as one type")
}

func strictLife[C rbs.StrictCode](ctx context.Context, w *World, rw *rbsWorld) error {
	c := rw.bankClient()
	call := func(method string, out any, p ...rbs.Param) error {
		_, body, err := c.Raw(ctx, method, p)
		if err != nil {
			return err
		}
		return rbs.DecodeStrict(method, body, out)
	}
	am, _ := ParseAmount("150.00")
	req, err := rw.newRequest(am, "RUB")
	if err != nil {
		return err
	}
	req.ClientID = "strict-client"
	var reg rbs.StrictRegister[C]
	if err := call(rbs.MethodRegister, &reg, rbs.Str("orderNumber", req.OrderNumber), rbs.Int("amount", req.Amount),
		rbs.Str("returnUrl", req.ReturnURL), rbs.Str("clientId", req.ClientID),
		rbs.Raw("orderBundle", []byte(`{"cartItems":{"items":[{"positionId":1,"name":"x","quantity":{"value":1,"measure":"0"},"itemAmount":15000,"itemCode":"x"}]}}`))); err != nil {
		return err
	}
	id := rbs.Str("orderId", reg.OrderID)
	var st rbs.StrictStatus[C]
	if err := call(rbs.MethodGetOrderStatusExtended, &st, id); err != nil {
		return err
	}
	var dep rbs.StrictError[C] // deposit of an unpaid order: an error answer
	if err := call(rbs.MethodDeposit, &dep, id, rbs.Int("amount", 0)); err != nil {
		return err
	}
	var qr rbs.StrictSBP[C]
	if err := call(rbs.MethodSBPGetQR, &qr, rbs.Str("mdOrder", reg.OrderID)); err != nil {
		return err
	}
	if err := call(rbs.MethodSBPReject, &qr, rbs.Str("mdOrder", reg.OrderID)); err != nil {
		return err
	}
	var pay rbs.StrictPayment[C]
	if err := call(rbs.MethodPaymentOrder, &pay, rbs.Str("MDORDER", reg.OrderID), rbs.Str("$PAN", "5555555555555599"),
		rbs.Str("$CVC", "123"), rbs.Str("$EXPIRY", strconv.Itoa(time.Now().Year()+3)+"12"), rbs.Str("TEXT", "TEST CARDHOLDER"), rbs.Str("language", "en")); err != nil {
		return err
	}
	if err := call(rbs.MethodGetOrderStatusExtended, &st, id); err != nil {
		return err
	}
	if st.OrderStatus != int(rbs.StatusDeposited) {
		return fmt.Errorf("strict life: orderStatus %d after paying", st.OrderStatus)
	}
	var classic rbs.StrictClassicStatus[C]
	if err := call(rbs.MethodGetOrderStatus, &classic, id); err != nil {
		return err
	}
	var op rbs.StrictError[C]
	if err := call(rbs.MethodRefund, &op, id, rbs.Int("amount", 5000)); err != nil {
		return err
	}
	if err := call(rbs.MethodGetOrderStatusExtended, &st, id); err != nil {
		return err
	}
	if len(st.Refunds) != 1 {
		return fmt.Errorf("strict life: %d refunds", len(st.Refunds))
	}
	var bs rbs.StrictBindings[C]
	if err := call(rbs.MethodGetBindings, &bs, rbs.Str("clientId", req.ClientID)); err != nil {
		return err
	}
	var rs rbs.StrictReceipts[C]
	if err := call(rbs.MethodGetReceiptStatus, &rs, id); err != nil {
		return err
	}
	now := rw.target.Mock.Now()
	var lo rbs.StrictLastOrders[C]
	if err := call(rbs.MethodGetLastOrders, &lo, rbs.Int("size", 10), rbs.Str("from", now.Add(-time.Hour).Format("20060102150405")),
		rbs.Str("to", now.Add(time.Hour).Format("20060102150405")), rbs.Str("transactionStates", "REFUNDED")); err != nil {
		return err
	}
	if lo.TotalCount != 1 || len(bs.Bindings) != 1 || len(rs.Receipt) != 2 || st.ErrorCode == nil || dep.ErrorCode == nil {
		return fmt.Errorf("strict life: %d listed orders, %d bindings, %d receipts", lo.TotalCount, len(bs.Bindings), len(rs.Receipt))
	}
	return nil
}
