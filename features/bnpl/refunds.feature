@bnpl @refund @mock
Feature: A loan is cancelled only before approval and refunded in part only after
  Alfabank's and Tom Finans's pages state the rule: the whole payment can be
  cancelled only while the loan is not approved, and part of it refunded
  only once it is. Both go through the ordinary refund endpoints.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: Loan from <provider> awaiting approval can be cancelled
    Given the buyer applies for a <provider> loan
    When the merchant refunds the whole payment
    Then the payment is cancelled

    Examples:
      | provider    |
      | ALFABANK    |
      | TOM_FINANCE |

  Scenario: An approved Alfabank loan cannot be cancelled
    Given the buyer applies for a ALFABANK loan
    And the merchant approves the loan
    When the merchant refunds the whole payment
    Then the refund is rejected

  Scenario: Part of a loan cannot be refunded before approval
    Given the buyer applies for a ALFABANK loan
    When the merchant refunds 10.00 of item 1
    Then the item refund is rejected as a validation error

  Scenario: Part of an approved loan can be refunded
    Given the buyer applies for a TOM_FINANCE loan
    And the merchant approves the loan
    When the merchant refunds 10.00 of item 1
    Then the item refund succeeds with 10.00 TRY

  Scenario: A cancelled loan can no longer be approved
    Given the buyer applies for a ALFABANK loan
    And the merchant refunds the whole payment
    When the merchant approves the loan
    Then the loan approval is rejected as a validation error
