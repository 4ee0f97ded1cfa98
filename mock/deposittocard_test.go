package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestDepositToCardAndRefundWaiting(t *testing.T) {
	m := newTestMock(t)
	var d craftgate.DepositToCard
	data(t, do(t, m, http.MethodPost, craftgate.PathDepositToCard, craftgate.DepositToCardRequest{Price: amt("25.50"), Currency: "TRY",
		Description: "cashback", OrderID: "o-1", Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireMonth: "07", ExpireYear: "2044", CVC: "000"}}), &d)
	if d.ID == 0 || d.PaymentStatus != craftgate.StatusSuccess || !amountEq(d.Price, "25.5") || d.ReferenceID == "" || d.OrderID != "o-1" {
		t.Fatalf("deposit: %+v", d)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathDepositToCard, craftgate.DepositToCardRequest{Price: amt("1"), Currency: "TRY",
		Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: "4111111111111112", ExpireMonth: "07", ExpireYear: "2044", CVC: "000"}})); e.ErrorCode == "" {
		t.Fatalf("bad card: %+v", e)
	}

	// A WAITING APM payment is closed; a card payment is not WAITING.
	var init craftgate.InitApmPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathApmInit, apmRequest(craftgate.ApmPapara)), &init)
	var out struct{ Status string }
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundWaitingPayment, map[string]int64{"paymentId": init.PaymentID}), &out)
	if out.Status != craftgate.StatusSuccess {
		t.Fatalf("refund waiting: %+v", out)
	}
	if p := retrieveAny(t, m, init.PaymentID); p.PaymentStatus != craftgate.StatusFailure {
		t.Fatalf("after the refund: %+v", p)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathRefundWaitingPayment, map[string]int64{"paymentId": init.PaymentID})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("twice: %+v", e)
	}
	p := pay(t, m, paymentRequest(successCard))
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathRefundWaitingPayment, map[string]int64{"paymentId": p.ID})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("card payment: %+v", e)
	}
	if w := do(t, m, http.MethodPost, craftgate.PathRefundWaitingPayment, map[string]int64{"paymentId": 1}); w.Code != http.StatusNotFound {
		t.Fatalf("unknown: %d", w.Code)
	}
}
