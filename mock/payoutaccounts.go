package mock

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Payout accounts (https://developer.craftgate.io/en/marketplace).
//
//	POST   /settlement/v1/payout-accounts       {type WISE, externalAccountId, currency, accountOwner, subMerchantMemberId}
//	PUT    /settlement/v1/payout-accounts/{id}  {type, externalAccountId}; empty answer
//	DELETE /settlement/v1/payout-accounts/{id}  empty answer
//	GET    /settlement/v1/payout-accounts       currency, accountOwner, subMerchantMemberId, page, size
//
// MOCK DECISION: a SUB_MERCHANT_MEMBER account needs a positive
// subMerchantMemberId (the member itself is not looked up); the accounts
// share the POS store's bound and lock (merchantpos.go); the oldest goes
// first.

// payoutAccountTypes are the documented account types.
var payoutAccountTypes = map[string]bool{"WISE": true}

// checkPayoutType validates type and externalAccountId.
func checkPayoutType(t, external string) *apiError {
	switch {
	case t == "":
		return errRequired("type")
	case !payoutAccountTypes[t]:
		return errValidation(CodeInvalidPos, "type must be WISE")
	case external == "":
		return errRequired("externalAccountId")
	}
	return nil
}

// createPayoutAccount serves POST /settlement/v1/payout-accounts.
func (m *Mock) createPayoutAccount(c *call) error {
	var req craftgate.PayoutAccount
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if e := checkPayoutType(req.Type, req.ExternalAccountID); e != nil {
		return e
	}
	if req.Currency == "" {
		return errRequired("currency")
	}
	if _, ok := currencyIndex(req.Currency); !ok {
		return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(req.Currency, 8))+" is not a currency code")
	}
	switch req.AccountOwner {
	case "":
		return errRequired("accountOwner")
	case craftgate.AccountOwnerMerchant:
		req.SubMerchantMemberID = 0
	case craftgate.AccountOwnerSubMerchantMember:
		if req.SubMerchantMemberID <= 0 {
			return errRequired("subMerchantMemberId (accountOwner SUB_MERCHANT_MEMBER)")
		}
	default:
		return errValidation(CodeInvalidPos, "accountOwner must be MERCHANT or SUB_MERCHANT_MEMBER")
	}
	st := &m.pm.poses
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.payouts == nil {
		st.payouts = map[int64]*craftgate.PayoutAccount{}
	}
	if len(st.payouts) >= posCapacity { // the oldest account goes first
		oldest := int64(-1)
		for id := range st.payouts {
			if oldest < 0 || id < oldest {
				oldest = id
			}
		}
		delete(st.payouts, oldest)
	}
	st.next++
	req.ID = st.next
	st.payouts[req.ID] = &req
	c.sendData(http.StatusOK, req)
	return nil
}

// payoutAccount finds the path's account; the caller holds m.pm.poses.mu.
func (m *Mock) payoutAccount(c *call) (*craftgate.PayoutAccount, *apiError) {
	id, err := strconv.ParseInt(c.param("id"), 10, 64)
	if a := m.pm.poses.payouts[id]; err == nil && a != nil {
		return a, nil
	}
	return nil, errNotFound(CodePosNotFound, "payout account "+strconv.Quote(truncate(c.param("id"), 20))+" not found")
}

// updatePayoutAccount serves PUT /settlement/v1/payout-accounts/{id}.
func (m *Mock) updatePayoutAccount(c *call) error {
	var req craftgate.PayoutAccount
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if e := checkPayoutType(req.Type, req.ExternalAccountID); e != nil {
		return e
	}
	m.pm.poses.mu.Lock()
	defer m.pm.poses.mu.Unlock()
	a, e := m.payoutAccount(c)
	if e != nil {
		return e
	}
	a.Type, a.ExternalAccountID = req.Type, req.ExternalAccountID
	c.send(http.StatusOK)
	return nil
}

// deletePayoutAccount serves DELETE /settlement/v1/payout-accounts/{id}.
func (m *Mock) deletePayoutAccount(c *call) error {
	m.pm.poses.mu.Lock()
	defer m.pm.poses.mu.Unlock()
	a, e := m.payoutAccount(c)
	if e != nil {
		return e
	}
	delete(m.pm.poses.payouts, a.ID)
	c.send(http.StatusOK)
	return nil
}

// searchPayoutAccounts serves GET /settlement/v1/payout-accounts.
func (m *Mock) searchPayoutAccounts(c *call) error {
	q := c.r.URL.Query()
	page, size, e := paging(q)
	if e != nil {
		return e
	}
	m.pm.poses.mu.Lock()
	defer m.pm.poses.mu.Unlock()
	var all []craftgate.PayoutAccount
	for _, a := range m.pm.poses.payouts {
		if (q.Get("currency") == "" || q.Get("currency") == a.Currency) && (q.Get("accountOwner") == "" || q.Get("accountOwner") == a.AccountOwner) &&
			(q.Get("subMerchantMemberId") == "" || q.Get("subMerchantMemberId") == strconv.FormatInt(a.SubMerchantMemberID, 10)) {
			all = append(all, *a)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	out := craftgate.PayoutAccountList{Items: []craftgate.PayoutAccount{}, Page: page, Size: size, TotalSize: int64(len(all))}
	for i := page * size; i >= 0 && i < len(all) && i < (page+1)*size; i++ {
		out.Items = append(out.Items, all[i])
	}
	c.sendData(http.StatusOK, out)
	return nil
}
