@bnpl @validation @mock
Feature: A loan lacking what its provider or the regulator needs is refused
  BDDK rules make quantity, amount and category code mandatory for every
  loan basket item; each provider needs its own buyer data (Zip an e-mail
  and phone, Haso and Paycell the TCKN and birth date, Paycell the term,
  Tom Finans the buyer's name; a direct FinGate application the bank).

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: Loan from <provider> without <param> is refused
    When the buyer starts a <provider> loan without its "<param>" parameter
    Then the payment is rejected as a validation error

    Examples:
      | provider    | param               |
      | ALFABANK    | cartItems           |
      | ALFABANK    | category            |
      | ALFABANK    | quantity            |
      | ZIP         | buyerEmail          |
      | HASO        | buyerIdentityNumber |
      | PAYCELL     | term                |
      | TOM_FINANCE | buyerName           |
      | MASLAK      | bankCode            |

  Scenario: Offers for a basket without category codes are refused
    When the merchant asks for MASLAK loan offers for the basket in category ""
    Then the payment is rejected as a validation error

  Scenario: A provider without an offers query refuses offers
    When the merchant asks for ALFABANK loan offers for the basket
    Then the payment is rejected as a validation error
