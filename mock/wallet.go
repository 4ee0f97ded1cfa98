package mock

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The closed-loop wallet (docs/reference/craftgate/endpoints.md A.7 and B.14, docs/reference/craftgate/flows.md section 11).
//
//	POST     /wallet/v1/members/{memberId}/wallets             create a member's wallet
//	GET      /wallet/v1/members/{memberId}/wallet              retrieve it
//	PUT      /wallet/v1/members/{memberId}/wallets/{walletId}  change negativeAmountLimit
//	GET      /wallet/v1/merchants/me/wallet                    the merchant's own wallet
//	POST     /wallet/v1/merchants/me/wallet/reset-balance      set it back to zero
//	GET      /wallet/v1/wallets/{walletId}/wallet-transactions search a wallet's movements
//	POST     /wallet/v1/remittances/send | /receive            merchant -> member | member -> merchant
//	GET|POST /wallet/v1/remittances/{id}                       retrieve: every official client sends
//	                                                           GET, the docs say POST (the documentation and the official clients differ): both accepted
//	POST     /payment/v1/deposits                              card top-up (non-3DS)
//	POST     /payment/v1/deposits/3ds-init                     card top-up with 3-D Secure: the
//	                                                           bank's page and callback of threeds.go
//	POST     /payment/v1/deposits/3ds-complete {paymentId}      completes it: the wallet is credited
//	POST     /payment/v1/deposits/fund-transfer                top-up after a bank transfer
//	POST     /payment/v1/deposits/apm-init                     top-up through an APM (apmdeposit.go)
//
// Every movement is one wallet transaction and one WALLET_TX_CREATED
// webhook (payloadId the wallet id, as in the documented sample); a new
// wallet is one WALLET_CREATED webhook (docs/reference/craftgate/flows.md 9.1).
//
// Money is conserved exactly: every move happens under book.mu, together
// with the balance check it depends on, in the mock's fixed-point money.
// A remittance moves the same amount out of one wallet and into the other;
// a deposit adds to one wallet what the card or the transfer brought in.
//
// MOCK DECISIONS where the reference is silent:
//   - a member has at most one wallet (the retrieve path is singular); a
//     second create is refused (CodeWalletExists); currency defaults to TRY;
//   - a member wallet may go down to -negativeAmountLimit and no further
//     (CodeInsufficientWalletBalance); lowering the limit below the current
//     debt is allowed (no move is made; the next debit is refused);
//   - the merchant's wallet is one TRY wallet created at the first need,
//     with no lower bound: it is the merchant's side of the remittances,
//     and reset-balance (walletAmount must equal the balance, as
//     documented) brings it back to zero with a MERCHANT_BALANCE_RESET;
//   - amounts must match the wallet's currency (CodeWalletCurrencyMismatch);
//   - a card deposit follows the card's catalogue outcome at the non-3DS
//     payment step and bank outages (faults.go); a declined deposit is a
//     422 and moves nothing; deposits cannot store the card
//     (CodeUnsupportedFeature) but pay with a stored card like payments; a card deposit is stored as a
//     payment without items (paymentType DEPOSIT_PAYMENT, its id the wallet
//     transaction's transactionId), retrievable with GET
//     /payment/v1/card-payments/{id} and never refundable there; a
//     fund-transfer deposit's id has its own counter;
//   - a 3-D Secure deposit is stored as a payment without items
//     (paymentType DEPOSIT_PAYMENT, retrievable with GET
//     /payment/v1/card-payments/{id}, never refundable there) that goes
//     through the card's outcomes at THREEDS_INIT, verification and
//     THREEDS_COMPLETE exactly as a 3-D Secure payment does (callback v1,
//     or v2 with additionalParams.threeDSCallbackVersion 2); the wallet is
//     credited when it completes, under the payment's lock; each
//     3ds-complete refuses the other's payments;
//   - an APM top-up is an APM payment credited when it succeeds
//     (apmdeposit.go);
//   - a wallet keeps its newest maxWalletTxs movements for search, the
//     oldest dropped first (the balance is unaffected); remittances, the
//     newest maxRemittances, older ones answer 404;
//   - a movement's transactionId is what moved the money: the payment of
//     a PAYMENT_REDEEM or card top-up, the remittance, the refund (see
//     walletpay.go), the fund-transfer deposit's own id, and for a
//     MERCHANT_BALANCE_RESET the merchant wallet's id;
//   - search: walletTransactionType or walletTransactionTypes (repeated or
//     comma-separated) filter by type, min/maxAmount by signed amount,
//     min/maxCreatedDate by date; results by ascending id.

