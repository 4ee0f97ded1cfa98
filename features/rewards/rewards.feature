@reward
Feature: Rewards (loyalty points)
  Before the payment, the merchant may ask which rewards a card has: the
  reward money on the card and the merchant-specific reward money. The
  buyer may then use them in the payment, through one loyalty object in
  the card; the payment shows the reward used. In the sandbox only cards of
  the Bonus and Garanti BBVA CC families can use rewards; for any other
  card no POS takes the reward. Two test cards decline every reward use
  with an error group of their own.

  Background:
    Given a merchant with valid API credentials

  Scenario Outline: The reward inquiry of a <family> card answers the catalogue's rewards
    When the merchant asks which rewards card "<card>" has
    Then the card offers the rewards the catalogue lists for it

    Examples:
      | card             | family          |
      | 4043080000000003 | Bonus           |
      | 4032800000000007 | Garanti BBVA CC |
      | 4024580000000005 | TEB Bonus       |
      | 4090700000000008 | DenizBank Bonus |
      | 4048090000000007 | World           |
      | 4329540000080110 | Shop&Fly        |
      | 4355080000000005 | Axess           |

  Scenario: A Bonus card has reward money on the card and from the merchant
    When the merchant asks which rewards card "4043080000000003" has
    Then the card offers reward money of 12.35 on the card and 5.20 from the merchant

  Scenario: A card without rewards offers none
    When the merchant asks which rewards card "5258640000000001" has
    Then the card offers no rewards

  Scenario: A Bonus card pays partly with its reward money
    Given a basket of 100.00 TRY with items of 60.00 and 40.00
    And the buyer uses 10.00 of reward money on the card and 5.00 from the merchant
    When the buyer pays without 3-D Secure with card "4043080000000003"
    Then the payment succeeds
    And the payment shows the reward used: 10.00 on the card and 5.00 from the merchant
    And the payment's price and paid price are 100.00 TRY

  Scenario: A Garanti BBVA CC card pays with the merchant-specific reward money
    Given a basket of 80.00 TRY with items of 80.00
    And the buyer uses 0 of reward money on the card and 45.58 from the merchant
    When the buyer pays without 3-D Secure with card "4032800000000007"
    Then the payment succeeds
    And the payment shows the reward used: 0 on the card and 45.58 from the merchant

  Scenario: No POS takes a reward of a card outside the Bonus and Garanti BBVA CC families
    Given a basket of 100.00 TRY with items of 100.00
    And the buyer uses 5.00 of reward money on the card and 0 from the merchant
    When the buyer pays without 3-D Secure with card "4048090000000007"
    Then the payment is refused because no POS takes the reward

  Scenario: The insufficient-reward test card declines the reward use
    Given a basket of 100.00 TRY with items of 100.00
    And the buyer uses 5.00 of reward money on the card and 0 from the merchant
    When the buyer pays without 3-D Secure with card "4043080000006661"
    Then the payment is declined with error group "NOT_SUFFICIENT_AWARD"

  Scenario: The sale-below-reward test card declines the reward use
    Given a basket of 100.00 TRY with items of 100.00
    And the buyer uses 5.00 of reward money on the card and 0 from the merchant
    When the buyer pays without 3-D Secure with card "4025890000006665"
    Then the payment is declined with error group "SALES_AMOUNT_LESS_THAN_AWARD"

  @mock
  Scenario: A reward above the card's reward money is declined
    Given a basket of 100.00 TRY with items of 100.00
    And the buyer uses 12.36 of reward money on the card and 0 from the merchant
    When the buyer pays without 3-D Secure with card "4043080000000003"
    Then the payment is declined with error group "NOT_SUFFICIENT_AWARD"

  @mock
  Scenario: A reward above the amount paid is declined
    Given a basket of 40.00 TRY with items of 40.00
    And the buyer uses 0 of reward money on the card and 45.58 from the merchant
    When the buyer pays without 3-D Secure with card "4032800000000007"
    Then the payment is declined with error group "SALES_AMOUNT_LESS_THAN_AWARD"
