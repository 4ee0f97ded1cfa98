package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// The closed-loop wallet (docs/reference/craftgate/endpoints.md A.7 and B.14, docs/reference/craftgate/flows.md section 11):
// member wallets, the merchant's own wallet, wallet transactions, card and
// fund-transfer top-ups (deposits) and remittances between the merchant
// and a member. Wallet payments themselves are card payments with a
// walletPrice (CreatePaymentRequest.WalletPrice and BuyerMemberID).

// Wallet paths.
const (
	PathDeposits                = "/payment/v1/deposits"
	PathDepositsFundTransfer    = PathDeposits + "/fund-transfer"
	PathDepositsThreeDSInit     = PathDeposits + "/3ds-init"
	PathDepositsThreeDSComplete = PathDeposits + "/3ds-complete"
	PathDepositsApmInit         = PathDeposits + "/apm-init"
	PathMerchantWallet          = "/wallet/v1/merchants/me/wallet"
	PathMerchantWalletReset     = PathMerchantWallet + "/reset-balance"
	PathRemittances             = "/wallet/v1/remittances"
	PathRemittancesSend         = PathRemittances + "/send"
	PathRemittancesReceive      = PathRemittances + "/receive"
	// PathWalletMembers and PathWallets are the prefixes of a member's
	// wallet routes and of a wallet's transactions.
	PathWalletMembers = "/wallet/v1/members"
	PathWallets       = "/wallet/v1/wallets"
)

// Wallet transaction types (walletTransactionType) the mock produces.
const (
	WalletTxDepositFromCard         = "DEPOSIT_FROM_CARD"
	WalletTxDepositFromFundTransfer = "DEPOSIT_FROM_FUND_TRANSFER"
	WalletTxDepositFromAPM          = "DEPOSIT_FROM_APM"
	WalletTxPaymentRedeem           = "PAYMENT_REDEEM"
	WalletTxRemittance              = "REMITTANCE"
	WalletTxMerchantBalanceReset    = "MERCHANT_BALANCE_RESET"
	WalletTxCancelRefundToWallet    = "CANCEL_REFUND_TO_WALLET"
	WalletTxRefundTxToWallet        = "REFUND_TX_TO_WALLET"
	WalletTxRefundDeposit           = "REFUND_DEPOSIT"
	WalletTxRefundTxDeposit         = "REFUND_TX_DEPOSIT"
	WalletTxSettlementEarnings      = "SETTLEMENT_EARNINGS"
)

// Remittance types and the default reason.
const (
	RemittanceSend              = "SEND"
	RemittanceReceive           = "RECEIVE"
	RemittanceRedeemOnlyLoyalty = "REDEEM_ONLY_LOYALTY"
)

// Payment types of wallet payments and deposits (paymentType).
const (
	PaymentTypeWallet        = "WALLET_PAYMENT"
	PaymentTypeCardAndWallet = "CARD_AND_WALLET_PAYMENT"
	PaymentTypeDeposit       = "DEPOSIT_PAYMENT"
)

// MemberWalletsPath is where member id's wallet is created (POST).
func MemberWalletsPath(memberID int64) string {
	return idPath(PathWalletMembers, memberID) + "/wallets"
}

// MemberWalletPath is where member id's wallet is retrieved (GET).
func MemberWalletPath(memberID int64) string {
	return idPath(PathWalletMembers, memberID) + "/wallet"
}

// WalletTransactionsPath is the wallet transaction search of wallet id.
func WalletTransactionsPath(walletID int64) string {
	return idPath(PathWallets, walletID) + "/wallet-transactions"
}

// Wallet is a member's or the merchant's wallet. Amount is the balance;
// it may go below zero down to -NegativeAmountLimit.
type Wallet struct {
	ID                  int64  `json:"id"`
	CreatedDate         string `json:"createdDate"`
	UpdatedDate         string `json:"updatedDate"`
	Amount              Amount `json:"amount"`
	WithdrawalAmount    Amount `json:"withdrawalAmount"`
	NegativeAmountLimit Amount `json:"negativeAmountLimit"`
	Currency            string `json:"currency"`
	MemberID            int64  `json:"memberId,omitempty"`
}

// CreateWalletRequest is the body of POST /wallet/v1/members/{id}/wallets.
type CreateWalletRequest struct {
	NegativeAmountLimit Amount `json:"negativeAmountLimit"`
	Currency            string `json:"currency"`
}

// UpdateWalletRequest is the body of PUT
// /wallet/v1/members/{memberId}/wallets/{walletId}.
type UpdateWalletRequest struct {
	NegativeAmountLimit Amount `json:"negativeAmountLimit"`
}

// ResetMerchantWalletRequest is the body of POST
// /wallet/v1/merchants/me/wallet/reset-balance: WalletAmount must be the
// wallet's current balance.
type ResetMerchantWalletRequest struct {
	WalletAmount Amount `json:"walletAmount"`
}

