package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// Members and the closed-loop wallet (docs/reference/craftgate/flows.md sections 10 and 11):
// buyers and sellers registered as members, buyers' wallets, top-ups,
// remittances between the merchant and a member, payments from the wallet
// and refunds to it. Members are named in the feature ("Ayşe"); the name
// is the member's contact name and, with a random suffix, its
// memberExternalId, so that scenarios and load-test iterations never
// collide on the provider's unique external ids.

// walletWorld is the member and wallet part of a scenario.
type walletWorld struct {
	members map[string]*craftgate.Member
	// the last registration attempt
	member    *craftgate.Member
	memberErr error
	// the last move of money (remittance or top-up)
	remittance *craftgate.Remittance
	deposit    *craftgate.DepositPayment
	apmTopUp   *craftgate.ApmDepositResponse
	moveErr    error
	// found is the result of the last member search.
	found *craftgate.MemberList
	// market is the marketplace part (marketplace_steps.go).
	market *marketWorld
}

func (w *World) wal() *walletWorld {
	if w.wallet == nil {
		w.wallet = &walletWorld{members: map[string]*craftgate.Member{}}
	}
	return w.wallet
}

// Seller kinds as features write them.
var sellerTypes = map[string]string{
	"personal":        craftgate.MemberTypePersonal,
	"private company": craftgate.MemberTypePrivateCompany,
	"limited company": craftgate.MemberTypeLimitedCompany,
}

const (
	reSellerType = `(personal|private company|limited company)`
	reName       = `"([^"]+)"`
	// sellerIBAN is a valid TR IBAN (the documented sample account).
	sellerIBAN = "TR330006100519786457841326"
)

