@apm @error-card @mock
Feature: The APM error groups reach the merchant as payment errors
  An APM provider refuses a payment with one of the APM error groups of the
  test-card page. The sandbox documents no accounts that produce them, so
  the mock decides: a voucher card (apmUserIdentity) 0000000000000018 to
  0000000000000059 is refused at init with one group each, and at
  completion the code 999999 has expired and any code but 123456 is
  invalid. A Go test keeps the outline's rows and the catalogue's APM
  groups identical.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: <group> APM user <card> is refused at init
    When the buyer starts an EDENRED APM payment as APM user "<card>"
    Then the payment is declined with error group "<group>"
    And the declined payment can be retrieved with that error

    Examples:
      | card             | group                         |
      | 0000000000000018 | APM_ACCOUNT_NOT_FOUND         |
      | 0000000000000026 | APM_ACCOUNT_PERMISSION_DENIED |
      | 0000000000000034 | APM_VALIDATION_ERROR          |
      | 0000000000000042 | APM_VPOS_ERROR                |
      | 0000000000000059 | APM_ERROR                     |

  Scenario Outline: <group> code <card> is refused at completion
    Given the buyer starts an EDENRED APM payment
    When the merchant completes the APM payment with code "<card>"
    Then the payment is declined with error group "<group>"
    And the declined payment can be retrieved with that error

    Examples:
      | card   | group                         |
      | 111111 | APM_INVALID_VERIFICATION_CODE |
      | 999999 | APM_VERIFICATION_CODE_ERROR   |
