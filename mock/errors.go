package mock

import (
	"errors"
	"net/http"
	"strconv"
)

// Error codes the mock answers with outside the payment-error groups of the
// test-card catalogue.
//
// Only two codes in this package are documented Craftgate codes: 4152
// (CodeInvalidExpireYear, the docs' one validation example) and 10051
// (NOT_SUFFICIENT_FUNDS, which comes from the catalogue, not from here).
// Every other code below is synthetic: stable within gatecheck, chosen below
// 10000 so that, like Craftgate's validation errors, they carry no
// errorGroup. Conformance tests against the real sandbox must never assert
// them.
const (
	// Authentication, HTTP 401. Craftgate documents neither the status nor
	// the code of authentication failures; the description of a bad
	// signature is the documented "Signature is not equal!".

	// CodeMissingAuthHeader: x-api-key, x-rnd-key, x-auth-version or
	// x-signature is missing or empty.
	CodeMissingAuthHeader = "1001"
	// CodeInvalidAuthVersion: x-auth-version is not 1, v1 or V1.
	CodeInvalidAuthVersion = "1002"
	// CodeUnknownAPIKey: x-api-key is not the mock's merchant key.
	CodeUnknownAPIKey = "1003"
	// CodeInvalidSignature: x-signature does not match.
	CodeInvalidSignature = "1004"

	// Protocol errors.

	// CodeRouteNotFound: no such route (HTTP 404).
	CodeRouteNotFound = "1101"
	// CodeMethodNotAllowed: known route, wrong method (HTTP 405, with Allow).
	CodeMethodNotAllowed = "1102"
	// CodeUnsupportedMediaType: a body route was called without a JSON
	// Content-Type (HTTP 415).
	CodeUnsupportedMediaType = "1103"
	// CodeBodyTooLarge: the body exceeds Config.MaxBodyBytes (HTTP 413).
	CodeBodyTooLarge = "1104"
	// CodeTextTooLong: a string value of the body is longer than
	// MaxTextBytes (HTTP 400).
	CodeTextTooLong = "1110"
	// CodeBodyTimeout: the body did not arrive within
	// Config.BodyReadTimeout (HTTP 408).
	CodeBodyTimeout = "1109"
	// CodeMalformedJSON: empty body, not a JSON object, invalid JSON, or a
	// numeric literal too long to be an amount (HTTP 400).
	CodeMalformedJSON = "1105"
	// CodeInvalidFieldType: a JSON value has the wrong type for its field,
	// or is not a valid amount (HTTP 400).
	CodeInvalidFieldType = "1106"
	// CodeInvalidEncoding: the body is not valid UTF-8 (HTTP 400). Go's
	// encoding/json would silently turn the bad bytes into U+FFFD and
	// store them; the mock refuses them instead.
	CodeInvalidEncoding = "1107"
	// CodeDuplicateKey: a JSON object names the same member twice, ASCII
	// case-insensitively (HTTP 400). encoding/json would keep the last
	// value silently (and matches names case-insensitively); the mock
	// refuses the ambiguity instead.
	CodeDuplicateKey = "1108"
	// CodeInternalError: the mock failed (HTTP 500); it keeps serving.
	CodeInternalError = "1199"
	// CodeStateNotDurable: the request's change could not be written to
	// the state file (HTTP 500; durable.go): it was made in memory but
	// is not acknowledged, and may be lost at the next restart.
	CodeStateNotDurable = "1198"

	// Overload and injected faults (faults.go). None is a Craftgate code.

	// CodeOverloaded: Config.MaxConcurrent requests are already in flight
	// (HTTP 503, Retry-After: 1); the request was not processed.
	CodeOverloaded = "1301"
	// CodeInjectedError: an injected 5xx (fault "error"); with "after"
	// the request was processed before the answer was replaced.
	CodeInjectedError = "1302"
	// CodeInjectedTimeout: an injected hold (fault "timeout") outlasted by
	// the client (HTTP 504).
	CodeInjectedTimeout = "1303"
	// CodeVaultFull: the stored-card vault holds Config.StoredCardCapacity
	// cards or card users (HTTP 507); the card was not stored.
	CodeVaultFull = "1304"
	// An injected 429 (fault "rateLimit") answers the catalogue's
	// TOO_MANY_REQUESTS payment error group and its code, with
	// Retry-After; a bank outage answers the outage's group (HTTP 422).

	// Unknown ids, HTTP 404.

	// CodePaymentNotFound: no payment with that id.
	CodePaymentNotFound = "1201"
	// CodePaymentTransactionNotFound: no payment transaction with that id.
	CodePaymentTransactionNotFound = "1202"
	// CodeRefundNotFound: no payment refund (CANCEL) with that id.
	CodeRefundNotFound = "1203"
	// CodeTransactionRefundNotFound: no payment transaction refund with that id.
	CodeTransactionRefundNotFound = "1204"
	// CodeEvicted: the id existed but the record was evicted from the
	// bounded store (Config.StoreCapacity; store.go states the rule).
	CodeEvicted = "1209"

	// Validation, HTTP 400, no errorGroup.

	// CodeRequiredField: a required field is missing.
	CodeRequiredField = "2001"
	// CodeInvalidAmount: an amount is not positive, has more than 8
	// decimal places, or is not below 10,000,000,000.
	CodeInvalidAmount = "2002"
	// CodeInvalidCurrency: currency is not a documented currency code.
	CodeInvalidCurrency = "2003"
	// CodeInvalidInstallment: installment outside 1..12, or above 1 where
	// installments are not allowed (see validate.go).
	CodeInvalidInstallment = "2004"
	// CodeItemsPriceMismatch: the items' prices do not sum to price.
	CodeItemsPriceMismatch = "2005"
	// CodeWalletPriceExceedsPaidPrice: walletPrice is above paidPrice.
	CodeWalletPriceExceedsPaidPrice = "2006"
	// CodeInvalidCardNumber: the card number is not 12-19 digits with a
	// valid Luhn check digit.
	CodeInvalidCardNumber = "2007"
	// CodeCardNotInSandbox: a valid number that is not a sandbox test card
	// (the sandbox accepts only test cards).
	CodeCardNotInSandbox = "2008"
	// CodeInvalidExpireMonth: expireMonth is not 01..12.
	CodeInvalidExpireMonth = "2009"
	// CodeInvalidExpireYear is Craftgate's documented code for an invalid
	// card expiry year ("Kart son kullanma yılı \"2010\" geçersiz"). The
	// mock also uses it for an expiry month already past in the current
	// year.
	CodeInvalidExpireYear = "4152"
	// CodeInvalidCVC: cvc is not 3 digits (4 for American Express).
	CodeInvalidCVC = "2010"
	// CodeInvalidCardHolderName: cardHolderName contains one of <>"%;&+()|=!
	// or more than five digits.
	CodeInvalidCardHolderName = "2011"
	// CodeCurrencyNotSupportedByCard: a non-TRY currency with a card that is
	// not one of the catalogue's multi-currency cards.
	CodeCurrencyNotSupportedByCard = "2012"
	// CodeInvalidPaymentPhase: paymentPhase is neither AUTH nor PRE_AUTH
	// (POST_AUTH is never valid in a payment request; it is what post-auth
	// makes of a PRE_AUTH payment).
	CodeInvalidPaymentPhase = "2013"
	// CodeInvalidPaymentGroup: paymentGroup is not PRODUCT or
	// LISTING_OR_SUBSCRIPTION.
	CodeInvalidPaymentGroup = "2014"
	// CodeUnsupportedFeature: a documented feature the mock does not model
	// (wallet payments, stored cards, storing cards, WALLET refunds).
	CodeUnsupportedFeature = "2015"
	// CodeInvalidSubMerchant: an item's sub-merchant fields are inconsistent.
	CodeInvalidSubMerchant = "2016"
	// CodeRefundExceedsRefundable: refundPrice is above what is left to
	// refund on the transaction. The reference only guesses that Craftgate
	// answers this with a MAY_HAVE_ALREADY_REFUNDED payment error; the mock
	// treats it as a validation error.
	CodeRefundExceedsRefundable = "2021"
	// CodePaymentNotRefundable: the payment failed or is already fully
	// refunded.
	CodePaymentNotRefundable = "2022"
	// CodeInvalidRefundDestination: refundDestinationType is not PROVIDER
	// (or its deprecated alias CARD).
	CodeInvalidRefundDestination = "2023"
	// CodeInvalidDuration: the admin clock duration is not a positive Go
	// duration.
	CodeInvalidDuration = "2030"

	// 3-D Secure and checkout (docs/reference/craftgate/flows.md sections 2 and 7).

	// CodeInvalidCallbackURL: callbackUrl is missing or not an absolute
	// http(s) URL (3ds-init, checkout init).
	CodeInvalidCallbackURL = "2031"
	// CodeInvalidCallbackVersion: additionalParams.threeDSCallbackVersion
	// is neither 1 nor 2.
	CodeInvalidCallbackVersion = "2032"
	// CodeThreeDSNotAuthenticated: the 3-D Secure verification was not
	// accepted (mdStatus 0, or not 1 under FULL_THREEDS). It is the
	// paymentError of such a payment and the answer to completing it: the
	// reference says "complete returns a validation error" without a code.
	CodeThreeDSNotAuthenticated = "2033"
	// CodeThreeDSNotCompletable: 3ds-complete for a payment that is not
	// waiting for it (never verified, not a 3-D Secure payment, or already
	// completed, 3D_PAY included).
	CodeThreeDSNotCompletable = "2034"
	// CodeCheckoutNotPaid: retrieve of a checkout token nobody paid yet.
	// The reference leaves it undocumented; the mock answers a validation
	// error (docs/reference/craftgate/flows.md section 7 item 6).
	CodeCheckoutNotPaid = "2035"
	// CodeCheckoutExpired: the checkout token expired (ttl or DELETE).
	CodeCheckoutExpired = "2036"
	// CodeCheckoutAlreadyPaid: DELETE of a token already used to pay.
	CodeCheckoutAlreadyPaid = "2037"
	// CodeInvalidTTL: checkout ttl is negative or absurdly large.
	CodeInvalidTTL = "2038"
	// CodeInvalidSettings: a /_mock/v1/settings value is invalid.
	CodeInvalidSettings = "2039"
	// CodeInvalidFaults: a /_mock/v1/faults configuration is invalid.
	CodeInvalidFaults = "2048"

	// CodeCheckoutNotFound: no checkout token like that (HTTP 404).
	CodeCheckoutNotFound = "1205"
)

