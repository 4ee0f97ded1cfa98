package conform_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gatecheck/gatecheck/conform"
)

// TestReconciliationStepsFailWhenTheyShould runs reconciliation scenarios
// whose expectations are wrong: each must fail at its Then step, saying
// what differed.
func TestReconciliationStepsFailWhenTheyShould(t *testing.T) {
	fsys := fstest.MapFS{"x/wrong.feature": {Data: []byte(`@reconciliation
Feature: wrong reconciliation expectations

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: a refund searched for with the wrong amount
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds 10.00 of item 1
    Then the refund search finds the refund of 11.00 for item 1

  Scenario: a refund expected to leave more
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds 10.00 of item 1
    Then the reporting API shows 95.00 left to refund on the payment

  Scenario: a withdrawal within the balance expected to be refused
    Given a registered limited company seller "Kitapçı"
    And "Kitapçı" has a wallet
    And the merchant has sent 50.00 TRY to the wallet of "Kitapçı"
    When "Kitapçı" asks to withdraw 30.00 TRY from the wallet
    Then the withdrawal is refused

  @mock @clock
  Scenario: a payout expected before the blockage days have passed
    Given a registered limited company seller "Kitapçı" paid out 3 days after each sale
    And "Kitapçı" sells item 1 for a share of 50.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    And the merchant approves item 1
    When 1 day passes
    Then the settlement file shows a payout of 50.00 TRY to "Kitapçı"
`)}}
	res, err := conform.Run(context.Background(), conform.Options{Target: startMock(t), FS: fsys, Format: "progress", Output: &bytes.Buffer{}, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a refund searched for with the wrong amount":            "no refund of 11",
		"a refund expected to leave more":                        "refundablePrice: expected 95.00, got 90.00",
		"a withdrawal within the balance expected to be refused": "expected the withdrawal to be refused",
		"a payout expected before the blockage days have passed": `expected one payout to "Kitapçı"`,
	}
	if res.Scenarios.Failed != len(want) {
		t.Errorf("%d scenarios failed, want %d: %+v", res.Scenarios.Failed, len(want), res.Scenarios)
	}
	for _, f := range res.Failures {
		if sub, ok := want[f.Scenario]; !ok || !strings.Contains(f.Message, sub) {
			t.Errorf("%q failed at %q with %q, want a message containing %q", f.Scenario, f.Step, f.Message, sub)
		}
	}
}
