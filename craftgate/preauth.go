package craftgate

import (
	"context"
)

// Pre-authorisation and post-authorisation (docs/reference/craftgate/flows.md section 3,
// docs/reference/craftgate/endpoints.md A.1 and B.6).
//
// A pre-authorisation is an ordinary card payment (CreatePayment, or
// InitThreeDSPayment then CompleteThreeDSPayment) sent with PaymentPhase
// PhasePreAuth: the amount is blocked on the card, not captured, and the
// answer carries paymentPhase PRE_AUTH. PostAuthPayment captures it, for
// up to 1.5 times the pre-authorised amount on Craftgate's side (banks may
// allow less); the answer carries paymentPhase POST_AUTH. A pre-authorised
// payment can only be refunded whole (RefundPayment), never per
// transaction.

// PathPostAuthSuffix follows /payment/v1/card-payments/{id} in the
// post-auth path.
const PathPostAuthSuffix = "/post-auth"

// PostAuthPaymentRequest is the body of POST
// /payment/v1/card-payments/{id}/post-auth: the amount to capture.
type PostAuthPaymentRequest struct {
	PaidPrice Amount `json:"paidPrice"`
}

// PostAuthPath returns the post-auth path of payment id.
func PostAuthPath(id int64) string { return idPath(PathCardPayments, id) + PathPostAuthSuffix }

// PostAuthPayment captures the pre-authorised payment id (POST
// /payment/v1/card-payments/{id}/post-auth) and returns the payment in
// phase POST_AUTH. A card the bank declines at post-auth returns an *Error
// with HTTP 422 and its errorGroup.
func (c *Client) PostAuthPayment(ctx context.Context, id int64, req *PostAuthPaymentRequest) (*Payment, error) {
	return post[Payment](ctx, c, PostAuthPath(id), req)
}
