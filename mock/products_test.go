package mock

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

func productRequest() *craftgate.CreateProductRequest {
	return &craftgate.CreateProductRequest{
		Name: "Concert ticket", Description: "Row **A**\nSeat 12", Price: amt("150.50"), Currency: "TRY",
		EnabledInstallments: []int{1, 3}, ConversationID: "link-conv-1", ExternalID: "ext-1", Channel: "WEB",
	}
}

func intp(n int) *int { return &n }

func TestProductValidation(t *testing.T) {
	m := newTestMock(t)
	checkRefusals(t, m, pathProducts, productRequest, []refusal[craftgate.CreateProductRequest]{
		{"no name", func(r *craftgate.CreateProductRequest) { r.Name = " " }, CodeRequiredField},
		{"no price", func(r *craftgate.CreateProductRequest) { r.Price = amt("0") }, CodeRequiredField},
		{"negative price", func(r *craftgate.CreateProductRequest) { r.Price = amt("-1") }, CodeInvalidAmount},
		{"too precise", func(r *craftgate.CreateProductRequest) { r.Price = amt("1.123456789") }, CodeInvalidAmount},
		{"no currency", func(r *craftgate.CreateProductRequest) { r.Currency = "" }, CodeRequiredField},
		{"bad currency", func(r *craftgate.CreateProductRequest) { r.Currency = "XXX" }, CodeInvalidCurrency},
		{"no installments", func(r *craftgate.CreateProductRequest) { r.EnabledInstallments = nil }, CodeRequiredField},
		{"installment 13", func(r *craftgate.CreateProductRequest) { r.EnabledInstallments = []int{13} }, CodeInvalidInstallment},
		{"installments in USD", func(r *craftgate.CreateProductRequest) { r.Currency = "USD" }, CodeInvalidInstallment},
		{"orderId without stock", func(r *craftgate.CreateProductRequest) { r.OrderID = "o-1" }, CodeInvalidProduct},
		{"orderId with stock 2", func(r *craftgate.CreateProductRequest) { r.OrderID, r.Stock = "o-1", intp(2) }, CodeInvalidProduct},
		{"stock 0", func(r *craftgate.CreateProductRequest) { r.Stock = intp(0) }, CodeInvalidProduct},
		{"bad expiresAt", func(r *craftgate.CreateProductRequest) { r.ExpiresAt = "tomorrow" }, CodeInvalidProduct},
		{"past expiresAt", func(r *craftgate.CreateProductRequest) { r.ExpiresAt = "2001-01-01T00:00:00" }, CodeInvalidProduct},
	})
	// The accepted forms: orderId with stock 1, USD with single payment,
	// no description (the official clients mark it omitempty).
	for _, mod := range []func(*craftgate.CreateProductRequest){
		func(r *craftgate.CreateProductRequest) { r.Description = "" },
		func(r *craftgate.CreateProductRequest) { r.OrderID, r.Stock = "o-1", intp(1) },
		func(r *craftgate.CreateProductRequest) { r.Currency, r.EnabledInstallments = "USD", []int{1} },
	} {
		req := productRequest()
		mod(req)
		if w := do(t, m, http.MethodPost, pathProducts, req); w.Code != http.StatusOK {
			t.Fatalf("%+v: %d %s", req, w.Code, w.Body)
		}
	}
}

