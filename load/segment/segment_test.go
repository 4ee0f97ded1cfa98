package segment

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// parseCase is a text to parse and the String of its result, or a part of
// the error's text.
type parseCase struct {
	in, want, err string
}

// testParser checks parse (named name in failures) on each of tests.
func testParser[T fmt.Stringer](t *testing.T, name string, parse func(string) (T, error), tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parse(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("%s(%q) = %v, %v; want an error containing %q", name, tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("%s(%q) = %v, %v; want %s", name, tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []parseCase{
		{in: "1/3:2/3", want: "1/3:2/3"},
		{in: " 0:1 ", want: "0:1"},
		{in: "1/3", want: "0:1/3"},
		{in: "0.25:0.5", want: "1/4:1/2"},
		{in: "25%:50%", want: "1/4:1/2"},
		{in: "2/6:4/6", want: "1/3:2/3"},
		{in: "0:100%", want: "0:1"},
		{in: "", err: "empty"},
		{in: "1/2:1/2", err: "must be less than"},
		{in: "2/3:1/3", err: "must be less than"},
		{in: "0:3/2", err: "outside 0..1"},
		{in: "-1/3:1/3", err: "not a fraction"},
		{in: "1/0:1", err: "not a fraction"},
		{in: "1e-1:1", err: "not a fraction"},
		{in: "a:b", err: "not a fraction"},
		{in: "0:", err: "not a fraction"},
		{in: "%:1", err: "not a fraction"},
		{in: "1/3:2/3:1", err: "not a fraction"},
	}
	testParser(t, "Parse", Parse, tests)
}

func TestParseSequence(t *testing.T) {
	tests := []parseCase{
		{in: "0,1/3,2/3,1", want: "0,1/3,2/3,1"},
		{in: "0, 25%, 0.5, 1", want: "0,1/4,1/2,1"},
		{in: "1/3,2/3", want: "0,1/3,2/3,1"},
		{in: "0,1", want: "0,1"},
		{in: "0,1/2", want: "0,1/2,1"},
		{in: "", err: "at least two"},
		{in: "1/2", err: "at least two"},
		{in: "0,1/2,1/2,1", err: "must increase"},
		{in: "0,2/3,1/3,1", err: "must increase"},
		{in: "0,1,2", err: "outside 0..1"},
		{in: "0,,1", err: "not a fraction"},
	}
	testParser(t, "ParseSequence", ParseSequence, tests)
}

func TestNew(t *testing.T) {
	tests := []struct {
		segment, sequence string
		want              string // Part.String
		err               string
	}{
		{want: "0:1 of 0,1"},
		{segment: "0:1", want: "0:1 of 0,1"},
		{segment: "1/3:2/3", sequence: "0,1/3,2/3,1", want: "1/3:2/3 of 0,1/3,2/3,1"},
		{segment: "1/3:2/3", want: "1/3:2/3 of 0,1/3,2/3,1"},
		{segment: "0:1/2", want: "0:1/2 of 0,1/2,1"},
		{segment: "1/2:1", want: "1/2:1 of 0,1/2,1"},
		{segment: "1/4", sequence: "1/4,1/2", want: "0:1/4 of 0,1/4,1/2,1"},
		{segment: "1/4:1/2", sequence: "0,1/3,2/3,1", err: "not a segment of the sequence 0,1/3,2/3,1"},
		{segment: "0:2/3", sequence: "0,1/3,2/3,1", err: "not a segment"},
		{sequence: "0,1/2,1", err: "without an execution segment"},
		{segment: "0:1/1048583", err: "least common denominator"},
	}
	for _, tt := range tests {
		t.Run(tt.segment+"|"+tt.sequence, func(t *testing.T) {
			got, err := New(tt.segment, tt.sequence)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("New(%q, %q) = %v, %v; want an error containing %q", tt.segment, tt.sequence, got, err, tt.err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("New(%q, %q) = %v, %v; want %s", tt.segment, tt.sequence, got, err, tt.want)
			}
		})
	}
}

// sequences are the sequences the property tests split: even splits,
// uneven hand-picked ones and seeded random ones with mixed denominators.
func sequences(t *testing.T) []Sequence {
	t.Helper()
	texts := []string{
		"0,1", "0,1/2,1", "0,1/2,3/4,1", "0,1/4,3/4,1", "0,1/10,1", "0,9/10,1",
		"0,1/3,1/2,1", "0,0.1,0.35,0.6,0.99,1", "0,1/7,2/5,5/6,1", "0,1%,2%,99%,1",
		"0,1/100,2/100,3/100,1", "0,1/64,1/32,1/16,1/8,1/4,1/2,1", "0,1/2,2/3,3/4,4/5,5/6,1",
	}
	for n := 2; n <= 16; n++ {
		pts := make([]string, n+1)
		for k := range pts {
			pts[k] = fmt.Sprintf("%d/%d", k, n)
		}
		texts = append(texts, strings.Join(pts, ","))
	}
	rng := rand.New(rand.NewPCG(18, 3))
	dens := []int64{2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 20, 25, 30, 60, 100}
	for len(texts) < 100 {
		k := 1 + rng.IntN(9)
		set := map[string]*big.Rat{}
		for len(set) < k {
			d := dens[rng.IntN(len(dens))]
			r := big.NewRat(1+rng.Int64N(d-1), d)
			set[r.RatString()] = r
		}
		pts := []*big.Rat{new(big.Rat)}
		for _, r := range set {
			pts = append(pts, r)
		}
		pts = append(pts, big.NewRat(1, 1))
		sortRats(pts)
		texts = append(texts, Sequence{points: pts}.String())
	}
	var out []Sequence
	for _, text := range texts {
		q, err := ParseSequence(text)
		if err != nil {
			t.Fatalf("ParseSequence(%q): %v", text, err)
		}
		out = append(out, q)
	}
	return out
}

func sortRats(r []*big.Rat) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j].Cmp(r[j-1]) < 0; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
}

// partsOf is every part of a sequence.
func partsOf(t *testing.T, q Sequence) []*Part {
	t.Helper()
	var parts []*Part
	for _, s := range q.Segments() {
		p, err := Of(s, q)
		if err != nil {
			t.Fatalf("Of(%s, %s): %v", s, q, err)
		}
		parts = append(parts, p)
	}
	return parts
}

// values are the quantities checked for a sequence of period l: every
// value up to three periods, then large and awkward ones.
func values(l int64) []int64 {
	var vs []int64
	for v := int64(0); v <= 3*l+2 && v <= 2000; v++ {
		vs = append(vs, v)
	}
	return append(vs, 9_999, 10_007, 123_456, 1_000_000, 7*l+l/2, 1<<40+3)
}

// deviation is |got − v·length| in units of 1/L (exact: length = n/L,
// and v·n stays far below 2⁶³ for the values tested).
func deviation(p *Part, got, v int64) int64 {
	d := got*p.period - v*p.units[p.index]
	if d < 0 {
		d = -d
	}
	return d
}

func TestScaleSumsToWholeAndStaysWithinOne(t *testing.T) {
	for _, q := range sequences(t) {
		t.Run(q.String(), func(t *testing.T) {
			parts := partsOf(t, q)
			for _, v := range values(parts[0].Period()) {
				var sum int64
				for _, p := range parts {
					got := p.Scale(v)
					if deviation(p, got, v) >= p.period {
						t.Fatalf("%s: Scale(%d) = %d, not within 1 of %d·%s", p, v, got, v, p.Segment().Length().RatString())
					}
					sum += got
				}
				if sum != v {
					t.Fatalf("%s: the parts of %d add up to %d", q, v, sum)
				}
			}
		})
	}
}

func TestScaleExamples(t *testing.T) {
	tests := []struct {
		sequence string
		v        int64
		want     []int64
	}{
		{"0,1/3,2/3,1", 4, []int64{2, 1, 1}},
		{"0,1/3,2/3,1", 5, []int64{2, 2, 1}},
		{"0,1/3,2/3,1", 1, []int64{1, 0, 0}},
		{"0,1/2,3/4,1", 1, []int64{1, 0, 0}},
		{"0,1/2,3/4,1", 2, []int64{1, 1, 0}},
		{"0,1/2,3/4,1", 3, []int64{2, 1, 0}},
		{"0,1/4,1/2,1", 1, []int64{0, 0, 1}}, // the longest segment first
		{"0,1/10,1", 9, []int64{0, 9}},
		{"0,1/10,1", 10, []int64{1, 9}},
		{"0,1/4,3/4,1", 100, []int64{25, 50, 25}},
		{"0,1", 17, []int64{17}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.sequence, tt.v), func(t *testing.T) {
			q, err := ParseSequence(tt.sequence)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range partsOf(t, q) {
				if got := p.Scale(tt.v); got != tt.want[i] {
					t.Errorf("%s: Scale(%d) = %d, want %d", p, tt.v, got, tt.want[i])
				}
			}
		})
	}
}

