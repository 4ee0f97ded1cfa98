package mock

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// apmDepositRequest is a top-up of memberID's wallet through apmType.
func apmDepositRequest(memberID int64, apmType, price string) *craftgate.InitApmDepositRequest {
	return &craftgate.InitApmDepositRequest{ApmType: apmType, Price: amt(price), Currency: "TRY", BuyerMemberID: memberID,
		ConversationID: "apm-deposit", CallbackURL: "https://merchant.example/callback"}
}

// buyerWithWallet registers a buyer with an empty TRY wallet.
func buyerWithWallet(t *testing.T, m http.Handler, ext string) (*craftgate.Member, *craftgate.Wallet) {
	t.Helper()
	b := createMember(t, m, buyerReq(ext))
	return b, createWallet(t, m, b.ID, "0")
}

// apmMovements lists the DEPOSIT_FROM_APM movements of wallet id.
func apmMovements(t *testing.T, m http.Handler, walletID int64) []craftgate.WalletTransaction {
	t.Helper()
	var l craftgate.WalletTransactionList
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(walletID)+"?walletTransactionType=DEPOSIT_FROM_APM", nil), &l)
	return l.Items
}

// startApmDeposit starts a top-up with body (a request or raw JSON) and
// returns init's answer.
func startApmDeposit(t *testing.T, m http.Handler, body any) craftgate.ApmDepositResponse {
	t.Helper()
	var r craftgate.ApmDepositResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathDepositsApmInit, body), &r)
	return r
}

// answerAPMPage presses approve or reject on the provider's page of a
// redirect URL and returns the callback form's fields.
func answerAPMPage(t *testing.T, m http.Handler, redirect, action string) url.Values {
	t.Helper()
	u, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"t": {u.Query().Get("t")}, "action": {action}}
	req, _ := http.NewRequest(http.MethodPost, u.Path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := serve(m, req)
	if w.Code != http.StatusOK {
		t.Fatalf("provider page answered %d: %s", w.Code, w.Body)
	}
	return oneForm(t, w.Body.String()).fields
}

// checkCredited checks the wallet holds want and has exactly one
// DEPOSIT_FROM_APM movement of want naming paymentID (none when want is 0).
func checkCredited(t *testing.T, m http.Handler, b *craftgate.Member, wl *craftgate.Wallet, paymentID int64, want string) {
	t.Helper()
	if got := memberWallet(t, m, b.ID); !amountEq(got.Amount, want) {
		t.Errorf("wallet holds %s, want %s", got.Amount, want)
	}
	mv := apmMovements(t, m, wl.ID)
	if want == "0" {
		if len(mv) != 0 {
			t.Errorf("movements %+v, want none", mv)
		}
		return
	}
	if len(mv) != 1 || !amountEq(mv[0].Amount, want) || mv[0].TransactionID != paymentID || mv[0].WalletTransactionType != craftgate.WalletTxDepositFromAPM {
		t.Errorf("movements %+v, want one DEPOSIT_FROM_APM of %s for payment %d", mv, want, paymentID)
	}
}

