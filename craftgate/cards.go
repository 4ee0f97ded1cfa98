package craftgate

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
)

// The catalogue data is the project's own copy of the reference compiled
// from developer.craftgate.io (test-cards.json, error-groups.json). Nothing
// reads the reference at run time.
var (
	//go:embed testcards.json
	testCardsJSON []byte
	//go:embed errorgroups.json
	errorGroupsJSON []byte
)

// Step is a step of a payment flow at which a test card can fail
// (test-cards.json phaseValues.failsAt).
type Step string

// The steps a test card can fail at.
const (
	StepNon3DSPayment   Step = "NON_3DS_PAYMENT"
	StepThreeDSInit     Step = "THREEDS_INIT"
	StepThreeDSVerify   Step = "THREEDS_VERIFY"
	StepThreeDSComplete Step = "THREEDS_COMPLETE"
	StepPreAuth         Step = "PRE_AUTH"
	StepPostAuth        Step = "POST_AUTH"
	StepCancelRefund    Step = "CANCEL_REFUND"
)

// Steps lists every Step in flow order.
var Steps = []Step{StepNon3DSPayment, StepThreeDSInit, StepThreeDSVerify, StepThreeDSComplete, StepPreAuth, StepPostAuth, StepCancelRefund}

// Failure is what a test card does at one step.
type Failure struct {
	Step Step
	// Group is the errorGroup; empty for the mdStatus cards whose failure is
	// a validation error, not a payment error.
	Group         string
	Description   string
	DescriptionTr string
	// MdStatus is the 3DS verification result the card produces, when the
	// catalogue names one (0 or 4); -1 otherwise.
	MdStatus int
	Notes    string
}

// TestCard is one sandbox card. Successful cards carry bank data; error
// cards carry their failures, and bank data only when the catalogue lists
// the same number as successful (it never does); otherwise Association is
// derived from the number's prefix and Bank is empty.
type TestCard struct {
	Number        string
	Bank          string
	CardType      string
	CardFamily    string
	Association   string
	Commercial    bool
	Successful    bool // listed among the 339 successful cards
	MultiCurrency bool // accepted in currencies other than TRY
	Failures      []Failure
	Reward        *RewardCard
}

// RewardCard is the reward-inquiry data of a card.
type RewardCard struct {
	RewardTypes          []string
	CardRewardMoney      Amount
	MerchantRewardMoney  Amount
	ExtraInstallmentCard bool
}

// FailureAt returns the card's failure at step, if any.
func (c *TestCard) FailureAt(step Step) (Failure, bool) {
	for _, f := range c.Failures {
		if f.Step == step {
			return f, true
		}
	}
	return Failure{}, false
}

// Masked returns the card number masked first-6/last-4.
func (c *TestCard) Masked() string { return MaskPAN(c.Number) }

// ErrorGroup is one documented payment error group.
type ErrorGroup struct {
	Name  string
	Label string
	// Code is the errorCode the mock answers with. Only 10051
	// (NOT_SUFFICIENT_FUNDS) is documented; every other code is a labelled
	// placeholder from error-groups.json (CodeDocumented false).
	Code           string
	CodeDocumented bool
	Detail         string
}

// Outcome answers "what happens to this card at this step".
type Outcome struct {
	// Known is false for numbers the sandbox does not accept at all.
	Known bool
	Card  *TestCard
	// Fails is true when the card fails at the step.
	Fails   bool
	Failure Failure
	// Code is the errorCode for the failure (empty when Fails is false or
	// the failure has no group).
	Code string
}

// Catalogue is the immutable, embedded test-card catalogue.
type Catalogue struct {
	byNumber   map[string]*TestCard
	successful []*TestCard
	errorCards []*TestCard
	multi      []*TestCard
	rewards    []*TestCard
	groups     map[string]ErrorGroup
	groupNames []string
	bins       map[string]bool // first six digits of every card
}

var loadCatalogue = sync.OnceValues(func() (*Catalogue, error) {
	return ParseCatalogue(testCardsJSON, errorGroupsJSON)
})

// CatalogueVersion identifies the embedded catalogue's content (test
// cards and error groups) for a report's provenance, e.g.
// "sha256:1a2b3c4d5e6f": it changes with every change of the data.
func CatalogueVersion() string {
	h := sha256.New()
	h.Write(testCardsJSON)
	h.Write(errorGroupsJSON)
	return "sha256:" + hex.EncodeToString(h.Sum(nil)[:6])
}

// TestCards returns the embedded catalogue. It is parsed once and never
// changes, so it is safe to share.
func TestCards() *Catalogue {
	c, err := loadCatalogue()
	if err != nil {
		// The data is embedded and covered by tests; failing here means the
		// binary was built from a broken tree.
		panic(err)
	}
	return c
}

