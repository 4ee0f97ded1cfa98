package craftgate

import (
	"encoding/json"
	"testing"
)

// TestOfferIDBothForms checks offerId decodes from the docs' number and
// the clients' string (docs/reference/alfabank/bnpl.md section 8 item 9).
func TestOfferIDBothForms(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{`{"offerId":12345}`, "12345", true},
		{`{"offerId":"abc-1"}`, "abc-1", true},
		{`{"offerId":true}`, "", false},
		{`{"offerId":{}}`, "", false},
	}
	for _, tt := range tests {
		var r BnplOffersResponse
		err := json.Unmarshal([]byte(tt.in), &r)
		if (err == nil) != tt.ok || string(r.OfferID) != tt.want {
			t.Errorf("%s: got %q, %v", tt.in, r.OfferID, err)
		}
	}
}

// TestApmDecodedHTML checks the htmlContent decoding and its errors.
func TestApmDecodedHTML(t *testing.T) {
	tests := []struct {
		content, want string
		ok            bool
	}{
		{"PGI+aGk8L2I+", "<b>hi</b>", true},
		{"", "", false},
		{"not base64!", "", false},
	}
	for _, tt := range tests {
		r := InitApmPaymentResponse{PaymentID: 1, HTMLContent: tt.content}
		got, err := r.DecodedHTML()
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%q: got %q, %v", tt.content, got, err)
		}
	}
}
