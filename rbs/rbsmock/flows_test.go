package rbsmock_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

func TestOnePhasePaymentWith3DS(t *testing.T) {
	for _, v := range []struct {
		name   string
		router bool
	}{{"bank", false}, {"router", true}} {
		t.Run(v.name, func(t *testing.T) {
			h := newHarness(t)
			c := h.bank
			if v.router {
				c = h.router
			}
			reg := h.register(c, false, 150050)
			if len(reg.OrderID) != 36 || !strings.Contains(reg.FormURL, reg.OrderID) {
				t.Fatalf("register: %+v", reg)
			}
			if st := h.status(c, reg.OrderID); st.Status() != rbs.StatusRegistered {
				t.Fatalf("before paying: %v", st.Status())
			}
			end := h.pay(reg.FormURL, "4111111111111111", "12345678")
			if end.URL.Path != "/return" || end.URL.Query().Get("orderId") != reg.OrderID || end.URL.Query().Get("lang") != "en" {
				t.Errorf("landed on %s", end.URL)
			}
			st := h.status(c, reg.OrderID)
			a := st.Amounts()
			if st.Status() != rbs.StatusDeposited || a.DepositedAmount != 150050 || a.ApprovedAmount != 150050 || st.MaskedPAN() != "411111**1111" {
				t.Errorf("after paying: %+v %+v", st, a)
			}
			if st.CardAuthInfo.SecureAuthInfo == nil || st.CardAuthInfo.SecureAuthInfo.ECI != 5 || st.CardAuthInfo.CardholderName != "TEST CARDHOLDER" || st.CardAuthInfo.Expiration != "203012" {
				t.Errorf("cardAuthInfo %+v", st.CardAuthInfo)
			}
			if v.router && st.State != "DEPOSITED" {
				t.Errorf("router state %q", st.State)
			}
			cb := h.waitCallback(reg.OrderID, rbs.OperationDeposited)
			if !cb.Verified || cb.Status() != "1" || cb.Method != http.MethodGet || cb.Params.Get("amount") != "150050" {
				t.Errorf("callback %+v", cb)
			}
		})
	}
}

func TestFrictionlessAndDeclinedCards(t *testing.T) {
	cases := []struct {
		name, pan  string
		password   string
		wantStatus rbs.OrderStatus
		action     string
		landing    string
	}{
		{"frictionless", "5555555555555599", "", rbs.StatusDeposited, "0", "/return"},
		{"insufficient funds", "4000000000000119", "", rbs.StatusDeclined, "116", "/fail"},
		{"timeout", "4000000000000135", "", rbs.StatusDeclined, "151018", "/fail"},
		{"3DS declined by issuer", "4000000000000127", "12345678", rbs.StatusDeclined, "151017", "/fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			reg := h.register(h.bank, false, 10000)
			end := h.pay(reg.FormURL, c.pan, c.password)
			if end.URL.Path != c.landing || end.URL.Query().Get("orderId") != reg.OrderID {
				t.Errorf("landed on %s", end.URL)
			}
			st := h.status(h.bank, reg.OrderID)
			if st.Status() != c.wantStatus || string(st.ActionCode) != c.action {
				t.Errorf("status %v actionCode %s", st.Status(), st.ActionCode)
			}
			ok := "1"
			if c.wantStatus == rbs.StatusDeclined {
				ok = "0"
			}
			if cb := h.waitCallback(reg.OrderID, rbs.OperationDeposited); cb.Status() != ok || !cb.Verified {
				t.Errorf("callback %+v", cb)
			}
		})
	}
}

func TestACSWrongPasswordAndCancelDecline(t *testing.T) {
	for _, c := range []struct{ name, button, password string }{{"wrong password", "confirm", "000000"}, {"cancel", "cancel", ""}} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			reg := h.register(h.bank, true, 10000)
			acs := h.submit(h.page(reg.FormURL), card("2200000000000053"), "pay")
			if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusACS {
				t.Errorf("at the ACS: %v", st.Status())
			}
			end := h.submit(acs, map[string]string{"password": c.password}, c.button)
			if end.URL.Path != "/fail" {
				t.Errorf("landed on %s", end.URL)
			}
			st := h.status(h.bank, reg.OrderID)
			if st.Status() != rbs.StatusDeclined || string(st.ActionCode) != "151017" || st.MaskedPAN() != "220000**0053" {
				t.Errorf("%v %s %s", st.Status(), st.ActionCode, st.MaskedPAN())
			}
			if cb := h.waitCallback(reg.OrderID, rbs.OperationApproved); cb.Status() != "0" {
				t.Errorf("callback %+v", cb.Params)
			}
			// The ACS is closed now.
			if again := h.submit(acs, map[string]string{"password": "12345678"}, "confirm"); again.Status != http.StatusForbidden {
				t.Errorf("a closed ACS answered %d", again.Status)
			}
		})
	}
}