// Pre-authorisation, stored cards, installments and BIN (preauth.go,
// cards.go, installments.go). All synthetic, like the codes above.
const (
	// CodeStoredCardNotFound: no stored card with that cardUserKey and
	// cardToken, on the stored-card endpoints (HTTP 404).
	CodeStoredCardNotFound = "1206"
	// CodeCardUserNotFound: store card with a cardUserKey the vault does not
	// know (HTTP 404).
	CodeCardUserNotFound = "1207"
	// CodeBinNotFound: no catalogue card has that BIN (HTTP 404).
	CodeBinNotFound = "1208"

	// CodePostAuthNotAllowed: post-auth of a payment that is not a
	// successful, unrefunded pre-authorisation: an AUTH payment, one already
	// post-authorised, a failed or unfinished 3-D Secure one, or a refunded
	// one (HTTP 400).
	CodePostAuthNotAllowed = "2040"
	// CodePostAuthAboveMargin: the post-auth paidPrice is above the margin
	// (Config.PostAuthMargin) times the pre-authorised amount (HTTP 400).
	// The reference leaves the answer undocumented (docs/reference/craftgate/flows.md section 3).
	CodePostAuthAboveMargin = "2041"
	// CodePreAuthRefundNotWhole: a transaction (partial) refund of a
	// pre-authorised payment, which can only be refunded whole through
	// POST /payment/v1/refunds (docs/reference/craftgate/flows.md section 3 item 4; HTTP 400).
	CodePreAuthRefundNotWhole = "2042"
	// CodeStoredCardNotUsable: a payment names a stored card
	// (cardUserKey + cardToken) that does not exist or was deleted, or only
	// one of the two (HTTP 400).
	CodeStoredCardNotUsable = "2043"
	// CodeInvalidBinNumber: binNumber is not 6 to 8 digits (HTTP 400).
	CodeInvalidBinNumber = "2044"
	// CodeInvalidPaging: page or size of a search is not a valid number
	// (page >= 0, size 1..1000; HTTP 400).
	CodeInvalidPaging = "2045"
	// CodeInvalidQuery: a query parameter has a value the endpoint does
	// not accept (a malformed amount, boolean, date or enum; HTTP 400).
	CodeInvalidQuery = "2046"
	// CodeInvalidCardAlias: cardAlias is longer than 100 characters
	// (HTTP 400).
	CodeInvalidCardAlias = "2047"
)