// ParseCatalogue builds a catalogue from test-cards.json and
// error-groups.json documents.
func ParseCatalogue(cardsDoc, groupsDoc []byte) (*Catalogue, error) {
	var raw struct {
		Successful []struct {
			Number, Bank, CardType, CardFamily, CardAssociation string
			Commercial                                          bool
		}
		MultiCurrency []struct{ Number, CardAssociation string }
		Errors        []struct {
			Number        string
			ErrorGroup    *string
			Description   string
			DescriptionTr string
			FailsAt       []Step
			MdStatus      *int
			Notes         string
		}
		RewardInquiry []struct {
			Number, Bank, CardFamily                             string
			RewardTypes                                          []string
			CardRewardAmountTRY, MerchantSpecificRewardAmountTRY Amount
		}
		ExtraInstallmentChoice []struct{ Number, Bank, CardFamily string }
	}
	if err := json.Unmarshal(cardsDoc, &raw); err != nil {
		return nil, fmt.Errorf("craftgate: test cards: %w", err)
	}
	var rawGroups struct {
		PaymentErrorGroups, AdditionalGroupsSeenElsewhere []struct {
			ErrorGroup, Label, Detail, MockErrorCode string
			ErrorCodeDocumented                      bool
		}
	}
	if err := json.Unmarshal(groupsDoc, &rawGroups); err != nil {
		return nil, fmt.Errorf("craftgate: error groups: %w", err)
	}
	c := &Catalogue{byNumber: map[string]*TestCard{}, groups: map[string]ErrorGroup{}}
	card := func(n string) *TestCard {
		if tc, ok := c.byNumber[n]; ok {
			return tc
		}
		tc := &TestCard{Number: n, Association: AssociationOf(n), CardType: "CREDIT_CARD"}
		c.byNumber[n] = tc
		return tc
	}
	for _, s := range raw.Successful {
		tc := card(s.Number)
		tc.Bank, tc.CardType, tc.CardFamily, tc.Association, tc.Commercial = s.Bank, s.CardType, s.CardFamily, s.CardAssociation, s.Commercial
		tc.Successful = true
		c.successful = append(c.successful, tc)
	}
	for _, m := range raw.MultiCurrency {
		tc := card(m.Number)
		tc.Association, tc.MultiCurrency = m.CardAssociation, true
		c.multi = append(c.multi, tc)
	}
	for _, e := range raw.Errors {
		tc := card(e.Number)
		if len(tc.Failures) == 0 {
			c.errorCards = append(c.errorCards, tc)
		}
		group := ""
		if e.ErrorGroup != nil {
			group = *e.ErrorGroup
		}
		md := -1
		if e.MdStatus != nil {
			md = *e.MdStatus
		}
		for _, st := range e.FailsAt {
			if _, dup := tc.FailureAt(st); dup {
				return nil, fmt.Errorf("craftgate: card %s fails twice at %s", MaskPAN(e.Number), st)
			}
			tc.Failures = append(tc.Failures, Failure{Step: st, Group: group, Description: e.Description,
				DescriptionTr: e.DescriptionTr, MdStatus: md, Notes: e.Notes})
		}
	}
	for _, r := range raw.RewardInquiry {
		tc := card(r.Number)
		tc.Reward = &RewardCard{RewardTypes: r.RewardTypes, CardRewardMoney: r.CardRewardAmountTRY, MerchantRewardMoney: r.MerchantSpecificRewardAmountTRY}
		c.rewards = append(c.rewards, tc)
	}
	for _, x := range raw.ExtraInstallmentChoice {
		tc := card(x.Number)
		if tc.Bank == "" {
			// Listed only here, with its bank and family (docs/reference/craftgate/test-cards.md
			// section 4): a Garanti Bonus credit card.
			tc.Bank, tc.CardFamily = x.Bank, x.CardFamily
		}
		if tc.Reward == nil {
			tc.Reward = &RewardCard{}
		}
		tc.Reward.ExtraInstallmentCard = true
	}
	for _, g := range append(rawGroups.PaymentErrorGroups, rawGroups.AdditionalGroupsSeenElsewhere...) {
		c.groups[g.ErrorGroup] = ErrorGroup{Name: g.ErrorGroup, Label: g.Label, Detail: g.Detail, Code: g.MockErrorCode, CodeDocumented: g.ErrorCodeDocumented}
		c.groupNames = append(c.groupNames, g.ErrorGroup)
	}
	sort.Strings(c.groupNames)
	c.bins = make(map[string]bool, len(c.byNumber))
	for n := range c.byNumber {
		if len(n) >= 6 {
			c.bins[n[:6]] = true
		}
	}
	for _, tc := range c.errorCards {
		for _, f := range tc.Failures {
			if _, ok := c.groups[f.Group]; f.Group != "" && !ok {
				return nil, fmt.Errorf("craftgate: card %s: unknown error group %s", MaskPAN(tc.Number), f.Group)
			}
		}
	}
	return c, nil
}

