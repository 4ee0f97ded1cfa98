package mock

import (
	"net/http"
	"strconv"
	"strings"
)

// route is one endpoint of the mock.
type route struct {
	method  string
	body    bool // takes a JSON body (Content-Type is checked)
	handler func(*Mock, *call)
	// alt is the same path's route for a second method, if any (whose
	// own alt may name a third).
	alt *route
	// page marks the browser pages: not signed, form bodies, HTML answers;
	// the handler reads the body itself.
	page bool
	// op names the operation for fault injection and the concurrency
	// limit; opAdmin for the mock's own admin routes, which neither
	// applies to.
	op op
}

// allow is the Allow header of the route's path.
func (rt *route) allow() string {
	s := rt.method
	for a := rt.alt; a != nil; a = a.alt {
		s += ", " + a.method
	}
	return s
}

// Paths. The /_mock/v1 routes are the mock's own admin API; they are signed
// like every other call. The /_mock/acs and /_mock/checkout pages are what
// a buyer's browser sees; they are not signed.
const (
	pathCardPayments       = "/payment/v1/card-payments"
	pathThreeDSInit        = "/payment/v1/card-payments/3ds-init"
	pathThreeDSComplete    = "/payment/v1/card-payments/3ds-complete"
	pathCheckoutInit       = "/payment/v1/checkout-payments/init"
	pathCheckoutPayments   = "/payment/v1/checkout-payments"
	pathRefunds            = "/payment/v1/refunds"
	pathRefundTransactions = "/payment/v1/refund-transactions"
	pathClock              = "/_mock/v1/clock"
	pathClockAdvance       = "/_mock/v1/clock/advance"
	pathPayments           = "/_mock/v1/payments"
	pathSettings           = "/_mock/v1/settings"
	pathWebhooks           = "/_mock/v1/webhooks"
	pathFaults             = "/_mock/v1/faults"

	// Pre-authorisation, stored cards, installments and BIN (preauth.go,
	// cards.go, installments.go).
	pathPostAuthSuffix    = "/post-auth"
	pathStoredCards       = "/payment/v1/cards"
	pathStoredCardsUpdate = "/payment/v1/cards/update"
	pathStoredCardsDelete = "/payment/v1/cards/delete"
	pathInstallments      = "/installment/v1/installments"
	pathBins              = "/installment/v1/bins"
	pathStats             = "/_mock/v1/stats"
	pathACS               = "/_mock/acs"
	pathCheckoutPage      = "/_mock/checkout"

	// APM (apm.go).
	pathAPMPayments          = "/payment/v1/apm-payments"
	pathAPMInit              = "/payment/v1/apm-payments/init"
	pathAPMComplete          = "/payment/v1/apm-payments/complete"
	pathInstantTransferBanks = "/payment/v1/instant-transfer-banks"
	pathAPMPage              = "/_mock/apm"

	// BNPL (bnpl.go).
	pathBNPLOffers   = "/payment/v1/bnpl-payments/offers"
	pathBNPLInit     = "/payment/v1/bnpl-payments/init"
	pathBNPLVerify   = "/payment/v1/bnpl-payments/verify"
	pathBNPLPayments = "/payment/v1/bnpl-payments"
	pathBNPLPage     = "/_mock/bnpl"

	pathBNPLApproveSuffix = "/approve"
	pathBNPLVerifySuffix  = "/verify"
)

