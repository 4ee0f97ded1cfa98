package craftgate

import (
	"fmt"
	"net/url"
	"strconv"
)

// The Query methods of the search requests build their parameters with
// these helpers: a filter left at its zero value is not sent, as the
// official clients leave unset filters out.

// setNonZero sets each parameter of kv whose value is not the zero value,
// as its text (an integer's decimal digits, a string as it is).
func setNonZero[T string | int | int64](q url.Values, kv map[string]T) {
	var zero T
	for k, v := range kv {
		if v != zero {
			q.Set(k, fmt.Sprint(v))
		}
	}
}

// setAmount sets k to v's number text when v is given.
func setAmount(q url.Values, k string, v *Amount) {
	if v != nil {
		q.Set(k, v.String())
	}
}

// setBool sets k to "true" or "false" when v is given.
func setBool(q url.Values, k string, v *bool) {
	if v != nil {
		q.Set(k, strconv.FormatBool(*v))
	}
}

// setPaging sets page (0-based) and size when they are positive; a zero
// size leaves the page size to the provider.
func setPaging(q url.Values, page, size int) {
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if size > 0 {
		q.Set("size", strconv.Itoa(size))
	}
}