func walletDefinitions() []Definition {
	return []Definition{
		{`^the merchant registers a buyer ` + reName + `$`,
			step1((*World).registerBuyer)},
		{`^a registered buyer ` + reName + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.registered(ctx, w.registerBuyer, a0) })},
		{`^the merchant registers a ` + reSellerType + ` seller ` + reName + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.registerSeller(ctx, a0, a1, "", "")
			})},
		{`^a registered ` + reSellerType + ` seller ` + reName + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.registered(ctx, func(ctx context.Context, n string) error { return w.registerSeller(ctx, a0, n, "", "") }, a1)
			})},
		{`^the merchant registers a ` + reSellerType + ` seller ` + reName + ` without (?:a |an )?(contact name|contact surname|company name|legal company title|tax office|tax number|IBAN)$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error {
				return w.registerSeller(ctx, a0, a1, a2, "")
			})},
		{`^the merchant registers a ` + reSellerType + ` seller ` + reName + ` with the IBAN "([^"]*)"$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error {
				return w.registerSeller(ctx, a0, a1, "", a2)
			})},
		{`^the merchant changes the address of ` + reName + ` to "([^"]+)"$`,
			step2((*World).updateAddress)},
		{`^the merchant searches for sellers named ` + reName + `$`,
			step1((*World).searchSellers)},

		{`^the member ` + reName + ` is registered as a (buyer|seller)$`,
			step2((*World).memberRegistered)},
		{`^the member ` + reName + ` has the address "([^"]+)"$`,
			step2((*World).memberHasAddress)},
		{`^the registration is refused, naming "([^"]+)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.registrationRefused(a0) })},
		{`^the search finds the seller ` + reName + ` only$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.searchFindsOnly(a0) })},

		{`^the merchant receives a signed "WALLET_CREATED" webhook for the wallet of ` + reName + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.walletWebhook(ctx, a0, "", "") })},
		{`^the merchant receives a signed "WALLET_TX_CREATED" webhook for the wallet of ` + reName + ` about ` + ReGroup + ` of ` + ReAmount + `$`,
			step3((*World).walletWebhook)},
		{`^the merchant opens a wallet for ` + reName + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.openWallet(ctx, a0, "0") })},
		{`^` + reName + ` has a wallet$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.hasWallet(ctx, a0, "0") })},
		{`^` + reName + ` has a wallet that may go ` + ReAmount + ` below zero$`,
			step2((*World).hasWallet)},
		{`^the wallet of ` + reName + ` holds ` + ReAmount + ` ` + ReCurrency + `$`,
			step3((*World).walletHolds)},
		{`^the wallet's last movement is ` + ReGroup + ` of ` + ReAmount + ` for ` + reName + `$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error { return w.lastMovement(ctx, a2, a0, a1) })},

		{`^the merchant (sends|has sent) ` + ReAmount + ` ` + ReCurrency + ` to the wallet of ` + reName + `$`,
			step4(func(w *World, ctx context.Context, a0, a1, a2, a3 string) error {
				return w.remit(ctx, false, a0 == "has sent", a1, a2, a3)
			})},
		{`^the merchant takes ` + ReAmount + ` ` + ReCurrency + ` back from the wallet of ` + reName + `$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error {
				return w.remit(ctx, true, false, a0, a1, a2)
			})},
		{`^the remittance succeeds and can be retrieved$`, step0((*World).remittanceRetrievable)},
		{`^the move is refused for lack of balance$`, step0((*World).moveRefused)},
		{`^` + reName + ` (tops|has topped) up the wallet with ` + ReAmount + ` ` + ReCurrency + ` by ` + ReCard + `$`,
			step5(func(w *World, ctx context.Context, a0, a1, a2, a3, a4 string) error {
				return w.topUp(ctx, a0, a1 == "has topped", a2, a3, a4)
			})},
		{`^` + reName + ` starts a 3-D Secure top-up of ` + ReAmount + ` ` + ReCurrency + ` with ` + ReCard + `$`,
			step4((*World).startThreeDSTopUp)},
		{`^the merchant completes the 3-D Secure top-up$`, step0((*World).completeThreeDSTopUp)},
		{`^the top-up succeeds$`, step0((*World).topUpSucceeds)},
		{`^the top-up is refused$`, step0((*World).topUpRefused)},
		{`^the top-up is declined with error group ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.topUpDeclined(a0) })},
		{`^the merchant credits a bank transfer of ` + ReAmount + ` ` + ReCurrency + ` to the wallet of ` + reName + `$`,
			step3((*World).fundTransfer)},
		{`^` + reName + ` starts a top-up of ` + ReAmount + ` ` + ReCurrency + ` through an? ([A-Z_]+) APM$`,
			step4(func(w *World, ctx context.Context, a0, a1, a2, a3 string) error {
				return w.startAPMTopUp(ctx, a0, a1, a2, a3, nil)
			})},
		{`^` + reName + ` starts a top-up of ` + ReAmount + ` ` + ReCurrency + ` through an? ([A-Z_]+) APM as APM user "(\d+)"$`,
			step5(func(w *World, ctx context.Context, a0, a1, a2, a3, a4 string) error {
				return w.startAPMTopUp(ctx, a0, a1, a2, a3, &a4)
			})},
		{`^the APM top-up is credited at once with ` + ReAmount + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.apmTopUpAtOnce(a0) })},
		{`^the payment is a successful ` + ReGroup + ` APM top-up of ` + ReAmount + `$`,
			step2((*World).isAPMTopUp)},

		{`^` + reName + ` pays the basket from the wallet$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.payFromWallet(ctx, a0, "", "") })},
		{`^` + reName + ` pays ` + ReAmount + ` of the basket from the wallet and the rest with ` + ReCard + `$`,
			step3((*World).payFromWallet)},
		{`^the payment is a (wallet|card and wallet) payment with ` + ReAmount + ` from the wallet$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.isWalletPayment(a0, a1) })},
		{`^the merchant refunds the whole payment to the wallet$`, step0(func(w *World, ctx context.Context) error {
			return w.refundWholeTo(ctx, craftgate.RefundDestinationWallet)
		})},
		{`^the merchant refunds ` + ReAmount + ` of item ` + ReItem + ` to the wallet$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.refundItemTo(ctx, a0, a1, craftgate.RefundDestinationWallet)
			})},
		{`^the refund gives ` + ReAmount + ` back to the wallet and ` + ReAmount + ` to the card$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.refundSplit(a0, a1) })},
	}
}

// walletPayload is the payload of WALLET_CREATED and WALLET_TX_CREATED
// (docs/reference/craftgate/flows.md 9.1).
type walletPayload struct {
	Currency              string            `json:"currency"`
	WalletID              int64             `json:"walletId"`
	MemberID              int64             `json:"memberId"`
	NegativeAmountLimit   *craftgate.Amount `json:"negativeAmountLimit"`
	WalletTransactionType string            `json:"walletTransactionType"`
	ID                    int64             `json:"id"`
	TransactionID         int64             `json:"transactionId"`
	Amount                *craftgate.Amount `json:"amount"`
}

