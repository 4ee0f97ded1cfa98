// Package features holds gatecheck's conformance suite: Gherkin feature
// files, one folder per domain (payments, refunds, security, validation,
// robustness, reliability, threeds, checkout, webhooks, preauth,
// installments, storedcards, wallet, marketplace, paybylink, rewards, fraud,
// reconciliation),
// embedded in the binary.
//
// The features are written once, in the provider's business words, and run
// by every runner: godog in CI (package conform) and, later, k6 per VU
// iteration. The sentences are bound to Go by package steps. Tags name the
// domain and phase (@non3ds @3ds @checkout @webhook @error-card @refund
// @cancel @security @validation @robustness @reliability @preauth
// @installment @stored-card @wallet @marketplace @paybylink @reward @fraud
// @multi-currency @reconciliation); @mock marks scenarios that
// need a facility only gatecheck's mock has (clock control, merchant
// settings, webhook records, mock-only endpoints and fields, or an HTTP
// status the provider does not document), so that `--tags '~@mock'`
// selects what can run against the real sandbox. @clock
// marks the scenarios that move the mock's clock and @serial those that
// change the mock's merchant settings (3-D Secure mode and model, webhook
// duplication) or its fault injection (@reliability), or make the
// merchant's webhook endpoint fail: they affect
// every scenario running at the same time, so conform.Run never runs them
// beside another scenario. @webhook scenarios wait for webhooks at the
// run's merchant receiver, which only a provider configured to post to it
// (the mock, set up by conform.Run) reaches.
package features

import (
	"embed"
	"io/fs"
)

//go:embed */*.feature
var files embed.FS

// FS returns the embedded feature files. Paths are relative to this
// directory, e.g. "payments/non3ds.feature".
func FS() fs.FS { return files }
