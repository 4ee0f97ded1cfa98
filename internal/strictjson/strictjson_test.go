package strictjson

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, body string
		want       error
	}{
		{"plain", `{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, nil},
		{"duplicate", `{"status":"FAILURE","status":"SUCCESS"}`, ErrDuplicate},
		{"duplicate, case folded", `{"status":"FAILURE","STATUS":"SUCCESS"}`, ErrDuplicate},
		{"duplicate, escaped", `{"status":1,"st\u0061tus":2}`, ErrDuplicate},
		{"duplicate, nested", `{"a":{"x":1,"x":2}}`, ErrDuplicate},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", ErrInvalidUTF8},
		{"lone surrogate", `{"a":"\ud800"}`, ErrSurrogate},
		{"surrogate pair", `{"a":"\ud83d\ude00"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.body))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Check = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestScanLimit(t *testing.T) {
	long := `"0123456789"`
	tests := []struct {
		name, body string
		limit      int
		wantKey    string
		want       Problem
	}{
		{"within", `{"conversationId":` + long + `}`, 10, "", OK},
		{"too long", `{"conversationId":` + long + `}`, 9, "conversationId", TooLong},
		{"names are not values", `{"0123456789":1}`, 5, "", OK},
		{"array element", `{"a":{"b":1},"items":["x",` + long + `]}`, 9, "items", TooLong},
		{"nested", `{"buyer":{"name":` + long + `}}`, 9, "name", TooLong},
		{"no limit", `{"a":` + long + `}`, 0, "", OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, p := ScanLimit([]byte(tt.body), tt.limit)
			if p != tt.want || k != tt.wantKey {
				t.Fatalf("ScanLimit = %q, %v; want %q, %v", k, p, tt.wantKey, tt.want)
			}
		})
	}
}