// walletWebhook waits for the merchant to accept a signed wallet webhook
// about the wallet of name: WALLET_CREATED when typ is empty, else the
// WALLET_TX_CREATED of a movement of that type and amount; payloadId is
// the wallet id (the documented sample's).
func (w *World) walletWebhook(ctx context.Context, name, typ, amount string) error {
	mb, err := w.requireMember(name)
	if err != nil {
		return err
	}
	wl, err := w.memberWallet(ctx, name)
	if err != nil {
		return err
	}
	var want craftgate.Amount
	event := "WALLET_CREATED"
	if typ != "" {
		event = "WALLET_TX_CREATED"
		if want, err = ParseAmount(amount); err != nil {
			return err
		}
	}
	id := strconv.FormatInt(wl.ID, 10)
	var got walletPayload
	d, err := w.awaitDelivery(ctx, id, func(d merchant.Delivery) bool {
		if d.Event.EventType != event || d.Event.PayloadID != id || !d.Verified || !is2xx(d.HTTPStatus) {
			return false
		}
		var p walletPayload
		if json.Unmarshal(d.Event.Payload, &p) != nil {
			return false
		}
		if typ != "" && (p.WalletTransactionType != typ || p.Amount == nil || !p.Amount.Equal(want.Decimal)) {
			return false
		}
		got = p
		return true
	}, "a signed %s webhook for wallet %s %s", event, id, typ)
	if err != nil {
		return err
	}
	w.webhook = &d
	var m mismatches
	m.check("status", craftgate.StatusSuccess, d.Event.Status)
	m.check("payload.walletId", wl.ID, got.WalletID)
	m.check("payload.memberId", mb.ID, got.MemberID)
	m.check("payload.currency", wl.Currency, got.Currency)
	if typ == "" && (got.NegativeAmountLimit == nil || !got.NegativeAmountLimit.Equal(wl.NegativeAmountLimit.Decimal)) {
		m.addf("payload.negativeAmountLimit: expected %s, got %v", wl.NegativeAmountLimit, got.NegativeAmountLimit)
	}
	if typ != "" && got.ID == 0 {
		m.addf("payload.id: expected the wallet transaction's id, got none")
	}
	if err := m.err(event + " webhook for wallet " + id); err != nil {
		return err
	}
	w.note(EvidenceWebhook, fmt.Sprintf("%s for wallet %s: x-cg-signature-v1 verified", event, id), "")
	return nil
}

// memberRequest is a complete, valid member of the kind asked for.
func memberRequest(name string) craftgate.CreateMemberRequest {
	return craftgate.CreateMemberRequest{MemberExternalID: name + "-" + newConversationID(), Address: "Suadiye Mah. 1, İstanbul",
		Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com", PhoneNumber: "905551234567",
		ContactName: name, ContactSurname: "Demir"}
}

func (w *World) register(ctx context.Context, name string, req *craftgate.CreateMemberRequest) error {
	x := w.wal()
	x.member, x.memberErr = w.client.CreateMember(ctx, req)
	if x.memberErr != nil && craftgate.AsError(x.memberErr) == nil {
		return fmt.Errorf("steps: registering member %q: %w", name, x.memberErr)
	}
	if x.member != nil {
		x.members[name] = x.member
		w.note(EvidenceMember, "member "+strconv.FormatInt(x.member.ID, 10)+" ("+name+")", "")
	}
	return nil
}

func (w *World) registerBuyer(ctx context.Context, name string) error {
	req := memberRequest(name)
	req.IsBuyer = true
	return w.register(ctx, name, &req)
}

// sellerRequest is the registration of a seller of the kind (as
// features name it), paid to sellerIBAN.
func sellerRequest(kind, name string) craftgate.CreateMemberRequest {
	req := memberRequest(name)
	req.IsSubMerchant, req.MemberType, req.IBAN = true, sellerTypes[kind], sellerIBAN
	req.SettlementEarningsDestination = craftgate.SettlementToIBAN
	if req.MemberType != craftgate.MemberTypePersonal {
		req.LegalCompanyTitle, req.TaxOffice, req.TaxNumber = name+" Ticaret", "Maslak", "1234567890"
	}
	if req.MemberType == craftgate.MemberTypeLimitedCompany {
		req.Name = name + " A.Ş."
	}
	return req
}

// registerSeller registers a seller of the kind, leaving the field
// without out (as features name it) and with iban when not empty.
func (w *World) registerSeller(ctx context.Context, kind, name, without, iban string) error {
	req := sellerRequest(kind, name)
	if iban != "" {
		req.IBAN = iban
	}
	// The fields a feature may leave out, by the names it gives them.
	field := map[string]*string{
		"contact name":        &req.ContactName,
		"contact surname":     &req.ContactSurname,
		"company name":        &req.Name,
		"legal company title": &req.LegalCompanyTitle,
		"tax office":          &req.TaxOffice,
		"tax number":          &req.TaxNumber,
		"IBAN":                &req.IBAN,
	}[without]
	if field != nil {
		*field = ""
	}
	return w.register(ctx, name, &req)
}

