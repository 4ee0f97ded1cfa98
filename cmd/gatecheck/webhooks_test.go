package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

const (
	listenWebhookKey  = "wh-secret-4f9a1c0e7b2d4e6f8a0b1c2d"
	listenCallbackKey = "cb-secret-0a1b2c3d4e5f60718293a4b5"
)

// startListen runs `gatecheck webhooks listen` in-process and returns its
// base URL, a channel of its further stdout lines, and a stop function
// returning the exit code.
func startListen(t *testing.T, args ...string) (string, <-chan string, *syncBuffer, func() int) {
	t.Helper()
	pr, stderr, done, cancel := runInProcess(append([]string{"webhooks", "listen", "--addr", "127.0.0.1:0"}, args...))
	lines := make(chan string, 64)
	first := make(chan string, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for n := 0; sc.Scan(); n++ {
			if n == 0 {
				first <- sc.Text()
				continue
			}
			lines <- sc.Text()
		}
		close(first)
	}()
	var base string
	select {
	case base = <-first:
	case code := <-done:
		t.Fatalf("listen exited with %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no URL printed")
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.ContainsAny(base, " \t") {
		t.Fatalf("first stdout line %q, want the base URL alone", base)
	}
	return base, lines, stderr, stopper(t, "listen", cancel, done)
}

func nextLine(t *testing.T, lines <-chan string) string {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatal("stdout closed")
		}
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no line printed")
		return ""
	}
}

