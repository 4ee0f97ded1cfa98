// Package strictjson refuses what encoding/json accepts silently: bytes
// that are not UTF-8 (decoded as U+FFFD), an object naming a member twice
// (the last one wins, and names match case-insensitively, so
// {"status":"FAILURE","STATUS":"SUCCESS"} is SUCCESS) and \u escapes of
// lone UTF-16 surrogates. The mock refuses such request bodies and the
// merchant receiver such webhooks, by the same rules.
package strictjson

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Errors of Check. Use errors.Is.
var (
	ErrInvalidUTF8 = errors.New("not valid UTF-8")
	ErrDuplicate   = errors.New("a JSON member named twice in one object")
	ErrSurrogate   = errors.New("a \\u escape of a lone UTF-16 surrogate")
)

// Check returns nil for a body that is UTF-8, names no member twice in one
// object (ASCII case-insensitively, escapes decoded) and escapes no lone
// surrogate; otherwise an error wrapping ErrInvalidUTF8, ErrDuplicate or
// ErrSurrogate that says where. It does not check the JSON syntax.
func Check(body []byte) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("%w (first invalid byte at offset %d)", ErrInvalidUTF8, InvalidUTF8(body))
	}
	switch k, p := Scan(body); p {
	case Duplicate:
		if len(k) > 60 {
			k = k[:60]
		}
		return fmt.Errorf("%w: %s", ErrDuplicate, strconv.Quote(k))
	case Surrogate:
		return ErrSurrogate
	}
	return nil
}

// unquote decodes a JSON string literal.
func unquote(lit []byte) (string, bool) {
	var s string
	if json.Unmarshal(lit, &s) != nil {
		return "", false
	}
	return s, true
}

// loneSurrogate reports whether raw (string contents, escapes undecoded)
// holds a \uD800-\uDFFF escape that is not a high surrogate followed by a
// low one.
func loneSurrogate(raw []byte) bool {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' || i+6 > len(raw) {
			i++ // another escape: skip its character
			continue
		}
		v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 16)
		if err != nil {
			return false // not valid JSON: the decoder says so
		}
		switch {
		case v < 0xd800 || v > 0xdfff:
		case v >= 0xdc00:
			return true // a low surrogate first
		default: // a high surrogate: a low one must follow
			if i+12 > len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return true
			}
			w, err := strconv.ParseUint(string(raw[i+8:i+12]), 16, 16)
			if err != nil || w < 0xdc00 || w > 0xdfff {
				return true
			}
			i += 6
		}
		i += 5
	}
	return false
}

// InvalidUTF8 returns the offset of the first byte that is not valid
// UTF-8, or -1.
func InvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// Problem is what Scan finds.
type Problem int

// Problems Scan finds.
const (
	OK        Problem = iota
	Duplicate         // a member named twice in one object
	Surrogate         // a \u escape of a lone UTF-16 surrogate
	TooLong           // a string value longer than ScanLimit's limit
)

// Scan reports the first object member name that appears twice in
// one object (scanDuplicate), comparing names the way encoding/json matches
// them to fields (case-insensitively, escapes decoded), or a string holding
// an escaped lone surrogate (scanSurrogate). It tolerates invalid
// JSON: the decoder reports syntax errors afterwards. It runs on every
// body, so it skips strings eight bytes at a time and compares a name only
// with the earlier ones of its object that share its length and first
// letter (a 64-bit filter per object).
func Scan(b []byte) (string, Problem) { return ScanLimit(b, 0) }

// ScanLimit is Scan that also reports a string value longer than limit
// bytes as sent (escapes counted as written) with TooLong and the name of
// the member it belongs to (the innermost one named before it: an array
// element's array). A limit of 0 or less sets no limit.
func ScanLimit(b []byte, limit int) (string, Problem) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var keyBuf [32]string
	var frameBuf [16]dupFrame
	keys := keyBuf[:0]     // names of the open objects' members, innermost last
	frames := frameBuf[:0] // the open containers
	expectKey := false
	lastKey := "" // the last member name, for TooLong
	n := len(b)
	for i := 0; i < n; i++ {
		for i < n && !jsonStructural[b[i]] {
			i++
		}
		if i == n {
			break
		}
		switch b[i] {
		case '"':
			start := i + 1
			j := start
			esc := false
			for {
				found := false
				for j+8 <= n {
					x := binary.LittleEndian.Uint64(b[j:])
					q, bs := x^('"'*ones), x^('\\'*ones)
					if m := ((q-ones)&^q | (bs-ones)&^bs) & highs; m != 0 {
						j += bits.TrailingZeros64(m) >> 3
						found = true
						break
					}
					j += 8
				}
				if !found {
					for j < n && b[j] != '"' && b[j] != '\\' {
						j++
					}
					if j >= n {
						return "", OK
					}
				}
				if b[j] == '"' {
					break
				}
				esc = true
				j += 2
			}
			i = j
			if esc && loneSurrogate(b[start:j]) {
				return "", Surrogate
			}
			if !expectKey {
				if limit > 0 && j-start > limit {
					return strings.Clone(lastKey), TooLong
				}
				continue
			}
			expectKey = false
			var k string
			if esc {
				var ok bool
				if k, ok = unquote(b[start-1 : j+1]); !ok {
					return "", OK
				}
			} else {
				k = unsafe.String(unsafe.SliceData(b[start:j]), j-start)
			}
			f := &frames[len(frames)-1]
			bit := uint64(1) << ((uint(len(k))*7 + uint(firstFold(k))) & 63)
			if f.filter&bit != 0 {
				for _, prev := range keys[f.first:] {
					if len(prev) == len(k) && strings.EqualFold(prev, k) {
						return strings.Clone(k), Duplicate
					}
				}
			}
			f.filter |= bit
			keys = append(keys, k)
			lastKey = k
		case '{':
			frames = append(frames, dupFrame{first: int32(len(keys))})
			expectKey = true
		case '[':
			frames = append(frames, dupFrame{first: -1})
			expectKey = false
		case '}', ']':
			if d := len(frames); d > 0 {
				if f := frames[d-1].first; f >= 0 {
					keys = keys[:f]
				}
				frames = frames[:d-1]
			}
			expectKey = false
		case ',':
			expectKey = len(frames) > 0 && frames[len(frames)-1].first >= 0
		}
	}
	return "", OK
}

// dupFrame is an open JSON container of Scan: an object's first
// name in the name stack and its filter, or first -1 for an array.
type dupFrame struct {
	first  int32
	filter uint64
}

// firstFold is the first byte of a name, ASCII upper case folded to
// lower; 0 for an empty name.
func firstFold(k string) byte {
	if k == "" {
		return 0
	}
	c := k[0]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

// jsonStructural marks the bytes Scan must look at. Read-only.
var jsonStructural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, ',': true}