// Second-method routes, shared (routes are returned by value).
var (
	routePostSettings = route{method: http.MethodPost, body: true, handler: (*Mock).postSettings}
	routePostFaults   = route{method: http.MethodPost, body: true, handler: (*Mock).postFaults}
	// GET and DELETE /payment/v1/cards: search, and the delete form of older
	// clients (cards.go).
	routeDeleteStoredCard = route{method: http.MethodDelete, handler: (*Mock).deleteStoredCard, op: opDeleteStoredCard}
	routeSearchCards      = route{method: http.MethodGet, handler: (*Mock).searchStoredCards, alt: &routeDeleteStoredCard, op: opSearchStoredCards}
	routeExpireCheckout   = route{method: http.MethodDelete, handler: (*Mock).expireCheckout, op: opExpireCheckout}
	routeACSPost          = route{method: http.MethodPost, handler: (*Mock).acsPost, page: true, op: opACSPost}
	routeCheckoutPagePay  = route{method: http.MethodPost, handler: (*Mock).checkoutPay, page: true, op: opCheckoutPagePay}
	// Pay-by-link products (products.go).
	routeSearchProducts  = route{method: http.MethodGet, handler: (*Mock).searchProducts, op: opSearchProducts}
	routeDeleteProduct   = route{method: http.MethodDelete, handler: (*Mock).deleteProduct, op: opDeleteProduct}
	routeRetrieveProduct = route{method: http.MethodGet, handler: (*Mock).retrieveProduct, alt: &routeDeleteProduct, op: opRetrieveProduct}
	routeLinkPagePay     = route{method: http.MethodPost, handler: (*Mock).linkPay, page: true, op: opLinkPagePay}
	// Fraud (fraud.go). GET /fraud/v1/value-lists is the documented form of
	// the clients' GET /fraud/v1/value-lists/all (D≠C: both are routes).
	routeAllFraudListsDocs = route{method: http.MethodGet, handler: (*Mock).allFraudValueLists, op: opAllFraudValueListsDocs}
	routeDeleteFraudList   = route{method: http.MethodDelete, handler: (*Mock).deleteFraudValueList, op: opDeleteFraudValueList}
	routeAPMPagePost       = route{method: http.MethodPost, handler: (*Mock).apmPage, page: true, op: opAPMPagePost}
	routeBNPLPagePost      = route{method: http.MethodPost, handler: (*Mock).apmPage, page: true, op: opBNPLPagePost}
)

