@reliability @mock @serial
Feature: The merchant's retries and timeouts survive provider faults
  A provider under load answers late, answers 5xx, rate-limits, resets
  connections, and its banks have outages. A merchant that retries must
  never pay an order twice: the answer to a payment can be lost after the
  payment was taken. These scenarios drive the mock's fault injection and
  check the merchant's retrying client: at most N attempts, each bounded by
  a timeout, exponential backoff, Retry-After honoured, declines never
  retried, and after any ambiguous failure (5xx, timeout, reset) a lookup
  of the order by its conversationId before paying again.

  The faults are the gatecheck mock's (its /_mock/v1/faults admin route),
  hence @mock; they apply to every call at the time, hence @serial.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00
    And the merchant retries payments up to 3 times with a timeout of 5s per attempt

  Scenario: The provider answers 503 twice, the merchant retries and pays once
    Given the provider answers HTTP 503 to the next 2 payment calls
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 3 attempts
    And the provider holds exactly one successful payment for the order

  Scenario: A retry budget smaller than the failure gives up without paying
    Given the merchant retries payments up to 2 times with a timeout of 5s per attempt
    And the provider answers HTTP 502 to the next 3 payment calls
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant gives up after 2 attempts
    And the provider holds no payment for the order

  Scenario: A rate-limited payment is retried after the wait the provider asks for
    Given the provider rate-limits the next 1 payment call for 1 second
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 2 attempts
    And the first attempt was refused with HTTP 429 and error group "TOO_MANY_REQUESTS"
    And the merchant waited at least 1 second before retrying
    And the provider holds exactly one successful payment for the order

  Scenario: A 5xx after the payment was taken does not make the merchant pay twice
    Given the provider answers HTTP 500 to the next 1 payment call after taking the payment
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 1 attempt
    And the merchant recovered the payment by its conversationId
    And the provider holds exactly one successful payment for the order

  Scenario: A connection reset after the payment was taken does not make the merchant pay twice
    Given the provider resets the connection of the next 1 payment call after taking the payment
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 1 attempt
    And the merchant recovered the payment by its conversationId
    And the provider holds exactly one successful payment for the order

  Scenario: An answer later than the merchant's timeout does not make it pay twice
    Given the merchant retries payments up to 3 times with a timeout of 300ms per attempt
    And the provider holds the next 1 payment call for 10s after taking the payment
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 1 attempt
    And the merchant recovered the payment by its conversationId
    And the provider holds exactly one successful payment for the order

  Scenario: An answer trickling in slower than the merchant's timeout does not make it pay twice
    Given the merchant retries payments up to 3 times with a timeout of 300ms per attempt
    And the provider trickles the answer to the next 1 payment call 64 bytes every 100ms
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 1 attempt
    And the merchant recovered the payment by its conversationId
    And the provider holds exactly one successful payment for the order

  Scenario: A provider slower than the merchant's timeout on every call is given up on
    Given the merchant retries payments up to 2 times with a timeout of 200ms per attempt
    And the provider answers every payment call after 3s
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant gives up after 2 attempts
    And the provider holds no payment for the order

  @clock
  Scenario: A bank outage declines that bank's cards, without retries, until it ends
    Given the bank "GARANTİ" is out of service for the next 10 minutes with error group "ISSUER_OR_SWITCH_INOPERATIVE"
    When the merchant pays with card "4032800000000007", retrying as its policy allows
    Then the merchant's payment is declined with error group "ISSUER_OR_SWITCH_INOPERATIVE" without a retry
    When the merchant pays with a successful credit card, retrying as its policy allows
    Then the merchant's payment succeeds after 1 attempt
    When 11 minutes pass on the provider's clock
    And the merchant pays with card "4032800000000007", retrying as its policy allows
    Then the merchant's payment succeeds after 1 attempt