func TestPaymentPageRefusesBadInputWithoutDeclining(t *testing.T) {
	h := newHarness(t)
	reg := h.register(h.bank, false, 10000)
	page := h.page(reg.FormURL)
	if !strings.Contains(string(page.Body), "4111111111111111") || !strings.Contains(string(page.Body), "Test cards") {
		t.Error("the test page shows no test card data")
	}
	for _, c := range []struct {
		name string
		set  map[string]string
		want string
	}{
		{"Luhn", map[string]string{"pan": "4111111111111112"}, "card number is invalid"},
		{"expired", map[string]string{"year": "2025", "month": "01"}, "expired"},
		{"month", map[string]string{"month": "13"}, "month is invalid"},
		{"CVC", map[string]string{"cvc": "12"}, "CVC is invalid"},
		{"not a test card", map[string]string{"pan": "4242424242424242"}, "use one of the test cards"},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := card("4111111111111111")
			for k, v := range c.set {
				set[k] = v
			}
			p := h.submit(page, set, "pay")
			if p.Status != 200 || !strings.Contains(string(p.Body), c.want) {
				t.Errorf("HTTP %d, page does not say %q", p.Status, c.want)
			}
			if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusRegistered {
				t.Errorf("status %v", st.Status())
			}
		})
	}
}

func TestTwoPhaseDepositRules(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	hold := func() string {
		reg := h.register(h.bank, true, 100000)
		h.pay(reg.FormURL, "5555555555555599", "")
		if st := h.status(h.bank, reg.OrderID); st.Status() != rbs.StatusApproved || st.Amounts().ApprovedAmount != 100000 || st.Amounts().DepositedAmount != 0 {
			t.Fatalf("held: %v %+v", st.Status(), st.Amounts())
		}
		return reg.OrderID
	}
	cases := []struct {
		name      string
		amount    int64
		code      int
		deposited int64
	}{
		{"full with 0", 0, 0, 100000},
		{"full explicit", 100000, 0, 100000},
		{"partial", 60000, 0, 60000},
		{"over the hold", 100001, rbs.CodeWrongState, 0},
		{"less than 1 RUB", 99, rbs.CodeWrongParameter, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := hold()
			err := h.bank.Deposit(ctx, &rbs.DepositRequest{OrderID: id, Amount: c.amount})
			if c.code == 0 && err != nil || c.code != 0 && !rbs.HasCode(err, c.code) {
				t.Fatalf("deposit: %v, want code %d", err, c.code)
			}
			st := h.status(h.bank, id)
			want := rbs.StatusDeposited
			if c.code != 0 {
				want = rbs.StatusApproved
			}
			if st.Status() != want || int64(st.Amounts().DepositedAmount) != c.deposited {
				t.Errorf("%v deposited %d", st.Status(), st.Amounts().DepositedAmount)
			}
			if c.code == 0 {
				h.waitCallback(id, rbs.OperationDeposited)
				if err := h.bank.Deposit(ctx, &rbs.DepositRequest{OrderID: id}); !rbs.HasCode(err, rbs.CodeWrongState) {
					t.Errorf("second deposit: %v", err)
				}
			}
		})
	}
}