// matchRoute finds the route for path. For the {id} routes it also returns
// the id segment (all digits; a segment that is not a number is no route at
// all). The checkout {token} routes return the token instead.
func matchRoute(path string) (rt route, idText string, ok bool) {
	switch path {
	case pathCardPayments:
		return route{method: http.MethodPost, body: true, handler: (*Mock).createPayment, op: opCreatePayment}, "", true
	case pathThreeDSInit:
		return route{method: http.MethodPost, body: true, handler: (*Mock).initThreeDS, op: opThreeDSInit}, "", true
	case pathThreeDSComplete:
		return route{method: http.MethodPost, body: true, handler: (*Mock).completeThreeDS, op: opThreeDSComplete}, "", true
	case pathCheckoutInit:
		return route{method: http.MethodPost, body: true, handler: (*Mock).initCheckout, op: opCheckoutInit}, "", true
	case pathRefunds:
		return route{method: http.MethodPost, body: true, handler: (*Mock).refundPayment, op: opRefund}, "", true
	case pathRefundTransactions:
		return route{method: http.MethodPost, body: true, handler: (*Mock).refundTransaction, op: opRefundTransaction}, "", true
	case pathClock:
		return route{method: http.MethodGet, handler: (*Mock).getClock}, "", true
	case pathClockAdvance:
		return route{method: http.MethodPost, body: true, handler: (*Mock).advanceClock}, "", true
	case pathPayments:
		return route{method: http.MethodGet, handler: (*Mock).searchPayments}, "", true
	case pathSettings:
		return route{method: http.MethodGet, handler: (*Mock).getSettings, alt: &routePostSettings}, "", true
	case pathWebhooks:
		return route{method: http.MethodGet, handler: (*Mock).listWebhooks}, "", true
	case pathFaults:
		return route{method: http.MethodGet, handler: (*Mock).getFaults, alt: &routePostFaults}, "", true
	case pathStats:
		return route{method: http.MethodGet, handler: (*Mock).getStats}, "", true
	case pathStoredCards:
		return route{method: http.MethodPost, body: true, handler: (*Mock).storeCard, alt: &routeSearchCards, op: opStoreCard}, "", true
	case pathStoredCardsUpdate:
		return route{method: http.MethodPost, body: true, handler: (*Mock).updateStoredCard, op: opUpdateStoredCard}, "", true
	case pathStoredCardsDelete:
		return route{method: http.MethodPost, body: true, handler: (*Mock).deleteStoredCard, op: opDeleteStoredCardPost}, "", true
	case pathInstallments:
		return route{method: http.MethodGet, handler: (*Mock).searchInstallments, op: opSearchInstallments}, "", true
	case pathProducts:
		return route{method: http.MethodPost, body: true, handler: (*Mock).createProduct, alt: &routeSearchProducts, op: opCreateProduct}, "", true
	case pathCardLoyalties:
		return route{method: http.MethodPost, body: true, handler: (*Mock).retrieveLoyalties, op: opRetrieveLoyalties}, "", true
	case pathFraudValueLists:
		return route{method: http.MethodPost, body: true, handler: (*Mock).addFraudValue, alt: &routeAllFraudListsDocs, op: opAddFraudValue}, "", true
	case pathFraudValueListsAll:
		return route{method: http.MethodGet, handler: (*Mock).allFraudValueLists, op: opAllFraudValueLists}, "", true
	case pathFraudRules:
		return route{method: http.MethodGet, handler: (*Mock).searchFraudRules, op: opSearchFraudRules}, "", true
	case pathFraudChecks:
		return route{method: http.MethodGet, handler: (*Mock).searchFraudChecks, op: opSearchFraudChecks}, "", true
	case pathAPMInit:
		return route{method: http.MethodPost, body: true, handler: (*Mock).initAPM, op: opAPMInit}, "", true
	case pathAPMComplete:
		return route{method: http.MethodPost, body: true, handler: (*Mock).completeAPM, op: opAPMComplete}, "", true
	case pathAPMPayments:
		return route{method: http.MethodPost, body: true, handler: (*Mock).createDirectAPM, op: opAPMDirect}, "", true
	case pathInstantTransferBanks:
		return route{method: http.MethodGet, handler: (*Mock).instantTransferBankList, op: opInstantTransferBanks}, "", true
	case pathBNPLOffers:
		return route{method: http.MethodPost, body: true, handler: (*Mock).bnplOffers, op: opBNPLOffers}, "", true
	case pathBNPLInit:
		return route{method: http.MethodPost, body: true, handler: (*Mock).bnplInit, op: opBNPLInit}, "", true
	case pathBNPLVerify:
		return route{method: http.MethodPost, body: true, handler: (*Mock).bnplVerifyDocs, op: opBNPLVerifyDocs}, "", true
	}
	if rest, found := strings.CutPrefix(path, pathFraudValueLists+"/"); found {
		if name, ok := strings.CutSuffix(rest, pathFingerprintsSuffix); ok && isToken(name) {
			return route{method: http.MethodPost, body: true, handler: (*Mock).addCardFingerprint, op: opAddCardFingerprint}, rest, true
		}
		if name, value, ok := strings.Cut(rest, pathFraudValuesSeparator); ok && isToken(name) && isDigits(value) {
			return route{method: http.MethodDelete, handler: (*Mock).deleteFraudValue, op: opDeleteFraudValue}, rest, true
		}
		if isToken(rest) {
			return route{method: http.MethodGet, handler: (*Mock).fraudValueList, alt: &routeDeleteFraudList, op: opFraudValueList}, rest, true
		}
	}
	if rest, found := strings.CutPrefix(path, pathFraudChecks+"/"); found {
		if id, ok := strings.CutSuffix(rest, pathCheckStatusSuffix); ok && isDigits(id) {
			return route{method: http.MethodPut, body: true, handler: (*Mock).updateFraudCheckStatus, op: opUpdateFraudCheckStatus}, rest, true
		}
	}
	if id, found := strings.CutPrefix(path, pathProducts+"/"); found && isDigits(id) {
		return route{method: http.MethodPut, body: true, handler: (*Mock).updateProduct, alt: &routeRetrieveProduct, op: opUpdateProduct}, id, true
	}
	if tok, found := strings.CutPrefix(path, pathLinkPage+"/"); found {
		if t, qr := strings.CutSuffix(tok, pathQRSuffix); qr && isToken(t) {
			return route{method: http.MethodGet, handler: (*Mock).linkPage, page: true, op: opLinkQR}, tok, true
		}
		if isToken(tok) {
			return route{method: http.MethodGet, handler: (*Mock).linkPage, alt: &routeLinkPagePay, page: true, op: opLinkPage}, tok, true
		}
	}
	if rest, found := strings.CutPrefix(path, pathBNPLPayments+"/"); found {
		if id, ok := strings.CutSuffix(rest, pathBNPLApproveSuffix); ok && isDigits(id) {
			return route{method: http.MethodPost, handler: (*Mock).bnplApprove, op: opBNPLApprove}, id, true
		}
		if id, ok := strings.CutSuffix(rest, pathBNPLVerifySuffix); ok && isDigits(id) {
			return route{method: http.MethodPost, handler: (*Mock).bnplVerify, op: opBNPLVerify}, id, true
		}
	}
	if id, found := strings.CutPrefix(path, pathBNPLPage+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).apmPage, alt: &routeBNPLPagePost, page: true, op: opBNPLPage}, id, true
	}
	if id, found := strings.CutPrefix(path, pathAPMPage+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).apmPage, alt: &routeAPMPagePost, page: true, op: opAPMPage}, id, true
	}
	if rest, found := strings.CutPrefix(path, pathCardPayments+"/"); found {
		if id, ok := strings.CutSuffix(rest, pathPostAuthSuffix); ok && isDigits(id) {
			return route{method: http.MethodPost, body: true, handler: (*Mock).postAuth, op: opPostAuth}, id, true
		}
	}
	if bin, found := strings.CutPrefix(path, pathBins+"/"); found && isDigits(bin) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveBin, op: opRetrieveBin}, bin, true
	}
	if id, found := strings.CutPrefix(path, pathCardPayments+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).retrievePayment, op: opRetrievePayment}, id, true
	}
	if id, found := strings.CutPrefix(path, pathRefunds+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveRefund, op: opRetrieveRefund}, id, true
	}
	if id, found := strings.CutPrefix(path, pathRefundTransactions+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveTxRefund, op: opRetrieveTxRefund}, id, true
	}
	if tok, found := strings.CutPrefix(path, pathCheckoutPayments+"/"); found && isToken(tok) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveCheckout, alt: &routeExpireCheckout, op: opRetrieveCheckout}, tok, true
	}
	if id, found := strings.CutPrefix(path, pathACS+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).acsGet, alt: &routeACSPost, page: true, op: opACSGet}, id, true
	}
	if tok, found := strings.CutPrefix(path, pathCheckoutPage+"/"); found && isToken(tok) {
		return route{method: http.MethodGet, handler: (*Mock).checkoutPage, alt: &routeCheckoutPagePay, page: true, op: opCheckoutPage}, tok, true
	}
	return matchWalletRoute(path) // members and wallets (members.go, wallet.go)
}

