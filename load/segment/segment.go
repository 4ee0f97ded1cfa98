// Package segment splits one load test between several processes the way
// k6's execution segments do, so that N processes together run exactly what
// one process would: the same VUs, the same iterations and the same
// arrivals, with no coordination between them.
//
// # Segments and sequences
//
// A segment is a part (from, to] of the whole test, 0 ≤ from < to ≤ 1,
// written "1/3:2/3" (a lone value "1/3" means "0:1/3"). Each bound is a
// fraction ("1/3"), a decimal ("0.25") or a percentage ("25%"), and all
// arithmetic is on exact rationals. A sequence "0,1/3,2/3,1" names every
// boundary; each process is given one segment between two neighbouring
// boundaries of the same sequence. A sequence that does not start at 0 or
// end at 1 is filled up to them, and without a sequence the segment's own
// sequence 0,from,to,1 is used, as in k6.
//
// # Striping, and the rounding
//
// Let L be the least common denominator of the sequence's segment lengths
// and n_j = L·length_j. Every integer quantity (VUs, iterations,
// preAllocatedVUs, maxVUs, the targets of ramping stages) is seen as the
// indices 0, 1, 2, … of its units, and the indices are dealt out in a
// pattern that repeats every L indices: index i belongs to the segment that
// owns i mod L. Within one period of L indices, segment j owns exactly n_j
// of them, spread out (striped) instead of in one block: unit k of segment
// j (k = 1…n_j) is dealt at a position p (1…L) with (k-1)/length_j < p <
// k/length_j + 1, earliest deadline first (ties: the longer segment, then
// the earlier one). Those windows always admit a schedule, so:
//
//   - Scale(v) of a segment is the number of indices below v that it owns.
//     The parts of every segment of a sequence add up to v exactly, since
//     each index has exactly one owner.
//   - Each part differs from the ideal share v·length by less than 1:
//     |Scale(v) − v·length| < 1 for every v ≥ 0. In particular a segment
//     gets either ⌊v·length⌋ or ⌈v·length⌉, and exactly v·length when
//     that is an integer.
//   - Small values go to the longest segments first: with the sequence
//     0,1/2,3/4,1 and v = 1 the unit goes to the segment 0:1/2.
//
// Arrival-rate executors number their iterations 0, 1, 2, … in the order
// of their start times; iteration g belongs to the segment that owns g
// (Owns, Index, Indices), so the union of all segments' iterations is
// every iteration exactly once, at the same start times as one process.
// The segment's mean rate is rate·length (ScaleRate).
//
// A process whose share of VUs is zero cannot run iterations. Rebase
// re-splits a sequence in proportion to the segments' shares of a value
// (k6 does this with maxVUs for the arrival-rate executors), so that the
// work goes only to segments that have VUs, and the union is still exact.
//
// # Use
//
//	p, err := segment.New(segmentFlag, sequenceFlag) // both "": the whole test
//	vus := p.Scale(scenario.VUs)
//	iterations := p.Scale(scenario.Iterations)
//	for g := range p.Indices() { // constant-arrival-rate: iteration g of the whole test
//		at := time.Duration(g) * timeUnit / time.Duration(rate)
//		if at >= duration {
//			break
//		}
//		// start an iteration at start+at
//	}
//
// Before merging the parts' results, Complete checks that they are every
// segment of one sequence, each once.
package segment

import (
	"container/heap"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"sort"
	"strings"
)

// MaxPeriod is the largest least common denominator a sequence may have:
// the striping pattern holds one entry per index of a period.
const MaxPeriod = 1 << 20

// Segment is the part (From, To] of a test, 0 ≤ From < To ≤ 1.
type Segment struct {
	from, to *big.Rat
}

// From is the segment's exclusive lower bound.
func (s Segment) From() *big.Rat { return new(big.Rat).Set(s.from) }

// To is the segment's inclusive upper bound.
func (s Segment) To() *big.Rat { return new(big.Rat).Set(s.to) }

// Length is To − From.
func (s Segment) Length() *big.Rat { return new(big.Rat).Sub(s.to, s.from) }

