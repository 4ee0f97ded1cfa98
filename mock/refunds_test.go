package mock

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

func refundPayment(t testing.TB, m http.Handler, req craftgate.RefundPaymentRequest) *craftgate.PaymentRefund {
	t.Helper()
	var r craftgate.PaymentRefund
	data(t, do(t, m, http.MethodPost, "/payment/v1/refunds", req), &r)
	return &r
}

func refundTx(t testing.TB, m http.Handler, txID int64, price string) *craftgate.PaymentTransactionRefund {
	t.Helper()
	var r craftgate.PaymentTransactionRefund
	data(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions",
		craftgate.RefundTransactionRequest{PaymentTransactionID: txID, RefundPrice: amt(price), ConversationID: "rt"}), &r)
	return &r
}

func TestCancelSameDay(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	m.Advance(13*time.Hour + 59*time.Minute) // 23:59 the same day in Istanbul
	r := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID, ConversationID: "cancel-1"})
	if r.RefundType != "CANCEL" || r.ID == 0 || r.Status != "SUCCESS" || len(r.PaymentTransactionRefunds) != 0 ||
		!amountEq(r.RefundPrice, "100") || r.PaymentID != p.ID || r.Currency != "TRY" || r.ConversationID != "cancel-1" ||
		r.CreatedDate != "2025-06-15T23:59:00" || r.RefundDestinationType != "PROVIDER" {
		t.Fatalf("cancel %+v", r)
	}
	w := do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID})
	if e := validationError(t, w); e.ErrorCode != CodePaymentNotRefundable || !contains(e.ErrorDescription, "fully refunded") {
		t.Errorf("second cancel: %+v", e)
	}
	var got craftgate.PaymentRefund
	rw := do(t, m, http.MethodGet, "/payment/v1/refunds/"+strconv.FormatInt(r.ID, 10), nil)
	data(t, rw, &got)
	if got.ID != r.ID || got.RefundType != "CANCEL" || got.AuthCode != r.AuthCode || !contains(rw.Body.String(), `"paymentTransactionRefunds":[]`) {
		t.Errorf("retrieved cancel %+v: %s", got, rw.Body.String())
	}
	after := retrieve(t, m, p.ID)
	if after.RefundStatus != "FULLY_REFUNDED" || after.PaymentStatus != "SUCCESS" {
		t.Errorf("payment after cancel: %s %s", after.RefundStatus, after.PaymentStatus)
	}
	for _, tx := range after.PaymentTransactions {
		if !amountEq(*tx.RefundablePrice, "0") {
			t.Errorf("tx %d refundable %s", tx.ID, tx.RefundablePrice)
		}
	}
	e := validationError(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions",
		craftgate.RefundTransactionRequest{PaymentTransactionID: after.PaymentTransactions[0].ID, RefundPrice: amt("1")}))
	if e.ErrorCode != CodePaymentNotRefundable {
		t.Errorf("partial after cancel: %+v", e)
	}
}

func TestRefundNextDay(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	m.Advance(14 * time.Hour) // 10:00 + 14h is 00:00 the next day in Istanbul
	w := do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID, ConversationID: "refund-1"})
	if contains(w.Body.String(), `{"data":{"id"`) {
		t.Errorf("REFUND carries a top-level id: %s", w.Body.String())
	}
	var r craftgate.PaymentRefund
	data(t, w, &r)
	if r.RefundType != "REFUND" || r.ID != 0 || len(r.PaymentTransactionRefunds) != 3 || !amountEq(r.RefundPrice, "100") ||
		r.CreatedDate != "2025-06-16T00:00:00" {
		t.Fatalf("refund %+v", r)
	}
	for i, tr := range r.PaymentTransactionRefunds {
		tx := p.PaymentTransactions[i]
		if tr.PaymentTransactionID != tx.ID || !tr.RefundPrice.Equal(tx.PaidPrice.Decimal) || tr.PaymentID != p.ID || tr.ConversationID != "refund-1" {
			t.Errorf("tx refund %d: %+v", i, tr)
		}
		var got craftgate.PaymentTransactionRefund
		data(t, do(t, m, http.MethodGet, "/payment/v1/refund-transactions/"+strconv.FormatInt(tr.ID, 10), nil), &got)
		if !sameJSON(t, got, tr) {
			t.Errorf("retrieved %+v, answered %+v", got, tr)
		}
	}
	if s := retrieve(t, m, p.ID).RefundStatus; s != "FULLY_REFUNDED" {
		t.Errorf("refundStatus %s", s)
	}
}

