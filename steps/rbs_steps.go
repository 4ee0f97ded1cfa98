package steps

// Steps of the Alfa-Bank RBS features (features/rbs): one- and two-phase
// payments on the gateway's payment page, deposit, reverse and refund
// rules, Alfa Pay through the router, callback checksums, and the
// RetailCRM go-live check. Every sentence names "RBS", "the gateway",
// "the router", "Alfa Pay" or "the payer", so none overlaps a Craftgate
// sentence (whose payer is "the buyer").

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
)

// rbsStep adapts a step that needs the scenario's RBS state and takes its
// n captured arguments as a slice: n is declared beside the pattern, so
// TestStepArity checks it, and Run never hands the step fewer arguments.
func rbsStep(n int, f func(w *World, ctx context.Context, rw *rbsWorld, args []string) error) Step {
	return rbsStepFunc{n: n, f: f}
}

// rbsStepFunc is a step of the RBS world.
type rbsStepFunc struct {
	n int
	f func(w *World, ctx context.Context, rw *rbsWorld, args []string) error
}

func (s rbsStepFunc) Arity() int { return s.n }

func (s rbsStepFunc) Run(ctx context.Context, w *World, args []string) error {
	if len(args) != s.n {
		return errArity
	}
	rw, err := w.rbsWorld()
	if err != nil {
		return err
	}
	return s.f(w, ctx, rw, args)
}

const reAmountCur = ReAmount + " " + ReCurrency

func rbsDefinitions() []Definition {
	defs := []Definition{
		{`^an Alfa-Bank RBS merchant with test credentials$`, rbsStep(0, (*World).rbsMerchant)},

		{`^the merchant (registers|has registered) a (one|two)-phase order of ` + reAmountCur + `( through the router)?$`, rbsStep(5, (*World).rbsRegisterOrder)},
		{`^the merchant registers a one-phase order of ` + reAmountCur + ` through the router allowing "([A-Z_,]+)"$`, rbsStep(3, (*World).rbsRegisterAllowing)},
		{`^the merchant registers another order with the same order number$`, rbsStep(0, (*World).rbsRegisterSameNumber)},
		{`^the merchant registers an order with (.+)$`, rbsStep(1, (*World).rbsRegisterWith)},
		{`^the gateway answers with an order id and a payment page link$`, rbsStep(0, (*World).rbsRegistered)},
		{`^the gateway refuses with errorCode (\d+)$`, rbsStep(1, (*World).rbsRefused)},
		{`^the merchant asks for the status of an unknown RBS order$`, rbsStep(0, (*World).rbsUnknownStatus)},

		{`^the payer opens the payment (?:page|link)$`, rbsStep(0, (*World).rbsOpenPage)},
		{`^the payment page shows the test card data$`, rbsStep(0, (*World).rbsPageShowsCards)},
		{`^the payment page's session lasts (\d+) minutes$`, rbsStep(1, (*World).rbsPageSession)},
		{`^the payer pays on the payment page with test card "(\d+)"$`, rbsStep(1, (*World).rbsPayOnPage)},
		{`^the payer confirms 3-D Secure with password "([^"]*)"$`, rbsStep(1, (*World).rbsConfirm3DS)},
		{`^the payer enters the wrong 3-D Secure password$`, rbsStep(0, (*World).rbsWrong3DS)},
		{`^the payer returns to the merchant's (return|fail) URL with the order id$`, rbsStep(1, (*World).rbsLanded)},
		{`^(?:a|the payer has tried to pay a) (one|two)-phase order of ` + reAmountCur + ` (?:was paid )?with test card "(\d+)"$`, rbsStep(4, (*World).rbsPaidOrder)},

		{`^the RBS order has status (-?\d+) "([A-Z_]+)"$`, rbsStep(2, (*World).rbsHasStatus)},
		{`^the RBS order's (approved|deposited|refunded) amount is ` + reAmountCur + `$`, rbsStep(3, (*World).rbsAmountIs)},
		{`^the RBS order shows the card as "([0-9*]+)"$`, rbsStep(1, (*World).rbsShowsCard)},
		{`^the RBS order's actionCode is (-?\d+)$`, rbsStep(1, (*World).rbsActionCode)},
		{`^the RBS order was paid by "([A-Z0-9_]+)"$`, rbsStep(1, (*World).rbsPaidBy)},
		{`^the router reports the order's state as "([A-Z_]+)"$`, rbsStep(1, (*World).rbsRouterState)},

		{`^the merchant deposits the whole amount$`, rbsStep(0, (*World).rbsDeposit)},
		{`^the merchant deposits ` + reAmountCur + `$`, rbsStep(2, (*World).rbsDeposit)},
		{`^the merchant reverses the RBS order$`, rbsStep(0, (*World).rbsReverse)},
		{`^the merchant reverses ` + reAmountCur + `$`, rbsStep(2, (*World).rbsReverse)},
		{`^the merchant refunds ` + reAmountCur + `$`, rbsStep(2, (*World).rbsRefund)},
		{`^the RBS gateway's day has ended$`, rbsStep(0, (*World).rbsDayEnded)},

		{`^the merchant asks the router for the Alfa Pay payment$`, rbsStep(0, (*World).rbsAskAlfaPay)},
		{`^the router answers with an Alfa Pay redirect$`, rbsStep(0, (*World).rbsAlfaPayRedirect)},
		{`^the payer pays in Alfa Pay with the wallet card ending in "(\d{4})"$`, rbsStep(1, (*World).rbsPayAlfaPay)},
		{`^the payer cancels in Alfa Pay$`, rbsStep(0, (*World).rbsCancelAlfaPay)},
		{`^the payer chooses Alfa Pay on the payment page$`, rbsStep(0, (*World).rbsChooseAlfaPay)},

		{`^the merchant (?:receives|has received) an RBS callback "([A-Za-z]+)" with status ([01])$`, rbsStep(2, (*World).rbsReceivesCallback)},
		{`^the RBS callback's checksum verifies with the merchant's callback key$`, rbsStep(0, (*World).rbsCallbackVerifies)},
		{`^the RBS callback names the order and its order number$`, rbsStep(0, (*World).rbsCallbackNamesOrder)},
		{`^the RBS callback carries "([A-Za-z]+)" = "([^"]*)"$`, rbsStep(2, (*World).rbsCallbackCarries)},
		{`^a forger sends the RBS callback with "([A-Za-z_]+)" changed to "([^"]*)"$`, rbsStep(2, (*World).rbsForgeChanged)},
		{`^a forger sends the RBS callback without its checksum$`, rbsStep(0, (*World).rbsForgeUnsigned)},
		{`^the merchant rejects the forged RBS callback$`, rbsStep(0, (*World).rbsForgedRejected)},
		{`^the merchant does not trust the forged RBS callback$`, rbsStep(0, (*World).rbsForgedUntrusted)},

		{`^the merchant creates a payment link for RetailCRM order "([A-Za-z0-9-]+)" of ` + reAmountCur + `$`, rbsStep(3, (*World).rbsCreateLink)},
		{`^the payer pays through the payment link with test card "(\d+)"$`, rbsStep(1, (*World).rbsPayThroughLink)},
		{`^the go-live evidence records a (successful|failed) payment$`, rbsStep(1, (*World).rbsGoLiveRecords)},
		{`^the go-live evidence holds one successful and one failed payment with their statuses and masked cards$`, rbsStep(0, (*World).rbsGoLiveBoth)},
	}
	return append(defs, rbsMoreDefinitions()...)
}