// TestApmDepositCreditsOnce follows a top-up through each way an APM
// payment succeeds: the wallet is credited once, when it succeeds, and
// a repeated answer credits nothing more.
func TestApmDepositCreditsOnce(t *testing.T) {
	t.Run("redirect", func(t *testing.T) {
		m := newTestMock(t)
		b, wl := buyerWithWallet(t, m, "dep-redirect")
		r := startApmDeposit(t, m, apmDepositRequest(b.ID, craftgate.ApmPapara, "120.50"))
		if r.PaymentStatus != craftgate.StatusWaiting || r.AdditionalAction != craftgate.ApmActionRedirectToURL || r.RedirectURL == "" || r.WalletTransaction != nil {
			t.Fatalf("init %+v", r)
		}
		checkCredited(t, m, b, wl, r.PaymentID, "0")
		if p := retrieve(t, m, r.PaymentID); p.PaymentType != craftgate.PaymentTypeDeposit || p.PaymentStatus != craftgate.StatusWaiting ||
			p.ApmType != craftgate.ApmPapara || !amountEq(p.PaidPrice, "120.50") || len(p.PaymentTransactions) != 0 {
			t.Errorf("retrieved %+v", p)
		}
		cb := answerAPMPage(t, m, r.RedirectURL, "approve")
		if cb.Get("status") != craftgate.StatusSuccess || cb.Get("paymentId") != itoa(r.PaymentID) {
			t.Fatalf("callback %v", cb)
		}
		if err := craftgate.VerifyCallback(m.callbackKey, cb); err != nil {
			t.Errorf("callback hash: %v", err)
		}
		checkCredited(t, m, b, wl, r.PaymentID, "120.50")
		if again := answerAPMPage(t, m, r.RedirectURL, "approve"); again.Get("callbackStatus") != craftgate.CallbackAlreadyReturned {
			t.Errorf("second answer %v", again)
		}
		checkCredited(t, m, b, wl, r.PaymentID, "120.50")
		if p := retrieve(t, m, r.PaymentID); p.PaymentStatus != craftgate.StatusSuccess {
			t.Errorf("retrieved %s after approval", p.PaymentStatus)
		}
	})
	t.Run("otp", func(t *testing.T) {
		m := newTestMock(t)
		b, wl := buyerWithWallet(t, m, "dep-otp")
		req := apmDepositRequest(b.ID, craftgate.ApmEdenred, "40")
		req.ApmUserIdentity = "4111111111111111"
		r := startApmDeposit(t, m, req)
		if r.AdditionalAction != craftgate.ApmActionOTPRequired {
			t.Fatalf("init %+v", r)
		}
		done := craftgate.CompleteApmPaymentRequest{PaymentID: r.PaymentID, AdditionalParams: map[string]string{"otpCode": apmOTPCode}}
		var c craftgate.CompleteApmPaymentResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathApmComplete, done), &c)
		if c.PaymentStatus != craftgate.StatusSuccess {
			t.Fatalf("complete %+v", c)
		}
		if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathApmComplete, done)); e.ErrorCode != CodeApmNotCompletable {
			t.Errorf("second complete %+v", e)
		}
		checkCredited(t, m, b, wl, r.PaymentID, "40")
	})
	t.Run("instant transfer", func(t *testing.T) {
		m := newTestMock(t)
		b, wl := buyerWithWallet(t, m, "dep-html")
		req := apmDepositRequest(b.ID, craftgate.ApmInstantTransfer, "33.33")
		req.AdditionalParams = craftgate.Params{"bankCode": "0062"}
		r := startApmDeposit(t, m, req)
		if r.AdditionalAction != craftgate.ApmActionShowHTMLContent || r.RedirectURL == "" {
			t.Fatalf("init %+v: a top-up's provider page is its redirectUrl", r)
		}
		if cb := answerAPMPage(t, m, r.RedirectURL, "approve"); cb.Get("status") != craftgate.StatusSuccess {
			t.Fatalf("callback %v", cb)
		}
		checkCredited(t, m, b, wl, r.PaymentID, "33.33")
	})
	t.Run("at once", func(t *testing.T) {
		m := newTestMock(t)
		b, wl := buyerWithWallet(t, m, "dep-none")
		req := apmDepositRequest(b.ID, craftgate.ApmPluxee, "15.25")
		req.ApmUserIdentity, req.AdditionalParams = "5321234567", craftgate.Params{"sodexoCode": apmSandboxPluxeeCode}
		r := startApmDeposit(t, m, req)
		if r.PaymentStatus != craftgate.StatusSuccess || r.WalletTransaction == nil ||
			r.WalletTransaction.WalletTransactionType != craftgate.WalletTxDepositFromAPM || !amountEq(r.WalletTransaction.Amount, "15.25") ||
			r.WalletTransaction.WalletID != wl.ID {
			t.Fatalf("init %+v (walletTransaction %+v)", r, r.WalletTransaction)
		}
		checkCredited(t, m, b, wl, r.PaymentID, "15.25")
	})
}

