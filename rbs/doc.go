// Package rbs is gatecheck's client for the RBS payment gateway (BPC's
// e-commerce gateway as run by Alfa-Bank Russia, Sberbank and others) and
// for the all2pay "AntiDDOS Router" that replicates its API in front of
// several banks and adds Alfa Pay.
//
// Two wire variants share one model:
//
//   - the bank gateway (VariantBank, e.g. https://alfa.rbsuat.com/payment/rest):
//     application/x-www-form-urlencoded requests, JSON responses;
//   - the router (VariantRouter, e.g. https://api.uat.all2pay.net/v1): JSON
//     requests and responses, plus /alfapay/paymentOrder.do.
//
// Amounts are integers in minor units (kopecks for RUB) as on the wire;
// ToMinor and FromMinor convert from and to shopspring decimals, never
// floats. Currencies are ISO 4217 numeric codes (643 RUB by default).
// Authentication is userName+password or a token in every request; the
// client never logs or prints either.
//
// errorCode answers (absent, a string or a number on the wire, depending on
// the method) become a typed *Error usable with errors.As. The callback
// checksum (HMAC-SHA256 over the sorted "name;value;" pairs, upper-case hex)
// and its RSA-SHA512 variant are computed and verified here; Receiver is the
// merchant side that receives and verifies callbacks and is where the
// payer's browser returns. TestCards is the embedded test-card catalogue
// shared by the mock (package rbsmock) and the step library.
//
// Nothing here is related to Craftgate's "ALFABANK" BNPL provider, which
// does not use the RBS *.do API.
package rbs
