package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Fuzz targets of everything the mock parses: every JSON endpoint's body
// (correctly signed, so that the body itself is what is fuzzed), the 3-D
// Secure and checkout pages' forms, the fault configuration, and the body
// scanner against a reference. The property is the same everywhere: no
// panic, never a 500, and an answer that is either a success or a clear
// error (the JSON error envelope for the API, an HTML page for the
// browser pages). Seeds are real requests. CI runs each for a bounded time
// (.ci/run); a crash found becomes a file under testdata/fuzz, run by
// every `go test` as a regression test.

// fuzzAnswer checks one API answer.
func fuzzAnswer(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	switch {
	case w.Code == http.StatusOK:
		if w.Body.Len() > 0 && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("200 with a body that is not JSON: %.200s", w.Body.String())
		}
	case w.Code >= 500:
		t.Fatalf("status %d: %.300s", w.Code, w.Body.String())
	default:
		var env craftgate.ErrorEnvelope
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Errors.ErrorCode == "" || env.Errors.ErrorDescription == "" {
			t.Fatalf("status %d without the error envelope: %.300s", w.Code, w.Body.String())
		}
		if !utf8.ValidString(env.Errors.ErrorDescription) {
			t.Fatalf("description is not UTF-8: %q", env.Errors.ErrorDescription)
		}
	}
}

// fuzzJSON fuzzes the bodies of the JSON endpoints at paths (the first
// input byte picks one).
func fuzzJSON(f *testing.F, paths []string, seeds ...any) {
	m := newTestMock(f)
	for _, s := range seeds {
		b, ok := s.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(s); err != nil {
				f.Fatal(err)
			}
		}
		for i := range paths {
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		fuzzAnswer(t, serve(m, signedRequest(http.MethodPost, testBase+path, body)))
	})
}

// FuzzCreatePayment fuzzes POST /payment/v1/card-payments.
func FuzzCreatePayment(f *testing.F) {
	req := paymentRequest(successCard)
	declined := paymentRequest(cardCompleteFails)
	sub := paymentRequest(successCard)
	sub.Items[0].SubMerchantMemberID, sub.Items[0].SubMerchantMemberPrice = 7, &sub.Items[0].Price
	fuzzJSON(f, []string{pathCardPayments}, req, declined, sub,
		[]byte(`{"price":"100.5","paidPrice":1e2,"installment":12,"currency":"USD","items":[{"price":"100.5"}],"card":{"cardUserKey":"k","cardToken":"t"}}`),
		[]byte(`{"paymentPhase":"PRE_AUTH","price":1,"paidPrice":1,"items":[{"price":1}],"card":{"storeCardAfterSuccessPayment":true}}`))
}

// FuzzThreeDS fuzzes POST 3ds-init and 3ds-complete.
func FuzzThreeDS(f *testing.F) {
	init := threeDSRequest(successCard, "https://merchant.test/cb", true)
	fuzzJSON(f, []string{pathThreeDSInit, pathThreeDSComplete}, init, map[string]any{"paymentId": 1000001},
		[]byte(`{"callbackUrl":"javascript:alert(1)","additionalParams":{"threeDSCallbackVersion":"2"}}`))
}

// FuzzRefunds fuzzes POST refunds and refund-transactions.
func FuzzRefunds(f *testing.F) {
	fuzzJSON(f, []string{pathRefunds, pathRefundTransactions},
		craftgate.RefundPaymentRequest{PaymentID: 1000001, ConversationID: "c", RefundDestinationType: "PROVIDER"},
		craftgate.RefundTransactionRequest{PaymentTransactionID: 1000001, RefundPrice: amt("10.5")},
		[]byte(`{"paymentTransactionId":1,"refundPrice":"0.00000001","refundDestinationType":"WALLET"}`))
}

// FuzzCheckoutInit fuzzes POST checkout-payments/init.
func FuzzCheckoutInit(f *testing.F) {
	req := checkoutRequest("https://merchant.test/co")
	req.EnabledInstallments = []int{1, 3, 6}
	req.TTL = 10
	fuzzJSON(f, []string{pathCheckoutInit}, req, []byte(`{"enabledPaymentMethods":["CARD"],"ttl":-1,"allowOnlyCreditCard":true}`))
}

// FuzzCardsAndPostAuth fuzzes the stored-card endpoints and post-auth.
func FuzzCardsAndPostAuth(f *testing.F) {
	fuzzJSON(f, []string{pathStoredCards, pathStoredCardsUpdate, pathStoredCardsDelete, pathCardPayments + "/1000001" + pathPostAuthSuffix},
		craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07", CardAlias: "work"},
		craftgate.UpdateStoredCardRequest{CardUserKey: "u", CardToken: "t", ExpireYear: "2045", ExpireMonth: "01"},
		craftgate.DeleteStoredCardRequest{CardUserKey: "u", CardToken: "t"},
		craftgate.PostAuthPaymentRequest{PaidPrice: amt("150.00000001")})
}

