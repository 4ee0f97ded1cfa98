@robustness @mock
Feature: Malformed requests are answered in the error envelope and do no harm
  Whatever arrives, the provider answers in its error envelope with a fitting
  HTTP status, and it still takes the next payment. Every request here is
  correctly signed, so the answer is about the request itself. The statuses
  are the mock's documented assumptions, hence @mock.

  Background:
    Given a merchant with valid API credentials

  Scenario: A payment whose body is not valid JSON
    When the merchant sends a signed payment whose body is not valid JSON
    Then the request is rejected with HTTP status 400 in the error envelope
    And the provider still takes a payment

  Scenario: A payment sent as plain text
    When the merchant sends a signed payment with content type "text/plain"
    Then the request is rejected with HTTP status 415 in the error envelope
    And the provider still takes a payment

  Scenario: A payment body larger than 1 MiB
    When the merchant sends a signed payment body larger than 1 MiB
    Then the request is rejected with HTTP status 413 in the error envelope
    And the provider still takes a payment

  Scenario: An endpoint that does not exist
    When the merchant calls an endpoint that does not exist
    Then the request is rejected with HTTP status 404 in the error envelope
    And the provider still takes a payment

  Scenario: The payment endpoint called with the wrong method
    When the merchant calls the payment endpoint with method "DELETE"
    Then the request is rejected with HTTP status 405 in the error envelope
    And the provider still takes a payment
