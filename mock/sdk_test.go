package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The requests of this file are the bodies Craftgate's official clients
// build (the Go client's adapter types, the Node, Java and PHP samples),
// sent byte for byte, so that what works with an official SDK against the
// sandbox works against the mock.

// sdkCall sends a raw JSON body and fails unless the answer has status.
func sdkCall(t *testing.T, m http.Handler, method, path, body string, status int) map[string]any {
	t.Helper()
	var in any
	if body != "" {
		in = []byte(body)
	}
	w := do(t, m, method, path, in)
	if w.Code != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, w.Code, status, w.Body.String())
	}
	if w.Body.Len() == 0 {
		return nil
	}
	var env struct {
		Data   map[string]any `json:"data"`
		Errors map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, w.Body.String())
	}
	if env.Errors != nil {
		return env.Errors
	}
	return env.Data
}

// sdkItems is the basket of the official samples.
const sdkItems = `"items":[{"name":"Item 1","price":0.4,"externalId":"123d1297-839e-4bd6-a13b-4be31a6e12a8"},{"name":"Item 2","price":0.6,"externalId":"789d1297-839e-4bd6-a13b-4be31a6e13f7"}]`

func TestSDKFraudRequests(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	// Every official client types operationId as a string; the Go client
	// always sends paymentId (0 when unset) on value-list requests.
	sdkCall(t, m, http.MethodPost, craftgate.PathFraudValueLists, `{"listName":"sdkCards","type":"CARD","paymentId":0}`, http.StatusOK)
	sdkCall(t, m, http.MethodPost, craftgate.PathFraudValueLists+"/sdkCards/card-fingerprints",
		fmt.Sprintf(`{"label":"sdk","operation":"PAYMENT","operationId":"%d","durationInSeconds":60}`, p.ID), http.StatusOK)
	l := getFraudList(t, m, "sdkCards")
	if len(l.Values) != 1 || !uuidShape.MatchString(l.Values[0].ID) {
		t.Fatalf("list %+v: want one value with a UUID id, like the sandbox's", l)
	}
	// A number is read too; an operationId that names no payment is a 404.
	sdkCall(t, m, http.MethodPost, craftgate.PathFraudValueLists+"/sdkCards/card-fingerprints",
		fmt.Sprintf(`{"operation":"PAYMENT","operationId":%d}`, p.ID), http.StatusOK)
	if e := sdkCall(t, m, http.MethodPost, craftgate.PathFraudValueLists+"/sdkCards/card-fingerprints",
		`{"operation":"PAYMENT","operationId":"not-a-payment"}`, http.StatusNotFound); e["errorCode"] != CodePaymentNotFound {
		t.Errorf("unknown operationId: %v", e)
	}
	// Value ids are strings in the clients: a UUID is an unknown value (404
	// in the envelope), never an unknown route.
	e := sdkCall(t, m, http.MethodDelete, craftgate.PathFraudValueLists+"/sdkCards/values/8b970491-517d-40ea-bdde-40e6989e4fa6", "", http.StatusNotFound)
	if e["errorCode"] != CodeFraudListNotFound {
		t.Errorf("UUID value id: %v", e)
	}
	sdkCall(t, m, http.MethodDelete, craftgate.PathFraudValueLists+"/sdkCards/values/"+l.Values[0].ID, "", http.StatusOK)
	if l := getFraudList(t, m, "sdkCards"); len(l.Values) != 0 {
		t.Errorf("after the removal: %+v", l)
	}
}

func TestSDKProductRequests(t *testing.T) {
	m := newTestMock(t)
	// The Go client: no description (omitempty), expiresAt a time.Time
	// (RFC 3339 with Z and nanoseconds).
	for _, exp := range []string{"2025-07-01T10:00:00.123456789Z", "2025-07-01T13:00:00+03:00", "2025-07-01T13:00:00.000", "2025-07-01T13:00:00"} {
		got := sdkCall(t, m, http.MethodPost, craftgate.PathProducts,
			`{"name":"A3 Kağıt","price":10.25,"currency":"TRY","enabledInstallments":[1,2,3],"expiresAt":"`+exp+`"}`, http.StatusOK)
		if got["description"] != "" || got["expiresAt"] != "2025-07-01T13:00:00" {
			t.Errorf("expiresAt %s: answered %v / %q", exp, got["expiresAt"], got["description"])
		}
		id := int64(got["id"].(float64))
		got = sdkCall(t, m, http.MethodPut, craftgate.PathProducts+"/"+itoa(id),
			`{"name":"A4 Kağıt","status":"ACTIVE","price":11,"currency":"TRY","enabledInstallments":[1],"expiresAt":"`+exp+`"}`, http.StatusOK)
		if got["name"] != "A4 Kağıt" || got["expiresAt"] != "2025-07-01T13:00:00" {
			t.Errorf("update: %v", got)
		}
	}
}

