package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// Fraud management (docs/reference/craftgate/endpoints.md A.11, docs/reference/craftgate/flows.md section 12): value lists
// that fraud rules refer to as @name, the rules, and the fraud checks a
// REVIEW rule leaves for the merchant to close. A BLOCK rule stops the
// payment with error group FRAUD_CHECK_BLOCK.

// Paths of the fraud endpoints. Listing every value list is documented as
// GET PathFraudValueLists; the official clients call
// PathFraudValueListsAll, which is what AllFraudValueLists sends.
const (
	PathFraudChecks        = "/fraud/v1/fraud-checks"
	PathFraudRules         = "/fraud/v1/rules"
	PathFraudValueLists    = "/fraud/v1/value-lists"
	PathFraudValueListsAll = PathFraudValueLists + "/all"
)

// Fraud actions, check statuses, value types and operations.
const (
	FraudBlock  = "BLOCK"
	FraudReview = "REVIEW"

	FraudCheckWaiting  = "WAITING"
	FraudCheckFraud    = "FRAUD"
	FraudCheckNotFraud = "NOT_FRAUD"

	FraudValueCard        = "CARD"
	FraudValueIP          = "IP"
	FraudValuePhoneNumber = "PHONE_NUMBER"
	FraudValueEmail       = "EMAIL"
	FraudValueOther       = "OTHER"

	FraudOperationPayment = "PAYMENT"
	FraudOperationLoyalty = "LOYALTY"
)

// FraudValueRequest is the body of POST /fraud/v1/value-lists: ListName and
// Type alone create the list; with Value (or, for a CARD list, PaymentID,
// whose card's fingerprint is added) they also add a value, kept for
// DurationInSeconds when given.
type FraudValueRequest struct {
	ListName          string `json:"listName"`
	Type              string `json:"type"`
	Label             string `json:"label,omitempty"`
	Value             string `json:"value,omitempty"`
	PaymentID         int64  `json:"paymentId,omitempty"`
	DurationInSeconds int64  `json:"durationInSeconds,omitempty"`
}

// CardFingerprintRequest is the body of POST
// /fraud/v1/value-lists/{listName}/card-fingerprints (official clients):
// the fingerprint of the card of payment OperationID. Every official
// client types operationId as a string; a number is read too.
type CardFingerprintRequest struct {
	Label             string `json:"label,omitempty"`
	Operation         string `json:"operation"`
	OperationID       TextID `json:"operationId"`
	DurationInSeconds int64  `json:"durationInSeconds,omitempty"`
}

// FraudValue is one value of a list; a card is shown by its fingerprint.
type FraudValue struct {
	ID              string `json:"id"`
	Label           string `json:"label,omitempty"`
	Value           string `json:"value"`
	ExpireInSeconds *int64 `json:"expireInSeconds,omitempty"`
}

// FraudValueList is a value list.
type FraudValueList struct {
	Name   string       `json:"name"`
	Type   string       `json:"type,omitempty"`
	Values []FraudValue `json:"values"`
}

// FraudValueLists is every value list.
type FraudValueLists struct {
	Items []FraudValueList `json:"items"`
}

// FraudRule is one fraud rule.
type FraudRule struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	Action     string   `json:"action"`
	Conditions string   `json:"conditions"`
	Operations []string `json:"operations"`
}

// FraudRuleList is a page of fraud rules.
type FraudRuleList = Paged[FraudRule]

// FraudPaymentData is the payment a fraud check is about.
type FraudPaymentData struct {
	PaymentDate    string `json:"paymentDate,omitempty"`
	ConversationID string `json:"conversationId,omitempty"`
	PaidPrice      Amount `json:"paidPrice"`
	Currency       string `json:"currency"`
	BuyerID        int64  `json:"buyerId,omitempty"`
	ClientIP       string `json:"clientIp,omitempty"`
}

