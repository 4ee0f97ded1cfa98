@rbs @binding
Feature: Alfa-Bank RBS bindings: paying again with a stored card
  A binding ("связка") is a card the gateway stores for one of the
  merchant's customers. An order registered with clientId and paid by
  card stores the card for that customer; createBindingNoPayment.do
  stores one without a payment. getBindings.do lists a customer's active
  bindings (errorCode 2 when there are none), getBindingsByCardOrId.do
  every binding of one card, paymentOrderBinding.do pays an order of the
  same customer with a binding, with or without CVC. unBindCard.do
  deactivates a binding and bindCard.do activates it again (errorCode 2
  when it already is in that state); extendBinding.do moves its expiry.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: Paying by card stores the card for the customer
    Given the customer "client-7" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    Then the gateway lists 1 binding for the customer "client-7"
    And the binding shows the card as "555555**5599"

  Scenario: A stored card pays a new order with its CVC
    Given the customer "client-8" has paid a one-phase order of 500.00 RUB with test card "4111111111111111"
    And the gateway lists 1 binding for the customer "client-8"
    When the merchant pays a new order of 120.00 RUB for the customer "client-8" with the binding and CVC "123"
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order was paid by "CARD_BINDING"
    And the RBS order shows the card as "411111**1111"

  Scenario: A stored card pays a new order without CVC
    Given the customer "client-9" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    And the gateway lists 1 binding for the customer "client-9"
    When the merchant pays a new order of 75.50 RUB for the customer "client-9" with the binding
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order was paid by "CARD_BINDING"

  Scenario: A removed binding is no longer listed and cannot pay
    Given the customer "client-10" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    And the gateway lists 1 binding for the customer "client-10"
    When the merchant removes the binding
    Then the gateway lists 0 bindings for the customer "client-10"
    When the merchant pays a new order of 10.00 RUB for the customer "client-10" with the binding
    Then the gateway refuses with errorCode 2
    And the RBS order has status 0 "CREATED"

  Scenario: A removed binding can be restored, and removed only once
    Given the customer "client-11" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    And the gateway lists 1 binding for the customer "client-11"
    And the merchant removes the binding
    When the merchant removes the binding
    Then the gateway refuses with errorCode 2
    When the merchant restores the binding
    Then the gateway lists 1 binding for the customer "client-11"

  Scenario: A binding's expiry can be extended
    Given the customer "client-12" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    And the gateway lists 1 binding for the customer "client-12"
    When the merchant extends the binding to "203512"
    Then the gateway lists 1 binding for the customer "client-12"
    And the binding shows the card as "555555**5599" expiring "203512"

  Scenario: A card is stored without a payment and found by its number
    When the merchant stores test card "2200000000000053" for the customer "client-13" without a payment
    Then the gateway lists 1 binding for the customer "client-13"
    And the bindings of test card "2200000000000053" include the customer "client-13"

  Scenario: Another customer's binding cannot pay
    Given the customer "client-14" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    And the gateway lists 1 binding for the customer "client-14"
    When the merchant pays a new order of 10.00 RUB for the customer "client-15" with the binding
    Then the gateway refuses with errorCode 1

  Scenario: An order registered for a stored card asks only for its CVC
    Given the customer "client-16" has paid a one-phase order of 500.00 RUB with test card "5555555555555599"
    And the gateway lists 1 binding for the customer "client-16"
    And the merchant has registered an order of 42.00 RUB for the customer "client-16" payable only with the binding
    Then the payment page asks only for the CVC of the card "555555**5599"
    When the payer pays with the stored card's CVC
    Then the payer returns to the merchant's return URL with the order id
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order was paid by "CARD_BINDING"