func TestSDKWalletRequests(t *testing.T) {
	m := newTestMock(t)
	mb := createMember(t, m, buyerReq("sdk-buyer"))
	w := createWallet(t, m, mb.ID, "0")
	// The Java sample updates the limit to -10 and expects -10 back.
	got := sdkCall(t, m, http.MethodPut, craftgate.MemberWalletsPath(mb.ID)+"/"+itoa(w.ID), `{"negativeAmountLimit":-10}`, http.StatusOK)
	if got["negativeAmountLimit"] != -10.0 {
		t.Fatalf("wallet %v", got)
	}
	// Deposits without currency (the clients mark it omitempty; the
	// fund-transfer request has no currency field at all): TRY.
	sdkCall(t, m, http.MethodPost, craftgate.PathDepositsFundTransfer, fmt.Sprintf(`{"price":20,"buyerMemberId":%d,"conversationId":"c1"}`, mb.ID), http.StatusOK)
	dep := sdkCall(t, m, http.MethodPost, craftgate.PathDeposits, fmt.Sprintf(`{"price":100,"buyerMemberId":%d,"conversationId":"c2",`+
		`"card":{"cardHolderName":"Haluk Demir","cardNumber":"5258640000000001","expireYear":"2044","expireMonth":"07","cvc":"000"}}`, mb.ID), http.StatusOK)
	if dep["currency"] != "TRY" {
		t.Errorf("deposit %v", dep)
	}
	sdkCall(t, m, http.MethodPost, craftgate.PathDepositsThreeDSInit, fmt.Sprintf(`{"price":100,"buyerMemberId":%d,"callbackUrl":"https://www.your-website.com/cb",`+
		`"card":{"cardHolderName":"Haluk Demir","cardNumber":"5258640000000001","expireYear":"2044","expireMonth":"07","cvc":"000"}}`, mb.ID), http.StatusOK)
	// A stored card tops up the wallet (CreateDepositPaymentWithStoredCard).
	sc := storeCard(t, m, storeReq(successCard))
	sdkCall(t, m, http.MethodPost, craftgate.PathDeposits, fmt.Sprintf(`{"price":100,"buyerMemberId":%d,"card":{"cardUserKey":%q,"cardToken":%q}}`,
		mb.ID, sc.CardUserKey, sc.CardToken), http.StatusOK)
	// And a 3-D Secure top-up (InitThreeDSDepositPaymentWithStoredCard).
	sdkCall(t, m, http.MethodPost, craftgate.PathDepositsThreeDSInit, fmt.Sprintf(`{"price":100,"buyerMemberId":%d,"callbackUrl":"https://www.your-website.com/cb",`+
		`"card":{"cardUserKey":%q,"cardToken":%q}}`, mb.ID, sc.CardUserKey, sc.CardToken), http.StatusOK)
	// Remittances without currency.
	sdkCall(t, m, http.MethodPost, craftgate.PathRemittancesSend, fmt.Sprintf(`{"memberId":%d,"price":5,"description":"bonus","remittanceReasonType":"REDEEM_ONLY_LOYALTY"}`, mb.ID), http.StatusOK)
	// The balance is 20+100+100+5 = 225; with a limit of -10 the wallet
	// pays 235 and not a kuruş more.
	if got := memberWallet(t, m, mb.ID); !amountEq(got.Amount, "225") || !amountEq(got.NegativeAmountLimit, "-10") {
		t.Fatalf("wallet %+v", got)
	}
	sdkCall(t, m, http.MethodPost, craftgate.PathRemittancesReceive, fmt.Sprintf(`{"memberId":%d,"price":235.01,"description":"x","remittanceReasonType":"REDEEM_ONLY_LOYALTY"}`, mb.ID), http.StatusBadRequest)
	sdkCall(t, m, http.MethodPost, craftgate.PathRemittancesReceive, fmt.Sprintf(`{"memberId":%d,"price":235,"description":"x","remittanceReasonType":"REDEEM_ONLY_LOYALTY"}`, mb.ID), http.StatusOK)
}

