package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// Settlement, payouts, withdrawals and bank-account tracking
// (https://developer.craftgate.io/en/api/settlement,
// https://developer.craftgate.io/en/api/settlement-reporting,
// https://developer.craftgate.io/en/api/wallet,
// https://developer.craftgate.io/en/api/bank-account-tracking).
const (
	PathPayoutAccounts              = "/settlement/v1/payout-accounts"
	PathSettlementFileRows          = "/settlement-reporting/v1/settlement-file-rows"
	PathBouncedSubMerchantRows      = "/settlement-reporting/v1/settlement-file/bounced-sub-merchant-rows"
	PathPayoutDetails               = "/settlement-reporting/v1/settlement-file/payout-details"
	PathPayoutCompletedTransactions = "/settlement-reporting/v2/settlement-file/payout-completed-transactions"
	// PathPayoutCompletedTransactionsV1 is the same search at the path the
	// official Go client calls (the documentation's is v2).
	PathPayoutCompletedTransactionsV1  = "/settlement-reporting/v1/settlement-file/payout-completed-transactions"
	PathWithdraws                      = "/wallet/v1/withdraws"
	PathRefundsMarkAsRefunded          = PathRefunds + "/mark-as-refunded"
	PathRefundTransactionsMarkRefunded = PathRefundTransactions + "/mark-as-refunded"
	PathBankAccountTrackingRecords     = "/bank-account-tracking/v1/merchant-bank-account-trackings/records"
)

// Merchant types of payout rows.
const (
	MerchantTypeMerchant    = "MERCHANT"
	MerchantTypeSubMerchant = "SUB_MERCHANT_MEMBER"
)

// PayoutAccount is an account payouts are sent to (payout-accounts).
type PayoutAccount struct {
	ID                  int64  `json:"id"`
	Type                string `json:"type"`
	ExternalAccountID   string `json:"externalAccountId"`
	Currency            string `json:"currency"`
	AccountOwner        string `json:"accountOwner"`
	SubMerchantMemberID int64  `json:"subMerchantMemberId,omitempty"`
}

// CreatePayoutAccountRequest is the body of POST /settlement/v1/payout-accounts.
type CreatePayoutAccountRequest struct {
	Type                string `json:"type"`
	ExternalAccountID   string `json:"externalAccountId"`
	Currency            string `json:"currency"`
	AccountOwner        string `json:"accountOwner"`
	SubMerchantMemberID int64  `json:"subMerchantMemberId,omitempty"`
}

// UpdatePayoutAccountRequest is the body of PUT /settlement/v1/payout-accounts/{id}.
type UpdatePayoutAccountRequest struct {
	Type              string `json:"type"`
	ExternalAccountID string `json:"externalAccountId"`
}

// PayoutAccountList is a page of payout accounts.
type PayoutAccountList = Paged[PayoutAccount]

// PayoutRow is one payout of a settlement file: what one member (or the
// merchant) is paid on one day in one currency.
type PayoutRow struct {
	Name         string `json:"name"`
	IBAN         string `json:"iban"`
	PayoutID     int64  `json:"payoutId"`
	MerchantID   int64  `json:"merchantId"`
	MerchantType string `json:"merchantType"`
	PayoutAmount Amount `json:"payoutAmount"`
	PayoutDate   string `json:"payoutDate"`
	Currency     string `json:"currency"`
}

// PayoutRowList is a page of payout rows.
type PayoutRowList = Paged[PayoutRow]

// PayoutBouncedRow is a sub-merchant payout the bank sent back.
type PayoutBouncedRow struct {
	ID                int64  `json:"id"`
	IBAN              string `json:"iban"`
	CreatedDate       string `json:"createdDate"`
	UpdatedDate       string `json:"updatedDate"`
	PayoutID          int64  `json:"payoutId"`
	PayoutAmount      Amount `json:"payoutAmount"`
	ContactName       string `json:"contactName"`
	ContactSurname    string `json:"contactSurname"`
	LegalCompanyTitle string `json:"legalCompanyTitle"`
	RowDescription    string `json:"rowDescription"`
}

// PayoutBouncedList lists bounced payouts.
type PayoutBouncedList struct {
	Items []PayoutBouncedRow `json:"items"`
}

// PayoutDetailTransaction is one transaction of a payout.
type PayoutDetailTransaction struct {
	TransactionID   int64  `json:"transactionId"`
	TransactionType string `json:"transactionType"`
	PayoutAmount    Amount `json:"payoutAmount"`
}

