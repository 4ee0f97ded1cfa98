@wallet
Feature: Closed-loop wallet
  A buyer registered as a member gets a wallet. It is topped up with a card
  or by a bank transfer, receives money from the merchant and gives it
  back (remittances), and pays baskets wholly or in part. It may go below
  zero only as far as its negative limit allows. Every balance is checked
  to the cent after each move.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: A new wallet is empty
    Given a registered buyer "Deniz"
    When the merchant opens a wallet for "Deniz"
    Then the wallet of "Deniz" holds 0.00 TRY

  Scenario: A card top-up credits the wallet
    Given "Deniz" has a wallet
    When "Deniz" tops up the wallet with 250.75 TRY by a successful credit card
    Then the top-up succeeds
    And the wallet of "Deniz" holds 250.75 TRY
    And the wallet's last movement is "DEPOSIT_FROM_CARD" of 250.75 for "Deniz"

  Scenario: A declined card top-up leaves the wallet unchanged
    Given "Deniz" has a wallet
    When "Deniz" tops up the wallet with 50.00 TRY by card "5100050000006661"
    Then the top-up is declined with error group "NOT_SUFFICIENT_FUNDS"
    And the wallet of "Deniz" holds 0.00 TRY

  Scenario: A bank transfer credits the wallet
    Given "Deniz" has a wallet
    When the merchant credits a bank transfer of 75.10 TRY to the wallet of "Deniz"
    Then the wallet of "Deniz" holds 75.10 TRY
    And the wallet's last movement is "DEPOSIT_FROM_FUND_TRANSFER" of 75.10 for "Deniz"

  Scenario: The merchant sends money to a wallet and takes part of it back
    Given "Deniz" has a wallet
    When the merchant sends 40.00 TRY to the wallet of "Deniz"
    Then the remittance succeeds and can be retrieved
    And the wallet of "Deniz" holds 40.00 TRY
    When the merchant takes 15.25 TRY back from the wallet of "Deniz"
    Then the remittance succeeds and can be retrieved
    And the wallet of "Deniz" holds 24.75 TRY
    And the wallet's last movement is "REMITTANCE" of -15.25 for "Deniz"

  @mock
  Scenario: Taking back more than the wallet holds is refused
    Given "Deniz" has a wallet
    And the merchant has sent 10.00 TRY to the wallet of "Deniz"
    When the merchant takes 10.01 TRY back from the wallet of "Deniz"
    Then the move is refused for lack of balance
    And the wallet of "Deniz" holds 10.00 TRY

  Scenario: A wallet may go below zero down to its negative limit
    Given "Deniz" has a wallet that may go 20.00 below zero
    And the merchant has sent 5.00 TRY to the wallet of "Deniz"
    When the merchant takes 25.00 TRY back from the wallet of "Deniz"
    Then the remittance succeeds and can be retrieved
    And the wallet of "Deniz" holds -20.00 TRY

  Scenario: A basket is paid wholly from the wallet
    Given "Deniz" has a wallet
    And the merchant has sent 150.00 TRY to the wallet of "Deniz"
    When "Deniz" pays the basket from the wallet
    Then the payment succeeds
    And the payment is a wallet payment with 100.00 from the wallet
    And the wallet of "Deniz" holds 50.00 TRY
    And the wallet's last movement is "PAYMENT_REDEEM" of -100.00 for "Deniz"

  Scenario: A basket is paid partly from the wallet and partly by card
    Given "Deniz" has a wallet
    And the merchant has sent 30.00 TRY to the wallet of "Deniz"
    When "Deniz" pays 30.00 of the basket from the wallet and the rest with a successful credit card
    Then the payment succeeds
    And the payment is a card and wallet payment with 30.00 from the wallet
    And the wallet of "Deniz" holds 0.00 TRY

  @mock
  Scenario: A wallet payment beyond the balance is refused
    Given "Deniz" has a wallet
    And the merchant has sent 99.99 TRY to the wallet of "Deniz"
    When "Deniz" pays the basket from the wallet
    Then the move is refused for lack of balance
    And the wallet of "Deniz" holds 99.99 TRY

  Scenario: A card and wallet payment whose card is declined takes nothing from the wallet
    Given "Deniz" has a wallet
    And the merchant has sent 30.00 TRY to the wallet of "Deniz"
    When "Deniz" pays 30.00 of the basket from the wallet and the rest with card "5100050000006661"
    Then the payment is declined with error group "NOT_SUFFICIENT_FUNDS"
    And the wallet of "Deniz" holds 30.00 TRY

  @refund
  Scenario: A wallet payment cancelled the same day goes back to the wallet
    Given "Deniz" has a wallet
    And the merchant has sent 100.00 TRY to the wallet of "Deniz"
    And "Deniz" pays the basket from the wallet
    When the merchant refunds the whole payment
    Then the payment is cancelled
    And the refund gives 100.00 back to the wallet and 0.00 to the card
    And the wallet of "Deniz" holds 100.00 TRY
    And the wallet's last movement is "REFUND_DEPOSIT" of 100.00 for "Deniz"

  @refund
  Scenario: A card and wallet payment is refunded wholly to the wallet
    Given "Deniz" has a wallet
    And the merchant has sent 30.00 TRY to the wallet of "Deniz"
    And "Deniz" pays 30.00 of the basket from the wallet and the rest with a successful credit card
    When the merchant refunds the whole payment to the wallet
    Then the refund gives 100.00 back to the wallet and 0.00 to the card
    And the wallet of "Deniz" holds 100.00 TRY
    And the wallet's last movement is "CANCEL_REFUND_TO_WALLET" of 70.00 for "Deniz"

  @refund
  Scenario: The wallet-paid part of a card and wallet payment goes back to the wallet, the rest to the card
    Given "Deniz" has a wallet
    And the merchant has sent 30.00 TRY to the wallet of "Deniz"
    And "Deniz" pays 30.00 of the basket from the wallet and the rest with a successful credit card
    When the merchant refunds the whole payment
    Then the refund gives 30.00 back to the wallet and 70.00 to the card
    And the wallet of "Deniz" holds 30.00 TRY

  @refund
  Scenario: An item of a card payment is refunded to the wallet
    Given "Deniz" has a wallet
    And "Deniz" pays 0.00 of the basket from the wallet and the rest with a successful credit card
    When the merchant refunds 25.00 of item 1 to the wallet
    Then the item refund succeeds with 25.00 TRY
    And the refund gives 25.00 back to the wallet and 0.00 to the card
    And the wallet of "Deniz" holds 25.00 TRY
    And the wallet's last movement is "REFUND_TX_TO_WALLET" of 25.00 for "Deniz"

  @refund
  Scenario: An item refund of a wallet payment takes the wallet-paid part first
    Given "Deniz" has a wallet
    And the merchant has sent 50.00 TRY to the wallet of "Deniz"
    And "Deniz" pays 50.00 of the basket from the wallet and the rest with a successful credit card
    When the merchant refunds 40.00 of item 1
    Then the item refund succeeds with 40.00 TRY
    And the refund gives 30.00 back to the wallet and 10.00 to the card
    And the wallet of "Deniz" holds 30.00 TRY
    And the wallet's last movement is "REFUND_TX_DEPOSIT" of 30.00 for "Deniz"

  @3ds
  Scenario: A 3-D Secure card top-up credits the wallet once completed
    Given "Deniz" has a wallet
    When "Deniz" starts a 3-D Secure top-up of 80.40 TRY with a successful credit card
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
    And the wallet of "Deniz" holds 0.00 TRY
    When the merchant completes the 3-D Secure top-up
    Then the top-up succeeds
    And the wallet of "Deniz" holds 80.40 TRY
    And the wallet's last movement is "DEPOSIT_FROM_CARD" of 80.40 for "Deniz"

  @3ds
  Scenario: A 3-D Secure top-up the buyer rejects at the bank credits nothing
    Given "Deniz" has a wallet
    When "Deniz" starts a 3-D Secure top-up of 80.40 TRY with a successful credit card
    And the buyer rejects the payment at the bank
    And the merchant completes the 3-D Secure top-up
    Then the top-up is refused
    And the wallet of "Deniz" holds 0.00 TRY