// TestOperationStateTable walks the allowed-operations table of
// docs/reference/alfabank/rbs-gateway.md §7 for each reachable state.
func TestOperationStateTable(t *testing.T) {
	type op func(h *harness, id string) error
	ctx := context.Background()
	deposit := func(h *harness, id string) error { return h.bank.Deposit(ctx, &rbs.DepositRequest{OrderID: id}) }
	reverse := func(h *harness, id string) error { return h.bank.Reverse(ctx, &rbs.ReverseRequest{OrderID: id}) }
	refund := func(h *harness, id string) error {
		return h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: 1000})
	}
	decline := func(h *harness, id string) error { return h.bank.Decline(ctx, &rbs.DeclineRequest{OrderID: id}) }
	// reach registers a 100.00 order (two-phase or not), pays it with
	// the card pan unless pan is empty, then applies then, if not nil.
	const approving, declining = "5555555555555599", "4000000000000119"
	reach := func(preAuth bool, pan string, then op) func(h *harness) string {
		return func(h *harness) string {
			r := h.register(h.bank, preAuth, 10000)
			if pan != "" {
				h.pay(r.FormURL, pan, "")
			}
			if then != nil {
				if err := then(h, r.OrderID); err != nil {
					t.Fatal(err)
				}
			}
			return r.OrderID
		}
	}
	states := map[string]func(h *harness) string{
		"0 registered": reach(false, "", nil),
		"1 approved":   reach(true, approving, nil),
		"2 deposited":  reach(false, approving, nil),
		"3 reversed":   reach(true, approving, reverse),
		"4 refunded":   reach(false, approving, refund),
		"5 ACS": func(h *harness) string {
			r := h.register(h.bank, false, 10000)
			h.submit(h.page(r.FormURL), card("4111111111111111"), "pay")
			return r.OrderID
		},
		"6 declined": reach(false, declining, nil),
	}
	// allowed[state][operation] -> resulting status, or -1 for errorCode 7.
	const no = rbs.OrderStatus(-1)
	table := map[string][4]rbs.OrderStatus{ // deposit, reverse, refund, decline
		"0 registered": {no, no, no, rbs.StatusDeclined},
		"1 approved":   {rbs.StatusDeposited, rbs.StatusReversed, no, no},
		"2 deposited":  {no, rbs.StatusReversed, rbs.StatusRefunded, no},
		"3 reversed":   {no, no, no, no},
		"4 refunded":   {no, no, rbs.StatusRefunded, no},
		"5 ACS":        {no, no, no, rbs.StatusDeclined},
		"6 declined":   {no, no, no, no},
	}
	names := [4]string{"deposit", "reverse", "refund", "decline"}
	ops := [4]op{deposit, reverse, refund, decline}
	for state, row := range table {
		for i, want := range row {
			t.Run(state+"/"+names[i], func(t *testing.T) {
				h := newHarness(t)
				id := states[state](h)
				before := h.status(h.bank, id).Status()
				err := ops[i](h, id)
				after := h.status(h.bank, id).Status()
				if want == no {
					if !rbs.HasCode(err, rbs.CodeWrongState) || after != before {
						t.Errorf("got %v (status %v → %v), want errorCode 7 and no change", err, before, after)
					}
					return
				}
				if err != nil || after != want {
					t.Errorf("got %v, status %v, want %v", err, after, want)
				}
			})
		}
	}
}

