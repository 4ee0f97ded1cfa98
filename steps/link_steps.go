package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/gatecheck/gatecheck/craftgate"
)

// linkWorld is the pay-by-link part of a scenario, made on first use.
type linkWorld struct {
	req     *craftgate.CreateProductRequest
	product *craftgate.Product
	page    Page  // the page the buyer last saw after paying or opening the link
	err     error // the last refused product call
}

// lk returns the scenario's linkWorld, made on first use.
func (w *World) lk() *linkWorld {
	return lazy(&w.link)
}

func linkDefinitions() []Definition {
	return []Definition{
		{`^the merchant has created a payment link for ` + ReAmount + ` ` + ReCurrency + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.createLink(ctx, a0, a1, "") })},
		{`^the merchant has created a payment link for ` + ReAmount + ` ` + ReCurrency + ` with a stock of (\d+)$`,
			step3((*World).createLink)},
		{`^the merchant creates a payment link for an order with a stock of (\d+)$`,
			step1((*World).createOrderLink)},
		{`^the buyer pays through the payment link with ` + ReCard + `$`,
			step1((*World).payThroughLink)},
		{`^the buyer has paid through the payment link with ` + ReCard + `$`,
			step1((*World).hasPaidThroughLink)},
		{`^the merchant (deactivates|reactivates) the payment link$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.setLinkStatus(ctx, a0 == "reactivates")
			})},
		{`^the merchant renames the payment link to "([^"]+)"$`,
			step1((*World).renameLink)},
		{`^the merchant deletes the payment link$`, step0((*World).deleteLink)},

		{`^the payment is a pay-by-link payment for the link's price$`, step0((*World).linkPaymentMatches)},
		{`^the pay-by-link payment failed with error group ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.linkPaymentFailed(a0) })},
		{`^the payment link has sold (\d+)$`,
			step1((*World).linkSold)},
		{`^the payment link page says "([^"]+)" and takes no payment$`,
			step1((*World).linkPageRefuses)},
		{`^the payment link has a page address and a QR code address$`, step0((*World).linkHasAddresses)},
		{`^the merchant finds the payment link by its name$`, step0((*World).findLink)},
		{`^the payment link is named "([^"]+)"$`,
			step1((*World).linkNamed)},
		{`^the payment link no longer exists$`, step0((*World).linkGone)},
		{`^the payment link is refused as a validation error$`, step0((*World).linkRefused)},
	}
}

// newLinkRequest is a product of price in currency, named and identified
// uniquely for the scenario.
func newLinkRequest(price craftgate.Amount, currency string) *craftgate.CreateProductRequest {
	conv := newConversationID()
	installments := []int{1}
	if currency == craftgate.CurrencyTRY {
		installments = []int{1, 2, 3}
	}
	return &craftgate.CreateProductRequest{
		Name: "Gatecheck ticket " + conv, Description: "A **gatecheck** conformance product\nOne ticket",
		Price: price, Currency: currency, EnabledInstallments: installments, ConversationID: conv,
		ExternalID: "link-" + conv,
	}
}

func (w *World) createLink(ctx context.Context, amount, currency, stock string) error {
	price, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	req := newLinkRequest(price, currency)
	if stock != "" {
		n, err := ParseInt(stock)
		if err != nil {
			return err
		}
		req.Stock = &n
	}
	x := w.lk()
	x.req, x.product, x.err = req, nil, nil
	p, err := w.client.CreateProduct(ctx, req)
	if err != nil {
		return fmt.Errorf("expected the payment link to be created, got %s", describeErr(err))
	}
	var m mismatches
	m.check("status", craftgate.ProductActive, p.Status)
	m.check("name", req.Name, p.Name)
	m.amount("price", req.Price, p.Price)
	m.check("currency", req.Currency, p.Currency)
	m.check("soldCount", 0, p.SoldCount)
	if p.ID == 0 || p.Token == "" {
		m.addf("id and token: expected both, got %d and %q", p.ID, p.Token)
	}
	if err := m.err("payment link"); err != nil {
		return err
	}
	x.product = p
	w.note(EvidenceToken, "payment link token "+p.Token, "")
	return nil
}

