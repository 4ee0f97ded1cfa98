@wallet @members
Feature: Members
  A merchant registers its buyers and, in a marketplace, its sellers as
  members of the provider. A buyer needs a contact name and surname; a
  seller needs a member type, and by type its contact person (personal and
  private company sellers), its company's legal title, tax office and tax
  number (private and limited companies) and name (limited companies), and
  a Turkish IBAN when it is paid to one. A member is found again by id or
  by searching, and updated with every field but its external id.

  Background:
    Given a merchant with valid API credentials

  Scenario: A buyer is registered
    When the merchant registers a buyer "Haluk"
    Then the member "Haluk" is registered as a buyer

  Scenario Outline: A <kind> seller is registered
    When the merchant registers a <kind> seller "<name>"
    Then the member "<name>" is registered as a seller

    Examples:
      | kind            | name      |
      | personal        | Ayşe      |
      | private company | Kaya Ltd  |
      | limited company | Demir Gıda |

  @mock
  Scenario Outline: A <kind> seller without its <field> is refused
    When the merchant registers a <kind> seller "Eksik" without <field>
    Then the registration is refused, naming "<named>"

    Examples:
      | kind            | field               | named             |
      | personal        | contact name        | contactName       |
      | private company | contact surname     | contactSurname    |
      | private company | tax office          | taxOffice         |
      | limited company | company name        | name              |
      | limited company | legal company title | legalCompanyTitle |
      | limited company | tax number          | taxNumber         |
      | limited company | an IBAN             | iban              |

  @mock
  Scenario: A seller with an IBAN that fails its check digits is refused
    When the merchant registers a limited company seller "Yanlış" with the IBAN "TR340006100519786457841326"
    Then the registration is refused, naming "IBAN"

  @mock
  Scenario: A seller with a foreign IBAN is refused
    When the merchant registers a personal seller "Hans" with the IBAN "DE89370400440532013000"
    Then the registration is refused, naming "IBAN"

  Scenario: A member's address is updated
    Given a registered buyer "Selin"
    When the merchant changes the address of "Selin" to "Moda Cad. 9, İstanbul"
    Then the member "Selin" has the address "Moda Cad. 9, İstanbul"

  Scenario: Sellers are found by name
    Given a registered limited company seller "Anadolu Kitap"
    And a registered buyer "Anadolu Alıcı"
    When the merchant searches for sellers named "Anadolu Kitap"
    Then the search finds the seller "Anadolu Kitap" only
