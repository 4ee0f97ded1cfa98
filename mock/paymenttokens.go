package mock

import (
	"net/http"
	"net/url"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Apple Pay merchant sessions and payment tokens (official clients).
//
//	POST   /payment/v1/apple-pay/merchant-sessions  Apple's merchant session (opaque)
//	POST   /payment/v1/payment-tokens               {value, issuer} -> {token, issuer}
//	DELETE /payment/v1/payment-tokens/{token}       empty answer
//
// MOCK DECISION: the merchant session is built by the mock, not fetched
// from Apple: Apple's documented fields (epochTimestamp, expiresAt one hour
// later, merchantSessionIdentifier, nonce, merchantIdentifier, domainName
// = initiativeContext, displayName, signature), with random identifiers;
// validationUrl must be an https URL. A payment token is a random UUID
// kept until deleted (a second delete is 404).

// applePaySession serves POST /payment/v1/apple-pay/merchant-sessions.
func (m *Mock) applePaySession(c *call, req craftgate.ApplePayMerchantSessionRequest) error {
	if e := requireAll("merchantIdentifier", req.MerchantIdentifier, "displayName", req.DisplayName,
		"initiative", req.Initiative, "initiativeContext", req.InitiativeContext, "validationUrl", req.ValidationURL); e != nil {
		return e
	}
	if u, err := url.Parse(req.ValidationURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return errValidation(CodeInvalidCallbackURL, "validationUrl must be Apple's https validation URL")
	}
	now := m.Now()
	c.sendData(http.StatusOK, map[string]any{"epochTimestamp": now.UnixMilli(), "expiresAt": now.Add(3600e9).UnixMilli(),
		"merchantSessionIdentifier": "SSH" + randomToken(), "nonce": randomToken()[:8], "merchantIdentifier": req.MerchantIdentifier,
		"domainName": req.InitiativeContext, "displayName": req.DisplayName, "signature": randomToken() + randomToken()})
	return nil
}

// createPaymentToken serves POST /payment/v1/payment-tokens.
func (m *Mock) createPaymentToken(c *call, req craftgate.PaymentToken) error {
	if req.Value == "" {
		return errRequired("value")
	}
	if req.Issuer == "" {
		return errRequired("issuer")
	}
	tok := newUUID()
	m.pm.tokens.add(tok, req.Issuer)
	c.sendData(http.StatusOK, craftgate.PaymentToken{Token: tok, Issuer: req.Issuer})
	return nil
}

// deletePaymentToken serves DELETE /payment/v1/payment-tokens/{token}.
func (m *Mock) deletePaymentToken(c *call) error {
	if _, ok := m.pm.tokens.take(c.idText); !ok {
		return errMethodNotFound("payment token", c.idText)
	}
	c.send(http.StatusOK)
	return nil
}