// Bounds of the wallet domain.
const (
	maxWalletTxs   = 10_000
	maxRemittances = 100_000
)

// wallet is one wallet; fields change only under book.mu.
type wallet struct {
	id, memberID     int64 // memberID 0: the merchant's wallet
	created, updated int64
	amount, limit    money
	currency         uint8
	txs              []walletTx // oldest first, at most maxWalletTxs
}

// walletTx is one movement.
type walletTx struct {
	id, created, txID int64
	amount            money
	typ               string // a craftgate.WalletTx... constant
}

// remittance is one remittance.
type remittance struct {
	id, memberID, created int64
	price                 money
	currency              uint8
	receive               bool
	reason, description   string
}

// walletEvent is a webhook to send once book.mu is released.
type walletEvent struct {
	eventType, payloadID string
	payload              json.RawMessage
}

// move adds amount to w as one movement of type typ, recording it and
// queueing its webhook; a debit below the wallet's floor fails and moves
// nothing. The caller holds book.mu.
func (b *book) move(w *wallet, amount money, typ string, txID, now int64, evs *[]walletEvent) *apiError {
	if amount < 0 {
		if e := w.canPay(-amount); e != nil {
			return e
		}
	}
	w.amount += amount
	w.updated = now
	t := walletTx{id: take(&b.nextWalletTx), created: now, txID: txID, amount: amount, typ: typ}
	if len(w.txs) >= maxWalletTxs {
		w.txs = slices.Delete(w.txs, 0, len(w.txs)-maxWalletTxs+1)
	}
	w.txs = append(w.txs, t)
	payload := struct {
		Currency              string           `json:"currency"`
		WalletTransactionType string           `json:"walletTransactionType"`
		ID                    int64            `json:"id"`
		MemberID              int64            `json:"memberId,omitempty"`
		TransactionID         int64            `json:"transactionId"`
		WalletID              int64            `json:"walletId"`
		Amount                craftgate.Amount `json:"amount"`
	}{craftgate.Currencies[w.currency], typ, t.id, w.memberID, txID, w.id, amount.toAmount()}
	p, _ := json.Marshal(payload)
	*evs = append(*evs, walletEvent{EventWalletTxCreated, strconv.FormatInt(w.id, 10), p})
	return nil
}

// Webhook event types of the wallet (docs/reference/craftgate/flows.md 9.1).
const (
	EventWalletCreated   = "WALLET_CREATED"
	EventWalletTxCreated = "WALLET_TX_CREATED"
)

// emitWallet sends the queued webhooks; the caller no longer holds book.mu.
func (m *Mock) emitWallet(evs []walletEvent) {
	for _, e := range evs {
		m.emitPayload(e.eventType, craftgate.StatusSuccess, e.payloadID, 0, e.payload)
	}
}

// merchant returns the merchant's wallet, creating it; the caller holds
// book.mu.
func (b *book) merchant(now int64) *wallet {
	if b.merchantWallet == nil {
		try, _ := currencyIndex(craftgate.CurrencyTRY)
		b.merchantWallet = &wallet{id: take(&b.nextWallet), created: now, updated: now, currency: try}
		b.wallets[b.merchantWallet.id] = b.merchantWallet
	}
	return b.merchantWallet
}

// memberWalletOf returns member id's wallet, or the 404 that explains why
// there is none; the caller holds book.mu.
func (b *book) memberWalletOf(id int64, field string) (*wallet, *apiError) {
	if b.members[id] == nil {
		return nil, errNotFound(CodeMemberNotFound, field+" "+strconv.FormatInt(id, 10)+": member not found")
	}
	w := b.wallets[b.memberWallet[id]]
	if w == nil {
		return nil, errNotFound(CodeWalletNotFound, field+" "+strconv.FormatInt(id, 10)+": the member has no wallet")
	}
	return w, nil
}

// renderWallet is the Wallet response; the caller holds book.mu.
func (m *Mock) renderWallet(w *wallet) craftgate.Wallet {
	return craftgate.Wallet{ID: w.id, CreatedDate: m.dateText(w.created), UpdatedDate: m.dateText(w.updated),
		Amount: w.amount.toAmount(), WithdrawalAmount: money(0).toAmount(), NegativeAmountLimit: w.limit.toAmount(),
		Currency: craftgate.Currencies[w.currency], MemberID: w.memberID}
}

