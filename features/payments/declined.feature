@non3ds @error-card
Feature: Declined non-3DS card payments carry the documented error group
  Each sandbox error card declines a non-3DS payment with HTTP 422 and the
  error group the test-card catalogue documents for it. The declined payment
  is still stored: retrieving it shows the same error. Merchants branch on
  the error group, never on the error code; only NOT_SUFFICIENT_FUNDS has a
  published code (10051).

  The examples list every card of the catalogue that fails at the non-3DS
  payment step; a Go test keeps this table and the catalogue identical.

  Background:
    Given a merchant with valid API credentials

  Scenario: Insufficient funds carry the documented error code
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with card "5100050000006661"
    Then the payment is declined with error group "NOT_SUFFICIENT_FUNDS" and code "10051"

  Scenario Outline: <group> card <card> is declined
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer pays without 3-D Secure with card "<card>"
    Then the payment is declined with error group "<group>"
    And the declined payment can be retrieved with that error

    Examples:
      | card                | group                               |
      | 4006840000006663    | EXCEEDS_ALLOWABLE_PIN_TRIES         |
      | 4007420000006663    | INVALID_PIN                         |
      | 4010720000006661    | ISSUER_OR_SWITCH_INOPERATIVE        |
      | 4022770000006662    | INVALID_EXPIRE_YEAR_MONTH           |
      | 4024580000006663    | REQUEST_BLOCKED_BY_BANK             |
      | 4025890000006665    | SALES_AMOUNT_LESS_THAN_AWARD        |
      | 4029400000006669    | INVALID_AMOUNT                      |
      | 4032800000006665    | INVALID_CARD_TYPE                   |
      | 4043080000006661    | NOT_SUFFICIENT_AWARD                |
      | 4049520000006660    | NO_RESPONSE                         |
      | 4059190000006669    | ORDER_ID_ALREADY_USED               |
      | 4059190000176660    | INVALID_IP                          |
      | 4183420000006669    | PICKUP_CARD                         |
      | 4234800000006661    | CVC_REQUIRED                        |
      | 4289450000006669    | INPUT_DATA                          |
      | 5100050000006661    | NOT_SUFFICIENT_FUNDS                |
      | 5100560000006669    | DO_NOT_HONOUR                       |
      | 5101380000006661    | INVALID_TRANSACTION                 |
      | 5101510000006663    | NOT_PERMITTED_TO_CARDHOLDER         |
      | 5101520000006662    | STOLEN_CARD                         |
      | 5102210000006669    | DECLINED                            |
      | 5115830000006669    | NOT_SUFFICIENT_FUNDS                |
      | 5117280000006665    | NOT_SUFFICIENT_FUNDS                |
      | 5117580000006668    | NOT_SUFFICIENT_FUNDS                |
      | 5136620000006669    | LOST_CARD                           |
      | 5163080000006662    | EXPIRED_CARD                        |
      | 5164580000006660    | INVALID_CVC2                        |
      | 5188960000006666    | NOT_PERMITTED_TO_TERMINAL           |
      | 5192610000006661    | FRAUD_SUSPECT                       |
      | 5193240000006666    | RESTRICTED_BY_LAW                   |
      | 5200170000006666    | UNKNOWN                             |
      | 5209220000006660    | CARD_NOT_PERMITTED                  |
      | 5209320000006668    | REQUIRES_3DS                        |
      | 5213940000006667    | APPROVED_COMPLETED                  |
      | 5218750000006665    | INVALID_CVC2_LENGTH                 |
      | 5220750000006661    | INVALID_CHARS_IN_EMAIL              |
      | 5222400000006661    | REFER_TO_CARD_ISSUER                |
      | 5222650000006661    | INVALID_MERCHANT_OR_SP              |
      | 5223620000006663    | BLOCKED_CARD                        |
      | 5237590000006662    | INVALID_CAVV                        |
      | 5253290000006668    | INVALID_ECI                         |
      | 5253390000006666    | CVC2_MAX_ATTEMPT                    |
      | 5253820000006662    | BIN_NOT_FOUND                       |
      | 5254040000006666    | COMMUNICATION_OR_SYSTEM_ERROR       |
      | 5328130000006667    | INVALID_CARD_NUMBER                 |
      | 5339730000006661    | NO_SUCH_ISSUER                      |
      | 5342530000006660    | DEBIT_CARDS_REQUIRES_3DS            |
      | 5353550000006664    | DEBIT_CARDS_INSTALLMENT_NOT_ALLOWED |
      | 5358810000006667    | REQUEST_TIMEOUT                     |
      | 5381210000006661    | NOT_PERMITTED_TO_FOREIGN_CARD       |
      | 5400240000006665    | NOT_PERMITTED_TO_INSTALLMENT        |
      | 5400630000006667    | REQUIRES_DAY_END                    |
      | 5477650000006663    | TOO_MANY_REQUESTS                   |
      | 5482020000006662    | EXCEEDS_WITHDRAWAL_AMOUNT_LIMIT     |
      | 5545480000006663    | RESTRICTED_CARD                     |
