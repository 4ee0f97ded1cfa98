@rbs @rbs-client
Feature: Alfa-Bank RBS as strict and GET-mode clients call it
  Every method accepts GET with its parameters in the query as well as
  POST. The gateway's documentation types errorCode and actionCode as
  strings in its tables and shows numbers in several examples; the mock
  answers each method as its example does by default, and with
  --rbs-json-codes number or string answers every code as that one type,
  so a merchant can check a strictly typed client against either. The
  strict scenarios start an RBS mock of their own in that mode.

  Scenario: A client in GET mode pays and reads an order
    Given an Alfa-Bank RBS merchant with test credentials
    And the merchant's client sends every call as HTTP GET
    And a one-phase order of 100.00 RUB was paid with test card "4111111111111111"
    Then the RBS order has status 2 "DEPOSITED"
    When the merchant refunds 100.00 RUB
    Then the RBS order has status 4 "REFUNDED"

  @mock
  Scenario Outline: A strict client decodes every answer when codes are <type>s
    Given an Alfa-Bank RBS mock answering every code as a <type>
    Then every answer of an order's life decodes into strictly typed structs

    Examples:
      | type   |
      | number |
      | string |
