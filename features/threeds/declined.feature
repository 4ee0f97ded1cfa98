@3ds @error-card
Feature: 3-D Secure error cards fail at the step the catalogue documents
  A 3-D Secure payment can fail at each of its legs. A few cards cannot
  even start 3-D Secure; some come back from the bank not (or only half)
  authenticated, which the callback's mdStatus tells; others are verified
  but declined by the bank when the merchant completes the payment, with
  the same error group as a non-3DS payment. Which card fails where is the
  test-card catalogue's; Go tests keep each outline's rows and the catalogue
  identical.

  The merchant's 3-D Secure mode decides which mdStatus values complete:
  FULL_THREEDS (the default) accepts only 1, HALF_THREEDS also 2, 3 and 4.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: <group> card <card> cannot start 3-D Secure
    When the buyer starts a 3-D Secure payment with card "<card>"
    Then the payment is declined with error group "<group>"
    And the declined payment can be retrieved with that error

    Examples:
      | card             | group              |
      | 5117580000006668 | THREEDS_INIT_ERROR |

  Scenario Outline: <group> card <card> is verified but declined at completion
    Given the buyer has verified a 3-D Secure payment with card "<card>" at the bank
    When the merchant completes the 3-D Secure payment
    Then the payment is declined with error group "<group>"
    And the declined payment can be retrieved with that error

    Examples:
      | card             | group                       |
      | 5100050000006661 | NOT_SUFFICIENT_FUNDS        |
      | 5100560000006669 | DO_NOT_HONOUR               |
      | 5101380000006661 | INVALID_TRANSACTION         |
      | 5101510000006663 | NOT_PERMITTED_TO_CARDHOLDER |
      | 5101520000006662 | STOLEN_CARD                 |
      | 5102210000006669 | DECLINED                    |

  @mock
  Scenario Outline: Card <card> comes back with mdStatus <mdStatus> and cannot be completed in FULL_THREEDS mode
    Given the merchant asks for 3-D Secure callbacks of version 2
    And the buyer has verified a 3-D Secure payment with card "<card>" at the bank
    When the merchant completes the 3-D Secure payment
    Then the payment is rejected as a validation error
    And the callback carries status "FAILURE"
    And the callback carries md status "<mdStatus>"
    And the payment can be retrieved with status "FAILURE"

    Examples:
      | card             | mdStatus |
      | 5115830000006669 | 0        |
      | 5117280000006665 | 4        |

  @mock @serial
  Scenario: A half-authenticated card completes in HALF_THREEDS mode
    Given the merchant's 3-D Secure mode is "HALF_THREEDS"
    And the merchant asks for 3-D Secure callbacks of version 2
    And the buyer has verified a 3-D Secure payment with card "5117280000006665" at the bank
    When the merchant completes the 3-D Secure payment
    Then the payment succeeds
    And the callback carries status "SUCCESS"
    And the callback carries md status "4"

  @mock @serial
  Scenario: An unauthenticated card fails in HALF_THREEDS mode too
    Given the merchant's 3-D Secure mode is "HALF_THREEDS"
    And the merchant asks for 3-D Secure callbacks of version 2
    When the buyer starts a 3-D Secure payment with card "5115830000006669"
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the callback carries md status "0"

  @mock @serial
  Scenario: A card the bank declines fails at the bank with the 3D Pay model
    Given the merchant's POS uses the 3D Pay model
    When the buyer starts a 3-D Secure payment with card "5100050000006661"
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the callback carries complete status "COMPLETED"
    And the payment can be retrieved with status "FAILURE"