func TestSDKPaymentRequests(t *testing.T) {
	m := newTestMock(t)
	// The multi-currency card of the official samples.
	got := sdkCall(t, m, http.MethodPost, craftgate.PathCardPayments, `{"price":100.0,"paidPrice":100.0,"walletPrice":0.0,"installment":1,`+
		`"conversationId":"456d1297-908e-4bd6-a13b-4be31a6e47d5","currency":"USD","paymentGroup":"LISTING_OR_SUBSCRIPTION",`+
		`"card":{"cardHolderName":"Haluk Demir","cardNumber":"5400010000000004","expireYear":"2044","expireMonth":"07","cvc":"000"},`+
		`"items":[{"name":"Item 1","price":30.0},{"name":"Item 2","price":50.0},{"name":"Item 3","price":20.0}],"retry":false}`, http.StatusOK)
	if got["paymentStatus"] != "SUCCESS" || got["currency"] != "USD" {
		t.Errorf("multi-currency payment %v", got)
	}
	// First 6 and last 4 digits with the holder's identity number.
	got = sdkCall(t, m, http.MethodPost, craftgate.PathCardPayments, `{"price":100.0,"paidPrice":100.0,"walletPrice":0.0,"installment":1,`+
		`"currency":"TRY","paymentGroup":"LISTING_OR_SUBSCRIPTION","card":{"cardHolderIdentityNumber":"12345678900","binNumber":"404308","lastFourDigits":"0003"},`+
		`"items":[{"name":"Item 1","price":30.0},{"name":"Item 2","price":50.0},{"name":"Item 3","price":20.0}]}`, http.StatusOK)
	if got["paymentStatus"] != "SUCCESS" || got["binNumber"] != "40430800" || got["lastFourDigits"] != "0003" {
		t.Errorf("first 6 / last 4 payment %v", got)
	}
	// A bank campaign (CreatePaymentWithAdditionalInstallment) is accepted
	// and echoed, without a reward.
	got = sdkCall(t, m, http.MethodPost, craftgate.PathCardPayments, `{"price":100.0,"paidPrice":100.0,"walletPrice":0.0,"installment":1,`+
		`"currency":"TRY","paymentGroup":"LISTING_OR_SUBSCRIPTION","card":{"cardHolderName":"Haluk Demir","cardNumber":"4043080000000003",`+
		`"expireYear":"2044","expireMonth":"07","cvc":"000","loyalty":{"type":"ADDITIONAL_INSTALLMENT"}},`+
		`"items":[{"name":"Item 1","price":30.0},{"name":"Item 2","price":50.0},{"name":"Item 3","price":20.0}]}`, http.StatusOK)
	if l, _ := got["loyalty"].(map[string]any); got["paymentStatus"] != "SUCCESS" || l["type"] != "ADDITIONAL_INSTALLMENT" || l["reward"] != nil {
		t.Errorf("additional installment payment %v", got)
	}
	for name, card := range map[string]string{
		"no identity":  `{"binNumber":"404308","lastFourDigits":"0003"}`,
		"no such card": `{"cardHolderIdentityNumber":"12345678900","binNumber":"404308","lastFourDigits":"9999"}`,
	} {
		if e := sdkCall(t, m, http.MethodPost, craftgate.PathCardPayments, `{"price":1,"paidPrice":1,"currency":"TRY","card":`+card+
			`,"items":[{"name":"x","price":1}]}`, http.StatusBadRequest); e["errorCode"] == nil {
			t.Errorf("%s: %v", name, e)
		}
	}
}

// TestSDKThreeDSStoreCard: storeCardAfterSuccessPayment on a 3-D Secure
// payment (InitThreeDSPaymentAndStoreCard) stores the card when the bank
// takes the money: at 3ds-complete in the 3D model, at verification in
// 3D_PAY; the payment answers its keys.
func TestSDKThreeDSStoreCard(t *testing.T) {
	for _, model := range []string{ThreeDSModel3D, ThreeDSModel3DPay} {
		t.Run(model, func(t *testing.T) {
			rc := startReceiver(t)
			l := startLive(t, func(c *Config) { c.Settings.ThreeDSModel = model })
			ctx := context.Background()
			req := threeDSRequest(successCard, rc.callbackURL(), false)
			req.Card.StoreCardAfterSuccessPayment, req.Card.CardAlias = true, "My YKB Card"
			init, err := l.client.InitThreeDSPayment(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t)
			acs, _ := l.acsPage(t, b, init)
			l.answerACS(t, b, acs, "verify")
			var p *craftgate.Payment
			if model == ThreeDSModel3D {
				p, err = l.client.CompleteThreeDSPayment(ctx, init.PaymentID)
			} else {
				p, err = l.client.RetrievePayment(ctx, init.PaymentID)
			}
			if err != nil || p.CardUserKey == "" || p.CardToken == "" {
				t.Fatalf("%v %+v", err, p)
			}
			list := searchCards(t, l.m, map[string][]string{"cardUserKey": {p.CardUserKey}})
			if list.TotalSize != 1 || list.Items[0].CardAlias != "My YKB Card" {
				t.Fatalf("stored %+v", list)
			}
		})
	}
}

