package mock

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Members: buyers and sub-merchants (docs/reference/craftgate/endpoints.md A.9 and B.15).
//
//	POST /onboarding/v1/members        create
//	PUT  /onboarding/v1/members/{id}   update (every field but memberExternalId)
//	GET  /onboarding/v1/members/{id}   retrieve
//	GET  /onboarding/v1/members        search (paged)
//
// Required fields, as documented: memberExternalId (create), address,
// email and phoneNumber; for buyers contactName and contactSurname; for
// sub-merchants memberType, and by type: contactName and contactSurname
// (PERSONAL, PRIVATE_COMPANY), legalCompanyTitle, taxOffice and taxNumber
// (PRIVATE_COMPANY, LIMITED_OR_JOINT_STOCK_COMPANY), name
// (LIMITED_OR_JOINT_STOCK_COMPANY), and a TR IBAN when the earnings go to
// an IBAN.
//
// MOCK DECISIONS where the reference is silent:
//   - a member must be a buyer, a sub-merchant or both;
//   - a sub-merchant without settlementEarningsDestination is paid to its
//     IBAN (the documented default flow, docs/reference/craftgate/flows.md 10.1), so it needs one;
//     WALLET and CROSS_BORDER sub-merchants need none;
//   - an iban is checked wherever it is sent: "TR", 24 digits, ISO 13616
//     mod-97 check; spaces are ignored and letters folded to upper case;
//   - memberExternalId is unique among the merchant's members (a second
//     create with it is refused, CodeMemberExternalIDTaken);
//   - email must have one '@' with text on both sides; every text field is
//     at most 256 characters; taxNumber is 10 or 11 digits;
//     settlementDelayCount and subMerchantMaximumAllowedNegativeBalance
//     are not negative;
//   - an update replaces every field (PUT) and is validated like a create;
//   - search: memberIds is a comma-separated list (or the parameter
//     repeated), name matches case-insensitively as a substring, the other
//     filters exactly; results by ascending id; page 0-based, size 10 by
//     default, up to 1000;
//   - members are never evicted: the mock holds at most maxMembers and
//     refuses more with CodeMemberCapacity;
//   - members, wallets, their movements and remittances are kept in the
//     state file (wallet_state.go).

// maxMembers bounds the members of one mock.
const maxMembers = 100_000

// maxMemberText bounds each text field of a member.
const maxMemberText = 256

// Kinds of the wallet domain's ids, after those of ids.go and cards.go.
const (
	kindMember uint64 = 0x200 + iota
	kindWallet
	kindWalletTx
	kindRemittance
	kindDeposit
)

// member is one stored member; fields change only under book.mu.
type member struct {
	id               int64
	created, updated int64 // Unix seconds
	externalID       string
	f                memberFields
}

// memberFields are the fields a create and an update set.
type memberFields struct {
	isBuyer, isSubMerchant                              bool
	memberType, name, address, email, phone             string
	contactName, contactSurname                         string
	legalTitle, taxOffice, taxNumber, iban, destination string
	maxNegative                                         money
	hasMaxNegative                                      bool
	delay                                               int
}

// book holds one mock's members, wallets, wallet movements and
// remittances (wallet.go), under one lock, so that every move of money
// is atomic with the balance checks it depends on. The zero value is
// ready: the id bases are set by initBook.
type book struct {
	mu        sync.Mutex
	members   map[int64]*member
	byExtID   map[string]int64
	memberIDs []int64 // ascending

	wallets        map[int64]*wallet
	memberWallet   map[int64]int64 // member id -> wallet id
	merchantWallet *wallet         // created at the first need
	remittances    map[int64]*remittance
	remitOrder     []int64 // oldest first, for eviction

	nextMember, nextWallet, nextWalletTx, nextRemittance, nextDeposit int64

	// txRefunds are the refunds of top-ups by wallet transaction id,
	// txRefundIDs their ids in order (wallet_refunds.go).
	txRefunds          map[int64][]walletTxRefund
	txRefundIDs        []int64
	nextWalletTxRefund int64
}