// --- setup and registration ---

func (w *World) rbsMerchant(_ context.Context, rw *rbsWorld, _ []string) error {
	where := rw.target.BaseURL
	if rw.embedded {
		where = "in-process gatecheck RBS mock (no RBS target configured)"
	}
	w.note(EvidenceRBSTarget, where, "")
	return nil
}

// rbsRegisterOrder registers an order (args: verb, phase, amount,
// currency, " through the router" or ""). "has registered" must succeed;
// "registers" keeps a refusal for a later step.
func (w *World) rbsRegisterOrder(ctx context.Context, rw *rbsWorld, a []string) error {
	req, err := rw.parsedRequest(a[2], a[3])
	if err != nil {
		return err
	}
	c := rw.bankClient()
	if a[4] != "" {
		if c, err = rw.routerClient(); err != nil {
			return err
		}
	}
	if err := w.rbsRegister(ctx, rw, c, req, a[1] == "two"); err != nil {
		return err
	}
	if a[0] == "has registered" && rw.err != nil {
		return fmt.Errorf("the gateway refused the registration: %w", rw.err)
	}
	return nil
}

func (w *World) rbsRegisterAllowing(ctx context.Context, rw *rbsWorld, a []string) error {
	req, err := rw.parsedRequest(a[0], a[1])
	if err != nil {
		return err
	}
	req.AllowedPaymentWays = strings.Split(a[2], ",")
	c, err := rw.routerClient()
	if err != nil {
		return err
	}
	return w.rbsRegister(ctx, rw, c, req, false)
}

func (w *World) rbsRegisterSameNumber(ctx context.Context, rw *rbsWorld, _ []string) error {
	if rw.request == nil {
		return errors.New("steps: no order was registered before")
	}
	req := *rw.request
	return w.rbsRegister(ctx, rw, rw.current(), &req, rw.preAuth)
}

