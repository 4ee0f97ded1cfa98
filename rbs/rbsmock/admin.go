package rbsmock

import (
	"net/http"
	"time"
)

// serveAdmin answers the mock-only routes under /_mock/rbs. Changing
// routes (and the callback list) need the API credentials, as every
// gateway call does.
func (m *Mock) serveAdmin(w http.ResponseWriter, r *http.Request, sub string) {
	now := func() map[string]any { return map[string]any{"now": m.Now().Format(time.RFC3339)} }
	if sub == "/clock" && r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, now())
		return
	}
	if sub != "/clock/advance" && sub != "/callbacks" {
		writeJSON(w, http.StatusNotFound, map[string]any{"errorCode": "7", "errorMessage": "Unknown path"})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errorCode": "5", "errorMessage": "Use HTTP POST"})
		return
	}
	p, err := readParams(r, m.cfg.MaxBodyBytes)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errorCode": "5", "errorMessage": "Malformed request body"})
		return
	}
	if e := m.authenticate(p, kindStatus); e != nil {
		writeJSON(w, http.StatusOK, errorBody(kindStatus, false, e))
		return
	}
	switch sub {
	case "/clock/advance":
		d, err := time.ParseDuration(p.get("duration"))
		if err != nil || d <= 0 {
			writeJSON(w, http.StatusOK, map[string]any{"errorCode": "5", "errorMessage": "duration: want a positive Go duration such as 24h"})
			return
		}
		m.Advance(d)
		writeJSON(w, http.StatusOK, now())
	default:
		items := m.Deliveries(p.get("mdOrder"))
		if items == nil {
			items = []Delivery{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	}
}
