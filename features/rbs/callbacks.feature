@rbs @rbs-callback
Feature: Alfa-Bank RBS callback notifications and their checksum
  The gateway tells the merchant about each payment event with a callback
  (GET by default): mdOrder, orderNumber, operation (approved, deposited,
  reversed, refunded, declinedByTimeout), status (1 success, 0 failure)
  and a checksum. The checksum is HMAC-SHA256 with the merchant's callback
  key over every other parameter sorted by name and written
  "name;value;", in upper-case hex. The merchant answers HTTP 200, or the
  gateway retries. A callback whose checksum verifies can be trusted
  without asking the gateway; a changed or unsigned one cannot.

  These scenarios need a merchant receiver the gateway can reach (the
  order's dynamicCallbackUrl).

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: A deposited payment's callback carries a checksum that verifies
    Given a one-phase order of 150.00 RUB was paid with test card "5555555555555599"
    Then the merchant receives an RBS callback "deposited" with status 1
    And the RBS callback's checksum verifies with the merchant's callback key
    And the RBS callback names the order and its order number
    And the RBS callback carries "amount" = "15000"

  Scenario Outline: A callback with <field> changed to <value> is rejected
    Given a one-phase order of 150.00 RUB was paid with test card "5555555555555599"
    And the merchant has received an RBS callback "deposited" with status 1
    When a forger sends the RBS callback with "<field>" changed to "<value>"
    Then the merchant rejects the forged RBS callback

    Examples:
      | field       | value    |
      | amount      | 1        |
      | status      | 0        |
      | operation   | refunded |
      | orderNumber | 1        |
      | checksum    | 00       |

  Scenario: A callback without its checksum is not trusted
    Given a one-phase order of 150.00 RUB was paid with test card "5555555555555599"
    And the merchant has received an RBS callback "deposited" with status 1
    When a forger sends the RBS callback without its checksum
    Then the merchant does not trust the forged RBS callback

  Scenario: A two-phase payment is announced as approved, its deposit as deposited
    Given a two-phase order of 300.00 RUB was paid with test card "5555555555555599"
    Then the merchant receives an RBS callback "approved" with status 1
    And the RBS callback's checksum verifies with the merchant's callback key
    When the merchant deposits the whole amount
    Then the merchant receives an RBS callback "deposited" with status 1
    And the RBS callback's checksum verifies with the merchant's callback key

  Scenario: A declined payment's callback has status 0
    Given the payer has tried to pay a one-phase order of 150.00 RUB with test card "4000000000000119"
    Then the merchant receives an RBS callback "deposited" with status 0
    And the RBS callback's checksum verifies with the merchant's callback key

  Scenario: A refund is announced with the refunded amount
    Given a one-phase order of 150.00 RUB was paid with test card "5555555555555599"
    When the merchant refunds 50.00 RUB
    Then the merchant receives an RBS callback "refunded" with status 1
    And the RBS callback's checksum verifies with the merchant's callback key
    And the RBS callback carries "operationRefundedAmount" = "5000"

  Scenario: A reversal is announced
    Given a two-phase order of 150.00 RUB was paid with test card "5555555555555599"
    When the merchant reverses the RBS order
    Then the merchant receives an RBS callback "reversed" with status 1
    And the RBS callback's checksum verifies with the merchant's callback key
