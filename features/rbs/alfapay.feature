@rbs @alfapay
Feature: Alfa Pay through the all2pay router
  The router replicates the gateway's API with JSON bodies and adds
  /alfapay/paymentOrder.do. After registering the order (register.do or
  registerPreAuth.do), the merchant asks for the Alfa Pay payment and gets
  {"data":{"orderId","redirect"},"success":true}. The payer follows the
  redirect to Alfa Pay, chooses a card of the Alfa-Bank wallet and pays;
  Alfa Pay sends the payer to the return URL, or to the fail URL when the
  payment fails or the payer cancels. The merchant then reads the order's
  status from the router (seed 002, steps 1-22). In the redirect variant
  the order allows ALFAPAY and the payment page offers the Alfa Pay button.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: An Alfa Pay payment of a one-phase order is deposited
    When the merchant registers a one-phase order of 1234.00 RUB through the router
    And the merchant asks the router for the Alfa Pay payment
    Then the router answers with an Alfa Pay redirect
    When the payer pays in Alfa Pay with the wallet card ending in "1111"
    Then the payer returns to the merchant's return URL with the order id
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order was paid by "ALFAPAY"
    And the router reports the order's state as "DEPOSITED"

  Scenario: An Alfa Pay payment of a two-phase order is held, then deposited
    When the merchant registers a two-phase order of 500.00 RUB through the router
    And the merchant asks the router for the Alfa Pay payment
    And the payer pays in Alfa Pay with the wallet card ending in "1111"
    Then the RBS order has status 1 "APPROVED"
    And the router reports the order's state as "APPROVED"
    When the merchant deposits the whole amount
    Then the RBS order has status 2 "DEPOSITED"

  Scenario: A declined Alfa Pay card ends on the fail URL
    When the merchant registers a one-phase order of 100.00 RUB through the router
    And the merchant asks the router for the Alfa Pay payment
    And the payer pays in Alfa Pay with the wallet card ending in "0119"
    Then the payer returns to the merchant's fail URL with the order id
    And the RBS order has status 6 "DECLINED"
    And the RBS order's actionCode is 116

  Scenario: A payer who cancels in Alfa Pay ends on the fail URL
    When the merchant registers a one-phase order of 100.00 RUB through the router
    And the merchant asks the router for the Alfa Pay payment
    And the payer cancels in Alfa Pay
    Then the payer returns to the merchant's fail URL with the order id
    And the RBS order has status 6 "DECLINED"
    And the router reports the order's state as "DECLINED"

  Scenario: The payment page offers Alfa Pay when the order allows it
    When the merchant registers a one-phase order of 300.00 RUB through the router allowing "CARD,ALFAPAY"
    And the payer chooses Alfa Pay on the payment page
    And the payer pays in Alfa Pay with the wallet card ending in "1111"
    Then the payer returns to the merchant's return URL with the order id
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order was paid by "ALFAPAY"

  Scenario: Alfa Pay is refused for an order that is already paid
    When the merchant registers a one-phase order of 100.00 RUB through the router
    And the payer pays on the payment page with test card "5555555555555599"
    And the merchant asks the router for the Alfa Pay payment
    Then the gateway refuses with errorCode 7