func TestReverseAndRefundRules(t *testing.T) {
	ctx := context.Background()
	// paid is a fresh mock with an order of 1000.00, paid: held when
	// preAuth, else deposited.
	paid := func(t *testing.T, preAuth bool) (*harness, string) {
		h := newHarness(t)
		r := h.register(h.bank, preAuth, 100000)
		h.pay(r.FormURL, "5555555555555599", "")
		return h, r.OrderID
	}
	t.Run("a deposited payment is reversible only on its day", func(t *testing.T) {
		h, id := paid(t, false)
		h.mock.Advance(13 * time.Hour) // past midnight in Moscow
		if err := h.bank.Reverse(ctx, &rbs.ReverseRequest{OrderID: id}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Fatalf("reverse the next day: %v", err)
		}
		if err := h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id}); err != nil {
			t.Fatalf("refund the next day: %v", err)
		}
		if st := h.status(h.bank, id); st.Status() != rbs.StatusRefunded || st.Amounts().RefundedAmount != 100000 {
			t.Errorf("%v %+v", st.Status(), st.Amounts())
		}
	})
	t.Run("reverse only once", func(t *testing.T) {
		h, id := paid(t, true)
		if err := h.bank.Reverse(ctx, &rbs.ReverseRequest{OrderID: id, Amount: 30000}); err != nil {
			t.Fatal(err)
		}
		st := h.status(h.bank, id)
		if st.Status() != rbs.StatusApproved || st.Amounts().ApprovedAmount != 70000 {
			t.Errorf("after a partial reversal: %v %+v", st.Status(), st.Amounts())
		}
		if err := h.bank.Reverse(ctx, &rbs.ReverseRequest{OrderID: id}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("second reversal: %v", err)
		}
		if err := h.bank.Deposit(ctx, &rbs.DepositRequest{OrderID: id, Amount: 70001}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("deposit above the reduced hold: %v", err)
		}
	})
	t.Run("partial refunds up to the deposited amount, never beyond", func(t *testing.T) {
		h, id := paid(t, false)
		for _, amount := range []int64{40000, 60000} {
			if err := h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: amount}); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: 100}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("over-refund: %v", err)
		}
		st := h.status(h.bank, id)
		if st.Status() != rbs.StatusRefunded || st.Amounts().RefundedAmount != 100000 || len(st.Refunds) != 2 {
			t.Errorf("%v %+v %d refunds", st.Status(), st.Amounts(), len(st.Refunds))
		}
		if err := h.bank.Reverse(ctx, &rbs.ReverseRequest{OrderID: id}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("reverse after refunds: %v", err)
		}
	})
	t.Run("over-refund in one go", func(t *testing.T) {
		h, id := paid(t, false)
		if err := h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: 100001}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("over-refund: %v", err)
		}
		if st := h.status(h.bank, id); st.Status() != rbs.StatusDeposited || st.Amounts().RefundedAmount != 0 {
			t.Errorf("%v %+v", st.Status(), st.Amounts())
		}
	})
	t.Run("externalRefundId is idempotent; expectedDepositedAmount guards", func(t *testing.T) {
		h, id := paid(t, false)
		wrong := int64(5)
		if err := h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: 1000, ExpectedDepositedAmount: &wrong}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("expectedDepositedAmount: %v", err)
		}
		for range 2 {
			if err := h.bank.Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: 1000, ExternalRefundID: "rf-1"}); err != nil {
				t.Fatal(err)
			}
		}
		if st := h.status(h.bank, id); st.Amounts().RefundedAmount != 1000 {
			t.Errorf("refunded %d", st.Amounts().RefundedAmount)
		}
		cb := h.waitCallback(id, rbs.OperationRefunded)
		if cb.Params.Get("operationRefundedAmount") != "1000" || cb.Params.Get("externalRefundId") != "rf-1" || !cb.Verified {
			t.Errorf("refund callback %v", cb.Params)
		}
	})
}