func TestPartialRefunds(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	tx := p.PaymentTransactions[1] // 50
	r1 := refundTx(t, m, tx.ID, "10.25")
	if r1.ID == 0 || !amountEq(r1.RefundPrice, "10.25") || r1.PaymentTransactionID != tx.ID || r1.PaymentID != p.ID || r1.Status != "SUCCESS" {
		t.Fatalf("partial %+v", r1)
	}
	after := retrieve(t, m, p.ID)
	if after.RefundStatus != "PARTIAL_REFUNDED" || !amountEq(*after.PaymentTransactions[1].RefundablePrice, "39.75") ||
		!amountEq(*after.PaymentTransactions[0].RefundablePrice, "30") {
		t.Fatalf("after partial: %s %s", after.RefundStatus, after.PaymentTransactions[1].RefundablePrice)
	}
	// Over-refund: 39.75 left.
	e := validationError(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions",
		craftgate.RefundTransactionRequest{PaymentTransactionID: tx.ID, RefundPrice: amt("39.76")}))
	if e.ErrorCode != CodeRefundExceedsRefundable || !contains(e.ErrorDescription, "refundPrice") || !contains(e.ErrorDescription, "39.75") {
		t.Errorf("over-refund: %+v", e)
	}
	refundTx(t, m, tx.ID, "39.75") // exactly what is left
	if got := retrieve(t, m, p.ID); got.RefundStatus != "PARTIAL_REFUNDED" || !amountEq(*got.PaymentTransactions[1].RefundablePrice, "0") {
		t.Errorf("after exhausting one tx: %s", got.RefundStatus)
	}
	e = validationError(t, do(t, m, http.MethodPost, "/payment/v1/refund-transactions",
		craftgate.RefundTransactionRequest{PaymentTransactionID: tx.ID, RefundPrice: amt("0.01")}))
	if e.ErrorCode != CodeRefundExceedsRefundable {
		t.Errorf("refund of exhausted tx: %+v", e)
	}
	// Same day, but a partial refund exists: the full refund is a REFUND of
	// what is left, one entry per transaction with something left.
	r := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID})
	if r.RefundType != "REFUND" || r.ID != 0 || len(r.PaymentTransactionRefunds) != 2 || !amountEq(r.RefundPrice, "50") {
		t.Fatalf("refund after partial %+v", r)
	}
	if s := retrieve(t, m, p.ID).RefundStatus; s != "FULLY_REFUNDED" {
		t.Errorf("refundStatus %s", s)
	}
	e = validationError(t, do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID}))
	if e.ErrorCode != CodePaymentNotRefundable {
		t.Errorf("refund of fully refunded: %+v", e)
	}
	// Partial refunds that exhaust every transaction also end FULLY_REFUNDED.
	p2 := pay(t, m, paymentRequest(successCard))
	for _, tx := range p2.PaymentTransactions {
		refundTx(t, m, tx.ID, tx.PaidPrice.String())
	}
	if s := retrieve(t, m, p2.ID).RefundStatus; s != "FULLY_REFUNDED" {
		t.Errorf("after refunding every tx: %s", s)
	}
}

