@bnpl @mock
Feature: A shopping loan is applied for at the bank and finished by the merchant
  A BNPL (shopping loan) payment starts with the offers of a basket whose
  items carry quantity, amount and category code (BDDK rules); the buyer
  applies on the bank's page, and the bank's answer comes back to the
  callbackUrl with the version 2 (hashParams) hash, and to the webhook URL
  as BNPL_NOTIFICATION. Auto-approving banks (İş Bankası, Akbank, TEB)
  answer SUCCESS / NONE: the loan is used. Others (Fibabanka, Denizbank;
  Alfabank, Tom Finans, Haso) answer WAITING / APPROVAL_REQUIRED: the
  merchant approves when it ships. A bank still evaluating answers
  WAIT_FOR_WEBHOOK; an unreadable status VERIFY_REQUIRED.

  Craftgate's sandbox BNPL behaviour is not documented: which bank code
  gives which answer is the mock's (9001 evaluating, 9002 unknown status,
  9003 rejecting).

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: The offers of a basket list each bank's interest-free plans
    When the merchant asks for MASLAK loan offers for the basket
    Then the offers include bank "0064" with plans totalling the price
    And the offers include bank "0103" with plans totalling the price

  Scenario Outline: Bank <bank> approves a MASLAK loan automatically
    When the buyer applies for a MASLAK loan at bank "<bank>"
    Then the merchant receives a callback whose hash verifies
    And the loan callback carries status "SUCCESS" and additional action "NONE"
    And the payment can be retrieved with status "SUCCESS"

    Examples:
      | bank |
      | 0064 |
      | 0046 |
      | 0032 |

  Scenario Outline: Bank <bank> needs the merchant's approval of a MASLAK loan
    Given the buyer applies for a MASLAK loan at bank "<bank>"
    And the merchant receives a callback whose hash verifies
    And the loan callback carries status "WAITING" and additional action "APPROVAL_REQUIRED"
    When the merchant approves the loan
    Then the loan is approved
    And the payment can be retrieved with status "SUCCESS"

    Examples:
      | bank |
      | 0103 |
      | 0134 |

  Scenario Outline: Loan from <provider> is used at once
    When the buyer applies for a <provider> loan
    Then the merchant receives a callback whose hash verifies
    And the loan callback carries status "SUCCESS" and additional action "NONE"
    And the payment can be retrieved with status "SUCCESS"

    Examples:
      | provider |
      | MASLAK   |
      | ZIP      |
      | PAYCELL  |

  Scenario Outline: Loan from <provider> is finished by the merchant's approval
    Given the buyer applies for a <provider> loan
    And the loan callback carries status "WAITING" and additional action "APPROVAL_REQUIRED"
    When the merchant approves the loan
    Then the loan is approved
    And the payment can be retrieved with status "SUCCESS"

    Examples:
      | provider    |
      | ALFABANK    |
      | TOM_FINANCE |
      | HASO        |

  @webhook
  Scenario: A loan still being evaluated is decided by the BNPL_NOTIFICATION webhook
    Given the buyer applies for a MASLAK loan at bank "9001"
    And the loan callback carries status "WAITING" and additional action "WAIT_FOR_WEBHOOK"
    When the merchant receives a signed "BNPL_NOTIFICATION" webhook with status "SUCCESS" for the payment
    Then the webhook's payload carries additional action "APPROVAL_REQUIRED"
    And the merchant approves the loan
    And the loan is approved

  Scenario: A loan of unknown status is verified, then approved
    Given the buyer applies for a MASLAK loan at bank "9002"
    And the loan callback carries status "WAITING" and additional action "VERIFY_REQUIRED"
    When the merchant verifies the loan
    Then the verification says status "WAITING" with additional action "APPROVAL_REQUIRED"
    And the merchant approves the loan
    And the loan is approved

  Scenario: The documented verify path reads the same loan state
    Given the buyer applies for a ALFABANK loan at bank "9002"
    When the merchant verifies the loan the documented way
    Then the verification says status "WAITING" with additional action "APPROVAL_REQUIRED"

  Scenario: A rejected loan application fails and cannot be approved
    Given the buyer applies for a MASLAK loan at bank "9003"
    And the loan callback carries status "FAILURE" and additional action "NONE"
    When the merchant approves the loan
    Then the loan approval is rejected as a validation error
    And the payment can be retrieved with status "FAILURE"

  Scenario: A loan abandoned at the bank fails
    When the buyer abandons a ALFABANK loan application
    Then the merchant receives a callback whose hash verifies
    And the loan callback carries status "FAILURE" and additional action "NONE"

  Scenario: A loan already used cannot be approved again
    Given the buyer applies for a ZIP loan
    When the merchant approves the loan
    Then the loan approval is rejected as a validation error

  Scenario: A second return from the bank is reported as already returned
    Given the buyer applies for a MASLAK loan at bank "0064"
    When the buyer returns to the bank's page and applies again
    Then the merchant receives a callback whose hash verifies
    And the callback carries callback status "ALREADY_RETURNED"

  @security
  Scenario Outline: A loan callback with a tampered <part> is refused by the merchant
    Given the buyer applies for a MASLAK loan at bank "0103"
    When a copy of the callback with a tampered <part> is posted to the merchant
    Then the merchant rejects the forged callback

    Examples:
      | part            |
      | hash            |
      | payment id      |
      | hashParams list |
