package mock

import (
	"net/http"
	"net/url"
	"sync"
)

// The shapes handlers share (router.go has the handler type): a route with
// a JSON body gets its decoded request (withJSON), a search its query and
// page (withPaging), and an answer made under a lock is sent after it is
// released (sendLocked).

// searchQuery is the query of a search and the page it asks for.
type searchQuery struct {
	url.Values
	page, size int
}

// onPage reports whether the n-th match of a search (from 0) is on the
// page it asks for.
func (q searchQuery) onPage(n int) bool {
	lo := q.page * q.size
	return n >= lo && n < lo+q.size
}

// withPaging is the handler of a search: it reads the query and its page
// and size (paging: a bad one is the provider's validation envelope) and
// hands them to h.
func withPaging(h func(*Mock, *call, searchQuery) error) handler {
	return func(m *Mock, c *call) error {
		q := searchQuery{Values: c.r.URL.Query()}
		var e *apiError
		if q.page, q.size, e = paging(q); e != nil {
			return e
		}
		return h(m, c, q)
	}
}

// withJSON is the handler of a route with a JSON body (kind signedJSON):
// it decodes the body into a T (decodeJSON answers a malformed one with the
// provider's validation envelope) and hands the request to h.
func withJSON[T any](h func(*Mock, *call, T) error) handler {
	return func(m *Mock, c *call) error {
		var req T
		if e := decodeJSON(c.body, &req); e != nil {
			return e
		}
		return h(m, c, req)
	}
}

// sendLocked answers the call with what answer returns, made while mu is
// held; when answer returns an error (a lookup that found nothing, a
// refusal), that error is the answer. The answer is encoded and sent after
// mu is released.
func sendLocked[T any](c *call, mu sync.Locker, answer func() (T, *apiError)) error {
	var out T
	if e := locked(mu, func() error {
		var e *apiError
		if out, e = answer(); e != nil {
			return e
		}
		return nil
	}); e != nil {
		return e
	}
	c.sendData(http.StatusOK, out)
	return nil
}
