package mock

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Pay-by-link / QR products, "craftlink" (docs/reference/craftgate/endpoints.md A.2 and B.13,
// docs/reference/craftgate/flows.md section 8).
//
//	POST   /craftlink/v1/products           create
//	PUT    /craftlink/v1/products/{id}      update (status required)
//	GET    /craftlink/v1/products/{id}      retrieve
//	DELETE /craftlink/v1/products/{id}      delete (empty answer)
//	GET    /craftlink/v1/products?...       search (paged)
//	GET    /_mock/link/{token}              the product's page: the checkout card form
//	POST   /_mock/link/{token}              pay on it
//	GET    /_mock/link/{token}/qr           the qrCodeUrl page
//
// A payment on the page is made by the checkout page's own code
// (payOnPage), so it is a normal payment with the catalogue outcome of its
// card, stored with paymentSource PAY_BY_LINK and the product's price,
// currency, conversationId, externalId, channel and orderId; its single
// basket item is the product (name, externalId basketIdentifier).
//
// Mock choices where the reference is silent (MOCK DECISION):
//   - the merchant learns of a link payment as of any API payment: the
//     API_AUTH webhook with the payment id (docs/reference/craftgate/flows.md section 8 documents no
//     link-specific callback), and the payment search by conversationId
//     (the product's conversationId is the payment's);
//   - the page always offers a single payment (installment 1) besides
//     enabledInstallments, like the checkout page; installments above 1 need
//     currency TRY; enabledInstallments is echoed as sent;
//   - stock, when given, is 1 or more and limits successful payments
//     (soldCount counts successes only; a declined card sells nothing);
//     without stock a product sells without limit; with orderId, stock must
//     be exactly 1 (documented);
//   - expiresAt is read in every form the official clients send
//     (yyyy-MM-ddTHH:mm:ss in the mock's Location, fractional seconds,
//     RFC 3339 with Z or an offset: craftgate.ParseDateTime), must be in
//     the future when sent, is judged on the mock clock and answered as
//     yyyy-MM-ddTHH:mm:ss in the mock's Location;
//   - description may be left out (the clients mark it omitempty; the
//     docs do not require it): it is answered empty;
//   - the page of a PASSIVE or sold-out product answers 409, of an expired
//     one 410, of a deleted or unknown one 404, each with a sentence saying
//     why, and no form;
//   - update is a replacement (PUT): the create fields are required again,
//     and status. The docs mark channel required on update, the official
//     clients do not send it: both are accepted (the documentation and the official clients differ), an absent channel
//     keeping the product's. Stock may not go below soldCount;
//   - search: name is a case-insensitive substring, the other filters exact
//     (minPrice/maxPrice inclusive; id, orderId, conversationId, externalId
//     as the clients send them; minExpiresAt/maxExpiresAt are not
//     modelled and ignored); creation order; paged like the card search;
//   - multiPayment is kept and echoed, but split payment is not modelled:
//     the page takes one payment of the whole price;
//   - qrCodeUrl is a mock page that shows the link's address as text: the
//     mock has no QR encoder (a real QR image was judged not worth a
//     dependency or a hand-written encoder);
//   - the store keeps at most maxProducts products and forgets the oldest.

// maxProducts bounds the product store.
const maxProducts = 10_000

// Field limits (the mock's).
const (
	maxProductName = 255
	maxProductDesc = 4096
)

// product is one pay-by-link product; guarded by productStore.mu.
type product struct {
	id                                   int64
	token                                string
	name, description, channel           string
	orderID, conversationID, externalID  string
	basketIdentifier, status, expiresRaw string
	price                                money
	currency                             uint8
	stock                                int // 0: no stock limit
	sold                                 int
	multiPayment                         bool
	installments                         []int // as sent
	expires                              time.Time
}

// productStore holds the products, bounded, oldest first.
type productStore struct {
	mu      sync.Mutex
	byID    map[int64]*product
	byToken map[string]*product
	order   []int64 // creation order; deleted ids are skipped
}

func (ps *productStore) lookup(id int64) *product {
	if ps.byID == nil {
		return nil
	}
	return ps.byID[id]
}

// add stores p; the caller holds mu.
func (ps *productStore) add(p *product) {
	if ps.byID == nil {
		ps.byID, ps.byToken = map[int64]*product{}, map[string]*product{}
	}
	ps.byID[p.id], ps.byToken[p.token] = p, p
	ps.order = append(ps.order, p.id)
	for len(ps.byID) > maxProducts && len(ps.order) > 0 {
		old := ps.order[0]
		ps.order = ps.order[1:]
		ps.remove(old)
	}
	if len(ps.order) > 2*maxProducts { // compact the deleted ids away
		ps.order = slices.DeleteFunc(ps.order, func(id int64) bool { return ps.byID[id] == nil })
	}
}

// remove forgets a product; the caller holds mu.
func (ps *productStore) remove(id int64) {
	if p := ps.byID[id]; p != nil {
		delete(ps.byToken, p.token)
		delete(ps.byID, id)
	}
}

// validateProduct checks a create or update body into p (which keeps its
// id, token and soldCount).
func (m *Mock) validateProduct(req *craftgate.CreateProductRequest, p *product, now time.Time) *apiError {
	name := strings.TrimSpace(req.Name)
	switch {
	case name == "":
		return errRequired("name")
	case len(name) > maxProductName:
		return errValidation(CodeInvalidProduct, "name must be at most "+strconv.Itoa(maxProductName)+" characters")
	case len(req.Description) > maxProductDesc:
		return errValidation(CodeInvalidProduct, "description must be at most "+strconv.Itoa(maxProductDesc)+" characters")
	}
	price, e := checkAmount("price", req.Price)
	if e != nil {
		return e
	}
	if req.Currency == "" {
		return errRequired("currency")
	}
	cur, ok := currencyIndex(req.Currency)
	if !ok {
		return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(req.Currency, 10))+" is not a supported currency")
	}
	if req.EnabledInstallments == nil {
		return errRequired("enabledInstallments")
	}
	for _, n := range req.EnabledInstallments {
		if n < 1 || n > 12 {
			return errValidation(CodeInvalidInstallment, "enabledInstallments must be between 1 and 12, got "+strconv.Itoa(n))
		}
		if n > 1 && craftgate.Currencies[cur] != craftgate.CurrencyTRY {
			return errValidation(CodeInvalidInstallment, "enabledInstallments above 1 need currency TRY")
		}
	}
	stock := 0
	if req.Stock != nil {
		if *req.Stock < 1 {
			return errValidation(CodeInvalidProduct, "stock must be 1 or more when given, got "+strconv.Itoa(*req.Stock))
		}
		stock = *req.Stock
	}
	if req.OrderID != "" && stock != 1 {
		return errValidation(CodeInvalidProduct, "stock must be 1 when orderId is given")
	}
	if stock != 0 && stock < p.sold {
		return errValidation(CodeInvalidProduct, "stock must not be below soldCount "+strconv.Itoa(p.sold))
	}
	var expires time.Time
	if req.ExpiresAt != "" {
		t, err := craftgate.ParseDateTime(req.ExpiresAt, m.loc)
		if err != nil {
			return errValidation(CodeInvalidProduct, "expiresAt must be yyyy-MM-ddTHH:mm:ss or RFC 3339, got "+strconv.Quote(truncate(req.ExpiresAt, 40)))
		}
		if !t.After(now) {
			return errValidation(CodeInvalidProduct, "expiresAt must be in the future")
		}
		expires = t
	}
	p.name, p.description, p.price, p.currency = name, req.Description, price, cur
	p.installments = append([]int{}, req.EnabledInstallments...)
	p.stock, p.orderID, p.multiPayment = stock, req.OrderID, req.MultiPayment
	p.conversationID, p.externalID, p.basketIdentifier = req.ConversationID, req.ExternalID, req.BasketIdentifier
	p.expires, p.expiresRaw = expires, ""
	if !expires.IsZero() {
		// Answered in Craftgate's own form, whatever form was sent.
		p.expiresRaw = expires.In(m.loc).Format(craftgate.DateTimeLayout)
	}
	if req.Channel != "" {
		p.channel = req.Channel
	}
	return nil
}

