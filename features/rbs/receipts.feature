@rbs @rbs-receipt
Feature: Alfa-Bank RBS fiscal receipts follow the order's life
  An order registered with an orderBundle (its cart) gets fiscal receipts
  (54-FZ): a payment receipt when its money is taken, a refund receipt for
  each refund, a closing receipt for each closeOfdReceipt.do.
  getReceiptStatus.do lists them with their status (1 payment delivered,
  4 refund delivered). An order that was not paid has nothing to close.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials
    And the merchant has registered a one-phase order of 1000.00 RUB with a cart

  Scenario: An unpaid order has no receipt and nothing to close
    Then the order has 0 fiscal receipts
    When the merchant closes the receipt with 1000.00 RUB
    Then the gateway refuses with errorCode 7

  Scenario: A payment, a refund and a closing each produce their receipt
    When the payer pays on the payment page with test card "5555555555555599"
    Then the order has 1 fiscal receipt
    And fiscal receipt 1 is a payment receipt of 1000.00 RUB
    When the merchant refunds 400.00 RUB
    Then the order has 2 fiscal receipts
    And fiscal receipt 2 is a refund receipt of 400.00 RUB
    When the merchant closes the receipt with 600.00 RUB
    Then fiscal receipt 3 is a closing receipt of 600.00 RUB
