@rbs @rbs-reconciliation
Feature: Alfa-Bank RBS reconciliation and order parameters
  getLastOrdersForMerchants.do lists the merchant's orders of a period in
  the given states (CREATED, APPROVED, DEPOSITED, DECLINED, REVERSED,
  REFUNDED), a page at a time, each with the fields of
  getOrderStatusExtended.do: what a merchant reconciles its books against.
  addParams.do adds name/value parameters to an order, shown back in
  merchantOrderParams.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: A paid order is listed among the deposited ones
    Given a one-phase order of 450.00 RUB was paid with test card "5555555555555599"
    When the merchant lists the orders of the order's time in state "DEPOSITED"
    Then the list holds the order
    When the merchant lists the orders of the order's time in state "CREATED,DECLINED"
    Then the list lacks the order

  Scenario: A refunded order moves to the refunded ones
    Given a one-phase order of 450.00 RUB was paid with test card "5555555555555599"
    And the merchant refunds 450.00 RUB
    When the merchant lists the orders of the order's time in states "REFUNDED"
    Then the list holds the order

  Scenario: Parameters added to an order come back with its status
    Given the merchant has registered a one-phase order of 10.00 RUB
    When the merchant adds the parameter "crmOrder" = "A-1001" to the order
    Then the order carries the parameter "crmOrder" = "A-1001"
