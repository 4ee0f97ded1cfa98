package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// Merchant administration for platforms (official clients' Merchant and
// Onboarding adapters): virtual POSes with their commissions, the
// merchant's APMs, and sub-merchant creation. A PASSIVE POS takes no
// payments.
const (
	PathMerchantPoses = "/merchant/v1/merchant-poses"
	PathMerchantApms  = "/merchant/v1/merchant-apms"
	PathMerchants     = "/onboarding/v1/merchants"
)

// POS statuses.
const (
	PosStatusActive     = "ACTIVE"
	PosStatusPassive    = "PASSIVE"
	PosStatusDeleted    = "DELETED"
	PosStatusRefundOnly = "REFUND_ONLY"
	PosStatusAutopilot  = "AUTOPILOT"
)

// MerchantPosUser is a user of a POS at its bank.
type MerchantPosUser struct {
	ID               int64  `json:"id,omitempty"`
	PosUsername      string `json:"posUsername"`
	PosPassword      string `json:"posPassword,omitempty"`
	PosUserType      string `json:"posUserType"`
	PosOperationType string `json:"posOperationType"`
}

// CreateMerchantPosRequest is the body of POST /merchant/v1/merchant-poses.
type CreateMerchantPosRequest struct {
	Status                            string            `json:"status"`
	Name                              string            `json:"name"`
	ClientID                          string            `json:"clientId"`
	Currency                          string            `json:"currency"`
	PosnetID                          string            `json:"posnetId,omitempty"`
	TerminalID                        string            `json:"terminalId,omitempty"`
	ThreedsPosnetID                   string            `json:"threedsPosnetId,omitempty"`
	ThreedsTerminalID                 string            `json:"threedsTerminalId,omitempty"`
	ThreedsKey                        string            `json:"threedsKey,omitempty"`
	EnableForeignCard                 bool              `json:"enableForeignCard"`
	EnableInstallment                 bool              `json:"enableInstallment"`
	EnablePaymentWithoutCvc           bool              `json:"enablePaymentWithoutCvc"`
	EnableLoyalty                     bool              `json:"enableLoyalty"`
	NewIntegration                    bool              `json:"newIntegration"`
	OrderNumber                       int64             `json:"orderNumber"`
	PosIntegrator                     string            `json:"posIntegrator"`
	EnabledPaymentAuthenticationTypes []string          `json:"enabledPaymentAuthenticationTypes"`
	MerchantPosUsers                  []MerchantPosUser `json:"merchantPosUsers"`
}

// AutopilotState tells which of a POS's services are up.
type AutopilotState struct {
	IsThreeDsUp    bool `json:"isThreeDsUp"`
	IsNonThreeDsUp bool `json:"isNonThreeDsUp"`
}

// MerchantPosDetail is a virtual POS.
type MerchantPosDetail struct {
	ID                                int64             `json:"id"`
	Status                            string            `json:"status"`
	Name                              string            `json:"name"`
	Alias                             string            `json:"alias"`
	PosIntegrator                     string            `json:"posIntegrator"`
	Hostname                          string            `json:"hostname,omitempty"`
	ClientID                          string            `json:"clientId"`
	PosCurrencyCode                   string            `json:"posCurrencyCode,omitempty"`
	Mode                              string            `json:"mode,omitempty"`
	PosnetID                          string            `json:"posnetId,omitempty"`
	TerminalID                        string            `json:"terminalId,omitempty"`
	ThreedsPosnetID                   string            `json:"threedsPosnetId,omitempty"`
	ThreedsTerminalID                 string            `json:"threedsTerminalId,omitempty"`
	EnableForeignCard                 bool              `json:"enableForeignCard"`
	EnableInstallment                 bool              `json:"enableInstallment"`
	EnablePaymentWithoutCvc           bool              `json:"enablePaymentWithoutCvc"`
	EnableLoyalty                     bool              `json:"enableLoyalty"`
	NewIntegration                    bool              `json:"newIntegration"`
	OrderNumber                       int64             `json:"orderNumber"`
	AutopilotState                    AutopilotState    `json:"autopilotState"`
	Currency                          string            `json:"currency"`
	BankID                            int64             `json:"bankId,omitempty"`
	BankName                          string            `json:"bankName,omitempty"`
	IsPf                              bool              `json:"isPf"`
	MerchantPosUsers                  []MerchantPosUser `json:"merchantPosUsers"`
	SupportedCardAssociations         []string          `json:"supportedCardAssociations"`
	EnabledPaymentAuthenticationTypes []string          `json:"enabledPaymentAuthenticationTypes"`
}

// MerchantPosList is a page of POSes.
type MerchantPosList = Paged[MerchantPosDetail]

// SearchMerchantPosRequest filters GET /merchant/v1/merchant-poses.
type SearchMerchantPosRequest struct {
	Name, Alias, Currency, BankName string
	Page, Size                      int
}

// Query is the request's query string.
func (r *SearchMerchantPosRequest) Query() url.Values {
	q := url.Values{}
	setNonZero(q, map[string]string{"name": r.Name, "alias": r.Alias, "currency": r.Currency, "bankName": r.BankName})
	setPaging(q, r.Page, r.Size)
	return q
}