// initBook sets the id bases from the seed.
func (b *book) initBook(seed int64) {
	b.nextMember, b.nextWallet = idBase(seed, kindMember), idBase(seed, kindWallet)
	b.nextWalletTx, b.nextRemittance = idBase(seed, kindWalletTx), idBase(seed, kindRemittance)
	b.nextDeposit = idBase(seed, kindDeposit)
	b.members, b.byExtID = map[int64]*member{}, map[string]int64{}
	b.wallets, b.memberWallet = map[int64]*wallet{}, map[int64]int64{}
	b.remittances = map[int64]*remittance{}
	b.txRefunds, b.nextWalletTxRefund = map[int64][]walletTxRefund{}, idBase(seed, kindWalletTxRefund)
}

// take returns the next id of a counter; the caller holds b.mu.
func take(n *int64) int64 { id := *n; *n++; return id }

// memberRequest is what create and update share; create adds
// memberExternalId. Where the docs and the clients differ, both are
// accepted: settlementEarningsDestination, which the clients send and the
// docs list only in answers, is taken and answered; negativeWalletAmountLimit,
// which the JAVA client still sends (deprecated there), is accepted and
// ignored: the wallet's negativeAmountLimit is the one that counts.
type memberRequest struct {
	craftgate.UpdateMemberRequest
	MemberExternalID          string            `json:"memberExternalId"`
	NegativeWalletAmountLimit *craftgate.Amount `json:"negativeWalletAmountLimit"`
}

// createMember serves POST /onboarding/v1/members.
func (m *Mock) createMember(c *call, req memberRequest) error {
	ext := strings.TrimSpace(req.MemberExternalID)
	if ext == "" {
		return errRequired("memberExternalId")
	}
	if len(ext) > maxMemberText {
		return errValidation(CodeInvalidMember, "memberExternalId must be at most 256 characters")
	}
	f, e := validateMember(&req.UpdateMemberRequest)
	if e != nil {
		return e
	}
	now := m.nowUnix()
	b := &m.book
	return sendLocked(c, &b.mu, func() (craftgate.Member, *apiError) {
		if _, taken := b.byExtID[ext]; taken {
			return craftgate.Member{}, errValidation(CodeMemberExternalIDTaken, "memberExternalId "+strconv.Quote(truncate(ext, 40))+" is already used by another member")
		}
		if len(b.members) >= maxMembers {
			return craftgate.Member{}, errValidation(CodeMemberCapacity, "the mock holds at most "+strconv.Itoa(maxMembers)+" members")
		}
		mb := &member{id: take(&b.nextMember), created: now, updated: now, externalID: ext, f: f}
		b.members[mb.id] = mb
		b.byExtID[ext] = mb.id
		b.memberIDs = append(b.memberIDs, mb.id)
		return m.renderMember(mb), nil
	})
}

// updateMember serves PUT /onboarding/v1/members/{id}.
func (m *Mock) updateMember(c *call, req craftgate.UpdateMemberRequest) error {
	f, e := validateMember(&req)
	if e != nil {
		return e
	}
	b := &m.book
	return sendLocked(c, &b.mu, func() (craftgate.Member, *apiError) {
		mb := b.members[c.id]
		if mb == nil {
			return craftgate.Member{}, errNotFound(CodeMemberNotFound, "member "+c.idText+" not found")
		}
		mb.f, mb.updated = f, m.nowUnix()
		return m.renderMember(mb), nil
	})
}

// retrieveMember serves GET /onboarding/v1/members/{id}.
func (m *Mock) retrieveMember(c *call) error {
	return sendLocked(c, &m.book.mu, func() (craftgate.Member, *apiError) {
		mb := m.book.members[c.id]
		if mb == nil {
			return craftgate.Member{}, errNotFound(CodeMemberNotFound, "member "+c.idText+" not found")
		}
		return m.renderMember(mb), nil
	})
}

