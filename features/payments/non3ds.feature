@non3ds @payment
Feature: Non-3DS card payments
  A merchant takes a card payment in one signed call, without 3-D Secure.
  A successful payment answers with the whole payment: its status and phase,
  one transaction per basket item, and the card as its bank knows it, shown
  only by its BIN and last four digits. Cards are chosen by their number or
  by their role in the sandbox's test-card catalogue.

  Background:
    Given a merchant with valid API credentials

  Scenario: A successful credit card pays a basket of two items
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment succeeds
    And the payment is a card payment in phase "AUTH" without 3-D Secure
    And the payment's price and paid price are 100.00 TRY
    And the payment has one transaction per basket item with the item's price
    And the payment describes the card as the catalogue does
    And the payment shows the card only by its BIN and last four digits

  Scenario: A card chosen by its number pays a basket of three items
    Given a basket of 250.75 TRY with items of 200.00, 50.00 and 0.75
    When the buyer pays without 3-D Secure with card "5258640000000001"
    Then the payment succeeds
    And the payment's price and paid price are 250.75 TRY
    And the payment has one transaction per basket item with the item's price
    And the payment describes the card as the catalogue does
    And the payment shows the card only by its BIN and last four digits

  Scenario: A payment can be retrieved after it was taken
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    And the buyer has paid without 3-D Secure with a successful credit card
    When the merchant retrieves the payment
    Then the retrieved payment matches the payment

  Scenario Outline: <card> pays
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with <card>
    Then the payment succeeds
    And the payment has one transaction per basket item with the item's price
    And the payment describes the card as the catalogue does

    Examples:
      | card                      |
      | a successful credit card  |
      | a successful debit card   |
      | a successful prepaid card |
      | a commercial card         |
      | an AMEX card              |
      | a TROY card               |

  Scenario: A multi-currency card pays in US dollars
    Given a basket of 25.50 USD with items of 20.00 and 5.50
    When the buyer pays without 3-D Secure with a multi-currency card
    Then the payment succeeds
    And the payment's price and paid price are 25.50 USD
    And the payment has one transaction per basket item with the item's price

  Scenario: An AMEX card pays with its four-digit security code
    Given a basket of 100.00 TRY with items of 100.00
    And the card's security code is "1234"
    When the buyer pays without 3-D Secure with an AMEX card
    Then the payment succeeds
    And the payment describes the card as the catalogue does