// WalletTransaction is one movement of a wallet: a positive Amount
// credits it, a negative one debits it. TransactionID is the payment,
// deposit, remittance or refund that moved the money.
type WalletTransaction struct {
	ID                    int64  `json:"id"`
	CreatedDate           string `json:"createdDate"`
	WalletTransactionType string `json:"walletTransactionType"`
	Amount                Amount `json:"amount"`
	TransactionID         int64  `json:"transactionId"`
	WalletID              int64  `json:"walletId"`
}

// SearchWalletTransactionsRequest filters GET
// /wallet/v1/wallets/{walletId}/wallet-transactions; zero fields are not
// sent.
type SearchWalletTransactionsRequest struct {
	WalletTransactionTypes []string
	MinAmount, MaxAmount   *Amount
	Page, Size             int
}

// Query returns the request's query parameters.
func (r *SearchWalletTransactionsRequest) Query() url.Values {
	q := url.Values{}
	for _, t := range r.WalletTransactionTypes {
		q.Add("walletTransactionTypes", t)
	}
	setAmount(q, "minAmount", r.MinAmount)
	setAmount(q, "maxAmount", r.MaxAmount)
	setPaging(q, r.Page, r.Size)
	return q
}

// WalletTransactionList is a page of wallet transactions, oldest first.
type WalletTransactionList = Paged[WalletTransaction]

// DepositRequest is the body of POST /payment/v1/deposits: a card top-up
// of member BuyerMemberID's wallet.
type DepositRequest struct {
	Price          Amount `json:"price"`
	Currency       string `json:"currency"`
	BuyerMemberID  int64  `json:"buyerMemberId"`
	Card           *Card  `json:"card"`
	ConversationID string `json:"conversationId,omitempty"`
	PosAlias       string `json:"posAlias,omitempty"`
	ClientIP       string `json:"clientIp,omitempty"`
}

// DepositWalletTransaction is the wallet movement of a deposit.
type DepositWalletTransaction struct {
	ID                    int64  `json:"id"`
	WalletTransactionType string `json:"walletTransactionType"`
	Amount                Amount `json:"amount"`
	WalletID              int64  `json:"walletId"`
}

// DepositPayment is the answer of a card deposit (docs/reference/craftgate/endpoints.md B.14).
type DepositPayment struct {
	ID                       int64                     `json:"id"`
	CreatedDate              string                    `json:"createdDate"`
	Price                    Amount                    `json:"price"`
	Currency                 string                    `json:"currency"`
	BuyerMemberID            int64                     `json:"buyerMemberId"`
	ConversationID           string                    `json:"conversationId,omitempty"`
	BankCommissionRate       Amount                    `json:"bankCommissionRate"`
	BankCommissionRateAmount Amount                    `json:"bankCommissionRateAmount"`
	AuthCode                 string                    `json:"authCode,omitempty"`
	HostReference            string                    `json:"hostReference,omitempty"`
	TransID                  string                    `json:"transId,omitempty"`
	OrderID                  string                    `json:"orderId,omitempty"`
	PaymentType              string                    `json:"paymentType"`
	PaymentStatus            string                    `json:"paymentStatus"`
	WalletTransaction        *DepositWalletTransaction `json:"walletTransaction,omitempty"`
}

// InitThreeDSDepositRequest is the body of POST
// /payment/v1/deposits/3ds-init: a deposit with the callbackUrl the
// buyer's browser returns to after the bank's page (docs/reference/craftgate/flows.md section 2).
type InitThreeDSDepositRequest struct {
	DepositRequest
	CallbackURL string `json:"callbackUrl"`
	// AdditionalParams may ask for callback version 2
	// (ThreeDSCallbackVersionParam).
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
}

// InitThreeDSDeposit starts a 3-D Secure top-up: the answer has the same
// shape as a payment's 3ds-init (htmlContent, paymentId, redirectUrl).
func (c *Client) InitThreeDSDeposit(ctx context.Context, req *InitThreeDSDepositRequest) (*InitThreeDSPaymentResponse, error) {
	return post[InitThreeDSPaymentResponse](ctx, c, PathDepositsThreeDSInit, req)
}

// CompleteThreeDSDeposit completes a verified 3-D Secure top-up; the
// wallet is credited then.
func (c *Client) CompleteThreeDSDeposit(ctx context.Context, paymentID int64) (*DepositPayment, error) {
	return post[DepositPayment](ctx, c, PathDepositsThreeDSComplete, completeThreeDSRequest{PaymentID: paymentID})
}