// String writes the segment as "from:to" in lowest terms ("1/3:2/3").
func (s Segment) String() string { return s.from.RatString() + ":" + s.to.RatString() }

// Equal reports whether two segments have the same bounds.
func (s Segment) Equal(o Segment) bool { return s.from.Cmp(o.from) == 0 && s.to.Cmp(o.to) == 0 }

// Parse reads a segment "from:to", or "to" for "0:to". Each bound is a
// fraction, a decimal or a percentage in [0, 1], and from < to.
func Parse(text string) (Segment, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Segment{}, errors.New("execution segment: empty")
	}
	fromText, toText, found := strings.Cut(text, ":")
	if !found {
		fromText, toText = "0", text
	}
	from, err := parseValue(fromText)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q: %w", text, err)
	}
	to, err := parseValue(toText)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q: %w", text, err)
	}
	if from.Cmp(to) >= 0 {
		return Segment{}, fmt.Errorf("execution segment %q: its start %s must be less than its end %s",
			text, from.RatString(), to.RatString())
	}
	return Segment{from: from, to: to}, nil
}

// parseValue reads one bound: "1/3", "0.25" or "25%", in [0, 1].
func parseValue(text string) (*big.Rat, error) {
	text = strings.TrimSpace(text)
	raw := text
	percent := strings.HasSuffix(text, "%")
	if percent {
		text = strings.TrimSpace(strings.TrimSuffix(text, "%"))
	}
	// big.Rat also reads exponents and signs; a bound is plain digits.
	if text == "" || strings.ContainsAny(text, "eE+-_") {
		return nil, fmt.Errorf("%q is not a fraction, decimal or percentage", raw)
	}
	v, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, fmt.Errorf("%q is not a fraction, decimal or percentage", raw)
	}
	if percent {
		v.Quo(v, big.NewRat(100, 1))
	}
	if v.Sign() < 0 || v.Cmp(big.NewRat(1, 1)) > 0 {
		return nil, fmt.Errorf("%q is outside 0..1", raw)
	}
	return v, nil
}

// Sequence is the boundaries 0 = b0 < b1 < … < bn = 1 of a set of segments
// that together make the whole test.
type Sequence struct {
	points []*big.Rat
}

// ParseSequence reads boundaries "0,1/3,2/3,1": at least two values,
// strictly increasing, each in [0, 1]. Missing 0 and 1 are added.
func ParseSequence(text string) (Sequence, error) {
	fields := strings.Split(text, ",")
	if strings.TrimSpace(text) == "" || len(fields) < 2 {
		return Sequence{}, fmt.Errorf("execution segment sequence %q: want at least two values such as 0,1/2,1", text)
	}
	points := make([]*big.Rat, 0, len(fields)+2)
	for _, f := range fields {
		v, err := parseValue(f)
		if err != nil {
			return Sequence{}, fmt.Errorf("execution segment sequence %q: %w", text, err)
		}
		if n := len(points); n > 0 && points[n-1].Cmp(v) >= 0 {
			return Sequence{}, fmt.Errorf("execution segment sequence %q: %s does not follow %s; values must increase",
				text, v.RatString(), points[n-1].RatString())
		}
		points = append(points, v)
	}
	return fill(points), nil
}

// fill adds 0 and 1 to increasing points in [0, 1] where missing.
func fill(points []*big.Rat) Sequence {
	out := make([]*big.Rat, 0, len(points)+2)
	if len(points) == 0 || points[0].Sign() != 0 {
		out = append(out, new(big.Rat))
	}
	out = append(out, points...)
	if one := big.NewRat(1, 1); out[len(out)-1].Cmp(one) != 0 {
		out = append(out, one)
	}
	return Sequence{points: out}
}

// Segments lists the sequence's segments in order.
func (q Sequence) Segments() []Segment {
	segs := make([]Segment, 0, len(q.points)-1)
	for i := 1; i < len(q.points); i++ {
		segs = append(segs, Segment{from: q.points[i-1], to: q.points[i]})
	}
	return segs
}

// String writes the boundaries "0,1/3,2/3,1".
func (q Sequence) String() string {
	parts := make([]string, len(q.points))
	for i, p := range q.points {
		parts[i] = p.RatString()
	}
	return strings.Join(parts, ",")
}

