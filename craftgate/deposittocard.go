package craftgate

import (
	"context"
)

// Deposit to card and the refund of a WAITING payment (official Java
// client): push money to a card; refund a payment whose provider has not
// answered yet.
const (
	PathDepositToCard        = PathCardPayments + "/deposit-to-card"
	PathRefundWaitingPayment = PathRefunds + "/refund-waiting-payment"
)

// DepositToCardRequest is the body of deposit-to-card.
type DepositToCardRequest struct {
	Price       Amount `json:"price"`
	Currency    string `json:"currency"`
	Description string `json:"description,omitempty"`
	OrderID     string `json:"orderId,omitempty"`
	Card        *Card  `json:"card"`
	Integrator  string `json:"integrator,omitempty"`
}

// DepositToCard is the money sent to the card.
type DepositToCard struct {
	ID            int64  `json:"id"`
	CreatedDate   string `json:"createdDate"`
	Price         Amount `json:"price"`
	ReferenceID   string `json:"referenceId"`
	PaymentStatus string `json:"paymentStatus"`
	Currency      string `json:"currency"`
	Description   string `json:"description,omitempty"`
	OrderID       string `json:"orderId,omitempty"`
}

// CreateDepositToCard sends money to a card.
func (c *Client) CreateDepositToCard(ctx context.Context, req *DepositToCardRequest) (*DepositToCard, error) {
	return post[DepositToCard](ctx, c, PathDepositToCard, req)
}

// RefundWaitingPayment refunds a payment still WAITING; the answer is its
// refund status.
func (c *Client) RefundWaitingPayment(ctx context.Context, paymentID int64) (string, error) {
	out, err := post[struct {
		Status string `json:"status"`
	}](ctx, c, PathRefundWaitingPayment, map[string]int64{"paymentId": paymentID})
	if err != nil {
		return "", err
	}
	return out.Status, nil
}
