@non3ds @multi-currency
Feature: Multi-currency cards
  A currency other than TRY needs a POS in that currency, and Turkish cards
  on Turkish POSes cannot pay in a foreign currency. The sandbox lists four
  foreign cards, one per association, that pay in any currency, with a
  single payment only; the official SDKs' samples pay in USD with a fifth,
  5400010000000004. Every one of them pays here, each in a currency of its
  own, and the payment describes the card as the catalogue does.

  Background:
    Given a merchant with valid API credentials

  Scenario Outline: A multi-currency <association> card pays in <currency>
    Given a basket of 120.00 <currency> with items of 100.00 and 20.00
    When the buyer pays without 3-D Secure with card "<card>"
    Then the payment succeeds
    And the payment's price and paid price are 120.00 <currency>
    And the payment describes the card as the catalogue does
    And the payment has one transaction per basket item with the item's price

    Examples:
      | card             | association | currency |
      | 378282246310005  | AMEX        | USD      |
      | 30569309025904   | DINERS_CLUB | EUR      |
      | 5555555555554444 | MASTER_CARD | GBP      |
      | 4111111111111111 | VISA        | USD      |
      | 5400010000000004 | MASTER_CARD | USD      |
