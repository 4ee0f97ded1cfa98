package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Keys of the fake target; tests check they never appear in a message.
const (
	testAPIKey    = "test-api-key-4f1c"
	testSecretKey = "test-secret-key-9d2e"
)

// doerFunc is a fake transport.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func answer(status int, body string, header ...string) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func newTestWorld(t *testing.T, d doerFunc) *World {
	t.Helper()
	w, err := NewWorld(Target{BaseURL: "http://provider.test", APIKey: testAPIKey, SecretKey: testSecretKey, Doer: d})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// run runs sentences on w like a runner would, returning the first error.
func run(t *testing.T, w *World, sentences ...string) error {
	t.Helper()
	m, err := NewMatcher(Definitions())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sentences {
		b, err := m.Match(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Run(context.Background(), w); err != nil {
			return err
		}
	}
	return nil
}

// checkMessage fails t if msg leaks a card number or a key.
func checkMessage(t *testing.T, msg string, numbers ...string) {
	t.Helper()
	for _, n := range numbers {
		if strings.Contains(msg, n) {
			t.Errorf("message leaks card %s: %s", craftgate.MaskPAN(n), msg)
		}
	}
	if strings.Contains(msg, testAPIKey) || strings.Contains(msg, testSecretKey) {
		t.Errorf("message leaks a key: %s", msg)
	}
}

func TestPaymentRequestIsDecimalAndComplete(t *testing.T) {
	var sent map[string]any
	var raw string
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		raw = string(b)
		if err := json.Unmarshal(b, &sent); err != nil {
			t.Fatal(err)
		}
		return answer(200, `{"data":{"id":7,"paymentStatus":"SUCCESS","price":250.75,"paidPrice":250.75,"currency":"TRY"}}`), nil
	})
	err := run(t, w,
		"a basket of 250.75 TRY with items of 200.00, 50.00 and 0.75",
		"the card's security code is \"0042\"",
		"the buyer pays without 3-D Secure with an AMEX card",
		"the payment succeeds",
		"the payment's price and paid price are 250.75 TRY")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"price":250.75`, `"paidPrice":250.75`, `"walletPrice":0`, `"installment":1`, `"currency":"TRY"`, `"price":0.75`} {
		if !strings.Contains(raw, want) {
			t.Errorf("request body lacks %s: %s", want, craftgate.MaskPAN(raw))
		}
	}
	card := sent["card"].(map[string]any)
	if card["cvc"] != "0042" || card["expireYear"] != defaultExpireYear || card["cardHolderName"] != cardHolderName {
		t.Errorf("card fields: cvc %v, expireYear %v, holder %v", card["cvc"], card["expireYear"], card["cardHolderName"])
	}
	if conv, _ := sent["conversationId"].(string); !strings.HasPrefix(conv, "gatecheck-") {
		t.Errorf("conversationId %q", conv)
	}
}

func TestCardMismatchIsReportedMasked(t *testing.T) {
	const number = "5258640000000001"
	w := newTestWorld(t, func(*http.Request) (*http.Response, error) {
		return answer(200, `{"data":{"id":7,"paymentStatus":"SUCCESS","cardAssociation":"VISA","cardType":"DEBIT_CARD",
			"binNumber":"52586400","lastFourDigits":"0001","paymentTransactions":[]},"echo":"`+number+`"}`), nil
	})
	err := run(t, w, "a basket of 10.00 TRY with items of 10.00", `the buyer pays without 3-D Secure with card "`+number+`"`,
		"the payment describes the card as the catalogue does")
	if err == nil {
		t.Fatal("a wrong card description passed")
	}
	for _, want := range []string{"cardAssociation", `expected "MASTER_CARD", got "VISA"`, "525864******0001"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %s", want, err)
		}
	}
	checkMessage(t, err.Error(), number)

	err = run(t, w, "the payment shows the card only by its BIN and last four digits")
	if err == nil || !strings.Contains(err.Error(), "full card number") {
		t.Errorf("a leaked card number passed: %v", err)
	}
	checkMessage(t, err.Error(), number)
}

func TestDeclineAndRetrieval(t *testing.T) {
	const number = "5100050000006661"
	var paths []string
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		switch {
		case r.Method == http.MethodPost:
			return answer(422, `{"errors":{"errorCode":"10051","errorDescription":"Kart limiti yetersiz","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`,
				headerPaymentID, "41"), nil
		case r.URL.Path == "/payment/v1/card-payments/41":
			return answer(200, `{"data":{"id":41,"paymentStatus":"FAILURE","paymentError":{"errorCode":"10051","errorGroup":"NOT_SUFFICIENT_FUNDS"}}}`), nil
		}
		return answer(404, `{"errors":{"errorCode":"404","errorDescription":"not found"}}`), nil
	})
	err := run(t, w, "a basket of 100.00 TRY with items of 60.00 and 40.00",
		`the buyer pays without 3-D Secure with card "`+number+`"`,
		`the payment is declined with error group "NOT_SUFFICIENT_FUNDS" and code "10051"`,
		"the declined payment can be retrieved with that error")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Errorf("requests %q: the id should come from the header", paths)
	}

	err = run(t, w, `the payment is declined with error group "DO_NOT_HONOUR"`)
	if err == nil || !strings.Contains(err.Error(), `errorGroup: expected "DO_NOT_HONOUR", got "NOT_SUFFICIENT_FUNDS"`) {
		t.Errorf("a wrong group passed or was badly reported: %v", err)
	}
	checkMessage(t, err.Error(), number)

	err = run(t, w, "the payment succeeds")
	if err == nil || !strings.Contains(err.Error(), "HTTP 422") {
		t.Errorf("a declined payment succeeded: %v", err)
	}
	checkMessage(t, err.Error(), number)
}

