@paybylink
Feature: Pay-by-link / QR products
  The merchant creates a product with a fixed price and shares its link or
  QR code. Every buyer who pays on the link's page makes a normal card
  payment whose paymentSource is PAY_BY_LINK, and the product counts its
  sales. A stock limits the sales, a product made for one order has a
  stock of exactly 1, and a product the merchant deactivated, or deleted,
  takes no payment. The merchant learns of a link payment as of any other
  payment, and finds it by the link's conversationId.

  Background:
    Given a merchant with valid API credentials

  Scenario: A payment link has a page address and a QR code address
    When the merchant has created a payment link for 150.50 TRY
    Then the payment link has a page address and a QR code address
    And the payment link has sold 0

  Scenario: A buyer pays through the payment link
    Given the merchant has created a payment link for 150.50 TRY
    When the buyer pays through the payment link with a successful credit card
    Then the payment succeeds
    And the payment is a pay-by-link payment for the link's price
    And the payment link has sold 1

  Scenario: A buyer pays through the payment link in installments
    Given the merchant has created a payment link for 300.00 TRY
    And the buyer chooses 3 installments
    When the buyer pays through the payment link with a successful credit card
    Then the payment succeeds
    And the payment is a pay-by-link payment for the link's price

  Scenario: A declined card sells nothing through the payment link
    Given the merchant has created a payment link for 150.50 TRY
    When the buyer pays through the payment link with card "5100050000006661"
    Then the pay-by-link payment failed with error group "NOT_SUFFICIENT_FUNDS"
    And the payment link has sold 0

  Scenario: A sold-out payment link takes no more payments
    Given the merchant has created a payment link for 50.00 TRY with a stock of 1
    And the buyer has paid through the payment link with a successful credit card
    Then the payment link has sold 1
    And the payment link page says "sold out" and takes no payment

  Scenario: A deactivated payment link takes no payment until it is reactivated
    Given the merchant has created a payment link for 75.00 TRY
    When the merchant deactivates the payment link
    Then the payment link page says "not active" and takes no payment
    When the merchant reactivates the payment link
    And the buyer pays through the payment link with a successful debit card
    Then the payment succeeds

  Scenario: The merchant renames a payment link and finds it by its name
    Given the merchant has created a payment link for 20.00 TRY
    When the merchant renames the payment link to "Gatecheck parking ticket"
    Then the payment link is named "Gatecheck parking ticket"

  Scenario: The merchant finds a payment link by its name
    Given the merchant has created a payment link for 20.00 TRY
    Then the merchant finds the payment link by its name

  Scenario: A deleted payment link no longer exists
    Given the merchant has created a payment link for 20.00 TRY
    When the merchant deletes the payment link
    Then the payment link no longer exists
    And the payment link page says "does not exist" and takes no payment

  Scenario: A payment link for one order must have a stock of 1
    When the merchant creates a payment link for an order with a stock of 2
    Then the payment link is refused as a validation error
