@preauth @error-card
Feature: Test cards declined at pre-authorisation or at post-auth
  The sandbox has two pre-authorisation test cards: one is declined when the
  amount is to be held, the other is held but declined when the merchant
  closes the pre-authorisation. A declined post-auth leaves the
  pre-authorisation as it was, still held.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: <group> card <card> is declined at pre-authorisation
    When the buyer pre-authorises the payment without 3-D Secure with card "<card>"
    Then the payment is declined with error group "<group>"
    And the declined payment can be retrieved with that error
    And the retrieved payment is in phase "PRE_AUTH"

    Examples:
      | card             | group                |
      | 9792120000006667 | NOT_SUFFICIENT_FUNDS |

  Scenario Outline: <group> card <card> is pre-authorised but declined at post-auth
    Given the buyer has pre-authorised the payment without 3-D Secure with card "<card>"
    When the merchant post-auths 100.00 of the payment
    Then the post-auth is declined with error group "<group>"
    And the retrieved payment is in phase "PRE_AUTH"

    Examples:
      | card             | group               |
      | 4043150000006662 | INVALID_TRANSACTION |

  @webhook
  Scenario: A declined post-auth is notified with a signed API_AUTH webhook
    Given the buyer has pre-authorised the payment without 3-D Secure with card "4043150000006662"
    When the merchant post-auths 100.00 of the payment
    Then the post-auth is declined with error group "INVALID_TRANSACTION"
    And the merchant receives a signed "API_AUTH" webhook with status "FAILURE" for the post-auth
