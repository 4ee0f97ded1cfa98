package mock

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The fault configuration as the admin API and the Go API install and
// show it.

// SetFaults installs cfg, replacing the fault configuration (counters
// restart). An empty configuration removes every fault.
func (m *Mock) SetFaults(cfg FaultConfig) error {
	cfg.Rules = dropSpent(slices.Clone(cfg.Rules))
	fs, err := m.compileFaults(cfg)
	if err != nil {
		return fmt.Errorf("mock: faults: %w", err)
	}
	m.faults.Store(fs)
	return nil
}

// Faults returns the installed fault configuration: counts are what is
// left, Fired how often each rule fired, outage windows absolute.
func (m *Mock) Faults() FaultConfig {
	fs := m.faults.Load()
	if fs == nil {
		return FaultConfig{}
	}
	seed := fs.seed
	cfg := FaultConfig{Seed: &seed}
	for _, r := range fs.rules {
		s := r.spec
		if s.Latency != nil {
			l := *s.Latency
			s.Latency = &l
		}
		if r.limited {
			s.Count = r.remaining.Load()
			s.Spent = s.Count == 0
		}
		s.Fired = r.fired.Load()
		cfg.Rules = append(cfg.Rules, s)
	}
	for _, o := range fs.outages {
		s := o.spec
		s.BINs = append([]string(nil), s.BINs...)
		cfg.Outages = append(cfg.Outages, s)
	}
	return cfg
}

// getFaults serves GET /_mock/v1/faults.
func (m *Mock) getFaults(c *call) error {
	c.sendData(http.StatusOK, faultsView(m.Faults()))
	return nil
}

// postFaults serves POST /_mock/v1/faults: replaces the configuration.
// Spent rules of a GET answer (rate 0, count 0) are dropped, so that what
// GET answered can be posted back.
func (m *Mock) postFaults(c *call) error {
	var cfg FaultConfig
	if e := decodeJSON(c.body, &cfg); e != nil {
		return e
	}
	if err := strictFaults(c.body, &cfg); err != nil {
		return errValidation(CodeInvalidFaults, "faults: "+truncate(err.Error(), 200))
	}
	cfg.Rules = dropSpent(cfg.Rules)
	if err := m.SetFaults(cfg); err != nil {
		return errValidation(CodeInvalidFaults, strings.TrimPrefix(err.Error(), "mock: "))
	}
	c.sendData(http.StatusOK, faultsView(m.Faults()))
	return nil
}

// dropSpent removes the spent rules' faults: a spent rule of a GET
// answer posted back keeps only its latency, if it has one.
func dropSpent(rules []FaultRule) []FaultRule {
	out := rules[:0]
	for _, r := range rules {
		if r.Spent {
			if r.Latency == nil {
				continue
			}
			r = FaultRule{Operation: r.Operation, Latency: r.Latency}
		}
		out = append(out, r)
	}
	return out
}

// faultsView makes sure the lists render as [] rather than null.
func faultsView(cfg FaultConfig) any {
	if cfg.Rules == nil {
		cfg.Rules = []FaultRule{}
	}
	if cfg.Outages == nil {
		cfg.Outages = []BankOutage{}
	}
	return struct {
		Seed    *int64       `json:"seed,omitempty"`
		Rules   []FaultRule  `json:"rules"`
		Outages []BankOutage `json:"outages"`
	}{cfg.Seed, cfg.Rules, cfg.Outages}
}
