@rbs @sbp
Feature: Alfa-Bank RBS SBP payments with a dynamic QR code
  For a registered one-phase order the merchant asks
  sbp/c2b/qr/dynamic/get.do for a QR code: a qrId and a payload to show
  the buyer, status STARTED. The buyer scans it and pays or refuses in
  their bank's app; the merchant polls sbp/c2b/qr/status.do (QR status
  and the order's state: CREATED, DEPOSITED or DECLINED) or withdraws the
  QR with sbp/c2b/qr/dynamic/reject.do (REJECTED_BY_USER). A QR code dies
  with its order's session. The mock's payload opens a page that plays
  the buyer's bank app.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials
    And the merchant has registered a one-phase order of 990.00 RUB
    And the merchant asks for an SBP QR code for the order

  Scenario: The buyer pays the QR code in their bank app
    When the buyer pays in their bank app
    Then the SBP QR status is "ACCEPTED" and the order is "DEPOSITED"
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order was paid by "SBP_C2B"
    And the merchant receives an RBS callback "deposited" with status 1

  Scenario: The buyer refuses the payment in their bank app
    When the buyer rejects in their bank app
    Then the SBP QR status is "REJECTED" and the order is "DECLINED"
    And the RBS order has status 6 "DECLINED"

  Scenario: The merchant withdraws an unpaid QR code
    When the merchant withdraws the SBP QR code
    Then the SBP QR status is "REJECTED_BY_USER" and the order is "CREATED"
    And the buyer's bank app refuses the QR code

  Scenario: An unpaid QR code's status waits for the buyer
    Then the SBP QR status is "STARTED" and the order is "CREATED"
    And the RBS order's actionCode is -100

  @mock @clock
  Scenario: A QR code expires with its order's session
    When the order's payment session expires
    Then the SBP QR status is "REJECTED" and the order is "DECLINED"
    And the buyer's bank app refuses the QR code
