package mock

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
)

// Cards of the pre-authorisation table (docs/reference/craftgate/test-cards.md 3.3).
const (
	cardPreAuthFails  = "9792120000006667" // NOT_SUFFICIENT_FUNDS at PRE_AUTH
	cardPostAuthFails = "4043150000006662" // INVALID_TRANSACTION at POST_AUTH
)

func preAuthRequest(card string) *craftgate.CreatePaymentRequest {
	req := paymentRequest(card)
	req.PaymentPhase = craftgate.PhasePreAuth
	return req
}

func postAuthPath(id int64) string {
	return "/payment/v1/card-payments/" + strconv.FormatInt(id, 10) + "/post-auth"
}

func postAuth(t testing.TB, m http.Handler, id int64, paid string) *craftgate.Payment {
	t.Helper()
	var p craftgate.Payment
	data(t, do(t, m, http.MethodPost, postAuthPath(id), craftgate.PostAuthPaymentRequest{PaidPrice: amt(paid)}), &p)
	return &p
}

// TestPreAuthOutcomes checks which step's catalogue outcome decides a
// payment: PRE_AUTH for a pre-authorisation, NON_3DS_PAYMENT otherwise.
func TestPreAuthOutcomes(t *testing.T) {
	tests := []struct {
		name, card, phase string
		group             string // "" success
		wantPhase         string
	}{
		{"pre-auth succeeds", successCard, craftgate.PhasePreAuth, "", "PRE_AUTH"},
		{"pre-auth error card declined at pre-auth", cardPreAuthFails, craftgate.PhasePreAuth, "NOT_SUFFICIENT_FUNDS", "PRE_AUTH"},
		{"pre-auth error card pays normally", cardPreAuthFails, craftgate.PhaseAuth, "", "AUTH"},
		{"post-auth error card pre-authorises", cardPostAuthFails, craftgate.PhasePreAuth, "", "PRE_AUTH"},
		{"standard-payment error card pre-authorises", cardCompleteFails, craftgate.PhasePreAuth, "", "PRE_AUTH"},
		{"standard-payment error card declined at AUTH", cardCompleteFails, "", "NOT_SUFFICIENT_FUNDS", "AUTH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t)
			req := paymentRequest(tt.card)
			req.PaymentPhase = tt.phase
			w := do(t, m, http.MethodPost, craftgate.PathCardPayments, req)
			var id int64
			if tt.group == "" {
				var p craftgate.Payment
				data(t, w, &p)
				if p.PaymentStatus != "SUCCESS" || p.PaymentPhase != tt.wantPhase || p.AuthCode == "" {
					t.Fatalf("payment %s %s authCode %q", p.PaymentStatus, p.PaymentPhase, p.AuthCode)
				}
				id = p.ID
			} else {
				e := errorBody(t, w, http.StatusUnprocessableEntity)
				if e.ErrorGroup != tt.group {
					t.Fatalf("group %q, want %q", e.ErrorGroup, tt.group)
				}
				id, _ = strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
			}
			got := retrieve(t, m, id)
			if got.PaymentPhase != tt.wantPhase {
				t.Errorf("retrieved phase %q, want %q", got.PaymentPhase, tt.wantPhase)
			}
			if tt.group != "" && (got.PaymentStatus != "FAILURE" || got.PaymentError == nil || got.PaymentError.ErrorGroup != tt.group) {
				t.Errorf("retrieved declined payment: %s %+v", got.PaymentStatus, got.PaymentError)
			}
		})
	}
}

func TestPaymentPhaseValidation(t *testing.T) {
	m := newTestMock(t)
	for _, phase := range []string{"POST_AUTH", "pre_auth", "CAPTURE"} {
		req := paymentRequest(successCard)
		req.PaymentPhase = phase
		if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, req)); e.ErrorCode != CodeInvalidPaymentPhase {
			t.Errorf("paymentPhase %q: %+v", phase, e)
		}
	}
}

