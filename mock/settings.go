package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Merchant settings: what a merchant configures in Craftgate's panel (3-D
// Secure mode and model, webhook URL and key), plus the mock's own webhook
// schedule knobs. They start from Config.Settings and can be read and
// changed at run time through the signed admin route GET|POST
// /_mock/v1/settings.

// 3-D Secure modes (docs/reference/craftgate/flows.md 2.1, "Genel Ayarlar" in the panel).
const (
	// ThreeDSModeFull accepts only mdStatus 1 (the default).
	ThreeDSModeFull = "FULL_THREEDS"
	// ThreeDSModeHalf accepts mdStatus 1, 2, 3 and 4.
	ThreeDSModeHalf = "HALF_THREEDS"
)

// 3-D Secure POS models (docs/reference/craftgate/flows.md 2.1).
const (
	// ThreeDSModel3D: verification, callback with completeStatus WAITING,
	// then 3ds-complete takes the money (the default).
	ThreeDSModel3D = "3D"
	// ThreeDSModel3DPay: the money is taken at verification; the callback
	// carries completeStatus COMPLETED and 3ds-complete is refused.
	ThreeDSModel3DPay = "3D_PAY"
)

// Defaults of the merchant keys. They are not secrets: they only match the
// mock's defaults on the merchant side.
const (
	DefaultCallbackKey = "gatecheck-callback-key"
	DefaultWebhookKey  = "gatecheck-webhook-key"
)

// DefaultWebhookInitialDelay is the documented delay of the first webhook
// call after the action (docs/reference/craftgate/flows.md 9.1).
const DefaultWebhookInitialDelay = 30 * time.Second

// DefaultWebhookRetryDelays returns the documented waits between webhook
// attempts: 10 s, 30 s, 3 min, 10 min, 30 min (docs/reference/craftgate/flows.md 9.1), read as one
// initial call plus five retries.
func DefaultWebhookRetryDelays() []time.Duration {
	return []time.Duration{10 * time.Second, 30 * time.Second, 3 * time.Minute, 10 * time.Minute, 30 * time.Minute}
}

// maxRetryDelays bounds the retry schedule a setting can ask for.
const maxRetryDelays = 20

// Settings are the merchant settings of a Mock. In Config.Settings the
// zero value of every field means its default; through the admin route
// every value is taken literally.
type Settings struct {
	// ThreeDSMode is ThreeDSModeFull (default) or ThreeDSModeHalf.
	ThreeDSMode string
	// ThreeDSModel is ThreeDSModel3D (default) or ThreeDSModel3DPay.
	ThreeDSModel string
	// WebhookURL receives the transaction webhooks; empty sends none.
	WebhookURL string
	// WebhookKey signs them (x-cg-signature-v1); default DefaultWebhookKey.
	// It is never printed nor answered by the admin route.
	WebhookKey string
	// TimeScale multiplies every webhook delay: 0.001 turns the 30 s
	// initial delay into 30 ms. In Config, 0 means 1; through the admin
	// route 0 is taken literally (deliver at once).
	TimeScale float64
	// WebhookDuplicate sends every delivery attempt twice.
	WebhookDuplicate bool
	// WebhookOutOfOrder holds back the first event of each payment by one
	// extra initial delay, so that a later event of the same payment made
	// within the initial delay (THREEDS_VERIFY then API_AUTH, API_AUTH then
	// REFUND) is delivered before it.
	WebhookOutOfOrder bool
	// WebhookInitialDelay is the wait before the first attempt (default
	// DefaultWebhookInitialDelay), before scaling.
	WebhookInitialDelay time.Duration
	// WebhookRetryDelays are the waits before each retry (nil: the
	// default; empty: no retries), before scaling. After the last one the
	// event is given up.
	WebhookRetryDelays []time.Duration
}

