@meal-voucher @apm @mock
Feature: Meal-voucher cards and the BNPL credit limit
  A meal-voucher card (Edenred, Pluxee, Setcard, Multinet, Metropol) is
  registered with a code sent to its holder; its fingerprint and balance
  come back. A shopping-loan provider answers a buyer's credit limit after
  an SMS code.

  Background:
    Given a merchant with valid API credentials

  Scenario: A meal-voucher card is tokenised with the holder's code
    Given the buyer registers EDENRED meal-voucher card "6036340000000120"
    When the buyer confirms the meal-voucher card with code "123456"
    Then the meal-voucher card is tokenised with a balance of 220.00 TRY

  Scenario: A wrong meal-voucher code is refused, a new one works
    Given the buyer registers MULTINET meal-voucher card "6036340000000997"
    When the buyer confirms the meal-voucher card with code "111111"
    Then the meal-voucher code is refused with error group "APM_INVALID_VERIFICATION_CODE"
    When the provider sends a new meal-voucher code
    And the buyer confirms the meal-voucher card with code "123456"
    Then the meal-voucher card is tokenised with a balance of 1097.00 TRY

  @bnpl
  Scenario: The buyer's credit limit at ZIP
    Given the buyer asks ZIP for a credit limit with identity number "11111111110"
    When the buyer confirms the limit inquiry with code "123456"
    Then the credit limit is 50000 TRY

  @bnpl
  Scenario: A wrong code gives no credit limit
    Given the buyer asks ZIP for a credit limit with identity number "11111111111"
    When the buyer confirms the limit inquiry with code "000000"
    Then the limit inquiry fails
