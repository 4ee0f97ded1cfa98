@garanti-pay @mock
Feature: Garanti Pay
  The merchant starts a Garanti Pay payment and renders its htmlContent;
  the buyer pays on Garanti Pay's page with a card of their wallet, and the
  browser brings the result to the merchant's callbackUrl with the
  3-D Secure callback hash.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A Garanti Pay payment and its callback
    When the buyer pays with Garanti Pay using a successful credit card
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the payment can be retrieved with status "SUCCESS"

  @error-card
  Scenario: A card the bank declines in Garanti Pay
    When the buyer pays with Garanti Pay using card "5100050000006661"
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the payment can be retrieved with status "FAILURE"

  Scenario: A forged Garanti Pay callback is refused
    Given the buyer pays with Garanti Pay using a successful credit card
    When a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback

  @cancel
  Scenario: A Garanti Pay payment is cancelled the same day
    Given the buyer pays with Garanti Pay using a successful credit card
    When the merchant refunds the whole payment
    Then the payment is cancelled
