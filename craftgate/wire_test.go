package craftgate

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	ist := time.FixedZone("Istanbul", 3*3600)
	want := time.Date(2025, 7, 1, 13, 0, 0, 0, ist)
	for _, s := range []string{
		"2025-07-01T13:00:00",            // Craftgate's own form
		"2025-07-01T13:00:00.000",        // Java LocalDateTime
		"2025-07-01T10:00:00Z",           // JavaScript Date
		"2025-07-01T10:00:00.000000000Z", // Go time.Time
		"2025-07-01T13:00:00+03:00",
		"2025-07-01 13:00:00", // PHP, Python
	} {
		got, err := ParseDateTime(s, ist)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	if d, err := ParseDateTime("2025-07-01", ist); err != nil || !d.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, ist)) {
		t.Errorf("date only: %v %v", d, err)
	}
	for _, bad := range []string{"", "tomorrow", "2025-13-01T00:00:00", "01/07/2025"} {
		if _, err := ParseDateTime(bad, ist); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTextIDAndParams(t *testing.T) {
	var v struct {
		ID     TextID `json:"id"`
		Params Params `json:"p"`
	}
	if err := json.Unmarshal([]byte(`{"id":"42","p":{"code":123456,"ok":true,"s":"x","n":null}}`), &v); err != nil {
		t.Fatal(err)
	}
	if n, ok := v.ID.Int64(); !ok || n != 42 || v.Params["code"] != "123456" || v.Params["ok"] != "true" || v.Params["s"] != "x" {
		t.Errorf("%+v", v)
	}
	if _, has := v.Params["n"]; has {
		t.Error("a null parameter is absent")
	}
	if err := json.Unmarshal([]byte(`{"id":42}`), &v); err != nil || v.ID != "42" {
		t.Errorf("number id: %v %q", err, v.ID)
	}
	for _, bad := range []string{`{"id":4.2}`, `{"id":true}`, `{"id":{}}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if b, _ := json.Marshal(TextID("7")); string(b) != `"7"` {
		t.Errorf("written as %s, want a string", b)
	}
	if _, ok := TextID("abc").Int64(); ok {
		t.Error("abc is no payment id")
	}
}
