package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/load/segment"
)

// Profile is a named, bounded load test kept as a JSON file under
// scenarios/, in the shape of k6's options: named scenarios, each with an
// executor, and thresholds at the top level in k6's syntax. A k6 user can
// paste an options.scenarios block and replace only the executed part: k6's
// "exec" (a function name) becomes "mix", the weighted tag filters of the
// Gherkin scenarios an iteration runs.
type Profile struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// RBSTarget is the Alfa-Bank gateway of the @rbs scenarios (gatecheck
	// load --rbs-target) unless the flag is given: "mock" is the RBS mock
	// that the Craftgate mock serves under /rbs/, whose calls the run
	// measures.
	RBSTarget string `json:"rbsTarget,omitempty"`
	// Scenarios run side by side, each from its own startTime.
	Scenarios map[string]*ScenarioConfig `json:"scenarios"`
	// Thresholds map a metric, optionally with a tag filter
	// ("http_req_duration{op:POST /payment/v1/card-payments}"), to its
	// conditions ("p(95)<50"), as k6's thresholds option does.
	Thresholds map[string]ThresholdList `json:"thresholds,omitempty"`
}

// Executor names, as k6 spells them.
const (
	SharedIterations   = "shared-iterations"
	PerVUIterations    = "per-vu-iterations"
	ConstantVUs        = "constant-vus"
	RampingVUs         = "ramping-vus"
	ConstantArrival    = "constant-arrival-rate"
	RampingArrivalRate = "ramping-arrival-rate"
)

// ScenarioConfig is one k6 scenario: an executor with its options (see
// https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/), plus
// Mix, the part it executes.
type ScenarioConfig struct {
	Executor string `json:"executor"`
	// Mix weights the Gherkin scenarios an iteration runs, by tag filter:
	// "70:@non3ds && ~@error-card; 30:@refund" (see ParseMix). Empty runs
	// every scenario that can share a target, equally.
	Mix string `json:"mix,omitempty"`

	VUs              int       `json:"vus,omitempty"`
	Iterations       int       `json:"iterations,omitempty"`
	Duration         Duration  `json:"duration,omitempty"`
	MaxDuration      Duration  `json:"maxDuration,omitempty"`
	StartVUs         *int      `json:"startVUs,omitempty"`
	Stages           []Stage   `json:"stages,omitempty"`
	GracefulRampDown *Duration `json:"gracefulRampDown,omitempty"`
	Rate             float64   `json:"rate,omitempty"`
	StartRate        float64   `json:"startRate,omitempty"`
	TimeUnit         Duration  `json:"timeUnit,omitempty"`
	PreAllocatedVUs  int       `json:"preAllocatedVUs,omitempty"`
	MaxVUs           int       `json:"maxVUs,omitempty"`
	StartTime        Duration  `json:"startTime,omitempty"`
	GracefulStop     *Duration `json:"gracefulStop,omitempty"`

	// part, for an arrival-rate executor of an execution segment, says
	// which of the whole test's iterations this process starts;
	// noArrivals is true when its segment owns none (no VU of it).
	part       *segment.Part
	noArrivals bool
}

// Stage is one step of a ramping executor: reach Target (VUs, or
// iterations per timeUnit) linearly over Duration.
type Stage struct {
	Duration Duration `json:"duration"`
	Target   float64  `json:"target"`
}

// Duration is a time.Duration written as k6 writes it in JSON: a string
// such as "30s" or "1m30s", or a number of milliseconds.
type Duration time.Duration

// UnmarshalJSON reads a duration string or a number of milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if ms, err := strconv.ParseFloat(string(b), 64); err == nil {
		if ms < 0 {
			return fmt.Errorf("duration %s: must not be negative", b)
		}
		*d = Duration(ms * float64(time.Millisecond))
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("duration %s: want a string such as \"30s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("duration %q: want a positive duration such as \"30s\" or \"1m30s\"", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(time.Duration(d).String())), nil
}

// k6's defaults.
const (
	defaultGracefulStop = 30 * time.Second
	defaultMaxDuration  = 10 * time.Minute
)

// ReadProfile reads and validates a profile file. Unknown fields are
// refused, so a typo in an option does not silently change the run.
func ReadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load: profile: %w", err)
	}
	p, err := ParseProfile(b)
	if err != nil {
		return nil, fmt.Errorf("load: profile %s: %w", path, err)
	}
	return p, nil
}

