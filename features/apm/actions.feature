@apm
Feature: An APM payment tells the merchant what to do next
  An alternative payment method (wallet, voucher card, transfer) starts with
  APM init; its additionalAction says what the merchant does next: send the
  buyer to the provider (REDIRECT_TO_URL, the result comes back to the
  callbackUrl), collect a code and complete (OTP_REQUIRED), render the
  provider's HTML (SHOW_HTML_CONTENT), wait for the webhook
  (WAIT_FOR_WEBHOOK) or nothing at all (NONE, paid). Whatever the method,
  the merchant confirms the outcome by retrieving the payment.

  The sandbox documents no APM test accounts except the Pluxee code 843195,
  so the provider's side of these scenarios is the mock's.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  @mock
  Scenario Outline: Payment by <apm> starts by waiting for <action>
    When the buyer starts a <apm> APM payment
    Then the APM payment waits for "<action>"
    And the payment can be retrieved with status "WAITING"

    Examples:
      | apm              | action            |
      | PAPARA           | REDIRECT_TO_URL   |
      | PAYPAL           | REDIRECT_TO_URL   |
      | KLARNA           | REDIRECT_TO_URL   |
      | EDENRED          | OTP_REQUIRED      |
      | IWALLET          | OTP_REQUIRED      |
      | METROPOL         | OTP_REQUIRED      |
      | PAYCELL_DCB      | OTP_REQUIRED      |
      | INSTANT_TRANSFER | SHOW_HTML_CONTENT |
      | MULTINET         | SHOW_HTML_CONTENT |
      | BIZUM            | WAIT_FOR_WEBHOOK  |
      | CHIPPIN          | WAIT_FOR_WEBHOOK  |
      | TOMPAY           | WAIT_FOR_WEBHOOK  |

  Scenario: A Pluxee payment with the sandbox code is paid at once
    When the buyer starts a SODEXO APM payment
    Then the APM payment succeeds at once
    And the payment can be retrieved with status "SUCCESS"

  @mock
  Scenario: A buyer approving at the provider brings a callback whose hash verifies
    Given the buyer starts a PAPARA APM payment
    When the buyer approves the payment at the APM provider
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the payment can be retrieved with status "SUCCESS"

  @mock
  Scenario: A buyer rejecting at the provider brings a failure callback
    Given the buyer starts a PAYPAL APM payment
    When the buyer rejects the payment at the APM provider
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the payment can be retrieved with status "FAILURE"

  @mock
  Scenario: A second answer at the provider is reported as already returned
    Given the buyer starts a PAPARA APM payment
    And the buyer approves the payment at the APM provider
    When the buyer returns to the APM provider's page and approves again
    Then the merchant receives a callback whose hash verifies
    And the callback carries callback status "ALREADY_RETURNED"
    And the payment can be retrieved with status "SUCCESS"

  @mock @security
  Scenario: An APM callback with a tampered status is refused by the merchant
    Given the buyer starts a PAPARA APM payment
    And the buyer approves the payment at the APM provider
    When a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback

  @mock
  Scenario: A voucher card payment completes with the buyer's code
    Given the buyer starts an EDENRED APM payment
    When the merchant completes the APM payment with code "123456"
    Then the APM completion succeeds
    And the payment can be retrieved with status "SUCCESS"

  @mock
  Scenario: A Metropol payment completes with the code and the chosen wallet
    Given the buyer starts a METROPOL APM payment
    When the merchant completes the APM payment with code "123456"
    Then the APM completion succeeds

  @mock
  Scenario: An instant transfer leads the buyer through the bank's page to the callback
    Given the instant-transfer banks include bank "0062"
    And the buyer starts an INSTANT_TRANSFER APM payment
    When the buyer approves the payment at the APM provider
    Then the merchant receives a callback whose hash verifies
    And the payment can be retrieved with status "SUCCESS"

  @mock @webhook
  Scenario: A payment confirmed in the app is notified by a signed webhook
    Given the buyer starts a BIZUM APM payment
    When the buyer approves the payment at the APM provider
    Then the merchant receives a signed "API_AUTH" webhook with status "SUCCESS" for the payment
    And the payment can be retrieved with status "SUCCESS"