// rbsRegisterWith registers an order with one documented mistake.
func (w *World) rbsRegisterWith(ctx context.Context, rw *rbsWorld, a []string) error {
	req, err := rw.newRequest(craftgate.MustAmount("10.00"), "RUB")
	if err != nil {
		return err
	}
	c := rw.bankClient()
	switch a[0] {
	case "a relative return URL":
		req.ReturnURL = "/thanks"
	case "an unknown currency":
		req.Currency = rbs.Currency{Numeric: 999, Alpha: "XXX", Exponent: 2}
	case "an amount of 0":
		req.Amount = 0
	case "an order number of 37 characters":
		req.OrderNumber = strings.Repeat("7", 37)
	case "conflicting features":
		req.Features = []string{"AUTO_PAYMENT", "FORCE_TDS"}
	case "a wrong password":
		if rw.target.Token != "" {
			return errors.New("steps: the RBS target authenticates with a token; a wrong password cannot be tried")
		}
		if c, err = rbs.New(rbs.WithBaseURL(c.BaseURL()), rbs.WithVariant(c.Variant()), rbs.WithDoer(rw.browser.doer),
			rbs.WithCredentials(rw.target.UserName, rw.target.Password+"-wrong")); err != nil {
			return err
		}
	case "no amount":
		rw.client, rw.request, rw.order = c, req, nil
		params := []rbs.Param{rbs.Str("orderNumber", req.OrderNumber), rbs.Str("returnUrl", req.ReturnURL)}
		rw.err = c.Call(ctx, rbs.MethodRegister, params, &rbs.RegisterResponse{})
		if rw.err != nil && rbs.AsError(rw.err) == nil {
			return rw.err
		}
		return nil
	default:
		return fmt.Errorf("steps: unknown registration mistake %q: want a relative return URL, an unknown currency, an amount of 0, an order number of 37 characters, conflicting features, a wrong password or no amount", a[0])
	}
	return w.rbsRegister(ctx, rw, c, req, false)
}

func (w *World) rbsRegistered(_ context.Context, rw *rbsWorld, _ []string) error {
	if rw.err != nil {
		return fmt.Errorf("the gateway refused the registration: %w", rw.err)
	}
	if err := rw.needOrder(); err != nil {
		return err
	}
	if len(rw.order.OrderID) != 36 {
		return fmt.Errorf("orderId %q is not 36 characters", rw.order.OrderID)
	}
	u, err := url.Parse(rw.order.FormURL)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("formUrl %q is not an absolute URL", rw.order.FormURL)
	}
	if !strings.Contains(rw.order.FormURL, rw.order.OrderID) {
		return fmt.Errorf("formUrl %s does not name the order %s", rw.order.FormURL, rw.order.OrderID)
	}
	w.note(EvidenceRBSLink, rw.order.FormURL, "")
	return nil
}

func (w *World) rbsRefused(_ context.Context, rw *rbsWorld, a []string) error {
	want, err := strconv.Atoi(a[0])
	if err != nil {
		return fmt.Errorf("steps: errorCode %q", a[0])
	}
	e := rbs.AsError(rw.err)
	switch {
	case rw.err == nil:
		return fmt.Errorf("the gateway accepted the call, want errorCode %d", want)
	case e == nil:
		return fmt.Errorf("the call failed without an errorCode: %w", rw.err)
	case e.Code != want:
		return fmt.Errorf("errorCode %d (%s), want %d", e.Code, e.Message, want)
	}
	return nil
}