// walletLimit converts negativeAmountLimit. The docs give no sign; the
// official Java sample sets -10 and expects -10 back, older clients send a
// positive size. Both are kept as sent and mean the same floor
// (wallet.floor).
func walletLimit(a craftgate.Amount) (money, *apiError) {
	v, prob := moneyOf(a)
	if prob != amountOK {
		return 0, errValidation(CodeInvalidAmount, "negativeAmountLimit must be an amount with at most 8 decimal places")
	}
	return v, nil
}

// floor is the lowest balance the wallet may reach: minus the size of
// its negativeAmountLimit, whatever its sign.
func (w *wallet) floor() money {
	if w.limit < 0 {
		return w.limit
	}
	return -w.limit
}

// createWallet serves POST /wallet/v1/members/{memberId}/wallets.
func (m *Mock) createWallet(c *call, req craftgate.CreateWalletRequest) error {
	limit, e := walletLimit(req.NegativeAmountLimit)
	if e != nil {
		return e
	}
	cur := req.Currency
	if cur == "" {
		cur = craftgate.CurrencyTRY
	}
	ci, ok := currencyIndex(cur)
	if !ok {
		return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(cur, 10))+" is not a supported currency")
	}
	now := m.nowUnix()
	b := &m.book
	var out craftgate.Wallet
	if e := locked(&b.mu, func() error {
		if b.members[c.id] == nil {
			return errNotFound(CodeMemberNotFound, "member "+c.idText+" not found")
		}
		if _, has := b.memberWallet[c.id]; has {
			return errValidation(CodeWalletExists, "member "+c.idText+" already has a wallet")
		}
		w := &wallet{id: take(&b.nextWallet), memberID: c.id, created: now, updated: now, limit: limit, currency: ci}
		b.wallets[w.id], b.memberWallet[c.id] = w, w.id
		out = m.renderWallet(w)
		return nil
	}); e != nil {
		return e
	}
	payload, _ := json.Marshal(struct {
		Currency            string           `json:"currency"`
		WalletID            int64            `json:"walletId"`
		MemberID            int64            `json:"memberId"`
		NegativeAmountLimit craftgate.Amount `json:"negativeAmountLimit"`
	}{out.Currency, out.ID, out.MemberID, out.NegativeAmountLimit})
	m.emitPayload(EventWalletCreated, craftgate.StatusSuccess, strconv.FormatInt(out.ID, 10), 0, payload)
	c.sendData(http.StatusOK, out)
	return nil
}

// retrieveMemberWallet serves GET /wallet/v1/members/{memberId}/wallet.
func (m *Mock) retrieveMemberWallet(c *call) error {
	return sendLocked(c, &m.book.mu, func() (craftgate.Wallet, *apiError) {
		w, e := m.book.memberWalletOf(c.id, "member")
		if e != nil {
			return craftgate.Wallet{}, e
		}
		return m.renderWallet(w), nil
	})
}

// updateWallet serves PUT /wallet/v1/members/{memberId}/wallets/{walletId};
// c.id is the wallet id, the member id is read from the path.
func (m *Mock) updateWallet(c *call, req craftgate.UpdateWalletRequest) error {
	limit, e := walletLimit(req.NegativeAmountLimit)
	if e != nil {
		return e
	}
	memberID := parseID(c.param("memberId"))
	return sendLocked(c, &m.book.mu, func() (craftgate.Wallet, *apiError) {
		w, e := m.book.memberWalletOf(memberID, "member")
		if e != nil {
			return craftgate.Wallet{}, e
		}
		if w.id != c.id {
			return craftgate.Wallet{}, errNotFound(CodeWalletNotFound, "wallet "+c.idText+" is not the wallet of member "+strconv.FormatInt(memberID, 10))
		}
		w.limit, w.updated = limit, m.nowUnix()
		return m.renderWallet(w), nil
	})
}

// retrieveMerchantWallet serves GET /wallet/v1/merchants/me/wallet.
func (m *Mock) retrieveMerchantWallet(c *call) error {
	return sendLocked(c, &m.book.mu, func() (craftgate.Wallet, *apiError) {
		return m.renderWallet(m.book.merchant(m.nowUnix())), nil
	})
}

