@stored-card
Feature: Stored cards
  A merchant stores a buyer's card once and charges it later without asking
  for it again. The provider keeps the card and answers a card user key
  (the buyer, who may have several cards) and a card token (the card).
  A payment with a stored card sends only the two keys, no security code
  (the merchant's POS must allow payments without CVV). A card can also be
  stored by the payment that first uses it. Stored cards are found again by
  searching, renamed, given a new expiry and deleted. Answers show a card
  only by its BIN and last four digits, never by its number.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A card is stored for a new card user
    When the merchant stores a successful credit card with the alias "Work card"
    Then the card is stored with a card user key and a card token
    And the stored card is described as the catalogue does
    And the stored card shows the card only by its BIN and last four digits
    And the stored card's alias is "Work card"

  Scenario: A stored card pays without its security code
    Given the merchant has stored a successful credit card
    When the buyer pays without 3-D Secure with the stored card
    Then the payment succeeds
    And the payment was made with the stored card
    And the payment describes the card as the catalogue does
    And the payment shows the card only by its BIN and last four digits

  Scenario: A stored AMEX card pays without its security code
    Given the merchant has stored an AMEX card
    When the buyer pays without 3-D Secure with the stored card
    Then the payment succeeds
    And the payment was made with the stored card

  Scenario: A card is stored after a successful payment
    When the buyer pays without 3-D Secure with a successful credit card and asks to store it
    Then the payment succeeds
    And the payment answers the stored card's card user key and card token
    And the card user's stored cards include the card

  Scenario: A card stored after a payment pays the next time without its security code
    Given the buyer has paid without 3-D Secure with a successful debit card and asked to store it
    When the buyer pays without 3-D Secure with the stored card
    Then the payment succeeds
    And the payment was made with the stored card

  Scenario: A stored card's alias is updated
    Given the merchant has stored a successful credit card with the alias "Work card"
    When the merchant renames the stored card "Holiday card"
    Then the stored card's alias is "Holiday card"
    And the card user's stored cards include the card

  Scenario: A stored card's expiry is updated
    Given the merchant has stored a successful credit card
    When the merchant changes the stored card's expiry to 9/2046
    Then the stored card expires in 9/2046
    And the card user's stored cards include the card

  Scenario: A deleted stored card can no longer pay
    Given the merchant has stored a successful credit card
    When the merchant deletes the stored card
    Then the stored card is deleted
    And the card user's stored cards do not include the card
    When the buyer pays without 3-D Secure with the stored card
    Then the payment with the stored card is rejected

  Scenario: A card user's stored cards are found by searching
    Given the merchant has stored a successful credit card
    And the merchant has stored an AMEX card for the same card user
    When the merchant searches the card user's stored cards
    Then the search finds 2 stored cards
    And each stored card found is shown only by its BIN and last four digits

  Scenario: A card user's stored card is found by its alias
    Given the merchant has stored a successful credit card with the alias "Holiday card"
    And the merchant has stored an AMEX card for the same card user
    When the merchant searches the card user's stored cards with the alias "Holiday card"
    Then the search finds 1 stored card

  @error-card
  Scenario: A stored card is declined like the card itself
    Given the merchant has stored card "5100050000006661"
    When the buyer pays without 3-D Secure with the stored card
    Then the payment is declined with error group "NOT_SUFFICIENT_FUNDS"
    And the declined payment can be retrieved with that error

  @mock
  Scenario: A payment with a deleted stored card is rejected as a validation error
    Given the merchant has stored a successful credit card
    And the merchant deletes the stored card
    When the buyer pays without 3-D Secure with the stored card
    Then the payment is rejected as a validation error
