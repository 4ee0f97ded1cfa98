@fraud
Feature: Fraud rules, reviews and value lists
  The merchant's fraud rules look at each payment before the bank does. A
  BLOCK rule stops it with error group FRAUD_CHECK_BLOCK; a REVIEW rule
  lets it through but marks it with a fraud check, which the merchant
  finds, reviews and closes as FRAUD or NOT_FRAUD. Rules refer to value
  lists of IP addresses, emails, phone numbers or card fingerprints that
  the merchant keeps. Each scenario lists values of its own only (a client
  IP or an email made up for it), so that no other payment is affected.
  The rules here are the gatecheck mock's fixed ones (clientIp or
  buyerEmail in the blocked* and review* lists); a sandbox merchant would
  need the same rules, so those scenarios are tagged @mock.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  @mock
  Scenario: A payment from a blocked IP address is stopped by the fraud rules
    Given the buyer's IP address is on the merchant's block list
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is blocked by the merchant's fraud rules

  @mock
  Scenario: A payment by a blocked buyer email is stopped by the fraud rules
    Given the buyer's email address is on the merchant's block list
    When the buyer pays without 3-D Secure with a successful debit card
    Then the payment is blocked by the merchant's fraud rules

  @mock
  Scenario: A payment from an IP address under review goes through with a fraud check
    Given the buyer's IP address is on the merchant's review list
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment is held for fraud review
    And the merchant finds the payment's fraud check waiting for review

  @mock
  Scenario: The merchant closes a fraud review as not fraud
    Given the buyer's email address is on the merchant's review list
    And the buyer has paid without 3-D Secure with a successful credit card
    And the payment is held for fraud review
    And the merchant finds the payment's fraud check waiting for review
    When the merchant closes the fraud review as NOT_FRAUD
    Then the payment's fraud check is NOT_FRAUD

  @mock
  Scenario: The merchant closes a fraud review as fraud
    Given the buyer's IP address is on the merchant's review list
    And the buyer has paid without 3-D Secure with a successful credit card
    And the merchant finds the payment's fraud check waiting for review
    When the merchant closes the fraud review as FRAUD
    Then the payment's fraud check is FRAUD

  Scenario: A payment no rule matches carries no fraud result
    Given the buyer pays from an IP address no list names
    When the buyer pays without 3-D Secure with a successful credit card
    Then the payment was not flagged by the fraud rules

  Scenario: The merchant keeps a value list of its own
    When the merchant creates a value list of its own for EMAIL values
    And the merchant adds "fraudster@gatecheck.test" to its list
    Then its list holds "fraudster@gatecheck.test"
    And the merchant sees its list among all value lists

  Scenario: The merchant removes a value from its list
    Given the merchant creates a value list of its own for IP values
    And the merchant adds "10.20.30.40" to its list
    And the merchant adds "10.20.30.41" to its list
    When the merchant removes "10.20.30.40" from its list
    Then its list no longer holds "10.20.30.40"
    And its list holds "10.20.30.41"

  Scenario: The merchant deletes its value list
    Given the merchant creates a value list of its own for PHONE_NUMBER values
    And the merchant adds "905551112233" to its list
    When the merchant deletes its list
    Then its list no longer exists

  Scenario: A card list keeps the card of a payment only by its fingerprint
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant adds the card of the payment to a card list of its own
    Then its list holds the card only by a fingerprint