func TestAlfaPay(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		preAuth bool
		card    string
		button  string
		want    rbs.OrderStatus
		landing string
	}{
		{"one-phase", false, "card-1111", "pay", rbs.StatusDeposited, "/return"},
		{"two-phase", true, "card-1111", "pay", rbs.StatusApproved, "/return"},
		{"declined wallet card", false, "card-0119", "pay", rbs.StatusDeclined, "/fail"},
		{"payer cancels", false, "card-1111", "cancel", rbs.StatusDeclined, "/fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			reg := h.register(h.router, c.preAuth, 123400)
			ap, err := h.router.AlfaPayPaymentOrder(ctx, &rbs.AlfaPayRequest{OrderID: reg.OrderID, Language: "ru"})
			if err != nil {
				t.Fatal(err)
			}
			page := h.page(ap.Redirect)
			if page.Status != 200 || !strings.Contains(string(page.Body), "Alfa Pay") {
				t.Fatalf("Alfa Pay page HTTP %d", page.Status)
			}
			end := h.submit(page, map[string]string{"card": c.card}, c.button)
			if end.URL.Path != c.landing || end.URL.Query().Get("orderId") != reg.OrderID {
				t.Errorf("landed on %s", end.URL)
			}
			st := h.status(h.router, reg.OrderID)
			if st.Status() != c.want || st.PaymentWay != rbs.PaymentWayAlfaPay {
				t.Errorf("%v way %q", st.Status(), st.PaymentWay)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		h := newHarness(t)
		if _, err := h.router.AlfaPayPaymentOrder(ctx, &rbs.AlfaPayRequest{OrderID: "00000000-0000-4000-8000-000000000000"}); !rbs.HasCode(err, rbs.CodeUnknownOrder) {
			t.Errorf("unknown order: %v", err)
		}
		reg := h.register(h.bank, false, 1000)
		if _, err := h.bank.AlfaPayPaymentOrder(ctx, &rbs.AlfaPayRequest{OrderID: reg.OrderID}); err == nil {
			t.Error("the bank variant has no Alfa Pay method")
		}
		h.pay(reg.FormURL, "5555555555555599", "")
		if _, err := h.router.AlfaPayPaymentOrder(ctx, &rbs.AlfaPayRequest{OrderID: reg.OrderID}); !rbs.HasCode(err, rbs.CodeWrongState) {
			t.Errorf("paid order: %v", err)
		}
	})
	t.Run("redirect variant: the payment page offers Alfa Pay", func(t *testing.T) {
		h := newHarness(t)
		req := h.registerReq(5000)
		req.AllowedPaymentWays = []string{"CARD", "ALFAPAY"}
		reg, err := h.router.Register(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		ap := h.submit(h.page(reg.FormURL), nil, "alfapay")
		end := h.submit(ap, map[string]string{"card": "card-1111"}, "pay")
		if end.URL.Path != "/return" || h.status(h.router, reg.OrderID).Status() != rbs.StatusDeposited {
			t.Errorf("landed on %s", end.URL)
		}
	})
}

func TestSessionTimeout(t *testing.T) {
	h := newHarness(t)
	req := h.registerReq(1000)
	req.SessionTimeoutSecs = 1800
	reg, err := h.bank.Register(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if p := h.page(reg.FormURL); !strings.Contains(string(p.Body), "30 min left") {
		t.Errorf("the page shows no 30-minute timer:\n%s", p.Body)
	}
	h.mock.Advance(31 * time.Minute)
	st := h.status(h.bank, reg.OrderID)
	if st.Status() != rbs.StatusDeclined || string(st.ActionCode) != "-2007" {
		t.Errorf("%v %s", st.Status(), st.ActionCode)
	}
	if cb := h.waitCallback(reg.OrderID, rbs.OperationDeclinedByTimeout); cb.Status() != "0" || !cb.Verified {
		t.Errorf("callback %v", cb.Params)
	}
	if p := h.page(reg.FormURL); !strings.Contains(string(p.Body), "cannot be paid") {
		t.Errorf("an expired order's page:\n%s", p.Body)
	}
}

func TestCallbackRetriesAndPOSTAndUnsigned(t *testing.T) {
	t.Run("retries until 200, then gives up after 3 failures", func(t *testing.T) {
		h := newHarness(t)
		h.recv.FailCallbacks(2)
		reg := h.register(h.bank, false, 1000)
		h.pay(reg.FormURL, "5555555555555599", "")
		deadline := time.Now().Add(5 * time.Second)
		for {
			d := h.mock.Deliveries(reg.OrderID)
			if len(d) == 1 && d[0].Delivered {
				if d[0].Attempts != 3 || d[0].Answers[0] != 503 {
					t.Errorf("%+v", d[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not delivered: %+v", d)
			}
			time.Sleep(5 * time.Millisecond)
		}
		h.recv.FailCallbacks(5)
		reg2 := h.register(h.bank, false, 1000)
		h.pay(reg2.FormURL, "5555555555555599", "")
		for {
			d := h.mock.Deliveries(reg2.OrderID)
			if len(d) == 1 && d[0].GaveUp {
				if d[0].Attempts != rbsmock.DefaultMaxFailures {
					t.Errorf("%+v", d[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("never gave up: %+v", d)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	t.Run("POST callbacks, dynamic URL, sign_alias", func(t *testing.T) {
		h := newHarness(t, func(c *rbsmock.Config) { c.CallbackMethod = "POST"; c.CallbackURL = ""; c.SignAlias = "hmac-key-1" })
		req := h.registerReq(1000)
		req.DynamicCallbackURL = h.merchant.URL + "/callback?shop=7"
		reg, err := h.bank.Register(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		h.pay(reg.FormURL, "5555555555555599", "")
		cb := h.waitCallback(reg.OrderID, rbs.OperationDeposited)
		if cb.Method != http.MethodPost || !cb.Verified || cb.Params.Get("sign_alias") != "hmac-key-1" {
			t.Errorf("%+v", cb)
		}
	})
	t.Run("no key: unsigned", func(t *testing.T) {
		h := newHarness(t, func(c *rbsmock.Config) { c.CallbackKey = "" })
		reg := h.register(h.bank, false, 1000)
		h.pay(reg.FormURL, "5555555555555599", "")
		if cb := h.waitCallback(reg.OrderID, rbs.OperationDeposited); cb.Params.Has("checksum") || cb.Verified {
			t.Errorf("%+v", cb)
		}
	})
}

func TestDeterministicIDs(t *testing.T) {
	ids := func(seed int64) []string {
		h := newHarness(t, func(c *rbsmock.Config) { c.Seed = seed })
		var out []string
		for range 3 {
			out = append(out, h.register(h.bank, false, 1000).OrderID)
		}
		return out
	}
	a, b, c := ids(1), ids(1), ids(2)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("seed 1 gave %s then %s", a[i], b[i])
		}
		if a[i] == c[i] {
			t.Errorf("seeds 1 and 2 both gave %s", a[i])
		}
		if len(a[i]) != 36 || a[i][14] != '4' {
			t.Errorf("%s is not UUID-shaped", a[i])
		}
	}
}

// TestMountedUnderPrefix: behind http.StripPrefix the mock writes its
// prefix into formUrl, form actions and redirects.
func TestMountedUnderPrefix(t *testing.T) {
	h := newHarness(t)
	mux := http.NewServeMux()
	mux.Handle("/rbs/", http.StripPrefix("/rbs", h.mock))
	srv := newServer(t, mux)
	c := h.client(rbs.VariantBank, srv+"/rbs"+rbsmock.BankPath)
	reg := h.register(c, false, 5000)
	if !strings.HasPrefix(reg.FormURL, srv+"/rbs/payment/") {
		t.Fatalf("formUrl %s", reg.FormURL)
	}
	end := h.pay(reg.FormURL, "4111111111111111", "12345678")
	if end.URL.Path != "/return" {
		t.Errorf("landed on %s", end.URL)
	}
	if st := h.status(c, reg.OrderID); st.Status() != rbs.StatusDeposited {
		t.Errorf("%v", st.Status())
	}
}

// TestForwardedProtoOnlyWithTrustProxy: the scheme of the URLs the mock
// gives browsers follows X-Forwarded-Proto only with Config.TrustProxy;
// without it any client could choose it, and the connection's scheme counts.
func TestForwardedProtoOnlyWithTrustProxy(t *testing.T) {
	for _, c := range []struct {
		name      string
		trust     bool
		forwarded string // X-Forwarded-Proto; empty: not sent
		scheme    string // of formUrl
	}{
		{"untrusted, https claimed", false, "https", "http"},
		{"untrusted, no header", false, "", "http"},
		{"trusted, https", true, "https", "https"},
		{"trusted, the first proxy's", true, "HTTPS, http", "https"},
		{"trusted, not a web scheme", true, "javascript", "http"},
		{"trusted, no header", true, "", "http"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, func(cfg *rbsmock.Config) { cfg.TrustProxy = c.trust })
			v := creds()
			v.Set("orderNumber", h.orderNumber())
			v.Set("amount", "1000")
			v.Set("returnUrl", "https://shop.test/ok")
			req, err := http.NewRequest(http.MethodPost, h.srv.URL+rbsmock.BankPath+"/register.do", strings.NewReader(v.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.forwarded != "" {
				req.Header.Set("X-Forwarded-Proto", c.forwarded)
			}
			resp, err := h.browser.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var reg struct {
				FormURL string `json:"formUrl"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || reg.FormURL == "" {
				t.Fatalf("register.do: HTTP %d, %v, formUrl %q", resp.StatusCode, err, reg.FormURL)
			}
			want := c.scheme + "://" + strings.TrimPrefix(h.srv.URL, "http://") + "/payment/"
			if !strings.HasPrefix(reg.FormURL, want) {
				t.Fatalf("formUrl %s, want it to start with %s", reg.FormURL, want)
			}
		})
	}
}

func TestAdminRoutes(t *testing.T) {
	h := newHarness(t)
	code, body := h.post("/_mock/rbs/clock/advance", "application/x-www-form-urlencoded", url.Values{"userName": {testUser}, "password": {testPass}, "duration": {"24h"}}.Encode())
	if code != 200 || !strings.Contains(body, "2026-03-11T12:00:00+03:00") {
		t.Errorf("advance: %d %s", code, body)
	}
	code, body = h.post("/_mock/rbs/clock/advance", "application/x-www-form-urlencoded", "duration=1h&userName=x&password=y")
	if code != 200 || !strings.Contains(body, `"errorCode":"5"`) {
		t.Errorf("advance without credentials: %d %s", code, body)
	}
	reg := h.register(h.bank, false, 1000)
	h.pay(reg.FormURL, "5555555555555599", "")
	h.waitCallback(reg.OrderID, "")
	v := creds()
	v.Set("mdOrder", reg.OrderID)
	if code, body = h.post("/_mock/rbs/callbacks", "application/x-www-form-urlencoded", v.Encode()); code != 200 || !strings.Contains(body, `"operation":"deposited"`) {
		t.Errorf("callbacks: %d %s", code, body)
	}
}