func (w *World) rbsUnknownStatus(ctx context.Context, rw *rbsWorld, _ []string) error {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := fmt.Sprintf("%x-%x-4%x-8%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])[:36]
	_, rw.err = rw.bankClient().OrderStatus(ctx, &rbs.StatusRequest{OrderID: id})
	if rw.err != nil && rbs.AsError(rw.err) == nil {
		return rw.err
	}
	return nil
}

// --- the payment page ---

func (w *World) rbsOpenPage(ctx context.Context, rw *rbsWorld, _ []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	p, err := rw.browser.getOK(ctx, rw.order.FormURL, "the payment page")
	if err != nil {
		return err
	}
	rw.page = p
	return nil
}

// rbsPageShowsCards: the test payment page shows test card data (seed
// 003: "на странице оплаты будут доступны тестовые данные карт").
func (w *World) rbsPageShowsCards(_ context.Context, rw *rbsWorld, _ []string) error {
	text := pageText(rw.page.Body)
	for _, tc := range rbs.TestCards().Filter(func(tc *rbs.TestCard) bool { return tc.Source == rbs.SourcePublished }) {
		if strings.Contains(text, tc.Number) {
			return nil
		}
	}
	return fmt.Errorf("the payment page shows no published test card: %s", truncateText(craftgate.MaskPANs(text), 300))
}

func (w *World) rbsPageSession(_ context.Context, rw *rbsWorld, a []string) error {
	text := pageText(rw.page.Body)
	want := a[0] + " min left"
	if !strings.Contains(text, want) {
		return fmt.Errorf("the payment page does not show %q: %s", want, truncateText(craftgate.MaskPANs(text), 300))
	}
	return nil
}

// rbsPayOnPage fills the payment page's card form as a person would and
// submits it.
func (w *World) rbsPayOnPage(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	if rw.page.URL == nil || !strings.Contains(rw.page.URL.RawQuery, rw.order.OrderID) {
		if err := w.rbsOpenPage(ctx, rw, nil); err != nil {
			return err
		}
	}
	pan := a[0]
	tc, _ := rbs.TestCards().Card(pan)
	rw.card = tc
	cvc := "123"
	if tc != nil && tc.CVC != "" {
		cvc = tc.CVC
	}
	set := map[string]string{"pan": pan, "month": "12", "year": strconv.Itoa(time.Now().Year() + 3), "cvc": cvc, "cardholder": "TEST CARDHOLDER"}
	if err := rw.press(ctx, rw.page, set, "pay"); err != nil {
		return err
	}
	w.note(EvidenceCard, craftgate.MaskPAN(pan), stepRBSPaymentPage)
	if f, err := ParseForm(rw.page); err == nil {
		if _, again := f.Get("pan"); again {
			return fmt.Errorf("the payment page refused the card: %s", truncateText(craftgate.MaskPANs(pageText(rw.page.Body)), 300))
		}
	}
	return nil
}

// onACS reports whether the browser is at the 3-D Secure page.
func (rw *rbsWorld) onACS() bool {
	f, err := ParseForm(rw.page)
	if err != nil {
		return false
	}
	_, ok := f.Get("password")
	return ok
}

func (w *World) rbsConfirm3DS(ctx context.Context, rw *rbsWorld, a []string) error {
	return w.rbsACS(ctx, rw, a[0], "confirm")
}

func (w *World) rbsWrong3DS(ctx context.Context, rw *rbsWorld, _ []string) error {
	return w.rbsACS(ctx, rw, "00000000-wrong", "confirm")
}

func (w *World) rbsACS(ctx context.Context, rw *rbsWorld, password, button string) error {
	if !rw.onACS() {
		return fmt.Errorf("the payer is not at a 3-D Secure page (HTTP %d %s)", rw.page.Status, pageName(rw.page))
	}
	return rw.press(ctx, rw.page, map[string]string{"password": password}, button)
}

func (w *World) rbsLanded(_ context.Context, rw *rbsWorld, a []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	want := rw.request.ReturnURL
	if a[0] == "fail" {
		want = rw.request.FailURL
	}
	u := rw.page.URL
	if u == nil {
		return errors.New("the payer's browser has no page")
	}
	landed := *u
	landed.RawQuery = ""
	if landed.String() != want {
		return fmt.Errorf("the payer ended on %s (HTTP %d), want the %s URL %s", redactedURL(u), rw.page.Status, a[0], want)
	}
	if got := u.Query().Get("orderId"); got != rw.order.OrderID {
		return fmt.Errorf("the %s URL carries orderId %q, want %s", a[0], got, rw.order.OrderID)
	}
	return nil
}

// rbsPaidOrder registers an order and pays it on the payment page,
// through 3-D Secure with the catalogue's password when the card needs it.
func (w *World) rbsPaidOrder(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := w.rbsRegisterOrder(ctx, rw, []string{"has registered", a[0], a[1], a[2], ""}); err != nil {
		return err
	}
	return w.rbsPayCard(ctx, rw, a[3])
}

// rbsPayCard pays the registered order with a catalogue card, 3-D Secure
// included.
func (w *World) rbsPayCard(ctx context.Context, rw *rbsWorld, pan string) error {
	if err := w.rbsPayOnPage(ctx, rw, []string{pan}); err != nil {
		return err
	}
	if rw.onACS() {
		if rw.card == nil || rw.card.Password == "" {
			return errors.New("the card went to 3-D Secure but the catalogue has no password for it")
		}
		return w.rbsACS(ctx, rw, rw.card.Password, "confirm")
	}
	return nil
}

// --- status ---

func (w *World) rbsHasStatus(ctx context.Context, rw *rbsWorld, a []string) error {
	want, err := strconv.Atoi(a[0])
	if err != nil {
		return fmt.Errorf("steps: status %q", a[0])
	}
	named, err := rbs.ParseOrderStatus(a[1])
	if err != nil {
		return err
	}
	if int(named) != want {
		return fmt.Errorf("steps: status %d is %s, not %s", want, rbs.OrderStatus(want), a[1])
	}
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	if st.Status() != named {
		return fmt.Errorf("orderStatus %d (%s, actionCode %s %s), want %d (%s)", st.Status(), st.Status(), st.ActionCode, st.ActionCodeDescription, want, a[1])
	}
	return nil
}

func (w *World) rbsAmountIs(ctx context.Context, rw *rbsWorld, a []string) error {
	amount, err := ParseAmount(a[1])
	if err != nil {
		return err
	}
	cur, err := rbs.CurrencyOf(a[2])
	if err != nil {
		return err
	}
	want, err := rbs.ToMinor(amount.Decimal, cur)
	if err != nil {
		return err
	}
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	got := st.Amounts()
	var have int64
	switch a[0] {
	case "approved":
		have = int64(got.ApprovedAmount)
	case "deposited":
		have = int64(got.DepositedAmount)
	default:
		have = int64(got.RefundedAmount)
	}
	if have != want {
		return fmt.Errorf("%s amount %s %s (%d minor units), want %s", a[0], rbs.FormatMinor(have, cur), cur, have, rbs.FormatMinor(want, cur))
	}
	return nil
}

func (w *World) rbsShowsCard(ctx context.Context, rw *rbsWorld, a []string) error {
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	if st.MaskedPAN() != a[0] {
		return fmt.Errorf("cardAuthInfo.maskedPan %q, want %q", craftgate.MaskPANs(st.MaskedPAN()), a[0])
	}
	return nil
}

func (w *World) rbsActionCode(ctx context.Context, rw *rbsWorld, a []string) error {
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	if string(st.ActionCode) != a[0] {
		return fmt.Errorf("actionCode %s (%s), want %s", st.ActionCode, st.ActionCodeDescription, a[0])
	}
	return nil
}

func (w *World) rbsPaidBy(ctx context.Context, rw *rbsWorld, a []string) error {
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return err
	}
	if st.PaymentWay != a[0] {
		return fmt.Errorf("paymentWay %q, want %q", st.PaymentWay, a[0])
	}
	return nil
}