// Part is one process's share of a test: a segment of a sequence, with the
// striping pattern of the sequence. A Part is immutable and safe for
// concurrent use.
type Part struct {
	seq     Sequence
	index   int     // position of the segment in seq
	period  int64   // L: least common denominator of the segment lengths
	units   []int64 // n_j: indices per period of each segment
	owner   []int32 // owner[i]: the segment that owns index i of a period
	offsets []int64 // the indices of a period this part owns, increasing
}

// Whole is the whole test in one process: every Scale is the identity.
func Whole() *Part {
	p, err := newPart(fill(nil), 0)
	if err != nil {
		panic(err) // the one-segment sequence 0,1 always stripes
	}
	return p
}

// New is the part for the command-line values of k6's
// --execution-segment and --execution-segment-sequence. Both empty is the
// whole test. Without a sequence the segment's own 0,from,to,1 is used; a
// sequence needs a segment, which must be one of its segments.
func New(segmentText, sequenceText string) (*Part, error) {
	segmentText, sequenceText = strings.TrimSpace(segmentText), strings.TrimSpace(sequenceText)
	if segmentText == "" && sequenceText == "" {
		return Whole(), nil
	}
	if segmentText == "" {
		return nil, fmt.Errorf("execution segment sequence %q given without an execution segment", sequenceText)
	}
	seg, err := Parse(segmentText)
	if err != nil {
		return nil, err
	}
	var seq Sequence
	if sequenceText == "" {
		seq = fill(distinct(seg.from, seg.to))
	} else if seq, err = ParseSequence(sequenceText); err != nil {
		return nil, err
	}
	return Of(seg, seq)
}

// distinct returns from and to without a leading 0 or trailing 1, for fill.
func distinct(from, to *big.Rat) []*big.Rat {
	var pts []*big.Rat
	if from.Sign() != 0 {
		pts = append(pts, from)
	}
	return append(pts, to)
}

// Of is the part for segment seg of sequence seq. seg must be one of
// seq.Segments().
func Of(seg Segment, seq Sequence) (*Part, error) {
	for i, s := range seq.Segments() {
		if s.Equal(seg) {
			return newPart(seq, i)
		}
	}
	return nil, fmt.Errorf("execution segment %s is not a segment of the sequence %s", seg, seq)
}

// Even is part i (0-based) of n equal parts: segment i/n:(i+1)/n of the
// sequence 0,1/n,…,1.
func Even(i, n int) (*Part, error) {
	if n < 1 || i < 0 || i >= n {
		return nil, fmt.Errorf("execution segment: part %d of %d does not exist", i, n)
	}
	pts := make([]*big.Rat, n+1)
	for k := range pts {
		pts[k] = big.NewRat(int64(k), int64(n))
	}
	return newPart(Sequence{points: pts}, i)
}

// newPart computes the striping pattern of seq for its segment index.
func newPart(seq Sequence, index int) (*Part, error) {
	segs := seq.Segments()
	period := big.NewInt(1)
	for _, s := range segs {
		d := s.Length().Denom()
		g := new(big.Int).GCD(nil, nil, period, d)
		period.Mul(period, new(big.Int).Quo(d, g))
		if period.Cmp(big.NewInt(MaxPeriod)) > 0 {
			return nil, fmt.Errorf("execution segment sequence %s: the least common denominator of its segments exceeds %d; use simpler fractions", seq, MaxPeriod)
		}
	}
	l := period.Int64()
	units := make([]int64, len(segs))
	for j, s := range segs {
		n := new(big.Rat).Mul(s.Length(), new(big.Rat).SetInt64(l))
		units[j] = n.Num().Int64() // an integer: l is a multiple of the denominator
	}
	owner, err := stripe(l, units)
	if err != nil {
		return nil, fmt.Errorf("execution segment sequence %s: %w", seq, err)
	}
	offsets := make([]int64, 0, units[index])
	for i, o := range owner {
		if int(o) == index {
			offsets = append(offsets, int64(i))
		}
	}
	return &Part{seq: seq, index: index, period: l, units: units, owner: owner, offsets: offsets}, nil
}