// resetMerchantWallet serves POST /wallet/v1/merchants/me/wallet/reset-balance.
func (m *Mock) resetMerchantWallet(c *call, req craftgate.ResetMerchantWalletRequest) error {
	v, prob := moneyOf(req.WalletAmount)
	if prob != amountOK {
		return errValidation(CodeInvalidAmount, "walletAmount must be an amount with at most 8 decimal places")
	}
	now := m.nowUnix()
	var evs []walletEvent
	b := &m.book
	var out craftgate.Wallet
	if e := locked(&b.mu, func() error {
		w := b.merchant(now)
		if v != w.amount {
			return errValidation(CodeWalletBalanceMismatch, "walletAmount "+v.String()+" is not the merchant wallet's balance")
		}
		if w.amount != 0 {
			_ = b.move(w, -w.amount, craftgate.WalletTxMerchantBalanceReset, w.id, now, &evs) // never fails: no floor
		}
		out = m.renderWallet(w)
		return nil
	}); e != nil {
		return e
	}
	m.emitWallet(evs)
	c.sendData(http.StatusOK, out)
	return nil
}

// walletTxTypes are the movement types search accepts: the documented
// WalletTransactionType enum (docs/reference/craftgate/auth-and-envelope.md section 6).
var walletTxTypes = []string{
	"PAYMENT_REDEEM", "REFUND_DEPOSIT", "REFUND_TX_DEPOSIT", "WITHDRAW", "CANCEL_REFUND_WALLET_TO_CARD",
	"REFUND_WALLET_TX_TO_CARD", "REFUND_WALLET_TX_FUND_TRANSFER", "CANCEL_REFUND_TO_WALLET", "REFUND_TX_TO_WALLET",
	"MANUAL_REFUND_TX_TO_WALLET", "SETTLEMENT_EARNINGS", "DEPOSIT_FROM_CARD", "DEPOSIT_FROM_APM",
	"DEPOSIT_FROM_FUND_TRANSFER", "REMITTANCE", "LOYALTY", "WITHDRAW_CANCEL", "MERCHANT_BALANCE_RESET",
}

