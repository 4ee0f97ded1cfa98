// Package craftgate is gatecheck's one client for the Craftgate payment API:
// the request signature, the wire model (money as decimal), the typed error
// envelope, the 3-D Secure callback hash and webhook signature verifiers, and
// the embedded sandbox test-card catalogue.
//
// The package imports no runner: the step library, the mock provider and
// the load engine all build on it, so every signature and every card
// outcome in gatecheck has exactly one definition, here.
package craftgate