// MerchantPosCommission is one commission row of a POS.
type MerchantPosCommission struct {
	ID                                  int64   `json:"id,omitempty"`
	Status                              string  `json:"status"`
	Installment                         int     `json:"installment"`
	BlockageDay                         int     `json:"blockageDay"`
	InstallmentLabel                    string  `json:"installmentLabel,omitempty"`
	CardBrandName                       string  `json:"cardBrandName,omitempty"`
	BankOnUsCreditCardCommissionRate    *Amount `json:"bankOnUsCreditCardCommissionRate,omitempty"`
	BankNotOnUsCreditCardCommissionRate *Amount `json:"bankNotOnUsCreditCardCommissionRate,omitempty"`
	BankOnUsDebitCardCommissionRate     *Amount `json:"bankOnUsDebitCardCommissionRate,omitempty"`
	BankNotOnUsDebitCardCommissionRate  *Amount `json:"bankNotOnUsDebitCardCommissionRate,omitempty"`
	BankForeignCardCommissionRate       *Amount `json:"bankForeignCardCommissionRate,omitempty"`
	MerchantCommissionRate              *Amount `json:"merchantCommissionRate,omitempty"`
}

// MerchantPosCommissions is the commissions of a POS (the request of the
// update and the answer of both calls).
type MerchantPosCommissions struct {
	Commissions []MerchantPosCommission `json:"commissions,omitempty"`
	Items       []MerchantPosCommission `json:"items,omitempty"`
}

// MerchantApm is one APM configured for the merchant.
type MerchantApm struct {
	ID                  int64    `json:"id"`
	Status              string   `json:"status"`
	Name                string   `json:"name"`
	ApmType             string   `json:"apmType"`
	Hostname            string   `json:"hostname,omitempty"`
	SupportedCurrencies []string `json:"supportedCurrencies"`
}

// CreateMerchantRequest is the body of POST /onboarding/v1/merchants.
type CreateMerchantRequest struct {
	Name               string `json:"name"`
	LegalCompanyTitle  string `json:"legalCompanyTitle"`
	Email              string `json:"email"`
	SecretWord         string `json:"secretWord,omitempty"`
	Website            string `json:"website"`
	PhoneNumber        string `json:"phoneNumber,omitempty"`
	ContactName        string `json:"contactName"`
	ContactSurname     string `json:"contactSurname"`
	ContactPhoneNumber string `json:"contactPhoneNumber"`
}

// MerchantAPICredential is one key pair of a new merchant.
type MerchantAPICredential struct {
	Name      string `json:"name"`
	APIKey    string `json:"apiKey"`
	SecretKey string `json:"secretKey"`
}

// CreateMerchantResponse is the new merchant and its API keys.
type CreateMerchantResponse struct {
	ID                     int64                   `json:"id"`
	Name                   string                  `json:"name"`
	MerchantAPICredentials []MerchantAPICredential `json:"merchantApiCredentials"`
}

// CreateMerchantPos creates a virtual POS.
func (c *Client) CreateMerchantPos(ctx context.Context, req *CreateMerchantPosRequest) (*MerchantPosDetail, error) {
	return post[MerchantPosDetail](ctx, c, PathMerchantPoses, req)
}

// RetrieveMerchantPos fetches a POS.
func (c *Client) RetrieveMerchantPos(ctx context.Context, id int64) (*MerchantPosDetail, error) {
	return get[MerchantPosDetail](ctx, c, idPath(PathMerchantPoses, id), nil)
}

// SearchMerchantPoses lists POSes.
func (c *Client) SearchMerchantPoses(ctx context.Context, req *SearchMerchantPosRequest) (*MerchantPosList, error) {
	return get[MerchantPosList](ctx, c, PathMerchantPoses, req.Query())
}

// UpdateMerchantPosStatus sets a POS's status.
func (c *Client) UpdateMerchantPosStatus(ctx context.Context, id int64, status string) error {
	path, err := segmentPath(idPath(PathMerchantPoses, id)+"/status", status, "", "status")
	if err != nil {
		return err
	}
	return c.Do(ctx, http.MethodPut, path, nil, nil, nil)
}

// DeleteMerchantPos deletes a POS.
func (c *Client) DeleteMerchantPos(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(PathMerchantPoses, id), nil, nil, nil)
}

// RetrieveMerchantPosCommissions reads a POS's commissions.
func (c *Client) RetrieveMerchantPosCommissions(ctx context.Context, id int64) (*MerchantPosCommissions, error) {
	return get[MerchantPosCommissions](ctx, c, idPath(PathMerchantPoses, id)+"/commissions", nil)
}

// UpdateMerchantPosCommissions replaces a POS's commissions.
func (c *Client) UpdateMerchantPosCommissions(ctx context.Context, id int64, rows []MerchantPosCommission) (*MerchantPosCommissions, error) {
	return post[MerchantPosCommissions](ctx, c, idPath(PathMerchantPoses, id)+"/commissions", &MerchantPosCommissions{Commissions: rows})
}

// RetrieveMerchantApms lists the merchant's APMs.
func (c *Client) RetrieveMerchantApms(ctx context.Context) ([]MerchantApm, error) {
	return doItems[MerchantApm](ctx, c, http.MethodGet, PathMerchantApms, nil, nil)
}

// CreateMerchant creates a merchant (platforms).
func (c *Client) CreateMerchant(ctx context.Context, req *CreateMerchantRequest) (*CreateMerchantResponse, error) {
	return post[CreateMerchantResponse](ctx, c, PathMerchants, req)
}
