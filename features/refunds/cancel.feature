@refund @cancel
Feature: Reversing a whole payment: cancel or refund
  One call reverses a whole payment, without an amount. The provider decides
  how: on the day of the payment (before the bank's end of day, Europe/Istanbul)
  and with no earlier partial refund it is a CANCEL, a void with its own id;
  on a later day, or after a partial refund, it is a REFUND made of one refund
  per basket item for what is left of it.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A payment reversed on the day it was taken is cancelled
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds the whole payment
    Then the payment is cancelled
    And the refund returns 100.00 TRY
    And the cancellation can be retrieved

  @mock
  Scenario: A cancelled payment shows as fully refunded
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant refunds the whole payment
    Then the payment is cancelled
    And the payment's refund status is "FULLY_REFUNDED"
    And item 1 has 0.00 left to refund
    And item 2 has 0.00 left to refund

  @mock @clock
  Scenario: A payment reversed after the bank's end of day is refunded item by item
    Given the buyer has paid without 3-D Secure with a successful credit card
    And the bank's day has ended
    When the merchant refunds the whole payment
    Then the payment is refunded rather than cancelled
    And the refund returns 100.00 TRY
    And the refund returns 60.00 for item 1
    And the refund returns 40.00 for item 2
    And each item refund can be retrieved
    And the payment's refund status is "FULLY_REFUNDED"

  Scenario: A payment with a partial refund is refunded, not cancelled, for what is left
    Given the buyer has paid without 3-D Secure with a successful credit card
    And the merchant has refunded 10.00 of item 1
    When the merchant refunds the whole payment
    Then the payment is refunded rather than cancelled
    And the refund returns 90.00 TRY
    And the refund returns 50.00 for item 1
    And the refund returns 40.00 for item 2
    And each item refund can be retrieved

  Scenario: A declined payment cannot be refunded
    Given the buyer's payment without 3-D Secure with card "5100050000006661" was declined
    When the merchant refunds the whole payment
    Then the refund is rejected