// withDefaults fills the zero values of s (Config semantics) and checks it.
func (s Settings) withDefaults() (Settings, error) {
	if s.ThreeDSMode == "" {
		s.ThreeDSMode = ThreeDSModeFull
	}
	if s.ThreeDSModel == "" {
		s.ThreeDSModel = ThreeDSModel3D
	}
	if s.WebhookKey == "" {
		s.WebhookKey = DefaultWebhookKey
	}
	if s.TimeScale == 0 {
		s.TimeScale = 1
	}
	if s.WebhookInitialDelay == 0 {
		s.WebhookInitialDelay = DefaultWebhookInitialDelay
	}
	if s.WebhookRetryDelays == nil {
		s.WebhookRetryDelays = DefaultWebhookRetryDelays()
	} else {
		s.WebhookRetryDelays = append([]time.Duration{}, s.WebhookRetryDelays...)
	}
	return s, s.check()
}

// check validates complete settings.
func (s *Settings) check() error {
	switch s.ThreeDSMode {
	case ThreeDSModeFull, ThreeDSModeHalf:
	default:
		return fmt.Errorf("threeDSMode must be %s or %s", ThreeDSModeFull, ThreeDSModeHalf)
	}
	switch s.ThreeDSModel {
	case ThreeDSModel3D, ThreeDSModel3DPay:
	default:
		return fmt.Errorf("threeDSModel must be %s or %s", ThreeDSModel3D, ThreeDSModel3DPay)
	}
	if s.WebhookURL != "" {
		if err := checkHTTPURL(s.WebhookURL); err != nil {
			return fmt.Errorf("webhookUrl %w", err)
		}
	}
	if s.WebhookKey == "" {
		return errors.New("webhookKey must not be empty")
	}
	if math.IsNaN(s.TimeScale) || math.IsInf(s.TimeScale, 0) || s.TimeScale < 0 || s.TimeScale > 1000 {
		return errors.New("timeScale must be a number from 0 to 1000")
	}
	if s.WebhookInitialDelay < 0 {
		return errors.New("webhookInitialDelay must not be negative")
	}
	if len(s.WebhookRetryDelays) > maxRetryDelays {
		return fmt.Errorf("webhookRetryDelays may hold at most %d delays", maxRetryDelays)
	}
	for _, d := range s.WebhookRetryDelays {
		if d < 0 {
			return errors.New("webhookRetryDelays must not be negative")
		}
	}
	return nil
}

// scaled multiplies d by the time scale.
func (s *Settings) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * s.TimeScale)
}

// checkHTTPURL accepts absolute http and https URLs with a host.
func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}

// Settings returns a copy of the mock's current merchant settings.
func (m *Mock) Settings() Settings {
	s := *m.settings.Load()
	s.WebhookRetryDelays = append([]time.Duration{}, s.WebhookRetryDelays...)
	return s
}

// UpdateSettings changes the merchant settings: change receives a copy of
// the current ones; the result is checked (admin-route semantics: values
// are literal, TimeScale 0 included) and installed atomically. Webhook
// events already queued keep the settings they were created with.
func (m *Mock) UpdateSettings(change func(*Settings)) error {
	m.settingsMu.Lock()
	defer m.settingsMu.Unlock()
	s := m.Settings()
	change(&s)
	if err := s.check(); err != nil {
		return fmt.Errorf("mock: settings: %w", err)
	}
	m.settings.Store(&s)
	return nil
}

// settingsView is the admin route's rendering of the settings. The webhook
// key is write-only: only whether one is set is shown.
type settingsView struct {
	ThreeDSMode         string   `json:"threeDSMode"`
	ThreeDSModel        string   `json:"threeDSModel"`
	WebhookURL          string   `json:"webhookUrl"`
	WebhookKeySet       bool     `json:"webhookKeySet"`
	TimeScale           float64  `json:"timeScale"`
	WebhookDuplicate    bool     `json:"webhookDuplicate"`
	WebhookOutOfOrder   bool     `json:"webhookOutOfOrder"`
	WebhookInitialDelay string   `json:"webhookInitialDelay"`
	WebhookRetryDelays  []string `json:"webhookRetryDelays"`
}

// settingsPatch is the body of POST /_mock/v1/settings: every field
// optional; webhookUrl "" clears the URL (no webhooks).
type settingsPatch struct {
	ThreeDSMode         *string   `json:"threeDSMode"`
	ThreeDSModel        *string   `json:"threeDSModel"`
	WebhookURL          *string   `json:"webhookUrl"`
	WebhookKey          *string   `json:"webhookKey"`
	TimeScale           *float64  `json:"timeScale"`
	WebhookDuplicate    *bool     `json:"webhookDuplicate"`
	WebhookOutOfOrder   *bool     `json:"webhookOutOfOrder"`
	WebhookInitialDelay *string   `json:"webhookInitialDelay"`
	WebhookRetryDelays  *[]string `json:"webhookRetryDelays"`
}