// searchWalletTransactions serves GET /wallet/v1/wallets/{walletId}/wallet-transactions.
func (m *Mock) searchWalletTransactions(c *call, q searchQuery) error {
	var types []string
	for _, name := range []string{"walletTransactionType", "walletTransactionTypes"} {
		for _, v := range q.Values[name] {
			for _, t := range strings.Split(v, ",") {
				if t = strings.TrimSpace(t); t == "" {
					continue
				}
				if !slices.Contains(walletTxTypes, t) {
					return errValidation(CodeInvalidQuery, name+" "+strconv.Quote(truncate(t, 40))+" is not a wallet transaction type")
				}
				types = append(types, t)
			}
		}
	}
	amount := func(name string) (*money, *apiError) {
		s := q.Get(name)
		if s == "" {
			return nil, nil
		}
		a, err := craftgate.ParseAmount(s)
		v, prob := moneyOf(a)
		if err != nil || prob != amountOK {
			return nil, errValidation(CodeInvalidQuery, name+" must be an amount, got "+strconv.Quote(truncate(s, 20)))
		}
		return &v, nil
	}
	minA, e := amount("minAmount")
	if e != nil {
		return e
	}
	maxA, e := amount("maxAmount")
	if e != nil {
		return e
	}
	minD, maxD, e := m.queryDates(q, "minCreatedDate", "maxCreatedDate")
	if e != nil {
		return e
	}
	out := craftgate.WalletTransactionList{Items: []craftgate.WalletTransaction{}, Page: q.page, Size: q.size}
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.wallets[c.id]
	if w == nil {
		return errNotFound(CodeWalletNotFound, "wallet "+c.idText+" not found")
	}
	for i := range w.txs {
		t := &w.txs[i]
		switch {
		case len(types) > 0 && !slices.Contains(types, t.typ),
			minA != nil && t.amount < *minA, maxA != nil && t.amount > *maxA,
			minD != nil && t.created < *minD, maxD != nil && t.created > *maxD:
			continue
		}
		if q.onPage(int(out.TotalSize)) {
			out.Items = append(out.Items, craftgate.WalletTransaction{ID: t.id, CreatedDate: m.dateText(t.created),
				WalletTransactionType: t.typ, Amount: t.amount.toAmount(), TransactionID: t.txID, WalletID: w.id})
		}
		out.TotalSize++
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// reasonPattern bounds remittanceReasonType: the docs name one value
// (REDEEM_ONLY_LOYALTY, the default); the mock accepts any enum-shaped one.
var reasonPattern = regexp.MustCompile(`^[A-Z][A-Z_]{0,63}$`)

// sendRemittance serves POST /wallet/v1/remittances/send.
func (m *Mock) sendRemittance(c *call, req craftgate.RemittanceRequest) error {
	return m.remit(c, req, false)
}

// receiveRemittance serves POST /wallet/v1/remittances/receive.
func (m *Mock) receiveRemittance(c *call, req craftgate.RemittanceRequest) error {
	return m.remit(c, req, true)
}

// remit moves money between the merchant's wallet and a member's.
func (m *Mock) remit(c *call, req craftgate.RemittanceRequest, receive bool) error {
	if req.MemberID <= 0 {
		return errRequired("memberId")
	}
	price, e := checkAmount("price", req.Price)
	if e != nil {
		return e
	}
	if req.Currency == "" {
		req.Currency = craftgate.CurrencyTRY // the clients mark it omitempty
	}
	ci, ok := currencyIndex(req.Currency)
	if !ok {
		return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(req.Currency, 10))+" is not a supported currency")
	}
	desc := strings.TrimSpace(req.Description)
	if desc == "" {
		return errRequired("description")
	}
	if len(desc) > maxMemberText {
		return errValidation(CodeInvalidMember, "description must be at most 256 characters")
	}
	reason := req.RemittanceReasonType
	if reason == "" {
		reason = craftgate.RemittanceRedeemOnlyLoyalty
	} else if !reasonPattern.MatchString(reason) {
		return errValidation(CodeInvalidQuery, "remittanceReasonType must be an enum value such as REDEEM_ONLY_LOYALTY")
	}
	now := m.nowUnix()
	var evs []walletEvent
	b := &m.book
	rm := &remittance{memberID: req.MemberID, created: now, price: price, currency: ci, receive: receive, reason: reason, description: desc}
	if e := locked(&b.mu, func() error {
		w, e := b.memberWalletOf(req.MemberID, "memberId")
		if e == nil && w.currency != ci {
			e = errValidation(CodeWalletCurrencyMismatch, "currency "+req.Currency+" is not the currency of the member's wallet ("+craftgate.Currencies[w.currency]+")")
		}
		merchant := b.merchant(now) // created at the first need, even by a refused remittance
		if e == nil && merchant.currency != ci {
			e = errValidation(CodeWalletCurrencyMismatch, "the merchant's wallet is in "+craftgate.Currencies[merchant.currency]+"; remittances in "+req.Currency+" are not possible")
		}
		if e != nil {
			return e
		}
		rm.id = take(&b.nextRemittance)
		from, to := merchant, w
		if receive {
			from, to = w, merchant
		}
		// The debit first: it is the one that can fail, before anything moved.
		if e := b.move(from, -price, craftgate.WalletTxRemittance, rm.id, now, &evs); e != nil {
			return e
		}
		_ = b.move(to, price, craftgate.WalletTxRemittance, rm.id, now, &evs) // a credit never fails
		b.remittances[rm.id] = rm
		b.remitOrder = append(b.remitOrder, rm.id)
		if len(b.remitOrder) > maxRemittances {
			delete(b.remittances, b.remitOrder[0])
			b.remitOrder = slices.Delete(b.remitOrder, 0, 1)
		}
		return nil
	}); e != nil {
		return e
	}
	m.emitWallet(evs)
	c.sendData(http.StatusOK, m.renderRemittance(rm))
	return nil
}

// retrieveRemittance serves GET and POST /wallet/v1/remittances/{id}.
func (m *Mock) retrieveRemittance(c *call) error {
	b := &m.book
	var rm *remittance // remittances never change once stored
	if e := locked(&b.mu, func() error {
		if rm = b.remittances[c.id]; rm == nil {
			return errNotFound(CodeRemittanceNotFound, "remittance "+c.idText+" not found (the mock keeps the newest "+strconv.Itoa(maxRemittances)+")")
		}
		return nil
	}); e != nil {
		return e
	}
	c.sendData(http.StatusOK, m.renderRemittance(rm))
	return nil
}

