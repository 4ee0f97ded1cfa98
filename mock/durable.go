package mock

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// Durable answers (Config.StateFile with StateSyncEveryWrite, the
// default): a request that may change the mock's state (any method but
// GET and HEAD, once authenticated) is answered only after a journal
// entry (journal.go) that began after the request's change has been
// written and synced. Requests wait together: while an entry is being
// written, every request that finishes joins the next one (group
// commit), so one entry acknowledges a whole group. An entry holds what
// changed since the previous one, so its cost follows the group's
// changes, not the size of the store; the journal is folded into a new
// state file once it has grown past it. A failed entry answers the
// group's requests 500 (CodeStateNotDurable) instead of their answers:
// what was not made durable is never acknowledged.
//
// StateSyncPeriodic (opt-in) keeps the older behaviour: a whole snapshot
// every SnapshotInterval and at Close, so a crash loses the acknowledged
// writes of up to one interval; DurabilityNote says so at start.

// State sync modes (Config.StateSync).
const (
	// StateSyncEveryWrite answers a write only once it is in the state
	// file (group commit). The default.
	StateSyncEveryWrite = "every-write"
	// StateSyncPeriodic writes the state file every SnapshotInterval and
	// at Close: a crash loses up to one interval of acknowledged writes.
	StateSyncPeriodic = "periodic"
)

// errStateClosed is the answer of a request still waiting when the mock
// closes.
var errStateClosed = errors.New("the mock is closing")

// committer runs the group commits.
type committer struct {
	mu      sync.Mutex
	waiters []chan error
	kick    chan struct{} // buffered 1: a group is waiting
}

// DurabilityNote says what a crash can lose, for the start-up banner:
// empty without a state file.
func (m *Mock) DurabilityNote() string {
	switch {
	case m.snap == nil:
		return ""
	case m.snap.commit != nil:
		return fmt.Sprintf("state file %s: every write is answered only once it is on disk (journal %s, group commit): a crash loses no acknowledged write", m.snap.path, journalPath(m.snap.path))
	case m.snap.interval > 0:
		return fmt.Sprintf("state file %s: snapshots every %s (--state-sync periodic): a crash loses up to %s of acknowledged writes", m.snap.path, m.snap.interval, m.snap.interval)
	default:
		return fmt.Sprintf("state file %s: written only at shutdown (--state-sync periodic): a crash loses every write since the start", m.snap.path)
	}
}

// commitLoop writes a snapshot for each group of waiting requests until
// Close.
func (m *Mock) commitLoop() {
	defer close(m.snap.done)
	c := m.snap.commit
	for {
		select {
		case <-m.snap.stop:
			return
		case <-c.kick:
		}
		c.mu.Lock()
		group := c.waiters
		c.waiters = nil
		c.mu.Unlock()
		if len(group) == 0 {
			continue
		}
		// Every request of the group changed the state before it
		// joined, so this entry (or compaction), begun after, holds its
		// change.
		err := m.commitGroup() // journal.go
		for _, w := range group {
			w <- err
		}
	}
}

// awaitDurable returns once a snapshot begun after now is on disk.
func (m *Mock) awaitDurable(ctx context.Context) error {
	c := m.snap.commit
	ch := make(chan error, 1)
	c.mu.Lock()
	c.waiters = append(c.waiters, ch)
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	select {
	case err := <-ch:
		return err
	case <-m.snap.done:
		// Close writes the last snapshot after the requests finished;
		// one still waiting here is not acknowledged.
		select {
		case err := <-ch:
			return err
		default:
			return errStateClosed
		}
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// closeCommits answers the requests still waiting when the loop stopped.
func (m *Mock) closeCommits(err error) {
	c := m.snap.commit
	if c == nil {
		return
	}
	c.mu.Lock()
	group := c.waiters
	c.waiters = nil
	c.mu.Unlock()
	for _, w := range group {
		w <- err
	}
}

// durableWriter holds a request's answer until its change is durable: the
// first WriteHeader (or Write) waits for the group commit.
type durableWriter struct {
	http.ResponseWriter
	c      *call
	waited bool
	failed bool
}

// Unwrap lets http.ResponseController reach the connection.
func (d *durableWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }

func (d *durableWriter) WriteHeader(status int) {
	if d.waited {
		d.ResponseWriter.WriteHeader(status)
		return
	}
	d.waited = true
	if err := d.c.m.awaitDurable(d.c.r.Context()); err != nil {
		d.failed = true
		e := &apiError{status: http.StatusInternalServerError, code: CodeStateNotDurable,
			desc: "the change was made but could not be written to the state file; it may be lost at the next restart: " + err.Error()}
		h := d.ResponseWriter.Header()
		h.Del("Content-Length")
		h["Content-Type"] = d.c.m.ctJSON
		d.ResponseWriter.WriteHeader(e.status)
		_, _ = d.ResponseWriter.Write(appendError(nil, e))
		return
	}
	d.ResponseWriter.WriteHeader(status)
}

func (d *durableWriter) Write(b []byte) (int, error) {
	if !d.waited {
		d.WriteHeader(http.StatusOK)
	}
	if d.failed {
		return len(b), nil // the answer was replaced
	}
	return d.ResponseWriter.Write(b)
}

// Flush implements http.Flusher for handlers that stream.
func (d *durableWriter) Flush() {
	if !d.waited {
		d.WriteHeader(http.StatusOK)
	}
	if f, ok := d.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
