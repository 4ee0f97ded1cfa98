package mock

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Virtual-POS management and the merchant's APMs (the official clients'
// Merchant adapter).
//
//	POST   /merchant/v1/merchant-poses                       create
//	GET    /merchant/v1/merchant-poses                       search (name, alias, currency, bankName, page, size)
//	GET    /merchant/v1/merchant-poses/{id}                  retrieve
//	PUT    /merchant/v1/merchant-poses/{id}/status/{status}  ACTIVE, PASSIVE, REFUND_ONLY, AUTOPILOT
//	DELETE /merchant/v1/merchant-poses/{id}                  delete (retrieve answers 404 after)
//	GET    /merchant/v1/merchant-poses/{id}/commissions      {items}
//	POST   /merchant/v1/merchant-poses/{id}/commissions      {commissions}: replaces them; {items}
//	GET    /merchant/v1/merchant-apms                        {items}: the APMs the mock serves
//
// A payment whose posAlias names a POS of the mock that is not ACTIVE or
// AUTOPILOT is refused (CodePosNotUsable): a passive POS takes no payments.
// MOCK DECISION: the POS users' passwords and the 3-D Secure key are
// write-only (never answered).

// Error codes of the POS store (synthetic, like errors.go's).
const (
	// CodePosNotFound: no POS with that id (HTTP 404).
	CodePosNotFound = "1242"
	// CodePosNotUsable: the payment's posAlias is a POS that is not
	// ACTIVE or AUTOPILOT (HTTP 400).
	CodePosNotUsable = "2402"
	// CodeInvalidPos: a POS or commission field is invalid (HTTP 400).
	CodeInvalidPos = "2403"
)

// firstPosID is the id of the first POS created through the API.
const firstPosID = 1001

// posCapacity bounds the POSes the mock keeps; the oldest is dropped
// first.
const posCapacity = 1 << 12

// posStore holds the POSes. The zero value is ready.
type posStore struct {
	mu          sync.Mutex
	byID        map[int64]*craftgate.MerchantPosDetail
	commissions map[int64][]craftgate.MerchantPosCommission
	order       []int64 // ids in creation order, for eviction
	next        int64
	merchants   int64 // merchants created (onboarding.go)
}

var posStatuses = map[string]bool{craftgate.PosStatusActive: true, craftgate.PosStatusPassive: true,
	craftgate.PosStatusRefundOnly: true, craftgate.PosStatusAutopilot: true}