// Card returns the catalogue entry for a card number.
func (c *Catalogue) Card(number string) (*TestCard, bool) {
	tc, ok := c.byNumber[number]
	return tc, ok
}

// Outcome tells what the sandbox does with number at step.
func (c *Catalogue) Outcome(number string, step Step) Outcome {
	tc, ok := c.byNumber[number]
	if !ok {
		return Outcome{}
	}
	o := Outcome{Known: true, Card: tc}
	if f, fails := tc.FailureAt(step); fails {
		o.Fails, o.Failure = true, f
		if g, ok := c.groups[f.Group]; ok {
			o.Code = g.Code
		}
	}
	return o
}

// Group returns a documented error group by name.
func (c *Catalogue) Group(name string) (ErrorGroup, bool) {
	g, ok := c.groups[name]
	return g, ok
}

// GroupNames returns every error group name, sorted.
func (c *Catalogue) GroupNames() []string { return append([]string(nil), c.groupNames...) }

// Successful returns the cards that succeed in every step, in catalogue order.
func (c *Catalogue) Successful() []*TestCard { return append([]*TestCard(nil), c.successful...) }

// ErrorCards returns every card with at least one failure, in catalogue order.
func (c *Catalogue) ErrorCards() []*TestCard { return append([]*TestCard(nil), c.errorCards...) }

// FailingAt returns the cards that fail at step, in catalogue order.
func (c *Catalogue) FailingAt(step Step) []*TestCard {
	var out []*TestCard
	for _, tc := range c.errorCards {
		if _, ok := tc.FailureAt(step); ok {
			out = append(out, tc)
		}
	}
	return out
}

// All returns every card of the catalogue, each once: the successful
// cards, then the multi-currency ones, then every other card (error,
// reward and extra-installment cards), each group in catalogue order.
func (c *Catalogue) All() []*TestCard {
	out := make([]*TestCard, 0, len(c.byNumber))
	seen := make(map[*TestCard]bool, len(c.byNumber))
	add := func(tcs []*TestCard) {
		for _, tc := range tcs {
			if !seen[tc] {
				seen[tc] = true
				out = append(out, tc)
			}
		}
	}
	add(c.successful)
	add(c.multi)
	add(c.errorCards)
	add(c.rewards)
	rest := make([]*TestCard, 0, len(c.byNumber)-len(out))
	for _, tc := range c.byNumber {
		if !seen[tc] {
			rest = append(rest, tc)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Number < rest[j].Number })
	add(rest)
	return out
}

// MultiCurrency returns the cards accepted in currencies other than TRY.
func (c *Catalogue) MultiCurrency() []*TestCard { return append([]*TestCard(nil), c.multi...) }

// RewardCards returns the cards with reward-inquiry data.
func (c *Catalogue) RewardCards() []*TestCard { return append([]*TestCard(nil), c.rewards...) }

// Find returns the first successful card matching the filter, in catalogue
// order, or nil.
func (c *Catalogue) Find(match func(*TestCard) bool) *TestCard {
	for _, tc := range c.successful {
		if match(tc) {
			return tc
		}
	}
	return nil
}

// AssociationOf derives the card association from the number's prefix. It is
// used for error cards, which the catalogue lists without BIN data.
func AssociationOf(number string) string {
	p := func(n int) int {
		if len(number) < n {
			return -1
		}
		v, err := strconv.Atoi(number[:n])
		if err != nil {
			return -1
		}
		return v
	}
	switch {
	case p(4) == 9792:
		return "TROY"
	case p(2) == 34 || p(2) == 37:
		return "AMEX"
	case p(1) == 4:
		return "VISA"
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720:
		return "MASTER_CARD"
	case p(2) == 36 || p(2) == 38 || (p(3) >= 300 && p(3) <= 305):
		return "DINERS_CLUB"
	case p(2) == 35:
		return "JCB"
	case p(2) == 62:
		return "UNION_PAY"
	case p(4) == 6011 || p(2) == 65:
		return "DISCOVER"
	}
	return ""
}

// LuhnValid reports whether number is made of 12 to 19 digits with a valid
// Luhn check digit.
func LuhnValid(number string) bool {
	if len(number) < 12 || len(number) > 19 {
		return false
	}
	sum, double := 0, false
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// HasBIN reports whether a catalogue card begins with the six digits bin.
func (c *Catalogue) HasBIN(bin string) bool { return c.bins[bin] }