// TestPostAuthAmounts post-authorises a 100 TRY pre-authorisation with
// various amounts, under the default margin and a configured one.
func TestPostAuthAmounts(t *testing.T) {
	tests := []struct {
		name   string
		margin string // "" default
		paid   string
		code   string // "" success
	}{
		{"same amount", "", "100", ""},
		{"within the margin", "", "149.99", ""},
		{"exactly 1.5 times", "", "150", ""},
		{"less than held", "", "80.5", ""},
		{"above the margin", "", "150.00000001", CodePostAuthAboveMargin},
		{"far above", "", "1000", CodePostAuthAboveMargin},
		{"zero", "", "0", CodeRequiredField},
		{"negative", "", "-5", CodeInvalidAmount},
		{"too precise", "", "100.000000001", CodeInvalidAmount},
		{"bank margin 1.15: within", "1.15", "115", ""},
		{"bank margin 1.15: above", "1.15", "115.01", CodePostAuthAboveMargin},
		{"margin 1: same amount only", "1", "100.01", CodePostAuthAboveMargin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t, func(c *Config) {
				if tt.margin != "" {
					c.PostAuthMargin = decimal.RequireFromString(tt.margin)
				}
			})
			pre := pay(t, m, preAuthRequest(successCard))
			w := do(t, m, http.MethodPost, postAuthPath(pre.ID), craftgate.PostAuthPaymentRequest{PaidPrice: amt(tt.paid)})
			if tt.code != "" {
				e := validationError(t, w)
				if e.ErrorCode != tt.code {
					t.Fatalf("code %s (%s), want %s", e.ErrorCode, e.ErrorDescription, tt.code)
				}
				if tt.code == CodePostAuthAboveMargin && !contains(e.ErrorDescription, "exceeds the post-auth limit") {
					t.Errorf("description %q", e.ErrorDescription)
				}
				if got := retrieve(t, m, pre.ID); got.PaymentPhase != "PRE_AUTH" || !amountEq(got.PaidPrice, "100") {
					t.Errorf("a refused post-auth changed the payment: %s %s", got.PaymentPhase, got.PaidPrice)
				}
				return
			}
			var p craftgate.Payment
			data(t, w, &p)
			if p.ID != pre.ID || p.PaymentPhase != "POST_AUTH" || p.PaymentStatus != "SUCCESS" || !amountEq(p.PaidPrice, tt.paid) || !amountEq(p.Price, "100") {
				t.Fatalf("post-auth answer %+v", p)
			}
			diff := craftgate.MustAmount(tt.paid).Sub(amt("100"))
			if !p.MerchantCommissionRateAmount.Equal(diff.Decimal) {
				t.Errorf("merchantCommissionRateAmount %s, want %s", p.MerchantCommissionRateAmount, diff)
			}
			sum := craftgate.Amount{}
			for _, tx := range p.PaymentTransactions {
				sum = sum.Add(tx.PaidPrice)
				if !tx.RefundablePrice.Equal(tx.PaidPrice.Decimal) {
					t.Errorf("tx %d refundable %s of paid %s", tx.ID, tx.RefundablePrice, tx.PaidPrice)
				}
			}
			if !amountEq(sum, tt.paid) {
				t.Errorf("transactions' paidPrice sum %s, want %s", sum, tt.paid)
			}
			if !sameJSON(t, retrieve(t, m, pre.ID), &p) {
				t.Errorf("retrieve differs from the post-auth answer")
			}
		})
	}
}

func TestPostAuthMarginConfig(t *testing.T) {
	for _, bad := range []string{"0.99", "5.00000001", "-1", "1.000000001"} {
		_, err := New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, PostAuthMargin: decimal.RequireFromString(bad)})
		if err == nil || !contains(err.Error(), "PostAuthMargin") {
			t.Errorf("margin %s: err %v", bad, err)
		}
	}
	for _, good := range []string{"1", "1.3", "5"} {
		if _, err := New(Config{APIKey: testAPIKey, SecretKey: testSecretKey, PostAuthMargin: decimal.RequireFromString(good)}); err != nil {
			t.Errorf("margin %s: %v", good, err)
		}
	}
}