func (m *Mock) renderRemittance(rm *remittance) craftgate.Remittance {
	typ := craftgate.RemittanceSend
	if rm.receive {
		typ = craftgate.RemittanceReceive
	}
	return craftgate.Remittance{ID: rm.id, CreatedDate: m.dateText(rm.created), Status: "ACTIVE", Price: rm.price.toAmount(),
		Currency: craftgate.Currencies[rm.currency], MemberID: rm.memberID, RemittanceType: typ,
		RemittanceReasonType: rm.reason, Description: rm.description}
}

// depositTarget checks a deposit's amount, currency and member, and
// returns its money and currency.
func depositTarget(price craftgate.Amount, currency string, memberID int64) (money, uint8, *apiError) {
	v, e := checkAmount("price", price)
	if e != nil {
		return 0, 0, e
	}
	if currency == "" {
		// The docs require it; the clients mark it omitempty and the
		// fund-transfer request has no currency field at all: TRY.
		currency = craftgate.CurrencyTRY
	}
	ci, ok := currencyIndex(currency)
	if !ok {
		return 0, 0, errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(currency, 10))+" is not a supported currency")
	}
	if memberID <= 0 {
		return 0, 0, errRequired("buyerMemberId")
	}
	return v, ci, nil
}

// credit adds a deposit to member id's wallet and returns the deposit id
// and the movement.
func (m *Mock) credit(memberID int64, ci uint8, price money, typ string) (int64, *craftgate.DepositWalletTransaction, *apiError) {
	now := m.nowUnix()
	var evs []walletEvent
	b := &m.book
	var id, txID, walletID int64
	if e := locked(&b.mu, func() error {
		w, e := b.memberWalletOf(memberID, "buyerMemberId")
		if e != nil {
			return e
		}
		if w.currency != ci {
			return errValidation(CodeWalletCurrencyMismatch, "currency "+craftgate.Currencies[ci]+" is not the currency of the member's wallet ("+craftgate.Currencies[w.currency]+")")
		}
		id = take(&b.nextDeposit)
		_ = b.move(w, price, typ, id, now, &evs) // a credit never fails
		txID, walletID = w.txs[len(w.txs)-1].id, w.id
		return nil
	}); e != nil {
		return 0, nil, asAPIError(e)
	}
	m.emitWallet(evs)
	return id, &craftgate.DepositWalletTransaction{ID: txID, WalletTransactionType: typ, Amount: price.toAmount(), WalletID: walletID}, nil
}

// checkDepositMember fails when the member or its wallet is missing, so
// that a card is not charged for a deposit that cannot be credited.
func (m *Mock) checkDepositMember(memberID int64, ci uint8) *apiError {
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	w, e := b.memberWalletOf(memberID, "buyerMemberId")
	if e == nil && w.currency != ci {
		e = errValidation(CodeWalletCurrencyMismatch, "currency "+craftgate.Currencies[ci]+" is not the currency of the member's wallet ("+craftgate.Currencies[w.currency]+")")
	}
	return e
}

// resolveDepositCard replaces a stored card (cardUserKey and cardToken,
// as the official samples of deposits send) by the card it stands for,
// like a payment's (cards.go).
func (m *Mock) resolveDepositCard(req *craftgate.DepositRequest, d *draft, now time.Time, en bool) *apiError {
	pr := craftgate.CreatePaymentRequest{Card: req.Card}
	if e := m.resolveCard(&pr, d, now, en); e != nil {
		return e
	}
	req.Card = pr.Card
	return nil
}

