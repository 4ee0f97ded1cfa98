// Package steps is gatecheck's one step library: the Go meaning of every
// sentence in the Gherkin features, shared by all runners.
//
// Step functions are methods on a *World, the state of one scenario (the
// client, the basket, the last request, response and error, the payment and
// its refunds). Definitions lists them as {Pattern, Fn} pairs with one
// uniform signature,
//
//	func(ctx context.Context, w *World, args []string) error
//
// so a runner needs nothing but a regular-expression match to drive them:
// RegisterGodog adapts them for godog (the only file importing godog), and a
// k6 runner can bind the same definitions to a plan with a Matcher.
//
// A World is also the buyer's browser, without a browser: a small form
// driver (form.go) parses a page's one <form>, fills it and submits it with
// a chosen button, and so follows a 3-D Secure payment from the htmlContent
// through the bank's page to the callback posted to the merchant, and a
// checkout form from its page to the token posted back. The merchant's side
// is a merchant.Receiver named by the Target. Steps that change what every
// scenario sees (the mock's merchant settings, the receiver's failure rule)
// are undone by World.Close, which every runner calls after each scenario.
//
// Parameters are typed where they are parsed: amounts become
// craftgate.Amount (decimal, never float), cards are resolved by number or
// by role from craftgate.TestCards(). Assertion errors say what was expected
// and what was got; card numbers in them are masked and keys never appear.
package steps
