package mock

import "sync"

// locked runs fn with mu held and returns fn's error; mu is released
// however fn returns, so an early error return cannot leave it locked.
// The critical section is exactly fn: callers keep I/O (webhooks, logs,
// answers) outside it.
func locked(mu sync.Locker, fn func() error) error {
	mu.Lock()
	defer mu.Unlock()
	return fn()
}
