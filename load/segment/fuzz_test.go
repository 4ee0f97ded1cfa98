package segment

import "testing"

// FuzzNew feeds arbitrary flag values: New never panics, and a part it
// accepts scales within 1 of its share and together with its sequence's
// other parts adds up to the whole.
func FuzzNew(f *testing.F) {
	for _, seed := range [][2]string{
		{"1/3:2/3", "0,1/3,2/3,1"}, {"25%:50%", ""}, {"0.1", "0.1,0.5"}, {"", ""},
		{"1/2:1/2", ""}, {"x", "y"}, {"0:1", "0,1"}, {"1/9973:1", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, segmentText, sequenceText string) {
		p, err := New(segmentText, sequenceText)
		if err != nil {
			return
		}
		for _, v := range []int64{0, 1, 2, 3, 10, 1001, p.Period() - 1, p.Period() + 1} {
			var sum int64
			for _, s := range p.Sequence().Segments() {
				q, err := Of(s, p.Sequence())
				if err != nil {
					t.Fatalf("Of(%s, %s): %v", s, p.Sequence(), err)
				}
				got := q.Scale(v)
				if v >= 0 && deviation(q, got, v) >= q.period {
					t.Fatalf("%s: Scale(%d) = %d", q, v, got)
				}
				sum += got
			}
			if v >= 0 && sum != v {
				t.Fatalf("%s: the parts of %d add up to %d", p.Sequence(), v, sum)
			}
		}
	})
}
