@validation @mock
Feature: Invalid payment requests are rejected before reaching the bank
  The provider validates a payment request before it contacts any bank. A
  validation error is the integration's fault: it has an error code below
  10000 and no error group, and no bank ever sees the request. The mock
  answers validation errors with HTTP 400, an assumption the provider does
  not document, so the scenarios are tagged @mock. The one published
  validation code, 4152, is for an invalid card expiry year.

  Background:
    Given a merchant with valid API credentials

  Scenario: Items that do not add up to the price are rejected
    Given a basket of 100.00 TRY with items of 60.00 and 30.00
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is rejected as a validation error

  Scenario: A basket without items is rejected
    Given a basket of 100.00 TRY with no items
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is rejected as a validation error

  Scenario: A card number that fails the Luhn check is rejected
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with card "5258640000000002"
    Then the payment is rejected as a validation error

  Scenario: A well-formed card number the sandbox does not know is rejected
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with card "4242424242424242"
    Then the payment is rejected as a validation error

  Scenario: A card that expired years ago is rejected with the documented code
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    And the card expires in 01/2010
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is rejected as a validation error with code "4152"

  Scenario: An AMEX card with a three-digit security code is rejected
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    And the card's security code is "123"
    When the buyer pays without 3-D Secure with an AMEX card
    Then the payment is rejected as a validation error

  Scenario: An unknown currency is rejected
    Given a basket of 100.00 XYZ with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is rejected as a validation error

  Scenario Outline: <installments> installments are rejected
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    And the buyer chooses <installments> installments
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is rejected as a validation error

    Examples:
      | installments |
      | 0            |
      | -1           |
