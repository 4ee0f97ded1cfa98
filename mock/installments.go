package mock

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
)

// Installment search and BIN inquiry (docs/reference/craftgate/endpoints.md A.6 and B.12), answered
// from the test-card catalogue.
//
//	GET /installment/v1/installments?binNumber=&price=&currency=  {"items":[Installment]}
//	GET /installment/v1/bins/{binNumber}                          BinNumber
//
// A BIN is a card number's first 8 digits (6 are accepted too, matching
// the first catalogue card with that prefix). Successful cards have
// distinct 8-digit BINs; an error card shares its BIN with the successful
// card of the same prefix when there is one, and is described by it (the
// BIN service describes BINs, not numbers), otherwise by what the catalogue
// knows of it (association from its prefix, no bank). An unknown BIN
// answers 404 (CodeBinNotFound).
//
// The commission model, the mock's own (the reference documents none; each
// merchant's POS configuration decides it):
//   - Credit cards of Turkish banks are offered 1, 2, 3, 6, 9 and 12
//     installments. The merchant commission (the maturity difference, vade
//     farkı, charged to the buyer) is 1.25 percentage points per
//     installment after the first: 0 %, 1.25 %, 2.5 %, 6.25 %, 10 %,
//     13.75 %. totalPrice is price × (1 + rate), rounded half up to the cent;
//     installmentPrice is totalPrice / installmentNumber, rounded half up to
//     the cent (so the installments may differ from totalPrice by a few
//     cents in sum, as on real statements). The single payment costs exactly
//     the price. bankCommissionRate is 0: the mock's POS charges the
//     merchant nothing, as its payments report.
//   - Debit and prepaid cards, the catalogue's foreign (multi-currency)
//     cards and any currency other than TRY get the single payment only,
//     the rules create payment enforces (validate.go).
//   - Commercial cards get the same options, flagged commercial: true, so a
//     merchant that manages installments itself can restrict them.
//   - force3ds is false and cvcRequired false: the mock's one POS takes
//     non-3DS payments and stored-card payments without a CVC
//     (plain-card payments still send one). loyaltySupported is true for
//     the catalogue's reward and extra-installment cards.
//
// Without binNumber the search lists one item per bank and card family of
// the catalogue's successful cards (binNumber and association omitted);
// with distinctCardBrandsWithLowestCommissions=true, one item per family,
// without bankName and bankCode. installmentLabel is Turkish ("Tek Çekim",
// "3 Taksit"), English with lang: en.

// installmentRates is the mock's commission table: installment count and
// merchant commission rate in percent, as money (1.25 % is 1.25).
var installmentRates = [...]struct {
	n    int
	rate money
}{
	{1, 0},
	{2, 125 * moneyCent},
	{3, 250 * moneyCent},
	{6, 625 * moneyCent},
	{9, 1000 * moneyCent},
	{12, 1375 * moneyCent},
}

// bankCodes are the bankCode (and stored cards' cardBankId) of the
// catalogue's banks: their Turkish interbank (EFT) codes, the mock's
// choice, since the reference gives no values. Papara, an e-money
// institution, has none. Read-only.
var bankCodes = map[string]int64{
	"T.C.ZİRAAT BANKASI A.Ş.":             10,
	"T.HALK BANKASI A.Ş.":                 12,
	"T. VAKIFLAR BANKASI T.A.O.":          15,
	"TÜRK EKONOMİ BANKASI A.Ş.":           32,
	"AKBANK T.A.Ş.":                       46,
	"ŞEKERBANK T.A.Ş.":                    59,
	"T. GARANTİ BANKASI A.Ş.":             62,
	"T. İŞ BANKASI A.Ş.":                  64,
	"YAPI VE KREDİ BANKASI A.Ş.":          67,
	"CITIBANK A.Ş.":                       92,
	"TURKISH BANK A.Ş.":                   96,
	"ING BANK A.Ş.":                       99,
	"FIBABANKA A.Ş.":                      103,
	"TURKLAND BANK A.Ş.":                  108,
	"ICBC TURKEY BANK A.Ş.":               109,
	"QNB FİNANSBANK A.Ş.":                 111,
	"HSBC BANK A.Ş.":                      123,
	"ALTERNATİF BANK A.Ş.":                124,
	"BURGAN BANK A.Ş.":                    125,
	"DENİZBANK A.Ş.":                      134,
	"ANADOLUBANK A.Ş.":                    135,
	"AKTİF YATIRIM BANKASI A.Ş.":          143,
	"ALBARAKA TÜRK KATILIM BANKASI A.Ş.":  203,
	"KUVEYT TÜRK KATILIM BANKASI A.Ş.":    205,
	"TÜRKİYE FİNANS KATILIM BANKASI A.Ş.": 206,
}