// Pay-by-link products, rewards and fraud (products.go, loyalty.go,
// fraud.go). Craftgate documents none of these codes; the mock's are in
// their own range.
const (
	// CodeProductNotFound: no pay-by-link product with that id (HTTP 404).
	CodeProductNotFound = "2100"
	// CodeInvalidProduct: a product field has a value the mock does not
	// accept: orderId without stock 1, stock below 1 or below soldCount,
	// a malformed or past expiresAt, a status other than ACTIVE/PASSIVE,
	// an over-long name or description (HTTP 400).
	CodeInvalidProduct = "2101"
	// CodeInvalidLoyalty: card.loyalty is malformed: an unknown type, reward
	// missing for REWARD_MONEY or sent for another type, negative or zero
	// reward amounts (HTTP 400).
	CodeInvalidLoyalty = "2110"
	// CodeNoRewardPos: reward usage with a card outside the Bonus and
	// Garanti BBVA CC families, "no suitable POS found for reward
	// transaction" (documented text, undocumented code; HTTP 400).
	CodeNoRewardPos = "2111"
	// CodeInvalidFraudValue: a fraud value-list or fraud-check request with
	// a malformed field (list name, type, value, label, duration, operation,
	// checkStatus; HTTP 400).
	CodeInvalidFraudValue = "2120"
	// CodeFraudListNotFound: no value list (or value) of that name (or id)
	// (HTTP 404).
	CodeFraudListNotFound = "2121"
	// CodeFraudCheckNotFound: no fraud check with that id (HTTP 404).
	CodeFraudCheckNotFound = "2122"
	// CodeFraudStoreFull: the mock's bound on value lists or values per
	// list is reached (HTTP 400).
	CodeFraudStoreFull = "2123"
)

