package load

import (
	"encoding/json"
	"math"
	"math/bits"
	"time"
)

// Histogram records durations in microseconds in log-linear buckets: 32
// sub-buckets per power of two, so any quantile is within about 3 % of the
// true value, whatever the range, in a fixed 2 KiB. It is not safe for
// concurrent use; each VU keeps its own and they are merged at the end.
type Histogram struct {
	counts [64 * subBuckets]uint32
	n      uint64
	sum    float64
	min    uint64
	max    uint64
}

const subBits = 5
const subBuckets = 1 << subBits

func bucketOf(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	exp := bits.Len64(us) - subBits // >= 1
	mant := int(us>>(exp-1)) & (subBuckets - 1)
	return exp*subBuckets + mant
}

// lowerBound is the smallest value that falls into bucket i.
func lowerBound(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	exp, mant := i/subBuckets, i%subBuckets
	return uint64(subBuckets+mant) << (exp - 1)
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	i := bucketOf(us)
	if i >= len(h.counts) {
		i = len(h.counts) - 1
	}
	h.counts[i]++
	if h.n == 0 || us < h.min {
		h.min = us
	}
	if us > h.max {
		h.max = us
	}
	h.n++
	h.sum += float64(us)
}

// Merge adds o's records to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count is the number of records.
func (h *Histogram) Count() uint64 { return h.n }

// Mean is the average duration.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum/float64(h.n)) * time.Microsecond
}

// Max is the largest duration recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) * time.Microsecond }

// Min is the smallest duration recorded.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) * time.Microsecond }

// Quantile returns the q-quantile (0 < q <= 1): the midpoint of the bucket
// holding the rank, clamped to the recorded min and max.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			lo := lowerBound(i)
			hi := lowerBound(i + 1)
			v := (lo + hi) / 2
			v = min(max(v, h.min), h.max)
			return time.Duration(v) * time.Microsecond
		}
	}
	return h.Max()
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

// MarshalJSON writes the histogram as its summary in milliseconds:
// {"count":N,"min":..,"mean":..,"p50":..,"p90":..,"p95":..,"p99":..,"max":..}.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	s := h.Summary()
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	return json.Marshal(struct {
		Count                              uint64
		Min, Mean, P50, P90, P95, P99, Max float64
	}{s.Count, ms(s.Min), ms(s.Mean), ms(s.P50), ms(s.P90), ms(s.P95), ms(s.P99), ms(s.Max)})
}