// FraudCheck is what a matching rule recorded.
type FraudCheck struct {
	ID             int64            `json:"id"`
	Status         string           `json:"status"`
	Action         string           `json:"action"`
	CheckStatus    string           `json:"checkStatus"`
	PaymentID      int64            `json:"paymentId,omitempty"`
	PaymentStatus  string           `json:"paymentStatus,omitempty"`
	PaymentData    FraudPaymentData `json:"paymentData"`
	RuleID         int64            `json:"ruleId"`
	RuleName       string           `json:"ruleName"`
	RuleConditions string           `json:"ruleConditions"`
	CreatedDate    string           `json:"createdDate,omitempty"`
}

// FraudCheckList is a page of fraud checks.
type FraudCheckList = Paged[FraudCheck]

// SearchFraudChecksRequest is the query of GET /fraud/v1/fraud-checks; empty
// fields do not filter.
type SearchFraudChecksRequest struct {
	PaymentID     int64
	RuleID        int64
	Action        string
	CheckStatus   string
	PaymentStatus string
	Page, Size    int
}

// Query returns the request as query parameters.
func (r *SearchFraudChecksRequest) Query() url.Values {
	q := url.Values{}
	setNonZero(q, map[string]int64{"paymentId": r.PaymentID, "ruleId": r.RuleID})
	setNonZero(q, map[string]string{"action": r.Action, "checkStatus": r.CheckStatus, "paymentStatus": r.PaymentStatus})
	setPaging(q, r.Page, r.Size)
	return q
}

// AddFraudValue creates a list, or adds a value to one
// (POST /fraud/v1/value-lists).
func (c *Client) AddFraudValue(ctx context.Context, req *FraudValueRequest) error {
	return c.Do(ctx, http.MethodPost, PathFraudValueLists, nil, req, nil)
}

// AddCardFingerprint adds the fingerprint of a payment's card to a list.
func (c *Client) AddCardFingerprint(ctx context.Context, listName string, req *CardFingerprintRequest) error {
	return c.Do(ctx, http.MethodPost, PathFraudValueLists+"/"+url.PathEscape(listName)+"/card-fingerprints", nil, req, nil)
}

// AllFraudValueLists reads every list (GET /fraud/v1/value-lists/all, the
// official clients' path).
func (c *Client) AllFraudValueLists(ctx context.Context) (*FraudValueLists, error) {
	return get[FraudValueLists](ctx, c, PathFraudValueListsAll, nil)
}

// FraudValueListByName reads one list.
func (c *Client) FraudValueListByName(ctx context.Context, listName string) (*FraudValueList, error) {
	return get[FraudValueList](ctx, c, PathFraudValueLists+"/"+url.PathEscape(listName), nil)
}

// DeleteFraudValueList deletes a list and its values.
func (c *Client) DeleteFraudValueList(ctx context.Context, listName string) error {
	return c.Do(ctx, http.MethodDelete, PathFraudValueLists+"/"+url.PathEscape(listName), nil, nil, nil)
}

// DeleteFraudValue removes one value from a list.
func (c *Client) DeleteFraudValue(ctx context.Context, listName, valueID string) error {
	return c.Do(ctx, http.MethodDelete, PathFraudValueLists+"/"+url.PathEscape(listName)+"/values/"+url.PathEscape(valueID), nil, nil, nil)
}

// SearchFraudRules lists the fraud rules (GET /fraud/v1/rules).
func (c *Client) SearchFraudRules(ctx context.Context) (*FraudRuleList, error) {
	return get[FraudRuleList](ctx, c, PathFraudRules, nil)
}

// SearchFraudChecks searches the fraud checks (GET /fraud/v1/fraud-checks).
func (c *Client) SearchFraudChecks(ctx context.Context, req *SearchFraudChecksRequest) (*FraudCheckList, error) {
	return get[FraudCheckList](ctx, c, PathFraudChecks, req.Query())
}

// UpdateFraudCheckStatus closes (or reopens) a review: FraudCheckFraud,
// FraudCheckNotFraud or FraudCheckWaiting
// (PUT /fraud/v1/fraud-checks/{id}/check-status). The answer has no content.
func (c *Client) UpdateFraudCheckStatus(ctx context.Context, id int64, checkStatus string) error {
	body := struct {
		CheckStatus string `json:"checkStatus"`
	}{checkStatus}
	return c.Do(ctx, http.MethodPut, idPath(PathFraudChecks, id)+"/check-status", nil, &body, nil)
}
