package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// securityCard is the card of the security steps' payments; the card does
// not matter to them, only the signature does.
const securityCard = "a successful credit card"

func securityDefinitions() []Definition {
	return []Definition{
		{`^the merchant sends a payment with its (body|URL|random key) changed after signing$`,
			step1((*World).sendTampered)},
		{`^the merchant sends a payment signed with a wrong secret key$`,
			step0(func(w *World, ctx context.Context) error {
				return w.sendSignedWith(ctx, w.target.APIKey, w.target.SecretKey+"-not-the-secret")
			})},
		{`^the merchant sends a payment with an unknown API key$`,
			step0(func(w *World, ctx context.Context) error {
				return w.sendSignedWith(ctx, newConversationID()+"-unknown-api-key", w.target.SecretKey)
			})},
		{`^the merchant sends a payment without a signature$`,
			step0(func(w *World, ctx context.Context) error { return w.sendTampered(ctx, "signature") })},
		{`^the merchant retrieves the payment with a percent-encoded query, signing the (decoded|raw) URL$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.retrieveSigned(ctx, a0 == "raw") })},
		{`^the request is refused as unauthenticated$`, step0((*World).refusedUnauthenticated)},
		{`^no payment was recorded for the request$`,
			step0(func(w *World, ctx context.Context) error { return w.recorded(ctx, false) })},
		{`^the payment was recorded for the request$`,
			step0(func(w *World, ctx context.Context) error { return w.recorded(ctx, true) })},
	}
}

// newSecurityPayment prepares the payment the security steps send.
func (w *World) newSecurityPayment() (*craftgate.CreatePaymentRequest, error) {
	card, req, err := w.cardPayment(securityCard)
	if err != nil {
		return nil, err
	}
	w.startPayment(card, req)
	return req, nil
}

// sendPayment signs the payment with c, lets tamper change the signed
// request, sends it and records the answer.
func (w *World) sendPayment(ctx context.Context, c *craftgate.Client, body *craftgate.CreatePaymentRequest, tamper func(*http.Request) error) error {
	req, err := c.NewRequest(ctx, http.MethodPost, craftgate.PathCardPayments, nil, body)
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	if tamper != nil {
		if err := tamper(req); err != nil {
			return err
		}
	}
	var p craftgate.Payment
	err = w.send(req, &p)
	if err != nil && craftgate.AsError(err) == nil {
		return err
	}
	return w.paid(w.card, &p, err)
}

// sendTampered sends a correctly signed payment changed after signing in
// one part: "body", "URL", "random key", or "signature" (removed).
func (w *World) sendTampered(ctx context.Context, part string) error {
	body, err := w.newSecurityPayment()
	if err != nil {
		return err
	}
	tamper := func(req *http.Request) error {
		switch part {
		case "body":
			// The classic attack: pay 1.00 instead of the basket's price.
			cheaper := *body
			one := craftgate.MustAmount("1.00")
			cheaper.Price, cheaper.PaidPrice = one, one
			cheaper.Items = []craftgate.PaymentItem{{Name: "Item 1", ExternalID: "item-1", Price: one}}
			b, err := json.Marshal(&cheaper)
			if err != nil {
				return fmt.Errorf("steps: encode tampered body: %w", err)
			}
			setBody(req, b)
		case "URL":
			req.URL.RawQuery = "conversationId=" + url.QueryEscape(body.ConversationID)
		case "random key":
			req.Header.Set("X-Rnd-Key", newConversationID())
		case "signature":
			req.Header.Del("X-Signature")
		default:
			return fmt.Errorf("steps: unknown request part %q", part)
		}
		return nil
	}
	return w.sendPayment(ctx, w.client, body, tamper)
}

// sendSignedWith sends a payment signed with other keys.
func (w *World) sendSignedWith(ctx context.Context, apiKey, secretKey string) error {
	body, err := w.newSecurityPayment()
	if err != nil {
		return err
	}
	c, err := w.clientWith(apiKey, secretKey)
	if err != nil {
		return err
	}
	return w.sendPayment(ctx, c, body, nil)
}

// setBody replaces a request's body.
func setBody(req *http.Request, b []byte) {
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.ContentLength = int64(len(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// retrieveSigned retrieves the payment with a query whose percent-encoded
// and decoded forms differ, signed over the decoded URL (what gatecheck's
// client and five of the six official clients do) or over the raw URL (what
// the official Go client does).
func (w *World) retrieveSigned(ctx context.Context, raw bool) error {
	if w.paymentID == 0 {
		return fmt.Errorf("steps: no payment to retrieve: pay first")
	}
	q := url.Values{"conversationId": {"gatecheck signature check"}}
	req, err := w.client.NewRequest(ctx, http.MethodGet, craftgate.PathCardPayments+"/"+strconv.FormatInt(w.paymentID, 10), q, nil)
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	rawURL := req.URL.String()
	if !strings.Contains(rawURL, "%20") || craftgate.SignableURL(rawURL) == rawURL {
		return fmt.Errorf("steps: the URL %q has no percent-encoding to tell the signing forms apart", rawURL)
	}
	if raw {
		req.Header.Set("X-Signature", craftgate.Signature(rawURL, w.target.APIKey, w.target.SecretKey, req.Header.Get("X-Rnd-Key"), nil))
	}
	var p craftgate.Payment
	w.err = w.send(req, &p)
	w.retrieved = nil
	if w.err == nil {
		w.retrieved = &p
	} else if craftgate.AsError(w.err) == nil {
		return w.err
	}
	return nil
}

func (w *World) refusedUnauthenticated(context.Context) error {
	ce := craftgate.AsError(w.err)
	if ce == nil {
		return fmt.Errorf("expected the request to be refused as unauthenticated (HTTP 401), got %s", describeErr(w.err))
	}
	var m mismatches
	m.check("HTTP status", http.StatusUnauthorized, ce.HTTPStatus)
	if env, err := w.rec.lastEnvelope(); err != nil {
		m.addf("%v", err)
	} else {
		m.check("errorGroup", "", env.ErrorGroup)
	}
	if w.target.SecretKey != "" && bytes.Contains(w.rec.body, []byte(w.target.SecretKey)) {
		m.addf("the answer contains the merchant's secret key")
	}
	if err := m.err("refusal"); err != nil {
		return err
	}
	w.note(EvidenceSignature, "request with a bad x-signature refused (HTTP 401)", "")
	return nil
}

// recorded checks, in the mock's list of payments, whether the last
// payment request was stored: exactly once as the payment under test, or
// not at all.
func (w *World) recorded(ctx context.Context, want bool) error {
	if w.request == nil {
		return fmt.Errorf("steps: no request was sent")
	}
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	conv := w.request.ConversationID
	if err := w.client.Do(ctx, http.MethodGet, pathMockPaymentsList, url.Values{"conversationId": {conv}}, nil, &page); err != nil {
		return fmt.Errorf("steps: listing the mock's payments (a gatecheck mock facility: tag the scenario @mock): %w", err)
	}
	switch {
	case !want && len(page.Items) != 0:
		return fmt.Errorf("expected no payment for conversationId %q, got %d (first id %d)", conv, len(page.Items), page.Items[0].ID)
	case want && (len(page.Items) != 1 || page.Items[0].ID != w.paymentID):
		ids := make([]int64, len(page.Items))
		for i, it := range page.Items {
			ids[i] = it.ID
		}
		return fmt.Errorf("expected payment %d for conversationId %q, got %v", w.paymentID, conv, ids)
	}
	return nil
}
