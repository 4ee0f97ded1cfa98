package craftgate

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestReadBody(t *testing.T) {
	long := strings.Repeat("x", 1600)
	cases := []struct {
		name   string
		body   string
		length int64
		limit  int64
		want   string
	}{
		{"known length", long, 1600, 1 << 20, long},
		{"unknown length", long, -1, 1 << 20, long},
		{"empty", "", 0, 1 << 20, ""},
		{"longer than stated", long, 10, 1 << 20, long},
		{"shorter than stated", "abc", 1600, 1 << 20, "abc"},
		{"over the limit", long, 1600, 100, long[:100]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := &http.Response{Body: io.NopCloser(strings.NewReader(c.body)), ContentLength: c.length}
			got, err := ReadBody(resp, c.limit)
			if err != nil || string(got) != c.want {
				t.Errorf("ReadBody = %d bytes, %v; want %d bytes", len(got), err, len(c.want))
			}
		})
	}
}

// TestReadBodyAllocatesOnce checks that a body of known length is read into
// one buffer, not grown (bytes.Buffer.ReadFrom wants 512 free bytes).
func TestReadBodyAllocatesOnce(t *testing.T) {
	body := []byte(strings.Repeat("x", 1600))
	r := bytes.NewReader(body)
	rc := io.NopCloser(r)
	resp := &http.Response{Body: rc, ContentLength: int64(len(body))}
	n := testing.AllocsPerRun(100, func() {
		r.Reset(body)
		if b, err := ReadBody(resp, 1<<20); err != nil || len(b) != len(body) {
			t.Fatalf("ReadBody = %d bytes, %v", len(b), err)
		}
	})
	if n > 1 {
		t.Errorf("ReadBody of a known-length body: %.0f allocations, want 1", n)
	}
}

// TestRecordedBodyIsNotCopied checks that ReadBody hands back a recorded
// body itself, and reads it normally once it was partly read.
func TestRecordedBodyIsNotCopied(t *testing.T) {
	b := []byte(`{"data":{"id":1}}`)
	got, err := ReadBody(&http.Response{Body: RecordedBody(b), ContentLength: int64(len(b))}, 1<<20)
	if err != nil || &got[0] != &b[0] || len(got) != len(b) {
		t.Errorf("ReadBody(RecordedBody) = %q, %v; want the recorded slice itself", got, err)
	}
	if _, err := ReadBody(&http.Response{Body: RecordedBody(b)}, 5); err != nil {
		t.Fatal(err)
	}
	rb := RecordedBody(b)
	var one [1]byte
	if _, err := rb.Read(one[:]); err != nil {
		t.Fatal(err)
	}
	got, err = ReadBody(&http.Response{Body: rb, ContentLength: -1}, 1<<20)
	if err != nil || string(got) != string(b[1:]) {
		t.Errorf("ReadBody of a partly read RecordedBody = %q, %v; want %q", got, err, b[1:])
	}
	if got, _ := ReadBody(&http.Response{Body: RecordedBody(b), ContentLength: -1}, 5); string(got) != string(b[:5]) {
		t.Errorf("ReadBody(RecordedBody) over the limit = %q, want %q", got, b[:5])
	}
}
