@webhook
Feature: Transaction webhooks tell the merchant what happened, signed
  Besides the browser's callback, which a closed tab can lose, the provider
  posts a JSON webhook to the merchant's webhook URL about every payment and
  refund: eventType, eventTime, eventTimestamp (epoch seconds), status and
  payloadId, signed in x-cg-signature-v1 with base64(HMAC-SHA256(webhook
  key, eventType + eventTimestamp + status + payloadId)). The first call
  comes 30 seconds after the action; only a 2xx answer counts, and an
  unanswered webhook is retried after 10 s, 30 s, 3 min, 10 min and 30 min,
  then given up. A webhook can arrive more than once, so the merchant
  processes each event once.

  Against the mock the schedule runs on a time scale (0.001 in conformance
  runs: 30 s become 30 ms). Scenarios that change the merchant's endpoint or
  the provider's settings are tagged @serial and run alone.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A successful payment is notified with a signed API_AUTH webhook
    When the buyer pays without 3-D Secure with a successful credit card
    Then the merchant receives a signed "API_AUTH" webhook with status "SUCCESS" for the payment

  Scenario: A declined payment is notified too
    When the buyer pays without 3-D Secure with card "5100050000006661"
    Then the merchant receives a signed "API_AUTH" webhook with status "FAILURE" for the payment

  Scenario: A 3-D Secure payment is notified at verification and at completion
    Given the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When the merchant completes the 3-D Secure payment
    Then the merchant receives a signed "THREEDS_VERIFY" webhook with status "SUCCESS" for the payment
    And the merchant receives a signed "API_AUTH" webhook with status "SUCCESS" for the payment

  Scenario: A payment made on the checkout page is notified by its token
    Given the merchant has created a checkout form for the basket
    When the buyer pays on the checkout page with a successful credit card
    Then the merchant receives a signed "CHECKOUTFORM_AUTH" webhook with status "SUCCESS" for the checkout form

  Scenario: A refund is notified
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds the whole payment
    Then the merchant receives a signed "REFUND" webhook with status "SUCCESS" for the refund

  Scenario: An item refund is notified
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds 10.00 of item 1
    Then the merchant receives a signed "REFUND_TX" webhook with status "SUCCESS" for the item refund

  @mock @serial
  Scenario: A 3D Pay payment is notified once, at the bank
    Given the merchant's POS uses the 3D Pay model
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer verifies the payment at the bank
    Then the merchant receives a signed "API_VERIFY_AND_AUTH" webhook with status "SUCCESS" for the payment

  @mock @serial
  Scenario: A webhook delivered twice is processed once
    Given the provider delivers every webhook twice
    When the buyer pays without 3-D Secure with a successful credit card
    Then the merchant receives a signed "API_AUTH" webhook with status "SUCCESS" for the payment
    And the merchant processed the webhook once although it was delivered twice

  @mock @serial
  Scenario: A webhook the merchant answers on a later attempt is delivered
    Given the merchant's webhook endpoint is failing with HTTP 503
    And the buyer has paid without 3-D Secure with a successful credit card
    And the provider has attempted the "API_AUTH" webhook for the payment 2 times
    When the merchant's webhook endpoint recovers
    Then the merchant receives a signed "API_AUTH" webhook with status "SUCCESS" for the payment
    And the provider recorded the webhook as delivered after 2 failed attempts

  @mock @serial
  Scenario: An unanswered webhook is retried on the documented schedule, then given up
    Given the merchant's webhook endpoint is failing with HTTP 500
    And the buyer has paid without 3-D Secure with a successful credit card
    When the provider gives up delivering the "API_AUTH" webhook for the payment
    Then the provider recorded the webhook as given up after 6 attempts
    And the attempts were spaced 30s, 10s, 30s, 3m, 10m and 30m apart on the provider's time scale
