package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// Evidence kinds of the RBS scenarios (the card and callback kinds are
// shared with Craftgate's).
const (
	EvidenceRBSTarget = "rbsTarget"      // the gateway the scenario ran against
	EvidenceRBSLink   = "rbsPaymentLink" // a payment link (formUrl) handed out
	EvidenceRBSOrder  = "rbsOrder"       // an order id with its order number
	EvidenceRBSStatus = "rbsStatus"      // an order's orderStatus and actionCode as the gateway reported it
	EvidenceRBSGoLive = "rbsGoLive"      // one go-live test payment: result, order, status, masked card, callback
)

// Steps (the Step of Evidence) at which RBS cards are exercised.
const (
	stepRBSPaymentPage craftgate.Step = "RBS_PAYMENT_PAGE"
	stepRBSAlfaPay     craftgate.Step = "RBS_ALFAPAY"
)

// rbsWorld is the RBS part of a scenario.
type rbsWorld struct {
	target   *RBSTarget
	closeFn  func() error
	bank     *rbs.Client
	router   *rbs.Client
	browser  browser
	embedded bool

	// the order under test
	client  *rbs.Client // the variant it was registered through
	request *rbs.RegisterRequest
	preAuth bool
	order   *rbs.RegisterResponse
	// page is the last page the payer's browser showed.
	page    Page
	card    *rbs.TestCard
	status  *rbs.OrderStatusExtended
	alfaPay *rbs.AlfaPayResponse
	// err is the last gateway call's error.
	err error

	// callbacks
	callback     *rbs.ReceivedCallback
	forged       url.Values
	forgedAnswer int

	// goLive lists the go-live payments made through payment links.
	goLive []goLivePayment

	// binding is the stored card under test; qr the SBP QR code; direct
	// and pay the last paymentorder.do and its answer, tds2 its 3-D
	// Secure 2 transaction; orders the last reconciliation list; codes
	// the JSON code mode of a scenario's own mock.
	binding *rbs.Binding
	qr      *rbs.SBPQR
	direct  *rbs.PaymentOrderRequest
	pay     *rbs.PaymentResponse
	tds2    string
	orders  []rbs.OrderStatusExtended
	codes   string
	// customers maps the customers a scenario names to their clientId.
	customers map[string]string
}

// goLivePayment is one RetailCRM go-live test payment.
type goLivePayment struct {
	OrderID, OrderNumber string
	Link                 string
	Status               rbs.OrderStatus
	ActionCode           string
	MaskedCard           string
	Callback             string
	Succeeded            bool
}

// rbsWorld returns the scenario's RBS state, connecting on first use: to
// the Target's RBS gateway, or to an in-process RBS mock when it names
// none.
func (w *World) rbsWorld() (*rbsWorld, error) {
	if w.rbs != nil {
		return w.rbs, nil
	}
	rw := &rbsWorld{}
	t := w.target.RBS
	if t == nil {
		et, closeFn, err := embeddedRBS(rbsmock.CodesDocumented)
		if err != nil {
			return nil, err
		}
		t, rw.closeFn, rw.embedded = et, closeFn, true
	} else {
		c := *t
		t = &c
		if err := checkRBSTarget(t); err != nil {
			return nil, err
		}
	}
	rw.target = t
	doer := t.Doer
	if doer == nil {
		doer = w.target.Doer
	}
	if doer == nil {
		doer = http.DefaultClient
	}
	rw.browser = browser{doer: doer}
	auth := rbs.WithCredentials(t.UserName, t.Password)
	if t.Token != "" {
		auth = rbs.WithToken(t.Token)
	}
	var err error
	if t.BaseURL != "" {
		if rw.bank, err = rbs.New(rbs.WithBaseURL(t.BaseURL), auth, rbs.WithDoer(doer)); err != nil {
			return nil, fmt.Errorf("steps: RBS bank client: %w", err)
		}
	}
	if t.RouterURL != "" {
		if rw.router, err = rbs.New(rbs.WithBaseURL(t.RouterURL), auth, rbs.WithVariant(rbs.VariantRouter), rbs.WithDoer(doer)); err != nil {
			return nil, fmt.Errorf("steps: RBS router client: %w", err)
		}
	}
	w.rbs = rw
	return rw, nil
}

// closeRBS stops the scenario's in-process RBS mock, if it has one.
func (w *World) closeRBS() error {
	if w.rbs == nil || w.rbs.closeFn == nil {
		return nil
	}
	f := w.rbs.closeFn
	w.rbs.closeFn = nil
	return f()
}

// bankClient returns the bank-variant client, or the router's when the
// target has only a router.
func (rw *rbsWorld) bankClient() *rbs.Client {
	if rw.bank != nil {
		return rw.bank
	}
	return rw.router
}

func (rw *rbsWorld) routerClient() (*rbs.Client, error) {
	if rw.router == nil {
		return nil, errors.New("steps: the RBS target has no RouterURL: the router and Alfa Pay scenarios need one")
	}
	return rw.router, nil
}

// current returns the client the order was registered through.
func (rw *rbsWorld) current() *rbs.Client {
	if rw.client != nil {
		return rw.client
	}
	return rw.bankClient()
}

// press fills set in page's form and presses its button "action" of value
// action, as the payer; the page answered becomes the payer's page.
func (rw *rbsWorld) press(ctx context.Context, page Page, set map[string]string, action string) error {
	next, _, err := rw.browser.submit(ctx, page, set, &Button{Name: "action", Value: action})
	if err != nil {
		return err
	}
	rw.page = next
	return nil
}

