package craftgate

import (
	"context"
)

// Marketplace (docs/reference/craftgate/flows.md section 10, docs/reference/craftgate/endpoints.md A.8): basket items carry
// a sub-merchant (PaymentItem.SubMerchantMemberID, a member registered as a
// seller) and its share (SubMerchantMemberPrice); such items wait for the
// merchant's approval (transactionStatus WAITING_FOR_APPROVAL) before they
// are paid out, and their split can be changed until then.

// Marketplace paths.
const (
	PathPaymentTransactions           = "/payment/v1/payment-transactions"
	PathApprovePaymentTransactions    = PathPaymentTransactions + "/approve"
	PathDisapprovePaymentTransactions = PathPaymentTransactions + "/disapprove"
	PathInstantWalletSettlements      = "/settlement/v1/instant-wallet-settlements"
)

// Transaction statuses of marketplace items (transactionStatus).
const (
	TransactionWaitingForApproval = "WAITING_FOR_APPROVAL"
	TransactionApproved           = "APPROVED"
	TransactionPayoutStarted      = "PAYOUT_STARTED"
)

// Approval statuses (approvalStatus).
const (
	ApprovalSuccess = "SUCCESS"
	ApprovalFailure = "FAILURE"
)

// ApprovalRequest is the body of approve and disapprove: the items, and
// whether they stand or fall together.
type ApprovalRequest struct {
	PaymentTransactionIDs []int64 `json:"paymentTransactionIds"`
	IsTransactional       bool    `json:"isTransactional"`
}

// ApprovalItem is the outcome for one item.
type ApprovalItem struct {
	PaymentTransactionID int64  `json:"paymentTransactionId"`
	ApprovalStatus       string `json:"approvalStatus"`
	FailedReason         string `json:"failedReason,omitempty"`
}

// ApprovalResponse is the answer of approve and disapprove.
type ApprovalResponse struct {
	Size  int            `json:"size"`
	Items []ApprovalItem `json:"items"`
}

// UpdatePaymentTransactionRequest is the body of PUT
// /payment/v1/payment-transactions/{id}: the item's new seller and/or
// seller's share.
type UpdatePaymentTransactionRequest struct {
	SubMerchantMemberID    int64  `json:"subMerchantMemberId"`
	SubMerchantMemberPrice Amount `json:"subMerchantMemberPrice"`
}

// InstantWalletSettlementRequest is the body of POST
// /settlement/v1/instant-wallet-settlements.
type InstantWalletSettlementRequest struct {
	ExcludedSubMerchantMemberIDs []int64 `json:"excludedSubMerchantMemberIds,omitempty"`
}

// InstantWalletSettlement is its answer: SUCCESS, FAILURE or
// NO_RECORD_FOUND.
type InstantWalletSettlement struct {
	SettlementResultStatus string `json:"settlementResultStatus"`
}

func (c *Client) approval(ctx context.Context, path string, req *ApprovalRequest) (*ApprovalResponse, error) {
	return post[ApprovalResponse](ctx, c, path, req)
}

// ApprovePaymentTransactions approves marketplace items for payout.
func (c *Client) ApprovePaymentTransactions(ctx context.Context, req *ApprovalRequest) (*ApprovalResponse, error) {
	return c.approval(ctx, PathApprovePaymentTransactions, req)
}

// DisapprovePaymentTransactions withdraws approvals (before payout).
func (c *Client) DisapprovePaymentTransactions(ctx context.Context, req *ApprovalRequest) (*ApprovalResponse, error) {
	return c.approval(ctx, PathDisapprovePaymentTransactions, req)
}

// UpdatePaymentTransaction changes the seller and/or the seller's share of
// marketplace item id before it is approved.
func (c *Client) UpdatePaymentTransaction(ctx context.Context, id int64, req *UpdatePaymentTransactionRequest) (*PaymentTransaction, error) {
	return put[PaymentTransaction](ctx, c, idPath(PathPaymentTransactions, id), req)
}

// SettleToWallets credits the approved sellers' earnings to their wallets.
func (c *Client) SettleToWallets(ctx context.Context, req *InstantWalletSettlementRequest) (*InstantWalletSettlement, error) {
	return post[InstantWalletSettlement](ctx, c, PathInstantWalletSettlements, req)
}
