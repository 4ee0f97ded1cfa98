package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadProfile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"name":"x","mix":"1:@non3ds","vus":2,"duration":"5s","thresholds":{"maxFailureRate":0,"p95":{"*":"10ms"}}}`)
	p, err := ReadProfile(good)
	if err != nil || p.VUs != 2 || time.Duration(p.Duration) != 5*time.Second || *p.Thresholds.MaxFailureRate != 0 ||
		time.Duration(p.Thresholds.P95["*"]) != 10*time.Millisecond {
		t.Fatalf("profile %+v, %v", p, err)
	}
	for name, body := range map[string]string{
		"typo.json":      `{"name":"x","duration":"5s","thresholds":{"maxFailRate":0}}`,
		"unbounded.json": `{"name":"x","thresholds":{}}`,
		"badmix.json":    `{"name":"x","duration":"5s","mix":"x","thresholds":{}}`,
		"baddur.json":    `{"name":"x","duration":"soon","thresholds":{}}`,
	} {
		if _, err := ReadProfile(write(name, body)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	// The project's own profiles are valid.
	files, _ := filepath.Glob(filepath.Join("..", "scenarios", "*.json"))
	if len(files) < 4 {
		t.Fatalf("scenarios/ has %d profiles", len(files))
	}
	for _, f := range files {
		if _, err := ReadProfile(f); err != nil {
			t.Error(err)
		}
	}
}

func TestThresholdsCheck(t *testing.T) {
	h := &Histogram{}
	for i := 0; i < 100; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	r := &Result{Iterations: 100, Failures: 2, Dropped: 1, Operations: map[string]*Histogram{"POST /payment/v1/card-payments": h}}
	zero, one := 0.0, 1
	cases := []struct {
		name string
		th   Thresholds
		want []string
	}{
		{"none", Thresholds{}, nil},
		{"failure rate", Thresholds{MaxFailureRate: &zero}, []string{"failure rate 0.0200 exceeds"}},
		{"p95 of one op", Thresholds{P95: map[string]Duration{"POST /payment/v1/card-payments": Duration(50 * time.Millisecond)}}, []string{"p95 of POST /payment/v1/card-payments"}},
		{"p95 loose", Thresholds{P95: map[string]Duration{"*": Duration(time.Second)}}, nil},
		{"missing op", Thresholds{P95: map[string]Duration{"GET /x": Duration(time.Second)}}, []string{"no GET /x request"}},
		{"iterations", Thresholds{MinIterations: 101}, []string{"100 iterations, fewer than 101"}},
		{"dropped", Thresholds{MaxDropped: &one}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.th.Check(r)
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Fatalf("got %q, want prefix %q", got[i], c.want[i])
				}
			}
		})
	}
}
