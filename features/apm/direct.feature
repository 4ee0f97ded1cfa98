@apm
Feature: Offline payments are recorded as direct APM payments
  A transfer (EFT/havale) or a cash-on-delivery payment collected outside
  Craftgate is recorded with the direct APM endpoint, so that it appears in
  reporting like any payment; it is a successful payment at once.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: Payment by <apm> is a payment at once
    When the merchant records a <apm> payment
    Then the payment is a successful "<apm>" APM payment with one transaction per basket item

    Examples:
      | apm              |
      | CASH_ON_DELIVERY |
      | FUND_TRANSFER    |
