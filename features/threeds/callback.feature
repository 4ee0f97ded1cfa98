@3ds @security
Feature: The merchant trusts a 3-D Secure callback only when its hash verifies
  The callbackUrl is public: anyone can post a form to it. The callback's
  hash is a SHA-256 over the callback key and the callback's fields, so a
  merchant that recomputes it with its key catches a forged or altered
  callback, and must then neither complete the payment nor mark the order
  paid. These scenarios post an altered copy of a genuine callback to the
  merchant's receiver and expect it to be refused.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario Outline: A callback with a tampered <part> is refused by the merchant (version 1)
    Given the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When a copy of the callback with a tampered <part> is posted to the merchant
    Then the merchant rejects the forged callback

    Examples:
      | part       |
      | hash       |
      | status     |
      | payment id |

  Scenario: A version 2 callback with a tampered status is refused by the merchant
    Given the merchant asks for 3-D Secure callbacks of version 2
    And the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When a copy of the callback with a tampered status is posted to the merchant
    Then the merchant rejects the forged callback

  Scenario: A version 2 callback whose signed values are moved into one field named alone in hashParams is refused
    The version 2 hash joins the values of the fields hashParams names with
    no separator, so a genuine callback's signed values, moved into a single
    field that hashParams then names alone, still hash to the same value. A
    merchant must also check that hashParams covers every field it acts on.
    Given the merchant asks for 3-D Secure callbacks of version 2
    And the buyer has verified a 3-D Secure payment with a successful credit card at the bank
    When a copy of the callback with a tampered hashParams list is posted to the merchant
    Then the merchant rejects the forged callback
