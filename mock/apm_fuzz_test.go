package mock

import (
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// FuzzAPMAndBNPL fuzzes the bodies of the APM and BNPL endpoints (apm.go,
// bnpl.go): no panic, never a 500, a success or the error envelope.
func FuzzAPMAndBNPL(f *testing.F) {
	edenred := apmRequest(craftgate.ApmEdenred)
	edenred.ApmUserIdentity = "0000000000000018"
	bnpl := bnplRequest(craftgate.BnplMaslak, "0064")
	fuzzJSON(f, []string{pathAPMInit, pathAPMComplete, pathAPMPayments, pathBNPLOffers, pathBNPLInit, pathBNPLVerify},
		apmRequest(craftgate.ApmPapara), edenred, bnpl,
		craftgate.BnplOffersRequest{ApmType: craftgate.BnplMaslak, Price: amt("100"), Currency: "TRY", Items: bnpl.CartItems},
		craftgate.CompleteApmPaymentRequest{PaymentID: 1000001, AdditionalParams: map[string]string{"otpCode": "123456"}},
		[]byte(`{"apmType":"CASH_ON_DELIVERY","price":1,"paidPrice":1,"currency":"TRY","items":[{"price":1}]}`),
		[]byte(`{"apmType":"ZIP","price":1,"currency":"KZT","items":[{"type":"TV","unitPrice":0.5,"quantity":2}],"additionalParams":{"fingate":{"isHostedPage":true}}}`),
		[]byte(`{"paymentId":1000001}`))
}
