@preauth @refund
Feature: Refunding pre-authorised payments
  A pre-authorised payment can only be refunded whole, with the refund of
  the whole payment: before the post-auth it releases the amount held,
  after it it returns what was captured. Refunding part of an item is
  refused, before and after the post-auth. A released pre-authorisation can
  no longer be post-authed.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00
    And the buyer has pre-authorised the payment without 3-D Secure with a successful credit card

  Scenario: Part of a pre-authorised payment cannot be refunded
    When the merchant refunds 20.00 of item 1
    Then the refund is rejected

  Scenario: Part of a post-authed payment cannot be refunded either
    Given the merchant has post-authed 120.00 of the payment
    When the merchant refunds 20.00 of item 2
    Then the refund is rejected

  Scenario: A pre-authorisation is released by refunding the whole payment
    When the merchant refunds the whole payment
    Then the payment is cancelled
    And the refund returns 100.00 TRY

  Scenario: A post-authed payment is refunded whole for the amount captured
    Given the merchant has post-authed 120.00 of the payment
    When the merchant refunds the whole payment
    Then the payment is cancelled
    And the refund returns 120.00 TRY

  @mock @clock
  Scenario: A post-authed payment is refunded rather than cancelled after the bank's day
    Given the merchant has post-authed 120.00 of the payment
    And the bank's day has ended
    When the merchant refunds the whole payment
    Then the payment is refunded rather than cancelled
    And the refund returns 120.00 TRY
    And the payment's refund status is "FULLY_REFUNDED"

  Scenario: A released pre-authorisation cannot be post-authed
    Given the merchant refunds the whole payment
    And the payment is cancelled
    When the merchant post-auths 100.00 of the payment
    Then the post-auth is rejected