// TestPostAuthRefused covers every payment that cannot be post-authorised.
func TestPostAuthRefused(t *testing.T) {
	rc := startReceiver(t)
	tests := []struct {
		name   string
		setup  func(t *testing.T, l *live) int64
		status int
		code   string
	}{
		{"AUTH payment", func(t *testing.T, l *live) int64 { return pay(t, l.m, paymentRequest(successCard)).ID },
			http.StatusBadRequest, CodePostAuthNotAllowed},
		{"already post-authorised", func(t *testing.T, l *live) int64 {
			id := pay(t, l.m, preAuthRequest(successCard)).ID
			postAuth(t, l.m, id, "100")
			return id
		}, http.StatusBadRequest, CodePostAuthNotAllowed},
		{"declined pre-authorisation", func(t *testing.T, l *live) int64 {
			w := do(t, l.m, http.MethodPost, craftgate.PathCardPayments, preAuthRequest(cardPreAuthFails))
			id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
			return id
		}, http.StatusBadRequest, CodePostAuthNotAllowed},
		{"released by a refund", func(t *testing.T, l *live) int64 {
			id := pay(t, l.m, preAuthRequest(successCard)).ID
			refundPayment(t, l.m, craftgate.RefundPaymentRequest{PaymentID: id})
			return id
		}, http.StatusBadRequest, CodePostAuthNotAllowed},
		{"3-D Secure pre-authorisation not completed", func(t *testing.T, l *live) int64 {
			req := threeDSRequest(successCard, rc.callbackURL(), false)
			req.PaymentPhase = craftgate.PhasePreAuth
			init, err := l.client.InitThreeDSPayment(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			return init.PaymentID
		}, http.StatusBadRequest, CodePostAuthNotAllowed},
		{"unknown payment", func(*testing.T, *live) int64 { return 1 }, http.StatusNotFound, CodePaymentNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := startLive(t)
			id := tt.setup(t, l)
			e := errorBody(t, do(t, l.m, http.MethodPost, postAuthPath(id), craftgate.PostAuthPaymentRequest{PaidPrice: amt("100")}), tt.status)
			if e.ErrorCode != tt.code || e.ErrorGroup != "" {
				t.Errorf("%+v, want code %s", e, tt.code)
			}
		})
	}
	t.Run("method", func(t *testing.T) {
		m := newTestMock(t)
		w := do(t, m, http.MethodGet, postAuthPath(1), nil)
		if e := errorBody(t, w, http.StatusMethodNotAllowed); e.ErrorCode != CodeMethodNotAllowed || w.Header().Get("Allow") != "POST" {
			t.Errorf("%+v Allow %q", e, w.Header().Get("Allow"))
		}
	})
}

// TestPostAuthDeclined: the post-auth error card is declined at post-auth;
// the pre-authorisation stays as it was and can be released.
func TestPostAuthDeclined(t *testing.T) {
	m := newTestMock(t)
	pre := pay(t, m, preAuthRequest(cardPostAuthFails))
	e := errorBody(t, do(t, m, http.MethodPost, postAuthPath(pre.ID), craftgate.PostAuthPaymentRequest{PaidPrice: amt("120")}), http.StatusUnprocessableEntity)
	if e.ErrorGroup != "INVALID_TRANSACTION" || e.ErrorCode == "" {
		t.Fatalf("decline %+v", e)
	}
	got := retrieve(t, m, pre.ID)
	if got.PaymentStatus != "SUCCESS" || got.PaymentPhase != "PRE_AUTH" || !amountEq(got.PaidPrice, "100") || got.PaymentError != nil {
		t.Fatalf("after a declined post-auth: %s %s %s %+v", got.PaymentStatus, got.PaymentPhase, got.PaidPrice, got.PaymentError)
	}
	r := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: pre.ID})
	if r.RefundType != "CANCEL" || !amountEq(r.RefundPrice, "100") {
		t.Errorf("release %+v", r)
	}
}

