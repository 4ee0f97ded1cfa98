@rbs @rbs-direct
Feature: Alfa-Bank RBS payments from the merchant's own card form
  A merchant certified for card data sends the card with paymentorder.do.
  A card without 3-D Secure is paid at once. For 3-D Secure 1 the gateway
  answers acsUrl, paReq and termUrl: the merchant's page posts the payer
  to the ACS, which returns PaRes to termUrl, and finish3dsPayment.do ends
  the payment. For 3-D Secure 2 the first call answers is3DSVer2 with a
  threeDSServerTransId, a second call with it answers acsUrl and
  packedCReq, and finish3dsVer2Payment.do ends the payment.
  verifyEnrollment.do tells whether a card takes part in 3-D Secure, and
  the classic getOrderStatus.do still answers with its capitalised fields.

  Background:
    Given an Alfa-Bank RBS merchant with test credentials
    And the merchant has registered a one-phase order of 300.00 RUB

  Scenario: A card without 3-D Secure is paid at once
    When the merchant's page sends test card "5555555555555599" with paymentorder.do
    Then the RBS order has status 2 "DEPOSITED"
    And the classic order status is 2 with the card "555555**5599"

  Scenario: A 3-D Secure 1 payment is finished with finish3dsPayment.do
    When the merchant's page sends test card "4111111111111111" with paymentorder.do
    Then the gateway asks for 3-D Secure 1
    When the payer confirms 3-D Secure at the ACS
    Then the RBS order has status 5 "ACS"
    When the merchant finishes 3-D Secure with the gateway
    Then the RBS order has status 2 "DEPOSITED"
    And the RBS order's actionCode is 0

  Scenario: A failed 3-D Secure 1 authentication declines the payment
    When the merchant's page sends test card "2200000000000053" with paymentorder.do
    And the payer fails 3-D Secure at the ACS
    And the merchant finishes 3-D Secure with the gateway
    Then the RBS order has status 6 "DECLINED"
    And the RBS order's actionCode is 151017

  Scenario: A 3-D Secure 2 payment is finished with finish3dsVer2Payment.do
    When the merchant's page sends test card "4000001111111118" with paymentorder.do
    Then the gateway asks for 3-D Secure 2
    When the merchant's page repeats paymentorder.do with the 3-D Secure 2 transaction
    And the payer confirms 3-D Secure at the ACS
    And the merchant finishes 3-D Secure with the gateway
    Then the RBS order has status 2 "DEPOSITED"

  Scenario: verifyEnrollment.do tells which cards use 3-D Secure
    Then the gateway reports test card "4111111111111111" as enrolled in 3-D Secure
    And the gateway reports test card "5555555555555599" as not enrolled in 3-D Secure

  Scenario: An order nobody tried to pay reports no payment attempt
    Then the RBS order has status 0 "CREATED"
    And the RBS order's actionCode is -100