// stripe deals the period's indices 0…l-1 to segments with units[j]
// indices each (Σ units = l): unit k of segment j (1-based) has the window
// of positions (k-1)·l/units[j] < p < k·l/units[j] + 1, and the positions
// are filled in order, earliest deadline first. Feasibility: any run of
// positions a…b contains the whole windows of at most ⌊b·s⌋ − ⌈(a-1)·s⌉
// ≤ (b-a+1)·s units of a segment of length s, so at most b-a+1 in all,
// and earliest-deadline-first meets every deadline of such unit jobs.
func stripe(l int64, units []int64) ([]int32, error) {
	owner := make([]int32, l)
	count := make([]int64, len(units))
	ready := &jobs{units: units, count: count, l: l}
	var waiting waitQueue
	release := func(j int) int64 { return count[j]*l/units[j] + 1 } // smallest p with count·l < p·units
	for j, n := range units {
		if n > 0 {
			heap.Push(&waiting, waitJob{at: release(j), seg: j})
		}
	}
	for p := int64(1); p <= l; p++ {
		for waiting.Len() > 0 && waiting[0].at <= p {
			heap.Push(ready, heap.Pop(&waiting).(waitJob).seg)
		}
		if ready.Len() == 0 {
			return nil, fmt.Errorf("no segment is due at index %d", p-1)
		}
		j := heap.Pop(ready).(int)
		if ready.deadline(j) < p {
			return nil, fmt.Errorf("unit %d of segment %d missed its window", count[j]+1, j+1)
		}
		owner[p-1] = int32(j)
		count[j]++
		if count[j] < units[j] {
			heap.Push(&waiting, waitJob{at: release(j), seg: j})
		}
	}
	return owner, nil
}

// jobs is the heap of segments whose next unit is due, earliest deadline
// first, then the longer segment, then the earlier one.
type jobs struct {
	segs  []int
	units []int64
	count []int64
	l     int64
}

// deadline is the last position of segment j's next unit: ⌈(count+1)·l/units⌉.
func (h *jobs) deadline(j int) int64 {
	num := (h.count[j] + 1) * h.l
	return (num + h.units[j] - 1) / h.units[j]
}

func (h *jobs) Len() int { return len(h.segs) }
func (h *jobs) Less(a, b int) bool {
	ja, jb := h.segs[a], h.segs[b]
	if da, db := h.deadline(ja), h.deadline(jb); da != db {
		return da < db
	}
	if h.units[ja] != h.units[jb] {
		return h.units[ja] > h.units[jb]
	}
	return ja < jb
}
func (h *jobs) Swap(a, b int) { h.segs[a], h.segs[b] = h.segs[b], h.segs[a] }
func (h *jobs) Push(x any)    { h.segs = append(h.segs, x.(int)) }
func (h *jobs) Pop() any {
	x := h.segs[len(h.segs)-1]
	h.segs = h.segs[:len(h.segs)-1]
	return x
}

// waitJob is a segment whose next unit is released at position at.
type waitJob struct {
	at  int64
	seg int
}

type waitQueue []waitJob