func (w *World) rbsRouterState(ctx context.Context, rw *rbsWorld, a []string) error {
	c, err := rw.routerClient()
	if err != nil {
		return err
	}
	if err := rw.needOrder(); err != nil {
		return err
	}
	st, err := c.OrderStatus(ctx, &rbs.StatusRequest{OrderID: rw.order.OrderID})
	if err != nil {
		return fmt.Errorf("steps: router getOrderStatusExtended.do: %w", err)
	}
	if st.State != a[0] {
		return fmt.Errorf("router state %q, want %q", st.State, a[0])
	}
	return nil
}

// --- deposit, reverse, refund ---

// rbsKeep keeps a gateway refusal for the next step; any other failure
// fails this one.
func rbsKeep(rw *rbsWorld, err error) error {
	rw.err = err
	if err != nil && rbs.AsError(err) == nil {
		return err
	}
	return nil
}

// minorOf parses an amount step argument into the order's minor units.
func minorOf(amount, currency string) (int64, error) {
	a, err := ParseAmount(amount)
	if err != nil {
		return 0, err
	}
	cur, err := rbs.CurrencyOf(currency)
	if err != nil {
		return 0, err
	}
	return rbs.ToMinor(a.Decimal, cur)
}

// rbsMove runs one of the merchant's moves on the order (deposit,
// reverse, refund) for the amount and currency the step names (a), or,
// when it names none, with amount 0: the whole amount. The gateway's
// refusal is kept for the next step.
func rbsMove(rw *rbsWorld, a []string, move func(orderID string, amount int64) error) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	var n int64
	if len(a) == 2 {
		var err error
		if n, err = minorOf(a[0], a[1]); err != nil {
			return err
		}
	}
	return rbsKeep(rw, move(rw.order.OrderID, n))
}

func (w *World) rbsDeposit(ctx context.Context, rw *rbsWorld, a []string) error {
	return rbsMove(rw, a, func(id string, n int64) error {
		return rw.current().Deposit(ctx, &rbs.DepositRequest{OrderID: id, Amount: n})
	})
}

func (w *World) rbsReverse(ctx context.Context, rw *rbsWorld, a []string) error {
	return rbsMove(rw, a, func(id string, n int64) error {
		return rw.current().Reverse(ctx, &rbs.ReverseRequest{OrderID: id, Amount: n})
	})
}

func (w *World) rbsRefund(ctx context.Context, rw *rbsWorld, a []string) error {
	return rbsMove(rw, a, func(id string, n int64) error {
		return rw.current().Refund(ctx, &rbs.RefundRequest{OrderID: id, Amount: n})
	})
}

func (w *World) rbsDayEnded(ctx context.Context, rw *rbsWorld, _ []string) error {
	return w.advanceRBSClock(ctx, rw, 24*time.Hour)
}

// --- Alfa Pay ---

func (w *World) rbsAskAlfaPay(ctx context.Context, rw *rbsWorld, _ []string) error {
	if err := rw.needOrder(); err != nil {
		return err
	}
	c, err := rw.routerClient()
	if err != nil {
		return err
	}
	rw.alfaPay, err = c.AlfaPayPaymentOrder(ctx, &rbs.AlfaPayRequest{OrderID: rw.order.OrderID, Language: "ru"})
	return rbsKeep(rw, err)
}

