package rbs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestReceiverCallbacks(t *testing.T) {
	const key = "merchant-callback-key"
	signed := url.Values{"mdOrder": {"o-1"}, "orderNumber": {"7"}, "operation": {"deposited"}, "status": {"1"}}
	signed.Set(ParamChecksum, Checksum(signed, key))
	tampered := url.Values{}
	for k, v := range signed {
		tampered[k] = v
	}
	tampered.Set("status", "0")
	unsigned := url.Values{"mdOrder": {"o-2"}, "operation": {"deposited"}, "status": {"1"}}
	cases := []struct {
		name     string
		cfg      ReceiverConfig
		method   string
		q        url.Values
		answer   int
		verified bool
	}{
		{"signed GET", ReceiverConfig{CallbackKey: key}, http.MethodGet, signed, 200, true},
		{"signed POST", ReceiverConfig{CallbackKey: key}, http.MethodPost, signed, 200, true},
		{"tampered", ReceiverConfig{CallbackKey: key}, http.MethodGet, tampered, 400, false},
		{"unsigned accepted", ReceiverConfig{CallbackKey: key}, http.MethodGet, unsigned, 200, false},
		{"unsigned required", ReceiverConfig{CallbackKey: key, RequireChecksum: true}, http.MethodGet, unsigned, 400, false},
		{"no key", ReceiverConfig{}, http.MethodGet, signed, 200, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewReceiver(c.cfg)
			var req *http.Request
			if c.method == http.MethodPost {
				req = httptest.NewRequest(c.method, "/callback", strings.NewReader(c.q.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			} else {
				req = httptest.NewRequest(c.method, "/callback?"+c.q.Encode(), nil)
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != c.answer {
				t.Errorf("answer %d, want %d", rec.Code, c.answer)
			}
			got := r.Callbacks(c.q.Get("mdOrder"))
			if len(got) != 1 || got[0].Verified != c.verified || got[0].Answer != c.answer {
				t.Errorf("recorded %+v", got)
			}
		})
	}
}

func TestReceiverWaitFailAndLanding(t *testing.T) {
	r := NewReceiver(ReceiverConfig{})
	srv := httptest.NewServer(r)
	defer srv.Close()
	r.FailCallbacks(1)
	done := make(chan ReceivedCallback, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cb, err := r.WaitCallback(ctx, "o-9", OperationRefunded)
		if err != nil {
			t.Error(err)
		}
		done <- cb
	}()
	for _, want := range []int{503, 200} {
		resp, err := http.Get(srv.URL + "/callback?mdOrder=o-9&operation=refunded&status=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("answer %d, want %d", resp.StatusCode, want)
		}
	}
	if cb := <-done; cb.Operation() != OperationRefunded || cb.Status() != "1" {
		t.Errorf("waited for %+v", cb)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.WaitCallback(ctx, "nobody", ""); err == nil {
		t.Error("WaitCallback returned without a callback")
	}
	resp, err := http.Get(srv.URL + "/fail?orderId=o-9&lang=ru")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l := r.Landings("o-9"); len(l) != 1 || !l[0].Fail || l[0].Query.Get("lang") != "ru" {
		t.Errorf("landings %+v", l)
	}
	for path, want := range map[string]int{"/nope": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/callback", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", resp.StatusCode)
	}
}

// TestReceiverKeepsTheNewest: past its bound the receiver drops the oldest
// callbacks, so the newest one (what a long load run waits for) is always
// recorded.
func TestReceiverKeepsTheNewest(t *testing.T) {
	r := NewReceiver(ReceiverConfig{CallbackKey: "k"})
	for i := range maxRecorded + 10 {
		q := url.Values{"mdOrder": {"o-" + strconv.Itoa(i)}, "operation": {"deposited"}, "status": {"1"}}
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/callback?"+q.Encode(), nil))
	}
	last := "o-" + strconv.Itoa(maxRecorded+9)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := r.WaitCallback(ctx, last, "deposited"); err != nil {
		t.Fatalf("newest callback not recorded: %v", err)
	}
	if n := len(r.Callbacks("")); n > maxRecorded || n < maxRecorded*3/4 {
		t.Errorf("%d callbacks kept, bound %d", n, maxRecorded)
	}
	if len(r.Callbacks("o-0")) != 0 {
		t.Error("the oldest callback should have been dropped")
	}
}
