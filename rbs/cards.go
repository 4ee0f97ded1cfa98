package rbs

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/craftgate"
)

//go:embed testcards.json
var testCardsJSON []byte

// Action codes the mock answers (docs/reference/alfabank/rbs-gateway.md §6: 0 is approved; the
// others are values seen in third-party mappings).
const (
	// ActionNoPaymentAttempt is the actionCode of an order nobody has
	// tried to pay yet ("Не было попыток оплаты" in the gateway's action
	// code list, as integrations quote it).
	ActionNoPaymentAttempt  = -100
	ActionApproved          = 0
	ActionDeclinedByIssuer  = 5
	ActionInsufficientFunds = 116
	ActionCardLimitations   = 902
	ActionThreeDSDeclined   = 151017
	ActionTimeout           = 151018
)

// Card outcomes in the catalogue.
const (
	OutcomeSuccess = "success"
	OutcomeDecline = "decline"
)

// Card sources in the catalogue.
const (
	SourcePublished = "published" // published RBS test card
	SourceSynthetic = "synthetic" // gatecheck's own; exists only in the mock
)

// TestCard is one card of the embedded catalogue. Print it only masked.
type TestCard struct {
	Number        string `json:"number"`
	PaymentSystem string `json:"paymentSystem"`
	// Expiry is the published expiry (YYYY/MM), informational: the mock
	// accepts any expiry not in the past.
	Expiry string `json:"expiry,omitempty"`
	CVC    string `json:"cvc"`
	// ThreeDS says the payment page sends the payer to the ACS; Password
	// is what the ACS accepts there.
	ThreeDS  bool   `json:"threeDS"`
	Password string `json:"password,omitempty"`
	// ThreeDS2 makes a direct payment (paymentorder.do) of the card run
	// 3-D Secure 2 (3DS method, then a challenge) instead of 3-D Secure 1.
	ThreeDS2 bool `json:"threeDS2,omitempty"`
	// Outcome is success or decline; a decline carries ActionCode.
	Outcome               string `json:"outcome"`
	ActionCode            int    `json:"actionCode,omitempty"`
	ActionCodeDescription string `json:"actionCodeDescription,omitempty"`
	Source                string `json:"source"`
	Note                  string `json:"note,omitempty"`
	// AlfaPay puts the card into the mock's Alfa Pay wallet.
	AlfaPay bool `json:"alfaPay,omitempty"`
}

// Declines reports whether the card's payments are declined.
func (c *TestCard) Declines() bool { return c.Outcome == OutcomeDecline }

// Masked returns the number masked as gatecheck masks every PAN
// (411111******1111).
func (c *TestCard) Masked() string { return craftgate.MaskPAN(c.Number) }

// String describes the card masked.
func (c *TestCard) String() string {
	return fmt.Sprintf("%s %s (%s)", c.PaymentSystem, c.Masked(), c.Outcome)
}

// Catalogue is the read-only test-card catalogue.
type Catalogue struct {
	About string
	cards []*TestCard
	by    map[string]*TestCard
}

// TestCards returns the embedded catalogue, parsed once. It is read-only.
var TestCards = sync.OnceValue(func() *Catalogue {
	c, err := ParseCatalogue(testCardsJSON)
	if err != nil {
		panic(fmt.Sprintf("rbs: embedded testcards.json: %v", err)) // a build defect, caught by the tests
	}
	return c
})

// ParseCatalogue parses a catalogue document and checks every card: a
// Luhn-valid number, a known outcome, an action code for declines and a
// password for 3-D Secure cards.
func ParseCatalogue(doc []byte) (*Catalogue, error) {
	var raw struct {
		About string      `json:"about"`
		Cards []*TestCard `json:"cards"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("rbs: test cards: %w", err)
	}
	c := &Catalogue{About: raw.About, cards: raw.Cards, by: map[string]*TestCard{}}
	var errs []error
	for _, tc := range raw.Cards {
		switch {
		case !craftgate.LuhnValid(tc.Number):
			errs = append(errs, fmt.Errorf("card %s fails the Luhn check", craftgate.MaskPAN(tc.Number)))
		case c.by[tc.Number] != nil:
			errs = append(errs, fmt.Errorf("card %s is listed twice", tc.Masked()))
		case tc.Outcome != OutcomeSuccess && tc.Outcome != OutcomeDecline:
			errs = append(errs, fmt.Errorf("card %s: outcome %q", tc.Masked(), tc.Outcome))
		case tc.Declines() && tc.ActionCode == 0:
			errs = append(errs, fmt.Errorf("card %s declines without an actionCode", tc.Masked()))
		case tc.ThreeDS && tc.Password == "":
			errs = append(errs, fmt.Errorf("card %s needs 3-D Secure but has no password", tc.Masked()))
		case tc.Source != SourcePublished && tc.Source != SourceSynthetic:
			errs = append(errs, fmt.Errorf("card %s: source %q", tc.Masked(), tc.Source))
		}
		c.by[tc.Number] = tc
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("rbs: test cards: %w", errors.Join(errs...))
	}
	return c, nil
}

// Card returns the card with number (spaces ignored).
func (c *Catalogue) Card(number string) (*TestCard, bool) {
	tc, ok := c.by[strings.ReplaceAll(number, " ", "")]
	return tc, ok
}

// All returns every card in catalogue order.
func (c *Catalogue) All() []*TestCard { return append([]*TestCard(nil), c.cards...) }

// Filter returns the cards match accepts, in catalogue order.
func (c *Catalogue) Filter(match func(*TestCard) bool) []*TestCard {
	var out []*TestCard
	for _, tc := range c.cards {
		if match(tc) {
			out = append(out, tc)
		}
	}
	return out
}

// AlfaPayWallet returns the cards of the mock's Alfa Pay wallet.
func (c *Catalogue) AlfaPayWallet() []*TestCard {
	return c.Filter(func(tc *TestCard) bool { return tc.AlfaPay })
}

// GatewayMaskedPAN writes a PAN as the gateway's maskedPan does, first six
// and last four digits around two asterisks (411111**1111). It is
// craftgate.MaskPAN, gatecheck's one masking, with the run of asterisks
// shortened.
func GatewayMaskedPAN(pan string) string {
	m := craftgate.MaskPAN(pan)
	first := strings.IndexByte(m, '*')
	if first < 0 {
		return m
	}
	last := strings.LastIndexByte(m, '*')
	return m[:first] + "**" + m[last+1:]
}
