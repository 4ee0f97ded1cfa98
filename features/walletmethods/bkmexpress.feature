@bkm-express @mock
Feature: BKM Express
  The merchant starts BKM Express and hands its ticket and token to the
  BKM Express SDK (the mock's stand-in page), where the buyer chooses a
  card. The merchant completes the payment with the ticket, or with the
  ticket and the payment token, and can read it back by either.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A BKM Express payment completed with its ticket
    When the buyer pays with BKM Express using a successful credit card
    Then the payment succeeds
    And the payment's provider is "BKM_EXPRESS"
    And the BKM Express payment can be retrieved by its ticket and by its token

  Scenario: A BKM Express payment completed with its token
    When the buyer pays with BKM Express using a successful credit card and the merchant completes it by token
    Then the payment succeeds
    And the BKM Express payment can be retrieved by its ticket and by its token

  @error-card
  Scenario: A card the bank declines in BKM Express
    When the buyer pays with BKM Express using card "5100050000006661"
    Then the payment is declined with error group "NOT_SUFFICIENT_FUNDS"

  @cancel
  Scenario: A BKM Express payment is cancelled the same day
    Given the buyer pays with BKM Express using a successful credit card
    When the merchant refunds the whole payment
    Then the payment is cancelled