func TestRefundValidation(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	failed := do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest("5100050000006661"))
	failedID, _ := strconv.ParseInt(failed.Header().Get(PaymentIDHeader), 10, 64)
	failedTx := retrieve(t, m, failedID).PaymentTransactions[0].ID
	tx := p.PaymentTransactions[0].ID

	tests := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"refund: paymentId missing", "/payment/v1/refunds", craftgate.RefundPaymentRequest{}, 400, CodeRequiredField, "paymentId"},
		{"refund: unknown payment", "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: 12345}, 404, CodePaymentNotFound, "paymentId"},
		{"refund: failed payment", "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: failedID}, 400, CodePaymentNotRefundable, "paymentId"},
		{"refund: WALLET without a buyer", "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID, RefundDestinationType: "WALLET"}, 400,
			CodeWalletNotFound, "refundDestinationType"},
		{"refund: bad destination", "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID, RefundDestinationType: "BANK"}, 400,
			CodeInvalidRefundDestination, "refundDestinationType"},
		{"tx: id missing", "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{RefundPrice: amt("1")}, 400,
			CodeRequiredField, "paymentTransactionId"},
		{"tx: refundPrice missing", "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{PaymentTransactionID: tx}, 400,
			CodeRequiredField, "refundPrice"},
		{"tx: refundPrice negative", "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("-1")}, 400,
			CodeInvalidAmount, "refundPrice"},
		{"tx: refundPrice too precise", "/payment/v1/refund-transactions",
			craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("0.000000001")}, 400, CodeInvalidAmount, "refundPrice"},
		{"tx: over-refund", "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("30.01")}, 400,
			CodeRefundExceedsRefundable, "refundPrice"},
		{"tx: unknown transaction", "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{PaymentTransactionID: 1, RefundPrice: amt("1")}, 404,
			CodePaymentTransactionNotFound, "paymentTransactionId"},
		{"tx: failed payment", "/payment/v1/refund-transactions",
			craftgate.RefundTransactionRequest{PaymentTransactionID: failedTx, RefundPrice: amt("1")}, 400, CodePaymentNotRefundable, "paymentId"},
		{"tx: WALLET without a buyer", "/payment/v1/refund-transactions",
			craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("1"), RefundDestinationType: "WALLET"}, 400,
			CodeWalletNotFound, "refundDestinationType"},
		{"get refund: unknown", "/payment/v1/refunds/77", nil, 404, CodeRefundNotFound, "77"},
		{"get tx refund: unknown", "/payment/v1/refund-transactions/78", nil, 404, CodeTransactionRefundNotFound, "78"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodPost
			if tt.body == nil {
				method = http.MethodGet
			}
			w := do(t, m, method, tt.path, tt.body)
			var e craftgate.ErrorBody
			if tt.status == 400 {
				e = validationError(t, w)
			} else {
				e = errorBody(t, w, tt.status)
			}
			if e.ErrorCode != tt.code || !contains(e.ErrorDescription, tt.field) {
				t.Errorf("got %s %q, want %s mentioning %q", e.ErrorCode, e.ErrorDescription, tt.code, tt.field)
			}
		})
	}
	// Nothing above touched the payment.
	if got := retrieve(t, m, p.ID); got.RefundStatus != "NOT_REFUNDED" {
		t.Errorf("refundStatus %s", got.RefundStatus)
	}
}

func TestRefundFailingCards(t *testing.T) {
	m := newTestMock(t)
	eachFailingCard(t, craftgate.StepCancelRefund, 10, func(t *testing.T, tc *craftgate.TestCard, o craftgate.Outcome, g craftgate.ErrorGroup) {
		w := do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest(tc.Number))
		if _, fails := tc.FailureAt(craftgate.StepNon3DSPayment); fails {
			// 5400630000006667 (REQUIRES_DAY_END) already fails the
			// payment; a failed payment is not refundable at all.
			errorBody(t, w, http.StatusUnprocessableEntity)
			id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
			validationError(t, do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: id}))
			return
		}
		var p craftgate.Payment
		data(t, w, &p)
		for _, c := range []struct {
			what string
			path string
			body any
		}{
			{"cancel", "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID}},
			{"partial", "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("1")}},
		} {
			e := errorBody(t, do(t, m, http.MethodPost, c.path, c.body), http.StatusUnprocessableEntity)
			if e.ErrorGroup != o.Failure.Group || e.ErrorCode != g.Code {
				t.Errorf("%s: got %s/%s, want %s/%s", c.what, e.ErrorCode, e.ErrorGroup, g.Code, o.Failure.Group)
			}
		}
		m.Advance(25 * time.Hour) // the REFUND path fails the same way
		e := errorBody(t, do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID}), http.StatusUnprocessableEntity)
		if e.ErrorGroup != o.Failure.Group {
			t.Errorf("refund: group %s", e.ErrorGroup)
		}
		got := retrieve(t, m, p.ID)
		if got.RefundStatus != "NOT_REFUNDED" || !got.PaymentTransactions[0].RefundablePrice.Equal(got.PaymentTransactions[0].PaidPrice.Decimal) {
			t.Errorf("something was refunded: %s", got.RefundStatus)
		}
	})
}