// TestSDKApmRequests: the APM samples of the official clients, and every
// apmType of their enums, are served at init.
func TestSDKApmRequests(t *testing.T) {
	m := newTestMock(t)
	head := `"price":1.0,"paidPrice":1.0,"paymentGroup":"LISTING_OR_SUBSCRIPTION","conversationId":"456d1297-908e-4bd6-a13b-4be31a6e47d5",` + sdkItems
	tests := []struct {
		name, body, action string
	}{
		{"Setcard with additionalParams.cardNumber", `{"apmType":"SETCARD","currency":"TRY","callbackUrl":"https://www.your-website.com/craftgate-apm-callback",` + head + `,"additionalParams":{"cardNumber":"7599640961180814"}}`, craftgate.ApmActionOTPRequired},
		{"Setcard (Node sample)", `{"apmType":"SETCARD","currency":"TRY","apmUserIdentity":"6036819041742253",` + head + `,"additionalParams":{"cardNumber":"7599640961180814"}}`, craftgate.ApmActionOTPRequired},
		{"Bizum without callbackUrl", `{"apmType":"BIZUM","currency":"EUR",` + head + `,"additionalParams":{"buyerPhoneNumber":"34700000000"}}`, craftgate.ApmActionWaitForWebhook},
		{"MB WAY without callbackUrl", `{"apmType":"PAYLANDS_MB_WAY","currency":"EUR",` + head + `,"additionalParams":{"buyerPhoneNumber":"34700000000"}}`, craftgate.ApmActionWaitForWebhook},
		{"Paymob", `{"apmType":"PAYMOB","currency":"EGP","callbackUrl":"https://www.your-website.com/craftgate-apm-callback",` + head + `,"additionalParams":{"integrationId":"11223344"}}`, craftgate.ApmActionRedirectToURL},
		{"Tokenflex with a numeric paymentCode", `{"apmType":"TOKENFLEX","currency":"TRY","callbackUrl":"https://www.your-website.com/craftgate-apm-callback",` + head + `,"additionalParams":{"paymentCode":123456}}`, craftgate.ApmActionOTPRequired},
		{"Papara", `{"apmType":"PAPARA","currency":"TRY","externalId":"optional-externalId","callbackUrl":"https://www.your-website.com/craftgate-apm-callback",` + head + `}`, craftgate.ApmActionRedirectToURL},
		{"Multinet", `{"apmType":"MULTINET","currency":"TRY","callbackUrl":"https://www.your-website.com/craftgate-apm-callback",` + head + `}`, craftgate.ApmActionShowHTMLContent},
		{"Metropol without callbackUrl", `{"apmType":"METROPOL","currency":"TRY",` + head + `,"additionalParams":{"cardNumber":"6375780115068760"}}`, craftgate.ApmActionOTPRequired},
		{"iWallet", `{"apmType":"IWALLET","currency":"TRY","callbackUrl":"https://www.your-website.com/craftgate-apm-callback",` + head + `,"additionalParams":{"cardNumber":"1111222233334444"}}`, craftgate.ApmActionOTPRequired},
		{"iWallet with the card password", `{"apmType":"IWALLET","currency":"TRY","callbackUrl":"https://www.your-website.com/craftgate-apm-callback","apmUserIdentity":"1111222233334444",` + head + `,"additionalParams":{"otpCode":"1234"}}`, craftgate.ApmActionNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sdkCall(t, m, http.MethodPost, craftgate.PathApmInit, tt.body, http.StatusOK)
			if got["additionalAction"] != tt.action {
				t.Fatalf("%v, want %s", got, tt.action)
			}
			if tt.action == craftgate.ApmActionNone && got["paymentStatus"] != craftgate.StatusSuccess {
				t.Errorf("%v: paid at once", got)
			}
			if tt.action == craftgate.ApmActionOTPRequired {
				params := `{"otpCode":"123456","walletId":"1","productId":"1"}`
				if strings.Contains(tt.body, "IWALLET") {
					params = `{"passCode":"1234"}`
				}
				done := sdkCall(t, m, http.MethodPost, craftgate.PathApmComplete,
					fmt.Sprintf(`{"paymentId":%d,"additionalParams":%s}`, int64(got["paymentId"].(float64)), params), http.StatusOK)
				if done["paymentStatus"] != craftgate.StatusSuccess {
					t.Errorf("complete %v", done)
				}
			}
		})
	}
	// A wrong card password refuses the iWallet payment at init.
	sdkCall(t, m, http.MethodPost, craftgate.PathApmInit, `{"apmType":"IWALLET","currency":"TRY","apmUserIdentity":"1111222233334444",`+
		head+`,"additionalParams":{"otpCode":"1122"}}`, http.StatusUnprocessableEntity)
	// Every apmType of the Go client's enum (and Node's COMPAY, Java's DKB,
	// the docs' PLUXEE)
	// is served at init, except the direct ones, which have their own route.
	types := strings.Fields(`PAPARA PAYONEER SODEXO SODEXO_GIFT SETCARD METROPOL EDENRED EDENRED_GIFT TOKENFLEX TOKENFLEX_GIFT
		PAYPAL KLARNA AFTERPAY KASPI INSTANT_TRANSFER TOMPAY MASLAK ALFABANK TOM_FINANCE STRIPE PAYCELL HASO MULTINET
		MULTINET_GIFT MULTINET_NEO_GIFT ALIPAY APPLEPAY GOOGLEPAY HEPSIPAY_FINANCE HEPSIPAY_WALLET HEPSIPAY_SHOPPING_LOAN
		ZIP CHIPPIN ISPAY VODAFONE_DCB PAYMOB BIZUM PAYLANDS_MB_WAY PAYCELL_DCB IWALLET PAPEL ALBARAKA KARACA_FINANS COMPAY DKB
		PLUXEE`)
	for _, typ := range types {
		if _, ok := apmActions[typ]; !ok {
			t.Errorf("apmType %s is not served at init", typ)
		}
	}
	if _, ok := apmActions[craftgate.ApmFundTransfer]; ok {
		t.Error("FUND_TRANSFER is a direct APM")
	}
}