// registered runs a registration that must succeed (a Given).
func (w *World) registered(ctx context.Context, reg func(context.Context, string) error, name string) error {
	if err := reg(ctx, name); err != nil {
		return err
	}
	if x := w.wal(); x.memberErr != nil {
		return fmt.Errorf("expected member %q to be registered, got %s", name, describeErr(x.memberErr))
	}
	return nil
}

// requireMember returns the registered member name.
func (w *World) requireMember(name string) (*craftgate.Member, error) {
	mb := w.wal().members[name]
	if mb == nil {
		if err := w.wal().memberErr; err != nil {
			return nil, fmt.Errorf("expected member %q to be registered, got %s", name, describeErr(err))
		}
		return nil, fmt.Errorf("steps: no member %q: register it first", name)
	}
	return mb, nil
}

// retrievedMember returns the registered member name and the member as
// the provider has it now.
func (w *World) retrievedMember(ctx context.Context, name string) (mb, got *craftgate.Member, err error) {
	if mb, err = w.requireMember(name); err != nil {
		return nil, nil, err
	}
	if got, err = w.client.RetrieveMember(ctx, mb.ID); err != nil {
		return nil, nil, fmt.Errorf("expected member %d (%s) to be retrievable, got %s", mb.ID, name, describeErr(err))
	}
	return mb, got, nil
}

func (w *World) memberRegistered(ctx context.Context, name, kind string) error {
	mb, got, err := w.retrievedMember(ctx, name)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("id", mb.ID, got.ID)
	m.check("status", "ACTIVE", got.Status)
	m.check("memberExternalId", mb.MemberExternalID, got.MemberExternalID)
	m.check("isBuyer", kind == "buyer", got.IsBuyer)
	m.check("isSubMerchant", kind == "seller", got.IsSubMerchant)
	m.check("contactName", name, got.ContactName)
	if kind == "seller" {
		m.check("iban", sellerIBAN, got.IBAN)
	}
	return m.err("member " + name)
}

func (w *World) updateAddress(ctx context.Context, name, address string) error {
	mb, err := w.requireMember(name)
	if err != nil {
		return err
	}
	req := craftgate.UpdateMemberRequest{Address: address, Email: mb.Email, PhoneNumber: mb.PhoneNumber, IsBuyer: mb.IsBuyer,
		IsSubMerchant: mb.IsSubMerchant, MemberType: mb.MemberType, Name: mb.Name, ContactName: mb.ContactName,
		ContactSurname: mb.ContactSurname, LegalCompanyTitle: mb.LegalCompanyTitle, TaxOffice: mb.TaxOffice, TaxNumber: mb.TaxNumber,
		IBAN: mb.IBAN, SettlementEarningsDestination: mb.SettlementEarningsDestination}
	got, err := w.client.UpdateMember(ctx, mb.ID, &req)
	if err != nil {
		return fmt.Errorf("expected the update of member %q to succeed, got %s", name, describeErr(err))
	}
	w.wal().members[name] = got
	return nil
}

func (w *World) memberHasAddress(ctx context.Context, name, address string) error {
	mb, got, err := w.retrievedMember(ctx, name)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("address", address, got.Address)
	m.check("memberExternalId", mb.MemberExternalID, got.MemberExternalID)
	return m.err("member " + name)
}

// registrationRefused checks the last registration was refused as a
// validation error whose description names field.
func (w *World) registrationRefused(field string) error {
	x := w.wal()
	if err := expectStatus(x.memberErr, 400, "the registration to be refused with HTTP 400"); err != nil {
		return err
	}
	ce := craftgate.AsError(x.memberErr)
	if !strings.Contains(ce.Description, field) {
		return fmt.Errorf("expected the refusal to name %q, got %q", field, ce.Description)
	}
	return nil
}

func (w *World) searchSellers(ctx context.Context, name string) error {
	yes := true
	l, err := w.client.SearchMembers(ctx, &craftgate.SearchMembersRequest{IsSubMerchant: &yes, Name: name, Size: 100})
	if err != nil {
		return fmt.Errorf("steps: searching members: %w", err)
	}
	w.wal().found = l
	return nil
}

