@marketplace
Feature: Marketplace split payments and approval
  In a marketplace every basket item may be sold by a seller registered as
  a member, who gets an agreed share of it; the merchant keeps the rest.
  Sold items wait in the pool account until the merchant approves them for
  payout (on delivery); approvals can be withdrawn until the payout starts,
  and a transactional approval succeeds for all items or for none. Until an
  item is approved, its seller and share can still be changed.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 30.00, 50.00 and 20.00
    And a registered limited company seller "Kitapçı"
    And a registered personal seller "Zanaatkâr"
    And a registered private company seller "Gıdacı"

  Scenario: Each seller's payout and the merchant's share are shown per item
    Given "Kitapçı" sells item 1 for a share of 27.00
    And "Zanaatkâr" sells item 2 for a share of 42.00
    And "Gıdacı" sells item 3 for a share of 18.00
    When the buyer pays the marketplace basket without 3-D Secure with a successful credit card
    Then the payment succeeds
    And the seller of item 1 is "Kitapçı" with a payout of 27.00 at a rate of 90.00%, the merchant keeping 3.00
    And the seller of item 2 is "Zanaatkâr" with a payout of 42.00 at a rate of 84.00%, the merchant keeping 8.00
    And the seller of item 3 is "Gıdacı" with a payout of 18.00 at a rate of 90.00%, the merchant keeping 2.00
    And the marketplace items 1, 2 and 3 are waiting for approval

  Scenario: Approved items are released for payout
    Given "Kitapçı" sells item 1 for a share of 27.00
    And "Zanaatkâr" sells item 2 for a share of 42.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    When the merchant approves items 1 and 2
    Then every approval succeeds
    And the marketplace items 1 and 2 are approved

  Scenario: An approval is withdrawn before the payout
    Given "Kitapçı" sells item 1 for a share of 27.00
    And "Zanaatkâr" sells item 2 for a share of 42.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    And the merchant approves items 1 and 2
    When the merchant withdraws the approval of item 2
    Then every approval succeeds
    And the marketplace item 1 is approved
    And the marketplace item 2 is waiting for approval

  Scenario: A transactional approval with an unknown item approves nothing
    Given "Kitapçı" sells item 1 for a share of 27.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    When the merchant approves item 1 and an unknown item as one
    Then no approval succeeds
    And the marketplace item 1 is waiting for approval

  @mock
  Scenario: Approving an item without a seller fails for that item only
    Given "Kitapçı" sells item 1 for a share of 27.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    When the merchant approves items 1 and 3
    Then the approval of item 3 fails, saying "not a marketplace item"
    And the marketplace item 1 is approved

  Scenario: A seller's share is changed before approval
    Given "Kitapçı" sells item 1 for a share of 27.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    When the merchant gives item 1 to "Gıdacı" for a share of 25.50
    Then the seller of item 1 is "Gıdacı" with a payout of 25.50 at a rate of 85.00%, the merchant keeping 4.50
    And the marketplace item 1 is waiting for approval

  Scenario: A seller's share cannot be changed after approval
    Given "Kitapçı" sells item 1 for a share of 27.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    And the merchant approves item 1
    When the merchant gives item 1 to "Gıdacı" for a share of 25.50
    Then the change is refused
    And the seller of item 1 is "Kitapçı" with a payout of 27.00 at a rate of 90.00%, the merchant keeping 3.00

  Scenario: A seller's share cannot exceed the item's price
    Given "Kitapçı" sells item 1 for a share of 27.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    When the merchant gives item 1 to "Kitapçı" for a share of 30.01
    Then the change is refused

  @serial
  Scenario: Approved earnings are settled into the seller's wallet
    Given "Kitapçı" has a wallet
    And "Zanaatkâr" has a wallet
    And "Kitapçı" sells item 1 for a share of 27.00
    And "Zanaatkâr" sells item 2 for a share of 42.00
    And the buyer has paid the marketplace basket without 3-D Secure with a successful credit card
    And the merchant approves item 1
    When the merchant settles the approved earnings into the sellers' wallets
    Then the settlement answers "SUCCESS"
    And the wallet of "Kitapçı" holds 27.00 TRY
    And the wallet's last movement is "SETTLEMENT_EARNINGS" of 27.00 for "Kitapçı"
    And the marketplace item 1 is paid out
    And the wallet of "Zanaatkâr" holds 0.00 TRY
    And the marketplace item 2 is waiting for approval
