package reports

// The Craftgate integration checklist (developer portal "Entegrasyon
// Kontrol Listesi"; reference docs/reference/craftgate/flows.md §15), as data: 20 items for the
// development and go-live phase and 3 for after go-live, in the portal's
// order and with its wording translated as the reference has it.

// Phase is the checklist section an item belongs to.
type Phase string

// Checklist phases.
const (
	PhaseGoLive     Phase = "go-live"
	PhasePostGoLive Phase = "post-go-live"
)

// Rule selects the scenarios that are evidence for one requirement of an
// item: a tag filter in behat syntax ("&&" and, "," or, "~" not; see
// load.MatchTags) and, optionally, a regular expression the scenario name
// must match.
type Rule struct {
	// Label says in words what the rule demands, e.g. "declined payment".
	Label string `json:"label"`
	// Tags is the tag filter; empty matches every scenario.
	Tags string `json:"tags,omitempty"`
	// Name, when set, is a regular expression (RE2) the scenario name must
	// also match.
	Name string `json:"name,omitempty"`
	// NotName, when set, is a regular expression the scenario name must not
	// match: it keeps, say, a tampered-hash scenario out of the evidence
	// for successful 3-D Secure payments.
	NotName string `json:"notName,omitempty"`
	// Optional rules count as evidence and can fail their item, but an item
	// is not "not covered" for want of them. They cover facts that only the
	// mock can show (scenarios tagged @mock are left out against other
	// targets).
	Optional bool `json:"optional,omitempty"`
}

// Item is one checklist item.
type Item struct {
	// ID is "G1".."G20" for go-live items and "P1".."P3" for post-go-live
	// items.
	ID    string
	Phase Phase
	// Title is the checklist question; Guidance is the rest of the
	// official text.
	Title    string
	Guidance string
	// Checks says what gatecheck checks for the item; empty for items only a
	// person can confirm.
	Checks string
	// Rules decide the item's status: it passes when every non-optional
	// rule has at least one passed scenario and no scenario matching any
	// rule failed. An item without rules is MANUAL.
	Rules []Rule
	// Related rules select supporting evidence shown with a MANUAL item;
	// they never change its status.
	Related []Rule
	// MustPass items block the GO verdict when they fail or are not
	// covered.
	MustPass bool
	// MustPassIf, when set, is a tag filter: the item is must-pass only
	// when the run holds at least one scenario matching it (for example
	// 3-D Secure items once the suite has @3ds scenarios). Until then it is
	// reported but does not block.
	MustPassIf string
	// Manual is what only a person can confirm (panel settings, bank
	// permissions, the merchant's own code).
	Manual string
	// SandboxOnly items are about the provider's own answers (its test
	// cards, its banks' POS rules): a run on gatecheck's mock rehearses
	// them (REHEARSED) but never proves them (PASS).
	SandboxOnly bool
	// Probe, when set, is the probe endpoint (probe.EndpointCallback or
	// probe.EndpointWebhook) whose results alone decide the item: it is
	// about the merchant's own endpoint, which only the probe exercises.
	// The scenarios of Related are shown as supporting evidence.
	Probe string
	// HowTo says in one line how to cover the item when it is not
	// covered.
	HowTo string
}

// Automatable reports whether gatecheck can decide the item, from
// scenarios or from the probe of the merchant's endpoints.
func (it *Item) Automatable() bool { return len(it.Rules) > 0 || it.Probe != "" }

// Filters that recur in the checklist.
const (
	tagsPaymentOK  = "@non3ds,@3ds,@checkout && ~@error-card && ~@validation"
	tagsNon3DSOK   = "@non3ds && ~@error-card"
	tags3DSOK      = "@3ds && ~@error-card"
	tagsRefundOK   = "@refund,@cancel && ~@error-card"
	tagsRefundDecl = "@error-card && @refund,@cancel"
	// forgedNames are the names of scenarios that send forged or tampered
	// calls on purpose; they are evidence for the signature items only.
	forgedNames = `(?i)tamper|forged|unsigned|replay|wrong (key|hash|signature)|invalid (hash|signature)`
)

