package craftgate

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// Installment search and BIN inquiry (docs/reference/craftgate/endpoints.md A.6 and B.12).

// Paths of the installment endpoints.
const (
	PathInstallments = "/installment/v1/installments"
	PathBins         = "/installment/v1/bins"
)

// Card types (docs/reference/craftgate/auth-and-envelope.md section 6).
const (
	CardTypeCredit  = "CREDIT_CARD"
	CardTypeDebit   = "DEBIT_CARD"
	CardTypePrepaid = "PREPAID_CARD"
)

// SearchInstallmentsRequest is the query of GET /installment/v1/installments.
// Price and Currency are required; without BinNumber the answer lists every
// card family.
type SearchInstallmentsRequest struct {
	// BinNumber is the card's first 8 digits (6 are accepted by older
	// integrations).
	BinNumber string
	Price     Amount
	Currency  string
	// DistinctCardBrandsWithLowestCommissions asks for one item per card
	// brand (family), without bankName and bankCode.
	DistinctCardBrandsWithLowestCommissions bool
	LoyaltyExists                           bool
	// PaymentPhase is PhasePreAuth when the options are for a
	// pre-authorisation; empty otherwise.
	PaymentPhase string
}

// Query returns the request as query parameters; false booleans and empty
// strings are left out.
func (r *SearchInstallmentsRequest) Query() url.Values {
	q := url.Values{"price": {r.Price.String()}, "currency": {r.Currency}}
	setNonZero(q, map[string]string{"binNumber": r.BinNumber, "paymentPhase": r.PaymentPhase})
	if r.DistinctCardBrandsWithLowestCommissions {
		q.Set("distinctCardBrandsWithLowestCommissions", "true")
	}
	if r.LoyaltyExists {
		q.Set("loyaltyExists", "true")
	}
	return q
}

// InstallmentSearch is the answer to an installment search: a list without
// paging (docs/reference/craftgate/auth-and-envelope.md 4.2).
type InstallmentSearch struct {
	Items []Installment `json:"items"`
}

// Installment is the installment options of one card (BIN) or card family.
type Installment struct {
	BinNumber       string `json:"binNumber,omitempty"`
	Price           Amount `json:"price"`
	CardType        string `json:"cardType,omitempty"`
	CardAssociation string `json:"cardAssociation,omitempty"`
	// CardBrand is the card family, e.g. "Bonus".
	CardBrand         string             `json:"cardBrand,omitempty"`
	BankName          string             `json:"bankName,omitempty"`
	BankCode          int64              `json:"bankCode,omitempty"`
	Force3DS          bool               `json:"force3ds"`
	CVCRequired       bool               `json:"cvcRequired"`
	Commercial        bool               `json:"commercial"`
	PosAlias          string             `json:"posAlias,omitempty"`
	InstallmentPrices []InstallmentPrice `json:"installmentPrices"`
}

// InstallmentPrice is one installment option: pay TotalPrice (as the
// payment's paidPrice) in InstallmentNumber installments of
// InstallmentPrice. TotalPrice above the price is the maturity difference
// (vade farkı) the merchant charges the buyer.
type InstallmentPrice struct {
	InstallmentNumber      int    `json:"installmentNumber"`
	InstallmentPrice       Amount `json:"installmentPrice"`
	TotalPrice             Amount `json:"totalPrice"`
	InstallmentLabel       string `json:"installmentLabel,omitempty"`
	BankCommissionRate     Amount `json:"bankCommissionRate"`
	MerchantCommissionRate Amount `json:"merchantCommissionRate"`
	Force3DS               bool   `json:"force3ds"`
	CVCRequired            bool   `json:"cvcRequired"`
	LoyaltySupported       bool   `json:"loyaltySupported"`
	PosAlias               string `json:"posAlias,omitempty"`
}

// Option returns the option for n installments, if offered.
func (i *Installment) Option(n int) (InstallmentPrice, bool) {
	for _, p := range i.InstallmentPrices {
		if p.InstallmentNumber == n {
			return p, true
		}
	}
	return InstallmentPrice{}, false
}

// BinNumber is the answer to a BIN inquiry.
type BinNumber struct {
	BinNumber       string `json:"binNumber"`
	CardType        string `json:"cardType,omitempty"`
	CardAssociation string `json:"cardAssociation,omitempty"`
	// CardBrand is the card family, e.g. "Bonus".
	CardBrand  string `json:"cardBrand,omitempty"`
	BankName   string `json:"bankName,omitempty"`
	BankCode   int64  `json:"bankCode,omitempty"`
	Commercial bool   `json:"commercial"`
}

// SearchInstallments returns the installment options for a card (by BIN)
// or for every card family (GET /installment/v1/installments).
func (c *Client) SearchInstallments(ctx context.Context, req *SearchInstallmentsRequest) (*InstallmentSearch, error) {
	return get[InstallmentSearch](ctx, c, PathInstallments, req.Query())
}

// RetrieveBin describes the card behind a BIN, its first 8 digits (GET
// /installment/v1/bins/{binNumber}): bank, type, association, family and
// whether it is a commercial card.
func (c *Client) RetrieveBin(ctx context.Context, bin string) (*BinNumber, error) {
	if _, err := strconv.ParseUint(bin, 10, 64); err != nil || len(bin) < 6 || len(bin) > 8 {
		return nil, fmt.Errorf("craftgate: BIN %q: want the card's first 6 to 8 digits", MaskPANs(bin))
	}
	return get[BinNumber](ctx, c, PathBins+"/"+bin, nil)
}

// BinOf returns the BIN of a card number as the API uses it: its first 8
// digits (or the whole number when shorter).
func BinOf(number string) string {
	if len(number) < 8 {
		return number
	}
	return number[:8]
}
