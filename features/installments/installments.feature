@installment
Feature: Installment options and BIN inquiry
  Before a payment in installments the merchant asks which options the
  buyer's card has. The installment search answers, for the card's BIN (its
  first 8 digits) and the basket's price, each installment count with its
  total, the paid price to charge (the price plus the maturity difference,
  vade farkı, the buyer pays), and the amount of each installment. Credit
  cards of Turkish banks have installments; debit and prepaid cards, and
  foreign cards, pay in a single installment. The BIN inquiry describes the
  card: its bank, type, association, family, and whether it is a commercial
  card, on which banks restrict installments.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A credit card is offered installments
    When the merchant searches the installment options of a successful credit card
    Then the card is offered installments beyond a single payment
    And the single payment costs the basket's price
    And no installment option costs less than the basket's price
    And the installment search describes the card as the catalogue does

  Scenario Outline: A card of type <type> is offered a single payment only
    When the merchant searches the installment options of <card>
    Then the card is offered a single payment only
    And the single payment costs the basket's price
    And the installment search describes the card as the catalogue does

    Examples:
      | type    | card                      |
      | debit   | a successful debit card   |
      | prepaid | a successful prepaid card |

  Scenario: A foreign multi-currency card is offered a single payment only
    Given a basket of 25.50 USD with items of 20.00 and 5.50
    When the merchant searches the installment options of a multi-currency card
    Then the card is offered a single payment only

  @non3ds
  Scenario: A payment in 3 installments carries the maturity difference (paidPrice above price)
    Given the merchant has searched the installment options of a successful credit card
    And the buyer chooses the 3-installment option
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment succeeds
    And the payment is in 3 installments with the option's total as its paid price
    And the payment's maturity difference is its paid price minus its price

  Scenario: The BIN of a commercial card says it is commercial
    When the merchant looks up the BIN of a commercial card
    Then the BIN is described as the catalogue does
    And the BIN is a commercial card

  Scenario: The BIN of a consumer credit card says it is not commercial
    When the merchant looks up the BIN of a successful credit card
    Then the BIN is described as the catalogue does
    And the BIN is not a commercial card

  Scenario: The BIN of an AMEX card names American Express
    When the merchant looks up the BIN of an AMEX card
    Then the BIN is described as the catalogue does
    And the BIN's card association is "AMEX"

  Scenario: A commercial credit card's installment options are flagged commercial
    When the merchant searches the installment options of a commercial card
    Then the installment search describes the card as the catalogue does

  @mock
  Scenario Outline: The mock's POS charges a maturity difference of 1.25 points per extra installment: <n> installments
    When the merchant searches the installment options of card "5258640000000001"
    Then the <n>-installment option totals <total> TRY in installments of <each>

    Examples:
      | n  | total  | each   |
      | 1  | 100.00 | 100.00 |
      | 2  | 101.25 | 50.63  |
      | 3  | 102.50 | 34.17  |
      | 6  | 106.25 | 17.71  |
      | 9  | 110.00 | 12.22  |
      | 12 | 113.75 | 9.48   |