// TestSDKPathIDsOfAnyShape: an id the clients send in a path, of whatever
// shape (a UUID, a word, a negative number), reaches its handler and is a
// 404 "not found" in the envelope, never "no route".
func TestSDKPathIDsOfAnyShape(t *testing.T) {
	m := newTestMock(t)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/payment/v1/card-payments/abc", ""},
		{"GET", "/payment/v1/refunds/8b970491-517d-40ea-bdde-40e6989e4fa6", ""},
		{"GET", "/payment/v1/refund-transactions/-1", ""},
		{"GET", "/craftlink/v1/products/x", ""},
		{"PUT", "/craftlink/v1/products/x", `{"name":"a","status":"ACTIVE","price":1,"currency":"TRY","enabledInstallments":[1]}`},
		{"DELETE", "/craftlink/v1/products/x", ""},
		{"GET", "/onboarding/v1/members/x", ""},
		{"GET", "/wallet/v1/members/x/wallet", ""},
		{"PUT", "/wallet/v1/members/x/wallets/y", `{"negativeAmountLimit":-10}`},
		{"GET", "/wallet/v1/wallets/x/wallet-transactions", ""},
		{"GET", "/wallet/v1/remittances/x", ""},
		{"POST", "/payment/v1/bnpl-payments/x/approve", ""},
		{"PUT", "/fraud/v1/fraud-checks/x/check-status", `{"checkStatus":"FRAUD"}`},
		{"GET", "/payment/v1/wallet-transactions/x/refundable-amount", ""},
		{"POST", "/payment/v1/card-payments/x/post-auth", `{"paidPrice":1}`},
		{"GET", "/installment/v1/bins/abc", ""},
		{"GET", "/fraud/v1/value-lists/nope", ""},
		{"DELETE", "/fraud/v1/value-lists/nope", ""},
	} {
		var in any
		if c.body != "" {
			in = []byte(c.body)
		}
		w := do(t, m, c.method, c.path, in)
		if w.Code != http.StatusNotFound || contains(w.Body.String(), "no route") {
			t.Errorf("%s %s: %d %s", c.method, c.path, w.Code, w.Body.String())
		}
	}
}