// PayoutDetail is one payout with its transactions.
type PayoutDetail struct {
	RowDescription                string                    `json:"rowDescription"`
	PayoutDate                    string                    `json:"payoutDate"`
	Name                          string                    `json:"name"`
	IBAN                          string                    `json:"iban"`
	PayoutAmount                  Amount                    `json:"payoutAmount"`
	Currency                      string                    `json:"currency"`
	MerchantID                    int64                     `json:"merchantId"`
	MerchantType                  string                    `json:"merchantType"`
	SettlementEarningsDestination string                    `json:"settlementEarningsDestination"`
	SettlementSource              string                    `json:"settlementSource"`
	BounceStatus                  string                    `json:"bounceStatus"`
	PayoutTransactions            []PayoutDetailTransaction `json:"payoutTransactions"`
}

// PayoutCompletedTransaction is one transaction of a completed payout.
type PayoutCompletedTransaction struct {
	PayoutID                      int64  `json:"payoutId"`
	TransactionID                 int64  `json:"transactionId"`
	TransactionType               string `json:"transactionType"`
	PayoutAmount                  Amount `json:"payoutAmount"`
	PayoutDate                    string `json:"payoutDate"`
	Currency                      string `json:"currency"`
	MerchantID                    int64  `json:"merchantId"`
	MerchantType                  string `json:"merchantType"`
	SettlementEarningsDestination string `json:"settlementEarningsDestination"`
	SettlementSource              string `json:"settlementSource"`
}

// PayoutCompletedList is a page of completed payout transactions.
type PayoutCompletedList = Paged[PayoutCompletedTransaction]

// Withdraw is a sub-merchant's request to be paid its wallet balance.
type Withdraw struct {
	ID           int64  `json:"id"`
	CreatedDate  string `json:"createdDate"`
	Status       string `json:"status"`
	MemberID     int64  `json:"memberId"`
	PayoutID     int64  `json:"payoutId,omitempty"`
	Price        Amount `json:"price"`
	Description  string `json:"description,omitempty"`
	Currency     string `json:"currency"`
	PayoutStatus string `json:"payoutStatus"`
}

// CreateWithdrawRequest is the body of POST /wallet/v1/withdraws.
type CreateWithdrawRequest struct {
	MemberID    int64  `json:"memberId"`
	Price       Amount `json:"price"`
	Description string `json:"description,omitempty"`
	Currency    string `json:"currency"`
}

// WithdrawList is a page of withdrawals.
type WithdrawList = Paged[Withdraw]

// MarkAsRefundedRequest is the body of POST
// /payment/v1/refunds/mark-as-refunded: a whole payment refunded outside
// Craftgate.
type MarkAsRefundedRequest struct {
	PaymentID      int64  `json:"paymentId"`
	ConversationID string `json:"conversationId,omitempty"`
}

// MarkTransactionAsRefundedRequest is the body of POST
// /payment/v1/refund-transactions/mark-as-refunded.
type MarkTransactionAsRefundedRequest struct {
	PaymentTransactionID int64  `json:"paymentTransactionId"`
	RefundPrice          Amount `json:"refundPrice"`
	ConversationID       string `json:"conversationId,omitempty"`
}

// BankAccountTrackingRecord is a transfer seen on the merchant's bank
// account.
type BankAccountTrackingRecord struct {
	ID                        int64  `json:"id"`
	Key                       string `json:"key"`
	SenderName                string `json:"senderName"`
	SenderIBAN                string `json:"senderIban"`
	Description               string `json:"description"`
	Currency                  string `json:"currency"`
	Amount                    Amount `json:"amount"`
	RecordDate                string `json:"recordDate"`
	RecordType                string `json:"recordType"`
	BankAccountTrackingSource string `json:"bankAccountTrackingSource"`
}

// BankAccountTrackingRecordList is a page of records.
type BankAccountTrackingRecordList = Paged[BankAccountTrackingRecord]

// CreatePayoutAccount creates a payout account.
func (c *Client) CreatePayoutAccount(ctx context.Context, req *CreatePayoutAccountRequest) (*PayoutAccount, error) {
	return post[PayoutAccount](ctx, c, PathPayoutAccounts, req)
}

// UpdatePayoutAccount changes a payout account's type and external id.
func (c *Client) UpdatePayoutAccount(ctx context.Context, id int64, req *UpdatePayoutAccountRequest) error {
	return c.Do(ctx, http.MethodPut, idPath(PathPayoutAccounts, id), nil, req, nil)
}

// DeletePayoutAccount deletes a payout account.
func (c *Client) DeletePayoutAccount(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(PathPayoutAccounts, id), nil, nil, nil)
}

