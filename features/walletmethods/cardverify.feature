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