func (w *World) searchFindsOnly(name string) error {
	mb, err := w.requireMember(name)
	if err != nil {
		return err
	}
	l := w.wal().found
	if l == nil {
		return errors.New("steps: no member search made")
	}
	found := false
	for _, it := range l.Items {
		if it.ID == mb.ID {
			found = true
		} else if !it.IsSubMerchant {
			return fmt.Errorf("the search for sellers found member %d, which is not a seller", it.ID)
		} else if !strings.Contains(strings.ToLower(it.Name), strings.ToLower(name)) {
			return fmt.Errorf("the search for sellers named %q found %q", name, it.Name)
		}
	}
	if !found {
		return fmt.Errorf("expected the search to find seller %q (member %d), got %d other members", name, mb.ID, len(l.Items))
	}
	return nil
}

func (w *World) openWallet(ctx context.Context, name, limit string) error {
	mb, a, err := w.memberAmount(name, limit)
	if err != nil {
		return err
	}
	wl, err := w.client.CreateMemberWallet(ctx, mb.ID, &craftgate.CreateWalletRequest{NegativeAmountLimit: a, Currency: craftgate.CurrencyTRY})
	if err != nil {
		return fmt.Errorf("expected a wallet to be opened for %q, got %s", name, describeErr(err))
	}
	w.note(EvidenceWallet, "wallet "+strconv.FormatInt(wl.ID, 10)+" ("+name+")", "")
	return nil
}

// hasWallet registers name as a buyer unless registered, and opens a
// wallet for it.
func (w *World) hasWallet(ctx context.Context, name, limit string) error {
	if w.wal().members[name] == nil {
		if err := w.registered(ctx, w.registerBuyer, name); err != nil {
			return err
		}
	}
	return w.openWallet(ctx, name, limit)
}

func (w *World) memberWallet(ctx context.Context, name string) (*craftgate.Wallet, error) {
	mb, err := w.requireMember(name)
	if err != nil {
		return nil, err
	}
	wl, err := w.client.RetrieveMemberWallet(ctx, mb.ID)
	if err != nil {
		return nil, fmt.Errorf("expected the wallet of %q to be retrievable, got %s", name, describeErr(err))
	}
	return wl, nil
}

// walletAmount returns the wallet of name, retrieved, and amount parsed:
// what a step about a wallet's money compares.
func (w *World) walletAmount(ctx context.Context, name, amount string) (*craftgate.Wallet, craftgate.Amount, error) {
	want, err := ParseAmount(amount)
	if err != nil {
		return nil, want, err
	}
	wl, err := w.memberWallet(ctx, name)
	return wl, want, err
}

func (w *World) walletHolds(ctx context.Context, name, amount, currency string) error {
	wl, want, err := w.walletAmount(ctx, name, amount)
	if err != nil {
		return err
	}
	var m mismatches
	m.amount("amount", want, wl.Amount)
	m.check("currency", currency, wl.Currency)
	return m.err("wallet of " + name)
}

// lastMovement checks the newest movement of the wallet of name.
func (w *World) lastMovement(ctx context.Context, name, typ, amount string) error {
	wl, want, err := w.walletAmount(ctx, name, amount)
	if err != nil {
		return err
	}
	l, err := w.client.SearchWalletTransactions(ctx, wl.ID, &craftgate.SearchWalletTransactionsRequest{Size: 1000})
	if err != nil {
		return fmt.Errorf("steps: searching the movements of wallet %d: %w", wl.ID, err)
	}
	if len(l.Items) == 0 {
		return fmt.Errorf("wallet of %s: expected movements, got none", name)
	}
	last := l.Items[0]
	for _, it := range l.Items[1:] {
		if it.ID > last.ID {
			last = it
		}
	}
	var m mismatches
	m.check("walletTransactionType", typ, last.WalletTransactionType)
	m.amount("amount", want, last.Amount)
	return m.err("last movement of the wallet of " + name)
}

// memberAmount returns the registered member name and amount parsed: the
// two arguments of every step that moves money for a member.
func (w *World) memberAmount(name, amount string) (*craftgate.Member, craftgate.Amount, error) {
	a, err := ParseAmount(amount)
	if err != nil {
		return nil, a, err
	}
	mb, err := w.requireMember(name)
	return mb, a, err
}

// moved remembers the outcome of a move of money (err, nil for a success)
// for the steps that check it. A failure that is not the provider's
// answer, or any failure of a move that must succeed, fails the step; the
// message, the move's description, is formatted only then.
func (w *World) moved(err error, mustSucceed bool, format string, args ...any) error {
	w.wal().moveErr, w.err = err, err
	switch {
	case err == nil:
		return nil
	case craftgate.AsError(err) == nil:
		return fmt.Errorf("steps: %s: %w", fmt.Sprintf(format, args...), err)
	case mustSucceed:
		return fmt.Errorf("steps: %s: %s", fmt.Sprintf(format, args...), describeErr(err))
	}
	return nil
}

