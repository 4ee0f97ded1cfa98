package mock

import (
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Wallet top-ups through an alternative payment method
// (docs/reference/craftgate/endpoints.md A.7, docs/reference/craftgate/flows.md
// sections 5 and 11; the official clients' InitApmDepositPayment).
//
//	POST /payment/v1/deposits/apm-init   signed; APM init for the wallet of buyerMemberId
//
// The top-up is an APM payment (apm.go) of price, without a basket, that
// follows its apmType's additionalAction exactly as an APM payment does:
// the provider's page /_mock/apm/{id} and its callback for a redirect,
// POST /payment/v1/apm-payments/complete for a code, the app's page for
// WAIT_FOR_WEBHOOK, paid at once for NONE; the APM error identities refuse
// it at init the same way (422, stored FAILURE). When it succeeds, and
// only then, the wallet of buyerMemberId is credited with price once: one
// DEPOSIT_FROM_APM wallet transaction (transactionId the payment id) and
// its WALLET_TX_CREATED webhook, before the payment's API_AUTH webhook. A
// refused, rejected, wrongly coded or withdrawn (refund-waiting-payment)
// top-up credits nothing.
//
// MOCK DECISIONS where the reference is silent (README "mock's choices",
// wallet):
//   - the member, its wallet and the currency are checked at init as for
//     a card top-up (404 member or wallet not found, 400 currency
//     mismatch): nothing starts that could not be credited; currency
//     defaults to TRY, as for the other top-ups;
//   - the payment is retrieved with GET /payment/v1/card-payments/{id}
//     as paymentType DEPOSIT_PAYMENT with its apmType, paidPrice = price,
//     no paymentGroup and no transactions; it cannot be refunded there
//     (like APM payments other than BNPL loans), nor its DEPOSIT_FROM_APM
//     movement through the wallet-transaction refunds (wallet_refunds.go);
//   - the answer has the official clients' fields only: walletTransaction
//     when the top-up is paid at init (NONE); the provider's page as
//     redirectUrl for REDIRECT_TO_URL, WAIT_FOR_WEBHOOK and also
//     SHOW_HTML_CONTENT (the answer has no htmlContent); no additionalData
//     (Metropol's wallet list: any walletId and productId complete it).

// initApmDeposit serves POST /payment/v1/deposits/apm-init.
func (m *Mock) initApmDeposit(c *call, req craftgate.InitApmDepositRequest) error {
	action, e := m.apmActionFor(req.ApmType)
	if e != nil {
		return e
	}
	price, ci, e := depositTarget(req.Price, req.Currency, req.BuyerMemberID)
	if e != nil {
		return e
	}
	if e := m.checkDepositMember(req.BuyerMemberID, ci); e != nil {
		return e
	}
	p := &apmPayment{apmType: req.ApmType, price: price, paid: price, currency: ci, created: m.Now().Unix(),
		conversationID: req.ConversationID, externalID: req.ExternalID, channel: req.PaymentChannel,
		buyerMemberID: req.BuyerMemberID, deposit: true}
	p.id = nextRange(&m.ids.payment, 1)
	init := craftgate.InitApmPaymentRequest{ApmType: req.ApmType, MerchantApmID: req.MerchantApmID, Price: req.Price,
		PaidPrice: req.Price, Currency: craftgate.Currencies[ci], PaymentChannel: req.PaymentChannel,
		ConversationID: req.ConversationID, ExternalID: req.ExternalID, CallbackURL: req.CallbackURL,
		BuyerMemberID: req.BuyerMemberID, ClientIP: req.ClientIP, ApmOrderID: req.ApmOrderID,
		ApmUserIdentity: req.ApmUserIdentity, AdditionalParams: req.AdditionalParams}
	r, e := m.startAPM(c, &init, p, action)
	if e != nil {
		return e
	}
	out := craftgate.ApmDepositResponse{PaymentID: r.PaymentID, RedirectURL: r.RedirectURL, PaymentStatus: r.PaymentStatus,
		AdditionalAction: r.AdditionalAction}
	if r.PaymentStatus == craftgate.StatusSuccess {
		out.WalletTransaction = m.topUpMovement(p.buyerMemberID, p.currency, craftgate.WalletTxDepositFromAPM, p.id)
	}
	c.sendData(http.StatusOK, &out)
	return nil
}

// creditAPMDeposit credits p, an APM payment that succeeded, to its
// wallet when it is a top-up not yet credited.
func (m *Mock) creditAPMDeposit(p *apmPayment) {
	m.apm.mu.Lock()
	due := p.deposit && !p.credited && p.status == craftgate.StatusSuccess
	if due {
		p.credited = true
	}
	m.apm.mu.Unlock()
	if due {
		m.creditTopUp(p.buyerMemberID, p.currency, p.paid, craftgate.WalletTxDepositFromAPM, p.id)
	}
}

// paymentType is the paymentType of p: DEPOSIT_PAYMENT for a top-up, APM
// otherwise. The caller holds the store's mutex or owns p alone.
func (p *apmPayment) paymentType() string {
	if p.deposit {
		return craftgate.PaymentTypeDeposit
	}
	return craftgate.PaymentTypeAPM
}
