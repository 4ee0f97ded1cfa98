@refund @partial
Feature: Refunding part of a basket item
  A merchant refunds (part of) one basket item at a time. Partial refunds of
  an item may be repeated until exactly its price has been refunded; asking
  for more than is left is rejected and changes nothing.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00
    And the buyer has paid without 3-D Secure with a successful credit card

  Scenario: Part of one item is refunded
    When the merchant refunds 20.00 of item 1
    Then the item refund succeeds with 20.00 TRY
    And the item refund can be retrieved

  Scenario Outline: <amount> of item <item> is refunded
    When the merchant refunds <amount> of item <item>
    Then the item refund succeeds with <amount> TRY

    Examples:
      | item | amount |
      | 1    | 0.01   |
      | 1    | 59.99  |
      | 1    | 60.00  |
      | 2    | 12.34  |
      | 2    | 40.00  |

  Scenario: Several partial refunds add up to exactly the item's price
    Given the merchant has refunded 25.00 of item 1
    And the merchant has refunded 25.00 of item 1
    When the merchant refunds 10.00 of item 1
    Then the item refund succeeds with 10.00 TRY

  @mock
  Scenario: What is left to refund is tracked per item
    Given the merchant has refunded 25.00 of item 1
    And the merchant has refunded 25.00 of item 1
    When the merchant refunds 10.00 of item 1
    Then the item refund succeeds with 10.00 TRY
    And item 1 has 0.00 left to refund
    And item 2 has 40.00 left to refund
    And the payment's refund status is "PARTIAL_REFUNDED"

  @mock
  Scenario: Refunding more than is left of an item is rejected
    Given the merchant has refunded 50.00 of item 1
    When the merchant refunds 10.01 of item 1
    Then the item refund is rejected as a validation error
    And item 1 has 10.00 left to refund

  @mock
  Scenario: Refunding more than an item's price is rejected
    When the merchant refunds 40.01 of item 2
    Then the item refund is rejected as a validation error
    And item 2 has 40.00 left to refund
    And the payment's refund status is "NOT_REFUNDED"