func (w *World) remit(ctx context.Context, receive, mustSucceed bool, amount, currency, name string) error {
	mb, a, err := w.memberAmount(name, amount)
	if err != nil {
		return err
	}
	x := w.wal()
	req := &craftgate.RemittanceRequest{MemberID: mb.ID, Price: a, Currency: currency, Description: "gatecheck " + newConversationID()}
	if receive {
		x.remittance, err = w.client.ReceiveRemittance(ctx, req)
	} else {
		x.remittance, err = w.client.SendRemittance(ctx, req)
	}
	if err := w.moved(err, mustSucceed, "remittance of %s %s for %q", amount, currency, name); err != nil {
		return err
	}
	if x.remittance != nil {
		w.note(EvidenceRemittance, "remittance "+strconv.FormatInt(x.remittance.ID, 10), "")
	}
	return nil
}

func (w *World) remittanceRetrievable(ctx context.Context) error {
	x := w.wal()
	if x.moveErr != nil || x.remittance == nil {
		return fmt.Errorf("expected the remittance to succeed, got %s", describeErr(x.moveErr))
	}
	got, err := w.client.RetrieveRemittance(ctx, x.remittance.ID)
	if err != nil {
		return fmt.Errorf("expected remittance %d to be retrievable, got %s", x.remittance.ID, describeErr(err))
	}
	var m mismatches
	m.check("id", x.remittance.ID, got.ID)
	m.check("remittanceType", x.remittance.RemittanceType, got.RemittanceType)
	m.check("memberId", x.remittance.MemberID, got.MemberID)
	m.amount("price", x.remittance.Price, got.Price)
	m.check("status", "ACTIVE", got.Status)
	return m.errf("remittance %d", x.remittance.ID)
}

// moveRefused checks the last move of money, remittance or wallet
// payment, was refused with HTTP 400.
func (w *World) moveRefused(context.Context) error {
	err := w.err
	return expectStatus(err, 400, "the move to be refused with HTTP 400")
}

// cardDeposit is the top-up of the wallet of name with amount in currency
// from the card spec.
func (w *World) cardDeposit(name, amount, currency, spec string) (CardChoice, craftgate.DepositRequest, error) {
	mb, a, err := w.memberAmount(name, amount)
	if err != nil {
		return CardChoice{}, craftgate.DepositRequest{}, err
	}
	card, err := w.parseCard(spec)
	return card, craftgate.DepositRequest{Price: a, Currency: currency, BuyerMemberID: mb.ID,
		ConversationID: newConversationID(), Card: &craftgate.Card{CardHolderName: cardHolderName, CardNumber: card.Number,
			ExpireMonth: defaultExpireMonth, ExpireYear: defaultExpireYear, CVC: card.DefaultCVC()}}, err
}

func (w *World) topUp(ctx context.Context, name string, mustSucceed bool, amount, currency, spec string) error {
	card, req, err := w.cardDeposit(name, amount, currency, spec)
	if err != nil {
		return err
	}
	x := w.wal()
	x.deposit, err = w.client.Deposit(ctx, &req)
	if err := w.moved(err, mustSucceed, "top-up of %s %s with %s", amount, currency, card); err != nil {
		return err
	}
	w.card = card
	w.note(EvidenceCard, craftgate.MaskPAN(card.Number), craftgate.StepNon3DSPayment)
	if x.deposit != nil {
		w.note(EvidencePayment, "deposit "+strconv.FormatInt(x.deposit.ID, 10), "")
	}
	return nil
}

// startThreeDSTopUp starts a 3-D Secure top-up; the buyer's journey
// through the bank's page is then the 3-D Secure payment's
// (threeds_steps.go), and the merchant completes it as a top-up.
func (w *World) startThreeDSTopUp(ctx context.Context, name, amount, currency, spec string) error {
	card, dep, err := w.cardDeposit(name, amount, currency, spec)
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	w.startPayment(card, nil)
	req := &craftgate.InitThreeDSDepositRequest{DepositRequest: dep, CallbackURL: cb}
	if w.callbackVersion == 2 {
		req.AdditionalParams = map[string]any{craftgate.ThreeDSCallbackVersionParam: 2}
	}
	resp, err := w.client.InitThreeDSDeposit(ctx, req)
	w.err = err
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: 3-D Secure top-up with %s: %w", card, err)
		}
		return fmt.Errorf("expected the 3-D Secure top-up with %s to start, got %s", card, describeErr(err))
	}
	w.threeDS, w.paymentID = resp, resp.PaymentID
	w.noteAttempt(craftgate.StepThreeDSInit, card, resp.PaymentID, nil)
	return nil
}

