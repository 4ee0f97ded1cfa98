package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// Pay-by-link / QR products, "craftlink" (docs/reference/craftgate/endpoints.md A.2 and B.13,
// docs/reference/craftgate/flows.md section 8). A product is a payment page with a fixed price: its
// url and qrCodeUrl are shared with buyers, each buyer's payment is a
// normal payment with paymentSource PAY_BY_LINK, and soldCount counts the
// successful ones up to stock.

// PathProducts is the product collection; a product is PathProducts/{id}.
const PathProducts = "/craftlink/v1/products"

// Product statuses: a PASSIVE product's page takes no payment.
const (
	ProductActive  = "ACTIVE"
	ProductPassive = "PASSIVE"
)

// PaymentSourcePayByLink is the paymentSource of a payment made on a
// product's page.
const PaymentSourcePayByLink = "PAY_BY_LINK"

// CreateProductRequest is the body of POST /craftlink/v1/products. The docs
// require Name, Description, Price, Currency and EnabledInstallments; with
// OrderID, Stock must be 1. ConversationID, ExternalID, ExpiresAt and
// BasketIdentifier are sent by the official clients.
type CreateProductRequest struct {
	Name                string `json:"name"`
	Description         string `json:"description"`
	Price               Amount `json:"price"`
	Currency            string `json:"currency"`
	EnabledInstallments []int  `json:"enabledInstallments"`
	OrderID             string `json:"orderId,omitempty"`
	Stock               *int   `json:"stock,omitempty"`
	Channel             string `json:"channel,omitempty"`
	MultiPayment        bool   `json:"multiPayment,omitempty"`
	ConversationID      string `json:"conversationId,omitempty"`
	ExternalID          string `json:"externalId,omitempty"`
	// ExpiresAt is yyyy-MM-ddTHH:mm:ss (DateTimeLayout), local time.
	ExpiresAt        string `json:"expiresAt,omitempty"`
	BasketIdentifier string `json:"basketIdentifier,omitempty"`
}

// UpdateProductRequest is the body of PUT /craftlink/v1/products/{id}: the
// create fields plus the required Status (ProductActive or
// ProductPassive). The docs also mark Channel required here; the official
// clients do not.
type UpdateProductRequest struct {
	CreateProductRequest
	Status string `json:"status"`
}

// Product is a pay-by-link product (docs/reference/craftgate/endpoints.md B.13).
type Product struct {
	ID                  int64  `json:"id"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	Channel             string `json:"channel,omitempty"`
	OrderID             string `json:"orderId,omitempty"`
	ConversationID      string `json:"conversationId,omitempty"`
	ExternalID          string `json:"externalId,omitempty"`
	Status              string `json:"status"`
	Price               Amount `json:"price"`
	Currency            string `json:"currency"`
	Stock               *int   `json:"stock,omitempty"`
	SoldCount           int    `json:"soldCount"`
	Token               string `json:"token"`
	MultiPayment        bool   `json:"multiPayment"`
	EnabledInstallments []int  `json:"enabledInstallments"`
	URL                 string `json:"url"`
	QRCodeURL           string `json:"qrCodeUrl"`
	ExpiresAt           string `json:"expiresAt,omitempty"`
	BasketIdentifier    string `json:"basketIdentifier,omitempty"`
}

// SearchProductsRequest is the query of GET /craftlink/v1/products. Empty
// fields do not filter; Page is 0-based and Size 0 the provider's default.
// Name, MinPrice, MaxPrice, Currency and Channel are documented; the rest
// are sent by the official clients.
type SearchProductsRequest struct {
	Name           string
	MinPrice       *Amount
	MaxPrice       *Amount
	Currency       string
	Channel        string
	OrderID        string
	ConversationID string
	ExternalID     string
	Page           int
	Size           int
}

// Query returns the request as query parameters.
func (r *SearchProductsRequest) Query() url.Values {
	q := url.Values{}
	setNonZero(q, map[string]string{"name": r.Name, "currency": r.Currency, "channel": r.Channel, "orderId": r.OrderID,
		"conversationId": r.ConversationID, "externalId": r.ExternalID})
	setAmount(q, "minPrice", r.MinPrice)
	setAmount(q, "maxPrice", r.MaxPrice)
	setPaging(q, r.Page, r.Size)
	return q
}

// ProductList is a page of products.
type ProductList = Paged[Product]

// CreateProduct creates a pay-by-link product (POST /craftlink/v1/products).
func (c *Client) CreateProduct(ctx context.Context, req *CreateProductRequest) (*Product, error) {
	return post[Product](ctx, c, PathProducts, req)
}

// UpdateProduct replaces a product's fields and status
// (PUT /craftlink/v1/products/{id}).
func (c *Client) UpdateProduct(ctx context.Context, id int64, req *UpdateProductRequest) (*Product, error) {
	return put[Product](ctx, c, idPath(PathProducts, id), req)
}

// RetrieveProduct reads a product (GET /craftlink/v1/products/{id}).
func (c *Client) RetrieveProduct(ctx context.Context, id int64) (*Product, error) {
	return get[Product](ctx, c, idPath(PathProducts, id), nil)
}

// DeleteProduct deletes a product (DELETE /craftlink/v1/products/{id}); the
// answer has no content.
func (c *Client) DeleteProduct(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(PathProducts, id), nil, nil, nil)
}

// SearchProducts searches products (GET /craftlink/v1/products).
func (c *Client) SearchProducts(ctx context.Context, req *SearchProductsRequest) (*ProductList, error) {
	return get[ProductList](ctx, c, PathProducts, req.Query())
}
