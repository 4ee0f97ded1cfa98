@card-verify @stored-card @mock
Feature: Card verification
  Before storing a card, the merchant can ask the bank to authorise a small
  amount (refunded at once) or store it without asking; a hosted page does
  the same with the card the buyer types. A card the bank refuses is not
  stored.

  Background:
    Given a merchant with valid API credentials

  Scenario: A card the bank verifies is stored
    When the merchant verifies a successful credit card with asking the bank
    Then the card verification succeeds and stores the card

  @error-card
  Scenario: A card the bank refuses is not stored
    When the merchant verifies card "5100050000006661" with asking the bank
    Then the card verification fails

  Scenario: A card stored without asking the bank
    When the merchant verifies card "5100050000006661" without asking the bank
    Then the card verification succeeds and stores the card

  Scenario: The buyer verifies a card on the hosted page
    When the buyer verifies a successful credit card on the card verification page
    Then the card verification page's token retrieves the card

  @error-card
  Scenario: The hosted page stores no card the bank refuses
    When the buyer verifies card "5100050000006661" on the card verification page
    Then the card verification page's token retrieves no card

  @3ds
  Scenario: A card verified with 3-D Secure at the bank is stored
    When the merchant verifies a successful credit card with 3-D Secure
    And the buyer verifies the card at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "SUCCESS"
    And the callback carries md status "1"
    And the callback carries the stored card's keys

  @3ds @error-card
  Scenario: A card whose 3-D Secure fails is not stored
    When the merchant verifies card "5115830000006669" with 3-D Secure
    And the buyer verifies the card at the bank
    Then the merchant receives a callback whose hash verifies
    And the callback carries status "FAILURE"
    And the callback carries md status "0"
    And the callback carries no card

  @3ds
  Scenario: A forged card verification callback is refused
    When the merchant verifies a successful credit card with 3-D Secure
    And the buyer verifies the card at the bank
    And a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback
