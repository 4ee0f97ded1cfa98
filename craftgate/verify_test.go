package craftgate

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// TestCallbackHashVectors checks both callback hash versions against the
// shared vectors, and that VerifyCallback accepts each vector's form.
func TestCallbackHashVectors(t *testing.T) {
	for _, version := range []struct {
		name    string
		vectors []callbackVector
		hash    func(callbackKey string, form url.Values) string
	}{
		{"V1", callbackV1Vectors, CallbackHashV1},
		{"V2", callbackV2Vectors, CallbackHashV2},
	} {
		for _, v := range version.vectors {
			t.Run(version.name+"/"+v.name, func(t *testing.T) {
				if got := version.hash(v.key, v.form); got != v.want {
					t.Fatalf("CallbackHash%s = %s, want %s", version.name, got, v.want)
				}
				f := cloneForm(v.form)
				f.Set("hash", v.want)
				err := VerifyCallback(v.key, f)
				if version.name == "V2" && v.name == "V2" {
					// The security page's example signs status but not the
					// paymentStatus it also carries: a forger could set it.
					if !errors.Is(err, ErrHashParamsIncomplete) {
						t.Fatalf("VerifyCallback = %v, want ErrHashParamsIncomplete (paymentStatus unsigned)", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("VerifyCallback: %v", err)
				}
			})
		}
	}
}

// TestVerifyCallbackRefusesHashParamsForgery is the attack on the version 2
// hash: a genuine FAILURE callback's signed values moved into one junk
// field named alone in hashParams keep its hash valid, and the forger adds
// the outcome he wants. The hash verifies; VerifyCallback must still refuse.
func TestVerifyCallbackRefusesHashParamsForgery(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	threeDS := url.Values{"status": {"FAILURE"}, "callbackStatus": {""}, "completeStatus": {""}, "paymentId": {"863"},
		"conversationData": {""}, "conversationId": {"order-1"}, "mdStatus": {"0"},
		"hashParams": {"status:callbackStatus:completeStatus:paymentId:conversationData:conversationId:mdStatus"}}
	bnpl := url.Values{"paymentId": {"204"}, "paymentStatus": {"FAILURE"}, "additionalAction": {""}, "conversationId": {"order-2"},
		"callbackStatus": {""}, "hashParams": {"paymentId:paymentStatus:additionalAction:conversationId:callbackStatus"}}
	forge := func(genuine url.Values, set map[string]string) url.Values {
		genuine.Set("hash", CallbackHashV2(key, genuine))
		var joined string
		for _, n := range strings.Split(genuine.Get("hashParams"), ":") {
			joined += genuine.Get(n)
		}
		f := url.Values{"x": {joined}, "hashParams": {"x"}, "hash": {genuine.Get("hash")}}
		for k, v := range set {
			f.Set(k, v)
		}
		return f
	}
	cases := []struct {
		name string
		form url.Values
	}{
		{"3DS status SUCCESS", forge(threeDS, map[string]string{"status": "SUCCESS", "mdStatus": "1"})},
		{"3DS with every acted-on field", forge(cloneForm(threeDS), map[string]string{"status": "SUCCESS", "mdStatus": "1",
			"completeStatus": "WAITING", "paymentId": "863", "conversationId": "order-1"})},
		{"BNPL paymentStatus SUCCESS", forge(bnpl, map[string]string{"paymentStatus": "SUCCESS", "paymentId": "204"})},
		{"no status at all", forge(cloneForm(bnpl), nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if CallbackHashV2(key, c.form) != c.form.Get("hash") {
				t.Fatal("the forgery's hash does not verify: the test builds the attack wrongly")
			}
			if err := VerifyCallback(key, c.form); !errors.Is(err, ErrHashParamsIncomplete) {
				t.Fatalf("VerifyCallback = %v, want ErrHashParamsIncomplete", err)
			}
		})
	}
}

func TestVerifyCallbackRejects(t *testing.T) {
	v := callbackV2Vectors[0]
	cases := []struct {
		name   string
		mutate func(url.Values)
		want   error
	}{
		{"no hash", func(f url.Values) { f.Del("hash") }, ErrHashMissing},
		{"tampered status", func(f url.Values) { f.Set("status", "FAILURE") }, ErrHashMismatch},
		{"tampered paymentId", func(f url.Values) { f.Set("paymentId", "864") }, ErrHashMismatch},
		{"hashParams dropped (falls back to v1)", func(f url.Values) { f.Del("hashParams") }, ErrHashMismatch},
		{"hash of another key", func(f url.Values) { f.Set("hash", CallbackHashV2("other", f)) }, ErrHashMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := cloneForm(v.form)
			f.Set("hash", v.want)
			c.mutate(f)
			if err := VerifyCallback(v.key, f); !errors.Is(err, c.want) {
				t.Fatalf("VerifyCallback = %v, want %v", err, c.want)
			}
		})
	}
	// Upper-case hex is the same hash.
	f := cloneForm(v.form)
	f.Set("hash", "00756350C571F5BDED587B0E21E2EE3CF53CBB126B8106126059BAF6D39E2D9B")
	if err := VerifyCallback(v.key, f); err != nil {
		t.Fatalf("upper-case hash: %v", err)
	}
}

func TestWebhookVectors(t *testing.T) {
	if len(webhookVectors) != 5 {
		t.Fatalf("want 5 webhook vectors, have %d", len(webhookVectors))
	}
	for _, v := range webhookVectors {
		t.Run(v.name, func(t *testing.T) {
			if got := WebhookSignature(v.key, v.eventType, v.ts, v.status, v.payloadID); got != v.want {
				t.Fatalf("WebhookSignature = %s, want %s", got, v.want)
			}
		})
	}
}

func TestVerifyWebhook(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	body := []byte(`{"eventType":"BNPL_NOTIFICATION","eventTime":"2023-11-01T00:00:00.123456","eventTimestamp":1699477200,"status":"SUCCESS","payloadId":"204","payload":{"additionalAction":"APPROVAL_REQUIRED"}}`)
	const sig = "p1Gw+8XzS8b7qgAF0TCmJh4ZnIfothqGb0vtrLYIZ5c=" // W4
	e, err := VerifyWebhook(key, body, sig)
	if err != nil {
		t.Fatalf("VerifyWebhook: %v", err)
	}
	if e.EventType != "BNPL_NOTIFICATION" || e.PayloadID != "204" || string(e.Payload) != `{"additionalAction":"APPROVAL_REQUIRED"}` {
		t.Fatalf("decoded %+v", e)
	}
	cases := []struct {
		name       string
		key, sig   string
		body       []byte
		want       error
		wantDecode bool
	}{
		{"missing", key, "", body, ErrSignatureMissing, false},
		{"wrong key", "x", sig, body, ErrSignatureInvalid, false},
		{"tampered payloadId", key, sig, []byte(`{"eventType":"BNPL_NOTIFICATION","eventTimestamp":1699477200,"status":"SUCCESS","payloadId":"205"}`), ErrSignatureInvalid, false},
		{"replayed with new timestamp", key, sig, []byte(`{"eventType":"BNPL_NOTIFICATION","eventTimestamp":1699477201,"status":"SUCCESS","payloadId":"204"}`), ErrSignatureInvalid, false},
		{"malformed", key, sig, []byte(`{`), nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := VerifyWebhook(c.key, c.body, c.sig)
			if err == nil {
				t.Fatal("accepted")
			}
			if !c.wantDecode && !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}
