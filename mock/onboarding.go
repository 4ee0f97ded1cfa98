package mock

import (
	"net/http"
	"net/mail"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// POST /onboarding/v1/merchants: a platform creates a merchant (the
// official clients' Onboarding adapter) and gets its API keys.
//
// MOCK DECISION: name and a valid email are required (the clients always
// send every field, the docs describe none); the new merchant's keys are
// random and the mock, which serves one merchant, does not accept them.

// createMerchant serves POST /onboarding/v1/merchants.
func (m *Mock) createMerchant(c *call, req craftgate.CreateMerchantRequest) error {
	if strings.TrimSpace(req.Name) == "" {
		return errRequired("name")
	}
	if req.Email == "" {
		return errRequired("email")
	}
	if _, err := mail.ParseAddress(req.Email); err != nil {
		return errValidation(CodeInvalidMember, "email is not an email address")
	}
	m.pm.poses.mu.Lock()
	m.pm.poses.merchants++
	id := 100_000 + m.pm.poses.merchants // MOCK DECISION: merchant ids from 100001
	m.pm.poses.mu.Unlock()
	c.sendData(http.StatusOK, craftgate.CreateMerchantResponse{ID: id, Name: req.Name,
		MerchantAPICredentials: []craftgate.MerchantAPICredential{{Name: "default", APIKey: "api-" + randomToken(), SecretKey: "secret-" + randomToken()}}})
	return nil
}