// TestApmDepositFailureCreditsNothing checks that a top-up refused at
// init (every APM error identity), rejected at the provider or given a
// wrong code leaves the wallet untouched.
func TestApmDepositFailureCreditsNothing(t *testing.T) {
	m := newTestMock(t)
	b, wl := buyerWithWallet(t, m, "dep-fail")
	for identity, group := range APMErrorIdentities() {
		req := apmDepositRequest(b.ID, craftgate.ApmPapara, "10")
		req.ApmUserIdentity = identity
		w := do(t, m, http.MethodPost, craftgate.PathDepositsApmInit, req)
		if e := errorBody(t, w, http.StatusUnprocessableEntity); e.ErrorGroup != group {
			t.Errorf("identity %s: group %q, want %q", identity, e.ErrorGroup, group)
		}
		id := parseID(w.Header().Get(PaymentIDHeader))
		if p := retrieve(t, m, id); p.PaymentStatus != craftgate.StatusFailure || p.PaymentType != craftgate.PaymentTypeDeposit {
			t.Errorf("identity %s: retrieved %s %s", identity, p.PaymentStatus, p.PaymentType)
		}
	}
	r := startApmDeposit(t, m, apmDepositRequest(b.ID, craftgate.ApmPayPal, "10"))
	if cb := answerAPMPage(t, m, r.RedirectURL, "reject"); cb.Get("status") != craftgate.StatusFailure {
		t.Errorf("reject callback %v", cb)
	}
	if again := answerAPMPage(t, m, r.RedirectURL, "approve"); again.Get("callbackStatus") != craftgate.CallbackAlreadyReturned {
		t.Errorf("approve after reject %v", again)
	}
	req := apmDepositRequest(b.ID, craftgate.ApmEdenred, "10")
	req.ApmUserIdentity = "4111111111111111"
	r = startApmDeposit(t, m, req)
	w := do(t, m, http.MethodPost, craftgate.PathApmComplete, craftgate.CompleteApmPaymentRequest{PaymentID: r.PaymentID,
		AdditionalParams: map[string]string{"otpCode": apmExpiredCode}})
	if e := errorBody(t, w, http.StatusUnprocessableEntity); e.ErrorGroup != "APM_VERIFICATION_CODE_ERROR" {
		t.Errorf("expired code: %+v", e)
	}
	checkCredited(t, m, b, wl, 0, "0")
}

