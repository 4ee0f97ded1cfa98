package reports

// The go-live acceptance procedure of RetailCRM's Alfa-Bank module
// (reference alfabank/retailcrm.md §2 and §3, from seed 003): the test
// environment set-up a merchant does by hand, then two test payments (one
// successful, one failed) through a payment link, with evidence sent to
// Alfa-Bank support before it issues production credentials.

// PhaseSetup holds set-up items done once in the merchant's accounts.
const PhaseSetup Phase = "setup"

// Providers with a checklist.
const (
	ProviderCraftgate = "craftgate"
	ProviderRBS       = "rbs"
)

// ChecklistFor returns the checklist of a provider: the Craftgate
// integration checklist, or for "rbs" the RetailCRM/Alfa-Bank go-live
// procedure.
func ChecklistFor(provider string) []Item {
	if provider == ProviderRBS {
		items := RetailCRMChecklist()
		// Alfa-Bank support accepts test payments made in its own test
		// environment only: on gatecheck's mock they are a rehearsal.
		for i := range items {
			items[i].SandboxOnly = items[i].Automatable()
		}
		return items
	}
	return Checklist()
}

// RetailCRMChecklist returns the RetailCRM Alfa-Bank module's go-live
// items, fresh on each call.
func RetailCRMChecklist() []Item {
	return []Item{
		{ID: "S1", Phase: PhaseSetup, Title: "Test credentials for a new Alfa-Bank shop",
			Guidance: "Ask Alfa-Bank support for test credentials of a NEW shop for the RetailCRM module (never the website's existing shop: its callbacks would break).",
			Manual:   "Request them from Alfa-Bank support with your site address."},
		{ID: "S2", Phase: PhaseSetup, Title: "RetailCRM API key with the module's methods",
			Guidance: "Access for all shops if several are used; integration-modules, payment create-invoice/update-invoice/check and reference sites methods allowed.",
			Manual:   "Check the API key in RetailCRM > Settings > Integrations > API access keys."},
		{ID: "S3", Phase: PhaseSetup, Title: "Synchronization created in retailcrm.services (test environment)",
			Guidance: "Shop login and password, payment confirmation mode, tax system, connection type \"Тестовая среда\".",
			Manual:   "Create it in retailcrm.services > Alfa-Bank."},
		{ID: "S4", Phase: PhaseSetup, Title: "Payment type integrated with the module", Manual: "RetailCRM > Payment types: \"Integrate with\" = the module."},
		{ID: "S5", Phase: PhaseSetup, Title: "Invoice statuses mapped to payment statuses", Manual: "Map Alfa-Bank invoice statuses to RetailCRM payment statuses in the payment type."},
		{ID: "S6", Phase: PhaseSetup, Title: "Payment type allowed for the delivery types", Manual: "Tick the Alfa-Bank payment type for every delivery type that should offer it."},
		{ID: "S7", Phase: PhaseSetup, Title: "Bindings, SBP and fiscalisation enabled for the shop where it uses them",
			Guidance: "Stored cards (and payment without CVC), SBP and the fiscal data operator are permissions and settings Alfa-Bank support turns on for a shop.",
			Related:  []Rule{{Label: "bindings", Tags: "@binding"}, {Label: "SBP", Tags: "@sbp"}, {Label: "receipts", Tags: "@rbs-receipt"}},
			Manual:   "Ask Alfa-Bank support which of bindings, SBP and fiscalisation are enabled for the test and the production shop."},
		{
			ID: "E1", Phase: PhaseGoLive, Title: "Create a payment link from an order",
			Guidance: "The module registers the order at the gateway and returns a short payment link (the gateway's formUrl).",
			Checks:   "An order is registered and its payment link opens the gateway's payment page.",
			Rules:    []Rule{{Label: "payment link created and opened", Tags: "@retailcrm"}},
			MustPass: true,
		},
		{
			ID: "E2", Phase: PhaseGoLive, Title: "Two test payments: one successful, one unsuccessful",
			Guidance: "The test payment page shows test card data; pay once successfully and once with a declining card.",
			Checks:   "A successful payment ends in orderStatus 2 (deposited) with a verified callback; a failed one in orderStatus 6 (declined).",
			Rules: []Rule{
				{Label: "successful test payment", Tags: "@retailcrm", Name: `(?i)successful`},
				{Label: "failed test payment", Tags: "@retailcrm", Name: `(?i)failed`},
			},
			MustPass: true,
		},
		{
			ID: "E3", Phase: PhaseGoLive, Title: "Callback URL configured, reachable and verified",
			Guidance: "The gateway notifies the module's webhook URL; notifications carry a checksum.",
			Checks:   "Callbacks reach the merchant's receiver and their HMAC-SHA256 checksum verifies; tampered ones are rejected.",
			Rules:    []Rule{{Label: "callback checksum verified", Tags: "@rbs-callback"}},
			MustPass: true,
		},
		{
			ID: "E4", Phase: PhaseGoLive, Title: "Payments, two-phase payments, reversals and refunds behave as the gateway documents",
			Checks: "One-phase and two-phase payments, deposit, reverse before deposit and refund after it, over-refund rejected.",
			Rules: []Rule{
				{Label: "one-phase payment", Tags: "@rbs-payment"},
				{Label: "two-phase payment", Tags: "@rbs-twophase"},
				{Label: "reverse and refund", Tags: "@rbs-refund"},
				{Label: "Alfa Pay", Tags: "@alfapay", Optional: true},
			},
		},
		{
			ID: "E8", Phase: PhaseGoLive, Title: "Stored cards (bindings), where the shop uses them",
			Guidance: "A paid order registered with the customer's clientId stores the card; later orders of that customer are paid with the binding (paymentOrderBinding.do), with or without CVC; the customer can remove a stored card (unBindCard.do).",
			Checks:   "A card is stored and listed by getBindings.do, pays again with and without CVC, and a removed binding is neither listed nor able to pay.",
			Rules: []Rule{
				{Label: "card stored for the customer", Tags: "@binding", Name: `(?i)stores the card`},
				{Label: "payment with a binding and CVC", Tags: "@binding", Name: `(?i)with its CVC`},
				{Label: "payment with a binding without CVC", Tags: "@binding", Name: `(?i)without CVC`},
				{Label: "removed binding refused", Tags: "@binding", Name: `(?i)removed binding`},
			},
			MustPassIf: "@binding",
		},
		{
			ID: "E9", Phase: PhaseGoLive, Title: "SBP payments by dynamic QR code, where the shop takes them",
			Guidance: "The shop shows the QR code of sbp/c2b/qr/dynamic/get.do and follows sbp/c2b/qr/status.do (or the callback) to the end: paid, refused by the buyer, withdrawn by the shop, or expired.",
			Checks:   "A QR code paid in the buyer's bank app deposits the order; one refused declines it; a withdrawn or expired one can no longer be paid.",
			Rules: []Rule{
				{Label: "QR code paid", Tags: "@sbp", Name: `(?i)buyer pays`},
				{Label: "QR code refused by the buyer", Tags: "@sbp", Name: `(?i)refuses`},
				{Label: "QR code withdrawn by the shop", Tags: "@sbp", Name: `(?i)withdraws`},
				{Label: "QR code expired", Tags: "@sbp", Name: `(?i)expires`, Optional: true},
			},
			MustPassIf: "@sbp",
		},
		{
			ID: "E10", Phase: PhaseGoLive, Title: "Fiscal receipts (54-FZ), where the shop sends its cart",
			Guidance:   "Orders registered with an orderBundle get a payment receipt when paid, a refund receipt per refund and a closing receipt per closeOfdReceipt.do; getReceiptStatus.do shows them.",
			Checks:     "Receipts follow the order's life: none before payment, then payment, refund and closing receipts with their amounts.",
			Rules:      []Rule{{Label: "receipts follow the order", Tags: "@rbs-receipt"}},
			MustPassIf: "@rbs-receipt",
		},
		{ID: "E5", Phase: PhaseGoLive, Title: "Evidence sent to Alfa-Bank support",
			Guidance: "Screenshots of both payments, a request for production credentials and the webhook URL of the synchronization.",
			Related:  []Rule{{Label: "the two test payments", Tags: "@retailcrm"}},
			Manual:   "Send this report's two payments (order ids, statuses, masked cards) with your screenshots and webhook URL."},
		{ID: "E6", Phase: PhaseGoLive, Title: "Support confirms the test environment and issues production credentials", Manual: "Wait for Alfa-Bank support's confirmation."},
		{ID: "E7", Phase: PhaseGoLive, Title: "Synchronization switched to production",
			Guidance: "Replace login and password with the production ones and set the connection type to \"Продуктивная среда\".",
			Manual:   "Switch in retailcrm.services; production credentials must differ from the test ones."},
	}
}
