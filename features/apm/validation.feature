@apm @validation @mock
Feature: An APM payment lacking what its provider needs is refused
  Each APM needs its own inputs (flows.md section 5): a voucher card
  number, a mobile number, a bank code, a country and locale. Without them
  the payment is refused as a validation error, before the provider sees it.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: Payment by <apm> without <param> is refused
    When the buyer starts a <apm> APM payment without its "<param>" parameter
    Then the payment is rejected as a validation error

    Examples:
      | apm              | param            |
      | EDENRED          | apmUserIdentity  |
      | PAYCELL_DCB      | paycellGsmNumber |
      | BIZUM            | buyerPhoneNumber |
      | KLARNA           | locale           |
      | INSTANT_TRANSFER | bankCode         |
      | SODEXO           | sodexoCode       |
