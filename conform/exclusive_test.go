package conform

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cucumber/godog"
)

// TestExclusiveScenariosRunAlone runs plain and ExclusiveTags scenarios
// concurrently and checks that no scenario ever ran beside an exclusive one.
func TestExclusiveScenariosRunAlone(t *testing.T) {
	var feature strings.Builder
	feature.WriteString("Feature: exclusivity\n")
	for i := range 24 {
		if i%6 == 3 {
			tag := ExclusiveTags[(i/6)%len(ExclusiveTags)] // each tag, in turn
			fmt.Fprintf(&feature, "  %s\n  Scenario: exclusive %d\n    Given a exclusive step\n", tag, i)
		} else {
			fmt.Fprintf(&feature, "  Scenario: plain %d\n    Given a plain step\n", i)
		}
	}
	var (
		running, maxRunning atomic.Int32
		exclusiveOn         atomic.Bool
		overlap             atomic.Int32
	)
	step := func(kind string) error {
		n := running.Add(1)
		defer running.Add(-1)
		if m := maxRunning.Load(); n > m {
			maxRunning.CompareAndSwap(m, n)
		}
		if kind == "exclusive" {
			if n != 1 {
				overlap.Add(1)
			}
			exclusiveOn.Store(true)
			defer exclusiveOn.Store(false)
		} else if exclusiveOn.Load() {
			overlap.Add(1)
		}
		time.Sleep(3 * time.Millisecond)
		if kind == "exclusive" && running.Load() != 1 {
			overlap.Add(1)
		}
		return nil
	}
	col := &collector{exclusive: &sync.RWMutex{}}
	status := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			col.track(sc)
			sc.Step(`^a (plain|exclusive) step$`, step)
		},
		Options: &godog.Options{
			Format: "progress", Output: io.Discard, Concurrency: 8, Strict: true,
			FS: fstest.MapFS{"x.feature": {Data: []byte(feature.String())}}, Paths: []string{"x.feature"},
			DefaultContext: context.Background(),
		},
	}.Run()
	res := col.result()
	if status != 0 || res.Scenarios.Passed != 24 {
		t.Fatalf("status %d, %+v", status, res.Scenarios)
	}
	if overlap.Load() != 0 {
		t.Errorf("%d times a scenario ran beside an exclusive one", overlap.Load())
	}
	if maxRunning.Load() < 2 {
		t.Errorf("plain scenarios never ran concurrently (max %d): the test proves nothing", maxRunning.Load())
	}
}
