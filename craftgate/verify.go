package craftgate

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Errors returned by the verifiers. Use errors.Is.
var (
	ErrHashMissing      = errors.New("craftgate: callback carries no hash")
	ErrHashMismatch     = errors.New("craftgate: callback hash does not match")
	ErrSignatureMissing = errors.New("craftgate: webhook carries no x-cg-signature-v1")
	ErrSignatureInvalid = errors.New("craftgate: webhook signature does not match")
	// ErrHashParamsIncomplete: a version 2 callback's hash verifies, but
	// its hashParams leaves unsigned a field the merchant acts on (status,
	// paymentStatus, paymentId, conversationId, completeStatus, mdStatus,
	// additionalAction), so the hash proves nothing about that field.
	ErrHashParamsIncomplete = errors.New("craftgate: callback hashParams leaves a field the merchant acts on unsigned")
)

// callbackActedOn are the callback fields a merchant decides on: the
// payment's outcome (status for 3-D Secure, paymentStatus for BNPL), which
// payment and order it is (paymentId, conversationId), whether it still
// needs completing (completeStatus), the bank's verdict (mdStatus, 3-D
// Secure) and what to do next (additionalAction, BNPL). A version 2 hash
// covers only the fields hashParams names and joins their values without
// a separator, so a forger can move a genuine callback's signed values
// into one junk field named alone in hashParams and add any status he
// likes: VerifyCallback therefore accepts a version 2 callback only when
// hashParams names each of these fields the form carries, and names status
// or paymentStatus.
var callbackActedOn = [...]string{"status", "paymentStatus", "paymentId", "conversationId", "completeStatus", "mdStatus", "additionalAction"}

// callbackV1Fields are the seven parts of the v1 callback hash, in order.
var callbackV1Fields = [...]string{"status", "completeStatus", "paymentId", "conversationData", "conversationId", "callbackStatus"}

// CallbackHashV1 computes the 3-D Secure callback hash, version 1:
//
//	hex( SHA-256( key###status###completeStatus###paymentId###conversationData###conversationId###callbackStatus ) )
//
// Absent fields count as empty strings (docs/reference/craftgate/flows.md 2.2, vectors H1-H6). The
// APM callback uses the same formula (docs/reference/craftgate/vectors.md "APM callback hash": the
// docs' 5-field prose does not reproduce their own example; this does).
func CallbackHashV1(callbackKey string, form url.Values) string {
	return callbackHash(callbackKey, "###", form, callbackV1Fields[:])
}

// CallbackHashV2 computes the version 2 (hashParams) callback hash: the
// values of the fields named in form's hashParams (':'-separated), joined
// with no separator, absent ones empty, prefixed with the key, SHA-256,
// lowercase hex (docs/reference/craftgate/flows.md 2.3, vectors V1-V3). BNPL callbacks use it too.
func CallbackHashV2(callbackKey string, form url.Values) string {
	var fields []string
	for _, name := range strings.Split(form.Get("hashParams"), ":") {
		if name != "" {
			fields = append(fields, name)
		}
	}
	return callbackHash(callbackKey, "", form, fields)
}

// callbackHash is the formula of both callback hash versions: the
// lowercase hex SHA-256 of the key followed by the form's value of each
// field (absent ones empty), each value after sep.
func callbackHash(callbackKey, sep string, form url.Values, fields []string) string {
	var b strings.Builder
	b.WriteString(callbackKey)
	for _, f := range fields {
		b.WriteString(sep)
		b.WriteString(form.Get(f))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// CallbackHash returns the hash a callback form should carry: v2 when the
// form names hashParams, v1 otherwise.
func CallbackHash(callbackKey string, form url.Values) string {
	if form.Get("hashParams") != "" {
		return CallbackHashV2(callbackKey, form)
	}
	return CallbackHashV1(callbackKey, form)
}

// VerifyCallback checks the hash of a 3-D Secure (or APM/BNPL) callback
// form posted to the merchant's callbackUrl, choosing v1 or v2 by the
// presence of hashParams. The comparison is constant-time and
// case-insensitive on the hex digits. A version 2 callback whose hash
// verifies is still refused with ErrHashParamsIncomplete (wrapped, naming
// the field) when its hashParams leaves a field of callbackActedOn that
// the form carries unsigned, or names neither status nor paymentStatus.
func VerifyCallback(callbackKey string, form url.Values) error {
	got := strings.ToLower(form.Get("hash"))
	if got == "" {
		return ErrHashMissing
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(CallbackHash(callbackKey, form))) != 1 {
		return ErrHashMismatch
	}
	if hp := form.Get("hashParams"); hp != "" {
		return hashParamsCover(hp, form)
	}
	return nil
}

// hashParamsCover checks that hashParams names every field of
// callbackActedOn present in form, and a status field.
func hashParamsCover(hashParams string, form url.Values) error {
	named := make(map[string]bool)
	for _, n := range strings.Split(hashParams, ":") {
		named[n] = true
	}
	for _, f := range callbackActedOn {
		if _, present := form[f]; present && !named[f] {
			return fmt.Errorf("%w: %s is not in hashParams", ErrHashParamsIncomplete, f)
		}
	}
	if !named["status"] && !named["paymentStatus"] {
		return fmt.Errorf("%w: hashParams names neither status nor paymentStatus", ErrHashParamsIncomplete)
	}
	return nil
}

// WebhookSignature computes x-cg-signature-v1:
//
//	base64( HMAC-SHA256( webhookKey, eventType + eventTimestamp + status + payloadId ) )
//
// (docs/reference/craftgate/flows.md 9.1, vectors W1-W5).
func WebhookSignature(webhookKey, eventType string, eventTimestamp int64, status, payloadID string) string {
	m := hmac.New(sha256.New, []byte(webhookKey))
	m.Write([]byte(eventType))
	m.Write(strconv.AppendInt(nil, eventTimestamp, 10))
	m.Write([]byte(status))
	m.Write([]byte(payloadID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// WebhookEvent is the JSON body Craftgate posts to the merchant webhook URL.
type WebhookEvent struct {
	EventType      string          `json:"eventType"`
	EventTime      string          `json:"eventTime"`
	EventTimestamp int64           `json:"eventTimestamp"`
	Status         string          `json:"status"`
	PayloadID      string          `json:"payloadId"`
	Payload        json.RawMessage `json:"payload,omitempty"`
}

// Sign returns the event's x-cg-signature-v1 under webhookKey.
func (e *WebhookEvent) Sign(webhookKey string) string {
	return WebhookSignature(webhookKey, e.EventType, e.EventTimestamp, e.Status, e.PayloadID)
}

// WebhookSignatureHeader is the header that carries the webhook signature.
const WebhookSignatureHeader = "x-cg-signature-v1"

// VerifyWebhook decodes a webhook body and checks its signature header in
// constant time. It returns the event only when the signature is valid.
func VerifyWebhook(webhookKey string, body []byte, signature string) (*WebhookEvent, error) {
	if signature == "" {
		return nil, ErrSignatureMissing
	}
	var e WebhookEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("craftgate: webhook body: %w", err)
	}
	if !hmac.Equal([]byte(signature), []byte(e.Sign(webhookKey))) {
		return nil, ErrSignatureInvalid
	}
	return &e, nil
}