// op identifies an operation: a route and method. Fault rules name
// operations by their opNames entry.
type op uint8

// Operations. opAdmin (the zero value) covers every /_mock/v1 admin route.
const (
	opAdmin op = iota
	opCreatePayment
	opRetrievePayment
	opThreeDSInit
	opThreeDSComplete
	opCheckoutInit
	opRetrieveCheckout
	opExpireCheckout
	opRefund
	opRetrieveRefund
	opRefundTransaction
	opRetrieveTxRefund
	opACSGet
	opACSPost
	opCheckoutPage
	opCheckoutPagePay
	opPostAuth
	opStoreCard
	opSearchStoredCards
	opUpdateStoredCard
	opDeleteStoredCardPost
	opDeleteStoredCard
	opSearchInstallments
	opRetrieveBin

	// Members and wallets (members.go, wallet.go).
	opCreateMember
	opSearchMembers
	opRetrieveMember
	opUpdateMember
	opCreateWallet
	opRetrieveMemberWallet
	opUpdateWallet
	opRetrieveMerchantWallet
	opResetMerchantWallet
	opSearchWalletTxs
	opSendRemittance
	opReceiveRemittance
	opRetrieveRemittance
	opRetrieveRemittancePost
	opDeposit
	opFundTransferDeposit
	opApproveTxs
	opDisapproveTxs
	opUpdateTx
	opSettleToWallets
	opDepositThreeDSInit
	opDepositThreeDSComplete
	opWalletTxRefundable
	opRefundWalletTx
	opListWalletTxRefunds
	// Pay-by-link products (products.go).
	opCreateProduct
	opSearchProducts
	opUpdateProduct
	opRetrieveProduct
	opDeleteProduct
	opLinkPage
	opLinkPagePay
	opLinkQR
	// Rewards and fraud (loyalty.go, fraud.go).
	opRetrieveLoyalties
	opAddFraudValue
	opAllFraudValueLists
	opAllFraudValueListsDocs
	opFraudValueList
	opDeleteFraudValueList
	opDeleteFraudValue
	opAddCardFingerprint
	opSearchFraudRules
	opSearchFraudChecks
	opUpdateFraudCheckStatus
	opAPMInit
	opAPMComplete
	opAPMDirect
	opInstantTransferBanks
	opAPMPage
	opAPMPagePost
	opBNPLOffers
	opBNPLInit
	opBNPLApprove
	opBNPLVerify
	opBNPLVerifyDocs
	opBNPLPage
	opBNPLPagePost
	numOps
)

