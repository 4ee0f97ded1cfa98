@rbs @rbs-payment
Feature: Alfa-Bank RBS one-phase payments on the gateway's payment page
  The merchant registers an order with register.do: the amount in kopecks,
  the currency as its ISO 4217 number (643 for roubles), a return URL and a
  fail URL. The gateway answers with the order id (mdOrder) and formUrl,
  its payment page. The payer enters the card there, confirms 3-D Secure at
  the issuer's page when the card needs it, and lands on the merchant's
  return or fail URL with orderId appended. Only getOrderStatusExtended.do
  (or a verified callback) says whether the money was taken: orderStatus 2
  is a completed one-phase payment, 6 a declined one.

  errorCode 0 only means the gateway processed the request. The errorCode
  tables are per method; register.do uses 1 for a used order number, 3 for
  a currency the merchant may not take, 4 for a missing or malformed
  mandatory parameter (a relative return URL included) and 5 for a wrong
  value or wrong credentials.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: A one-phase payment with 3-D Secure is deposited
    When the merchant registers a one-phase order of 1500.50 RUB
    Then the gateway answers with an order id and a payment page link
    When the payer pays on the payment page with test card "4111111111111111"
    And the payer confirms 3-D Secure with password "12345678"
    Then the payer returns to the merchant's return URL with the order id
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order's deposited amount is 1500.50 RUB
    And the RBS order shows the card as "411111**1111"
    And the RBS order's actionCode is 0

  Scenario: A card without 3-D Secure is paid at once
    When the merchant registers a one-phase order of 250.00 RUB
    And the payer pays on the payment page with test card "5555555555555599"
    Then the payer returns to the merchant's return URL with the order id
    And the RBS order has status 2 "DEPOSITED"
    And the RBS order shows the card as "555555**5599"

  Scenario: A MIR card pays through 3-D Secure
    When the merchant registers a one-phase order of 99.99 RUB
    And the payer pays on the payment page with test card "2200000000000053"
    And the payer confirms 3-D Secure with password "12345678"
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order's deposited amount is 99.99 RUB

  Scenario: An unpaid order waits on the payment page, which shows the test cards
    When the merchant registers a one-phase order of 10.00 RUB
    And the payer opens the payment page
    Then the payment page shows the test card data
    And the RBS order has status 0 "CREATED"

  Scenario Outline: Declining test card <card> ends on the fail URL with actionCode <actionCode>
    When the merchant registers a one-phase order of 100.00 RUB
    And the payer pays on the payment page with test card "<card>"
    Then the payer returns to the merchant's fail URL with the order id
    And the RBS order has status 6 "DECLINED"
    And the RBS order's actionCode is <actionCode>

    Examples:
      | card             | actionCode |
      | 4000000000000119 | 116        |
      | 4000000000000135 | 151018     |
      | 5100000000000107 | 5          |
      | 2200000000000111 | 902        |

  Scenario: The issuer declines 3-D Secure for a card that always fails it
    When the merchant registers a one-phase order of 100.00 RUB
    And the payer pays on the payment page with test card "4000000000000127"
    And the payer confirms 3-D Secure with password "12345678"
    Then the payer returns to the merchant's fail URL with the order id
    And the RBS order has status 6 "DECLINED"
    And the RBS order's actionCode is 151017

  Scenario: A wrong 3-D Secure password declines the payment
    When the merchant registers a one-phase order of 100.00 RUB
    And the payer pays on the payment page with test card "4111111111111111"
    And the payer enters the wrong 3-D Secure password
    Then the payer returns to the merchant's fail URL with the order id
    And the RBS order has status 6 "DECLINED"
    And the RBS order's actionCode is 151017

  Scenario: The router takes the same order as JSON
    When the merchant registers a one-phase order of 1234.00 RUB through the router
    Then the gateway answers with an order id and a payment page link
    When the payer pays on the payment page with test card "4111111111111111"
    And the payer confirms 3-D Secure with password "12345678"
    Then the RBS order has status 2 "DEPOSITED"
    And the router reports the order's state as "DEPOSITED"

  Scenario: An order number is registered only once
    Given the merchant has registered a one-phase order of 10.00 RUB
    When the merchant registers another order with the same order number
    Then the gateway refuses with errorCode 1

  Scenario Outline: register.do refuses <mistake> with errorCode <code>
    When the merchant registers an order with <mistake>
    Then the gateway refuses with errorCode <code>

    Examples:
      | mistake                          | code |
      | an order number of 37 characters | 1    |
      | an unknown currency              | 3    |
      | a relative return URL            | 4    |
      | no amount                        | 4    |
      | an amount of 0                   | 5    |
      | a wrong password                 | 5    |
      | conflicting features             | 13   |

  Scenario: The status of an unknown order is errorCode 6
    When the merchant asks for the status of an unknown RBS order
    Then the gateway refuses with errorCode 6