// binIndex maps each 8-digit BIN of the catalogue to the card that
// describes it: a successful card first, then a multi-currency one, then
// any other, in catalogue order. It is derived once from the immutable
// catalogue and never changes (like the catalogue, it is shared by every
// Mock and holds no mock state).
var binIndex = sync.OnceValue(func() map[string]*craftgate.TestCard {
	idx := map[string]*craftgate.TestCard{}
	for _, tc := range craftgate.TestCards().All() {
		if b := craftgate.BinOf(tc.Number); idx[b] == nil {
			idx[b] = tc
		}
	}
	return idx
})

// binCard returns the card describing bin (6 to 8 digits).
func binCard(bin string) *craftgate.TestCard {
	if len(bin) == 8 {
		return binIndex()[bin]
	}
	for _, tc := range craftgate.TestCards().All() {
		if strings.HasPrefix(tc.Number, bin) {
			return binIndex()[craftgate.BinOf(tc.Number)]
		}
	}
	return nil
}

// checkBin validates a binNumber.
func checkBin(bin string) *apiError {
	if len(bin) < 6 || len(bin) > 8 || !isDigits(bin) {
		return errValidation(CodeInvalidBinNumber, "binNumber must be the card's first 8 digits (6 to 8 digits), got "+strconv.Quote(truncate(bin, 24)))
	}
	return nil
}

// retrieveBin serves GET /installment/v1/bins/{binNumber}. A segment that
// is not digits names no BIN: not found, like any unknown id.
func (m *Mock) retrieveBin(c *call) error {
	bin := c.param("binNumber")
	if !isDigits(bin) {
		return errNotFound(CodeBinNotFound, "binNumber "+truncate(bin, 20)+" is not a BIN (digits)")
	}
	if e := checkBin(bin); e != nil {
		return e
	}
	tc := binCard(bin)
	if tc == nil {
		if b, ok := m.fixtureBin(bin); ok { // the fixtures' BIN table (fixtures.go)
			c.sendData(http.StatusOK, b)
			return nil
		}
		return errNotFound(CodeBinNotFound, "binNumber "+bin+" is not the BIN of a sandbox test card")
	}
	c.sendData(http.StatusOK, binOf(bin, tc))
	return nil
}

// binOf describes tc for an inquiry about bin.
func binOf(bin string, tc *craftgate.TestCard) craftgate.BinNumber {
	return craftgate.BinNumber{BinNumber: bin, CardType: tc.CardType, CardAssociation: tc.Association, CardBrand: tc.CardFamily,
		BankName: tc.Bank, BankCode: bankCodes[tc.Bank], Commercial: tc.Commercial}
}

// installmentQuery is a parsed installment search.
type installmentQuery struct {
	bin            string
	price          money
	currency       string
	distinctBrands bool
	loyaltyExists  bool
	paymentPhase   string
	english        bool
}

// parseInstallmentQuery validates the query of an installment search.
func parseInstallmentQuery(q url.Values) (installmentQuery, *apiError) {
	var iq installmentQuery
	if q.Has("binNumber") {
		iq.bin = q.Get("binNumber")
		if e := checkBin(iq.bin); e != nil {
			return iq, e
		}
	}
	ps := q.Get("price")
	if ps == "" {
		return iq, errRequired("price")
	}
	a, err := craftgate.ParseAmount(ps)
	if err != nil || len(ps) > maxNumberLen {
		return iq, errValidation(CodeInvalidQuery, "price must be a decimal amount such as 100.00, got "+strconv.Quote(truncate(ps, 24)))
	}
	var e *apiError
	if iq.price, e = checkAmount("price", a); e != nil {
		return iq, e
	}
	iq.currency = q.Get("currency")
	if iq.currency == "" {
		return iq, errRequired("currency")
	}
	if _, ok := currencyIndex(iq.currency); !ok {
		return iq, errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(iq.currency, 10))+" is not a supported currency")
	}
	for name, dst := range map[string]*bool{"distinctCardBrandsWithLowestCommissions": &iq.distinctBrands, "loyaltyExists": &iq.loyaltyExists} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return iq, errValidation(CodeInvalidQuery, name+" must be true or false, got "+strconv.Quote(truncate(v, 10)))
			}
			*dst = b
		}
	}
	switch iq.paymentPhase = q.Get("paymentPhase"); iq.paymentPhase {
	case "", craftgate.PhaseAuth, craftgate.PhasePreAuth:
	default:
		return iq, errValidation(CodeInvalidPaymentPhase, "paymentPhase must be AUTH or PRE_AUTH")
	}
	return iq, nil
}

