@rbs @rbs-twophase
Feature: Alfa-Bank RBS two-phase payments: hold, then deposit
  registerPreAuth.do registers an order whose payment only holds the money
  (orderStatus 1, APPROVED). The merchant then captures it with deposit.do,
  in full (amount 0 means the whole held amount) or in part, and the order
  becomes 2 (DEPOSITED). A deposit never takes more than was held, and
  only a held order can be deposited (errorCode 7 otherwise). Amounts are
  kopecks on the wire; the features write roubles.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: A held payment is deposited in full
    Given a two-phase order of 1000.00 RUB was paid with test card "5555555555555599"
    Then the RBS order has status 1 "APPROVED"
    And the RBS order's approved amount is 1000.00 RUB
    And the RBS order's deposited amount is 0.00 RUB
    When the merchant deposits the whole amount
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order's deposited amount is 1000.00 RUB

  Scenario: A partial deposit takes only part of the hold
    Given a two-phase order of 1000.00 RUB was paid with test card "4111111111111111"
    When the merchant deposits 600.00 RUB
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order's deposited amount is 600.00 RUB

  Scenario: A deposit above the held amount is refused
    Given a two-phase order of 1000.00 RUB was paid with test card "5555555555555599"
    When the merchant deposits 1000.01 RUB
    Then the gateway refuses with errorCode 7
    And the RBS order has status 1 "APPROVED"
    And the RBS order's deposited amount is 0.00 RUB

  Scenario: An unpaid order cannot be deposited
    Given the merchant has registered a two-phase order of 100.00 RUB
    When the merchant deposits the whole amount
    Then the gateway refuses with errorCode 7
    And the RBS order has status 0 "CREATED"

  Scenario: A deposited order cannot be deposited again
    Given a two-phase order of 500.00 RUB was paid with test card "5555555555555599"
    And the merchant deposits the whole amount
    When the merchant deposits the whole amount
    Then the gateway refuses with errorCode 7
    And the RBS order's deposited amount is 500.00 RUB

  Scenario: A declined hold cannot be deposited
    Given the payer has tried to pay a two-phase order of 100.00 RUB with test card "4000000000000119"
    When the merchant deposits the whole amount
    Then the gateway refuses with errorCode 7
    And the RBS order has status 6 "DECLINED"