// usable refuses a posAlias that names a POS taking no payments.
func (st *posStore) usable(alias string) *apiError {
	if alias == "" {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, p := range st.byID {
		if p.Alias == alias && p.Status != craftgate.PosStatusActive && p.Status != craftgate.PosStatusAutopilot {
			return errValidation(CodePosNotUsable, "posAlias "+strconv.Quote(alias)+" is a "+p.Status+" POS: it takes no payments")
		}
	}
	return nil
}

// createMerchantPos serves POST /merchant/v1/merchant-poses.
func (m *Mock) createMerchantPos(c *call, req craftgate.CreateMerchantPosRequest) error {
	for _, f := range [][2]string{{"name", req.Name}, {"clientId", req.ClientID}, {"currency", req.Currency}, {"posIntegrator", req.PosIntegrator}} {
		if strings.TrimSpace(f[1]) == "" {
			return errRequired(f[0])
		}
	}
	if _, ok := currencyIndex(req.Currency); !ok {
		return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(req.Currency, 8))+" is not a currency code")
	}
	if req.Status == "" {
		req.Status = craftgate.PosStatusActive
	}
	if !posStatuses[req.Status] {
		return errValidation(CodeInvalidPos, "status must be ACTIVE, PASSIVE, REFUND_ONLY or AUTOPILOT")
	}
	users := make([]craftgate.MerchantPosUser, len(req.MerchantPosUsers))
	st := &m.pm.poses
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.byID == nil {
		st.byID, st.commissions = map[int64]*craftgate.MerchantPosDetail{}, map[int64][]craftgate.MerchantPosCommission{}
	}
	for len(st.byID) >= posCapacity && len(st.order) > 0 { // the oldest POS goes first
		delete(st.byID, st.order[0])
		delete(st.commissions, st.order[0])
		st.order = st.order[1:]
	}
	if st.next == 0 {
		st.next = firstPosID - 1 // id 1 is the mock's own POS (encode.go)
	}
	st.next++
	st.order = append(st.order, st.next)
	for i, u := range req.MerchantPosUsers {
		users[i] = craftgate.MerchantPosUser{ID: st.next*100 + int64(i) + 1, PosUsername: u.PosUsername, PosUserType: u.PosUserType, PosOperationType: u.PosOperationType}
	}
	auth := req.EnabledPaymentAuthenticationTypes
	if auth == nil {
		auth = []string{}
	}
	p := &craftgate.MerchantPosDetail{ID: st.next, Status: req.Status, Name: req.Name, Alias: posAliasOf(req.Name, st.next),
		PosIntegrator: req.PosIntegrator, ClientID: req.ClientID, Currency: req.Currency, PosnetID: req.PosnetID, TerminalID: req.TerminalID,
		ThreedsPosnetID: req.ThreedsPosnetID, ThreedsTerminalID: req.ThreedsTerminalID, EnableForeignCard: req.EnableForeignCard,
		EnableInstallment: req.EnableInstallment, EnablePaymentWithoutCvc: req.EnablePaymentWithoutCvc, EnableLoyalty: req.EnableLoyalty,
		NewIntegration: req.NewIntegration, OrderNumber: req.OrderNumber, AutopilotState: craftgate.AutopilotState{IsThreeDsUp: true, IsNonThreeDsUp: true},
		BankName: req.PosIntegrator, MerchantPosUsers: users, SupportedCardAssociations: []string{"VISA", "MASTER_CARD", "AMEX", "TROY"},
		EnabledPaymentAuthenticationTypes: auth}
	st.byID[p.ID] = p
	st.commissions[p.ID] = []craftgate.MerchantPosCommission{}
	c.sendData(http.StatusOK, p)
	return nil
}

// posAliasOf derives a POS's alias from its name: lower case letters and
// digits joined by dashes, and the id.
func posAliasOf(name string, id int64) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-") + "-" + strconv.FormatInt(id, 10)
}

// withPos runs f on the POS of the path's {id} with m.pm.poses.mu held; a
// POS that does not exist is 404.
func (m *Mock) withPos(c *call, f func(p *craftgate.MerchantPosDetail) error) error {
	m.pm.poses.mu.Lock()
	defer m.pm.poses.mu.Unlock()
	id, err := strconv.ParseInt(c.param("id"), 10, 64)
	p := m.pm.poses.byID[id]
	if err != nil || p == nil {
		return errNotFound(CodePosNotFound, "merchant POS "+strconv.Quote(truncate(c.param("id"), 20))+" not found")
	}
	return f(p)
}

// retrieveMerchantPos serves GET /merchant/v1/merchant-poses/{id}.
func (m *Mock) retrieveMerchantPos(c *call) error {
	return m.withPos(c, func(p *craftgate.MerchantPosDetail) error {
		c.sendData(http.StatusOK, p)
		return nil
	})
}