// searchInstallments serves GET /installment/v1/installments.
func (m *Mock) searchInstallments(c *call) error {
	iq, e := parseInstallmentQuery(c.r.URL.Query())
	if e != nil {
		return e
	}
	iq.english = c.en()
	var items []craftgate.Installment
	if iq.bin != "" {
		tc := binCard(iq.bin)
		if tc == nil {
			return errNotFound(CodeBinNotFound, "binNumber "+iq.bin+" is not the BIN of a sandbox test card")
		}
		it := installmentItem(&iq, tc)
		it.BinNumber = iq.bin
		items = append(items, it)
	} else {
		items = familyItems(&iq)
	}
	c.sendData(http.StatusOK, craftgate.InstallmentSearch{Items: items})
	return nil
}

// familyItems lists one item per bank and card family (per family with
// distinctBrands) of the successful cards, in catalogue order.
func familyItems(iq *installmentQuery) []craftgate.Installment {
	seen := map[string]bool{}
	var items []craftgate.Installment
	for _, tc := range craftgate.TestCards().Successful() {
		key := tc.CardFamily + "\x00" + tc.CardType
		if !iq.distinctBrands {
			key += "\x00" + tc.Bank
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		it := installmentItem(iq, tc)
		it.CardAssociation, it.Commercial = "", false
		if iq.distinctBrands {
			it.BankName, it.BankCode = "", 0
		}
		items = append(items, it)
	}
	return items
}

// installmentItem is the options of card tc.
func installmentItem(iq *installmentQuery, tc *craftgate.TestCard) craftgate.Installment {
	reward := tc.Reward != nil
	it := craftgate.Installment{
		Price: iq.price.toAmount(), CardType: tc.CardType, CardAssociation: tc.Association, CardBrand: tc.CardFamily,
		BankName: tc.Bank, BankCode: bankCodes[tc.Bank], Commercial: tc.Commercial, PosAlias: posAlias,
	}
	single := tc.CardType != craftgate.CardTypeCredit || tc.MultiCurrency || iq.currency != craftgate.CurrencyTRY
	for _, r := range installmentRates {
		if r.n > 1 && single {
			break
		}
		total := roundHalfUpCent(iq.price + mulDiv(iq.price, r.rate, 100*moneyUnit))
		if r.n == 1 {
			total = iq.price
		}
		it.InstallmentPrices = append(it.InstallmentPrices, craftgate.InstallmentPrice{
			InstallmentNumber: r.n, InstallmentPrice: roundHalfUpCent(mulDiv(total, moneyUnit, money(r.n)*moneyUnit)).toAmount(),
			TotalPrice: total.toAmount(), InstallmentLabel: installmentLabel(r.n, iq.english), BankCommissionRate: money(0).toAmount(),
			MerchantCommissionRate: r.rate.toAmount(), LoyaltySupported: reward, PosAlias: posAlias,
		})
	}
	return it
}

// toAmount converts back to the wire type.
func (v money) toAmount() craftgate.Amount {
	return craftgate.AmountOf(decimal.New(int64(v), -moneyScale))
}

// roundHalfUpCent rounds a non-negative amount half up to the cent.
func roundHalfUpCent(v money) money {
	return (v + moneyCent/2) / moneyCent * moneyCent
}

// installmentLabel is the option's label.
func installmentLabel(n int, en bool) string {
	switch {
	case n == 1 && en:
		return "Single payment"
	case n == 1:
		return "Tek Çekim"
	case en:
		return strconv.Itoa(n) + " installments"
	}
	return strconv.Itoa(n) + " Taksit"
}
