package mock

import (
	"os"
	"path/filepath"
	"testing"
)

// TestIDsNeverRepeatAfterCrash: payments acknowledged after the last
// snapshot, then a crash (the mock is dropped without Close, so no final
// snapshot): the restarted mock's ids never repeat one handed out before.
func TestIDsNeverRepeatAfterCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mock.state")
	cfg := func(c *Config) { c.StateFile, c.SnapshotInterval = path, -1 }
	seen := map[int64]bool{}
	var last int64
	for crash := range 3 {
		m := newTestMock(t, cfg)
		for range 5 {
			p := pay(t, m, paymentRequest(successCard))
			if seen[p.ID] {
				t.Fatalf("after crash %d: payment id %d handed out again", crash, p.ID)
			}
			if p.ID <= last {
				t.Fatalf("after crash %d: payment id %d not after %d", crash, p.ID, last)
			}
			seen[p.ID], last = true, p.ID
		}
		if crash == 0 {
			// One snapshot, then more acknowledged payments it lacks.
			if err := m.WriteStateFile(); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				p := pay(t, m, paymentRequest(successCard))
				seen[p.ID], last = true, p.ID
			}
		}
		// Crash: no Close, no last snapshot. Only the file is released.
		_ = m.snap.ids.close()
	}
}

// TestIDReservationFailsAtStart: a state file in a missing directory is
// refused by New, not at the first snapshot.
func TestIDReservationFailsAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "mock.state")
	_, err := New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, Seed: 42, StateFile: path})
	if err == nil {
		t.Fatal("New accepted a state file in a missing directory")
	}
	if _, err := os.Stat(filepath.Dir(path)); err == nil {
		t.Fatal("New created the directory")
	}
}