// createOrderLink asks for a link for one order (orderId) with the given
// stock; the answer is kept for the Then steps.
func (w *World) createOrderLink(ctx context.Context, stock string) error {
	n, err := ParseInt(stock)
	if err != nil {
		return err
	}
	req := newLinkRequest(craftgate.MustAmount("100"), craftgate.CurrencyTRY)
	req.OrderID, req.Stock = "order-"+req.ConversationID, &n
	x := w.lk()
	x.req, x.product, x.err = req, nil, nil
	p, err := w.client.CreateProduct(ctx, req)
	if err != nil && craftgate.AsError(err) == nil {
		return fmt.Errorf("steps: creating the payment link: %w", err)
	}
	x.product, x.err = p, err
	return nil
}

func (w *World) requireLink() (*craftgate.Product, error) {
	if x := w.link; x != nil && x.product != nil {
		return x.product, nil
	}
	return nil, errors.New(`steps: no payment link: "Given the merchant has created a payment link for ..." first`)
}

// payThroughLink plays the buyer: open the link's page, type the card and
// pay; the merchant then finds the payment as it would learn of any
// payment (docs/reference/craftgate/flows.md section 8): by its conversationId, the link's.
func (w *World) payThroughLink(ctx context.Context, spec string) error {
	card, p, err := withArg(spec, w.parseCard, w.requireLink)
	if err != nil {
		return err
	}
	w.startPayment(card, nil)
	w.err = nil
	b := w.browser()
	req, err := w.cardFormAt(ctx, b, p.URL, "the payment link page", card)
	if err != nil {
		return err
	}
	before, err := w.paymentIDsByConversation(ctx, p.ConversationID)
	if err != nil {
		return fmt.Errorf("steps: searching the link's payments: %w", err)
	}
	done, err := b.do(req)
	if err != nil {
		return err
	}
	w.lk().page = done
	if _, err := ParseForm(done); done.Status != http.StatusOK || err == nil {
		return fmt.Errorf("steps: the payment link page did not take %s (HTTP %d): %s", card, done.Status, excerpt(done.Body))
	}
	after, err := w.paymentIDsByConversation(ctx, p.ConversationID)
	if err != nil {
		return fmt.Errorf("steps: searching the link's payments: %w", err)
	}
	var id int64
	for _, a := range after {
		if !slices.Contains(before, a) && a > id {
			id = a
		}
	}
	if id == 0 {
		return fmt.Errorf("steps: no new payment with the link's conversationId %q after paying with %s", p.ConversationID, card)
	}
	w.paymentID = id
	w.noteAttempt(craftgate.StepNon3DSPayment, card, id, nil)
	pay, err := w.client.RetrievePayment(ctx, id)
	if err != nil {
		return fmt.Errorf("steps: retrieving the link payment %d: %w", id, err)
	}
	w.retrieved = pay
	if pay.PaymentStatus == craftgate.StatusSuccess {
		w.payment = pay
	} else {
		w.err = fmt.Errorf("payment %d is %s", id, pay.PaymentStatus)
	}
	return nil
}

func (w *World) hasPaidThroughLink(ctx context.Context, spec string) error {
	return w.paidWith(ctx, w.payThroughLink, spec)
}

// updateLink sends the link's fields back with change applied (the update
// is a replacement), keeping the answer as the link.
func (w *World) updateLink(ctx context.Context, change func(*craftgate.UpdateProductRequest)) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	req := &craftgate.UpdateProductRequest{CreateProductRequest: *w.link.req, Status: p.Status}
	change(req)
	got, err := w.client.UpdateProduct(ctx, p.ID, req)
	if err != nil {
		return fmt.Errorf("expected the payment link to be updated, got %s", describeErr(err))
	}
	w.link.req, w.link.product = &req.CreateProductRequest, got
	return nil
}

func (w *World) setLinkStatus(ctx context.Context, active bool) error {
	status := craftgate.ProductPassive
	if active {
		status = craftgate.ProductActive
	}
	if err := w.updateLink(ctx, func(r *craftgate.UpdateProductRequest) { r.Status = status }); err != nil {
		return err
	}
	if got := w.link.product.Status; got != status {
		return fmt.Errorf("payment link: status expected %s, got %s", status, got)
	}
	return nil
}