func (w *World) completeThreeDSTopUp(ctx context.Context) error {
	if w.paymentID == 0 || w.threeDS == nil {
		return errors.New("steps: no 3-D Secure top-up to complete: start one first")
	}
	d, err := w.client.CompleteThreeDSDeposit(ctx, w.paymentID)
	w.wal().deposit = d
	if err := w.moved(err, false, "completing top-up %d", w.paymentID); err != nil {
		return err
	}
	w.note(EvidenceCard, craftgate.MaskPAN(w.card.Number), craftgate.StepThreeDSComplete)
	return nil
}

func (w *World) topUpSucceeds(context.Context) error {
	x := w.wal()
	if x.moveErr != nil || x.deposit == nil {
		return fmt.Errorf("expected the top-up with %s to succeed, got %s", w.card, describeErr(x.moveErr))
	}
	var m mismatches
	m.check("paymentStatus", craftgate.StatusSuccess, x.deposit.PaymentStatus)
	m.check("paymentType", craftgate.PaymentTypeDeposit, x.deposit.PaymentType)
	if x.deposit.WalletTransaction == nil {
		m.addf("walletTransaction: expected the wallet's movement, got none")
	} else {
		m.check("walletTransaction.walletTransactionType", craftgate.WalletTxDepositFromCard, x.deposit.WalletTransaction.WalletTransactionType)
		m.amount("walletTransaction.amount", x.deposit.Price, x.deposit.WalletTransaction.Amount)
	}
	return m.errf("top-up %d", x.deposit.ID)
}

func (w *World) topUpRefused(context.Context) error {
	return expect4xx(w.wal().moveErr, "the top-up to be refused")
}

func (w *World) topUpDeclined(group string) error {
	if err := expectStatus(w.wal().moveErr, 422, "the top-up to be declined with HTTP 422"); err != nil {
		return err
	}
	ce := craftgate.AsError(w.wal().moveErr)
	if ce.Group != group {
		return fmt.Errorf("expected the top-up to be declined with error group %s, got %s", group, ce.Group)
	}
	return nil
}

func (w *World) fundTransfer(ctx context.Context, amount, currency, name string) error {
	mb, a, err := w.memberAmount(name, amount)
	if err != nil {
		return err
	}
	d, err := w.client.FundTransferDeposit(ctx, &craftgate.FundTransferDepositRequest{Price: a, Currency: currency, BuyerMemberID: mb.ID,
		ConversationID: newConversationID()})
	if err != nil {
		return fmt.Errorf("expected the bank transfer to be credited to the wallet of %q, got %s", name, describeErr(err))
	}
	if d.WalletTransaction == nil || d.WalletTransaction.WalletTransactionType != craftgate.WalletTxDepositFromFundTransfer {
		return fmt.Errorf("fund transfer: expected a DEPOSIT_FROM_FUND_TRANSFER movement, got %+v", d.WalletTransaction)
	}
	return nil
}

// payFromWallet pays the basket from the wallet of name: wholly when
// amount is empty, else amount from the wallet and the rest with the card
// spec.
func (w *World) payFromWallet(ctx context.Context, name, amount, spec string) error {
	mb, err := w.requireMember(name)
	if err != nil {
		return err
	}
	card := CardChoice{Role: "the wallet of " + name}
	if spec != "" {
		if card, err = w.parseCard(spec); err != nil {
			return err
		}
	}
	req, err := w.paymentRequest(card)
	if err != nil {
		return err
	}
	req.BuyerMemberID, req.WalletPrice = mb.ID, req.PaidPrice
	if spec == "" {
		req.Card = nil
	} else if req.WalletPrice, err = ParseAmount(amount); err != nil {
		return err
	}
	w.startPayment(card, req)
	p, err := w.client.CreatePayment(ctx, req)
	return w.paid(card, p, err)
}

