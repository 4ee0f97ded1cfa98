package mock

import "github.com/gatecheck/gatecheck/craftgate"

// Short names of the API paths for the tests; the paths themselves are
// defined once, in the client package.
const (
	pathCardPayments       = craftgate.PathCardPayments
	pathThreeDSInit        = craftgate.PathThreeDSInit
	pathThreeDSComplete    = craftgate.PathThreeDSComplete
	pathCheckoutInit       = craftgate.PathCheckoutInit
	pathRefunds            = craftgate.PathRefunds
	pathRefundTransactions = craftgate.PathRefundTransactions
	pathPostAuthSuffix     = craftgate.PathPostAuthSuffix
	pathStoredCards        = craftgate.PathStoredCards
	pathStoredCardsUpdate  = craftgate.PathStoredCardsUpdate
	pathStoredCardsDelete  = craftgate.PathStoredCardsDelete
	pathAPMPayments        = craftgate.PathApmPayments
	pathAPMInit            = craftgate.PathApmInit
	pathAPMComplete        = craftgate.PathApmComplete
	pathBNPLOffers         = craftgate.PathBnplOffers
	pathBNPLInit           = craftgate.PathBnplInit
	pathBNPLVerify         = craftgate.PathBnplVerify
	pathFraudChecks        = craftgate.PathFraudChecks
	pathFraudRules         = craftgate.PathFraudRules
	pathFraudValueLists    = craftgate.PathFraudValueLists
	pathFraudValueListsAll = craftgate.PathFraudValueListsAll
	pathFingerprintsSuffix = "/card-fingerprints"
	pathCardLoyalties      = craftgate.PathCardLoyalties
	pathProducts           = craftgate.PathProducts
)
