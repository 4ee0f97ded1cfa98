@checkout
Feature: Checkout form (common payment page)
  The merchant creates a checkout form for the basket, without any card, and
  sends the buyer to its page. The buyer types the card there and pays.
  Whether the payment succeeded or failed, the page sends the buyer's
  browser back to the merchant's callbackUrl with a single field, the
  form's token. The token is not signed, so anyone could post an old one:
  the merchant retrieves the payment by the token and compares it with its
  order before fulfilling it. A token lives for ttl minutes, and the
  merchant can expire one that was never used.

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: The buyer's browser brings the form's token back to the merchant
    Given the merchant has created a checkout form for the basket
    When the buyer pays on the checkout page with a successful credit card
    Then the merchant receives the checkout callback with the form's token

  Scenario: The merchant confirms a checkout payment by its token before fulfilling the order
    Given the merchant has created a checkout form for the basket
    And the buyer has paid on the checkout page with a successful credit card
    When the merchant retrieves the checkout payment by its token
    Then the payment succeeds
    And the checkout payment matches the merchant's order
    And the payment has one transaction per basket item with the item's price

  Scenario: The buyer chooses installments on the checkout page
    Given the merchant has created a checkout form for the basket
    And the buyer chooses 3 installments
    And the buyer has paid on the checkout page with a successful credit card
    When the merchant retrieves the checkout payment by its token
    Then the payment succeeds
    And the checkout payment matches the merchant's order

  Scenario: A card declined on the checkout page still brings the token back
    Given the merchant has created a checkout form for the basket
    And the buyer has paid on the checkout page with card "5100050000006661"
    When the merchant retrieves the checkout payment by its token
    Then the checkout payment failed with error group "NOT_SUFFICIENT_FUNDS"

  Scenario: A checkout form lives as long as the merchant asked
    Given the merchant has created a checkout form for the basket valid for 15 minutes
    Then the checkout form's token expires 15 minutes after it was created

  @mock
  Scenario: A checkout form nobody paid yet has no payment to retrieve
    Given the merchant has created a checkout form for the basket
    Then the checkout form's token retrieves no payment

  @mock
  Scenario: A checkout form the merchant expired can no longer be used
    Given the merchant has created a checkout form for the basket
    When the merchant expires the checkout form
    Then the checkout form's token retrieves no payment
    And the checkout page shows the form as expired