func (q waitQueue) Len() int { return len(q) }
func (q waitQueue) Less(a, b int) bool {
	if q[a].at != q[b].at {
		return q[a].at < q[b].at
	}
	return q[a].seg < q[b].seg
}
func (q waitQueue) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *waitQueue) Push(x any)   { *q = append(*q, x.(waitJob)) }
func (q *waitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// Segment is the part's segment.
func (p *Part) Segment() Segment { return p.seq.Segments()[p.index] }

// Sequence is the (filled) sequence the part belongs to.
func (p *Part) Sequence() Sequence { return p.seq }

// Index is the position of the part's segment in its sequence (0-based).
func (p *Part) Index() int { return p.index }

// Period is the length L of the repeating striping pattern.
func (p *Part) Period() int64 { return p.period }

// String writes "segment in sequence", e.g. "1/3:2/3 of 0,1/3,2/3,1".
func (p *Part) String() string { return p.Segment().String() + " of " + p.seq.String() }

// IsWhole reports whether the part is the whole test (segment 0:1).
func (p *Part) IsWhole() bool { return len(p.units) == 1 }

// Scale is the part's share of an integer quantity v ≥ 0 (VUs,
// iterations, preAllocatedVUs, maxVUs, a stage's target): the number of
// indices below v that the part owns. The shares of all segments of the
// sequence add up to v, and each differs from v·length by less than 1.
// Negative values scale to 0.
func (p *Part) Scale(v int64) int64 {
	if v <= 0 {
		return 0
	}
	q, r := v/p.period, v%p.period
	return q*int64(len(p.offsets)) + int64(sort.Search(len(p.offsets), func(i int) bool { return p.offsets[i] >= r }))
}

// ScaleRate is the part's mean share of a rate (iterations per time unit):
// rate·length. Over any L consecutive iterations of the whole test the
// part starts exactly L·length of them (see Indices).
func (p *Part) ScaleRate(rate float64) float64 {
	n, l := p.units[p.index], p.period
	return rate * float64(n) / float64(l)
}

// Owns reports whether the part runs the whole test's iteration (or unit)
// number g ≥ 0.
func (p *Part) Owns(g int64) bool {
	return g >= 0 && int(p.owner[g%p.period]) == p.index
}

// Global is the whole test's number of the part's k-th iteration (both
// 0-based): an arrival-rate executor starts it when the whole test would
// start iteration Global(k).
func (p *Part) Global(k int64) int64 {
	n := int64(len(p.offsets))
	return k/n*p.period + p.offsets[k%n]
}

// Indices yields the whole test's numbers of the part's iterations in
// increasing order, without end: the caller stops when the executor's
// duration or iteration count is reached.
func (p *Part) Indices() iter.Seq[int64] {
	return func(yield func(int64) bool) {
		for base := int64(0); ; base += p.period {
			for _, o := range p.offsets {
				if !yield(base + o) {
					return
				}
			}
		}
	}
}

// Rebase re-splits the part's sequence in proportion to every segment's
// Scale(v): segment j of the new sequence has length Scale_j(v)/v, and
// segments with no share are left out. It returns the part's place in the
// new sequence, or false when the part's share of v is 0 (the process has
// none of that quantity, so it should do no work of an executor that needs
// it). Every process computes the same new sequence, so the new parts
// still add up exactly to the whole. Use it for an arrival-rate executor
// with v = maxVUs, so that only processes with VUs get iterations.
func (p *Part) Rebase(v int64) (*Part, bool, error) {
	if v <= 0 {
		return nil, false, nil
	}
	shares := make([]int64, len(p.units))
	q, r := v/p.period, v%p.period
	for j, n := range p.units {
		shares[j] = q * n
	}
	for _, o := range p.owner[:r] {
		shares[o]++
	}
	if shares[p.index] == 0 {
		return nil, false, nil
	}
	pts := []*big.Rat{new(big.Rat)}
	index, sum := -1, int64(0)
	for j, s := range shares {
		if s == 0 {
			continue
		}
		if j == p.index {
			index = len(pts) - 1
		}
		sum += s
		pts = append(pts, big.NewRat(sum, v))
	}
	np, err := newPart(Sequence{points: pts}, index)
	if err != nil {
		return nil, false, err
	}
	return np, true, nil
}

// Complete reports whether segs are every segment of seq, each exactly
// once: what a merge must check before it calls the union of the parts'
// results the whole test.
func Complete(seq Sequence, segs []Segment) error {
	want := seq.Segments()
	seen := make([]bool, len(want))
	for _, s := range segs {
		found := false
		for i, w := range want {
			if w.Equal(s) {
				if seen[i] {
					return fmt.Errorf("execution segment %s appears twice", s)
				}
				seen[i], found = true, true
				break
			}
		}
		if !found {
			return fmt.Errorf("execution segment %s is not a segment of the sequence %s", s, seq)
		}
	}
	var missing []string
	for i, ok := range seen {
		if !ok {
			missing = append(missing, want[i].String())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the sequence %s misses the execution segments %s", seq, strings.Join(missing, ", "))
	}
	return nil
}