func (w *World) isWalletPayment(kind, amount string) error {
	want, p, err := withAmount(amount, w.requirePayment)
	if err != nil {
		return err
	}
	var m mismatches
	typ := craftgate.PaymentTypeWallet
	if kind != "wallet" {
		typ = craftgate.PaymentTypeCardAndWallet
	}
	m.check("paymentType", typ, p.PaymentType)
	m.amount("walletPrice", want, p.WalletPrice)
	var sum craftgate.Amount
	for _, tx := range p.PaymentTransactions {
		sum = sum.Add(tx.WalletPrice)
	}
	m.amount("sum of paymentTransactions[].walletPrice", want, sum)
	if kind == "wallet" && p.BinNumber != "" {
		m.addf("binNumber: expected none for a payment wholly from the wallet, got %q", p.BinNumber)
	}
	return m.errf("payment %d", p.ID)
}

// refundSplit checks the last refund's wallet and bank parts: the whole
// payment's refund when there is one, else the last item refund.
func (w *World) refundSplit(wallet, bank string) error {
	wa, ba, err := parseTwoAmounts(wallet, bank)
	if err != nil {
		return err
	}
	if w.err != nil {
		return fmt.Errorf("expected the refund to succeed, got %s", describeErr(w.err))
	}
	var m mismatches
	switch {
	case w.refund != nil:
		m.amount("refundWalletPrice", wa, w.refund.RefundWalletPrice)
		m.amount("refundBankPrice", ba, w.refund.RefundBankPrice)
	case w.itemRefund != nil:
		m.amount("refundWalletPrice", wa, w.itemRefund.RefundWalletPrice)
		m.amount("refundBankPrice", ba, w.itemRefund.RefundBankPrice)
	default:
		return errors.New("steps: no refund made")
	}
	return m.errf("refund of payment %d", w.paymentID)
}

// startAPMTopUp starts a top-up of the wallet of name through apmType,
// with the type's usual inputs (apmInputs); identity, when not nil,
// replaces its apmUserIdentity. The buyer then goes through the APM
// payment's journey (apm_steps.go): the wallet is credited when the
// payment succeeds.
func (w *World) startAPMTopUp(ctx context.Context, name, amount, currency, apmType string, identity *string) error {
	mb, a, err := w.memberAmount(name, amount)
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	id, params := apmParams(apmType)
	if identity != nil {
		id = *identity
	}
	s := w.resetAPM(apmType)
	x := w.wal()
	x.deposit, x.apmTopUp = nil, nil
	resp, err := w.client.InitApmDeposit(ctx, &craftgate.InitApmDepositRequest{ApmType: apmType, Price: a, Currency: currency,
		BuyerMemberID: mb.ID, ConversationID: newConversationID(), CallbackURL: cb, ApmUserIdentity: id, AdditionalParams: params})
	w.err, x.moveErr = err, err
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: APM top-up of %s %s (%s): %w", amount, currency, apmType, err)
		}
		w.apmRefused(err)
		return nil
	}
	x.apmTopUp = resp
	return w.apmStarted(s, &craftgate.InitApmPaymentResponse{PaymentID: resp.PaymentID, PaymentStatus: resp.PaymentStatus,
		AdditionalAction: resp.AdditionalAction, RedirectURL: resp.RedirectURL, PaymentError: resp.PaymentError})
}

// apmTopUpAtOnce checks an APM top-up paid at init: its answer names the
// wallet's DEPOSIT_FROM_APM movement of amount.
func (w *World) apmTopUpAtOnce(amount string) error {
	want, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	r := w.wal().apmTopUp
	if r == nil {
		return fmt.Errorf("expected a started APM top-up, got %s", describeErr(w.wal().moveErr))
	}
	var m mismatches
	m.check("paymentStatus", craftgate.StatusSuccess, r.PaymentStatus)
	m.check("additionalAction", craftgate.ApmActionNone, r.AdditionalAction)
	if t := r.WalletTransaction; t == nil {
		m.addf("walletTransaction: expected the wallet's movement, got none")
	} else {
		m.check("walletTransaction.walletTransactionType", craftgate.WalletTxDepositFromAPM, t.WalletTransactionType)
		m.amount("walletTransaction.amount", want, t.Amount)
	}
	return m.errf("APM top-up %d", r.PaymentID)
}

// isAPMTopUp retrieves the payment under test and checks it is a
// successful top-up (DEPOSIT_PAYMENT) of amount through apmType.
func (w *World) isAPMTopUp(ctx context.Context, apmType, amount string) error {
	want, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	p, err := w.current(ctx)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("paymentStatus", craftgate.StatusSuccess, p.PaymentStatus)
	m.check("paymentType", craftgate.PaymentTypeDeposit, p.PaymentType)
	m.check("apmType", apmType, p.ApmType)
	m.amount("paidPrice", want, p.PaidPrice)
	return m.errf("APM top-up %d", p.ID)
}