func (w *World) rbsAlfaPayRedirect(ctx context.Context, rw *rbsWorld, _ []string) error {
	if rw.err != nil {
		return fmt.Errorf("the router refused Alfa Pay: %w", rw.err)
	}
	if rw.alfaPay == nil {
		return errors.New("steps: Alfa Pay was not asked for")
	}
	if u, err := url.Parse(rw.alfaPay.Redirect); err != nil || !u.IsAbs() {
		return fmt.Errorf("the Alfa Pay redirect %q is not an absolute URL", rw.alfaPay.Redirect)
	}
	p, err := rw.browser.getOK(ctx, rw.alfaPay.Redirect, "the Alfa Pay page")
	if err != nil {
		return err
	}
	rw.page = p
	return nil
}

// alfaPayForm returns the Alfa Pay page's form, opening the page when the
// payer is not on it yet.
func (w *World) alfaPayForm(ctx context.Context, rw *rbsWorld) (*Form, error) {
	f, err := ParseForm(rw.page)
	if err == nil {
		if _, ok := f.Options["card"]; ok {
			return f, nil
		}
	}
	if rw.alfaPay == nil {
		return nil, errors.New("the payer is not on the Alfa Pay page")
	}
	if err := w.rbsAlfaPayRedirect(ctx, rw, nil); err != nil {
		return nil, err
	}
	return ParseForm(rw.page)
}

func (w *World) rbsPayAlfaPay(ctx context.Context, rw *rbsWorld, a []string) error {
	if _, err := w.alfaPayForm(ctx, rw); err != nil {
		return err
	}
	if err := rw.press(ctx, rw.page, map[string]string{"card": "card-" + a[0]}, "pay"); err != nil {
		return err
	}
	for _, tc := range rbs.TestCards().AlfaPayWallet() {
		if strings.HasSuffix(tc.Number, a[0]) {
			w.note(EvidenceCard, tc.Masked(), stepRBSAlfaPay)
		}
	}
	return nil
}

func (w *World) rbsCancelAlfaPay(ctx context.Context, rw *rbsWorld, _ []string) error {
	if _, err := w.alfaPayForm(ctx, rw); err != nil {
		return err
	}
	return rw.press(ctx, rw.page, nil, "cancel")
}

func (w *World) rbsChooseAlfaPay(ctx context.Context, rw *rbsWorld, _ []string) error {
	if err := w.rbsOpenPage(ctx, rw, nil); err != nil {
		return err
	}
	return rw.press(ctx, rw.page, nil, "alfapay")
}

// --- callbacks ---

func (w *World) rbsReceivesCallback(ctx context.Context, rw *rbsWorld, a []string) error {
	cb, err := w.rbsCallback(ctx, rw, a[0])
	if err != nil {
		return err
	}
	if cb.Status() != a[1] {
		return fmt.Errorf("the %s callback has status %q, want %s", a[0], cb.Status(), a[1])
	}
	return nil
}

func (rw *rbsWorld) needCallback() (*rbs.ReceivedCallback, error) {
	if rw.callback == nil {
		return nil, errors.New("steps: no RBS callback received in this scenario")
	}
	return rw.callback, nil
}

func (w *World) rbsCallbackVerifies(_ context.Context, rw *rbsWorld, _ []string) error {
	cb, err := rw.needCallback()
	if err != nil {
		return err
	}
	// Checked here with the key, independently of the receiver.
	if err := rbs.VerifyChecksum(cb.Params, rw.target.CallbackKey); err != nil {
		return fmt.Errorf("the %s callback: %w", cb.Operation(), err)
	}
	if !cb.Verified || cb.Answer != http.StatusOK {
		return fmt.Errorf("the merchant's receiver did not accept the callback (HTTP %d: %s)", cb.Answer, cb.Problem)
	}
	w.note(EvidenceCallback, fmt.Sprintf("rbs %s status %s for %s: checksum verified", cb.Operation(), cb.Status(), cb.MdOrder()), "")
	w.note(EvidenceSignature, "rbs callback checksum (HMAC-SHA256)", "")
	return nil
}

func (w *World) rbsCallbackNamesOrder(_ context.Context, rw *rbsWorld, _ []string) error {
	cb, err := rw.needCallback()
	if err != nil {
		return err
	}
	if cb.MdOrder() != rw.order.OrderID || cb.Params.Get("orderNumber") != rw.request.OrderNumber {
		return fmt.Errorf("the callback names mdOrder %q, orderNumber %q; want %s, %s", cb.MdOrder(), cb.Params.Get("orderNumber"), rw.order.OrderID, rw.request.OrderNumber)
	}
	return nil
}

