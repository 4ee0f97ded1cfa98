@wallet @apm @mock
Feature: A wallet is topped up through an alternative payment method
  A buyer tops up the wallet with an APM (Papara, a voucher card, Pluxee):
  the top-up is an APM payment of the amount, without a basket, that goes
  through the APM's own journey (the provider's page and the callback, a
  code, or nothing at all). The wallet is credited with the amount once,
  as a DEPOSIT_FROM_APM movement, when the payment succeeds, and never
  when it fails.

  The sandbox documents no APM test accounts except the Pluxee code 843195,
  so the provider's side of these scenarios is the mock's.

  Background:
    Given a merchant with valid API credentials

  Scenario: A top-up through an APM credits the wallet when the buyer approves
    Given "Deniz" has a wallet
    When "Deniz" starts a top-up of 120.50 TRY through a PAPARA APM
    Then the APM payment waits for "REDIRECT_TO_URL"
    And the wallet of "Deniz" holds 0.00 TRY
    When the buyer approves the payment at the APM provider
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the payment is a successful "PAPARA" APM top-up of 120.50
    And the wallet of "Deniz" holds 120.50 TRY
    And the wallet's last movement is "DEPOSIT_FROM_APM" of 120.50 for "Deniz"

  Scenario: A second answer at the APM provider credits nothing more
    Given "Deniz" has a wallet
    And "Deniz" starts a top-up of 80.00 TRY through a PAPARA APM
    And the buyer approves the payment at the APM provider
    When the buyer returns to the APM provider's page and approves again
    Then the callback carries callback status "ALREADY_RETURNED"
    And the wallet of "Deniz" holds 80.00 TRY

  Scenario: A top-up rejected at the APM provider leaves the wallet unchanged
    Given "Deniz" has a wallet
    And "Deniz" starts a top-up of 50.00 TRY through a PAYPAL APM
    When the buyer rejects the payment at the APM provider
    Then the callback carries status "FAILURE"
    And the payment can be retrieved with status "FAILURE"
    And the wallet of "Deniz" holds 0.00 TRY

  Scenario: A top-up the APM provider refuses at once leaves the wallet unchanged
    Given "Deniz" has a wallet
    When "Deniz" starts a top-up of 50.00 TRY through a PAPARA APM as APM user "0000000000000018"
    Then the top-up is declined with error group "APM_ACCOUNT_NOT_FOUND"
    And the wallet of "Deniz" holds 0.00 TRY

  @webhook
  Scenario: A voucher card top-up credits the wallet when the buyer's code completes it
    Given "Deniz" has a wallet
    And "Deniz" starts a top-up of 40.00 TRY through an EDENRED APM
    When the merchant completes the APM payment with code "123456"
    Then the APM completion succeeds
    And the wallet of "Deniz" holds 40.00 TRY
    And the merchant receives a signed "WALLET_TX_CREATED" webhook for the wallet of "Deniz" about "DEPOSIT_FROM_APM" of 40.00

  Scenario: A voucher card top-up with a wrong code leaves the wallet unchanged
    Given "Deniz" has a wallet
    And "Deniz" starts a top-up of 40.00 TRY through an EDENRED APM
    When the merchant completes the APM payment with code "111111"
    Then the payment is declined with error group "APM_INVALID_VERIFICATION_CODE"
    And the wallet of "Deniz" holds 0.00 TRY

  Scenario: A Pluxee top-up with the sandbox code credits the wallet at once
    Given "Deniz" has a wallet
    When "Deniz" starts a top-up of 25.00 TRY through a SODEXO APM
    Then the APM top-up is credited at once with 25.00
    And the wallet of "Deniz" holds 25.00 TRY
    And the wallet's last movement is "DEPOSIT_FROM_APM" of 25.00 for "Deniz"