// TestPreAuthRefunds: pre-authorised payments are refunded whole only.
func TestPreAuthRefunds(t *testing.T) {
	tests := []struct {
		name      string
		postAuth  string // "" none
		dayEnds   bool
		wantType  string
		wantTotal string
	}{
		{"held, released the same day", "", false, "CANCEL", "100"},
		{"captured, cancelled the same day", "120", false, "CANCEL", "120"},
		{"captured, refunded the next day", "120", true, "REFUND", "120"},
		{"held, refunded the next day", "", true, "REFUND", "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t)
			p := pay(t, m, preAuthRequest(successCard))
			if tt.postAuth != "" {
				p = postAuth(t, m, p.ID, tt.postAuth)
			}
			e := validationError(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions",
				craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("1")}))
			if e.ErrorCode != CodePreAuthRefundNotWhole || !contains(e.ErrorDescription, "/payment/v1/refunds") {
				t.Fatalf("transaction refund: %+v", e)
			}
			if tt.dayEnds {
				m.Advance(24 * time.Hour)
			}
			r := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID})
			if r.RefundType != tt.wantType || !amountEq(r.RefundPrice, tt.wantTotal) {
				t.Fatalf("refund %s %s, want %s %s", r.RefundType, r.RefundPrice, tt.wantType, tt.wantTotal)
			}
			if got := retrieve(t, m, p.ID); got.RefundStatus != "FULLY_REFUNDED" {
				t.Errorf("refundStatus %s", got.RefundStatus)
			}
		})
	}
}

// TestPreAuthThreeDS: 3ds-init with PRE_AUTH, verify, complete, post-auth;
// the pre-auth error card is declined at completion (model 3D) or at
// verification (model 3D Pay).
func TestPreAuthThreeDS(t *testing.T) {
	rc := startReceiver(t)
	tests := []struct {
		name, card, model string
		group             string // the decline, "" for success
	}{
		{"3D success", successCard, ThreeDSModel3D, ""},
		{"3D declined at pre-auth", cardPreAuthFails, ThreeDSModel3D, "NOT_SUFFICIENT_FUNDS"},
		{"3D complete failure first", cardCompleteFails, ThreeDSModel3D, "NOT_SUFFICIENT_FUNDS"},
		{"3D Pay success", successCard, ThreeDSModel3DPay, ""},
		{"3D Pay declined at pre-auth", cardPreAuthFails, ThreeDSModel3DPay, "NOT_SUFFICIENT_FUNDS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := startLive(t, func(c *Config) { c.Settings.ThreeDSModel = tt.model })
			ctx := context.Background()
			req := threeDSRequest(tt.card, rc.callbackURL(), true)
			req.PaymentPhase = craftgate.PhasePreAuth
			init, err := l.client.InitThreeDSPayment(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t)
			acs, _ := l.acsPage(t, b, init)
			cb := l.answerACS(t, b, acs, "verify")
			if tt.model == ThreeDSModel3D {
				_, err = l.client.CompleteThreeDSPayment(ctx, init.PaymentID)
			} else if want := map[bool]string{true: "SUCCESS", false: "FAILURE"}[tt.group == ""]; cb.fields.Get("status") != want {
				t.Fatalf("3D Pay callback status %q, want %q", cb.fields.Get("status"), want)
			}
			got := retrieve(t, l.m, init.PaymentID)
			if got.PaymentPhase != "PRE_AUTH" || !got.IsThreeDS {
				t.Fatalf("phase %s isThreeDS %v", got.PaymentPhase, got.IsThreeDS)
			}
			if tt.group != "" {
				if ce := craftgate.AsError(err); tt.model == ThreeDSModel3D && (ce == nil || ce.Group != tt.group) {
					t.Fatalf("complete: %v", err)
				}
				if got.PaymentStatus != "FAILURE" || got.PaymentError == nil || got.PaymentError.ErrorGroup != tt.group {
					t.Fatalf("declined: %s %+v", got.PaymentStatus, got.PaymentError)
				}
				return
			}
			if err != nil || got.PaymentStatus != "SUCCESS" {
				t.Fatalf("complete: %v, status %s", err, got.PaymentStatus)
			}
			p, err := l.client.PostAuthPayment(ctx, init.PaymentID, &craftgate.PostAuthPaymentRequest{PaidPrice: amt("130")})
			if err != nil || p.PaymentPhase != "POST_AUTH" || !p.IsThreeDS || !amountEq(p.PaidPrice, "130") {
				t.Fatalf("post-auth: %v %+v", err, p)
			}
		})
	}
}

