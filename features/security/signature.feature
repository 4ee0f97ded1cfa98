@security @signature
Feature: Every request is signed with the merchant's secret key
  Each request carries the merchant's API key, a fresh random key and a
  signature: base64(SHA-256(url + apiKey + secretKey + randomKey + body)). The
  secret key itself never travels. A request changed in any signed part after
  signing, or signed with the wrong keys, or not signed at all, is refused
  and takes no payment. The official Go client signs the raw URL where the
  others sign the percent-decoded one; both forms are accepted.

  Refusals are answered with HTTP 401 in the error envelope: the status is the
  mock's documented assumption (the provider does not publish it), so those
  scenarios are tagged @mock.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A correctly signed payment is accepted
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment succeeds

  @mock
  Scenario: A correctly signed payment is recorded under its conversation id
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment succeeds
    And the payment was recorded for the request

  @mock
  Scenario: A payment whose body was changed after signing is refused
    When the merchant sends a payment with its body changed after signing
    Then the request is refused as unauthenticated
    And no payment was recorded for the request

  @mock
  Scenario: A payment whose URL was changed after signing is refused
    When the merchant sends a payment with its URL changed after signing
    Then the request is refused as unauthenticated
    And no payment was recorded for the request

  @mock
  Scenario: A payment whose random key was changed after signing is refused
    When the merchant sends a payment with its random key changed after signing
    Then the request is refused as unauthenticated
    And no payment was recorded for the request

  @mock
  Scenario: A payment signed with a wrong secret key is refused
    When the merchant sends a payment signed with a wrong secret key
    Then the request is refused as unauthenticated
    And no payment was recorded for the request

  @mock
  Scenario: A payment with an unknown API key is refused
    When the merchant sends a payment with an unknown API key
    Then the request is refused as unauthenticated
    And no payment was recorded for the request

  @mock
  Scenario: A payment without a signature is refused
    When the merchant sends a payment without a signature
    Then the request is refused as unauthenticated
    And no payment was recorded for the request

  Scenario: A request signed over the percent-decoded URL is accepted
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant retrieves the payment with a percent-encoded query, signing the decoded URL
    Then the retrieved payment matches the payment

  Scenario: A request signed over the raw URL, as the official Go client does, is accepted
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant retrieves the payment with a percent-encoded query, signing the raw URL
    Then the retrieved payment matches the payment
