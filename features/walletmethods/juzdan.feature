@juzdan @mock
Feature: Juzdan
  The merchant starts a Juzdan payment and shows its QR code; the QR leads
  to the Juzdan app (the mock's stand-in page), where the buyer pays with a
  card of their wallet. The merchant reads the payment by its reference.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A Juzdan payment through its QR code
    When the buyer pays with Juzdan using a successful credit card
    And the merchant retrieves the Juzdan payment
    Then the payment succeeds
    And the payment's price and paid price are 100.00 TRY

  @error-card
  Scenario: A card the bank declines in Juzdan
    When the buyer pays with Juzdan using card "5100050000006661"
    Then the callback carries status "FAILURE"
    And the payment can be retrieved with status "FAILURE"

  Scenario: A Juzdan callback's hash verifies and a forged one is refused
    Given the buyer pays with Juzdan using a successful credit card
    And the merchant receives a callback whose hash verifies
    When a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback

  @cancel
  Scenario: A Juzdan payment is cancelled the same day
    Given the buyer pays with Juzdan using a successful credit card
    When the merchant refunds the whole payment
    Then the payment is cancelled
