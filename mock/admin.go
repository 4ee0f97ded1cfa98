package mock

import (
	"net/http"
	"time"
)

// advanceRequest is the body of POST /_mock/v1/clock/advance.
type advanceRequest struct {
	// Duration is a Go duration string, e.g. "24h" or "90m".
	Duration string `json:"duration"`
}

// getClock serves GET /_mock/v1/clock: {"data":{"now":"yyyy-MM-ddTHH:mm:ss"}}.
func (m *Mock) getClock(c *call) error {
	m.sendNow(c)
	return nil
}

// advanceClock serves POST /_mock/v1/clock/advance {"duration":"24h"}.
func (m *Mock) advanceClock(c *call, req advanceRequest) error {
	if req.Duration == "" {
		return errRequired("duration")
	}
	d, err := time.ParseDuration(req.Duration)
	if err != nil || d <= 0 {
		return errValidation(CodeInvalidDuration, "duration must be a positive Go duration such as \"24h\", got "+truncate(req.Duration, 40))
	}
	m.Advance(d)
	m.sendNow(c)
	return nil
}

func (m *Mock) sendNow(c *call) {
	c.out = append(c.out, `{"data":{"now":"`...)
	c.out = appendDateTime(c.out, m.Now())
	c.out = append(c.out, `"}}`...)
	c.send(http.StatusOK)
}

// nowUnix is the mock clock in Unix seconds (the store's clock).
func (m *Mock) nowUnix() int64 { return m.Now().Unix() }

// forgetThreeDS drops the 3-D Secure session of an evicted payment.
func (m *Mock) forgetThreeDS(id int64) { m.threeDS.Delete(id) }

// Stats returns the mock's record counts: what the store holds and has
// evicted, sessions, webhook records and requests in flight.
func (m *Mock) Stats() Stats {
	s := m.store.stats()
	s.CheckoutTokens = int64(m.tokens.len())
	m.threeDS.Range(func(any, any) bool {
		s.ThreeDSSessions++
		return true
	})
	s.WebhookEvents = m.hooks.count()
	s.InFlight = m.inflight.Load()
	s.Collections = m.collectionCounts() // collections.go
	return s
}

// getStats serves GET /_mock/v1/stats: {"data":Stats}.
func (m *Mock) getStats(c *call) error {
	c.sendData(http.StatusOK, m.Stats())
	return nil
}
