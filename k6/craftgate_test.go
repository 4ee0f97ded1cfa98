// Package k6 holds the k6 JavaScript module k6/craftgate.js; its tests run
// the module in goja against Craftgate's known-answer vectors and against
// gatecheck's Go signing functions, without k6.
package k6

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dop251/goja"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/internal/vectors"
	"github.com/gatecheck/gatecheck/mock"
)

func loadVectors(t *testing.T) vectors.Set {
	t.Helper()
	set, err := vectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestRequestSignatureVectors(t *testing.T) {
	m := load(t)
	for _, v := range loadVectors(t).Request {
		t.Run(v.Name, func(t *testing.T) {
			u := v.URL
			switch v.Decoding {
			case "none":
			case "pct":
				// The module's own decoding is the one a strict server checks.
				u = m.str("signableUrl", v.URL)
				if want := craftgate.SignableURL(v.URL); u != want {
					t.Fatalf("signableUrl(%q) = %q, Go has %q", v.URL, u, want)
				}
			case "plus":
				// Form decoding is a server's choice the module never makes;
				// the vector checks the hash of the decoded URL.
				d, err := url.QueryUnescape(v.URL)
				if err != nil {
					t.Fatal(err)
				}
				u = d
			default:
				t.Fatalf("unknown decoding %q", v.Decoding)
			}
			var body any = goja.Undefined()
			if v.Body != nil {
				body = *v.Body
			}
			if got := m.str("signature", u, v.APIKey, v.SecretKey, v.Rnd, body); got != v.Want {
				t.Errorf("signature = %s, want %s", got, v.Want)
			}
			if v.Body != nil {
				if got := m.str("signature", u, v.APIKey, v.SecretKey, v.Rnd, v.BodyBytes()); got != v.Want {
					t.Errorf("signature with an ArrayBuffer body = %s, want %s", got, v.Want)
				}
			}
		})
	}
}

func TestCallbackHashVectors(t *testing.T) {
	m := load(t)
	set := loadVectors(t)
	check := func(t *testing.T, fn string, v vectors.Callback) {
		t.Helper()
		encoded := v.Values().Encode()
		for _, form := range []any{v.Form, encoded} {
			if got := m.str(fn, v.Key, form); got != v.Want {
				t.Errorf("%s(%T form) = %s, want %s", fn, form, got, v.Want)
			}
			if got := m.str("callbackHash", v.Key, form); got != v.Want {
				t.Errorf("callbackHash(%T form) = %s, want %s", form, got, v.Want)
			}
		}
		signed := v.Values()
		signed.Set("hash", v.Want)
		upper := v.Values()
		upper.Set("hash", strings.ToUpper(v.Want))
		wrong := v.Values()
		wrong.Set("hash", strings.Repeat("0", 64))
		tampered := v.Values()
		tampered.Set("hash", v.Want)
		hashed := "status" // a field the hash covers
		if hp := v.Form["hashParams"]; hp != "" {
			hashed = strings.Split(hp, ":")[0]
		}
		tampered.Set(hashed, tampered.Get(hashed)+"X")
		// The docs' security-page example (V2) signs status but carries an
		// unsigned paymentStatus, which a forger could set: refused.
		genuine := v.Name != "V2"
		for _, c := range []struct {
			name string
			form url.Values
			want bool
		}{
			{"signed", signed, genuine}, {"upper-case hex", upper, genuine}, {"no hash", v.Values(), false},
			{"wrong hash", wrong, false}, {"tampered " + hashed, tampered, false},
		} {
			if got := verdict(t, m, v.Key, c.form); got != c.want {
				t.Errorf("verifyCallback(%s) = %v, want %v", c.name, got, c.want)
			}
			if got := verdict(t, m, v.Key+"x", c.form); got {
				t.Errorf("verifyCallback(%s) with another key = true", c.name)
			}
		}
		if !genuine {
			want := "craftgate: callback hashParams leaves a field the merchant acts on unsigned: paymentStatus is not in hashParams"
			if got := m.call("callbackRefusal", v.Key, signed.Encode()).Export(); got != want {
				t.Errorf("callbackRefusal(signed) = %v, want %q", got, want)
			}
		}
	}
	for _, v := range set.CallbackV1 {
		t.Run(v.Name, func(t *testing.T) { check(t, "callbackHashV1", v) })
	}
	for _, v := range set.CallbackV2 {
		t.Run(v.Name, func(t *testing.T) { check(t, "callbackHashV2", v) })
	}
}

func TestWebhookSignatureVectors(t *testing.T) {
	m := load(t)
	for _, v := range loadVectors(t).Webhook {
		t.Run(v.Name, func(t *testing.T) {
			got := m.str("webhookSignature", v.Key, v.EventType, v.EventTimestamp, v.Status, v.PayloadID)
			if got != v.Want {
				t.Fatalf("webhookSignature = %s, want %s", got, v.Want)
			}
			body, err := json.Marshal(craftgate.WebhookEvent{EventType: v.EventType, EventTime: "2024-01-01T00:00:00",
				EventTimestamp: v.EventTimestamp, Status: v.Status, PayloadID: v.PayloadID})
			if err != nil {
				t.Fatal(err)
			}
			if ev := m.call("verifyWebhook", v.Key, string(body), v.Want); goja.IsNull(ev) || ev.ToObject(m.vm).Get("payloadId").String() != v.PayloadID {
				t.Errorf("verifyWebhook(valid) = %v", ev)
			}
			for name, args := range map[string][]any{
				"another key":       {v.Key + "x", string(body), v.Want},
				"no signature":      {v.Key, string(body), ""},
				"wrong signature":   {v.Key, string(body), strings.Repeat("A", 43) + "="},
				"tampered body":     {v.Key, strings.Replace(string(body), v.Status, v.Status+"X", 1), v.Want},
				"not JSON":          {v.Key, "{", v.Want},
				"JSON but no event": {v.Key, "[1]", v.Want},
			} {
				if ev := m.call("verifyWebhook", args...); !goja.IsNull(ev) {
					t.Errorf("verifyWebhook(%s) = %v, want null", name, ev.Export())
				}
			}
		})
	}
}

// randomText mixes ASCII, characters that need escaping in URLs and
// multi-byte UTF-8.
func randomText(r *rand.Rand, n int) string {
	alphabet := []rune("abcXYZ0189-_.~ +&=?/%:#ğüşıöçÜİ€😀\"{}")
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// randomURL is a request URL as a client sends it: path and query values
// percent-encoded (spaces as %20 or '+').
func randomURL(r *rand.Rand) string {
	u := "https://sandbox-api.craftgate.io/payment/v1/" + url.PathEscape(randomText(r, 1+r.IntN(8)))
	if r.IntN(3) > 0 {
		q := url.Values{}
		for range 1 + r.IntN(4) {
			q.Add(randomText(r, 1+r.IntN(5)), randomText(r, r.IntN(12)))
		}
		enc := q.Encode()
		if r.IntN(2) == 0 {
			enc = strings.ReplaceAll(enc, "+", "%20")
		}
		u += "?" + enc
	}
	return u
}

// TestSignedHeadersMatchGoClient signs random requests in JavaScript and
// checks them with the Go functions the mock uses (strict: only the
// percent-decoded URL form), and that the headers are the Go client's.
func TestSignedHeadersMatchGoClient(t *testing.T) {
	m := load(t)
	r := rand.New(rand.NewPCG(18, 2))
	for i := range 400 {
		u := randomURL(r)
		apiKey, secretKey, rnd := randomText(r, 1+r.IntN(20)), randomText(r, 1+r.IntN(40)), fmt.Sprintf("%x", r.Uint64())
		var body string
		if r.IntN(2) == 0 {
			b, _ := json.Marshal(map[string]any{"name": randomText(r, r.IntN(30)), "price": r.IntN(10000), "note": randomText(r, r.IntN(5))})
			body = string(b)
		}
		creds := map[string]string{"apiKey": apiKey, "secretKey": secretKey}
		h := m.call("signedHeaders", u, body, creds, rnd).Export().(map[string]any)
		want := craftgate.Signature(craftgate.SignableURL(u), apiKey, secretKey, rnd, []byte(body))
		if h["x-signature"] != want {
			t.Fatalf("case %d: %s: x-signature %v, Go %s", i, u, h["x-signature"], want)
		}
		if !craftgate.VerifySignature(h["x-signature"].(string), u, apiKey, secretKey, rnd, []byte(body), true) {
			t.Fatalf("case %d: the strict Go verifier rejects %s", i, u)
		}
		if h["x-api-key"] != apiKey || h["x-rnd-key"] != rnd || h["x-auth-version"] != "v1" || h["Accept"] != "application/json" {
			t.Fatalf("case %d: headers %v", i, h)
		}
		if _, ok := h["Content-Type"]; ok != (body != "") {
			t.Fatalf("case %d: Content-Type present = %v with body %q", i, ok, body)
		}
		if got := m.str("signature", u, apiKey, secretKey, rnd, body); got != craftgate.Signature(u, apiKey, secretKey, rnd, []byte(body)) {
			t.Fatalf("case %d: signature of the raw URL differs from Go", i)
		}
	}
}

// verdict checks the module's answer on a callback form against Go's
// craftgate.VerifyCallback: verifyCallback and callbackRefusal, given the
// urlencoded body and the decoded fields (strings or lists), agree with Go's error (the same
// text as the reason). It returns whether the callback verifies.
func verdict(t *testing.T, m *module, key string, form url.Values) bool {
	t.Helper()
	err := craftgate.VerifyCallback(key, form)
	var want any
	if err != nil {
		want = err.Error()
	}
	// The decoded fields as a script has them: strings, and lists.
	fields, lists := m.vm.NewObject(), m.vm.NewObject()
	for k, vs := range form {
		must(t, fields.Set(k, vs[0]))
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		must(t, lists.Set(k, m.vm.NewArray(list...)))
	}
	for _, f := range []struct {
		as   string
		form any
	}{{"body", form.Encode()}, {"fields", fields}, {"lists", lists}} {
		if got := m.call("callbackRefusal", key, f.form).Export(); got != want {
			t.Fatalf("callbackRefusal(%s as %s) = %v, Go %v", form.Encode(), f.as, got, want)
		}
		if got := m.call("verifyCallback", key, f.form).ToBoolean(); got != (err == nil) {
			t.Fatalf("verifyCallback(%s as %s) = %v, Go %v", form.Encode(), f.as, got, err)
		}
	}
	return err == nil
}

// callbackV2HashParams are the hashParams Craftgate's version 2 callbacks
// name: 3-D Secure (the docs' example, vector V1) and BNPL (vector V3).
var callbackV2HashParams = []string{
	"status:callbackStatus:completeStatus:paymentId:conversationData:conversationId:mdStatus",
	craftgate.BnplCallbackHashParams,
}

// callbackActedOn are the fields the version 2 rule requires hashParams to
// name when the form carries them (craftgate.VerifyCallback).
var callbackActedOn = []string{"status", "paymentStatus", "paymentId", "conversationId", "completeStatus", "mdStatus", "additionalAction"}

// genuineCallback is a callback as Craftgate posts it, without its hash: a
// version 1 form (3-D Secure, APM), or a version 2 one (3-D Secure, BNPL)
// whose hashParams, in any order, names every field the form carries
// (which need not carry every field hashParams names: absent ones hash as
// empty).
func genuineCallback(r *rand.Rand) url.Values {
	form := url.Values{}
	if r.IntN(3) == 0 {
		for _, n := range []string{"status", "completeStatus", "paymentId", "conversationData", "conversationId", "callbackStatus", "mdStatus"} {
			if r.IntN(4) > 0 {
				form.Set(n, randomText(r, r.IntN(16)))
			}
		}
		return form
	}
	names := strings.Split(callbackV2HashParams[r.IntN(len(callbackV2HashParams))], ":")
	for _, n := range names {
		if r.IntN(4) > 0 {
			form.Set(n, randomText(r, r.IntN(16)))
		}
	}
	r.Shuffle(len(names), func(a, b int) { names[a], names[b] = names[b], names[a] })
	form.Set("hashParams", strings.Join(names, ":"))
	return form
}

// forgedCallback is a version 2 callback whose hash is right for its key
// but whose hashParams leaves a field the merchant acts on unsigned, or
// names no status: the forms the rule must refuse. how names the forgery.
func forgedCallback(r *rand.Rand, key string) (form url.Values, how string) {
	genuine := url.Values{}
	names := strings.Split(callbackV2HashParams[r.IntN(len(callbackV2HashParams))], ":")
	for _, n := range names {
		genuine.Set(n, randomText(r, r.IntN(16)))
	}
	genuine.Set("hashParams", strings.Join(names, ":"))
	genuine.Set("hash", craftgate.CallbackHashV2(key, genuine))
	switch r.IntN(4) {
	case 0:
		// A genuine callback's signed values moved into one junk field
		// named alone in hashParams (the hash still verifies), and the
		// acted-on fields the forger likes set beside it, or none.
		var joined string
		for _, n := range names {
			joined += genuine.Get(n)
		}
		form = url.Values{"x": {joined}, "hashParams": {"x"}, "hash": {genuine.Get("hash")}}
		for _, n := range callbackActedOn {
			if r.IntN(2) == 0 {
				form.Set(n, randomText(r, r.IntN(16)))
			}
		}
		return form, "values moved into a junk field"
	case 1:
		// An acted-on field hashParams does not name added to a genuine
		// callback (the docs' example V2: paymentStatus beside a signed status).
		var unsigned []string
		for _, n := range callbackActedOn {
			if !slices.Contains(names, n) {
				unsigned = append(unsigned, n)
			}
		}
		n := unsigned[r.IntN(len(unsigned))]
		genuine.Set(n, randomText(r, r.IntN(16)))
		return genuine, "unsigned " + n + " added"
	case 2:
		// No outcome signed at all: the status field gone from the form
		// and from hashParams, every other field signed.
		var named []string
		for _, n := range names {
			if n == "status" || n == "paymentStatus" {
				genuine.Del(n)
				continue
			}
			named = append(named, n)
		}
		genuine.Set("hashParams", strings.Join(named, ":"))
		genuine.Set("hash", craftgate.CallbackHashV2(key, genuine))
		return genuine, "no status signed"
	default:
		// hashParams leaves out an acted-on field the form carries (or
		// every status field), and the hash is made over what it names.
		var named, dropped []string
		for _, n := range names {
			if slices.Contains(callbackActedOn, n) && (len(dropped) == 0 || r.IntN(3) == 0) {
				dropped = append(dropped, n)
				continue
			}
			named = append(named, n)
		}
		if len(named) == 0 {
			named = []string{"callbackStatus"}
		}
		genuine.Set("hashParams", strings.Join(named, ":"))
		genuine.Set("hash", craftgate.CallbackHashV2(key, genuine))
		return genuine, "hashParams without " + strings.Join(dropped, ", ")
	}
}

// TestCallbacksAndWebhooksMatchGo checks the module against the Go
// functions: genuine callbacks verify in both, forged version 2 callbacks
// whose hash is right are refused by both for the same reason, random
// forms get Go's answer, and random webhooks verify.
func TestCallbacksAndWebhooksMatchGo(t *testing.T) {
	m := load(t)
	r := rand.New(rand.NewPCG(18, 4))
	names := []string{"status", "completeStatus", "paymentId", "conversationData", "conversationId", "callbackStatus", "mdStatus", "paymentStatus", "additionalAction"}
	var accepted, refused int
	for i := range 300 {
		key := randomText(r, 1+r.IntN(32))

		form := genuineCallback(r)
		want := craftgate.CallbackHash(key, form)
		if got := m.str("callbackHash", key, form.Encode()); got != want {
			t.Fatalf("case %d: callbackHash(%s) = %s, Go %s", i, form.Encode(), got, want)
		}
		parsed := m.call("parseForm", form.Encode()).Export().(map[string]any)
		for k := range form {
			if parsed[k] != form.Get(k) {
				t.Fatalf("case %d: parseForm %q = %q, want %q", i, k, parsed[k], form.Get(k))
			}
		}
		form.Set("hash", want)
		if !verdict(t, m, key, form) {
			t.Fatalf("case %d: a callback signed with its key does not verify: %s", i, form.Encode())
		}
		form.Set("hash", craftgate.CallbackHash(key+"x", form))
		if verdict(t, m, key, form) {
			t.Fatalf("case %d: a callback signed with another key verifies: %s", i, form.Encode())
		}

		forged, how := forgedCallback(r, key)
		if craftgate.CallbackHashV2(key, forged) != forged.Get("hash") {
			t.Fatalf("case %d: %s: the forgery's hash does not verify: the test builds it wrongly", i, how)
		}
		if err := craftgate.VerifyCallback(key, forged); !errors.Is(err, craftgate.ErrHashParamsIncomplete) {
			t.Fatalf("case %d: %s: Go VerifyCallback = %v, want ErrHashParamsIncomplete", i, how, err)
		}
		if verdict(t, m, key, forged) {
			t.Fatalf("case %d: %s: the forgery verifies: %s", i, how, forged.Encode())
		}

		// Any form, valid by the rule or not: the module answers as Go does.
		random := url.Values{}
		for _, n := range names {
			if r.IntN(4) > 0 {
				random.Set(n, randomText(r, r.IntN(16)))
			}
		}
		if r.IntN(2) == 0 {
			picked := slices.Clone(names)
			r.Shuffle(len(picked), func(a, b int) { picked[a], picked[b] = picked[b], picked[a] })
			random.Set("hashParams", strings.Join(picked[:1+r.IntN(len(picked))], ":"))
		}
		random.Set("hash", craftgate.CallbackHash(key, random))
		if verdict(t, m, key, random) {
			accepted++
		} else {
			refused++
		}

		ev := craftgate.WebhookEvent{EventType: randomText(r, 1+r.IntN(20)), EventTimestamp: r.Int64N(1 << 40),
			Status: randomText(r, r.IntN(8)), PayloadID: randomText(r, r.IntN(36))}
		sig := ev.Sign(key)
		if got := m.str("webhookSignature", key, ev.EventType, ev.EventTimestamp, ev.Status, ev.PayloadID); got != sig {
			t.Fatalf("case %d: webhookSignature = %s, Go %s", i, got, sig)
		}
		body, _ := json.Marshal(ev)
		if goja.IsNull(m.call("verifyWebhook", key, string(body), sig)) {
			t.Fatalf("case %d: verifyWebhook rejects %s", i, body)
		}
	}
	if accepted == 0 || refused == 0 {
		t.Fatalf("random forms: %d accepted, %d refused: the generator must produce both", accepted, refused)
	}
}

func TestNonce(t *testing.T) {
	m := load(t)
	hexDigits := regexp.MustCompile(`^[0-9a-f]{16}$`)
	seen := map[string]bool{}
	for range 50 {
		n := m.str("nonce")
		if !hexDigits.MatchString(n) || seen[n] {
			t.Fatalf("nonce %q: want 16 fresh hex digits", n)
		}
		seen[n] = true
	}
	h := m.call("signedHeaders", "http://127.0.0.1/x", nil, map[string]string{"apiKey": "a", "secretKey": "s"}).Export().(map[string]any)
	if !hexDigits.MatchString(h["x-rnd-key"].(string)) {
		t.Fatalf("signedHeaders without rnd: x-rnd-key %v", h["x-rnd-key"])
	}
}

// TestMockAcceptsSignedRequests sends requests signed by the module to the
// mock (in process, strict signatures): a card payment and a query with
// escapes are accepted, and a wrong secret is refused.
func TestMockAcceptsSignedRequests(t *testing.T) {
	m := load(t)
	const apiKey, secretKey = "k6-api-key", "k6-secret-key"
	mk, err := mock.New(mock.Config{APIKey: apiKey, SecretKey: secretKey, Seed: 7, StrictSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, u, body, secret string) *httptest.ResponseRecorder {
		t.Helper()
		var h map[string]any
		creds := map[string]string{"apiKey": apiKey, "secretKey": secret}
		if body == "" {
			h = m.call("signedHeaders", u, nil, creds).Export().(map[string]any)
		} else {
			h = m.call("signedHeaders", u, body, creds).Export().(map[string]any)
		}
		req := httptest.NewRequest(method, u, strings.NewReader(body))
		for k, v := range h {
			req.Header.Set(k, v.(string))
		}
		rec := httptest.NewRecorder()
		mk.ServeHTTP(rec, req)
		return rec
	}
	payment := `{"price":100.0,"paidPrice":100.0,"walletPrice":0,"installment":1,"currency":"TRY","conversationId":"k6-örnek",` +
		`"card":{"cardHolderName":"Haluk Demir","cardNumber":"5258640000000001","expireYear":"2044","expireMonth":"07","cvc":"000"},` +
		`"items":[{"name":"Çay","price":100.0}]}`
	rec := send(http.MethodPost, "http://127.0.0.1:8080/payment/v1/card-payments", payment, secretKey)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"paymentStatus":"SUCCESS"`) {
		t.Fatalf("create payment: %d %s", rec.Code, rec.Body)
	}
	var created struct {
		Data struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.Data.ID == 0 {
		t.Fatalf("create payment: %v %s", err, rec.Body)
	}
	rec = send(http.MethodGet, fmt.Sprintf("http://127.0.0.1:8080/payment/v1/card-payments/%d", created.Data.ID), "", secretKey)
	if rec.Code != http.StatusOK {
		t.Fatalf("retrieve payment: %d %s", rec.Code, rec.Body)
	}
	q := url.Values{"binNumber": {"52586400"}, "price": {"100"}, "currency": {"TRY"}, "note": {"ç ö/ü"}}
	rec = send(http.MethodGet, "http://127.0.0.1:8080/installment/v1/installments?"+strings.ReplaceAll(q.Encode(), "+", "%20"), "", secretKey)
	if rec.Code == http.StatusUnauthorized || strings.Contains(rec.Body.String(), "ignature") {
		t.Fatalf("installments with an escaped query: %d %s", rec.Code, rec.Body)
	}
	rec = send(http.MethodPost, "http://127.0.0.1:8080/payment/v1/card-payments", payment, secretKey+"x")
	if rec.Code == http.StatusOK {
		t.Fatalf("a request signed with the wrong secret was accepted: %s", rec.Body)
	}
}

// TestTypesDeclareEveryExport keeps index.d.ts in step with craftgate.js.
func TestTypesDeclareEveryExport(t *testing.T) {
	src, err := os.ReadFile("craftgate.js")
	if err != nil {
		t.Fatal(err)
	}
	_, exported, err := transform(string(src))
	if err != nil {
		t.Fatal(err)
	}
	dts, err := os.ReadFile("index.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	decl := regexp.MustCompile(`(?m)^export (?:declare )?(?:function|const) (\w+)`)
	var declared []string
	for _, m := range decl.FindAllStringSubmatch(string(dts), -1) {
		if !slices.Contains(declared, m[1]) {
			declared = append(declared, m[1])
		}
	}
	slices.Sort(exported)
	slices.Sort(declared)
	if !slices.Equal(exported, declared) {
		t.Fatalf("craftgate.js exports %v, index.d.ts declares %v", exported, declared)
	}
}