// productJSON is the answer for p; the caller holds the store's lock.
func (m *Mock) productJSON(p *product, r *http.Request) craftgate.Product {
	url := m.publicBase(r) + pathLinkPage + "/" + p.token
	out := craftgate.Product{
		ID: p.id, Name: p.name, Description: p.description, Channel: p.channel, OrderID: p.orderID,
		ConversationID: p.conversationID, ExternalID: p.externalID, Status: p.status,
		Price: p.price.toAmount(), Currency: craftgate.Currencies[p.currency], SoldCount: p.sold, Token: p.token,
		MultiPayment: p.multiPayment, EnabledInstallments: p.installments, URL: url, QRCodeURL: url + pathQRSuffix,
		ExpiresAt: p.expiresRaw, BasketIdentifier: p.basketIdentifier,
	}
	if p.stock > 0 {
		stock := p.stock
		out.Stock = &stock
	}
	return out
}

// createProduct serves POST /craftlink/v1/products.
func (m *Mock) createProduct(c *call, req craftgate.CreateProductRequest) error {
	p := &product{status: craftgate.ProductActive}
	if e := m.validateProduct(&req, p, m.Now()); e != nil {
		return e
	}
	p.id = nextRange(&m.ids.product, 1)
	p.token = m.newKey(kindProductToken, uint64(p.id))
	ps := &m.products
	ps.mu.Lock()
	ps.add(p)
	out := m.productJSON(p, c.r)
	ps.mu.Unlock()
	c.sendData(http.StatusOK, out)
	return nil
}