// FuzzAdmin fuzzes the admin routes that take a body: settings, faults and
// the clock.
func FuzzAdmin(f *testing.F) {
	fuzzJSON(f, []string{pathSettings, pathFaults, pathClockAdvance},
		[]byte(`{"threeDSMode":"HALF_THREEDS","webhookUrl":"http://127.0.0.1:1/hook","timeScale":0.001,"webhookRetryDelays":["1s","3m"]}`),
		[]byte(`{"seed":3,"rules":[{"operation":"*","latency":{"dist":"lognormal","median":"1ms","sigma":0.5,"max":"2ms"}},`+
			`{"operation":"POST /payment/v1/card-payments","fault":"error","status":503,"count":2}],"outages":[{"bank":"AKBANK","from":"+0s","until":"+1m"}]}`),
		[]byte(`{"duration":"24h"}`))
}

// FuzzParseFaults fuzzes the --faults file parser and the configuration
// check: a file either parses and installs or is refused with an error.
func FuzzParseFaults(f *testing.F) {
	m := newTestMock(f)
	f.Add([]byte(`{"rules":[{"operation":"*","fault":"slowBody","rate":0.5,"chunk":3,"every":"1ms"},` +
		`{"operation":"GET /payment/v1/card-payments/{id}","fault":"timeout","rate":1,"hold":"1ms","after":true}],` +
		`"outages":[{"bins":["5258"],"from":"2025-06-15T10:00:00","until":"2025-06-15T10:00:00Z","errorGroup":"NO_RESPONSE"}]}`))
	f.Add([]byte(`{"rules":[{"operation":"*","latency":{"dist":"uniform","min":"0s","max":"1ms"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := ParseFaults(b)
		if err != nil {
			return
		}
		if err := m.SetFaults(cfg); err != nil {
			return
		}
		// What GET answers installs again.
		if err := m.SetFaults(m.Faults()); err != nil {
			t.Fatalf("the installed configuration does not install again: %v", err)
		}
		if fs := m.faults.Load(); fs != nil {
			for o := op(1); int(o) < len(m.routes.names); o++ {
				if lat, _ := fs.decide(o); lat < 0 || lat > MaxHold {
					t.Fatalf("latency %v", lat)
				}
			}
		}
	})
}

// FuzzPageForms fuzzes the form bodies of the 3-D Secure bank page and
// the checkout page, and the token in their URLs.
func FuzzPageForms(f *testing.F) {
	m := newTestMock(f)
	var init craftgate.InitThreeDSPaymentResponse
	data(f, do(f, m, http.MethodPost, pathThreeDSInit, threeDSRequest(successCard, "https://merchant.test/cb", true)), &init)
	acs, err := url.Parse(init.RedirectURL)
	if err != nil {
		f.Fatal(err)
	}
	token := acs.Query().Get("t")
	var co craftgate.InitCheckoutPaymentResponse
	data(f, do(f, m, http.MethodPost, pathCheckoutInit, checkoutRequest("https://merchant.test/co")), &co)

	f.Add(uint8(0), true, "action=verify&otp=123456")
	f.Add(uint8(0), true, "action=reject")
	f.Add(uint8(0), false, "t=wrong&action=verify")
	f.Add(uint8(1), true, cardForm(successCard).Encode()+"&installment=1")
	f.Add(uint8(1), true, "cardNumber=%ZZ&expireMonth=13&installment=x")
	f.Fuzz(func(t *testing.T, which uint8, withToken bool, form string) {
		var target string
		if which%2 == 0 {
			target = acs.Path
			if withToken {
				form = "t=" + token + "&" + form
			}
		} else {
			target = pathCheckoutPage + "/" + co.Token
			if !withToken {
				target = pathCheckoutPage + "/00000000-0000-4000-8000-000000000000"
			}
		}
		r := httptest.NewRequest(http.MethodPost, testBase+target, strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := serve(m, r)
		if w.Code >= 500 {
			t.Fatalf("status %d: %.300s", w.Code, w.Body.String())
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("status %d with Content-Type %q", w.Code, ct)
		}
		if bytes.Contains(w.Body.Bytes(), []byte(successCard)) {
			t.Fatal("a page shows the card number")
		}
	})
}

// FuzzScanMembers checks the body scanner against a reference built on
// encoding/json's tokenizer: on valid JSON they agree on whether a member
// is named twice in one object (names compared as encoding/json matches
// them to fields).
func FuzzScanMembers(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":{"a":[1,{"A":2}]},"a\u0062":"x\"y"}`))
	f.Add([]byte(`{"a":1,"A":2}`))
	f.Add(mustJSON(f, paymentRequest(successCard)))
	f.Add([]byte(`[{"k":1},{"k":1}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		key, problem := scanMembers(b)
		if !json.Valid(b) || !utf8.Valid(b) {
			return
		}
		want, dup := referenceDuplicate(b)
		switch {
		case problem == scanSurrogate:
			if !bytes.Contains(b, []byte(`\u`)) {
				t.Fatalf("a lone surrogate reported without a \\u escape")
			}
		case dup != (problem == scanDuplicate):
			t.Fatalf("scanner: %q %v, reference: %q %v", key, problem == scanDuplicate, want, dup)
		case dup && !strings.EqualFold(key, want):
			t.Fatalf("scanner reports %q, reference %q", key, want)
		}
	})
}

// referenceDuplicate finds a duplicate member with encoding/json's
// tokenizer: slow and obviously right.
func referenceDuplicate(b []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		names  []string
		object bool
		key    bool // the next string token is a name
	}
	var stack []*frame
	for {
		tok, err := d.Token()
		if err == io.EOF || err != nil {
			return "", false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		isName := top != nil && top.object && top.key
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{object: v == '{', key: v == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if isName {
				for _, n := range top.names {
					if strings.EqualFold(n, v) {
						return v, true
					}
				}
				top.names = append(top.names, v)
				top.key = false
				continue
			}
		}
		if top != nil && top.object {
			top.key = true
		}
	}
}

// FuzzLinkRewardsFraud fuzzes the pay-by-link, reward and fraud endpoints
// that take a POST body, and payments with a reward.
func FuzzLinkRewardsFraud(f *testing.F) {
	rewarded := paymentRequest(rewardBonusCard)
	rewarded.ClientIP = "10.0.0.9"
	rewarded.Card.Loyalty = &craftgate.Loyalty{Type: "REWARD_MONEY", Reward: &craftgate.Reward{CardRewardMoney: amt("1"), FirmRewardMoney: amt("0.5")}}
	fuzzJSON(f, []string{pathProducts, pathCardLoyalties, pathFraudValueLists, pathFraudValueLists + "/cards" + pathFingerprintsSuffix, pathCardPayments},
		productRequest(), rewarded,
		craftgate.RetrieveLoyaltiesRequest{CardNumber: rewardBonusCard, ExpireYear: "2044", ExpireMonth: "07"},
		craftgate.FraudValueRequest{ListName: "reviewClientIps", Type: "IP", Value: "10.0.0.9", DurationInSeconds: 60},
		craftgate.CardFingerprintRequest{Operation: "PAYMENT", OperationID: "1000001"},
		[]byte(`{"listName":"blockedCardNumbers","type":"CARD","paymentId":99999999999999999999}`),
		[]byte(`{"name":"x","description":"y","price":1,"currency":"TRY","enabledInstallments":[0,13],"orderId":"o","stock":-1,"expiresAt":"2099-13-40T25:61:61"}`))
}

// FuzzEveryRoute fuzzes every signed API row of the route table at once:
// the row, its path segments, its query and its body. No answer may be a
// 5xx, and every refusal is the error envelope; a 200 is JSON unless the
// route answers a file (the report downloads).
func FuzzEveryRoute(f *testing.F) {
	m := newTestMock(f)
	var rows []endpoint
	for _, ep := range routeTable() {
		_, path, _ := strings.Cut(ep.pattern, " ")
		if ep.kind != page && !strings.HasPrefix(path, pathMockPrefix) {
			rows = append(rows, ep)
		}
	}
	for i := range rows {
		f.Add(uint16(i), "12345", "", []byte(`{}`))
		f.Add(uint16(i), "x y", "page=-1&size=100000", []byte(`{"price":-1,"currency":"XXX","items":[]}`))
	}
	f.Fuzz(func(t *testing.T, which uint16, seg, query string, body []byte) {
		ep := rows[int(which)%len(rows)]
		method, path, _ := strings.Cut(ep.pattern, " ")
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, "{") {
				parts[i] = url.PathEscape(seg)
			}
		}
		target := testBase + strings.Join(parts, "/")
		if q, err := url.ParseQuery(query); err == nil && len(q) > 0 {
			target += "?" + q.Encode()
		}
		if method == http.MethodGet || method == http.MethodDelete {
			body = nil
		}
		w := serve(m, signedRequest(method, target, body))
		if w.Code == http.StatusOK && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			return // a file (CSV, XLSX)
		}
		fuzzAnswer(t, w)
	})
}