func (w *World) rbsCallbackCarries(_ context.Context, rw *rbsWorld, a []string) error {
	cb, err := rw.needCallback()
	if err != nil {
		return err
	}
	if got := cb.Params.Get(a[0]); got != a[1] {
		return fmt.Errorf("the callback's %s is %q, want %q", a[0], got, a[1])
	}
	return nil
}

// forge sends a copy of the received callback, changed by edit, to the
// merchant's callback URL, as anyone who saw the real one could.
func (w *World) rbsForge(ctx context.Context, rw *rbsWorld, edit func(url.Values) error) error {
	cb, err := rw.needCallback()
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, vs := range cb.Params {
		q[k] = append([]string(nil), vs...)
	}
	if err := edit(q); err != nil {
		return err
	}
	rw.forged = q
	u := strings.TrimRight(rw.target.MerchantURL, "/") + rbs.ReceiverCallbackPath + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	resp, err := rw.browser.doer.Do(req)
	if err != nil {
		return fmt.Errorf("steps: the forged callback: %w", err)
	}
	resp.Body.Close()
	rw.forgedAnswer = resp.StatusCode
	return nil
}

func (w *World) rbsForgeChanged(ctx context.Context, rw *rbsWorld, a []string) error {
	return w.rbsForge(ctx, rw, func(q url.Values) error {
		if q.Get(a[0]) == a[1] {
			return fmt.Errorf("steps: the callback's %s is %q already", a[0], a[1])
		}
		q.Set(a[0], a[1])
		return nil
	})
}

func (w *World) rbsForgeUnsigned(ctx context.Context, rw *rbsWorld, _ []string) error {
	return w.rbsForge(ctx, rw, func(q url.Values) error {
		q.Del(rbs.ParamChecksum)
		return nil
	})
}

// forgedRecord finds the receiver's record of the forged callback.
func (rw *rbsWorld) forgedRecord() (*rbs.ReceivedCallback, error) {
	if rw.forged == nil {
		return nil, errors.New("steps: no forged callback was sent")
	}
	if rw.target.Merchant == nil {
		return nil, nil
	}
	all := rw.target.Merchant.Callbacks(rw.forged.Get("mdOrder"))
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Params.Encode() == rw.forged.Encode() {
			return &all[i], nil
		}
	}
	return nil, errors.New("the merchant's receiver has no record of the forged callback")
}

func (w *World) rbsForgedRejected(_ context.Context, rw *rbsWorld, _ []string) error {
	rec, err := rw.forgedRecord()
	if err != nil {
		return err
	}
	if rbs.VerifyChecksum(rw.forged, rw.target.CallbackKey) == nil {
		return errors.New("the forged callback's checksum verifies: the change was not covered")
	}
	if rw.forgedAnswer == http.StatusOK {
		return errors.New("the merchant accepted the forged callback with HTTP 200")
	}
	if rec != nil && rec.Verified {
		return errors.New("the merchant's receiver marked the forged callback verified")
	}
	w.note(EvidenceSignature, "rbs callback checksum rejects a tampered callback", "")
	return nil
}

func (w *World) rbsForgedUntrusted(_ context.Context, rw *rbsWorld, _ []string) error {
	rec, err := rw.forgedRecord()
	if err != nil {
		return err
	}
	if rec != nil && rec.Verified {
		return errors.New("the merchant's receiver trusted a callback without a checksum")
	}
	if rbs.VerifyChecksum(rw.forged, rw.target.CallbackKey) == nil {
		return errors.New("the forged callback verifies")
	}
	return nil
}

// --- RetailCRM go-live ---

// retailCRMSessionSecs is the payment page's session of a RetailCRM
// payment link: seed 003 says the payer sees a 30-minute timer, reset
// when the link is opened again. Whether the module registers with
// sessionTimeoutSecs=1800 or re-registers is not documented (docs/reference/alfabank/retailcrm.md
// §5, inference); the steps register with 1800 s.
const retailCRMSessionSecs = 1800

// rbsCreateLink does what the RetailCRM module does for "create link":
// register.do for the CRM order with the module's return, fail and
// callback (webhook) URLs; the formUrl is the payment link.
func (w *World) rbsCreateLink(ctx context.Context, rw *rbsWorld, a []string) error {
	req, err := rw.parsedRequest(a[1], a[2])
	if err != nil {
		return err
	}
	req.OrderNumber = newOrderNumber(a[0])
	req.SessionTimeoutSecs = retailCRMSessionSecs
	req.Description = "RetailCRM order " + a[0]
	req.JSONParams = map[string]string{"retailcrmOrder": a[0]}
	if err := w.rbsRegister(ctx, rw, rw.bankClient(), req, false); err != nil {
		return err
	}
	if rw.err != nil {
		return fmt.Errorf("the gateway refused the payment link: %w", rw.err)
	}
	return w.rbsRegistered(ctx, rw, nil)
}

