package mock

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// crashChildEnv names the state file of the child mock process that
// TestCrashChild serves; the crash test sets it.
const crashChildEnv = "GATECHECK_MOCK_CRASH_CHILD_STATE"

// TestCrashChild is not a test on its own: run by TestCrashLosesNoAcknowledgedPayment
// as a child process (this test binary), it serves a mock with a state file
// on 127.0.0.1, prints its address and serves until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("the crash test's child process")
	}
	m, err := New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, Seed: 42, StateFile: path})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("addr:", ln.Addr().String())
	_ = http.Serve(ln, m) // until SIGKILL
}

// TestCrashLosesNoAcknowledgedPayment kills a mock process with SIGKILL
// while clients create payments, three times, restarting it on the same
// state file each time: every payment acknowledged (HTTP 200 with an id)
// before a kill is retrievable after the restart, and no id is handed out
// twice.
func TestCrashLosesNoAcknowledgedPayment(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "mock.state")
	acked := map[int64]bool{}   // every acknowledged payment id, all rounds
	refunds := map[int64]bool{} // every acknowledged refund (CANCEL) id
	const kills, perRound, clients = 3, 400, 6
	for round := 0; round <= kills; round++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		child, base := startCrashChild(ctx, t, path)
		client := crashClient(t, base)
		// Every payment acknowledged before the kill must be back.
		for id := range acked {
			p, err := client.RetrievePayment(ctx, id)
			if err != nil || p.ID != id {
				cancel()
				_ = child.Process.Kill()
				t.Fatalf("after kill %d: acknowledged payment %d lost: %v", round, id, err)
			}
		}
		for id := range refunds {
			if r, err := client.RetrieveRefund(ctx, id); err != nil || r.ID != id {
				cancel()
				_ = child.Process.Kill()
				t.Fatalf("after kill %d: acknowledged refund %d lost: %v", round, id, err)
			}
		}
		if round == kills {
			cancel()
			_ = child.Process.Kill()
			_ = child.Wait()
			break
		}
		// Load, and a kill in the middle of it.
		var mu sync.Mutex
		var dup error
		newAcks := 0
		loadCtx, stopLoad := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for loadCtx.Err() == nil {
					p, err := client.CreatePayment(loadCtx, paymentRequest(successCard))
					if err != nil {
						continue // not acknowledged (the kill, or the load's end)
					}
					mu.Lock()
					if acked[p.ID] && dup == nil {
						dup = fmt.Errorf("payment id %d acknowledged twice", p.ID)
					}
					acked[p.ID] = true
					newAcks++
					refund := newAcks%4 == 0
					mu.Unlock()
					if !refund {
						continue
					}
					r, err := client.RefundPayment(loadCtx, &craftgate.RefundPaymentRequest{PaymentID: p.ID})
					if err != nil {
						continue
					}
					mu.Lock()
					refunds[r.ID] = true
					mu.Unlock()
				}
			}()
		}
		for {
			mu.Lock()
			n := newAcks
			mu.Unlock()
			if n >= perRound || ctx.Err() != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := child.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", round+1, err)
		}
		_ = child.Wait()
		stopLoad()
		wg.Wait()
		cancel()
		if ctx.Err() != nil && newAcks < perRound {
			t.Fatalf("round %d: only %d payments acknowledged within 60 s", round, newAcks)
		}
		if dup != nil {
			t.Fatalf("round %d: %v", round, dup)
		}
	}
	if len(acked) < kills*perRound {
		t.Fatalf("%d payments acknowledged, want at least %d", len(acked), kills*perRound)
	}
}

// startCrashChild starts the child mock process and returns it and its
// base URL, waiting (bounded by ctx) for it to print its address.
func startCrashChild(ctx context.Context, t *testing.T, path string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "addr: ") || strings.HasPrefix(l, "error: ") {
				lines <- l
				break
			}
		}
		close(lines)
		_, _ = bufio.NewReader(out).WriteTo(discard{}) // keep the pipe drained
	}()
	select {
	case l, ok := <-lines:
		if !ok || !strings.HasPrefix(l, "addr: ") {
			_ = cmd.Process.Kill()
			t.Fatalf("the child mock did not start: %q", l)
		}
		return cmd, "http://" + strings.TrimPrefix(l, "addr: ")
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		t.Fatal("the child mock printed no address within 60 s")
	}
	return nil, ""
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// crashClient is a signing client of the child mock, without retries.
func crashClient(t *testing.T, base string) *craftgate.Client {
	t.Helper()
	c, err := craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey(testAPIKey), craftgate.WithSecretKey(testSecretKey),
		craftgate.WithDoer(&http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
