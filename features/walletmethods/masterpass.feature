@masterpass @mock
Feature: Masterpass
  The buyer's cards live in their Masterpass wallet. The merchant generates
  a token for the payment; the Masterpass client SDK (the mock's stand-in
  page) lets the buyer choose a card; the merchant then completes the
  payment, without 3-D Secure or through the bank's 3-D Secure page. The
  payment is a card payment of the chosen card, with the card's outcome,
  refunded or cancelled like any other.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A Masterpass payment without 3-D Secure
    When the buyer pays with Masterpass using a successful credit card
    Then the payment succeeds
    And the payment's provider is "MASTERPASS"
    And the payment's price and paid price are 100.00 TRY

  @error-card
  Scenario: A card the bank declines in Masterpass
    When the buyer pays with Masterpass using card "5100050000006661"
    Then the payment is declined with error group "NOT_SUFFICIENT_FUNDS"

  Scenario: A Masterpass payment with 3-D Secure and its callback
    Given the buyer starts a Masterpass payment with 3-D Secure using a successful credit card
    When the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    When the merchant completes the Masterpass 3-D Secure payment
    Then the payment succeeds
    And the payment's provider is "MASTERPASS"

  Scenario: A forged Masterpass 3-D Secure callback is refused
    Given the buyer starts a Masterpass payment with 3-D Secure using a successful credit card
    And the buyer verifies the payment at the bank
    When a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback

  @cancel
  Scenario: A Masterpass payment is cancelled the same day
    Given the buyer pays with Masterpass using a successful credit card
    When the merchant refunds the whole payment
    Then the payment is cancelled