// formatDuration writes d the short way: 30s, 3m, 1h30m, 250ms.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func parseSettingDuration(field, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s must be a non-negative Go duration such as \"30s\", got %s", field, strconv.Quote(truncate(v, 40)))
	}
	return d, nil
}

// getSettings serves GET /_mock/v1/settings.
func (m *Mock) getSettings(c *call) error {
	m.sendSettings(c)
	return nil
}

// postSettings serves POST /_mock/v1/settings: changes the fields present
// and answers the full settings, like GET. Nothing changes unless the whole
// request is valid.
func (m *Mock) postSettings(c *call) error {
	var p settingsPatch
	if e := decodeJSON(c.body, &p); e != nil {
		return e
	}
	var initial time.Duration
	if p.WebhookInitialDelay != nil {
		d, err := parseSettingDuration("webhookInitialDelay", *p.WebhookInitialDelay)
		if err != nil {
			return errValidation(CodeInvalidSettings, err.Error())
		}
		initial = d
	}
	var retries []time.Duration
	if p.WebhookRetryDelays != nil {
		retries = make([]time.Duration, 0, len(*p.WebhookRetryDelays))
		for _, v := range *p.WebhookRetryDelays {
			d, err := parseSettingDuration("webhookRetryDelays", v)
			if err != nil {
				return errValidation(CodeInvalidSettings, err.Error())
			}
			retries = append(retries, d)
		}
	}
	err := m.UpdateSettings(func(s *Settings) {
		setString(&s.ThreeDSMode, p.ThreeDSMode)
		setString(&s.ThreeDSModel, p.ThreeDSModel)
		setString(&s.WebhookURL, p.WebhookURL)
		setString(&s.WebhookKey, p.WebhookKey)
		if p.TimeScale != nil {
			s.TimeScale = *p.TimeScale
		}
		if p.WebhookDuplicate != nil {
			s.WebhookDuplicate = *p.WebhookDuplicate
		}
		if p.WebhookOutOfOrder != nil {
			s.WebhookOutOfOrder = *p.WebhookOutOfOrder
		}
		if p.WebhookInitialDelay != nil {
			s.WebhookInitialDelay = initial
		}
		if retries != nil {
			s.WebhookRetryDelays = retries
		}
	})
	if err != nil {
		return errValidation(CodeInvalidSettings, strings.TrimPrefix(err.Error(), "mock: settings: "))
	}
	m.sendSettings(c)
	return nil
}

func setString(dst, v *string) {
	if v != nil {
		*dst = *v
	}
}

func (m *Mock) sendSettings(c *call) {
	s := m.Settings()
	v := settingsView{
		ThreeDSMode: s.ThreeDSMode, ThreeDSModel: s.ThreeDSModel, WebhookURL: s.WebhookURL, WebhookKeySet: s.WebhookKey != "",
		TimeScale: s.TimeScale, WebhookDuplicate: s.WebhookDuplicate, WebhookOutOfOrder: s.WebhookOutOfOrder,
		WebhookInitialDelay: formatDuration(s.WebhookInitialDelay), WebhookRetryDelays: make([]string, len(s.WebhookRetryDelays)),
	}
	for i, d := range s.WebhookRetryDelays {
		v.WebhookRetryDelays[i] = formatDuration(d)
	}
	c.sendData(http.StatusOK, v)
}

// sendData answers {"data": v} encoded with encoding/json (the admin, 3-D
// Secure and checkout routes, off the hot path).
func (c *call) sendData(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("mock: encode answer: %v", err)) // answered as a 500 by ServeHTTP
	}
	c.sendWrapped(status, func(out []byte) []byte { return append(out, b...) })
}

// sendWrapped answers {"data": ...} with what appendData appends as the
// data (the hot path's hand-written encoders).
func (c *call) sendWrapped(status int, appendData func([]byte) []byte) {
	c.out = append(c.out, `{"data":`...)
	c.out = appendData(c.out)
	c.out = append(c.out, '}')
	c.send(status)
}