// ParseProfile reads and validates a profile.
func ParseProfile(b []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// ScenarioNames returns the scenario names in a stable order.
func (p *Profile) ScenarioNames() []string {
	names := make([]string, 0, len(p.Scenarios))
	for n := range p.Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks every scenario and threshold.
func (p *Profile) Validate() error {
	if len(p.Scenarios) == 0 {
		return fmt.Errorf("no scenarios: want \"scenarios\": {\"name\": {\"executor\": ...}}")
	}
	for _, name := range p.ScenarioNames() {
		if err := p.Scenarios[name].Validate(); err != nil {
			return fmt.Errorf("scenario %q: %w", name, err)
		}
	}
	for _, name := range sortedKeys(p.Thresholds) {
		if _, err := ParseThreshold(name, p.Thresholds[name]); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the options the executor needs and refuses the ones it
// does not take, as k6 does.
func (c *ScenarioConfig) Validate() error {
	allowed := map[string][]string{
		SharedIterations:   {"vus", "iterations", "maxDuration"},
		PerVUIterations:    {"vus", "iterations", "maxDuration"},
		ConstantVUs:        {"vus", "duration"},
		RampingVUs:         {"startVUs", "stages", "gracefulRampDown"},
		ConstantArrival:    {"rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"},
		RampingArrivalRate: {"startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"},
	}
	ok, known := allowed[c.Executor]
	if !known {
		return fmt.Errorf("executor %q: want one of %s", c.Executor, strings.Join(sortedKeys(allowed), ", "))
	}
	set := map[string]bool{
		"vus": c.VUs != 0, "iterations": c.Iterations != 0, "duration": c.Duration != 0, "maxDuration": c.MaxDuration != 0,
		"startVUs": c.StartVUs != nil, "stages": len(c.Stages) > 0, "gracefulRampDown": c.GracefulRampDown != nil,
		"rate": c.Rate != 0, "startRate": c.StartRate != 0, "timeUnit": c.TimeUnit != 0,
		"preAllocatedVUs": c.PreAllocatedVUs != 0, "maxVUs": c.MaxVUs != 0,
	}
	for _, k := range sortedKeys(set) {
		if set[k] && !contains(ok, k) {
			return fmt.Errorf("%s takes no %q (it takes %s)", c.Executor, k, strings.Join(ok, ", "))
		}
	}
	if c.Mix != "" {
		if _, err := ParseMix(c.Mix); err != nil {
			return err
		}
	}
	switch {
	case c.VUs < 0 || c.Iterations < 0 || c.PreAllocatedVUs < 0 || c.MaxVUs < 0 || c.Rate < 0 || c.StartRate < 0:
		return fmt.Errorf("vus, iterations, rate and VU pools must not be negative")
	case c.VUs > MaxVUs || c.MaxVUs > MaxVUs || c.PreAllocatedVUs > MaxVUs:
		return fmt.Errorf("more than %d VUs", MaxVUs)
	case c.StartVUs != nil && *c.StartVUs < 0:
		return fmt.Errorf("startVUs must not be negative")
	}
	switch c.Executor {
	case SharedIterations, PerVUIterations:
		if c.VUs > 0 && c.Iterations > 0 && c.Executor == SharedIterations && c.Iterations < c.VUs {
			return fmt.Errorf("%d iterations shared by %d VUs: iterations must be at least vus", c.Iterations, c.VUs)
		}
	case ConstantVUs:
		if c.Duration <= 0 {
			return fmt.Errorf("constant-vus needs a duration")
		}
	case RampingVUs, RampingArrivalRate:
		if len(c.Stages) == 0 {
			return fmt.Errorf("%s needs stages", c.Executor)
		}
		for i, s := range c.Stages {
			if s.Target < 0 {
				return fmt.Errorf("stage %d: negative target", i+1)
			}
		}
	}
	switch c.Executor {
	case ConstantArrival:
		if c.Rate <= 0 || c.Duration <= 0 {
			return fmt.Errorf("constant-arrival-rate needs a rate and a duration")
		}
		fallthrough
	case RampingArrivalRate:
		if c.PreAllocatedVUs <= 0 {
			return fmt.Errorf("%s needs preAllocatedVUs", c.Executor)
		}
		if c.MaxVUs != 0 && c.MaxVUs < c.PreAllocatedVUs {
			return fmt.Errorf("maxVUs %d is below preAllocatedVUs %d", c.MaxVUs, c.PreAllocatedVUs)
		}
	}
	if c.total() > MaxDuration {
		return fmt.Errorf("runs %s, more than the %s limit", c.total(), MaxDuration)
	}
	return nil
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// withDefaults returns a copy with k6's defaults filled in.
func (c ScenarioConfig) withDefaults() ScenarioConfig {
	if c.GracefulStop == nil {
		g := Duration(defaultGracefulStop)
		c.GracefulStop = &g
	}
	switch c.Executor {
	case SharedIterations, PerVUIterations:
		c.VUs = max(c.VUs, 1)
		c.Iterations = max(c.Iterations, 1)
		if c.MaxDuration == 0 {
			c.MaxDuration = Duration(defaultMaxDuration)
		}
	case ConstantVUs:
		c.VUs = max(c.VUs, 1)
	case RampingVUs:
		if c.StartVUs == nil {
			one := 1
			c.StartVUs = &one
		}
		if c.GracefulRampDown == nil {
			g := Duration(defaultGracefulStop)
			c.GracefulRampDown = &g
		}
	case ConstantArrival, RampingArrivalRate:
		if c.TimeUnit == 0 {
			c.TimeUnit = Duration(time.Second)
		}
		c.MaxVUs = max(c.MaxVUs, c.PreAllocatedVUs)
	}
	return c
}

// length is how long the executor starts iterations (its duration, the
// sum of its stages, or its maxDuration).
func (c *ScenarioConfig) length() time.Duration {
	switch c.Executor {
	case SharedIterations, PerVUIterations:
		if c.MaxDuration == 0 {
			return defaultMaxDuration
		}
		return time.Duration(c.MaxDuration)
	case RampingVUs, RampingArrivalRate:
		var t time.Duration
		for _, s := range c.Stages {
			t += time.Duration(s.Duration)
		}
		return t
	}
	return time.Duration(c.Duration)
}

// total is the scenario's longest possible run: start time, length and
// graceful stop.
func (c *ScenarioConfig) total() time.Duration {
	g := defaultGracefulStop
	if c.GracefulStop != nil {
		g = time.Duration(*c.GracefulStop)
	}
	return time.Duration(c.StartTime) + c.length() + g
}

// MaxVUCount is the most VUs the scenario can have at once.
func (c ScenarioConfig) MaxVUCount() int {
	c = c.withDefaults()
	switch c.Executor {
	case RampingVUs:
		n := *c.StartVUs
		for _, s := range c.Stages {
			n = max(n, int(s.Target))
		}
		return n
	case ConstantArrival, RampingArrivalRate:
		return c.MaxVUs
	}
	return c.VUs
}

// Override sets an option on every scenario whose executor takes it, as
// the GATECHECK_VUS/RATE/DURATION/ITERATIONS environment and the --vus,
// --rate, --duration and --iterations flags do over a profile. vus also
// sets an arrival-rate executor's preAllocatedVUs; duration also sets a
// ramping executor's stages' total by scaling them and an iteration
// executor's maxDuration.
type Override struct {
	VUs        int
	Iterations int
	Duration   time.Duration
	Rate       float64
}

// Apply applies o to every scenario of p.
func (o Override) Apply(p *Profile) {
	for _, c := range p.Scenarios {
		switch c.Executor {
		case SharedIterations, PerVUIterations:
			if o.VUs > 0 {
				c.VUs = o.VUs
			}
			if o.Iterations > 0 {
				c.Iterations = max(o.Iterations, c.VUs)
			}
			if o.Duration > 0 {
				c.MaxDuration = Duration(o.Duration)
			}
		case ConstantVUs:
			if o.VUs > 0 {
				c.VUs = o.VUs
			}
			if o.Duration > 0 {
				c.Duration = Duration(o.Duration)
			}
		case RampingVUs, RampingArrivalRate:
			if o.Duration > 0 {
				scale := float64(o.Duration) / float64(c.length())
				for i := range c.Stages {
					c.Stages[i].Duration = Duration(float64(c.Stages[i].Duration) * scale)
				}
			}
			if c.Executor == RampingArrivalRate && o.VUs > 0 {
				c.PreAllocatedVUs = o.VUs
				c.MaxVUs = max(c.MaxVUs, o.VUs)
			}
		case ConstantArrival:
			if o.VUs > 0 {
				c.PreAllocatedVUs = o.VUs
				c.MaxVUs = max(c.MaxVUs, o.VUs)
			}
			if o.Duration > 0 {
				c.Duration = Duration(o.Duration)
			}
			if o.Rate > 0 {
				c.Rate = o.Rate
			}
		}
	}
}
