package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// Stored cards, the card vault (docs/reference/craftgate/endpoints.md A.6 and B.11). A stored card
// is identified by the pair cardUserKey (the buyer, who may have several
// cards) and cardToken (one card). A payment charges it with
// Card{CardUserKey, CardToken}, without a CVC; a plain-card payment stores
// its card on success with Card.StoreCardAfterSuccessPayment. Answers carry
// the card only by its BIN and last four digits.

// Paths of the stored-card endpoints. Deleting is documented as POST
// PathStoredCardsDelete with a JSON body, which is what DeleteStoredCard
// sends; older official clients sent DELETE PathStoredCards with
// cardUserKey and cardToken in the query instead.
const (
	PathStoredCards       = "/payment/v1/cards"
	PathStoredCardsUpdate = PathStoredCards + "/update"
	PathStoredCardsDelete = PathStoredCards + "/delete"
)

// Card expiry statuses of a stored card.
const (
	CardExpiryExpired           = "EXPIRED"
	CardExpiryWillExpireNextMon = "WILL_EXPIRE_NEXT_MONTH"
	CardExpiryNotExpired        = "NOT_EXPIRED"
)

// StoreCardRequest is the body of POST /payment/v1/cards. Without
// CardUserKey the card gets a new card user; with it, the card is added to
// that user's cards.
type StoreCardRequest struct {
	CardHolderName string `json:"cardHolderName"`
	CardNumber     string `json:"cardNumber"`
	ExpireYear     string `json:"expireYear"`
	ExpireMonth    string `json:"expireMonth"`
	CardAlias      string `json:"cardAlias,omitempty"`
	CardUserKey    string `json:"cardUserKey,omitempty"`
	// SecureFieldsToken stands for the card fields, captured by Craftgate's
	// secure fields (or an IVR call) without the merchant seeing them.
	SecureFieldsToken string `json:"secureFieldsToken,omitempty"`
}

// StoredCard is a card in the vault (docs/reference/craftgate/endpoints.md B.11): never the full
// number, only BinNumber (first 8 digits) and LastFourDigits.
type StoredCard struct {
	BinNumber        string `json:"binNumber"`
	LastFourDigits   string `json:"lastFourDigits"`
	CardHolderName   string `json:"cardHolderName,omitempty"`
	CardUserKey      string `json:"cardUserKey"`
	CardToken        string `json:"cardToken"`
	CardAlias        string `json:"cardAlias,omitempty"`
	CardType         string `json:"cardType,omitempty"`
	CardAssociation  string `json:"cardAssociation,omitempty"`
	CardBrand        string `json:"cardBrand,omitempty"`
	CardBankName     string `json:"cardBankName,omitempty"`
	CardBankID       int64  `json:"cardBankId,omitempty"`
	CardExpiryStatus string `json:"cardExpiryStatus,omitempty"`
	ExpireYear       string `json:"expireYear,omitempty"`
	ExpireMonth      string `json:"expireMonth,omitempty"`
	IsCommercial     bool   `json:"isCommercial"`
	CreatedAt        string `json:"createdAt,omitempty"`
}

// UpdateStoredCardRequest is the body of POST /payment/v1/cards/update. The
// docs require the expiry; CardAlias (sent by the Go client) renames the
// card and is left unchanged when empty.
type UpdateStoredCardRequest struct {
	CardUserKey string `json:"cardUserKey"`
	CardToken   string `json:"cardToken"`
	ExpireYear  string `json:"expireYear"`
	ExpireMonth string `json:"expireMonth"`
	CardAlias   string `json:"cardAlias,omitempty"`
}

// DeleteStoredCardRequest names the stored card to delete.
type DeleteStoredCardRequest struct {
	CardUserKey string `json:"cardUserKey"`
	CardToken   string `json:"cardToken"`
}

// SearchStoredCardsRequest is the query of GET /payment/v1/cards. Empty
// fields do not filter. Page is 0-based; Size 0 means the provider's
// default.
type SearchStoredCardsRequest struct {
	CardUserKey      string
	CardToken        string
	CardAlias        string
	CardBrand        string
	CardType         string
	CardBankName     string
	CardAssociation  string
	CardExpiryStatus string
	// MinCreatedDate and MaxCreatedDate are yyyy-MM-ddTHH:mm:ss
	// (DateTimeLayout).
	MinCreatedDate string
	MaxCreatedDate string
	Page           int
	Size           int
}

// Query returns the request as query parameters.
func (r *SearchStoredCardsRequest) Query() url.Values {
	q := url.Values{}
	setNonZero(q, map[string]string{"cardUserKey": r.CardUserKey, "cardToken": r.CardToken, "cardAlias": r.CardAlias,
		"cardBrand": r.CardBrand, "cardType": r.CardType, "cardBankName": r.CardBankName, "cardAssociation": r.CardAssociation,
		"cardExpiryStatus": r.CardExpiryStatus, "minCreatedDate": r.MinCreatedDate, "maxCreatedDate": r.MaxCreatedDate})
	setPaging(q, r.Page, r.Size)
	return q
}

// StoredCardList is a page of stored cards (the paged envelope,
// docs/reference/craftgate/auth-and-envelope.md 4.2).
type StoredCardList = Paged[StoredCard]

// StoreCard stores a card (POST /payment/v1/cards).
func (c *Client) StoreCard(ctx context.Context, req *StoreCardRequest) (*StoredCard, error) {
	return post[StoredCard](ctx, c, PathStoredCards, req)
}

// UpdateStoredCard changes a stored card's expiry and, optionally, its
// alias (POST /payment/v1/cards/update).
func (c *Client) UpdateStoredCard(ctx context.Context, req *UpdateStoredCardRequest) (*StoredCard, error) {
	return post[StoredCard](ctx, c, PathStoredCardsUpdate, req)
}

// DeleteStoredCard deletes a stored card (POST /payment/v1/cards/delete,
// the documented form). The answer has no content.
func (c *Client) DeleteStoredCard(ctx context.Context, req *DeleteStoredCardRequest) error {
	return c.Do(ctx, http.MethodPost, PathStoredCardsDelete, nil, req, nil)
}

// SearchStoredCards searches the vault (GET /payment/v1/cards).
func (c *Client) SearchStoredCards(ctx context.Context, req *SearchStoredCardsRequest) (*StoredCardList, error) {
	return get[StoredCardList](ctx, c, PathStoredCards, req.Query())
}
