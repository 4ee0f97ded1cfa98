// Package vectors holds Craftgate's known-answer vectors for the request
// signature (x-signature), the 3-D Secure/APM/BNPL callback hashes (v1 and
// hashParams v2) and the webhook signature (x-cg-signature-v1), as one JSON
// file that every implementation in the repository is tested against: the
// Go signing functions (craftgate/) and the k6 module (k6/craftgate.js).
//
// The values are those of docs/reference/craftgate/vectors.md, which
// reproduce the examples published in Craftgate's documentation
// (https://developer.craftgate.io/) and the tests of its official clients;
// where a published example is inconsistent the vector says which form it
// follows in its name. Only tests import this package.
package vectors

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
)

//go:embed vectors.json
var raw []byte

// Request is one x-signature vector. Decoding names the URL form that was
// hashed: "none" (the URL as sent), "pct" (percent-decoded, '+' kept) or
// "plus" (form-decoded, '+' as space).
type Request struct {
	Name      string  `json:"name"`
	URL       string  `json:"url"`
	Decoding  string  `json:"decoding"`
	APIKey    string  `json:"apiKey"`
	SecretKey string  `json:"secretKey"`
	Rnd       string  `json:"rnd"`
	Body      *string `json:"body,omitempty"` // nil: a request without a body
	Want      string  `json:"want"`
}

// BodyBytes is the request body, nil when there is none.
func (r Request) BodyBytes() []byte {
	if r.Body == nil {
		return nil
	}
	return []byte(*r.Body)
}

// Callback is one callback-hash vector: the callback key, the form the
// callback posts (without its hash) and the expected lowercase hex hash.
type Callback struct {
	Name string            `json:"name"`
	Key  string            `json:"key"`
	Form map[string]string `json:"form"`
	Want string            `json:"want"`
}

// Values is the callback form as url.Values.
func (c Callback) Values() url.Values {
	v := url.Values{}
	for k, s := range c.Form {
		v.Set(k, s)
	}
	return v
}

// Webhook is one x-cg-signature-v1 vector.
type Webhook struct {
	Name           string `json:"name"`
	Key            string `json:"key"`
	EventType      string `json:"eventType"`
	EventTimestamp int64  `json:"eventTimestamp"`
	Status         string `json:"status"`
	PayloadID      string `json:"payloadId"`
	Want           string `json:"want"`
}

// Set is every vector.
type Set struct {
	Request []Request `json:"request"`
	// CallbackV1 are 3-D Secure v1 hashes; the APM callback uses the same
	// seven-field formula.
	CallbackV1 []Callback `json:"callbackV1"`
	// CallbackV2 are hashParams hashes (3-D Secure v2 and BNPL).
	CallbackV2 []Callback `json:"callbackV2"`
	Webhook    []Webhook  `json:"webhook"`
}

// Load decodes the embedded vectors.
func Load() (Set, error) {
	var s Set
	if err := json.Unmarshal(raw, &s); err != nil {
		return Set{}, fmt.Errorf("vectors: %w", err)
	}
	if len(s.Request) == 0 || len(s.CallbackV1) == 0 || len(s.CallbackV2) == 0 || len(s.Webhook) == 0 {
		return Set{}, fmt.Errorf("vectors: a group is empty")
	}
	return s, nil
}