func post(t *testing.T, u, contentType string, body []byte, header map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhooksListen(t *testing.T) {
	base, lines, stderr, stop := startListen(t, "--webhook-key", listenWebhookKey, "--callback-key", listenCallbackKey)
	var printed []string

	send := func(e craftgate.WebhookEvent, sig string) int {
		b, _ := json.Marshal(e)
		h := map[string]string{}
		if sig != "" {
			h[craftgate.WebhookSignatureHeader] = sig
		}
		return post(t, base+"/webhook", "application/json", b, h)
	}
	ev := craftgate.WebhookEvent{EventType: "API_AUTH", EventTime: "2026-03-04T12:10:11.123456", EventTimestamp: 1772615411, Status: "SUCCESS", PayloadID: "271591"}
	// A checkout event whose payloadId looks like a card number: it must
	// be printed masked.
	pan := craftgate.WebhookEvent{EventType: "CHECKOUTFORM_AUTH", EventTimestamp: 1772615412, Status: "SUCCESS", PayloadID: "5258640000000001"}

	tests := []struct {
		name       string
		send       func() int
		wantStatus int
		want       []string
		notWant    []string
	}{
		{"signed", func() int { return send(ev, ev.Sign(listenWebhookKey)) }, 200,
			[]string{"webhook", "API_AUTH", "payloadId=271591", "status=SUCCESS", "signature=ok", "[200]"}, []string{"duplicate", "BAD"}},
		{"unsigned", func() int { return send(ev, "") }, 401,
			[]string{"API_AUTH", "payloadId=271591", "signature=BAD (signature missing)", "[401]"}, []string{"signature=ok"}},
		{"wrong key", func() int { return send(ev, ev.Sign("not-the-key")) }, 401,
			[]string{"signature=BAD (signature mismatch)", "[401]"}, nil},
		{"duplicate", func() int { return send(ev, ev.Sign(listenWebhookKey)) }, 200,
			[]string{"signature=ok duplicate", "[200]"}, nil},
		{"card number masked", func() int { return send(pan, pan.Sign(listenWebhookKey)) }, 200,
			[]string{"CHECKOUTFORM_AUTH", "payloadId=525864******0001"}, []string{"5258640000000001"}},
		{"malformed", func() int {
			return post(t, base+"/webhook", "application/json", []byte(`{"eventType":`), map[string]string{craftgate.WebhookSignatureHeader: "x"})
		}, 400, []string{"payloadId=- status=- signature=BAD (malformed JSON) [400]"}, nil},
		{"3ds callback", func() int {
			f := url.Values{"status": {"SUCCESS"}, "completeStatus": {"WAITING"}, "paymentId": {"271591"}, "conversationId": {"c-1"}}
			f.Set("hash", craftgate.CallbackHashV1(listenCallbackKey, f))
			return post(t, base+"/callback", "application/x-www-form-urlencoded", []byte(f.Encode()), nil)
		}, 200, []string{"callback  3ds", "paymentId=271591", "conversationId=c-1", "status=SUCCESS", "completeStatus=WAITING", "callbackStatus=-", "hash=ok", "[200]"}, nil},
		{"failed 3ds callback", func() int {
			f := url.Values{"status": {"FAILURE"}, "paymentId": {""}, "conversationId": {"c-2"}, "callbackStatus": {""}}
			f.Set("hash", craftgate.CallbackHashV1(listenCallbackKey, f))
			return post(t, base+"/callback", "application/x-www-form-urlencoded", []byte(f.Encode()), nil)
		}, -1, []string{"callback  3ds", "paymentId=- conversationId=c-2 status=FAILURE"}, nil},
		{"forged callback", func() int {
			f := url.Values{"status": {"SUCCESS"}, "paymentId": {"271592"}, "hash": {"00"}}
			return post(t, base+"/callback", "application/x-www-form-urlencoded", []byte(f.Encode()), nil)
		}, 400, []string{"callback  3ds", "hash=BAD (hash mismatch)", "[400]"}, nil},
		{"checkout callback", func() int {
			return post(t, base+"/checkout", "application/x-www-form-urlencoded", []byte("token=tok-1"), nil)
		}, 200, []string{"callback  checkout", "token=tok-1", "[200]"}, nil},
	}
	for _, tt := range tests {
		if code := tt.send(); code != tt.wantStatus && tt.wantStatus >= 0 {
			t.Errorf("%s: HTTP %d, want %d", tt.name, code, tt.wantStatus)
		}
		l := nextLine(t, lines)
		printed = append(printed, l)
		for _, w := range tt.want {
			if !strings.Contains(l, w) {
				t.Errorf("%s: line %q lacks %q", tt.name, l, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(l, w) {
				t.Errorf("%s: line %q contains %q", tt.name, l, w)
			}
		}
		if _, err := time.Parse(time.DateTime, l[:len(time.DateTime)]); err != nil {
			t.Errorf("%s: line %q does not start with the time", tt.name, l)
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
	}
	all := strings.Join(printed, "\n") + stderr.String()
	for _, k := range []string{listenWebhookKey, listenCallbackKey} {
		if strings.Contains(all, k) {
			t.Fatalf("a key was printed:\n%s", all)
		}
	}
	if !strings.Contains(stderr.String(), base+"/webhook") {
		t.Errorf("stderr %q does not say where webhooks go", stderr.String())
	}
}

func TestWebhooksListenNeedsKey(t *testing.T) {
	t.Setenv("CRAFTGATE_WEBHOOK_KEY", "")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"webhooks", "listen", "--addr", "127.0.0.1:0"}, io.Discard, &stderr); code != 2 {
		t.Fatalf("listen without a webhook key: exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "--webhook-key") {
		t.Fatalf("stderr %q", stderr.String())
	}
	if code := run(context.Background(), []string{"webhooks"}, io.Discard, &stderr); code != 2 {
		t.Fatalf("no subcommand: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"webhooks", "nope"}, io.Discard, &stderr); code != 2 {
		t.Fatalf("unknown subcommand: exit %d, want 2", code)
	}
}

func TestWebhooksListenKeyFromEnvNotInHelp(t *testing.T) {
	t.Setenv("CRAFTGATE_WEBHOOK_KEY", listenWebhookKey)
	t.Setenv("CRAFTGATE_CALLBACK_KEY", listenCallbackKey)
	for _, args := range [][]string{{"webhooks", "listen", "-h"}, {"probe", "-h"}} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, io.Discard, &stderr); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		if strings.Contains(stderr.String(), listenWebhookKey) || strings.Contains(stderr.String(), listenCallbackKey) {
			t.Fatalf("%v printed a key from the environment:\n%s", args, stderr.String())
		}
	}
	// The environment's key is used.
	base, lines, _, stop := startListen(t)
	ev := craftgate.WebhookEvent{EventType: "API_AUTH", EventTimestamp: 1, Status: "SUCCESS", PayloadID: "7"}
	b, _ := json.Marshal(ev)
	if code := post(t, base+"/webhook", "application/json", b, map[string]string{craftgate.WebhookSignatureHeader: ev.Sign(listenWebhookKey)}); code != 200 {
		t.Fatalf("HTTP %d", code)
	}
	if l := nextLine(t, lines); !strings.Contains(l, "signature=ok") {
		t.Fatalf("line %q", l)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
