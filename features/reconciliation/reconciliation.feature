@reconciliation
Feature: Reconciling the day's money in the back office
  After the payments, the merchant's back office reconciles: it finds every
  payment of the day in the daily report files, finds refunds through the
  reporting API, reads what each seller is paid out in the settlement file
  once the seller's blockage days have passed, and lets sellers withdraw
  what their wallet holds, never more.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: Every payment of the day appears once in the <format> transaction report
    Given the buyer has made 3 payments without 3-D Secure with a successful credit card
    When the merchant downloads the day's transaction report as <format>
    Then every payment made appears once in the report with its paid price

    Examples:
      | format |
      | CSV    |
      | XLSX   |

  Scenario Outline: Every payment of the day appears once in the <format> payment report
    Given the buyer has made 2 payments without 3-D Secure with a successful credit card
    When the merchant downloads the day's payment report as <format>
    Then every payment made appears once in the report with its paid price

    Examples:
      | format |
      | CSV    |
      | XLSX   |

  @refund
  Scenario: A partial refund appears in the refund search and lowers what is left to refund
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds 10.00 of item 1
    Then the item refund succeeds with 10.00 TRY
    And the refund search finds the refund of 10.00 for item 1
    And the reporting API shows 90.00 left to refund on the payment

  @mock @clock
  Scenario: After the blockage days the seller's payout row shows the net amount
    Given a basket of 100.00 TRY with items of 30.00, 50.00 and 20.00
    And a registered limited company seller "Kitapçı" paid out 2 days after each sale
    And "Kitapçı" sells item 1 for a share of 27.00
    And "Kitapçı" sells item 2 for a share of 42.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    And the merchant approves items 1 and 2
    And the merchant has refunded 15.00 of item 1
    When 1 day passes
    Then the settlement file shows no payout to "Kitapçı" yet
    When 1 day passes
    Then the settlement file shows a payout of 55.50 TRY to "Kitapçı"

  @mock
  Scenario: A withdrawal larger than the wallet's balance is refused and the balance is unchanged
    Given a registered limited company seller "Kitapçı"
    And "Kitapçı" has a wallet
    And the merchant has sent 50.00 TRY to the wallet of "Kitapçı"
    When "Kitapçı" asks to withdraw 80.00 TRY from the wallet
    Then the withdrawal is refused
    And the wallet of "Kitapçı" holds 50.00 TRY

  Scenario: A withdrawal within the wallet's balance is taken from it
    Given a registered limited company seller "Kitapçı"
    And "Kitapçı" has a wallet
    And the merchant has sent 50.00 TRY to the wallet of "Kitapçı"
    When "Kitapçı" asks to withdraw 30.00 TRY from the wallet
    Then the withdrawal is accepted and waits for the payout
    And the wallet of "Kitapçı" holds 20.00 TRY
