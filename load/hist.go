package load

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram records durations in microseconds in an HdrHistogram (two
// significant digits: any quantile is within 1 % of the true value, from
// 1 µs to one hour) and keeps the exact count, sum, minimum and maximum
// beside it. Merging two histograms is exact: the merged one is the one
// that recording both runs' durations would give, which is what merging
// the results of execution segments needs. The zero value is ready to
// use. It is not safe for concurrent use.
type Histogram struct {
	h        *hdrhistogram.Histogram
	n        uint64
	sum      float64
	min, max uint64
}

// HdrHistogram's geometry: values in microseconds, 1 µs to 1 h, two
// significant digits (about 26 KiB per histogram).
const (
	hdrLowest  = 1
	hdrHighest = int64(time.Hour / time.Microsecond)
	hdrDigits  = 2
)

func (h *Histogram) init() {
	if h.h == nil {
		h.h = hdrhistogram.New(hdrLowest, hdrHighest, hdrDigits)
	}
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) { h.recordMicros(max(d.Microseconds(), 0)) }

func (h *Histogram) recordMicros(us int64) {
	h.init()
	_ = h.h.RecordValue(min(max(us, hdrLowest), hdrHighest)) // clamped, so it cannot fail
	u := uint64(max(us, 0))
	if h.n == 0 || u < h.min {
		h.min = u
	}
	h.max = max(h.max, u)
	h.n++
	h.sum += float64(u)
}

// Merge adds o's records to h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.n == 0 {
		return
	}
	h.init()
	h.h.Merge(o.h)
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count is the number of records.
func (h *Histogram) Count() uint64 { return h.n }

// Mean is the exact average duration.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n) * float64(time.Microsecond))
}

// Sum is the total of the recorded durations.
func (h *Histogram) Sum() time.Duration { return time.Duration(h.sum * float64(time.Microsecond)) }

// Max is the largest duration recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) * time.Microsecond }

// Min is the smallest duration recorded.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) * time.Microsecond }

// Quantile returns the q-quantile (0 < q <= 1), clamped to the recorded
// minimum and maximum.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	v := uint64(max(h.h.ValueAtQuantile(q*100), 0))
	v = min(max(v, h.min), h.max)
	return time.Duration(v) * time.Microsecond
}

// Summary is a histogram's headline numbers.
type Summary struct {
	Count                              uint64
	Min, Mean, P50, P90, P95, P99, Max time.Duration
}

// Summary returns the headline numbers.
func (h *Histogram) Summary() Summary {
	return Summary{Count: h.n, Min: h.Min(), Mean: h.Mean(), P50: h.Quantile(0.5), P90: h.Quantile(0.9),
		P95: h.Quantile(0.95), P99: h.Quantile(0.99), Max: h.Max()}
}

// histJSON is a histogram on the wire: exact count, sum, min and max in
// microseconds, and the HdrHistogram in its standard V2 compressed
// encoding (base64), which every HdrHistogram port reads.
type histJSON struct {
	Count  uint64  `json:"count"`
	SumUS  float64 `json:"sum_us"`
	MinUS  uint64  `json:"min_us"`
	MaxUS  uint64  `json:"max_us"`
	HdrV2  string  `json:"hdr_v2,omitempty"`
	MeanMS float64 `json:"avg_ms"`
	MedMS  float64 `json:"med_ms"`
	P90MS  float64 `json:"p90_ms"`
	P95MS  float64 `json:"p95_ms"`
	P99MS  float64 `json:"p99_ms"`
}

// MarshalJSON writes the histogram mergeably (see histJSON), with its
// headline quantiles in milliseconds for readers.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	out := histJSON{Count: h.n, SumUS: h.sum, MinUS: h.min, MaxUS: h.max}
	if h.n > 0 {
		b, err := h.h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err != nil {
			return nil, fmt.Errorf("load: encoding a histogram: %w", err)
		}
		out.HdrV2 = string(b)
		s := h.Summary()
		out.MeanMS, out.MedMS, out.P90MS, out.P95MS, out.P99MS = msf(s.Mean), msf(s.P50), msf(s.P90), msf(s.P95), msf(s.P99)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var in histJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*h = Histogram{n: in.Count, sum: in.SumUS, min: in.MinUS, max: in.MaxUS}
	if in.Count == 0 {
		return nil
	}
	d, err := hdrhistogram.Decode([]byte(in.HdrV2))
	if err != nil {
		return fmt.Errorf("load: decoding a histogram: %w", err)
	}
	if d.TotalCount() != int64(in.Count) {
		return fmt.Errorf("load: histogram holds %d values, its count says %d", d.TotalCount(), in.Count)
	}
	h.init()
	h.h.Merge(d)
	return nil
}

// msf is a duration in milliseconds, rounded to the microsecond.
func msf(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
