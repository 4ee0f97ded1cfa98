package steps

// lazy returns *p, first setting it to a new zero T when it is nil: the
// scenario's per-domain state (fraud, links, rewards, ...) is made on first
// use.
func lazy[T any](p **T) *T {
	if *p == nil {
		*p = new(T)
	}
	return *p
}