// WalletTransactionRefund is a refund of a wallet top-up to where the
// money came from (the card, or the bank account of a transfer).
type WalletTransactionRefund struct {
	ID                  int64      `json:"id"`
	CreatedDate         string     `json:"createdDate"`
	RefundStatus        string     `json:"refundStatus"`
	RefundPrice         Amount     `json:"refundPrice"`
	AuthCode            string     `json:"authCode,omitempty"`
	HostReference       string     `json:"hostReference,omitempty"`
	TransID             string     `json:"transId,omitempty"`
	TransactionID       int64      `json:"transactionId"`
	TransactionType     string     `json:"transactionType"`
	WalletTransactionID int64      `json:"walletTransactionId"`
	PaymentError        *ErrorBody `json:"paymentError,omitempty"`
}

// PathWalletTransactions prefixes the refund paths of wallet movements.
const PathWalletTransactions = "/payment/v1/wallet-transactions"

// WalletTransactionRefundsPath is the refunds path of wallet transaction id.
func WalletTransactionRefundsPath(id int64) string {
	return idPath(PathWalletTransactions, id) + "/refunds"
}

// RefundableWalletTransactionAmount returns how much of top-up id can
// still be refunded.
func (c *Client) RefundableWalletTransactionAmount(ctx context.Context, id int64) (Amount, error) {
	var r struct {
		RefundableAmount Amount `json:"refundableAmount"`
	}
	err := c.Do(ctx, http.MethodGet, idPath(PathWalletTransactions, id)+"/refundable-amount", nil, nil, &r)
	return r.RefundableAmount, err
}

// RefundWalletTransaction refunds price of top-up id to where it came from.
func (c *Client) RefundWalletTransaction(ctx context.Context, id int64, price Amount) (*WalletTransactionRefund, error) {
	body := struct {
		RefundPrice Amount `json:"refundPrice"`
	}{price}
	return post[WalletTransactionRefund](ctx, c, WalletTransactionRefundsPath(id), body)
}

// ListWalletTransactionRefunds returns the refunds of top-up id.
func (c *Client) ListWalletTransactionRefunds(ctx context.Context, id int64) ([]WalletTransactionRefund, error) {
	return doItems[WalletTransactionRefund](ctx, c, http.MethodGet, WalletTransactionRefundsPath(id), nil, nil)
}

// FundTransferDepositRequest is the body of POST
// /payment/v1/deposits/fund-transfer: credit a wallet after a bank
// transfer was received.
type FundTransferDepositRequest struct {
	Price          Amount `json:"price"`
	Currency       string `json:"currency"`
	BuyerMemberID  int64  `json:"buyerMemberId"`
	ConversationID string `json:"conversationId,omitempty"`
	ClientIP       string `json:"clientIp,omitempty"`
}

// FundTransferDeposit is the answer of a fund-transfer deposit.
type FundTransferDeposit struct {
	Price             Amount                    `json:"price"`
	Currency          string                    `json:"currency"`
	BuyerMemberID     int64                     `json:"buyerMemberId"`
	ConversationID    string                    `json:"conversationId,omitempty"`
	WalletTransaction *DepositWalletTransaction `json:"walletTransaction,omitempty"`
}

// InitApmDepositRequest is the body of POST /payment/v1/deposits/apm-init:
// a top-up of member BuyerMemberID's wallet paid through an alternative
// payment method (the official clients' InitApmDepositPaymentRequest). It
// has no basket: Price is what the wallet receives.
type InitApmDepositRequest struct {
	ApmType          string `json:"apmType"`
	MerchantApmID    int64  `json:"merchantApmId,omitempty"`
	Price            Amount `json:"price"`
	Currency         string `json:"currency,omitempty"`
	BuyerMemberID    int64  `json:"buyerMemberId"`
	PaymentChannel   string `json:"paymentChannel,omitempty"`
	ConversationID   string `json:"conversationId,omitempty"`
	ExternalID       string `json:"externalId,omitempty"`
	CallbackURL      string `json:"callbackUrl,omitempty"`
	ApmOrderID       string `json:"apmOrderId,omitempty"`
	ApmUserIdentity  string `json:"apmUserIdentity,omitempty"`
	ClientIP         string `json:"clientIp,omitempty"`
	AdditionalParams Params `json:"additionalParams,omitempty"`
}

// ApmDepositResponse is the answer to an APM top-up (the official
// clients' ApmDepositPaymentResponse). WalletTransaction is the wallet's
// credit when the payment succeeded at once (additionalAction NONE);
// otherwise the merchant follows AdditionalAction as for an APM payment
// (the buyer goes to RedirectURL, or the merchant completes it with the
// buyer's code) and the wallet is credited when the payment succeeds.
type ApmDepositResponse struct {
	PaymentID         int64                     `json:"paymentId"`
	RedirectURL       string                    `json:"redirectUrl,omitempty"`
	PaymentStatus     string                    `json:"paymentStatus"`
	AdditionalAction  string                    `json:"additionalAction"`
	PaymentError      *ErrorBody                `json:"paymentError,omitempty"`
	WalletTransaction *DepositWalletTransaction `json:"walletTransaction,omitempty"`
}

