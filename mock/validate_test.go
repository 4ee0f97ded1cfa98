package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestPaymentValidation(t *testing.T) {
	cat := craftgate.TestCards()
	find := func(f func(*craftgate.TestCard) bool) string {
		tc := cat.Find(f)
		if tc == nil {
			t.Fatal("no such card in the catalogue")
		}
		return tc.Number
	}
	debit := find(func(tc *craftgate.TestCard) bool { return tc.CardType == "DEBIT_CARD" })
	prepaid := find(func(tc *craftgate.TestCard) bool { return tc.CardType == "PREPAID_CARD" })
	amex := find(func(tc *craftgate.TestCard) bool { return tc.Association == "AMEX" })
	multi := cat.MultiCurrency()[3].Number // 4111111111111111, VISA
	sm := func(s string) *craftgate.Amount { a := amt(s); return &a }

	type mod = func(r *craftgate.CreatePaymentRequest)
	tests := []struct {
		name  string
		mod   mod
		code  string
		field string // the description must mention it
	}{
		{"price missing", func(r *craftgate.CreatePaymentRequest) { r.Price = craftgate.Amount{} }, CodeRequiredField, "price"},
		{"price negative", func(r *craftgate.CreatePaymentRequest) { r.Price = amt("-100") }, CodeInvalidAmount, "price"},
		{"price too precise", func(r *craftgate.CreatePaymentRequest) { r.Price = amt("100.000000001") }, CodeInvalidAmount, "price"},
		{"price too large", func(r *craftgate.CreatePaymentRequest) { r.Price = amt("10000000000") }, CodeInvalidAmount, "price"},
		{"paidPrice missing", func(r *craftgate.CreatePaymentRequest) { r.PaidPrice = craftgate.Amount{} }, CodeRequiredField, "paidPrice"},
		{"paidPrice zero", func(r *craftgate.CreatePaymentRequest) { r.PaidPrice = amt("0.00") }, CodeRequiredField, "paidPrice"},
		{"paidPrice negative", func(r *craftgate.CreatePaymentRequest) { r.PaidPrice = amt("-0.01") }, CodeInvalidAmount, "paidPrice"},
		{"walletPrice negative", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice = amt("-1") }, CodeInvalidAmount, "walletPrice"},
		{"walletPrice above paidPrice", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice = amt("100.01") }, CodeWalletPriceExceedsPaidPrice, "walletPrice"},
		{"wallet payment without buyer", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice = amt("10") }, CodeRequiredField, "buyerMemberId"},
		{"wallet payment of an unknown buyer", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice = amt("10"); r.BuyerMemberID = 5 }, CodeMemberNotFound, "buyerMemberId"},
		{"wallet-only payment with a card", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice = r.PaidPrice; r.BuyerMemberID = 5 }, CodeWalletCardNotAllowed, "card"},
		{"partial wallet payment without a card", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice = amt("10"); r.BuyerMemberID = 5; r.Card = nil }, CodeRequiredField, "card"},
		{"wallet pre-authorisation", func(r *craftgate.CreatePaymentRequest) {
			r.WalletPrice = amt("10")
			r.BuyerMemberID = 5
			r.PaymentPhase = craftgate.PhasePreAuth
		}, CodeUnsupportedFeature, "walletPrice"},
		{"currency missing", func(r *craftgate.CreatePaymentRequest) { r.Currency = "" }, CodeRequiredField, "currency"},
		{"currency unknown", func(r *craftgate.CreatePaymentRequest) { r.Currency = "XTS" }, CodeInvalidCurrency, "currency"},
		{"currency lower case", func(r *craftgate.CreatePaymentRequest) { r.Currency = "try" }, CodeInvalidCurrency, "currency"},
		{"paymentGroup invalid", func(r *craftgate.CreatePaymentRequest) { r.PaymentGroup = "GIFT" }, CodeInvalidPaymentGroup, "paymentGroup"},
		{"paymentPhase lower case", func(r *craftgate.CreatePaymentRequest) { r.PaymentPhase = "pre_auth" }, CodeInvalidPaymentPhase, "paymentPhase"},
		{"paymentPhase POST_AUTH", func(r *craftgate.CreatePaymentRequest) { r.PaymentPhase = craftgate.PhasePostAuth }, CodeInvalidPaymentPhase, "paymentPhase"},
		{"installment 0", func(r *craftgate.CreatePaymentRequest) { r.Installment = 0 }, CodeInvalidInstallment, "installment"},
		{"installment 13", func(r *craftgate.CreatePaymentRequest) { r.Installment = 13 }, CodeInvalidInstallment, "installment"},
		{"installment on debit card", func(r *craftgate.CreatePaymentRequest) { r.Installment = 3; r.Card.CardNumber = debit }, CodeInvalidInstallment, "installment"},
		{"installment on prepaid card", func(r *craftgate.CreatePaymentRequest) { r.Installment = 2; r.Card.CardNumber = prepaid }, CodeInvalidInstallment, "installment"},
		{"installment on foreign card", func(r *craftgate.CreatePaymentRequest) { r.Installment = 2; r.Card.CardNumber = multi }, CodeInvalidInstallment, "installment"},
		{"installment in foreign currency", func(r *craftgate.CreatePaymentRequest) {
			r.Installment = 6
			r.Currency = "EUR"
			r.Card.CardNumber = multi
		},
			CodeInvalidInstallment, "installment"},
		{"items missing", func(r *craftgate.CreatePaymentRequest) { r.Items = nil }, CodeRequiredField, "items"},
		{"item price zero", func(r *craftgate.CreatePaymentRequest) { r.Items[1].Price = amt("0") }, CodeRequiredField, "items[1].price"},
		{"item price negative", func(r *craftgate.CreatePaymentRequest) { r.Items[0].Price = amt("-30") }, CodeInvalidAmount, "items[0].price"},
		{"items sum differs", func(r *craftgate.CreatePaymentRequest) { r.Items[2].Price = amt("20.000001") }, CodeItemsPriceMismatch, "items[].price"},
		{"items sum differs by thirds", func(r *craftgate.CreatePaymentRequest) {
			r.Items = []craftgate.PaymentItem{{Price: amt("33.33")}, {Price: amt("33.33")}, {Price: amt("33.33")}}
		}, CodeItemsPriceMismatch, "price"},
		{"subMerchantMemberPrice without id", func(r *craftgate.CreatePaymentRequest) { r.Items[0].SubMerchantMemberPrice = sm("1") },
			CodeInvalidSubMerchant, "items[0].subMerchantMemberId"},
		{"subMerchantMemberId without price", func(r *craftgate.CreatePaymentRequest) { r.Items[0].SubMerchantMemberID = 5 },
			CodeRequiredField, "items[0].subMerchantMemberPrice"},
		{"subMerchantMemberPrice above price", func(r *craftgate.CreatePaymentRequest) {
			r.Items[0].SubMerchantMemberID, r.Items[0].SubMerchantMemberPrice = 5, sm("30.01")
		}, CodeInvalidSubMerchant, "items[0].subMerchantMemberPrice"},
		{"card missing", func(r *craftgate.CreatePaymentRequest) { r.Card = nil }, CodeRequiredField, "card"},
		{"unknown stored card", func(r *craftgate.CreatePaymentRequest) { r.Card = &craftgate.Card{CardUserKey: "u", CardToken: "t"} },
			CodeStoredCardNotUsable, "card.cardToken"},
		{"stored card without its user", func(r *craftgate.CreatePaymentRequest) { r.Card = &craftgate.Card{CardToken: "t"} },
			CodeStoredCardNotUsable, "card.cardUserKey"},
		{"store card for an unknown card user", func(r *craftgate.CreatePaymentRequest) {
			r.Card.StoreCardAfterSuccessPayment, r.Card.CardUserKey = true, "u"
		}, CodeStoredCardNotUsable, "card.cardUserKey"},
		{"card number missing", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber = "" }, CodeRequiredField, "card.cardNumber"},
		{"card number not digits", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber = "5258-6400-0000-0001" }, CodeInvalidCardNumber, "card.cardNumber"},
		{"card number too short", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber = "4242" }, CodeInvalidCardNumber, "card.cardNumber"},
		{"card number fails Luhn", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber = "5258640000000002" }, CodeInvalidCardNumber, "card.cardNumber"},
		{"card not a test card", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber = "4242424242424242" }, CodeCardNotInSandbox, "card.cardNumber"},
		{"expireMonth missing", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireMonth = "" }, CodeRequiredField, "card.expireMonth"},
		{"expireMonth 13", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireMonth = "13" }, CodeInvalidExpireMonth, "card.expireMonth"},
		{"expireMonth 00", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireMonth = "00" }, CodeInvalidExpireMonth, "card.expireMonth"},
		{"expireMonth not a number", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireMonth = "Jul" }, CodeInvalidExpireMonth, "card.expireMonth"},
		{"expireYear missing", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear = "" }, CodeRequiredField, "card.expireYear"},
		// The documented error, verbatim (Turkish by default).
		{"expireYear past", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear = "2010" }, CodeInvalidExpireYear, `Kart son kullanma yılı "2010" geçersiz`},
		{"expireYear last year", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear = "2024" }, CodeInvalidExpireYear, `"2024"`},
		{"expireYear malformed", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear = "20x4" }, CodeInvalidExpireYear, `son kullanma yılı "20x4"`},
		{"expiry month past this year", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear, r.Card.ExpireMonth = "2025", "05" },
			CodeInvalidExpireYear, "card.expireMonth"},
		{"cvc missing", func(r *craftgate.CreatePaymentRequest) { r.Card.CVC = "" }, CodeRequiredField, "card.cvc"},
		{"cvc too short", func(r *craftgate.CreatePaymentRequest) { r.Card.CVC = "12" }, CodeInvalidCVC, "card.cvc"},
		{"cvc 4 digits on non-AMEX", func(r *craftgate.CreatePaymentRequest) { r.Card.CVC = "1234" }, CodeInvalidCVC, "card.cvc"},
		{"cvc not digits", func(r *craftgate.CreatePaymentRequest) { r.Card.CVC = "1a3" }, CodeInvalidCVC, "card.cvc"},
		{"cvc 3 digits on AMEX", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber = amex }, CodeInvalidCVC, "card.cvc"},
		{"holder name missing", func(r *craftgate.CreatePaymentRequest) { r.Card.CardHolderName = "  " }, CodeRequiredField, "card.cardHolderName"},
		{"holder name with six digits", func(r *craftgate.CreatePaymentRequest) { r.Card.CardHolderName = "Haluk 123456" },
			CodeInvalidCardHolderName, "card.cardHolderName"},
		{"foreign currency with Turkish card", func(r *craftgate.CreatePaymentRequest) { r.Currency = "USD" }, CodeCurrencyNotSupportedByCard, "currency"},
	}
	for _, c := range holderForbidden {
		tests = append(tests, struct {
			name  string
			mod   mod
			code  string
			field string
		}{"holder name with " + string(c), func(r *craftgate.CreatePaymentRequest) { r.Card.CardHolderName = "Haluk " + string(c) + " Demir" },
			CodeInvalidCardHolderName, "card.cardHolderName"})
	}

	m := newTestMock(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := paymentRequest(successCard)
			tt.mod(req)
			e := validationError(t, do(t, m, http.MethodPost, "/payment/v1/card-payments", req))
			if e.ErrorCode != tt.code {
				t.Errorf("code %s, want %s (%s)", e.ErrorCode, tt.code, e.ErrorDescription)
			}
			if !contains(e.ErrorDescription, tt.field) {
				t.Errorf("description %q does not mention %q", e.ErrorDescription, tt.field)
			}
		})
	}
}

