package craftgate

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// Members: the merchant's buyers and sub-merchants (docs/reference/craftgate/endpoints.md A.9 and
// B.15, docs/reference/craftgate/flows.md sections 10 and 11). A member may be a buyer, a
// sub-merchant (seller of a marketplace) or both; buyers get wallets
// (wallet.go), sub-merchants get a share of marketplace items
// (marketplace.go).

// PathMembers is the members path; /{id} addresses one member.
const PathMembers = "/onboarding/v1/members"

// Member types (memberType), required for sub-merchants.
const (
	MemberTypePersonal       = "PERSONAL"
	MemberTypePrivateCompany = "PRIVATE_COMPANY"
	MemberTypeLimitedCompany = "LIMITED_OR_JOINT_STOCK_COMPANY"
)

// Settlement earnings destinations (settlementEarningsDestination).
const (
	SettlementToIBAN        = "IBAN"
	SettlementToWallet      = "WALLET"
	SettlementToCrossBorder = "CROSS_BORDER"
)

// CreateMemberRequest is the body of POST /onboarding/v1/members. Which
// fields are required depends on the member: see docs/reference/craftgate/endpoints.md B.15.
type CreateMemberRequest struct {
	MemberExternalID                         string  `json:"memberExternalId"`
	Address                                  string  `json:"address,omitempty"`
	Email                                    string  `json:"email,omitempty"`
	PhoneNumber                              string  `json:"phoneNumber,omitempty"`
	IsBuyer                                  bool    `json:"isBuyer"`
	IsSubMerchant                            bool    `json:"isSubMerchant"`
	MemberType                               string  `json:"memberType,omitempty"`
	Name                                     string  `json:"name,omitempty"`
	ContactName                              string  `json:"contactName,omitempty"`
	ContactSurname                           string  `json:"contactSurname,omitempty"`
	LegalCompanyTitle                        string  `json:"legalCompanyTitle,omitempty"`
	TaxOffice                                string  `json:"taxOffice,omitempty"`
	TaxNumber                                string  `json:"taxNumber,omitempty"`
	IBAN                                     string  `json:"iban,omitempty"`
	SettlementEarningsDestination            string  `json:"settlementEarningsDestination,omitempty"`
	SubMerchantMaximumAllowedNegativeBalance *Amount `json:"subMerchantMaximumAllowedNegativeBalance,omitempty"`
	SettlementDelayCount                     *int    `json:"settlementDelayCount,omitempty"`
	// NegativeWalletAmountLimit is deprecated (JAVA client): use the
	// wallet's negativeAmountLimit.
	NegativeWalletAmountLimit *Amount `json:"negativeWalletAmountLimit,omitempty"`
}

// UpdateMemberRequest is the body of PUT /onboarding/v1/members/{id}: the
// create fields but memberExternalId.
type UpdateMemberRequest struct {
	Address                                  string  `json:"address,omitempty"`
	Email                                    string  `json:"email,omitempty"`
	PhoneNumber                              string  `json:"phoneNumber,omitempty"`
	IsBuyer                                  bool    `json:"isBuyer"`
	IsSubMerchant                            bool    `json:"isSubMerchant"`
	MemberType                               string  `json:"memberType,omitempty"`
	Name                                     string  `json:"name,omitempty"`
	ContactName                              string  `json:"contactName,omitempty"`
	ContactSurname                           string  `json:"contactSurname,omitempty"`
	LegalCompanyTitle                        string  `json:"legalCompanyTitle,omitempty"`
	TaxOffice                                string  `json:"taxOffice,omitempty"`
	TaxNumber                                string  `json:"taxNumber,omitempty"`
	IBAN                                     string  `json:"iban,omitempty"`
	SettlementEarningsDestination            string  `json:"settlementEarningsDestination,omitempty"`
	SubMerchantMaximumAllowedNegativeBalance *Amount `json:"subMerchantMaximumAllowedNegativeBalance,omitempty"`
	SettlementDelayCount                     *int    `json:"settlementDelayCount,omitempty"`
}

// Member is the member response (docs/reference/craftgate/endpoints.md B.15).
type Member struct {
	ID                                       int64   `json:"id"`
	CreatedDate                              string  `json:"createdDate"`
	UpdatedDate                              string  `json:"updatedDate"`
	Status                                   string  `json:"status"`
	IsBuyer                                  bool    `json:"isBuyer"`
	IsSubMerchant                            bool    `json:"isSubMerchant"`
	MemberType                               string  `json:"memberType,omitempty"`
	MemberExternalID                         string  `json:"memberExternalId"`
	Name                                     string  `json:"name,omitempty"`
	Address                                  string  `json:"address,omitempty"`
	Email                                    string  `json:"email,omitempty"`
	PhoneNumber                              string  `json:"phoneNumber,omitempty"`
	ContactName                              string  `json:"contactName,omitempty"`
	ContactSurname                           string  `json:"contactSurname,omitempty"`
	LegalCompanyTitle                        string  `json:"legalCompanyTitle,omitempty"`
	TaxOffice                                string  `json:"taxOffice,omitempty"`
	TaxNumber                                string  `json:"taxNumber,omitempty"`
	SettlementEarningsDestination            string  `json:"settlementEarningsDestination,omitempty"`
	IBAN                                     string  `json:"iban,omitempty"`
	SubMerchantMaximumAllowedNegativeBalance *Amount `json:"subMerchantMaximumAllowedNegativeBalance,omitempty"`
	SettlementDelayCount                     int     `json:"settlementDelayCount"`
}

// SearchMembersRequest filters GET /onboarding/v1/members; zero fields are
// not sent.
type SearchMembersRequest struct {
	IsBuyer          *bool
	IsSubMerchant    *bool
	MemberType       string
	MemberExternalID string
	MemberIDs        []int64
	Name             string
	Page, Size       int
}

// Query returns the request's query parameters; memberIds travel as a
// comma-separated list (what the official clients send).
func (r *SearchMembersRequest) Query() url.Values {
	q := url.Values{}
	setBool(q, "isBuyer", r.IsBuyer)
	setBool(q, "isSubMerchant", r.IsSubMerchant)
	ids := make([]string, len(r.MemberIDs))
	for i, id := range r.MemberIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	setNonZero(q, map[string]string{"memberType": r.MemberType, "memberExternalId": r.MemberExternalID, "name": r.Name,
		"memberIds": strings.Join(ids, ",")})
	setPaging(q, r.Page, r.Size)
	return q
}

// MemberList is a page of members.
type MemberList = Paged[Member]

// CreateMember creates a buyer and/or sub-merchant member.
func (c *Client) CreateMember(ctx context.Context, req *CreateMemberRequest) (*Member, error) {
	return post[Member](ctx, c, PathMembers, req)
}

// UpdateMember updates member id (PUT /onboarding/v1/members/{id}).
func (c *Client) UpdateMember(ctx context.Context, id int64, req *UpdateMemberRequest) (*Member, error) {
	return put[Member](ctx, c, idPath(PathMembers, id), req)
}

// RetrieveMember returns member id.
func (c *Client) RetrieveMember(ctx context.Context, id int64) (*Member, error) {
	return get[Member](ctx, c, idPath(PathMembers, id), nil)
}

// SearchMembers returns a page of the members matching req.
func (c *Client) SearchMembers(ctx context.Context, req *SearchMembersRequest) (*MemberList, error) {
	return get[MemberList](ctx, c, PathMembers, req.Query())
}
