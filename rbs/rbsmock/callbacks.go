package rbsmock

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
)

// Delivery is the mock's record of one callback notification.
type Delivery struct {
	// URL is the callback URL without the query.
	URL       string `json:"url"`
	Method    string `json:"method"`
	OrderID   string `json:"mdOrder"`
	Operation string `json:"operation"`
	Status    string `json:"status"`
	// Attempts made so far; Answers are the HTTP statuses got (0 for a
	// transport error).
	Attempts  int   `json:"attempts"`
	Answers   []int `json:"answers"`
	Delivered bool  `json:"delivered"`
	// GaveUp is set after CallbackMaxFailures failed attempts.
	GaveUp bool `json:"gaveUp"`
}

// deliverer sends callbacks in the background: an attempt at once, then
// one every retry interval until an HTTP 200 or the maximum of failures.
type deliverer struct {
	m      *Mock
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	records []*Delivery
}

// maxDeliveries bounds the records kept.
const maxDeliveries = 10_000

func newDeliverer(m *Mock, c *http.Client) *deliverer {
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx, cancel := context.WithCancel(context.Background())
	return &deliverer{m: m, client: &cc, ctx: ctx, cancel: cancel}
}

func (d *deliverer) close() {
	d.cancel()
	d.wg.Wait()
}

// send starts the delivery of each event (nil events are skipped).
func (d *deliverer) send(evs ...*event) {
	for _, ev := range evs {
		if ev == nil {
			continue
		}
		params := ev.params
		if key := d.m.cfg.CallbackKey; key != "" {
			if d.m.cfg.SignAlias != "" {
				params.Set(rbs.ParamSignAlias, d.m.cfg.SignAlias)
			}
			params.Set(rbs.ParamChecksum, rbs.Checksum(params, key))
		}
		rec := &Delivery{URL: stripQuery(ev.url), Method: d.m.cfg.CallbackMethod, OrderID: ev.orderID,
			Operation: ev.operation, Status: params.Get("status")}
		d.mu.Lock()
		if len(d.records) < maxDeliveries {
			d.records = append(d.records, rec)
		}
		d.mu.Unlock()
		if d.ctx.Err() != nil {
			continue
		}
		d.wg.Add(1)
		go d.deliver(ev.url, params, rec)
	}
}

func (d *deliverer) deliver(target string, params url.Values, rec *Delivery) {
	defer d.wg.Done()
	for {
		status := d.attempt(target, params)
		d.mu.Lock()
		rec.Attempts++
		rec.Answers = append(rec.Answers, status)
		rec.Delivered = status == http.StatusOK
		failures := rec.Attempts
		if !rec.Delivered && failures >= d.m.cfg.CallbackMaxFailures {
			rec.GaveUp = true
		}
		done := rec.Delivered || rec.GaveUp
		d.mu.Unlock()
		if done {
			return
		}
		t := time.NewTimer(d.m.cfg.CallbackRetryInterval)
		select {
		case <-d.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// attempt makes one request and returns its HTTP status (0 on a
// transport error).
func (d *deliverer) attempt(target string, params url.Values) int {
	var req *http.Request
	var err error
	if d.m.cfg.CallbackMethod == http.MethodPost {
		req, err = http.NewRequestWithContext(d.ctx, http.MethodPost, target, strings.NewReader(params.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		u, perr := url.Parse(target)
		if perr != nil {
			return 0
		}
		q := u.Query()
		for k, vs := range params {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(d.ctx, http.MethodGet, u.String(), nil)
	}
	if err != nil {
		return 0
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func stripQuery(s string) string {
	if i := strings.IndexByte(s, '?'); i >= 0 {
		return s[:i]
	}
	return s
}

// Deliveries returns copies of the callback records for orderID (all
// when empty), oldest first.
func (m *Mock) Deliveries(orderID string) []Delivery {
	d := m.cb
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Delivery
	for _, r := range d.records {
		if orderID == "" || r.OrderID == orderID {
			c := *r
			c.Answers = append([]int(nil), r.Answers...)
			out = append(out, c)
		}
	}
	return out
}
