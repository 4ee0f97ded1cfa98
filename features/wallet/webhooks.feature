@wallet @webhook
Feature: Wallet webhooks
  The provider tells the merchant about every new wallet (WALLET_CREATED)
  and every movement of money in a wallet (WALLET_TX_CREATED), signed like
  every webhook, with a payload describing the wallet or the movement; the
  payloadId is the wallet's id.

  Background:
    Given a merchant with valid API credentials

  Scenario: A new wallet is notified with its currency and negative limit
    Given a registered buyer "Ece"
    When the merchant opens a wallet for "Ece"
    Then the merchant receives a signed "WALLET_CREATED" webhook for the wallet of "Ece"

  Scenario: Each movement of a wallet is notified with its type and amount
    Given "Ece" has a wallet
    When the merchant sends 40.00 TRY to the wallet of "Ece"
    And the merchant takes 15.00 TRY back from the wallet of "Ece"
    Then the merchant receives a signed "WALLET_TX_CREATED" webhook for the wallet of "Ece" about "REMITTANCE" of 40.00
    And the merchant receives a signed "WALLET_TX_CREATED" webhook for the wallet of "Ece" about "REMITTANCE" of -15.00