// TestConcurrentPartialRefunds fires 200 partial refunds of 1.00 at one
// transaction of 50.00 at once: exactly 50 must succeed, the sum of the
// acknowledged refunds must not exceed what was paid, and every
// acknowledged refund must be retrievable. Run with -race.
func TestConcurrentPartialRefunds(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	tx := p.PaymentTransactions[1]
	body := mustJSON(t, craftgate.RefundTransactionRequest{PaymentTransactionID: tx.ID, RefundPrice: amt("1.00")})

	const n = 200
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		mu       sync.Mutex
		acked    []craftgate.PaymentTransactionRefund
		rejected int
		other    []string
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			w := serve(m, signedRequest(http.MethodPost, testBase+"/payment/v1/refund-transactions", body))
			mu.Lock()
			defer mu.Unlock()
			switch w.Code {
			case http.StatusOK:
				var r craftgate.PaymentTransactionRefund
				if err := craftgate.DecodeResponse(w.Code, w.Body.Bytes(), &r); err != nil {
					other = append(other, err.Error())
					return
				}
				acked = append(acked, r)
			case http.StatusBadRequest:
				rejected++
			default:
				other = append(other, w.Body.String())
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("unexpected answers: %v", other)
	}
	sum := amt("0")
	ids := map[int64]bool{}
	for _, r := range acked {
		sum = sum.Add(r.RefundPrice)
		if ids[r.ID] {
			t.Errorf("duplicate refund id %d", r.ID)
		}
		ids[r.ID] = true
		var got craftgate.PaymentTransactionRefund
		data(t, do(t, m, http.MethodGet, "/payment/v1/refund-transactions/"+strconv.FormatInt(r.ID, 10), nil), &got)
		if !sameJSON(t, got, r) {
			t.Errorf("retrieved %+v, acknowledged %+v", got, r)
		}
	}
	if sum.GreaterThan(tx.PaidPrice.Decimal) {
		t.Fatalf("refunded %s of %s", sum, tx.PaidPrice)
	}
	if len(acked) != 50 || rejected != n-50 || !sum.Equal(tx.PaidPrice.Decimal) {
		t.Errorf("acknowledged %d (sum %s), rejected %d", len(acked), sum, rejected)
	}
	got := retrieve(t, m, p.ID)
	if !amountEq(*got.PaymentTransactions[1].RefundablePrice, "0") || got.RefundStatus != "PARTIAL_REFUNDED" {
		t.Errorf("after the storm: %s, refundable %s", got.RefundStatus, got.PaymentTransactions[1].RefundablePrice)
	}
}

// TestConcurrentFullAndPartialRefunds races whole-payment refunds (a day
// after the payment, so REFUNDs) against partial ones: whatever the
// interleaving, exactly paidPrice is refunded (the partials alone can
// refund at most 90 of the 100, so the first whole refund to run always
// succeeds and takes the rest).
func TestConcurrentFullAndPartialRefunds(t *testing.T) {
	m := newTestMock(t)
	m.Advance(24 * time.Hour)
	for round := range 5 {
		p := pay(t, m, paymentRequest(successCard))
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := amt("0")
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%10 == 0 {
					rw := serve(m, signedRequest(http.MethodPost, testBase+"/payment/v1/refunds",
						mustJSON(t, craftgate.RefundPaymentRequest{PaymentID: p.ID})))
					if rw.Code == http.StatusOK {
						var r craftgate.PaymentRefund
						_ = craftgate.DecodeResponse(rw.Code, rw.Body.Bytes(), &r)
						mu.Lock()
						total = total.Add(r.RefundPrice)
						mu.Unlock()
					}
					return
				}
				tx := p.PaymentTransactions[i%3]
				rw := serve(m, signedRequest(http.MethodPost, testBase+"/payment/v1/refund-transactions",
					mustJSON(t, craftgate.RefundTransactionRequest{PaymentTransactionID: tx.ID, RefundPrice: amt("7.5")})))
				if rw.Code == http.StatusOK {
					mu.Lock()
					total = total.Add(amt("7.5"))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if !total.Equal(p.PaidPrice.Decimal) {
			t.Errorf("round %d: refunded %s of %s", round, total, p.PaidPrice)
		}
	}
}
