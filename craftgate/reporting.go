package craftgate

import (
	"context"
	"net/url"
)

// Payment reporting (https://developer.craftgate.io/en/api/payment-reporting):
// searches over payments, their transactions and refunds.
const (
	PathReportingPayments           = "/payment-reporting/v1/payments"
	PathReportingRefunds            = "/payment-reporting/v1/refunds"
	PathReportingRefundTransactions = "/payment-reporting/v1/refund-transactions"
)

// PaymentTypeCard is the paymentType of a card payment.
const PaymentTypeCard = "CARD_PAYMENT"

// Payout statuses of a transaction (payoutStatus in the reporting API).
const (
	PayoutStatusWaitingForPayout = "WAITING_FOR_PAYOUT"
	PayoutStatusPayoutStarted    = "PAYOUT_STARTED"
	PayoutStatusPayoutCompleted  = "PAYOUT_COMPLETED"
)

// ReportingPayment is a payment as the reporting API answers it: the
// PaymentResponse fields plus what is left to refund, the retry count and
// the payment's refunds.
type ReportingPayment struct {
	Payment
	RefundablePrice Amount                   `json:"refundablePrice"`
	RetryCount      int                      `json:"retryCount"`
	Refunds         []ReportingPaymentRefund `json:"refunds"`
}

// ReportingPaymentRefund is a refund of a whole payment (a CANCEL or a
// REFUND) in the reporting API.
type ReportingPaymentRefund struct {
	ID                    int64      `json:"id"`
	CreatedDate           string     `json:"createdDate"`
	Status                string     `json:"status"`
	RefundType            string     `json:"refundType"`
	RefundDestinationType string     `json:"refundDestinationType"`
	RefundPrice           Amount     `json:"refundPrice"`
	RefundBankPrice       Amount     `json:"refundBankPrice"`
	RefundWalletPrice     Amount     `json:"refundWalletPrice"`
	ConversationID        string     `json:"conversationId,omitempty"`
	AuthCode              string     `json:"authCode,omitempty"`
	HostReference         string     `json:"hostReference,omitempty"`
	TransID               string     `json:"transId,omitempty"`
	PaymentType           string     `json:"paymentType"`
	PaymentID             int64      `json:"paymentId"`
	Currency              string     `json:"currency"`
	PaymentError          *ErrorBody `json:"paymentError,omitempty"`
}

// ReportingPaymentTransactionRefund is one refund of one payment
// transaction in the reporting API.
type ReportingPaymentTransactionRefund struct {
	PaymentTransactionRefund
	PaymentType  string     `json:"paymentType"`
	PaymentError *ErrorBody `json:"paymentError,omitempty"`
}

// Payout is what a transaction pays out, in the payout currency.
type Payout struct {
	PaidPrice                     Amount `json:"paidPrice"`
	Parity                        Amount `json:"parity"`
	Currency                      string `json:"currency"`
	MerchantPayoutAmount          Amount `json:"merchantPayoutAmount"`
	SubMerchantMemberPayoutAmount Amount `json:"subMerchantMemberPayoutAmount"`
}

// ReportingPaymentTransaction is a payment transaction with its payout
// state, as GET /payment-reporting/v1/payments/{id}/transactions answers.
type ReportingPaymentTransaction struct {
	PaymentTransaction
	CreatedDate              string `json:"createdDate"`
	TransactionStatusDate    string `json:"transactionStatusDate"`
	BlockageResolvedDate     string `json:"blockageResolvedDate,omitempty"`
	BankCommissionRate       Amount `json:"bankCommissionRate"`
	BankCommissionRateAmount Amount `json:"bankCommissionRateAmount"`
	Payout                   Payout `json:"payout"`
	RefundStatus             string `json:"refundStatus"`
	// PayoutStatus is an object in both official clients (Go and Java
	// PayoutStatus), not a string: a client decoding it fails on a string.
	PayoutStatus *TransactionPayoutStatus `json:"payoutStatus,omitempty"`
}

// TransactionPayoutStatus is where the payout of a transaction's shares
// stands: the merchant's and the sub-merchant member's (each one of
// NO_PAYOUT, WAITING_FOR_PAYOUT, PAYOUT_STARTED, PAYOUT_COMPLETED,
// CANCELLED), with the dates they got there.
type TransactionPayoutStatus struct {
	MerchantStatus              string `json:"merchantStatus,omitempty"`
	MerchantStatusDate          string `json:"merchantStatusDate,omitempty"`
	SubMerchantMemberStatus     string `json:"subMerchantMemberStatus,omitempty"`
	SubMerchantMemberStatusDate string `json:"subMerchantMemberStatusDate,omitempty"`
}

// ReportingPaymentList is a page of payments.
type ReportingPaymentList = Paged[ReportingPayment]

// ReportingRefundList is a page (or all) of payment refunds.
type ReportingRefundList = Paged[ReportingPaymentRefund]

// ReportingTransactionRefundList is a page (or all) of transaction refunds.
type ReportingTransactionRefundList = Paged[ReportingPaymentTransactionRefund]

// ReportingTransactionList lists a payment's transactions.
type ReportingTransactionList struct {
	Items []ReportingPaymentTransaction `json:"items"`
}

// SearchReportingPaymentsRequest filters GET /payment-reporting/v1/payments.
// Zero fields are not sent. Dates are yyyy-MM-ddTHH:mm:ss.
type SearchReportingPaymentsRequest struct {
	Page, Size                                                          int
	PaymentID, PaymentTransactionID, BuyerMemberID, SubMerchantMemberID int64
	ConversationID, ExternalID, OrderID                                 string
	PaymentType, PaymentProvider, PaymentStatus, PaymentSource          string
	PaymentChannel, BinNumber, LastFourDigits, Currency                 string
	MinPaidPrice, MaxPaidPrice                                          *Amount
	Installment                                                         int
	IsThreeDS                                                           *bool
	MinCreatedDate, MaxCreatedDate                                      string
}

