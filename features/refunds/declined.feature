@refund @cancel @error-card
Feature: Refunds declined by the bank carry the documented error group
  Some sandbox cards pay normally but make every cancel or refund of their
  payment fail, with HTTP 422 and the error group the test-card catalogue
  documents. The examples list every such card that succeeds at the payment
  itself; a Go test keeps this table and the catalogue identical.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: <group> card <card> pays but its refund is declined
    Given the buyer has paid without 3-D Secure with card "<card>"
    When the merchant refunds the whole payment
    Then the refund is declined with error group "<group>"

    Examples:
      | card             | group                        |
      | 4059030000006667 | MAY_HAVE_ALREADY_REFUNDED    |
      | 4060150000006660 | TOO_MANY_REQUESTS            |
      | 4320720000006666 | PAYMENT_NOT_FOUND_FOR_REFUND |
      | 4355080000006663 | POS_BALANCE_NOT_SUFFICIENT   |
      | 4792270000006661 | INVALID_REFUND_TRANSACTION   |
      | 5288250000006661 | NON_REFUNDABLE_PAYMENT       |
      | 5428040000006667 | ARCHIVED_PAYMENT             |
      | 5530900000006667 | EXPIRED_PROVISION            |
      | 6501700000006664 | REFUND_DECLINE               |
      | 9792140000006665 | UNKNOWN                      |
