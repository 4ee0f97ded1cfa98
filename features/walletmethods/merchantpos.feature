@merchant-pos @mock
Feature: Virtual POS administration
  A platform manages its virtual POSes through the API: creates them, finds
  them, sets their status and commissions, deletes them. A PASSIVE POS takes
  no payments.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A payment through an active POS, none through a passive one
    Given the merchant has created a virtual POS "Garanti Main"
    And the POS is found by its alias
    When the buyer pays without 3-D Secure with a successful credit card on that POS
    Then the payment succeeds
    When the merchant sets the POS's status to PASSIVE
    And the buyer pays without 3-D Secure with a successful credit card on that POS
    Then the payment is rejected as a validation error

  Scenario: A POS's commissions are set, read back, and the POS deleted
    Given the merchant has created a virtual POS "Akbank Backup"
    When the merchant sets the POS's commissions for installments 1, 3, 6
    Then the POS has 3 commission rows
    When the merchant deletes the POS
    Then the POS can no longer be retrieved

  Scenario: The merchant's APMs and a new merchant
    Then the merchant's APMs include "PAPARA"
    When the platform creates a merchant "Sub Shop"
    Then the new merchant has API credentials
