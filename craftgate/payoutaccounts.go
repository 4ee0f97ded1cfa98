package craftgate

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Payout accounts (https://developer.craftgate.io/en/marketplace): where
// cross-border earnings are paid (WISE), for the merchant or a sub-merchant.
const PathPayoutAccounts = "/settlement/v1/payout-accounts"

// Payout account owners.
const (
	AccountOwnerMerchant          = "MERCHANT"
	AccountOwnerSubMerchantMember = "SUB_MERCHANT_MEMBER"
)

// PayoutAccount is a payout account; also the body of create.
type PayoutAccount struct {
	ID                  int64  `json:"id,omitempty"`
	Type                string `json:"type"`
	ExternalAccountID   string `json:"externalAccountId"`
	Currency            string `json:"currency,omitempty"`
	AccountOwner        string `json:"accountOwner,omitempty"`
	SubMerchantMemberID int64  `json:"subMerchantMemberId,omitempty"`
}

// PayoutAccountList is a page of payout accounts.
type PayoutAccountList struct {
	Items     []PayoutAccount `json:"items"`
	Page      int             `json:"page"`
	Size      int             `json:"size"`
	TotalSize int64           `json:"totalSize"`
}

func payoutAccountPath(id int64) string { return PathPayoutAccounts + "/" + strconv.FormatInt(id, 10) }

// CreatePayoutAccount creates a payout account.
func (c *Client) CreatePayoutAccount(ctx context.Context, req *PayoutAccount) (*PayoutAccount, error) {
	return doInto[PayoutAccount](ctx, c, http.MethodPost, PathPayoutAccounts, nil, req)
}

// UpdatePayoutAccount changes a payout account's type and external id.
func (c *Client) UpdatePayoutAccount(ctx context.Context, id int64, accountType, externalAccountID string) error {
	return c.Do(ctx, http.MethodPut, payoutAccountPath(id), nil, map[string]string{"type": accountType, "externalAccountId": externalAccountID}, nil)
}

// DeletePayoutAccount deletes a payout account.
func (c *Client) DeletePayoutAccount(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, payoutAccountPath(id), nil, nil, nil)
}

// SearchPayoutAccounts lists payout accounts (query currency,
// accountOwner, subMerchantMemberId, page, size).
func (c *Client) SearchPayoutAccounts(ctx context.Context, q url.Values) (*PayoutAccountList, error) {
	return doInto[PayoutAccountList](ctx, c, http.MethodGet, PathPayoutAccounts, q, nil)
}