func TestDeclinedPaymentIsFoundByConversation(t *testing.T) {
	var conv string
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		switch {
		case r.Method == http.MethodPost:
			var body struct{ ConversationID string }
			_ = json.NewDecoder(r.Body).Decode(&body)
			conv = body.ConversationID
			return answer(422, `{"errors":{"errorCode":"10051","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`), nil
		case r.URL.Path == pathReportingSearch:
			return answer(404, `{"errors":{"errorCode":"404"}}`), nil
		case r.URL.Path == pathMockPaymentsList && r.URL.Query().Get("conversationId") == conv:
			return answer(200, `{"data":{"items":[{"id":99}]}}`), nil
		}
		return answer(404, `{"errors":{"errorCode":"404"}}`), nil
	})
	err := run(t, w, "a basket of 100.00 TRY with items of 100.00",
		`the buyer's payment without 3-D Secure with card "5100050000006661" was declined`)
	if err != nil {
		t.Fatal(err)
	}
	if w.paymentID != 99 {
		t.Errorf("payment id %d, want 99", w.paymentID)
	}
}

func TestValidationErrorChecks(t *testing.T) {
	cases := []struct {
		status int
		body   string
		ok     bool
	}{
		{400, `{"errors":{"errorCode":"4152","errorDescription":"expiry"}}`, true},
		{422, `{"errors":{"errorCode":"10051","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`, false},
		{400, `{"errors":{"errorCode":"10051","errorGroup":"NOT_SUFFICIENT_FUNDS"}}`, false},
		{400, `{"errors":{"errorCode":"1001","errorGroup":"INPUT_DATA"}}`, false},
		{500, `oops`, false},
		{200, `{"data":{"id":1,"paymentStatus":"SUCCESS"}}`, false},
	}
	for _, c := range cases {
		w := newTestWorld(t, func(*http.Request) (*http.Response, error) { return answer(c.status, c.body), nil })
		err := run(t, w, "a basket of 100.00 TRY with items of 60.00 and 30.00",
			"the buyer pays without 3-D Secure with a successful credit card",
			"the payment is rejected as a validation error")
		if (err == nil) != c.ok {
			t.Errorf("HTTP %d %s: %v, want ok %v", c.status, c.body, err, c.ok)
		}
	}
}