func TestScaleOfWholeAndNegative(t *testing.T) {
	w := Whole()
	for _, v := range []int64{0, 1, 2, 3, 1000, 1 << 50} {
		if got := w.Scale(v); got != v {
			t.Errorf("Whole().Scale(%d) = %d", v, got)
		}
	}
	if !w.IsWhole() || w.ScaleRate(12.5) != 12.5 {
		t.Errorf("Whole() = %v, ScaleRate(12.5) = %v", w, w.ScaleRate(12.5))
	}
	p, err := Even(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.IsWhole() || p.Scale(-5) != 0 {
		t.Errorf("%v: IsWhole %v, Scale(-5) = %d", p, p.IsWhole(), p.Scale(-5))
	}
}

func TestArrivalIndicesAreExactUnion(t *testing.T) {
	for _, q := range sequences(t) {
		t.Run(q.String(), func(t *testing.T) {
			parts := partsOf(t, q)
			limit := 3*parts[0].Period() + 7
			seen := make([]int, limit)
			for _, p := range parts {
				var k int64
				prev := int64(-1)
				for g := range p.Indices() {
					if g >= limit {
						break
					}
					if g <= prev {
						t.Fatalf("%s: index %d after %d", p, g, prev)
					}
					if !p.Owns(g) || p.Global(k) != g {
						t.Fatalf("%s: local %d is global %d, but Owns = %v and Global = %d", p, k, g, p.Owns(g), p.Global(k))
					}
					seen[g]++
					prev = g
					k++
					if got := p.Scale(g + 1); got != k {
						t.Fatalf("%s: %d iterations up to global %d, but Scale(%d) = %d", p, k, g, g+1, got)
					}
				}
				if k != p.Scale(limit) {
					t.Fatalf("%s: %d indices below %d, Scale says %d", p, k, limit, p.Scale(limit))
				}
			}
			for g, n := range seen {
				if n != 1 {
					t.Fatalf("%s: iteration %d is run by %d parts", q, g, n)
				}
			}
		})
	}
}

func TestScaleRateSumsToRate(t *testing.T) {
	for _, q := range sequences(t) {
		var sum float64
		for _, p := range partsOf(t, q) {
			sum += p.ScaleRate(1000)
		}
		if sum < 1000-1e-9 || sum > 1000+1e-9 {
			t.Errorf("%s: the rates add up to %v, want 1000", q, sum)
		}
	}
}

func TestRebase(t *testing.T) {
	for _, q := range sequences(t) {
		t.Run(q.String(), func(t *testing.T) {
			parts := partsOf(t, q)
			for _, maxVUs := range []int64{1, 2, 3, 5, 10, 64, 1000} {
				var rebased []*Part
				for _, p := range parts {
					r, ok, err := p.Rebase(maxVUs)
					if err != nil {
						t.Fatalf("%s: Rebase(%d): %v", p, maxVUs, err)
					}
					if ok != (p.Scale(maxVUs) > 0) {
						t.Fatalf("%s: Rebase(%d) ok = %v with Scale = %d", p, maxVUs, ok, p.Scale(maxVUs))
					}
					if !ok {
						continue
					}
					want := big.NewRat(p.Scale(maxVUs), maxVUs)
					if r.Segment().Length().Cmp(want) != 0 {
						t.Fatalf("%s: Rebase(%d) = %s, length want %s", p, maxVUs, r, want.RatString())
					}
					rebased = append(rebased, r)
				}
				for _, iterations := range []int64{0, 1, 7, 100, 12_345} {
					var sum int64
					for _, r := range rebased {
						sum += r.Scale(iterations)
					}
					if sum != iterations {
						t.Fatalf("%s: rebased on %d, the parts of %d add up to %d", q, maxVUs, iterations, sum)
					}
				}
			}
		})
	}
	if _, ok, err := Whole().Rebase(0); ok || err != nil {
		t.Errorf("Rebase(0) = %v, %v; want no part", ok, err)
	}
}

func TestEven(t *testing.T) {
	p, err := Even(2, 4)
	if err != nil || p.String() != "1/2:3/4 of 0,1/4,1/2,3/4,1" || p.Index() != 2 {
		t.Fatalf("Even(2, 4) = %v, %v", p, err)
	}
	for _, bad := range [][2]int{{0, 0}, {-1, 3}, {3, 3}} {
		if _, err := Even(bad[0], bad[1]); err == nil {
			t.Errorf("Even(%d, %d) succeeded", bad[0], bad[1])
		}
	}
	q, err := New("1/2:3/4", "0,1/4,1/2,3/4,1")
	if err != nil {
		t.Fatal(err)
	}
	for v := int64(0); v < 50; v++ {
		if p.Scale(v) != q.Scale(v) {
			t.Fatalf("Even and New differ at %d", v)
		}
	}
}

// TestStripesSpread checks that a segment's indices are spread over the
// period rather than in one block: any run of w consecutive indices holds
// less than 2 more or fewer than w·length of them (the difference of two
// prefixes, each within 1 of its ideal).
func TestStripesSpread(t *testing.T) {
	for _, q := range sequences(t) {
		for _, p := range partsOf(t, q) {
			l := p.Period()
			for w := int64(1); w <= l && w <= 48; w++ {
				for start := int64(0); start < l && start < 48; start++ {
					got := p.Scale(start+w) - p.Scale(start)
					if deviation(p, got, w) >= 2*l {
						t.Fatalf("%s: %d of the %d indices from %d, ideal %d·%s", p, got, w, start, w, p.Segment().Length().RatString())
					}
				}
			}
		}
	}
}

func TestComplete(t *testing.T) {
	seq, err := ParseSequence("0,1/4,1/2,1")
	if err != nil {
		t.Fatal(err)
	}
	seg := func(text string) Segment {
		s, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		segs []string
		err  string
	}{
		{[]string{"0:1/4", "1/4:1/2", "1/2:1"}, ""},
		{[]string{"1/2:1", "0:1/4", "1/4:1/2"}, ""},
		{[]string{"0:1/4", "1/2:1"}, "misses the execution segments 1/4:1/2"},
		{[]string{"0:1/4", "1/4:1/2", "1/4:1/2", "1/2:1"}, "appears twice"},
		{[]string{"0:1/4", "1/4:3/4", "1/2:1"}, "not a segment"},
		{nil, "misses"},
	}
	for _, tt := range tests {
		var segs []Segment
		for _, s := range tt.segs {
			segs = append(segs, seg(s))
		}
		err := Complete(seq, segs)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Complete(%v) = %v, want %q", tt.segs, err, tt.err)
		}
	}
}
