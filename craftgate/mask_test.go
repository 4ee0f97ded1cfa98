package craftgate

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMaskPANs(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"no digits", "no digits"},
		{"card 5258640000000001 ok", "card 525864******0001 ok"},
		{"5258640000000001", "525864******0001"},
		{"4111111111111111,4111111111111111", "411111******1111,411111******1111"},
		{`"cardNumber":"375623000000006"`, `"cardNumber":"375623*****0006"`},             // 15-digit AMEX
		{"30569309025904", "305693****5904"},                                             // 14-digit Diners
		{"x5100050000006661y", "x510005******6661y"},                                     // letters around
		{"4242424242424242", "424242******4242"},                                         // Luhn-valid, not a catalogue card
		{"5258640000000002", "525864******0002"},                                         // fails Luhn, but a catalogue card's BIN
		{"1234567890123456", "1234567890123456"},                                         // fails Luhn, no catalogue BIN
		{"12345678903", "12345678903"},                                                   // 11 digits: too short
		{"41111111111111111111", "41111111111111111111"},                                 // 20 digits: too long
		{"id 1700000000000 and 42", "id 1700000000000 and 42"},                           // 13 digits failing Luhn
		{"card 555555******4444 already masked", "card 555555******4444 already masked"}, // nothing to do
		{"a 4111111111111111\nb 5555555555554444", "a 411111******1111\nb 555555******4444"},
		{"<testcase name=\"NOT_SUFFICIENT_FUNDS card 5100050000006661 is declined\">", "<testcase name=\"NOT_SUFFICIENT_FUNDS card 510005******6661 is declined\">"},
	}
	for _, c := range cases {
		if got := MaskPANs(c.in); got != c.want {
			t.Errorf("MaskPANs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// writeSplit writes s through a MaskingWriter in the given chunk sizes
// (cycled), then flushes.
func writeSplit(t *testing.T, s string, sizes []int) string {
	t.Helper()
	var buf bytes.Buffer
	m := NewMaskingWriter(&buf)
	for i, k := 0, 0; i < len(s); k++ {
		n := min(sizes[k%len(sizes)], len(s)-i)
		if w, err := m.Write([]byte(s[i : i+n])); err != nil || w != n {
			t.Fatalf("Write = %d, %v; want %d, nil", w, err, n)
		}
		i += n
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMaskingWriterSplits(t *testing.T) {
	cases := []struct {
		name, in string
		sizes    []int
	}{
		{"whole", "pay with 5258640000000001 now", []int{1 << 10}},
		{"byte by byte", "pay with 5258640000000001 now", []int{1}},
		{"split inside the number", "pay with 52586400|00000001 now", []int{17}},
		{"number at the end, flushed", "card 4111111111111111", []int{3}},
		{"number at the start", "4111111111111111 first", []int{2, 5}},
		{"two numbers, odd chunks", "4111111111111111 and 5555555555554444.", []int{7, 3, 11}},
		{"long run split", "ref 41111111111111111111111 end", []int{4}},
		{"long run at the end", "ref 411111111111111111111112", []int{5}},
		{"short run", "id 12345 x", []int{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := strings.ReplaceAll(c.in, "|", "")
			if got, want := writeSplit(t, in, c.sizes), MaskPANs(in); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestMaskingWriterMatchesMaskPANs checks that any split gives the same
// output as masking the whole text at once.
func TestMaskingWriterMatchesMaskPANs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	parts := []string{"4111111111111111", "5100050000006661", "375623000000006", "12", " ", "x", "\n", "1234567890123456789012", "9792140000006665", "-"}
	for range 300 {
		var sb strings.Builder
		for range r.IntN(30) {
			sb.WriteString(parts[r.IntN(len(parts))])
		}
		in := sb.String()
		sizes := []int{1 + r.IntN(9), 1 + r.IntN(30)}
		if got, want := writeSplit(t, in, sizes), MaskPANs(in); got != want {
			t.Fatalf("split %v of %q:\n got %q\nwant %q", sizes, in, got, want)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestMaskingWriterReportsErrors(t *testing.T) {
	m := NewMaskingWriter(failingWriter{})
	if _, err := m.Write([]byte("hello ")); err == nil {
		t.Error("Write: want the underlying error")
	}
	if _, err := m.Write([]byte("4111")); err != nil {
		t.Errorf("held digits need no write: %v", err)
	}
	if err := m.Flush(); err == nil {
		t.Error("Flush: want the underlying error")
	}
}