// SearchPayoutAccounts searches payout accounts (query: currency,
// accountOwner, subMerchantMemberId, page, size).
func (c *Client) SearchPayoutAccounts(ctx context.Context, q url.Values) (*PayoutAccountList, error) {
	return get[PayoutAccountList](ctx, c, PathPayoutAccounts, q)
}

// SearchPayoutRows lists settlement file rows (query: fileStatus,
// startDate, endDate, page, size).
func (c *Client) SearchPayoutRows(ctx context.Context, q url.Values) (*PayoutRowList, error) {
	return get[PayoutRowList](ctx, c, PathSettlementFileRows, q)
}

// SearchBouncedPayouts lists bounced sub-merchant payouts (query:
// startDate, endDate).
func (c *Client) SearchBouncedPayouts(ctx context.Context, q url.Values) (*PayoutBouncedList, error) {
	return get[PayoutBouncedList](ctx, c, PathBouncedSubMerchantRows, q)
}

// RetrievePayoutDetails answers one payout with its transactions.
func (c *Client) RetrievePayoutDetails(ctx context.Context, payoutID int64) (*PayoutDetail, error) {
	return get[PayoutDetail](ctx, c, idPath(PathPayoutDetails, payoutID), nil)
}

// SearchPayoutCompletedTransactions lists the transactions of completed
// payouts (query: settlementFileId, settlementType, startDate, endDate,
// page, size).
func (c *Client) SearchPayoutCompletedTransactions(ctx context.Context, q url.Values) (*PayoutCompletedList, error) {
	return get[PayoutCompletedList](ctx, c, PathPayoutCompletedTransactions, q)
}

// CreateWithdraw asks to pay a member's wallet balance out.
func (c *Client) CreateWithdraw(ctx context.Context, req *CreateWithdrawRequest) (*Withdraw, error) {
	return post[Withdraw](ctx, c, PathWithdraws, req)
}

// CancelWithdraw cancels a withdrawal not yet paid out.
func (c *Client) CancelWithdraw(ctx context.Context, id int64) (*Withdraw, error) {
	return post[Withdraw](ctx, c, idPath(PathWithdraws, id)+"/cancel", nil)
}

// RetrieveWithdraw answers one withdrawal.
func (c *Client) RetrieveWithdraw(ctx context.Context, id int64) (*Withdraw, error) {
	return get[Withdraw](ctx, c, idPath(PathWithdraws, id), nil)
}

// SearchWithdraws searches withdrawals (query: memberId, currency,
// payoutStatus, minWithdrawPrice, maxWithdrawPrice, minCreatedDate,
// maxCreatedDate, page, size).
func (c *Client) SearchWithdraws(ctx context.Context, q url.Values) (*WithdrawList, error) {
	return get[WithdrawList](ctx, c, PathWithdraws, q)
}

// PaymentTransactionRefundList lists transaction refunds (the answer of
// MarkAsRefunded).
type PaymentTransactionRefundList struct {
	Items []PaymentTransactionRefund `json:"items"`
}

// MarkAsRefunded records a whole payment as refunded outside Craftgate;
// the answer lists the transaction refunds recorded.
func (c *Client) MarkAsRefunded(ctx context.Context, req *MarkAsRefundedRequest) (*PaymentTransactionRefundList, error) {
	return post[PaymentTransactionRefundList](ctx, c, PathRefundsMarkAsRefunded, req)
}

// MarkTransactionAsRefunded records a transaction refund made outside
// Craftgate.
func (c *Client) MarkTransactionAsRefunded(ctx context.Context, req *MarkTransactionAsRefundedRequest) (*PaymentTransactionRefund, error) {
	return post[PaymentTransactionRefund](ctx, c, PathRefundTransactionsMarkRefunded, req)
}

// SearchBankAccountRecords searches the transfers seen on the merchant's
// bank account (query: senderName, senderIban, description, currency,
// minRecordDate, maxRecordDate, page, size).
func (c *Client) SearchBankAccountRecords(ctx context.Context, q url.Values) (*BankAccountTrackingRecordList, error) {
	return get[BankAccountTrackingRecordList](ctx, c, PathBankAccountTrackingRecords, q)
}

// RetrieveBankAccountRecord answers one record.
func (c *Client) RetrieveBankAccountRecord(ctx context.Context, id int64) (*BankAccountTrackingRecord, error) {
	return get[BankAccountTrackingRecord](ctx, c, idPath(PathBankAccountTrackingRecords, id), nil)
}