// requireQR returns the SBP QR code the merchant asked for.
func (rw *rbsWorld) requireQR() (*rbs.SBPQR, error) {
	if rw.qr == nil {
		return nil, errors.New("steps: no SBP QR code asked for")
	}
	return rw.qr, nil
}

// needOrder fails a step that needs a registered order.
func (rw *rbsWorld) needOrder() error {
	if rw.order == nil {
		return errors.New("steps: no RBS order registered in this scenario")
	}
	return nil
}

// newOrderNumber returns a unique orderNumber (≤ 36 characters): the
// gateway refuses a number twice per merchant, across runs too.
func newOrderNumber(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms
	if len(prefix) > 20 {
		prefix = prefix[:20]
	}
	return prefix + "-" + hex.EncodeToString(b[:])
}

// parsedRequest is newRequest with the amount as the scenario wrote it.
func (rw *rbsWorld) parsedRequest(amount, currency string) (*rbs.RegisterRequest, error) {
	am, err := ParseAmount(amount)
	if err != nil {
		return nil, err
	}
	return rw.newRequest(am, currency)
}

// newRequest builds a register request for amount, with the merchant's
// return, fail and callback URLs.
func (rw *rbsWorld) newRequest(amount craftgate.Amount, currency string) (*rbs.RegisterRequest, error) {
	cur, err := rbs.CurrencyOf(currency)
	if err != nil {
		return nil, fmt.Errorf("steps: %w", err)
	}
	minor, err := rbs.ToMinor(amount.Decimal, cur)
	if err != nil {
		return nil, fmt.Errorf("steps: %w", err)
	}
	base := strings.TrimRight(rw.target.MerchantURL, "/")
	return &rbs.RegisterRequest{OrderNumber: newOrderNumber("gc"), Amount: minor, Currency: cur,
		ReturnURL: base + rbs.ReceiverReturnPath, FailURL: base + rbs.ReceiverFailPath,
		DynamicCallbackURL: base + rbs.ReceiverCallbackPath, Language: "en",
		Description: "gatecheck conformance test payment"}, nil
}

// register registers req through c; the error, if the gateway refused,
// is kept for the next step.
func (w *World) rbsRegister(ctx context.Context, rw *rbsWorld, c *rbs.Client, req *rbs.RegisterRequest, preAuth bool) error {
	rw.client, rw.request, rw.preAuth = c, req, preAuth
	rw.order, rw.status, rw.card, rw.alfaPay, rw.callback = nil, nil, nil, nil, nil
	var err error
	if preAuth {
		rw.order, err = c.RegisterPreAuth(ctx, req)
	} else {
		rw.order, err = c.Register(ctx, req)
	}
	rw.err = err
	if err != nil {
		if rbs.AsError(err) == nil {
			return err // not the gateway's refusal: a broken call
		}
		return nil
	}
	w.note(EvidenceRBSOrder, rw.order.OrderID+" (orderNumber "+req.OrderNumber+")", "")
	return nil
}

// refresh reads the order's status.
func (w *World) rbsRefresh(ctx context.Context, rw *rbsWorld) (*rbs.OrderStatusExtended, error) {
	if err := rw.needOrder(); err != nil {
		return nil, err
	}
	st, err := rw.current().OrderStatus(ctx, &rbs.StatusRequest{OrderID: rw.order.OrderID})
	if err != nil {
		return nil, fmt.Errorf("steps: getOrderStatusExtended.do: %w", err)
	}
	rw.status = st
	w.note(EvidenceRBSStatus, fmt.Sprintf("%s: orderStatus %d %s, actionCode %s", rw.order.OrderID, st.Status(), st.Status(), st.ActionCode), "")
	return st, nil
}

// rbsCallback waits for the order's callback of operation.
func (w *World) rbsCallback(ctx context.Context, rw *rbsWorld, operation string) (*rbs.ReceivedCallback, error) {
	if err := rw.needOrder(); err != nil {
		return nil, err
	}
	if rw.target.Merchant == nil {
		return nil, errors.New("steps: the RBS target has no in-process merchant receiver, so the callback steps cannot see callbacks")
	}
	ctx, cancel := context.WithTimeout(ctx, rbsCallbackWait)
	defer cancel()
	cb, err := rw.target.Merchant.WaitCallback(ctx, rw.order.OrderID, operation)
	if err != nil {
		return nil, fmt.Errorf("steps: %w", err)
	}
	rw.callback = &cb
	return &cb, nil
}

// rbsCallbackWait bounds the wait for a callback.
const rbsCallbackWait = 10 * time.Second

// advanceRBSClock moves the gateway's clock: an in-process mock directly,
// a gatecheck RBS mock elsewhere through its admin route.
func (w *World) advanceRBSClock(ctx context.Context, rw *rbsWorld, d time.Duration) error {
	if rw.target.Mock != nil {
		rw.target.Mock.Advance(d)
		return nil
	}
	root := strings.TrimSuffix(rw.target.BaseURL, rbsmock.BankPath)
	form := url.Values{"userName": {rw.target.UserName}, "password": {rw.target.Password}, "duration": {d.String()}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, root+"/_mock/rbs/clock/advance", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("steps: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := rw.browser.doer.Do(req)
	if err != nil {
		return fmt.Errorf("steps: the RBS mock's clock: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("steps: the RBS target has no mock clock (HTTP %d): @clock scenarios need gatecheck's RBS mock", resp.StatusCode)
	}
	return nil
}
