@rbs @rbs-refund
Feature: Alfa-Bank RBS reverse versus refund
  reverse.do cancels an authorisation: a hold (status 1) or a payment on
  the day it was made, once, before any refund. The order becomes 3
  (REVERSED). refund.do returns money that was actually debited: only from
  a deposited (2) or refunded (4) order, repeatable while the refunds add
  up to no more than the deposited amount; the order becomes 4 (REFUNDED).
  A hold was never debited, so it cannot be refunded: it is reversed.

  The bank's reversal window is agreed with its support; gatecheck's mock
  closes it at the end of the payment's day in Moscow.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: A hold is reversed and can no longer be deposited
    Given a two-phase order of 500.00 RUB was paid with test card "5555555555555599"
    When the merchant reverses the RBS order
    Then the RBS order has status 3 "REVERSED"
    When the merchant deposits the whole amount
    Then the gateway refuses with errorCode 7

  Scenario: An order is reversed only once
    Given a two-phase order of 500.00 RUB was paid with test card "5555555555555599"
    When the merchant reverses 200.00 RUB
    Then the RBS order has status 1 "APPROVED"
    And the RBS order's approved amount is 300.00 RUB
    When the merchant reverses the RBS order
    Then the gateway refuses with errorCode 7

  Scenario: A payment is reversed on the day it was made
    Given a one-phase order of 800.00 RUB was paid with test card "5555555555555599"
    When the merchant reverses the RBS order
    Then the RBS order has status 3 "REVERSED"

  @mock @clock
  Scenario: After the payment's day a payment is refunded, not reversed
    Given a one-phase order of 800.00 RUB was paid with test card "5555555555555599"
    And the RBS gateway's day has ended
    When the merchant reverses the RBS order
    Then the gateway refuses with errorCode 7
    When the merchant refunds 800.00 RUB
    Then the RBS order has status 4 "REFUNDED"
    And the RBS order's refunded amount is 800.00 RUB

  Scenario: A hold cannot be refunded because nothing was debited
    Given a two-phase order of 500.00 RUB was paid with test card "5555555555555599"
    When the merchant refunds 100.00 RUB
    Then the gateway refuses with errorCode 7
    And the RBS order has status 1 "APPROVED"

  Scenario: Partial refunds add up to the deposited amount and no further
    Given a one-phase order of 1000.00 RUB was paid with test card "5555555555555599"
    When the merchant refunds 400.00 RUB
    Then the RBS order has status 4 "REFUNDED"
    And the RBS order's refunded amount is 400.00 RUB
    When the merchant refunds 600.00 RUB
    Then the RBS order's refunded amount is 1000.00 RUB
    When the merchant refunds 1.00 RUB
    Then the gateway refuses with errorCode 7
    And the RBS order's refunded amount is 1000.00 RUB

  Scenario: An over-refund is refused and changes nothing
    Given a one-phase order of 1000.00 RUB was paid with test card "5555555555555599"
    When the merchant refunds 1000.01 RUB
    Then the gateway refuses with errorCode 7
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order's refunded amount is 0.00 RUB

  Scenario: A refunded payment can no longer be reversed
    Given a one-phase order of 1000.00 RUB was paid with test card "5555555555555599"
    And the merchant refunds 100.00 RUB
    When the merchant reverses the RBS order
    Then the gateway refuses with errorCode 7
    And the RBS order has status 4 "REFUNDED"

  Scenario: A deposited hold is refunded like a one-phase payment
    Given a two-phase order of 700.00 RUB was paid with test card "5555555555555599"
    And the merchant deposits 500.00 RUB
    When the merchant refunds 500.00 RUB
    Then the RBS order has status 4 "REFUNDED"
    When the merchant refunds 1.00 RUB
    Then the gateway refuses with errorCode 7

  Scenario: A declined payment can be neither reversed nor refunded
    Given the payer has tried to pay a one-phase order of 100.00 RUB with test card "4000000000000119"
    When the merchant reverses the RBS order
    Then the gateway refuses with errorCode 7
    When the merchant refunds 100.00 RUB
    Then the gateway refuses with errorCode 7
