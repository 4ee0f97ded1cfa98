@pos-apm @mock
Feature: POS-APM: World Pay and Google Pay
  Bank wallets routed through a POS. The merchant starts the payment and
  renders its htmlContent; the buyer confirms with a card of the wallet;
  the callback carries the 3-D Secure hash; the merchant completes the
  payment.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A World Pay payment, its callback and its completion
    When the buyer pays with World Pay using a successful credit card
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    When the merchant completes the POS-APM payment
    Then the payment succeeds
    And the payment's provider is "YKB_WORLD_PAY"

  @error-card
  Scenario: A card the bank declines in World Pay
    When the buyer pays with World Pay using card "5100050000006661"
    Then the callback carries status "FAILURE"
    And the payment can be retrieved with status "FAILURE"

  Scenario: A forged World Pay callback is refused
    Given the buyer pays with Google Pay using a successful credit card
    When a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback

  @cancel
  Scenario: A World Pay payment is cancelled the same day
    Given the buyer pays with World Pay using a successful credit card
    And the merchant completes the POS-APM payment
    When the merchant refunds the whole payment
    Then the payment is cancelled
