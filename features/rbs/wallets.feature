@rbs @rbs-wallet
Feature: Alfa-Bank RBS wallet payments and instant payments
  Apple Pay, Google Pay and Samsung Pay payments go to their own
  payment.do beside the REST API (/payment/applepay/payment.do and so on):
  a JSON request naming the merchant, with the wallet's payment token,
  registers and pays the order in one call and answers
  {"success":true,"data":{"orderId":...}}. instantPayment.do does the same
  with card data. The mock's wallet tokens are readable JSON naming a
  wallet card; a real gateway takes the wallet's encrypted token.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario Outline: <wallet> pays an order in one call
    When the buyer pays 249.90 RUB with <wallet>
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order's deposited amount is 249.90 RUB
    And the RBS order was paid by "<way>"

    Examples:
      | wallet      | way                  |
      | Apple Pay   | APPLE_PAY            |
      | Google Pay  | GOOGLE_PAY_TOKENIZED |
      | Samsung Pay | SAMSUNG_PAY          |

  Scenario: instantPayment.do registers and pays an order in one call
    When the merchant pays 88.00 RUB in one call with test card "5555555555555599"
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order's deposited amount is 88.00 RUB