// createDeposit serves POST /payment/v1/deposits.
func (m *Mock) createDeposit(c *call, req craftgate.DepositRequest) error {
	price, ci, e := depositTarget(req.Price, req.Currency, req.BuyerMemberID)
	if e != nil {
		return e
	}
	if req.Card != nil && req.Card.StoreCardAfterSuccessPayment {
		return errValidation(CodeUnsupportedFeature, "card.storeCardAfterSuccessPayment is not supported by the mock's deposits")
	}
	now, en := m.Now(), c.en()
	d := draft{price: price, paidPrice: price, currency: ci, buyerMemberID: req.BuyerMemberID,
		conversationID: req.ConversationID, posAlias: req.PosAlias, cardFlags: payDeposit}
	if e := m.resolveDepositCard(&req, &d, now, en); e != nil {
		return e
	}
	if e := validateCard(req.Card, now, en, &d); e != nil {
		return e
	}
	if ci != 0 && !d.card.MultiCurrency { // Currencies[0] is TRY
		return errValidation(CodeCurrencyNotSupportedByCard, "currency "+req.Currency+" requires a multi-currency (foreign) test card")
	}
	if e := m.checkDepositMember(req.BuyerMemberID, ci); e != nil {
		return e
	}
	// The deposit is stored as a payment without items (walletpay.go), so
	// that it can be retrieved and its wallet movement refunded to the
	// card; a declined one is stored failed, as a payment is.
	step := craftgate.StepNon3DSPayment
	out := craftgate.TestCards().Outcome(d.card.Number, step)
	if out.Fails {
		d.failStep = stepNon3DS
	}
	down := m.bankOutage(d.card, now)
	if down != nil {
		d.failStep, d.outage = stepOutage, down.index
	}
	id := nextRange(&m.ids.payment, 1)
	p := m.store.insertPayment(&d, id, nextRange(&m.ids.tx, 0), now.Unix(), out.Fails || down != nil)
	m.emitPayment(EventAPIAuth, p, out.Fails || down != nil)
	switch {
	case down != nil:
		c.w.Header()[PaymentIDHeader] = []string{itoa(id)}
		return outageError(down.index)
	case out.Fails:
		c.w.Header()[PaymentIDHeader] = []string{itoa(id)}
		return m.paymentFailure(failureAt(d.card, step), out.Code, en)
	}
	// The member and its wallet cannot vanish (neither is ever deleted)
	// and the currency was checked: the credit succeeds.
	p = m.store.lock(p)
	m.creditDeposit(p)
	p.mu.Unlock()
	return m.sendDeposit(c, p)
}

// threeDSDepositRequest is the body of POST /payment/v1/deposits/3ds-init.
type threeDSDepositRequest struct {
	craftgate.DepositRequest
	CallbackURL      string         `json:"callbackUrl"`
	AdditionalParams map[string]any `json:"additionalParams"`
}

// initThreeDSDeposit serves POST /payment/v1/deposits/3ds-init.
func (m *Mock) initThreeDSDeposit(c *call, req threeDSDepositRequest) error {
	price, ci, e := depositTarget(req.Price, req.Currency, req.BuyerMemberID)
	if e != nil {
		return e
	}
	now, en := m.Now(), c.en()
	d := draft{threeDS: true, price: price, paidPrice: price, currency: ci, buyerMemberID: req.BuyerMemberID,
		conversationID: req.ConversationID, posAlias: req.PosAlias, cardFlags: payDeposit}
	if e := m.resolveDepositCard(&req.DepositRequest, &d, now, en); e != nil {
		return e
	}
	if e := validateCard(req.Card, now, en, &d); e != nil {
		return e
	}
	if ci != 0 && !d.card.MultiCurrency {
		return errValidation(CodeCurrencyNotSupportedByCard, "currency "+req.Currency+" requires a multi-currency (foreign) test card")
	}
	if e := m.checkDepositMember(req.BuyerMemberID, ci); e != nil {
		return e
	}
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	version, e := callbackVersion(req.AdditionalParams)
	if e != nil {
		return e
	}
	out := craftgate.TestCards().Outcome(d.card.Number, craftgate.StepThreeDSInit)
	down := m.bankOutage(d.card, now)
	id := nextRange(&m.ids.payment, 1)
	txFirst := nextRange(&m.ids.tx, 0)
	if out.Fails || down != nil {
		d.failStep = stepThreeDSInit
		if down != nil {
			d.failStep, d.outage = stepOutage, down.index
		}
		p := m.store.insertPayment(&d, id, txFirst, now.Unix(), true)
		c.w.Header()[PaymentIDHeader] = []string{itoa(p.id)}
		if down != nil {
			return outageError(down.index)
		}
		return m.paymentFailure(failureAt(d.card, craftgate.StepThreeDSInit), out.Code, en)
	}
	s := &threeDSSession{token: randomToken(), callbackURL: req.CallbackURL, v2: version == 2, md: -1}
	m.threeDS.Store(id, s)
	d.pending = true
	m.store.insertPayment(&d, id, txFirst, now.Unix(), false)
	m.sendThreeDSRedirect(c, id, s)
	return nil
}