// descSignature is the documented description of a signature mismatch.
const descSignature = "Signature is not equal!"

// apiError is one answer in the error envelope.
type apiError struct {
	status int
	code   string
	desc   string
	group  string // payment errors only
	allow  string // Allow header for 405
}

// Error implements error.
func (e *apiError) Error() string {
	return "mock: HTTP " + strconv.Itoa(e.status) + ": " + e.code + ": " + e.desc
}

func errValidation(code, desc string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, desc: desc}
}

func errUnauthorized(code, desc string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, desc: desc}
}

func errNotFound(code, desc string) *apiError {
	return &apiError{status: http.StatusNotFound, code: code, desc: desc}
}

func errRequired(field string) *apiError {
	return errValidation(CodeRequiredField, field+" is required")
}

// requireAll takes fields as name, value, name, value...: it is
// errRequired for the first field whose value is empty, nil when every one
// is given.
func requireAll(nameValues ...string) *apiError {
	for i := 0; i+1 < len(nameValues); i += 2 {
		if nameValues[i+1] == "" {
			return errRequired(nameValues[i])
		}
	}
	return nil
}

// errPayment is a payment (bank) error: HTTP 422 with an errorGroup.
func errPayment(code, group, desc string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: code, group: group, desc: desc}
}

// errNotAuthenticated is CodeThreeDSNotAuthenticated for a payment.
func errNotAuthenticated(id int64, md int) *apiError {
	return errValidation(CodeThreeDSNotAuthenticated, "paymentId "+strconv.FormatInt(id, 10)+
		": 3-D Secure authentication was not accepted (mdStatus "+strconv.Itoa(md)+")")
}

// Members and wallets (members.go, wallet.go). Synthetic codes in their
// own range, 2200 and up, so that they cannot collide with other blocks.
const (
	// CodeMemberNotFound: no member has the id (HTTP 404).
	CodeMemberNotFound = "2200"
	// CodeInvalidMember: a member field is missing or malformed for the
	// member's kind (HTTP 400; the description names the field).
	CodeInvalidMember = "2201"
	// CodeInvalidIBAN: iban is not a valid TR IBAN (HTTP 400).
	CodeInvalidIBAN = "2202"
	// CodeMemberExternalIDTaken: another member has the memberExternalId
	// (HTTP 400).
	CodeMemberExternalIDTaken = "2203"
	// CodeWalletNotFound: the member has no wallet, or no wallet has the
	// id (HTTP 404).
	CodeWalletNotFound = "2204"
	// CodeWalletExists: the member already has a wallet (HTTP 400).
	CodeWalletExists = "2205"
	// CodeInsufficientWalletBalance: the move would take the wallet below
	// -negativeAmountLimit (HTTP 400).
	CodeInsufficientWalletBalance = "2206"
	// CodeWalletCurrencyMismatch: the currency is not the wallet's
	// (HTTP 400).
	CodeWalletCurrencyMismatch = "2207"
	// CodeWalletBalanceMismatch: reset-balance walletAmount is not the
	// merchant wallet's balance (HTTP 400).
	CodeWalletBalanceMismatch = "2208"
	// CodeRemittanceNotFound: no remittance has the id, or it was evicted
	// (HTTP 404).
	CodeRemittanceNotFound = "2209"
	// CodeMemberCapacity: the mock holds maxMembers members and refuses
	// more (HTTP 400).
	CodeMemberCapacity = "2210"
	// CodeWalletCardNotAllowed: a payment wholly from the wallet
	// (walletPrice == paidPrice) carries a card (HTTP 400).
	CodeWalletCardNotAllowed = "2211"
	// CodeTransactionNotUpdatable: PUT payment-transactions/{id} breaks a
	// rule of docs/reference/craftgate/flows.md 10.4 (not a PRODUCT payment, not successful,
	// refunded, approved, not a marketplace item, nothing changed; HTTP
	// 400).
	CodeTransactionNotUpdatable = "2212"
	// CodeInvalidApproval: approve or disapprove without
	// paymentTransactionIds, or with more than maxApprovalItems (HTTP 400).
	CodeInvalidApproval = "2213"
	// CodeWalletTxNotRefundable: a wallet transaction refund names a
	// movement that is not a top-up (HTTP 400).
	CodeWalletTxNotRefundable = "2214"
)

