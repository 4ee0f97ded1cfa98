package craftgate

import (
	"io"
	"sync"
)

// MaskPAN masks a card number to its first six and last four digits
// (552879******0008). Strings too short to hold a PAN are fully masked.
func MaskPAN(number string) string {
	if len(number) < 11 {
		return "****"
	}
	b := []byte(number)
	maskRun(b)
	return string(b)
}

// Bounds of a digit run that can be a card number (ISO/IEC 7812 PANs are
// 12 to 19 digits long).
const (
	minPAN = 12
	maxPAN = 19
)

// MaskPANs masks every card number in s to its first six and last four
// digits (552879******0008). A card number is a run of 12 to 19 consecutive
// digits, not touching other digits, that passes the Luhn check or is a
// card of the test-card catalogue or begins with one's six-digit BIN.
// Everything else is returned unchanged.
func MaskPANs(s string) string {
	var out []byte // allocated on the first mask only
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isDigit(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && isPAN(s[start:i]) {
			if out == nil {
				out = []byte(s)
			}
			maskRun(out[start:i])
		}
		start = -1
	}
	if out == nil {
		return s
	}
	return string(out)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isPAN reports whether a maximal run of digits is a card number.
func isPAN(run string) bool {
	if len(run) < minPAN || len(run) > maxPAN {
		return false
	}
	if LuhnValid(run) {
		return true
	}
	// Not Luhn-valid: still a card number when it begins with the BIN of
	// a catalogue card (features type such numbers on purpose, to test
	// the Luhn check: 5258640000000002).
	return TestCards().HasBIN(run[:6])
}

// maskRun masks a card number in place, keeping the first six and last
// four digits.
func maskRun(b []byte) {
	for i := 6; i < len(b)-4; i++ {
		b[i] = '*'
	}
}

// MaskingWriter masks card numbers (see MaskPANs) in everything written
// through it. A run of digits is held back until a non-digit shows where it
// ends, so a card number split across Write calls is still masked; Flush
// writes what is held back. It is safe for concurrent use.
type MaskingWriter struct {
	mu sync.Mutex
	w  io.Writer
	// held is the trailing run of digits not yet written (at most maxPAN).
	held []byte
	// long is true while the current run of digits is already longer than
	// any card number: its digits are written as they come.
	long bool
}

// NewMaskingWriter returns a MaskingWriter writing to w.
func NewMaskingWriter(w io.Writer) *MaskingWriter { return &MaskingWriter{w: w} }

// Write masks p and writes it, except for a trailing run of digits, which
// is held back until the run ends. It reports len(p) when everything was
// accepted.
func (m *MaskingWriter) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]byte, 0, len(m.held)+len(p))
	for _, c := range p {
		switch {
		case isDigit(c) && m.long:
			out = append(out, c)
		case isDigit(c):
			m.held = append(m.held, c)
			if len(m.held) > maxPAN {
				out = append(out, m.held...)
				m.held, m.long = m.held[:0], true
			}
		default:
			out = m.release(out)
			m.long = false
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		if _, err := m.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// release appends the held run to out, masked when it is a card number.
func (m *MaskingWriter) release(out []byte) []byte {
	if len(m.held) == 0 {
		return out
	}
	if isPAN(string(m.held)) {
		maskRun(m.held)
	}
	out = append(out, m.held...)
	m.held = m.held[:0]
	return out
}

// Flush writes the held-back digits, masked when they form a card number.
// Call it when the output is complete: a run of digits at the very end
// ends there.
func (m *MaskingWriter) Flush() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.release(nil)
	m.long = false
	if len(out) == 0 {
		return nil
	}
	_, err := m.w.Write(out)
	return err
}