func TestProductCRUD(t *testing.T) {
	m := newTestMock(t)
	var p craftgate.Product
	data(t, do(t, m, http.MethodPost, pathProducts, productRequest()), &p)
	if p.ID == 0 || p.Token == "" || p.Status != craftgate.ProductActive || p.SoldCount != 0 || p.Stock != nil ||
		!amountEq(p.Price, "150.5") || !strings.HasSuffix(p.URL, "/_mock/link/"+p.Token) || p.QRCodeURL != p.URL+"/qr" {
		t.Fatalf("created %+v", p)
	}
	path := pathProducts + "/" + itoa(p.ID)
	var got craftgate.Product
	data(t, do(t, m, http.MethodGet, path, nil), &got)
	if !sameJSON(t, got, p) {
		t.Fatalf("retrieved %+v, created %+v", got, p)
	}

	// Update: status required; channel may be left out (kept) or sent.
	up := craftgate.UpdateProductRequest{CreateProductRequest: *productRequest()}
	up.Channel, up.Name = "", "Concert ticket (late)"
	if e := validationError(t, do(t, m, http.MethodPut, path, up)); e.ErrorCode != CodeRequiredField {
		t.Fatalf("update without status: %+v", e)
	}
	up.Status = "DRAFT"
	if e := validationError(t, do(t, m, http.MethodPut, path, up)); e.ErrorCode != CodeInvalidProduct {
		t.Fatalf("update with status DRAFT: %+v", e)
	}
	up.Status = craftgate.ProductPassive
	data(t, do(t, m, http.MethodPut, path, up), &got)
	if got.Status != craftgate.ProductPassive || got.Name != up.Name || got.Channel != "WEB" || got.Token != p.Token {
		t.Fatalf("updated %+v", got)
	}
	up.Channel = "MOBILE"
	data(t, do(t, m, http.MethodPut, path, up), &got)
	if got.Channel != "MOBILE" {
		t.Fatalf("channel %q", got.Channel)
	}

	// Search.
	var other craftgate.Product
	req2 := productRequest()
	req2.Name, req2.Price, req2.ConversationID = "Parking", amt("20"), "link-conv-2"
	data(t, do(t, m, http.MethodPost, pathProducts, req2), &other)
	searches := []struct {
		query string
		want  []int64
	}{
		{"", []int64{p.ID, other.ID}},
		{"?name=concert", []int64{p.ID}},
		{"?minPrice=100", []int64{p.ID}},
		{"?maxPrice=20", []int64{other.ID}},
		{"?conversationId=link-conv-2", []int64{other.ID}},
		{"?currency=USD", nil},
		{"?size=1&page=1", []int64{other.ID}},
	}
	for _, s := range searches {
		var list craftgate.ProductList
		data(t, do(t, m, http.MethodGet, pathProducts+s.query, nil), &list)
		var ids []int64
		for _, it := range list.Items {
			ids = append(ids, it.ID)
		}
		if !sameJSON(t, ids, s.want) {
			t.Errorf("search %q: %v, want %v", s.query, ids, s.want)
		}
	}
	if e := validationError(t, do(t, m, http.MethodGet, pathProducts+"?minPrice=abc", nil)); e.ErrorCode != CodeInvalidQuery {
		t.Fatalf("bad minPrice: %+v", e)
	}

	// Delete, then everything answers 404.
	if w := do(t, m, http.MethodDelete, path, nil); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("delete: %d %s", w.Code, w.Body)
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if e := errorBody(t, do(t, m, method, path, nil), http.StatusNotFound); e.ErrorCode != CodeProductNotFound {
			t.Fatalf("%s after delete: %+v", method, e)
		}
	}
	if e := errorBody(t, do(t, m, http.MethodPut, path, up), http.StatusNotFound); e.ErrorCode != CodeProductNotFound {
		t.Fatalf("update after delete: %+v", e)
	}
}