// Query encodes the request's non-zero fields.
func (r *SearchReportingPaymentsRequest) Query() url.Values {
	q := url.Values{}
	setPaging(q, r.Page, r.Size)
	setNonZero(q, map[string]int64{"paymentId": r.PaymentID, "paymentTransactionId": r.PaymentTransactionID,
		"buyerMemberId": r.BuyerMemberID, "subMerchantMemberId": r.SubMerchantMemberID, "installment": int64(r.Installment)})
	setNonZero(q, map[string]string{"conversationId": r.ConversationID, "externalId": r.ExternalID, "orderId": r.OrderID,
		"paymentType": r.PaymentType, "paymentProvider": r.PaymentProvider, "paymentStatus": r.PaymentStatus,
		"paymentSource": r.PaymentSource, "paymentChannel": r.PaymentChannel, "binNumber": r.BinNumber,
		"lastFourDigits": r.LastFourDigits, "currency": r.Currency, "minCreatedDate": r.MinCreatedDate, "maxCreatedDate": r.MaxCreatedDate})
	setAmount(q, "minPaidPrice", r.MinPaidPrice)
	setAmount(q, "maxPaidPrice", r.MaxPaidPrice)
	setBool(q, "isThreeDS", r.IsThreeDS)
	return q
}

// SearchReportingRefundsRequest filters GET /payment-reporting/v1/refunds
// and (with PaymentTransactionID and IsAfterSettlement) GET
// /payment-reporting/v1/refund-transactions.
type SearchReportingRefundsRequest struct {
	Page, Size                                         int
	ID, PaymentID, PaymentTransactionID, BuyerMemberID int64
	ConversationID, Status, Currency                   string
	MinRefundPrice, MaxRefundPrice                     *Amount
	IsAfterSettlement                                  *bool
	MinCreatedDate, MaxCreatedDate                     string
}

// Query encodes the request's non-zero fields.
func (r *SearchReportingRefundsRequest) Query() url.Values {
	q := url.Values{}
	setPaging(q, r.Page, r.Size)
	setNonZero(q, map[string]int64{"id": r.ID, "paymentId": r.PaymentID, "paymentTransactionId": r.PaymentTransactionID,
		"buyerMemberId": r.BuyerMemberID})
	setNonZero(q, map[string]string{"conversationId": r.ConversationID, "status": r.Status, "currency": r.Currency,
		"minCreatedDate": r.MinCreatedDate, "maxCreatedDate": r.MaxCreatedDate})
	setAmount(q, "minRefundPrice", r.MinRefundPrice)
	setAmount(q, "maxRefundPrice", r.MaxRefundPrice)
	setBool(q, "isAfterSettlement", r.IsAfterSettlement)
	return q
}

// SearchReportingPayments searches payments (GET /payment-reporting/v1/payments).
func (c *Client) SearchReportingPayments(ctx context.Context, req *SearchReportingPaymentsRequest) (*ReportingPaymentList, error) {
	return get[ReportingPaymentList](ctx, c, PathReportingPayments, req.Query())
}

// RetrieveReportingPayment answers GET /payment-reporting/v1/payments/{id}.
func (c *Client) RetrieveReportingPayment(ctx context.Context, id int64) (*ReportingPayment, error) {
	return get[ReportingPayment](ctx, c, idPath(PathReportingPayments, id), nil)
}

// RetrieveReportingTransactions answers GET
// /payment-reporting/v1/payments/{id}/transactions.
func (c *Client) RetrieveReportingTransactions(ctx context.Context, paymentID int64) (*ReportingTransactionList, error) {
	return get[ReportingTransactionList](ctx, c, idPath(PathReportingPayments, paymentID)+"/transactions", nil)
}

// RetrieveReportingPaymentRefunds answers GET
// /payment-reporting/v1/payments/{id}/refunds.
func (c *Client) RetrieveReportingPaymentRefunds(ctx context.Context, paymentID int64) (*ReportingRefundList, error) {
	return get[ReportingRefundList](ctx, c, idPath(PathReportingPayments, paymentID)+"/refunds", nil)
}

// RetrieveReportingTransactionRefunds answers GET
// /payment-reporting/v1/payments/{id}/transactions/{txId}/refunds.
func (c *Client) RetrieveReportingTransactionRefunds(ctx context.Context, paymentID, txID int64) (*ReportingTransactionRefundList, error) {
	p := idPath(idPath(PathReportingPayments, paymentID)+"/transactions", txID) + "/refunds"
	return get[ReportingTransactionRefundList](ctx, c, p, nil)
}

// SearchReportingRefunds searches payment refunds (GET /payment-reporting/v1/refunds).
func (c *Client) SearchReportingRefunds(ctx context.Context, req *SearchReportingRefundsRequest) (*ReportingRefundList, error) {
	return get[ReportingRefundList](ctx, c, PathReportingRefunds, req.Query())
}

// SearchReportingTransactionRefunds searches transaction refunds (GET
// /payment-reporting/v1/refund-transactions).
func (c *Client) SearchReportingTransactionRefunds(ctx context.Context, req *SearchReportingRefundsRequest) (*ReportingTransactionRefundList, error) {
	return get[ReportingTransactionRefundList](ctx, c, PathReportingRefundTransactions, req.Query())
}
