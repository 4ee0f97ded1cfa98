@3ds @payment
Feature: 3-D Secure card payments
  A 3-D Secure payment takes three legs. The merchant starts it with the
  basket and the card and shows the buyer the HTML it gets back, which takes
  the buyer's browser to the bank. The buyer verifies the payment there
  with an SMS code, and the bank's answer makes the browser post a callback
  to the merchant's callbackUrl: a form with the result and a hash made
  with the merchant's callback key. The merchant checks the hash, and only
  then completes the payment, which is when the money is taken.

  Callbacks come in two versions. Version 1, the default, hashes seven
  fixed fields joined with "###". Version 2, asked for at the start, adds
  mdStatus and hashParams, the list of the fields the hash covers. A payment
  that is never completed is not lost: it stays pending and can be
  retrieved.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A verified payment comes back with a version 1 callback to complete
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the callback carries complete status "WAITING"
    And the payment can be retrieved with status "CALLBACK_THREEDS"

  Scenario: The merchant completes a verified payment
    Given the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When the merchant completes the 3-D Secure payment
    Then the payment succeeds
    And the payment is a card payment in phase "AUTH" with 3-D Secure
    And the payment's price and paid price are 100.00 TRY
    And the payment has one transaction per basket item with the item's price
    And the payment shows the card only by its BIN and last four digits

  Scenario: A version 2 callback carries mdStatus and names the fields its hash covers
    Given the merchant asks for 3-D Secure callbacks of version 2
    When the buyer starts a 3-D Secure payment with a successful debit card
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the callback carries md status "1"
    And the callback's hash covers status, callbackStatus, completeStatus, paymentId, conversationData, conversationId and mdStatus

  Scenario: A payment completed after a version 2 callback succeeds
    Given the merchant asks for 3-D Secure callbacks of version 2
    And the buyer has verified a 3-D Secure payment with an AMEX card at the bank
    When the merchant completes the 3-D Secure payment
    Then the payment succeeds
    And the payment is a card payment in phase "AUTH" with 3-D Secure

  Scenario: A payment the buyer rejects at the bank fails
    Given the merchant asks for 3-D Secure callbacks of version 2
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer rejects the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the callback carries md status "0"
    And the payment can be retrieved with status "FAILURE"

  Scenario: A payment the buyer abandons before the bank stays pending
    When the buyer starts a 3-D Secure payment with a successful credit card
    Then the payment can be retrieved with status "INIT_THREEDS"

  Scenario: A buyer who returns to the bank's page gets ALREADY_RETURNED
    Given the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When the buyer returns to the bank's page and verifies again
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the callback carries callback status "ALREADY_RETURNED"
    And the payment can be retrieved with status "CALLBACK_THREEDS"

  @mock
  Scenario: A payment cannot be completed before the bank has verified it
    Given the buyer starts a 3-D Secure payment with a successful credit card
    When the merchant completes the 3-D Secure payment
    Then the payment is rejected as a validation error

  @mock
  Scenario: A completed payment cannot be completed again
    Given the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    And the merchant completes the 3-D Secure payment
    When the merchant completes the 3-D Secure payment
    Then the payment is rejected as a validation error

  @mock @serial
  Scenario: With the 3D Pay model the money is taken at the bank
    Given the merchant's POS uses the 3D Pay model
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the callback carries complete status "COMPLETED"
    And the payment can be retrieved with status "SUCCESS"
