@preauth @payment
Feature: Pre-authorisation and post-authorisation
  A merchant that charges only once the final amount is known (a hotel, a
  car rental, an order weighed on delivery) pre-authorises the payment: the
  amount is held on the buyer's card, not taken, and the payment is in phase
  PRE_AUTH. The merchant then closes it with a post-auth of the final
  amount, up to 1.5 times the amount held (banks may allow less), and the
  payment moves to phase POST_AUTH. A 3-D Secure pre-authorisation is
  completed like any 3-D Secure payment before its post-auth.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A pre-authorisation holds the amount without taking it
    When the buyer pre-authorises the payment without 3-D Secure with a successful credit card
    Then the payment succeeds
    And the payment is a card payment in phase "PRE_AUTH" without 3-D Secure
    And the payment's price and paid price are 100.00 TRY
    And the payment has one transaction per basket item with the item's price
    And the payment shows the card only by its BIN and last four digits

  Scenario: The merchant closes a pre-authorisation with a post-auth of the same amount
    Given the buyer has pre-authorised the payment without 3-D Secure with a successful credit card
    When the merchant post-auths 100.00 of the payment
    Then the post-auth succeeds with a paid price of 100.00 TRY
    And the payment is a card payment in phase "POST_AUTH" without 3-D Secure
    And the retrieved payment is in phase "POST_AUTH"

  Scenario: A post-auth above the amount held, within the margin, captures more
    Given the buyer has pre-authorised the payment without 3-D Secure with a successful credit card
    When the merchant post-auths 150.00 of the payment
    Then the post-auth succeeds with a paid price of 150.00 TRY
    And the payment's items share its paid price

  Scenario: A post-auth below the amount held captures less
    Given the buyer has pre-authorised the payment without 3-D Secure with a successful debit card
    When the merchant post-auths 80.00 of the payment
    Then the post-auth succeeds with a paid price of 80.00 TRY
    And the payment's items share its paid price

  @mock
  Scenario: A post-auth above 1.5 times the amount held is rejected
    Given the buyer has pre-authorised the payment without 3-D Secure with a successful credit card
    When the merchant post-auths 150.01 of the payment
    Then the post-auth is rejected as a validation error
    And the retrieved payment is in phase "PRE_AUTH"

  Scenario: A payment taken without pre-authorisation cannot be post-authed
    Given the buyer has paid without 3-D Secure with a successful credit card
    When the merchant post-auths 100.00 of the payment
    Then the post-auth is rejected
    And the retrieved payment is in phase "AUTH"

  Scenario: A pre-authorisation cannot be post-authed twice
    Given the buyer has pre-authorised the payment without 3-D Secure with a successful credit card
    And the merchant has post-authed 100.00 of the payment
    When the merchant post-auths 100.00 of the payment
    Then the post-auth is rejected

  Scenario: The externalId sent with a pre-authorisation comes back on it and on its post-auth
    Given the merchant's order reference (externalId) is "order-7734"
    And the buyer has pre-authorised the payment without 3-D Secure with a successful credit card
    And the payment carries the externalId "order-7734"
    When the merchant post-auths 100.00 of the payment
    Then the post-auth succeeds with a paid price of 100.00 TRY
    And the payment carries the externalId "order-7734"
    And the retrieved payment carries the externalId "order-7734"

  @3ds
  Scenario: A 3-D Secure pre-authorisation is completed, then post-authed
    Given the merchant pre-authorises its payments
    And the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When the merchant completes the 3-D Secure payment
    Then the payment succeeds
    And the payment is a card payment in phase "PRE_AUTH" with 3-D Secure
    When the merchant post-auths 120.00 of the payment
    Then the post-auth succeeds with a paid price of 120.00 TRY
    And the payment is a card payment in phase "POST_AUTH" with 3-D Secure

  @webhook
  Scenario: A post-auth is notified with a signed API_AUTH webhook
    Given the buyer has pre-authorised the payment without 3-D Secure with a successful credit card
    When the merchant post-auths 100.00 of the payment
    Then the post-auth succeeds with a paid price of 100.00 TRY
    And the merchant receives a signed "API_AUTH" webhook with status "SUCCESS" for the post-auth