// searchMembers serves GET /onboarding/v1/members.
func (m *Mock) searchMembers(c *call, q searchQuery) error {
	isBuyer, e := queryBool(q, "isBuyer")
	if e != nil {
		return e
	}
	isSub, e := queryBool(q, "isSubMerchant")
	if e != nil {
		return e
	}
	var ids []int64
	for _, v := range q.Values["memberIds"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return errValidation(CodeInvalidQuery, "memberIds must be a comma-separated list of member ids, got "+strconv.Quote(truncate(s, 20)))
			}
			ids = append(ids, id)
		}
	}
	memberType, ext, name := q.Get("memberType"), q.Get("memberExternalId"), strings.ToLower(q.Get("name"))

	out := craftgate.MemberList{Items: []craftgate.Member{}, Page: q.page, Size: q.size}
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, id := range b.memberIDs {
		mb := b.members[id]
		switch {
		case isBuyer != nil && mb.f.isBuyer != *isBuyer,
			isSub != nil && mb.f.isSubMerchant != *isSub,
			memberType != "" && mb.f.memberType != memberType,
			ext != "" && mb.externalID != ext,
			name != "" && !strings.Contains(strings.ToLower(mb.f.name), name),
			len(ids) > 0 && !slices.Contains(ids, id):
			continue
		}
		if q.onPage(int(out.TotalSize)) {
			out.Items = append(out.Items, m.renderMember(mb))
		}
		out.TotalSize++
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// renderMember is the member response; the caller holds book.mu.
func (m *Mock) renderMember(mb *member) craftgate.Member {
	f := &mb.f
	out := craftgate.Member{
		ID: mb.id, CreatedDate: m.dateText(mb.created), UpdatedDate: m.dateText(mb.updated), Status: "ACTIVE",
		IsBuyer: f.isBuyer, IsSubMerchant: f.isSubMerchant, MemberType: f.memberType, MemberExternalID: mb.externalID,
		Name: f.name, Address: f.address, Email: f.email, PhoneNumber: f.phone,
		ContactName: f.contactName, ContactSurname: f.contactSurname,
		LegalCompanyTitle: f.legalTitle, TaxOffice: f.taxOffice, TaxNumber: f.taxNumber,
		SettlementEarningsDestination: f.destination, IBAN: f.iban, SettlementDelayCount: f.delay,
	}
	if f.hasMaxNegative {
		a := f.maxNegative.toAmount()
		out.SubMerchantMaximumAllowedNegativeBalance = &a
	}
	return out
}

// dateText formats Unix seconds as Craftgate's createdDate.
func (m *Mock) dateText(sec int64) string { return string(m.appendUnix(nil, sec)) }

// validateMember checks the fields of a create or an update.
func validateMember(r *craftgate.UpdateMemberRequest) (memberFields, *apiError) {
	f := memberFields{isBuyer: r.IsBuyer, isSubMerchant: r.IsSubMerchant, memberType: r.MemberType,
		name: strings.TrimSpace(r.Name), address: strings.TrimSpace(r.Address), email: strings.TrimSpace(r.Email),
		phone: strings.TrimSpace(r.PhoneNumber), contactName: strings.TrimSpace(r.ContactName),
		contactSurname: strings.TrimSpace(r.ContactSurname), legalTitle: strings.TrimSpace(r.LegalCompanyTitle),
		taxOffice: strings.TrimSpace(r.TaxOffice), taxNumber: strings.TrimSpace(r.TaxNumber),
		destination: r.SettlementEarningsDestination}
	for _, t := range []struct{ field, v string }{
		{"name", f.name}, {"address", f.address}, {"email", f.email}, {"phoneNumber", f.phone},
		{"contactName", f.contactName}, {"contactSurname", f.contactSurname}, {"legalCompanyTitle", f.legalTitle},
		{"taxOffice", f.taxOffice}, {"taxNumber", f.taxNumber}, {"iban", r.IBAN},
	} {
		if len(t.v) > maxMemberText {
			return f, errValidation(CodeInvalidMember, t.field+" must be at most 256 characters")
		}
	}
	need := func(field, v string) *apiError {
		if v == "" {
			return errRequired(field)
		}
		return nil
	}
	if !f.isBuyer && !f.isSubMerchant {
		return f, errValidation(CodeInvalidMember, "a member must be a buyer (isBuyer), a sub-merchant (isSubMerchant) or both")
	}
	for _, t := range [][2]string{{"address", f.address}, {"email", f.email}, {"phoneNumber", f.phone}} {
		if e := need(t[0], t[1]); e != nil {
			return f, e
		}
	}
	if at := strings.IndexByte(f.email, '@'); at <= 0 || at == len(f.email)-1 || strings.Count(f.email, "@") != 1 {
		return f, errValidation(CodeInvalidMember, "email "+strconv.Quote(truncate(f.email, 40))+" is not an e-mail address")
	}
	personal := f.isBuyer
	if f.isSubMerchant {
		company, limited := false, false
		switch f.memberType {
		case "":
			return f, errRequired("memberType (required for sub-merchants)")
		case craftgate.MemberTypePersonal:
			personal = true
		case craftgate.MemberTypePrivateCompany:
			personal, company = true, true
		case craftgate.MemberTypeLimitedCompany:
			company, limited = true, true
		default:
			return f, errValidation(CodeInvalidMember, "memberType must be PERSONAL, PRIVATE_COMPANY or LIMITED_OR_JOINT_STOCK_COMPANY")
		}
		if limited {
			if e := need("name (required for a LIMITED_OR_JOINT_STOCK_COMPANY sub-merchant)", f.name); e != nil {
				return f, e
			}
		}
		if company {
			for _, t := range [][2]string{{"legalCompanyTitle", f.legalTitle}, {"taxOffice", f.taxOffice}, {"taxNumber", f.taxNumber}} {
				if e := need(t[0]+" (required for a "+f.memberType+" sub-merchant)", t[1]); e != nil {
					return f, e
				}
			}
		}
		switch f.destination {
		case "", craftgate.SettlementToIBAN:
			if r.IBAN == "" {
				return f, errRequired("iban (required for a sub-merchant paid to IBAN)")
			}
		case craftgate.SettlementToWallet, craftgate.SettlementToCrossBorder:
		default:
			return f, errValidation(CodeInvalidMember, "settlementEarningsDestination must be IBAN, WALLET or CROSS_BORDER")
		}
	} else if f.memberType != "" && f.memberType != craftgate.MemberTypePersonal &&
		f.memberType != craftgate.MemberTypePrivateCompany && f.memberType != craftgate.MemberTypeLimitedCompany {
		return f, errValidation(CodeInvalidMember, "memberType must be PERSONAL, PRIVATE_COMPANY or LIMITED_OR_JOINT_STOCK_COMPANY")
	}
	if personal {
		for _, t := range [][2]string{{"contactName", f.contactName}, {"contactSurname", f.contactSurname}} {
			if e := need(t[0], t[1]); e != nil {
				return f, e
			}
		}
	}
	if f.taxNumber != "" && (!isDigits(f.taxNumber) || len(f.taxNumber) < 10 || len(f.taxNumber) > 11) {
		return f, errValidation(CodeInvalidMember, "taxNumber must be 10 or 11 digits")
	}
	if r.IBAN != "" {
		iban, ok := normalTRIBAN(r.IBAN)
		if !ok {
			return f, errValidation(CodeInvalidIBAN, "iban "+strconv.Quote(truncate(r.IBAN, 40))+" is not a valid TR IBAN (TR, 24 digits, mod-97 check)")
		}
		f.iban = iban
	}
	if r.SettlementDelayCount != nil {
		if *r.SettlementDelayCount < 0 || *r.SettlementDelayCount > 365 {
			return f, errValidation(CodeInvalidMember, "settlementDelayCount must be 0 to 365")
		}
		f.delay = *r.SettlementDelayCount
	}
	if a := r.SubMerchantMaximumAllowedNegativeBalance; a != nil {
		v, prob := moneyOf(*a)
		if prob != amountOK || v < 0 {
			return f, errValidation(CodeInvalidAmount, "subMerchantMaximumAllowedNegativeBalance must be zero or a positive amount with at most 8 decimal places")
		}
		f.maxNegative, f.hasMaxNegative = v, true
	}
	return f, nil
}

// normalTRIBAN returns s without spaces, upper-cased, when it is a valid
// Turkish IBAN: "TR", two check digits, 22 digits (bank code, reserve
// digit, account), and the ISO 13616 mod-97 remainder 1.
func normalTRIBAN(s string) (string, bool) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) != 26 || !strings.HasPrefix(s, "TR") || !isDigits(s[2:]) {
		return "", false
	}
	// Move the first four characters to the end; T=29, R=27.
	r := 0
	for _, ch := range s[4:] + "2927" + s[2:4] {
		r = (r*10 + int(ch-'0')) % 97
	}
	return s, r == 1
}