func (w *World) renameLink(ctx context.Context, name string) error {
	return w.updateLink(ctx, func(r *craftgate.UpdateProductRequest) { r.Name = name })
}

func (w *World) deleteLink(ctx context.Context) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	return expectDone(w.client.DeleteProduct(ctx, p.ID), "the payment link to be deleted")
}

// linkPaymentMatches compares the payment with the link it was made on.
func (w *World) linkPaymentMatches(context.Context) error {
	p, pay, err := both(w.requireLink, w.requireLinkPayment)
	if err != nil {
		return err
	}
	var m mismatches
	w.sameOrder(&m, craftgate.PaymentSourcePayByLink, p.Price, p.Currency, p.ConversationID, pay)
	return m.errf("link payment %d", pay.ID)
}

// requireLinkPayment returns the payment made through the payment link.
func (w *World) requireLinkPayment() (*craftgate.Payment, error) {
	if w.retrieved == nil {
		return nil, errors.New("steps: no link payment: pay through the payment link first")
	}
	return w.retrieved, nil
}

func (w *World) linkPaymentFailed(group string) error {
	return verify(w.requireLinkPayment, func(pay *craftgate.Payment, m *mismatches) error {
		m.check("paymentStatus", craftgate.StatusFailure, pay.PaymentStatus)
		m.check("paymentSource", craftgate.PaymentSourcePayByLink, pay.PaymentSource)
		if pay.PaymentError == nil {
			m.addf("paymentError: expected errorGroup %q, got none", group)
		} else {
			m.check("paymentError.errorGroup", group, pay.PaymentError.ErrorGroup)
		}
		return m.errf("link payment %d with %s", pay.ID, w.card)
	})
}

func (w *World) linkSold(ctx context.Context, count string) error {
	n, p, err := withArg(count, ParseInt, w.requireLink)
	if err != nil {
		return err
	}
	got, err := w.client.RetrieveProduct(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("expected the payment link to be retrieved, got %s", describeErr(err))
	}
	if got.SoldCount != n {
		return fmt.Errorf("payment link %d: soldCount expected %d, got %d", p.ID, n, got.SoldCount)
	}
	return nil
}

// linkPageRefuses opens the link's page as a buyer would and expects a
// page that says why and offers no form.
func (w *World) linkPageRefuses(ctx context.Context, phrase string) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	return w.pageRefuses(ctx, p.URL, 0, phrase, "payment link page")
}

func (w *World) linkHasAddresses(context.Context) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	var m mismatches
	for name, v := range map[string]string{"url": p.URL, "qrCodeUrl": p.QRCodeURL} {
		if u, err := url.ParseRequestURI(v); err != nil || u.Host == "" {
			m.addf("%s: expected an address, got %q", name, v)
		}
	}
	if p.URL == p.QRCodeURL {
		m.addf("qrCodeUrl: expected an address of its own, got the page's %q", p.URL)
	}
	return m.err("payment link")
}

func (w *World) findLink(ctx context.Context) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	list, err := w.client.SearchProducts(ctx, &craftgate.SearchProductsRequest{Name: p.Name, Currency: p.Currency})
	if err != nil {
		return fmt.Errorf("expected the payment link search to answer, got %s", describeErr(err))
	}
	for _, it := range list.Items {
		if it.ID == p.ID {
			return nil
		}
	}
	return fmt.Errorf("payment link search by name %q: link %d not among %d results", p.Name, p.ID, len(list.Items))
}

func (w *World) linkNamed(ctx context.Context, name string) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	got, err := w.client.RetrieveProduct(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("expected the payment link to be retrieved, got %s", describeErr(err))
	}
	var m mismatches
	m.check("name", name, got.Name)
	m.check("token (kept by the update)", p.Token, got.Token)
	return m.errf("payment link %d", p.ID)
}

func (w *World) linkGone(ctx context.Context) error {
	p, err := w.requireLink()
	if err != nil {
		return err
	}
	_, err = w.client.RetrieveProduct(ctx, p.ID)
	return expectStatus(err, http.StatusNotFound, "the deleted payment link to be not found (HTTP 404)")
}

func (w *World) linkRefused(context.Context) error {
	x := w.lk()
	return expectStatus(x.err, http.StatusBadRequest, "the payment link to be refused as a validation error (HTTP 400)")
}