// TestApmDepositValidation checks the refusals of a top-up that cannot
// start: each is the error envelope and nothing is credited.
func TestApmDepositValidation(t *testing.T) {
	m := newTestMock(t)
	b, wl := buyerWithWallet(t, m, "dep-valid")
	noWallet := createMember(t, m, buyerReq("dep-nowallet"))
	tests := []struct {
		name   string
		mod    func(*craftgate.InitApmDepositRequest)
		status int
		code   string
	}{
		{"no buyerMemberId", func(r *craftgate.InitApmDepositRequest) { r.BuyerMemberID = 0 }, 400, CodeRequiredField},
		{"unknown member", func(r *craftgate.InitApmDepositRequest) { r.BuyerMemberID = 999_999 }, 404, CodeMemberNotFound},
		{"member without wallet", func(r *craftgate.InitApmDepositRequest) { r.BuyerMemberID = noWallet.ID }, 404, CodeWalletNotFound},
		{"no price", func(r *craftgate.InitApmDepositRequest) { r.Price = craftgate.Amount{} }, 400, CodeRequiredField},
		{"negative price", func(r *craftgate.InitApmDepositRequest) { r.Price = amt("-5") }, 400, CodeInvalidAmount},
		{"too precise price", func(r *craftgate.InitApmDepositRequest) { r.Price = amt("1.000000001") }, 400, CodeInvalidAmount},
		{"other currency", func(r *craftgate.InitApmDepositRequest) { r.Currency = "USD" }, 400, CodeWalletCurrencyMismatch},
		{"unknown currency", func(r *craftgate.InitApmDepositRequest) { r.Currency = "XXX" }, 400, CodeInvalidCurrency},
		{"no apmType", func(r *craftgate.InitApmDepositRequest) { r.ApmType = "" }, 400, CodeRequiredField},
		{"direct apmType", func(r *craftgate.InitApmDepositRequest) { r.ApmType = craftgate.ApmFundTransfer }, 400, CodeApmTypeNotEnabled},
		{"no callbackUrl for a redirect", func(r *craftgate.InitApmDepositRequest) { r.CallbackURL = "" }, 400, CodeInvalidCallbackURL},
		{"bizum without phone", func(r *craftgate.InitApmDepositRequest) { r.ApmType = craftgate.ApmBizum }, 400, CodeInvalidApmParam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := apmDepositRequest(b.ID, craftgate.ApmPapara, "10")
			tt.mod(req)
			if e := errorBody(t, do(t, m, http.MethodPost, craftgate.PathDepositsApmInit, req), tt.status); e.ErrorCode != tt.code {
				t.Errorf("code %s (%s), want %s", e.ErrorCode, e.ErrorDescription, tt.code)
			}
		})
	}
	checkCredited(t, m, b, wl, 0, "0")
}

// TestApmDepositSample sends the official clients' sample body (no
// paidPrice, basket or paymentGroup).
func TestApmDepositSample(t *testing.T) {
	m := newTestMock(t)
	b, _ := buyerWithWallet(t, m, "dep-sample")
	body := `{"apmType":"PAPARA","price":1.0,"currency":"TRY","buyerMemberId":` + itoa(b.ID) +
		`,"conversationId":"456d1297-908e-4bd6-a13b-4be31a6e47d5","externalId":"optional-externalId",` +
		`"callbackUrl":"https://www.your-website.com/craftgate-apm-callback","clientIp":"127.0.0.1"}`
	r := startApmDeposit(t, m, []byte(body))
	if r.PaymentID == 0 || r.RedirectURL == "" || r.PaymentStatus != craftgate.StatusWaiting || r.AdditionalAction != craftgate.ApmActionRedirectToURL {
		t.Errorf("sample answered %+v", r)
	}
}

// TestApmDepositConcurrentAnswers answers one top-up's provider page from
// several browsers at once: one answer pays, the others are
// ALREADY_RETURNED, and the wallet is credited once.
func TestApmDepositConcurrentAnswers(t *testing.T) {
	m := newTestMock(t)
	b, wl := buyerWithWallet(t, m, "dep-race")
	r := startApmDeposit(t, m, apmDepositRequest(b.ID, craftgate.ApmPapara, "70"))
	u, err := url.Parse(r.RedirectURL)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	statuses := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"t": {u.Query().Get("t")}, "action": {"approve"}}
			req, _ := http.NewRequest(http.MethodPost, u.Path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := serve(m, req)
			f := parseForms(w.Body.String())
			if w.Code != http.StatusOK || len(f) != 1 {
				statuses <- "HTTP " + itoa(int64(w.Code))
				return
			}
			statuses <- f[0].fields.Get("status") + "/" + f[0].fields.Get("callbackStatus")
		}()
	}
	wg.Wait()
	close(statuses)
	paid := 0
	for s := range statuses {
		switch {
		case strings.HasPrefix(s, craftgate.StatusSuccess+"/"):
			paid++
		case s != craftgate.StatusFailure+"/"+craftgate.CallbackAlreadyReturned:
			t.Errorf("answer %q", s)
		}
	}
	if paid != 1 {
		t.Errorf("%d answers paid, want 1", paid)
	}
	checkCredited(t, m, b, wl, r.PaymentID, "70")
}