// searchMerchantPoses serves GET /merchant/v1/merchant-poses.
func (m *Mock) searchMerchantPoses(c *call, q searchQuery) error {
	eq := func(name, got string) bool { want := q.Get(name); return want == "" || strings.EqualFold(want, got) }
	m.pm.poses.mu.Lock()
	defer m.pm.poses.mu.Unlock()
	var all []*craftgate.MerchantPosDetail
	for _, p := range m.pm.poses.byID {
		if eq("name", p.Name) && eq("alias", p.Alias) && eq("currency", p.Currency) && eq("bankName", p.BankName) {
			all = append(all, p)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	out := craftgate.MerchantPosList{Items: []craftgate.MerchantPosDetail{}, Page: q.page, Size: q.size, TotalSize: int64(len(all))}
	for _, p := range pageOf(all, q.page, q.size) {
		out.Items = append(out.Items, *p)
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// updateMerchantPosStatus serves PUT /merchant/v1/merchant-poses/{id}/status/{status}.
func (m *Mock) updateMerchantPosStatus(c *call) error {
	status := c.param("status")
	if !posStatuses[status] {
		return errValidation(CodeInvalidPos, "status must be ACTIVE, PASSIVE, REFUND_ONLY or AUTOPILOT (DELETE removes a POS)")
	}
	return m.withPos(c, func(p *craftgate.MerchantPosDetail) error {
		p.Status = status
		c.send(http.StatusOK)
		return nil
	})
}

// deleteMerchantPos serves DELETE /merchant/v1/merchant-poses/{id}.
func (m *Mock) deleteMerchantPos(c *call) error {
	return m.withPos(c, func(p *craftgate.MerchantPosDetail) error {
		delete(m.pm.poses.byID, p.ID)
		delete(m.pm.poses.commissions, p.ID)
		c.send(http.StatusOK)
		return nil
	})
}

// merchantPosCommissions serves GET and POST
// /merchant/v1/merchant-poses/{id}/commissions.
func (m *Mock) merchantPosCommissions(c *call) error {
	var req craftgate.MerchantPosCommissions
	if c.r.Method == http.MethodPost {
		if e := decodeJSON(c.body, &req); e != nil {
			return e
		}
		for i, r := range req.Commissions {
			if r.Installment < 1 || r.Installment > 12 {
				return errValidation(CodeInvalidInstallment, "commissions["+strconv.Itoa(i)+"].installment must be between 1 and 12")
			}
			if r.Status != "" && r.Status != craftgate.PosStatusActive && r.Status != craftgate.PosStatusPassive {
				return errValidation(CodeInvalidPos, "commissions["+strconv.Itoa(i)+"].status must be ACTIVE or PASSIVE")
			}
			for _, rate := range []*craftgate.Amount{r.BankOnUsCreditCardCommissionRate, r.BankNotOnUsCreditCardCommissionRate, r.BankOnUsDebitCardCommissionRate,
				r.BankNotOnUsDebitCardCommissionRate, r.BankForeignCardCommissionRate, r.MerchantCommissionRate} {
				if rate != nil && (rate.IsNegative() || rate.GreaterThan(craftgate.MustAmount("100").Decimal)) {
					return errValidation(CodeInvalidPos, "commissions["+strconv.Itoa(i)+"]: a commission rate is a percentage from 0 to 100")
				}
			}
		}
	}
	return m.withPos(c, func(p *craftgate.MerchantPosDetail) error {
		if c.r.Method == http.MethodPost {
			rows := make([]craftgate.MerchantPosCommission, len(req.Commissions))
			for i, r := range req.Commissions {
				r.ID = p.ID*1000 + int64(i) + 1
				if r.Status == "" {
					r.Status = craftgate.PosStatusActive
				}
				rows[i] = r
			}
			m.pm.poses.commissions[p.ID] = rows
		}
		c.sendData(http.StatusOK, craftgate.MerchantPosCommissions{Items: append([]craftgate.MerchantPosCommission{}, m.pm.poses.commissions[p.ID]...)})
		return nil
	})
}

// merchantApms serves GET /merchant/v1/merchant-apms: every APM type the
// mock serves at apm-payments/init and the BNPL providers, but those the
// merchant has not enabled (Config.DisabledAPMs). MOCK DECISION: each
// supports TRY.
func (m *Mock) merchantApms(c *call) error {
	types := make([]string, 0, len(apmActions)+len(bnplProviders))
	for t := range apmActions {
		types = append(types, t)
	}
	for t := range bnplProviders { // bnpl.go
		types = append(types, t)
	}
	sort.Strings(types)
	items := []craftgate.MerchantApm{}
	for i, t := range types {
		if m.disabledAPMs[t] {
			continue
		}
		items = append(items, craftgate.MerchantApm{ID: int64(i + 1), Status: craftgate.PosStatusActive, Name: "Gatecheck mock " + t,
			ApmType: t, SupportedCurrencies: []string{craftgate.CurrencyTRY}})
	}
	c.sendData(http.StatusOK, struct {
		Items []craftgate.MerchantApm `json:"items"`
	}{items})
	return nil
}
