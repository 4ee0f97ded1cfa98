@rbs @retailcrm @golive
Feature: RetailCRM go-live: test payments through an Alfa-Bank payment link
  RetailCRM's Alfa-Bank module (retailcrm.services) registers the CRM
  order at Alfa-Bank's gateway and sends the payer the payment link: the
  gateway's payment page, with a 30-minute session timer. Before Alfa-Bank
  issues production credentials, the merchant makes two test payments
  through such a link, one successful and one failed, and sends support
  their results, with the webhook URL the gateway's callbacks go to.

  These scenarios make those payments and collect the evidence: the link,
  the order ids and numbers, the final statuses, the masked cards and the
  verified callbacks (checklist items E1-E4 of the reference).

  Background:
    Given an Alfa-Bank RBS merchant with test credentials

  Scenario: RetailCRM go-live: a successful test payment through the payment link
    When the merchant creates a payment link for RetailCRM order "RCRM-1001" of 2490.00 RUB
    And the payer opens the payment link
    Then the payment page shows the test card data
    And the payment page's session lasts 30 minutes
    When the payer pays on the payment page with test card "4111111111111111"
    And the payer confirms 3-D Secure with password "12345678"
    Then the payer returns to the merchant's return URL with the order id
    And the RBS order has status 2 "DEPOSITED"
    And the merchant receives an RBS callback "deposited" with status 1
    And the RBS callback's checksum verifies with the merchant's callback key
    And the go-live evidence records a successful payment

  Scenario: RetailCRM go-live: a failed test payment through the payment link
    When the merchant creates a payment link for RetailCRM order "RCRM-1002" of 2490.00 RUB
    And the payer opens the payment link
    Then the payment page shows the test card data
    When the payer pays on the payment page with test card "4000000000000119"
    Then the payer returns to the merchant's fail URL with the order id
    And the RBS order has status 6 "DECLINED"
    And the merchant receives an RBS callback "deposited" with status 0
    And the RBS callback's checksum verifies with the merchant's callback key
    And the go-live evidence records a failed payment

  Scenario: RetailCRM go-live: both test payments as sent to Alfa-Bank support
    When the merchant creates a payment link for RetailCRM order "RCRM-2001" of 100.00 RUB
    And the payer pays through the payment link with test card "5555555555555599"
    And the merchant creates a payment link for RetailCRM order "RCRM-2002" of 100.00 RUB
    And the payer pays through the payment link with test card "4000000000000119"
    Then the go-live evidence holds one successful and one failed payment with their statuses and masked cards