// TestPostAuthWebhooks: a pre-authorisation and each post-auth send an
// API_AUTH webhook for the payment.
func TestPostAuthWebhooks(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t, withWebhooks(rc, 0.0001))
	ok := pay(t, l.m, preAuthRequest(successCard))
	postAuth(t, l.m, ok.ID, "100")
	declined := pay(t, l.m, preAuthRequest(cardPostAuthFails))
	do(t, l.m, http.MethodPost, postAuthPath(declined.ID), craftgate.PostAuthPaymentRequest{PaidPrice: amt("100")})
	waitHooks(t, l.m, 4, 5*time.Second)
	for _, c := range []struct {
		id   int64
		want []string
	}{{ok.ID, []string{"SUCCESS", "SUCCESS"}}, {declined.ID, []string{"SUCCESS", "FAILURE"}}} {
		recs := l.m.Webhooks(strconv.FormatInt(c.id, 10), EventAPIAuth)
		var got []string
		for _, r := range recs {
			got = append(got, r.Status)
		}
		if len(got) != 2 || got[0] != c.want[0] || got[1] != c.want[1] {
			t.Errorf("payment %d: API_AUTH statuses %v, want %v", c.id, got, c.want)
		}
	}
}

// TestPostAuthConcurrent: of many simultaneous post-auths of one payment,
// exactly one captures it.
func TestPostAuthConcurrent(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, preAuthRequest(successCard))
	var wg sync.WaitGroup
	var ok, refused atomic.Int32
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := do(t, m, http.MethodPost, postAuthPath(p.ID), craftgate.PostAuthPaymentRequest{PaidPrice: amt(strconv.Itoa(101 + i))})
			switch w.Code {
			case http.StatusOK:
				ok.Add(1)
			case http.StatusBadRequest:
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || refused.Load() != 15 {
		t.Fatalf("%d captured, %d refused", ok.Load(), refused.Load())
	}
	got := retrieve(t, m, p.ID)
	sum := craftgate.Amount{}
	for _, tx := range got.PaymentTransactions {
		sum = sum.Add(tx.PaidPrice)
	}
	if got.PaymentPhase != "POST_AUTH" || !sum.Equal(got.PaidPrice.Decimal) {
		t.Errorf("phase %s, paidPrice %s, transactions %s", got.PaymentPhase, got.PaidPrice, sum)
	}
}

// TestPreAuthOnCheckoutPage: a checkout initialised with paymentPhase
// PRE_AUTH takes a pre-authorisation, decided by the card's PRE_AUTH
// outcome, which post-auth then captures.
func TestPreAuthOnCheckoutPage(t *testing.T) {
	tests := []struct {
		card, status, group string
	}{
		{successCard, "SUCCESS", ""},
		{cardPreAuthFails, "FAILURE", "NOT_SUFFICIENT_FUNDS"},
	}
	for _, tt := range tests {
		t.Run(craftgate.MaskPAN(tt.card), func(t *testing.T) {
			l := startLive(t)
			rc := startReceiver(t)
			b := newBrowser(t)
			req := checkoutRequest(rc.checkoutURL())
			req.PaymentPhase = craftgate.PhasePreAuth
			init, form, _ := openCheckout(t, l, b, req)
			if status, page := b.submit(l.srv.URL, form, cardForm(tt.card)); status != http.StatusOK {
				t.Fatalf("pay: %d\n%s", status, page)
			}
			p, err := l.client.RetrieveCheckoutPayment(context.Background(), init.Token)
			if err != nil {
				t.Fatal(err)
			}
			if p.PaymentPhase != "PRE_AUTH" || p.PaymentStatus != tt.status || (tt.group != "" && p.PaymentError.ErrorGroup != tt.group) {
				t.Fatalf("checkout pre-authorisation %s %s %+v", p.PaymentPhase, p.PaymentStatus, p.PaymentError)
			}
			if tt.group == "" {
				if got := postAuth(t, l.m, p.ID, "100"); got.PaymentPhase != "POST_AUTH" || got.PaymentSource != "CHECKOUT_FORM" {
					t.Errorf("post-auth %s %s", got.PaymentPhase, got.PaymentSource)
				}
			}
		})
	}
}