// TestPaymentValidationAccepts checks the edges of the rules that must pass.
func TestPaymentValidationAccepts(t *testing.T) {
	cat := craftgate.TestCards()
	amex := cat.Find(func(tc *craftgate.TestCard) bool { return tc.Association == "AMEX" }).Number
	tests := []struct {
		name string
		mod  func(r *craftgate.CreatePaymentRequest)
	}{
		{"expiry this month", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear, r.Card.ExpireMonth = "2025", "06" }},
		{"two-digit year and month", func(r *craftgate.CreatePaymentRequest) { r.Card.ExpireYear, r.Card.ExpireMonth = "30", "1" }},
		{"AMEX with 4-digit cvc", func(r *craftgate.CreatePaymentRequest) { r.Card.CardNumber, r.Card.CVC = amex, "1234" }},
		{"installment 12 on credit card", func(r *craftgate.CreatePaymentRequest) { r.Installment = 12 }},
		{"thirds summing exactly", func(r *craftgate.CreatePaymentRequest) {
			r.Price, r.PaidPrice = amt("99.99"), amt("99.99")
			r.Items = []craftgate.PaymentItem{{Price: amt("33.33")}, {Price: amt("33.330")}, {Price: amt("33.33000000")}}
		}},
		{"8 decimal places", func(r *craftgate.CreatePaymentRequest) {
			r.Price, r.PaidPrice = amt("0.00000003"), amt("0.00000003")
			r.Items = []craftgate.PaymentItem{{Price: amt("0.00000001")}, {Price: amt("0.00000002")}}
		}},
		{"trailing zeros beyond 8 places", func(r *craftgate.CreatePaymentRequest) { r.Price = amt("100.0000000000") }},
		{"discount: paidPrice below price", func(r *craftgate.CreatePaymentRequest) { r.PaidPrice = amt("90") }},
		{"paymentPhase AUTH", func(r *craftgate.CreatePaymentRequest) { r.PaymentPhase = "AUTH"; r.PaymentGroup = "" }},
		{"holder name with five digits", func(r *craftgate.CreatePaymentRequest) { r.Card.CardHolderName = "Haluk Demir 12345" }},
		{"largest amount", func(r *craftgate.CreatePaymentRequest) {
			r.Price, r.PaidPrice = amt("9999999999.99999999"), amt("9999999999.99999999")
			r.Items = []craftgate.PaymentItem{{Price: amt("9999999999.99999998")}, {Price: amt("0.00000001")}}
		}},
	}
	m := newTestMock(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := paymentRequest(successCard)
			tt.mod(req)
			p := pay(t, m, req)
			if !p.Price.Equal(req.Price.Decimal) || !p.PaidPrice.Equal(req.PaidPrice.Decimal) {
				t.Errorf("amounts %s/%s, sent %s/%s", p.Price, p.PaidPrice, req.Price, req.PaidPrice)
			}
		})
	}
}