func TestLinkPagePayments(t *testing.T) {
	l := startLive(t)
	b := newBrowser(t)
	ctx := context.Background()
	req := productRequest()
	req.Stock = intp(2)
	req.BasketIdentifier = "sku-7"
	req.ExpiresAt = testStart.Add(time.Hour).In(l.m.loc).Format(craftgate.DateTimeLayout)
	p, err := l.client.CreateProduct(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	open := func() htmlForm {
		t.Helper()
		status, page := b.get(p.URL)
		if status != http.StatusOK || !strings.Contains(page, "150.50 TRY") || !strings.Contains(page, "Concert ticket") || !strings.Contains(page, "3 installments") {
			t.Fatalf("link page: %d\n%s", status, page)
		}
		return oneForm(t, page)
	}
	payWith := func(card string, installment string) int64 {
		t.Helper()
		set := cardForm(card)
		set.Set("installment", installment)
		status, done := b.submit(l.srv.URL, open(), set)
		if status != http.StatusOK || !strings.Contains(done, "Reference ") || strings.Contains(done, card) {
			t.Fatalf("pay: %d\n%s", status, done)
		}
		i := strings.Index(done, "Reference ") + len("Reference ")
		return parseID(done[i : i+strings.IndexByte(done[i:], '.')])
	}

	// A declined card sells nothing; a success counts; installments as chosen.
	declined := payWith(cardCompleteFails, "1")
	ok := payWith(successCard, "3")
	for _, tt := range []struct {
		id      int64
		status  string
		install int
	}{{declined, "FAILURE", 1}, {ok, "SUCCESS", 3}} {
		pay, err := l.client.RetrievePayment(ctx, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if pay.PaymentStatus != tt.status || pay.PaymentSource != craftgate.PaymentSourcePayByLink || !amountEq(pay.Price, "150.5") ||
			pay.ConversationID != "link-conv-1" || pay.ExternalID != "ext-1" || pay.Installment != tt.install ||
			len(pay.PaymentTransactions) != 1 || pay.PaymentTransactions[0].Name != "Concert ticket" || pay.PaymentTransactions[0].ExternalID != "sku-7" {
			t.Fatalf("payment %+v", pay)
		}
	}
	got, err := l.client.RetrieveProduct(ctx, p.ID)
	if err != nil || got.SoldCount != 1 {
		t.Fatalf("soldCount after one success: %v %+v", err, got)
	}
	// A form the buyer got wrong comes back with the error and sells nothing.
	set := cardForm("4111")
	status, page := b.submit(l.srv.URL, open(), set)
	if status != http.StatusOK || !strings.Contains(page, `id="error"`) {
		t.Fatalf("bad card: %d\n%s", status, page)
	}
	form := open()
	payWith(successCard, "1")
	// Sold out: stock 2 reached; the page and a stale form refuse.
	if status, page := b.get(p.URL); status != http.StatusConflict || !strings.Contains(page, "sold out") || len(parseForms(page)) != 0 {
		t.Fatalf("sold-out page: %d\n%s", status, page)
	}
	if status, _ := b.submit(l.srv.URL, form, cardForm(successCard)); status != http.StatusConflict {
		t.Fatalf("pay when sold out: %d", status)
	}
	if got, _ := l.client.RetrieveProduct(ctx, p.ID); got.SoldCount != 2 {
		t.Fatalf("soldCount %d, want 2", got.SoldCount)
	}

	// PASSIVE, expired, deleted.
	q, err := l.client.CreateProduct(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	up := &craftgate.UpdateProductRequest{CreateProductRequest: *req, Status: craftgate.ProductPassive}
	if _, err := l.client.UpdateProduct(ctx, q.ID, up); err != nil {
		t.Fatal(err)
	}
	if status, page := b.get(q.URL); status != http.StatusConflict || !strings.Contains(page, "not active") {
		t.Fatalf("passive page: %d\n%s", status, page)
	}
	up.Status = craftgate.ProductActive
	if _, err := l.client.UpdateProduct(ctx, q.ID, up); err != nil {
		t.Fatal(err)
	}
	l.m.Advance(time.Hour)
	if status, page := b.get(q.URL); status != http.StatusGone || !strings.Contains(page, "expired") {
		t.Fatalf("expired page: %d\n%s", status, page)
	}
	if err := l.client.DeleteProduct(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	if status, _ := b.get(q.URL); status != http.StatusNotFound {
		t.Fatalf("deleted page: %d", status)
	}
	if status, page := b.get(p.QRCodeURL); status != http.StatusOK || !strings.Contains(page, p.URL) {
		t.Fatalf("qr page: %d\n%s", status, page)
	}
}

func TestProductStoreIsBounded(t *testing.T) {
	var ps productStore
	for i := range maxProducts + 5 {
		ps.add(&product{id: int64(i + 1), token: "t" + itoa(int64(i+1))})
	}
	if len(ps.byID) != maxProducts || len(ps.byToken) != maxProducts || ps.lookup(5) != nil || ps.lookup(6) == nil {
		t.Fatalf("held %d products", len(ps.byID))
	}
}

// The merchant learns of a link payment by the API_AUTH webhook of the
// payment (docs/reference/craftgate/flows.md section 8: no link-specific callback).
func TestLinkPaymentWebhook(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t, withWebhooks(rc, 0.0001))
	b := newBrowser(t)
	p, err := l.client.CreateProduct(context.Background(), productRequest())
	if err != nil {
		t.Fatal(err)
	}
	_, page := b.get(p.URL)
	status, done := b.submit(l.srv.URL, oneForm(t, page), cardForm(successCard))
	if status != http.StatusOK || !strings.Contains(done, "Reference ") {
		t.Fatalf("pay: %d\n%s", status, done)
	}
	hooks := waitHooks(t, l.m, 1, 5*time.Second)
	if len(hooks) != 1 || hooks[0].EventType != EventAPIAuth || hooks[0].Status != craftgate.StatusSuccess || !strings.Contains(done, "Reference "+hooks[0].PayloadID+".") {
		t.Fatalf("webhooks %+v\n%s", hooks, done)
	}
}
