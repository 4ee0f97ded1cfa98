package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// oversizedBody is how large the oversized request is: just above the
// provider's 1 MiB limit.
const oversizedBody = 1<<20 + 1024

// pathNoSuchEndpoint is a route no provider has.
const pathNoSuchEndpoint = "/payment/v1/gatecheck-no-such-endpoint"

func robustnessDefinitions() []Definition {
	return []Definition{
		{`^the merchant sends a signed payment whose body is not valid JSON$`,
			step0(func(w *World, ctx context.Context) error {
				return w.sendRaw(ctx, http.MethodPost, craftgate.PathCardPayments, []byte(`{"price": 100.00, "items": [`), "")
			})},
		{`^the merchant sends a signed payment with content type "([^"]+)"$`,
			step1((*World).sendAs)},
		{`^the merchant sends a signed payment body larger than 1 MiB$`, step0((*World).sendOversized)},
		{`^the merchant calls an endpoint that does not exist$`,
			step0(func(w *World, ctx context.Context) error {
				return w.sendRaw(ctx, http.MethodGet, pathNoSuchEndpoint, nil, "")
			})},
		{`^the merchant calls the payment endpoint with method "([A-Z]+)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.sendRaw(ctx, a0, craftgate.PathCardPayments, nil, "")
			})},
		{`^the request is rejected with HTTP status (\d{3}) in the error envelope$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.rejectedWithStatus(a0) })},
		{`^the provider still takes a payment$`, step0((*World).stillTakesPayment)},
	}
}

// sendRaw sends a correctly signed request with the given body and, when
// not empty, content type.
func (w *World) sendRaw(ctx context.Context, method, path string, body []byte, contentType string) error {
	req, err := w.client.NewRawRequest(ctx, method, path, nil, body)
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w.err = w.send(req, nil)
	if w.err != nil && craftgate.AsError(w.err) == nil {
		return w.err
	}
	return nil
}

// sendAs sends a valid payment with another content type.
func (w *World) sendAs(ctx context.Context, contentType string) error {
	body, err := w.robustnessPayment()
	if err != nil {
		return err
	}
	return w.sendRaw(ctx, http.MethodPost, craftgate.PathCardPayments, body, contentType)
}

// sendOversized sends a valid payment padded beyond the size limit.
func (w *World) sendOversized(ctx context.Context) error {
	body, err := w.robustnessPayment()
	if err != nil {
		return err
	}
	pad := `,"gatecheckPadding":"` + strings.Repeat("x", oversizedBody) + `"}`
	body = append(body[:len(body)-1], pad...)
	return w.sendRaw(ctx, http.MethodPost, craftgate.PathCardPayments, body, "")
}

// robustnessPayment is a valid payment body the robustness steps spoil.
func (w *World) robustnessPayment() ([]byte, error) {
	if w.currency == "" {
		if err := w.basket("10.00", craftgate.CurrencyTRY, "10.00"); err != nil {
			return nil, err
		}
	}
	card, req, err := w.cardPayment(securityCard)
	if err != nil {
		return nil, err
	}
	w.startPayment(card, req)
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("steps: encode payment: %w", err)
	}
	return b, nil
}

func (w *World) rejectedWithStatus(status string) error {
	ce := craftgate.AsError(w.err)
	if ce == nil {
		return fmt.Errorf("expected the request to be rejected with HTTP %s, got %s", status, describeErr(w.err))
	}
	var m mismatches
	m.check("HTTP status", status, fmt.Sprint(ce.HTTPStatus))
	if _, err := w.rec.lastEnvelope(); err != nil {
		m.addf("%v", err)
	}
	return m.err("rejection")
}

// stillTakesPayment checks that the provider still works: a small payment
// with a successful credit card succeeds.
func (w *World) stillTakesPayment(ctx context.Context) error {
	if err := w.basket("10.00", craftgate.CurrencyTRY, "10.00"); err != nil {
		return err
	}
	w.cvc, w.expMonth, w.expYear, w.installment = nil, "", "", 1
	if err := w.pay(ctx, securityCard); err != nil {
		return err
	}
	return w.paymentSucceeds(ctx)
}
