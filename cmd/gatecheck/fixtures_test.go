package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestMockCommandFixtures: --fixtures seeds before the base URL is
// printed, names the ids on stderr, and a restart from the state file
// reuses the members and wallet instead of failing on their external ids.
func TestMockCommandFixtures(t *testing.T) {
	state := t.TempDir() + "/mock.state"
	buyer := regexp.MustCompile(`fixtures: buyer member (\d+) \(wallet (\d+)`)
	var firstBuyer string
	for round := 0; round < 2; round++ {
		base, stderr, stop := startMockCommand(t, "--fixtures", "--state-file", state, "--snapshot-interval", "0")
		c, err := craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey(defaultMockAPIKey), craftgate.WithSecretKey(defaultMockSecretKey))
		if err != nil {
			t.Fatal(err)
		}
		// stderr is written after the base URL: wait for the line, bounded.
		var m []string
		for deadline := time.Now().Add(5 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			m = buyer.FindStringSubmatch(stderr.String())
		}
		if m == nil {
			stop()
			t.Fatalf("round %d: stderr names no fixtures: %s", round, stderr.String())
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		w, err := c.RetrieveMemberWallet(context.Background(), id)
		if err != nil || strconv.FormatInt(w.ID, 10) != m[2] || !w.Amount.Equal(craftgate.MustAmount("1000").Decimal) {
			t.Errorf("round %d: wallet %+v %v", round, w, err)
		}
		if b, err := c.RetrieveBin(context.Background(), "487074"); err != nil || b.CardAssociation != "VISA" {
			t.Errorf("round %d: the Go client's BIN: %+v %v", round, b, err)
		}
		if round == 0 {
			firstBuyer = m[1]
		} else if m[1] != firstBuyer {
			t.Errorf("restarted with another buyer: %s, then %s", firstBuyer, m[1])
		}
		if code := stop(); code != 0 || strings.Contains(stderr.String(), "already used") {
			t.Fatalf("round %d: exit %d: %s", round, code, stderr.String())
		}
	}
}
