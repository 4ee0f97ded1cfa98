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
// Parameters are typed where they are parsed: amounts become
// craftgate.Amount (decimal, never float), cards are resolved by number or
// by role from craftgate.TestCards(). Assertion errors say what was expected
// and what was got; card numbers in them are masked and keys never appear.
package steps