// APM codes (apm.go); synthetic like the ones above (HTTP 400).
const (
	// CodeInvalidApmParam: an APM-specific input (apmUserIdentity or an
	// additionalParams value docs/reference/craftgate/flows.md section 5 lists) is missing or
	// malformed.
	CodeInvalidApmParam = "2150"
	// CodeApmTypeNotEnabled: apmType is not an APM enabled for the
	// merchant at this endpoint.
	CodeApmTypeNotEnabled = "2151"
	// CodeApmNotCompletable: complete of an APM payment that is not a
	// WAITING OTP_REQUIRED one.
	CodeApmNotCompletable = "2152"

	// BNPL codes (bnpl.go).

	// CodeInvalidBnplCart: a BNPL basket item lacks its category code,
	// quantity or unit price, or the basket does not add up to price.
	CodeInvalidBnplCart = "2160"
	// CodeBnplNotApprovable: approve of a loan that is not WAITING /
	// APPROVAL_REQUIRED (or of a payment that is not a BNPL loan).
	CodeBnplNotApprovable = "2161"
	// CodeBnplCancelNotAllowed: a whole-payment refund (cancel) of an
	// approved ALFABANK or TOM_FINANCE loan, or of a failed or cancelled one.
	CodeBnplCancelNotAllowed = "2162"
	// CodeBnplRefundNotAllowed: a transaction refund of a loan not yet
	// approved (or cancelled), or for more than is left.
	CodeBnplRefundNotAllowed = "2163"
)

// asAPIError turns a handler's error into the envelope's error: an
// *apiError as it is, anything else an internal error (its text is not
// shown to the client).
func asAPIError(err error) *apiError {
	var e *apiError
	if errors.As(err, &e) {
		return e
	}
	return &apiError{status: http.StatusInternalServerError, code: CodeInternalError, desc: "internal mock error"}
}

// Reporting, report files, settlement, withdrawals and bank-account
// tracking (reporting.go, filereports.go, settlement.go, withdrawals.go,
// bankaccounts.go): synthetic codes 2300 and up.
const (
	// CodeInvalidReportDate: a report date is malformed or in the future
	// on the mock's clock (HTTP 400).
	CodeInvalidReportDate = "2300"
	// CodeInvalidFileType: fileType is not CSV or XLSX (HTTP 400).
	CodeInvalidFileType = "2301"
	// CodeReportNotFound: no report demand has the id (HTTP 404).
	CodeReportNotFound = "2302"
	// CodePayoutAccountNotFound: no payout account has the id (HTTP 404).
	CodePayoutAccountNotFound = "2303"
	// CodeInvalidPayoutAccount: a payout account field is missing or
	// malformed (HTTP 400).
	CodeInvalidPayoutAccount = "2304"
	// CodePayoutNotFound: no payout has the id (HTTP 404).
	CodePayoutNotFound = "2305"
	// CodeWithdrawNotFound: no withdrawal has the id (HTTP 404).
	CodeWithdrawNotFound = "2306"
	// CodeWithdrawNotCancellable: the withdrawal was cancelled or paid out
	// already (HTTP 400).
	CodeWithdrawNotCancellable = "2307"
	// CodeBankRecordNotFound: no bank-account tracking record has the id
	// (HTTP 404).
	CodeBankRecordNotFound = "2308"
)
