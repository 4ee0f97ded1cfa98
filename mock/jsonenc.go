package mock

import "unicode/utf8"

// The mock writes its JSON with append-based encoders instead of
// encoding/json: encoding/json re-validates the output of every
// Amount.MarshalJSON (a PaymentResponse has about 25 amounts) and allocates
// for each, which made the response encoding the largest cost of a
// create-payment call. The encoders follow the field order and omitempty
// rules of the craftgate models, and encode_test.go proves that their output
// decodes to the same value as encoding/json's encoding of the equivalent
// model (see paymentModel there).

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. It escapes what JSON requires
// (quote, backslash, control characters), replaces invalid UTF-8 with
// U+FFFD and escapes U+2028 and U+2029, as encoding/json does; unlike
// encoding/json it leaves <, > and & alone (the output is not embedded in
// HTML). strconv.AppendQuote is not usable here: it writes Go escapes such
// as \x00 and \U0001f600 that are not JSON.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	// Fast path: skip 8 bytes at a time while none needs attention.
	i := 0
	for i+8 <= len(s) && !special8(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
		uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
		i += 8
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// special8 reports whether any of the 8 bytes packed in x is below 0x20,
// a quote, a backslash or not ASCII (SWAR: "has a zero byte" tricks, which
// may report false positives only after a true one).
func special8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - lo) & ^v }
	return (x|(x-0x20*lo)&^x|zero(x^0x22*lo)|zero(x^0x5c*lo))&hi != 0
}

// appendField appends ,"key":"value" when value is not empty (omitempty).
// key is a constant ASCII name and needs no escaping.
func appendField(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

// appendError appends the error envelope {"errors":{...}}.
func appendError(b []byte, e *apiError) []byte {
	b = append(b, `{"errors":`...)
	b = appendErrorBody(b, e.code, e.desc, e.group)
	return append(b, '}')
}

// appendErrorBody appends a craftgate.ErrorBody object.
func appendErrorBody(b []byte, code, desc, group string) []byte {
	b = append(b, `{"errorCode":`...)
	b = appendString(b, code)
	b = append(b, `,"errorDescription":`...)
	b = appendString(b, desc)
	b = appendField(b, "errorGroup", group)
	return append(b, '}')
}