// Checklist returns the 23 checklist items, fresh on each call: the caller
// may change what it gets.
func Checklist() []Item {
	return []Item{
		{
			ID: "G1", Phase: PhaseGoLive,
			Title:    "Integrating over the API?",
			Guidance: "Use the official open-source client libraries.",
			Related:  []Rule{{Label: "requests signed as the official clients sign them", Tags: "@signature"}},
			Manual:   "Confirm that your integration uses an official Craftgate client library. gatecheck signs its own requests the way the official clients do (both URL forms), which shows the signing scheme, not your code.",
		},
		{
			ID: "G2", Phase: PhaseGoLive,
			Title:    "Did you run payments in the sandbox with the test cards?",
			Guidance: "Test all flows (payment, cancel, refund; successes and failures).",
			Checks:   "Successful and declined payments with the sandbox test cards, same-day cancels, refunds, and refunds the bank declines, each with the documented answer; and, where the suite has them, the other payment flows (alternative methods, shopping loans, pay-by-link, wallet, marketplace).",
			Rules: []Rule{
				{Label: "successful payment", Tags: tagsPaymentOK, NotName: forgedNames},
				{Label: "declined payment (error card)", Tags: "@error-card && ~@refund && ~@cancel"},
				{Label: "cancel", Tags: "@cancel && ~@error-card"},
				{Label: "refund", Tags: "@refund && ~@error-card"},
				{Label: "cancel or refund declined by the bank", Tags: tagsRefundDecl},
				// The flows beyond card payments: evidence when the suite has
				// them, never "not covered" for a merchant who does not use them.
				{Label: "alternative payment method (APM)", Tags: "@apm", Optional: true},
				{Label: "shopping loan (BNPL)", Tags: "@bnpl", Optional: true},
				{Label: "pay-by-link / QR", Tags: "@paybylink", Optional: true},
				{Label: "wallet payment or top-up", Tags: "@wallet", Optional: true},
				{Label: "marketplace split payment", Tags: "@marketplace", Optional: true},
				{Label: "wallet method paid by card (Masterpass, BKM Express, Garanti Pay, Juzdan, POS-APM)",
					Tags: "@masterpass,@bkm-express,@garanti-pay,@juzdan,@pos-apm", Optional: true},
				{Label: "split payment paid in parts", Tags: "@multi-payment", Optional: true},
			},
			MustPass:    true,
			SandboxOnly: true,
		},
		{
			ID: "G3", Phase: PhaseGoLive,
			Title:    "Can you show error messages properly?",
			Guidance: "Catch errors with code below 10000 and show a generic message; Craftgate's payment error messages may be shown.",
			Checks:   "Payment errors carry their errorGroup (and the documented code where one is published); validation errors carry a code below 10000 and no errorGroup.",
			Rules: []Rule{
				{Label: "payment error with its errorGroup", Tags: "@error-card"},
				{Label: "validation error below 10000 without errorGroup", Tags: "@validation", Optional: true},
			},
			MustPass: true,
			Manual:   "Confirm that your checkout shows a generic message for codes below 10000 and branches on errorGroup, never on errorCode.",
		},
		{
			ID: "G4", Phase: PhaseGoLive,
			Title:    "Will you charge stored cards?",
			Guidance: "Your POSes must allow payments without CVV.",
			Checks:   "A card is stored and then charged with cardUserKey and cardToken, without a CVV.",
			Rules: []Rule{
				{Label: "payment with a stored card", Tags: "@stored-card,@stored-cards,@card-storage && ~@error-card && ~@validation"},
			},
			Manual: "Confirm with your bank that your POSes accept payments without CVV.",
		},
		{
			ID: "G5", Phase: PhaseGoLive,
			Title:    "Do your POSes have refund permission for own-bank and other-bank cards?",
			Guidance: "Refunds may need a separate bank permission; check permission and maximum limit with the bank.",
			Checks:   "Cancels and refunds succeed with the test cards, and refunds the bank refuses (no POS balance, non-refundable payment, ...) come back with their error group.",
			Rules: []Rule{
				{Label: "cancel or refund accepted", Tags: tagsRefundOK},
				{Label: "cancel or refund declined by the bank", Tags: tagsRefundDecl},
			},
			SandboxOnly: true,
			Manual:      "Refund permission for own-bank and other-bank cards and the maximum refund limit are set by the bank: confirm both with your bank.",
		},
		{
			ID: "G6", Phase: PhaseGoLive,
			Title:    "Will you accept commercial cards?",
			Guidance: "Banks restrict installments on commercial cards; Craftgate has them predefined, but if you manage installments yourself check `commercial` via BIN service and restrict as the bank instructs.",
			Checks:   "A commercial test card pays and the payment describes it as the catalogue does.",
			Rules: []Rule{
				{Label: "commercial card pays", Tags: "~@error-card && ~@validation", Name: `(?i)\bcommercial\b`},
			},
			SandboxOnly: true,
			Manual:      "If you manage installments yourself, confirm that you check `commercial` via BIN service and restrict installments as your bank instructs.",
		},
		{
			ID: "G7", Phase: PhaseGoLive,
			Title:    "Will you accept foreign cards?",
			Guidance: "Enable it on the POS; otherwise close the POS to foreign cards in the panel.",
			Checks:   "A POS closed to foreign cards answers NOT_PERMITTED_TO_FOREIGN_CARD; a multi-currency card pays in a foreign currency.",
			Rules: []Rule{
				{Label: "foreign card refused with NOT_PERMITTED_TO_FOREIGN_CARD", Tags: "@error-card", Name: `NOT_PERMITTED_TO_FOREIGN_CARD`},
				{Label: "multi-currency card pays in a foreign currency", Tags: "~@error-card && ~@validation", Name: `(?i)multi-?currency`, Optional: true},
			},
			SandboxOnly: true,
			Manual:      "Enable foreign cards on your POS, or close the POS to foreign cards in the panel.",
		},
		{
			ID: "G8", Phase: PhaseGoLive,
			Title:    "Will you accept American Express?",
			Guidance: "Detect via BIN service; AMEX CVV is 4 characters — add a CVV-length check.",
			Checks:   "An AMEX card pays with a four-digit security code; a three-digit one is rejected.",
			Rules: []Rule{
				{Label: "AMEX pays with a 4-digit CVV", Tags: "~@error-card && ~@validation", Name: `(?i)\bamex\b`},
				{Label: "AMEX with a 3-digit CVV rejected", Tags: "@validation", Name: `(?i)\bamex\b`, Optional: true},
			},
			MustPass:    true,
			SandboxOnly: true,
			Manual:      "Confirm that your checkout accepts a 4-digit CVV for AMEX cards and 3 digits for the others.",
		},
		{
			ID: "G9", Phase: PhaseGoLive,
			Title:    "Installments or single payment only?",
			Guidance: "If installments, verify installment commissions are fully entered on your POSes.",
			Checks:   "A payment in installments (for example chosen on the checkout page) succeeds; invalid installment counts are rejected.",
			Rules: []Rule{
				{Label: "payment in installments", Tags: "~@error-card && ~@validation", Name: `(?i)installment`},
				{Label: "invalid installment count rejected", Tags: "@validation", Name: `(?i)installment`, Optional: true},
			},
			Manual: "If you take installments, confirm that the installment commissions are fully entered on your POSes.",
		},
		{
			ID: "G10", Phase: PhaseGoLive,
			Title:    "Non-3DS or 3DS only?",
			Guidance: "A POS can be marked \"3DS only\" in the panel.",
			Checks:   "Both non-3DS and 3-D Secure payments succeed; cards that require 3-D Secure are refused without it.",
			Rules: []Rule{
				{Label: "non-3DS payment", Tags: tagsNon3DSOK, NotName: forgedNames},
				{Label: "3-D Secure payment", Tags: tags3DSOK, NotName: forgedNames},
				{Label: "card requiring 3DS refused without it", Tags: "@error-card", Name: `REQUIRES_3DS`, Optional: true},
			},
			MustPass:    true,
			SandboxOnly: true,
			Manual:      "If your POS must take 3-D Secure payments only, mark it \"3DS only\" in the panel.",
		},
		{
			ID: "G11", Phase: PhaseGoLive,
			Title:    "Does your POS use a 3D model other than \"3D Model\"?",
			Guidance: "3DPay is not recommended (money is captured when the user authenticates), though Craftgate's \"detect unanswered payments\" feature prevents \"paid but no order\" issues.",
			Checks:   "A 3-D Secure payment that is never completed stays pending and retrievable; the callback's completeStatus (3D Pay) is handled.",
			Rules: []Rule{
				{Label: "unfinished 3DS payment left pending / completeStatus handled", Tags: "@3ds", Name: `(?i)abandon|pending|unanswered|complete ?status|3d ?pay|waiting`},
			},
			Manual: "Confirm your POS's 3D model with Craftgate; with 3DPay, enable \"detect unanswered payments\".",
		},
		{
			ID: "G12", Phase: PhaseGoLive,
			Title:    "Do you want to send an order/policy number to the bank with each payment?",
			Guidance: "Use `externalId`; if it must appear as bank `orderId`, confirm with finance and verify on the bank screens.",
			Checks:   "A payment sent with an externalId is returned and retrieved with it.",
			Rules: []Rule{
				{Label: "externalId sent and returned", Tags: "~@validation", Name: `(?i)external ?id`},
			},
			Manual: "If the number must appear as the bank's orderId, confirm with finance and check it on the bank's screens.",
		},
		{
			ID: "G13", Phase: PhaseGoLive,
			Title:    "Do you want to choose the POS yourself?",
			Guidance: "Leaving routing to Craftgate uses autopilot-assisted routing; otherwise send `posAlias`.",
			Manual:   "Decide between Craftgate's routing and your own `posAlias`; a POS alias exists only on your real POS set-up, which gatecheck's mock does not model.",
		},
		{
			ID: "G14", Phase: PhaseGoLive,
			Title:    "Do you add maturity difference (vade farkı) on installments?",
			Guidance: "API: set it via `price` vs `paidPrice`; checkout form: configure it in POS settings.",
			Checks:   "A payment whose paidPrice exceeds its price (the maturity difference) is taken and reported with both amounts.",
			Rules: []Rule{
				{Label: "paidPrice above price (maturity difference)", Tags: "~@validation && ~@error-card", Name: `(?i)maturity|vade|paid ?price (above|higher|greater|exceeds)`},
			},
			Manual: "For the checkout form, configure the maturity difference in your POS settings.",
		},
		{
			ID: "G15", Phase: PhaseGoLive,
			Title:    "Did you implement hash verification for 3DS?",
			Guidance: "Mandatory.",
			Checks:   "gatecheck probes YOUR 3-D Secure callback URL: it must accept the genuine callbacks (hash v1 and v2) and refuse every forged one (tampered field, missing hash, wrong key).",
			Probe:    "callback",
			Related: []Rule{
				{Label: "3DS callback hash verified by gatecheck's reference merchant", Tags: tags3DSOK, NotName: forgedNames},
				{Label: "tampered 3DS callback hash detected by gatecheck's reference merchant", Tags: "@3ds", Name: forgedNames},
			},
			MustPass: true,
			HowTo:    "Run the sign-off with --merchant-callback-url URL and your callback key (--callback-key or CRAFTGATE_CALLBACK_KEY).",
			Manual:   "Confirm that your callback handler verifies the hash (and hashParams for v2) with the Merchant Callback Key and stops on a mismatch.",
		},
		{
			ID: "G16", Phase: PhaseGoLive,
			Title:    "Did you implement hash (signature) verification for webhooks?",
			Guidance: "Mandatory.",
			Checks:   "gatecheck probes YOUR webhook URL: it must accept the genuinely signed webhook and refuse every forged one (missing or wrong x-cg-signature-v1, tampered payload).",
			Probe:    "webhook",
			Related: []Rule{
				{Label: "signed webhook verified by gatecheck's reference merchant", Tags: "@webhook && ~@error-card", NotName: forgedNames},
				{Label: "forged or unsigned webhook rejected by gatecheck's reference merchant", Tags: "@webhook", Name: forgedNames},
			},
			MustPass: true,
			HowTo:    "Run the sign-off with --merchant-webhook-url URL and your webhook key (--webhook-key or CRAFTGATE_WEBHOOK_KEY).",
			Manual:   "Confirm that your webhook endpoint verifies x-cg-signature-v1 before acting.",
		},
		{
			ID: "G17", Phase: PhaseGoLive,
			Title:    "Did you enable Autopilot for your POSes?",
			Guidance: "To be resilient to bank outages.",
			Manual:   "Enable Autopilot for your POSes in the panel.",
		},
		{
			ID: "G18", Phase: PhaseGoLive,
			Title:    "Has the Craftgate team tested your POS?",
			Guidance: "Required before taking live payments.",
			Manual:   "Ask the Craftgate team to test your POS before you take live payments.",
		},
		{
			ID: "G19", Phase: PhaseGoLive,
			Title:    "Did you test in production with real cards before opening to customers?",
			Guidance: "Review error groups/messages returned by banks.",
			Manual:   "Take real-card payments in production before opening to customers and review the error groups and messages the banks return (the error-group coverage in this report lists the groups exercised in the sandbox).",
		},
		{
			ID: "G20", Phase: PhaseGoLive,
			Title:    "If you take pre-authorised payments, were your POSes tested with pre-auth?",
			Guidance: "Check the bank-side permissions in production.",
			Checks:   "A pre-authorised payment is taken and then captured by post-authorisation.",
			Rules: []Rule{
				{Label: "pre-authorisation", Tags: "@preauth,@pre-auth && ~@error-card && ~@validation"},
				{Label: "post-authorisation", Tags: "@preauth,@pre-auth,@postauth,@post-auth && ~@validation", Name: `(?i)post.?auth|captur`},
			},
			SandboxOnly: true,
			Manual:      "Check the pre-authorisation permissions on the bank side in production.",
		},
		{
			ID: "P1", Phase: PhasePostGoLive,
			Title:    "Did you check possible validation errors in the merchant panel?",
			Guidance: "Track and investigate them.",
			Related:  []Rule{{Label: "validation errors exercised", Tags: "@validation"}},
			Manual:   "Track the validation errors the merchant panel lists and investigate them.",
		},
		{
			ID: "P2", Phase: PhasePostGoLive,
			Title:    "Did you define Proactive Monitoring rules for payment success rates?",
			Guidance: "Get alerted on sudden drops.",
			Manual:   "Define Proactive Monitoring rules in the panel; the load section of this report gives a success-rate baseline.",
		},
		{
			ID: "P3", Phase: PhasePostGoLive,
			Title:    "Did you define suspicious-transaction (fraud) rules?",
			Guidance: "Protect against attacks.",
			Related:  []Rule{{Label: "fraud rule outcomes handled (block, review)", Tags: "@fraud"}},
			Manual:   "Define fraud rules for suspicious transactions in the panel. The related scenarios show that your integration handles a blocked payment (FRAUD_CHECK_BLOCK) and a payment held for review.",
		},
	}
}
