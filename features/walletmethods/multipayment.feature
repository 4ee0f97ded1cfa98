@multi-payment @mock
Feature: Split payments
  The merchant creates a split ("parçalı") payment for the basket; on its
  page the buyer pays the total in parts, each an ordinary card payment.
  When the whole price is paid, the page sends the buyer back to the
  merchant with the token, and the split payment is COMPLETED.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: The buyer pays the total in two parts
    Given the merchant has created a split payment for the basket in at most 3 parts
    When the buyer pays 60.00 of the split payment with a successful credit card
    Then the split payment is CREATED with 40.00 remaining and 1 payment
    When the buyer pays 40.00 of the split payment with a successful debit card
    Then the split payment is COMPLETED with 0.00 remaining and 2 payments

  @error-card
  Scenario: A declined part leaves the amount to pay
    Given the merchant has created a split payment for the basket in at most 3 parts
    When the buyer pays 30.00 of the split payment with card "5100050000006661"
    Then the split payment is CREATED with 100.00 remaining and 1 payment
    And the merchant takes payment 1 of the split payment
    And the payment can be retrieved with status "FAILURE"

  @cancel
  Scenario: A part of a split payment is cancelled on its own
    Given the merchant has created a split payment for the basket in at most 2 parts
    And the buyer pays 70.00 of the split payment with a successful credit card
    And the buyer pays 30.00 of the split payment with a successful credit card
    And the split payment is COMPLETED with 0.00 remaining and 2 payments
    And the merchant takes payment 1 of the split payment
    When the merchant refunds the whole payment
    Then the payment is cancelled