// rbsPayThroughLink is one whole go-live test payment: the payer opens
// the link and pays with the card; the merchant reads the order's status
// and its callback, and the evidence records them.
func (w *World) rbsPayThroughLink(ctx context.Context, rw *rbsWorld, a []string) error {
	if err := w.rbsOpenPage(ctx, rw, nil); err != nil {
		return err
	}
	if err := w.rbsPageShowsCards(ctx, rw, nil); err != nil {
		return err
	}
	if err := w.rbsPayCard(ctx, rw, a[0]); err != nil {
		return err
	}
	_, err := w.rbsRecordGoLive(ctx, rw)
	return err
}

// rbsRecordGoLive records the current order as a go-live test payment.
func (w *World) rbsRecordGoLive(ctx context.Context, rw *rbsWorld) (goLivePayment, error) {
	st, err := w.rbsRefresh(ctx, rw)
	if err != nil {
		return goLivePayment{}, err
	}
	p := goLivePayment{OrderID: rw.order.OrderID, OrderNumber: rw.request.OrderNumber, Link: rw.order.FormURL,
		Status: st.Status(), ActionCode: string(st.ActionCode), Succeeded: st.Status().Paid()}
	if rw.card != nil {
		p.MaskedCard = rw.card.Masked()
	}
	op := rbs.OperationDeposited
	if rw.preAuth {
		op = rbs.OperationApproved
	}
	if rw.target.Merchant != nil {
		cb, err := w.rbsCallback(ctx, rw, op)
		if err != nil {
			return goLivePayment{}, err
		}
		p.Callback = fmt.Sprintf("%s status %s", cb.Operation(), cb.Status())
		if cb.Verified {
			p.Callback += ", checksum verified"
		}
	}
	result := "failed"
	if p.Succeeded {
		result = "successful"
	}
	value := fmt.Sprintf("%s test payment: order %s (orderNumber %s), orderStatus %d %s, actionCode %s, card %s",
		result, p.OrderID, p.OrderNumber, p.Status, p.Status, p.ActionCode, p.MaskedCard)
	if p.Callback != "" {
		value += ", callback " + p.Callback
	}
	w.note(EvidenceRBSGoLive, value, "")
	for i, q := range rw.goLive {
		if q.OrderID == p.OrderID {
			rw.goLive[i] = p
			return p, nil
		}
	}
	rw.goLive = append(rw.goLive, p)
	return p, nil
}

func (w *World) rbsGoLiveRecords(ctx context.Context, rw *rbsWorld, a []string) error {
	p, err := w.rbsRecordGoLive(ctx, rw)
	if err != nil {
		return err
	}
	return checkGoLive(p, a[0] == "successful")
}

// checkGoLive checks one go-live payment: a success is deposited (2) or
// held (1) with actionCode 0; a failure is declined (6); both carry the
// masked card and a verified callback with the matching status.
func checkGoLive(p goLivePayment, success bool) error {
	switch {
	case success && !p.Succeeded:
		return fmt.Errorf("order %s: orderStatus %d %s, want a successful payment", p.OrderID, p.Status, p.Status)
	case !success && p.Status != rbs.StatusDeclined:
		return fmt.Errorf("order %s: orderStatus %d %s, want 6 DECLINED", p.OrderID, p.Status, p.Status)
	case p.MaskedCard == "" || !strings.Contains(p.MaskedCard, "*"):
		return fmt.Errorf("order %s: no masked card recorded", p.OrderID)
	case p.Callback == "":
		return fmt.Errorf("order %s: no callback recorded", p.OrderID)
	case !strings.Contains(p.Callback, "checksum verified"):
		return fmt.Errorf("order %s: the callback (%s) did not verify", p.OrderID, p.Callback)
	case success != strings.Contains(p.Callback, "status 1"):
		return fmt.Errorf("order %s: callback %s does not match the payment's result", p.OrderID, p.Callback)
	}
	return nil
}

func (w *World) rbsGoLiveBoth(_ context.Context, rw *rbsWorld, _ []string) error {
	var ok, failed []goLivePayment
	for _, p := range rw.goLive {
		if p.Succeeded {
			ok = append(ok, p)
		} else {
			failed = append(failed, p)
		}
	}
	if len(ok) != 1 || len(failed) != 1 {
		return fmt.Errorf("the go-live evidence holds %d successful and %d failed payments, want one of each", len(ok), len(failed))
	}
	if err := checkGoLive(ok[0], true); err != nil {
		return err
	}
	if err := checkGoLive(failed[0], false); err != nil {
		return err
	}
	if ok[0].OrderID == failed[0].OrderID || ok[0].Link == failed[0].Link {
		return errors.New("both go-live payments used the same order or link")
	}
	return nil
}