// completeThreeDSDeposit serves POST /payment/v1/deposits/3ds-complete.
func (m *Mock) completeThreeDSDeposit(c *call, req completeRequest) error {
	p, e := m.completeThreeDSOf(c, req.PaymentID, true)
	if e != nil {
		return e
	}
	return m.sendDeposit(c, p)
}

// creditDeposit credits a completed card deposit to its wallet; the
// caller holds p.mu.
func (m *Mock) creditDeposit(p *payment) {
	m.creditTopUp(p.buyerMemberID, p.currency, p.paidPrice, craftgate.WalletTxDepositFromCard, p.id)
}

// creditTopUp credits amount to the wallet of member memberID as one
// movement of type typ naming payment id. The member, its wallet and its
// currency were checked when the top-up started (checkDepositMember), and
// neither is ever deleted.
func (m *Mock) creditTopUp(memberID int64, ci uint8, amount money, typ string, id int64) {
	var evs []walletEvent
	b := &m.book
	b.mu.Lock()
	w, e := b.payerWallet(memberID, ci)
	if e == nil {
		_ = b.move(w, amount, typ, id, m.nowUnix(), &evs) // a credit never fails
	}
	b.mu.Unlock()
	m.emitWallet(evs)
}

// topUpMovement is the movement of type typ that payment id credited to
// the wallet of member memberID, or nil when there is none (yet).
func (m *Mock) topUpMovement(memberID int64, ci uint8, typ string, id int64) *craftgate.DepositWalletTransaction {
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	w, e := b.payerWallet(memberID, ci)
	if e != nil {
		return nil
	}
	for i := len(w.txs) - 1; i >= 0; i-- {
		if t := w.txs[i]; t.txID == id && t.typ == typ {
			return &craftgate.DepositWalletTransaction{ID: t.id, WalletTransactionType: t.typ, Amount: t.amount.toAmount(), WalletID: w.id}
		}
	}
	return nil
}

// sendDeposit answers a completed deposit, or returns the 404 of one
// evicted while it was read.
func (m *Mock) sendDeposit(c *call, p *payment) error {
	d, ok := m.renderDeposit(p)
	if !ok {
		return errReadEvicted(p.id)
	}
	c.sendData(http.StatusOK, d)
	return nil
}

// renderDeposit is the DepositPayment of a completed 3-D Secure deposit;
// false when p was evicted while it was read.
func (m *Mock) renderDeposit(p *payment) (craftgate.DepositPayment, bool) {
	text, ok := m.store.text(p)
	if !ok {
		return craftgate.DepositPayment{}, false
	}
	var refs []byte
	ref := func(kind uint64, digits int) string {
		refs = m.appendRef(refs[:0], kind, p.id, digits)
		return string(refs)
	}
	out := craftgate.DepositPayment{ID: p.id, CreatedDate: m.dateText(p.created), Price: p.paidPrice.toAmount(),
		Currency: craftgate.Currencies[p.currency], BuyerMemberID: p.buyerMemberID, ConversationID: text.conversationID,
		BankCommissionRate: money(0).toAmount(), BankCommissionRateAmount: money(0).toAmount(),
		AuthCode: ref(refAuthCode, authCodeDigits), HostReference: ref(refHostReference, hostReferenceDigits),
		TransID: ref(refTransID, transIDDigits), OrderID: ref(refOrderID, orderIDDigits),
		PaymentType: craftgate.PaymentTypeDeposit, PaymentStatus: craftgate.StatusSuccess,
		WalletTransaction: m.topUpMovement(p.buyerMemberID, p.currency, craftgate.WalletTxDepositFromCard, p.id)}
	return out, true
}

// createFundTransferDeposit serves POST /payment/v1/deposits/fund-transfer.
func (m *Mock) createFundTransferDeposit(c *call, req craftgate.FundTransferDepositRequest) error {
	price, ci, e := depositTarget(req.Price, req.Currency, req.BuyerMemberID)
	if e != nil {
		return e
	}
	_, wt, e := m.credit(req.BuyerMemberID, ci, price, craftgate.WalletTxDepositFromFundTransfer)
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, craftgate.FundTransferDeposit{Price: price.toAmount(), Currency: req.Currency,
		BuyerMemberID: req.BuyerMemberID, ConversationID: req.ConversationID, WalletTransaction: wt})
	return nil
}