// updateProduct serves PUT /craftlink/v1/products/{id}.
func (m *Mock) updateProduct(c *call, req craftgate.UpdateProductRequest) error {
	switch req.Status {
	case craftgate.ProductActive, craftgate.ProductPassive:
	case "":
		return errRequired("status")
	default:
		return errValidation(CodeInvalidProduct, "status must be ACTIVE or PASSIVE")
	}
	ps := &m.products
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.lookup(c.id)
	if p == nil {
		return errNotFound(CodeProductNotFound, "product "+c.idText+" not found")
	}
	next := *p
	if e := m.validateProduct(&req.CreateProductRequest, &next, m.Now()); e != nil {
		return e
	}
	next.status = req.Status
	*p = next
	c.sendData(http.StatusOK, m.productJSON(p, c.r))
	return nil
}

// retrieveProduct serves GET /craftlink/v1/products/{id}.
func (m *Mock) retrieveProduct(c *call) error {
	return sendLocked(c, &m.products.mu, func() (craftgate.Product, *apiError) {
		p := m.products.lookup(c.id)
		if p == nil {
			return craftgate.Product{}, errNotFound(CodeProductNotFound, "product "+c.idText+" not found")
		}
		return m.productJSON(p, c.r), nil
	})
}

// deleteProduct serves DELETE /craftlink/v1/products/{id}: HTTP 200, empty.
func (m *Mock) deleteProduct(c *call) error {
	ps := &m.products
	if e := locked(&ps.mu, func() error {
		if ps.lookup(c.id) == nil {
			return errNotFound(CodeProductNotFound, "product "+c.idText+" not found")
		}
		ps.remove(c.id)
		return nil
	}); e != nil {
		return e
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// searchProducts serves GET /craftlink/v1/products.
func (m *Mock) searchProducts(c *call, q searchQuery) error {
	bound := func(k string) (money, bool, *apiError) {
		s := q.Get(k)
		if s == "" {
			return 0, false, nil
		}
		a, err := craftgate.ParseAmount(s)
		v, prob := moneyOf(a)
		if err != nil || prob != amountOK {
			return 0, false, errValidation(CodeInvalidQuery, k+" must be an amount, got "+strconv.Quote(truncate(s, 20)))
		}
		return v, true, nil
	}
	minP, hasMin, e := bound("minPrice")
	if e != nil {
		return e
	}
	maxP, hasMax, e := bound("maxPrice")
	if e != nil {
		return e
	}
	name := strings.ToLower(q.Get("name"))
	exact := func(k, v string) bool { w := q.Get(k); return w == "" || w == v }
	out := craftgate.ProductList{Items: []craftgate.Product{}, Page: q.page, Size: q.size}
	ps := &m.products
	ps.mu.Lock()
	n := 0
	for _, id := range ps.order {
		p := ps.lookup(id)
		switch {
		case p == nil,
			name != "" && !strings.Contains(strings.ToLower(p.name), name),
			hasMin && p.price < minP, hasMax && p.price > maxP,
			!exact("currency", craftgate.Currencies[p.currency]), !exact("channel", p.channel),
			!exact("orderId", p.orderID), !exact("conversationId", p.conversationID), !exact("externalId", p.externalID),
			!exact("id", strconv.FormatInt(p.id, 10)):
			continue
		}
		if q.onPage(n) {
			out.Items = append(out.Items, m.productJSON(p, c.r))
		}
		n++
	}
	ps.mu.Unlock()
	out.TotalSize = int64(n)
	c.sendData(http.StatusOK, out)
	return nil
}

// linkSession is the checkout session a product's page pays through; the
// caller holds the store's lock.
func (p *product) linkSession(loc *time.Location) *checkoutSession {
	installments := []int{1}
	for _, n := range p.installments {
		if !slices.Contains(installments, n) {
			installments = append(installments, n)
		}
	}
	slices.Sort(installments)
	price := p.price.toAmount()
	cur := craftgate.Currencies[p.currency]
	s := &checkoutSession{
		token: p.token, expires: p.expires, installments: installments, price: p.price, currency: cur,
		page: pathLinkPage, source: sourcePayByLink,
		items: []pageItem{{p.name, displayAmount(p.price, cur)}},
		order: craftgate.CreatePaymentRequest{
			Price: price, PaidPrice: price, Installment: 1, Currency: cur, PaymentGroup: craftgate.PaymentGroupProduct,
			ConversationID: p.conversationID, ExternalID: p.externalID, PaymentChannel: p.channel, BankOrderID: p.orderID,
			Items: []craftgate.PaymentItem{{Name: p.name, Price: price, ExternalID: p.basketIdentifier}},
		},
	}
	if p.expires.IsZero() {
		s.expires = time.Date(9999, 1, 1, 0, 0, 0, 0, loc) // renderCheckout shows a date
	}
	return s
}

// closedReason says why p's page takes no payment, with the page's status;
// "" when it is open. The caller holds the store's lock.
func (p *product) closedReason(now time.Time) (int, string, string) {
	switch {
	case p.status != craftgate.ProductActive:
		return http.StatusConflict, "Not available", "This payment link is not active."
	case !p.expires.IsZero() && !now.Before(p.expires):
		return http.StatusGone, "Expired", "This payment link has expired."
	case p.stock > 0 && p.sold >= p.stock:
		return http.StatusConflict, "Sold out", "This product is sold out."
	}
	return 0, "", ""
}

// linkPage serves GET /_mock/link/{token}.
func (m *Mock) linkPage(c *call) error {
	m.serveLinkPage(c, false)
	return nil
}

// linkQR serves GET /_mock/link/{token}/qr, the qrCodeUrl page.
func (m *Mock) linkQR(c *call) error {
	m.serveLinkPage(c, true)
	return nil
}

func (m *Mock) serveLinkPage(c *call, qr bool) {
	token := c.param("token")
	ps := &m.products
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byToken[token]
	if p == nil {
		c.sendMessage(http.StatusNotFound, "Link not found", "This payment link does not exist.")
		return
	}
	if qr {
		c.sendMessage(http.StatusOK, p.name, "Scan or open "+m.publicBase(c.r)+pathLinkPage+"/"+p.token+
			" to pay (the mock shows the link's address; it draws no QR image).")
		return
	}
	if status, title, msg := p.closedReason(m.Now()); status != 0 {
		c.sendMessage(status, title, msg)
		return
	}
	c.sendHTML(http.StatusOK, m.renderCheckout(p.linkSession(m.loc), "", "", "", "", 1))
}

// linkPay serves POST /_mock/link/{token}: pays through the checkout
// page's code, counts a success in soldCount and answers a result page
// with the payment's id.
func (m *Mock) linkPay(c *call) error {
	if !m.parsePageForm(c) {
		return nil
	}
	ps := &m.products
	ps.mu.Lock() // held while paying, so that stock is never oversold
	defer ps.mu.Unlock()
	p := ps.byToken[c.idText]
	if p == nil {
		c.sendMessage(http.StatusNotFound, "Link not found", "This payment link does not exist.")
		return nil
	}
	now := m.Now()
	if status, title, msg := p.closedReason(now); status != 0 {
		c.sendMessage(status, title, msg)
		return nil
	}
	pay, failed := m.payOnPage(c, p.linkSession(m.loc), now)
	if pay == nil {
		return nil
	}
	if !failed {
		p.sold++
	}
	m.emitPayment(EventAPIAuth, pay, failed)
	if failed {
		c.sendMessage(http.StatusOK, "Payment declined", "Your bank declined the payment. Reference "+itoa(pay.id)+".")
		return nil
	}
	c.sendMessage(http.StatusOK, "Payment received", "Your payment was successful. Reference "+itoa(pay.id)+".")
	return nil
}