func TestRawURLSignature(t *testing.T) {
	var sig, rawURL, rnd string
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		sig, rawURL, rnd = r.Header.Get("X-Signature"), r.URL.String(), r.Header.Get("X-Rnd-Key")
		return answer(200, `{"data":{"id":5,"paymentStatus":"SUCCESS"}}`), nil
	})
	w.paymentID = 5
	if err := run(t, w, "the merchant retrieves the payment with a percent-encoded query, signing the raw URL"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rawURL, "%20") {
		t.Fatalf("URL %s has no percent-encoding", rawURL)
	}
	if sig != craftgate.Signature(rawURL, testAPIKey, testSecretKey, rnd, nil) {
		t.Error("not signed over the raw URL")
	}
	if err := run(t, w, "the merchant retrieves the payment with a percent-encoded query, signing the decoded URL"); err != nil {
		t.Fatal(err)
	}
	if sig != craftgate.Signature(craftgate.SignableURL(rawURL), testAPIKey, testSecretKey, rnd, nil) {
		t.Error("not signed over the decoded URL")
	}
}

func TestTamperedRequestsDifferFromSigned(t *testing.T) {
	type seen struct {
		url, rnd, sig, apiKey string
		body                  []byte
	}
	var got seen
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		got = seen{r.URL.String(), r.Header.Get("X-Rnd-Key"), r.Header.Get("X-Signature"), r.Header.Get("X-Api-Key"), b}
		return answer(401, `{"errors":{"errorCode":"1000","errorDescription":"Signature is not equal!"}}`), nil
	})
	valid := func(s seen) bool {
		return craftgate.VerifySignature(s.sig, s.url, testAPIKey, testSecretKey, s.rnd, s.body, false)
	}
	for _, sentence := range []string{
		"the merchant sends a payment with its body changed after signing",
		"the merchant sends a payment with its URL changed after signing",
		"the merchant sends a payment with its random key changed after signing",
		"the merchant sends a payment signed with a wrong secret key",
		"the merchant sends a payment without a signature",
	} {
		if err := run(t, w, "a basket of 100.00 TRY with items of 60.00 and 40.00", sentence, "the request is refused as unauthenticated"); err != nil {
			t.Errorf("%s: %v", sentence, err)
		}
		if valid(got) {
			t.Errorf("%s: the request sent still carries a valid signature", sentence)
		}
	}
	if err := run(t, w, "the merchant sends a payment with an unknown API key"); err != nil {
		t.Fatal(err)
	}
	if got.apiKey == testAPIKey || got.apiKey == "" {
		t.Errorf("unknown API key step sent %q", got.apiKey)
	}
}

func TestRefundAssertions(t *testing.T) {
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		switch r.URL.Path {
		case craftgate.PathCardPayments:
			return answer(200, `{"data":{"id":3,"paymentStatus":"SUCCESS","currency":"TRY","paymentTransactions":[{"id":31,"price":60},{"id":32,"price":40}]}}`), nil
		case craftgate.PathRefunds:
			return answer(200, `{"data":{"refundType":"REFUND","status":"SUCCESS","paymentId":3,"refundPrice":100,"currency":"TRY",
				"paymentTransactionRefunds":[{"id":1,"status":"SUCCESS","paymentId":3,"paymentTransactionId":31,"refundPrice":60},
				{"id":2,"status":"SUCCESS","paymentId":3,"paymentTransactionId":32,"refundPrice":40}]}}`), nil
		}
		return answer(404, `{"errors":{"errorCode":"404"}}`), nil
	})
	err := run(t, w, "a basket of 100.00 TRY with items of 60.00 and 40.00",
		"the buyer has paid without 3-D Secure with a successful credit card",
		"the merchant refunds the whole payment",
		"the payment is refunded rather than cancelled",
		"the refund returns 100.00 TRY",
		"the refund returns 60.00 for item 1",
		"the refund returns 40 for item 2")
	if err != nil {
		t.Fatal(err)
	}
	for sentence, want := range map[string]string{
		"the payment is cancelled":            `refundType: expected "CANCEL", got "REFUND"`,
		"the refund returns 99.99 TRY":        "refundPrice: expected 99.99, got 100.00",
		"the refund returns 50.00 for item 1": "refundPrice of item 1: expected 50.00, got 60.00",
		"the refund is rejected":              "expected the refund of payment 3 to be rejected",
	} {
		err := run(t, w, sentence)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", sentence, err, want)
		}
	}
}