// InitApmDeposit starts a top-up through an APM (POST
// /payment/v1/deposits/apm-init). A top-up the APM provider refuses at
// once returns an *Error with HTTP 422 and its APM errorGroup.
func (c *Client) InitApmDeposit(ctx context.Context, req *InitApmDepositRequest) (*ApmDepositResponse, error) {
	return post[ApmDepositResponse](ctx, c, PathDepositsApmInit, req)
}

// RemittanceRequest is the body of POST /wallet/v1/remittances/send and
// /receive.
type RemittanceRequest struct {
	MemberID             int64  `json:"memberId"`
	Price                Amount `json:"price"`
	Currency             string `json:"currency"`
	Description          string `json:"description"`
	RemittanceReasonType string `json:"remittanceReasonType,omitempty"`
}

// Remittance is a movement between the merchant's wallet and a member's.
type Remittance struct {
	ID                   int64  `json:"id"`
	CreatedDate          string `json:"createdDate"`
	Status               string `json:"status"`
	Price                Amount `json:"price"`
	Currency             string `json:"currency"`
	MemberID             int64  `json:"memberId"`
	RemittanceType       string `json:"remittanceType"`
	RemittanceReasonType string `json:"remittanceReasonType"`
	Description          string `json:"description"`
}

// CreateMemberWallet creates member memberID's wallet.
func (c *Client) CreateMemberWallet(ctx context.Context, memberID int64, req *CreateWalletRequest) (*Wallet, error) {
	return post[Wallet](ctx, c, MemberWalletsPath(memberID), req)
}

// RetrieveMemberWallet returns member memberID's wallet.
func (c *Client) RetrieveMemberWallet(ctx context.Context, memberID int64) (*Wallet, error) {
	return get[Wallet](ctx, c, MemberWalletPath(memberID), nil)
}

// UpdateMemberWallet changes the negativeAmountLimit of wallet walletID of
// member memberID.
func (c *Client) UpdateMemberWallet(ctx context.Context, memberID, walletID int64, req *UpdateWalletRequest) (*Wallet, error) {
	return put[Wallet](ctx, c, idPath(MemberWalletsPath(memberID), walletID), req)
}

// RetrieveMerchantWallet returns the merchant's own wallet.
func (c *Client) RetrieveMerchantWallet(ctx context.Context) (*Wallet, error) {
	return get[Wallet](ctx, c, PathMerchantWallet, nil)
}

// ResetMerchantWalletBalance sets the merchant's wallet to zero; the
// request must name its current balance.
func (c *Client) ResetMerchantWalletBalance(ctx context.Context, req *ResetMerchantWalletRequest) (*Wallet, error) {
	return post[Wallet](ctx, c, PathMerchantWalletReset, req)
}

// SearchWalletTransactions returns a page of wallet walletID's movements.
func (c *Client) SearchWalletTransactions(ctx context.Context, walletID int64, req *SearchWalletTransactionsRequest) (*WalletTransactionList, error) {
	return get[WalletTransactionList](ctx, c, WalletTransactionsPath(walletID), req.Query())
}

// Deposit tops up a member's wallet with a card (non-3DS). A declined
// card returns an *Error with HTTP 422.
func (c *Client) Deposit(ctx context.Context, req *DepositRequest) (*DepositPayment, error) {
	return post[DepositPayment](ctx, c, PathDeposits, req)
}

// FundTransferDeposit credits a member's wallet with a received bank
// transfer.
func (c *Client) FundTransferDeposit(ctx context.Context, req *FundTransferDepositRequest) (*FundTransferDeposit, error) {
	return post[FundTransferDeposit](ctx, c, PathDepositsFundTransfer, req)
}

// SendRemittance moves money from the merchant to a member's wallet.
func (c *Client) SendRemittance(ctx context.Context, req *RemittanceRequest) (*Remittance, error) {
	return post[Remittance](ctx, c, PathRemittancesSend, req)
}

// ReceiveRemittance moves money from a member's wallet to the merchant.
func (c *Client) ReceiveRemittance(ctx context.Context, req *RemittanceRequest) (*Remittance, error) {
	return post[Remittance](ctx, c, PathRemittancesReceive, req)
}

// RetrieveRemittance returns remittance id. It sends GET, as every
// official client does; the docs say POST, which the mock accepts too
// (docs/reference/craftgate/endpoints.md A.7, the documentation and the official clients differ).
func (c *Client) RetrieveRemittance(ctx context.Context, id int64) (*Remittance, error) {
	return get[Remittance](ctx, c, idPath(PathRemittances, id), nil)
}