// opNames are the operation names of fault rules: method, a space and
// the path, with {id} or {token} for the variable segment. Read-only.
var opNames = [numOps]string{
	opAdmin:             "",
	opCreatePayment:     "POST " + pathCardPayments,
	opRetrievePayment:   "GET " + pathCardPayments + "/{id}",
	opThreeDSInit:       "POST " + pathThreeDSInit,
	opThreeDSComplete:   "POST " + pathThreeDSComplete,
	opCheckoutInit:      "POST " + pathCheckoutInit,
	opRetrieveCheckout:  "GET " + pathCheckoutPayments + "/{token}",
	opExpireCheckout:    "DELETE " + pathCheckoutPayments + "/{token}",
	opRefund:            "POST " + pathRefunds,
	opRetrieveRefund:    "GET " + pathRefunds + "/{id}",
	opRefundTransaction: "POST " + pathRefundTransactions,
	opRetrieveTxRefund:  "GET " + pathRefundTransactions + "/{id}",
	opACSGet:            "GET " + pathACS + "/{paymentId}",
	opACSPost:           "POST " + pathACS + "/{paymentId}",
	opCheckoutPage:      "GET " + pathCheckoutPage + "/{token}",
	opCheckoutPagePay:   "POST " + pathCheckoutPage + "/{token}",

	opPostAuth:             "POST " + pathCardPayments + "/{id}" + pathPostAuthSuffix,
	opStoreCard:            "POST " + pathStoredCards,
	opSearchStoredCards:    "GET " + pathStoredCards,
	opUpdateStoredCard:     "POST " + pathStoredCardsUpdate,
	opDeleteStoredCardPost: "POST " + pathStoredCardsDelete,
	opDeleteStoredCard:     "DELETE " + pathStoredCards,
	opSearchInstallments:   "GET " + pathInstallments,
	opRetrieveBin:          "GET " + pathBins + "/{binNumber}",

	opCreateMember:           "POST " + pathMembers,
	opSearchMembers:          "GET " + pathMembers,
	opRetrieveMember:         "GET " + pathMembers + "/{id}",
	opUpdateMember:           "PUT " + pathMembers + "/{id}",
	opCreateWallet:           "POST " + pathWalletMembers + "/{memberId}/wallets",
	opRetrieveMemberWallet:   "GET " + pathWalletMembers + "/{memberId}/wallet",
	opUpdateWallet:           "PUT " + pathWalletMembers + "/{memberId}/wallets/{walletId}",
	opRetrieveMerchantWallet: "GET " + pathMerchantWallet,
	opResetMerchantWallet:    "POST " + pathMerchantWalletReset,
	opSearchWalletTxs:        "GET " + pathWallets + "/{walletId}/wallet-transactions",
	opSendRemittance:         "POST " + pathRemittancesSend,
	opReceiveRemittance:      "POST " + pathRemittancesReceive,
	opRetrieveRemittance:     "GET " + pathRemittances + "/{id}",
	opRetrieveRemittancePost: "POST " + pathRemittances + "/{id}",
	opDeposit:                "POST " + pathDeposits,
	opFundTransferDeposit:    "POST " + pathDepositsFundTransfer,
	opApproveTxs:             "POST " + pathApproveTxs,
	opDisapproveTxs:          "POST " + pathDisapproveTxs,
	opUpdateTx:               "PUT " + pathPaymentTxs + "/{id}",
	opSettleToWallets:        "POST " + pathWalletSettlements,
	opDepositThreeDSInit:     "POST " + pathDepositsThreeDSInit,
	opDepositThreeDSComplete: "POST " + pathDepositsThreeDSComplete,
	opWalletTxRefundable:     "GET " + pathWalletTxs + "/{id}/refundable-amount",
	opRefundWalletTx:         "POST " + pathWalletTxs + "/{id}/refunds",
	opListWalletTxRefunds:    "GET " + pathWalletTxs + "/{id}/refunds",
	opCreateProduct:          "POST " + pathProducts,
	opSearchProducts:         "GET " + pathProducts,
	opUpdateProduct:          "PUT " + pathProducts + "/{id}",
	opRetrieveProduct:        "GET " + pathProducts + "/{id}",
	opDeleteProduct:          "DELETE " + pathProducts + "/{id}",
	opLinkPage:               "GET " + pathLinkPage + "/{token}",
	opLinkPagePay:            "POST " + pathLinkPage + "/{token}",
	opLinkQR:                 "GET " + pathLinkPage + "/{token}" + pathQRSuffix,

	opRetrieveLoyalties:      "POST " + pathCardLoyalties,
	opAddFraudValue:          "POST " + pathFraudValueLists,
	opAllFraudValueLists:     "GET " + pathFraudValueListsAll,
	opAllFraudValueListsDocs: "GET " + pathFraudValueLists,
	opFraudValueList:         "GET " + pathFraudValueLists + "/{listName}",
	opDeleteFraudValueList:   "DELETE " + pathFraudValueLists + "/{listName}",
	opDeleteFraudValue:       "DELETE " + pathFraudValueLists + "/{listName}/values/{valueId}",
	opAddCardFingerprint:     "POST " + pathFraudValueLists + "/{listName}" + pathFingerprintsSuffix,
	opSearchFraudRules:       "GET " + pathFraudRules,
	opSearchFraudChecks:      "GET " + pathFraudChecks,
	opUpdateFraudCheckStatus: "PUT " + pathFraudChecks + "/{id}" + pathCheckStatusSuffix,
	opAPMInit:                "POST " + pathAPMInit,
	opAPMComplete:            "POST " + pathAPMComplete,
	opAPMDirect:              "POST " + pathAPMPayments,
	opInstantTransferBanks:   "GET " + pathInstantTransferBanks,
	opAPMPage:                "GET " + pathAPMPage + "/{paymentId}",
	opAPMPagePost:            "POST " + pathAPMPage + "/{paymentId}",
	opBNPLOffers:             "POST " + pathBNPLOffers,
	opBNPLInit:               "POST " + pathBNPLInit,
	opBNPLApprove:            "POST " + pathBNPLPayments + "/{paymentId}" + pathBNPLApproveSuffix,
	opBNPLVerify:             "POST " + pathBNPLPayments + "/{paymentId}" + pathBNPLVerifySuffix,
	opBNPLVerifyDocs:         "POST " + pathBNPLVerify,
	opBNPLPage:               "GET " + pathBNPLPage + "/{paymentId}",
	opBNPLPagePost:           "POST " + pathBNPLPage + "/{paymentId}",
}

// String returns the operation's name.
func (o op) String() string { return opNames[o] }

// Operations returns the names fault rules accept besides "*", in a
// stable order.
func Operations() []string {
	out := make([]string, 0, numOps-1)
	for _, n := range opNames[1:] {
		out = append(out, n)
	}
	return out
}

// isToken accepts a checkout token segment: 1 to 64 letters, digits, '-'
// or '_'.
func isToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseID parses an id segment; ids too large for int64 are simply unknown.
func parseID(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return id
}