func TestTargetNeverPrintsKeys(t *testing.T) {
	const callbackKey, webhookKey = "test-callback-key-77aa", "test-webhook-key-31bb"
	tg := Target{BaseURL: "http://provider.test", APIKey: testAPIKey, SecretKey: testSecretKey,
		CallbackKey: callbackKey, WebhookKey: webhookKey, MerchantURL: "http://merchant.test"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, msg := range []string{fmt.Sprintf(verb, tg), fmt.Sprintf(verb, &tg)} {
			checkMessage(t, msg)
			if strings.Contains(msg, callbackKey) || strings.Contains(msg, webhookKey) {
				t.Errorf("%s leaks a merchant key: %s", verb, msg)
			}
		}
	}
	w := newTestWorld(t, nil)
	w.card, _ = ParseCard(craftgate.TestCards(), "a successful credit card")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		checkMessage(t, fmt.Sprintf(verb, w), w.card.Number)
	}
	if !strings.Contains(tg.String(), "provider.test") {
		t.Errorf("String() = %s", tg)
	}
}

// TestEvidenceMaskedWhenRead checks that evidence noted raw (a card number,
// a payment id) is masked and de-duplicated when read, and that Reset
// forgets it.
func TestEvidenceMaskedWhenRead(t *testing.T) {
	w, err := NewWorld(Target{BaseURL: "http://127.0.0.1:1", APIKey: "k", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	card := CardChoice{Number: "5528790000000008"}
	w.noteAttempt(craftgate.StepNon3DSPayment, card, 42, nil)
	w.noteAttempt(craftgate.StepNon3DSPayment, card, 42, nil)
	w.note(EvidencePayment, "42", "")
	w.note(EvidenceCard, craftgate.MaskPAN(card.Number), craftgate.StepNon3DSPayment)
	w.note(EvidenceToken, "token 4111111111111111", "")
	want := []Evidence{
		{Kind: EvidenceCard, Value: "552879******0008", Step: string(craftgate.StepNon3DSPayment)},
		{Kind: EvidencePayment, Value: "42"},
		{Kind: EvidenceToken, Value: "token 411111******1111"},
	}
	if got := w.Evidence(); !slices.Equal(got, want) {
		t.Errorf("Evidence() = %+v, want %+v", got, want)
	}
	w.Reset()
	if got := w.Evidence(); len(got) != 0 {
		t.Errorf("after Reset, Evidence() = %+v, want none", got)
	}
}

// TestResetIsAFreshWorld checks that a World reset after a scenario is the
// World NewWorld makes (with the same client), and that the next scenario
// on it sends its own basket, not the last one's.
func TestResetIsAFreshWorld(t *testing.T) {
	var raw string
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		raw = string(b)
		return answer(200, `{"data":{"id":7,"paymentStatus":"SUCCESS","price":10,"paidPrice":10,"currency":"TRY"}}`), nil
	})
	if err := run(t, w, "a basket of 250.75 TRY with items of 200.00, 50.00 and 0.75", `the card's security code is "0042"`,
		"the buyer chooses 3 installments", "the buyer pays without 3-D Secure with an AMEX card", "the payment succeeds"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Reset()
	// Compared without the target, client and recorder (which hold the
	// transport, a func: reflect.DeepEqual never finds two funcs equal).
	got, want := *w, *newTestWorld(t, nil)
	got.target, got.client, got.rec = Target{}, nil, nil
	want.target, want.client, want.rec, want.evidence, want.lastBasket = Target{}, nil, nil, got.evidence, got.lastBasket
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reset World = %+v, differs from a new one %+v", got, want)
	}
	if w.rec.body != nil || w.rec.status != 0 {
		t.Error("the reset World's recorder still holds the last answer")
	}
	if err := run(t, w, "a basket of 10.00 TRY with items of 10.00", "the buyer pays without 3-D Secure with a successful credit card",
		"the payment succeeds"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, `"cvc":"0042"`) || !strings.Contains(raw, `"installment":1`) || strings.Contains(raw, `250.75`) {
		t.Errorf("the payment after Reset carries the last scenario's choices: %s", craftgate.MaskPANs(raw))
	}
}
