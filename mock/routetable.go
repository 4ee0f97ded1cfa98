package mock

import "github.com/gatecheck/gatecheck/craftgate"

// routeTable is every endpoint of the mock, one row each: the operation
// (method and path pattern), its handler and what it reads. Everything
// else is derived from it: routing, the 405 Allow header, the 404 "no
// route" answer, fault-injection operation names (Operations), the
// concurrency limit's exemptions and the load engine's operation names
// (OperationNamer). Adding an endpoint is one row here and its handler in
// the domain's file; TestRouteTable checks that every row compiles, no two
// conflict, and a sample path of each routes to its own row.
//
// API paths come from the client package (craftgate.Path...), so the
// client and the mock cannot disagree on them; the mock's own pages and
// admin routes (/_mock/...) are defined here.
//
// It is a function, not a package variable, because handlers (the fault
// admin route) name the operations themselves.
func routeTable() []endpoint {
	return []endpoint{
		// Card payments (payments.go, preauth.go), 3-D Secure (threeds.go).
		{"POST " + craftgate.PathCardPayments, withJSON((*Mock).createPayment), signedJSON},
		{"GET " + craftgate.PathCardPayments + "/{id}", (*Mock).retrievePayment, signed},
		{"POST " + craftgate.PathCardPayments + "/{id}" + craftgate.PathPostAuthSuffix, withJSON((*Mock).postAuth), signedJSON},
		{"POST " + craftgate.PathThreeDSInit, withJSON((*Mock).initThreeDS), signedJSON},
		{"POST " + craftgate.PathThreeDSComplete, withJSON((*Mock).completeThreeDS), signedJSON},

		// Checkout form (checkout.go).
		{"POST " + craftgate.PathCheckoutInit, (*Mock).initCheckout, signedJSON},
		{"GET " + craftgate.PathCheckoutPayments + "/{token}", (*Mock).retrieveCheckout, signed},
		{"DELETE " + craftgate.PathCheckoutPayments + "/{token}", (*Mock).expireCheckout, signed},

		// Refunds and cancels (refunds.go).
		{"POST " + craftgate.PathRefunds, withJSON((*Mock).refundPayment), signedJSON},
		{"GET " + craftgate.PathRefunds + "/{id}", (*Mock).retrieveRefund, signed},
		{"POST " + craftgate.PathRefundTransactions, withJSON((*Mock).refundTransaction), signedJSON},
		{"GET " + craftgate.PathRefundTransactions + "/{id}", (*Mock).retrieveTxRefund, signed},

		// Stored cards (cards.go), installments and BIN (installments.go).
		{"POST " + craftgate.PathStoredCards, withJSON((*Mock).storeCard), signedJSON},
		{"GET " + craftgate.PathStoredCards, withPaging((*Mock).searchStoredCards), signed},
		{"DELETE " + craftgate.PathStoredCards, (*Mock).deleteStoredCard, signed},
		{"POST " + craftgate.PathStoredCardsUpdate, withJSON((*Mock).updateStoredCard), signedJSON},
		{"POST " + craftgate.PathStoredCardsDelete, (*Mock).deleteStoredCard, signedJSON},
		{"GET " + craftgate.PathInstallments, (*Mock).searchInstallments, signed},
		{"GET " + craftgate.PathBins + "/{binNumber}", (*Mock).retrieveBin, signed},

		// Members (members.go), wallets, remittances and deposits (wallet.go,
		// wallet_refunds.go), marketplace transactions (marketplace.go).
		{"POST " + craftgate.PathMembers, withJSON((*Mock).createMember), signedJSON},
		{"GET " + craftgate.PathMembers, withPaging((*Mock).searchMembers), signed},
		{"GET " + craftgate.PathMembers + "/{id}", (*Mock).retrieveMember, signed},
		{"PUT " + craftgate.PathMembers + "/{id}", withJSON((*Mock).updateMember), signedJSON},
		{"POST " + craftgate.PathWalletMembers + "/{memberId}/wallets", withJSON((*Mock).createWallet), signedJSON},
		{"GET " + craftgate.PathWalletMembers + "/{memberId}/wallet", (*Mock).retrieveMemberWallet, signed},
		{"PUT " + craftgate.PathWalletMembers + "/{memberId}/wallets/{walletId}", withJSON((*Mock).updateWallet), signedJSON},
		{"GET " + craftgate.PathMerchantWallet, (*Mock).retrieveMerchantWallet, signed},
		{"POST " + craftgate.PathMerchantWalletReset, withJSON((*Mock).resetMerchantWallet), signedJSON},
		{"GET " + craftgate.PathWallets + "/{walletId}/wallet-transactions", withPaging((*Mock).searchWalletTransactions), signed},
		{"POST " + craftgate.PathRemittancesSend, withJSON((*Mock).sendRemittance), signedJSON},
		{"POST " + craftgate.PathRemittancesReceive, withJSON((*Mock).receiveRemittance), signedJSON},
		{"GET " + craftgate.PathRemittances + "/{id}", (*Mock).retrieveRemittance, signed},
		{"POST " + craftgate.PathRemittances + "/{id}", (*Mock).retrieveRemittance, signed},
		{"POST " + craftgate.PathDeposits, withJSON((*Mock).createDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsFundTransfer, withJSON((*Mock).createFundTransferDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsThreeDSInit, withJSON((*Mock).initThreeDSDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsThreeDSComplete, withJSON((*Mock).completeThreeDSDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsApmInit, withJSON((*Mock).initApmDeposit), signedJSON}, // apmdeposit.go
		{"POST " + craftgate.PathApprovePaymentTransactions, (*Mock).approveTransactions, signedJSON},
		{"POST " + craftgate.PathDisapprovePaymentTransactions, (*Mock).disapproveTransactions, signedJSON},
		{"PUT " + craftgate.PathPaymentTransactions + "/{id}", (*Mock).updateTransaction, signedJSON},
		{"POST " + craftgate.PathInstantWalletSettlements, (*Mock).settleToWallets, signedJSON},
		{"GET " + craftgate.PathWalletTransactions + "/{id}/refundable-amount", (*Mock).walletTxRefundable, signed},
		{"POST " + craftgate.PathWalletTransactions + "/{id}/refunds", (*Mock).refundWalletTx, signedJSON},
		{"GET " + craftgate.PathWalletTransactions + "/{id}/refunds", (*Mock).listWalletTxRefunds, signed},

		// Pay-by-link products (products.go).
		{"POST " + craftgate.PathProducts, withJSON((*Mock).createProduct), signedJSON},
		{"GET " + craftgate.PathProducts, withPaging((*Mock).searchProducts), signed},
		{"PUT " + craftgate.PathProducts + "/{id}", withJSON((*Mock).updateProduct), signedJSON},
		{"GET " + craftgate.PathProducts + "/{id}", (*Mock).retrieveProduct, signed},
		{"DELETE " + craftgate.PathProducts + "/{id}", (*Mock).deleteProduct, signed},

		// Rewards (loyalty.go) and fraud (fraud.go). GET /fraud/v1/value-lists
		// is the documented form of the clients' GET /fraud/v1/value-lists/all:
		// both answer.
		{"POST " + craftgate.PathCardLoyalties, withJSON((*Mock).retrieveLoyalties), signedJSON},
		{"POST " + craftgate.PathFraudValueLists, withJSON((*Mock).addFraudValue), signedJSON},
		{"GET " + craftgate.PathFraudValueLists, (*Mock).allFraudValueLists, signed},
		{"GET " + craftgate.PathFraudValueListsAll, (*Mock).allFraudValueLists, signed},
		{"GET " + craftgate.PathFraudValueLists + "/{listName}", (*Mock).fraudValueList, signed},
		{"DELETE " + craftgate.PathFraudValueLists + "/{listName}", (*Mock).deleteFraudValueList, signed},
		{"DELETE " + craftgate.PathFraudValueLists + "/{listName}/values/{valueId}", (*Mock).deleteFraudValue, signed},
		{"POST " + craftgate.PathFraudValueLists + "/{listName}/card-fingerprints", (*Mock).addCardFingerprint, signedJSON},
		{"GET " + craftgate.PathFraudRules, withPaging((*Mock).searchFraudRules), signed},
		{"GET " + craftgate.PathFraudChecks, withPaging((*Mock).searchFraudChecks), signed},
		{"PUT " + craftgate.PathFraudChecks + "/{id}/check-status", (*Mock).updateFraudCheckStatus, signedJSON},

		// Alternative payment methods (apm.go) and BNPL (bnpl.go).
		{"POST " + craftgate.PathApmInit, (*Mock).initAPM, signedJSON},
		{"POST " + craftgate.PathApmComplete, (*Mock).completeAPM, signedJSON},
		{"POST " + craftgate.PathApmPayments, (*Mock).createDirectAPM, signedJSON},
		{"GET " + craftgate.PathInstantTransferBanks, (*Mock).instantTransferBankList, signed},
		{"POST " + craftgate.PathBnplOffers, (*Mock).bnplOffers, signedJSON},
		{"POST " + craftgate.PathBnplInit, (*Mock).bnplInit, signedJSON},
		{"POST " + craftgate.PathBnplVerify, (*Mock).bnplVerifyDocs, signedJSON},
		{"POST " + craftgate.PathBnplPayments + "/{paymentId}/approve", (*Mock).bnplApprove, signed},
		{"POST " + craftgate.PathBnplPayments + "/{paymentId}/verify", (*Mock).bnplVerify, signed},
		// Reporting (reporting.go), report files (filereports.go), settlement
		// and payouts (settlement.go), withdrawals and refunds marked as made
		// elsewhere (withdrawals.go), bank-account tracking (bankaccounts.go).
		{"GET " + craftgate.PathReportingPayments, (*Mock).searchReportingPayments, signed},
		{"GET " + craftgate.PathReportingPayments + "/{id}", (*Mock).retrieveReportingPayment, signed},
		{"GET " + craftgate.PathReportingPayments + "/{id}/transactions", (*Mock).retrieveReportingTransactions, signed},
		{"GET " + craftgate.PathReportingPayments + "/{id}/refunds", (*Mock).retrieveReportingRefunds, signed},
		{"GET " + craftgate.PathReportingPayments + "/{paymentId}/transactions/{txId}/refunds", (*Mock).retrieveReportingTxRefunds, signed},
		{"GET " + craftgate.PathReportingRefunds, (*Mock).searchReportingRefunds, signed},
		{"GET " + craftgate.PathReportingRefundTransactions, (*Mock).searchReportingTxRefunds, signed},
		{"GET " + craftgate.PathTransactionReports, (*Mock).transactionReport, signed},
		{"GET " + craftgate.PathPaymentReports, (*Mock).paymentReport, signed},
		{"POST " + craftgate.PathReportDemands, withJSON((*Mock).demandReport), signedJSON},
		{"GET " + craftgate.PathReports + "/{id}", (*Mock).downloadReport, signed},
		{"POST " + craftgate.PathPayoutAccounts, withJSON((*Mock).createPayoutAccount), signedJSON},
		{"GET " + craftgate.PathPayoutAccounts, withPaging((*Mock).searchPayoutAccounts), signed},
		{"PUT " + craftgate.PathPayoutAccounts + "/{id}", withJSON((*Mock).updatePayoutAccount), signedJSON},
		{"DELETE " + craftgate.PathPayoutAccounts + "/{id}", (*Mock).deletePayoutAccount, signed},
		{"GET " + craftgate.PathSettlementFileRows, (*Mock).searchPayoutRows, signed},
		{"GET " + craftgate.PathBouncedSubMerchantRows, (*Mock).searchBouncedPayouts, signed},
		{"GET " + craftgate.PathPayoutDetails + "/{id}", (*Mock).retrievePayoutDetails, signed},
		{"GET " + craftgate.PathPayoutCompletedTransactions, (*Mock).searchPayoutCompleted, signed},
		{"GET " + craftgate.PathPayoutCompletedTransactionsV1, (*Mock).searchPayoutCompleted, signed},
		// The documentation's POST forms of the three settlement-file searches.
		{"POST " + craftgate.PathBouncedSubMerchantRows, (*Mock).searchBouncedPayouts, signed},
		{"POST " + craftgate.PathPayoutDetails + "/{id}", (*Mock).retrievePayoutDetails, signed},
		{"POST " + craftgate.PathPayoutCompletedTransactions, (*Mock).searchPayoutCompleted, signed},
		{"POST " + craftgate.PathWithdraws, withJSON((*Mock).createWithdraw), signedJSON},
		{"GET " + craftgate.PathWithdraws, withPaging((*Mock).searchWithdraws), signed},
		{"GET " + craftgate.PathWithdraws + "/{id}", (*Mock).retrieveWithdraw, signed},
		{"POST " + craftgate.PathWithdraws + "/{id}/cancel", (*Mock).cancelWithdraw, signed},
		{"POST " + craftgate.PathRefundsMarkAsRefunded, withJSON((*Mock).markAsRefunded), signedJSON},
		{"POST " + craftgate.PathRefundTransactionsMarkRefunded, withJSON((*Mock).markTxAsRefunded), signedJSON},
		{"GET " + craftgate.PathBankAccountTrackingRecords, withPaging((*Mock).searchBankRecords), signed},
		{"GET " + craftgate.PathBankAccountTrackingRecords + "/{id}", (*Mock).retrieveBankRecord, signed},

		// Wallet methods paid by card (walletpage.go): Masterpass
		// (masterpass.go), BKM Express (bkmexpress.go), Garanti Pay
		// (garantipay.go), Juzdan (juzdan.go), POS-APM (posapm.go).
		{"POST " + craftgate.PathMasterpassCheckUser, withJSON((*Mock).masterpassCheckUser), signedJSON},
		{"POST " + craftgate.PathMasterpassGenerateToken, withJSON((*Mock).masterpassGenerateToken), signedJSON},
		{"POST " + craftgate.PathMasterpassComplete, withJSON((*Mock).masterpassComplete), signedJSON},
		{"POST " + craftgate.PathMasterpassThreeDSInit, withJSON((*Mock).masterpassThreeDSInit), signedJSON},
		{"POST " + craftgate.PathMasterpassThreeDSComplete, withJSON((*Mock).completeThreeDS), signedJSON},
		{"POST " + craftgate.PathMasterpassLoyalties, withJSON((*Mock).masterpassLoyalties), signedJSON},
		{"POST " + craftgate.PathBkmExpressInit, withJSON((*Mock).bkmInit), signedJSON},
		{"POST " + craftgate.PathBkmExpressComplete, withJSON((*Mock).bkmComplete), signedJSON},
		{"GET " + craftgate.PathBkmExpressPayments + "/{ticketId}", (*Mock).bkmRetrieve, signed},
		{"GET " + craftgate.PathBkmExpress + "/{token}", (*Mock).bkmRetrieve, signed},
		{"POST " + craftgate.PathGarantiPayPayments, withJSON((*Mock).garantiPayInit), signedJSON},
		{"POST " + craftgate.PathJuzdanInit, withJSON((*Mock).juzdanInit), signedJSON},
		{"GET " + craftgate.PathJuzdanPayments + "/{referenceId}", (*Mock).juzdanRetrieve, signed},
		{"POST " + craftgate.PathPosApmInit, withJSON((*Mock).posApmInit), signedJSON},
		{"POST " + craftgate.PathPosApmComplete, withJSON((*Mock).posApmComplete), signedJSON},

		// Merchant administration (merchantpos.go, onboarding.go).
		{"POST " + craftgate.PathMerchantPoses, withJSON((*Mock).createMerchantPos), signedJSON},
		{"GET " + craftgate.PathMerchantPoses, withPaging((*Mock).searchMerchantPoses), signed},
		{"GET " + craftgate.PathMerchantPoses + "/{id}", (*Mock).retrieveMerchantPos, signed},
		{"DELETE " + craftgate.PathMerchantPoses + "/{id}", (*Mock).deleteMerchantPos, signed},
		{"PUT " + craftgate.PathMerchantPoses + "/{id}/status/{status}", (*Mock).updateMerchantPosStatus, signed},
		{"GET " + craftgate.PathMerchantPoses + "/{id}/commissions", (*Mock).merchantPosCommissions, signed},
		{"POST " + craftgate.PathMerchantPoses + "/{id}/commissions", (*Mock).merchantPosCommissions, signedJSON},
		{"GET " + craftgate.PathMerchantApms, (*Mock).merchantApms, signed},
		{"POST " + craftgate.PathMerchants, withJSON((*Mock).createMerchant), signedJSON},

		// Meal-voucher cards (mealvoucher.go), BNPL limit inquiry (bnpllimit.go).
		{"POST " + craftgate.PathMealVoucherInit, withJSON((*Mock).mealVoucherInit), signedJSON},
		{"POST " + craftgate.PathMealVoucherTokenizations + "/{sessionId}/regenerate", withJSON((*Mock).mealVoucherRegenerate), signedJSON},
		{"POST " + craftgate.PathMealVoucherTokenizations + "/{sessionId}/complete", withJSON((*Mock).mealVoucherComplete), signedJSON},
		{"POST " + craftgate.PathBnplLimitInquiryInit, withJSON((*Mock).bnplLimitInit), signedJSON},
		{"POST " + craftgate.PathBnplLimitInquiry, withJSON((*Mock).bnplLimitInquiry), signedJSON},

		// Card verification (cardverify.go) and the vault's other doors (cardsextra.go).
		{"POST " + craftgate.PathCardsVerify, withJSON((*Mock).verifyCard), signedJSON},
		{"POST " + craftgate.PathCheckoutCardVerifyInit, withJSON((*Mock).initCheckoutCardVerify), signedJSON},
		{"GET " + craftgate.PathCheckoutCardVerify + "/{token}", (*Mock).retrieveCheckoutCardVerify, signed},
		{"POST " + craftgate.PathCardsClone, withJSON((*Mock).cloneStoredCard), signedJSON},
		{"GET " + craftgate.PathProviderCardMappings, withPaging((*Mock).providerCardMappings), signed},
		{"GET " + craftgate.PathIvrCards, (*Mock).ivrCard, signed},

		// Split payments (multipayment.go).
		{"POST " + craftgate.PathMultiPaymentInit, withJSON((*Mock).initMultiPayment), signedJSON},
		{"GET " + craftgate.PathMultiPayments + "/{token}", (*Mock).retrieveMultiPayment, signed},

		// Deposit to card, refund of a WAITING payment (deposittocard.go).
		{"POST " + craftgate.PathDepositToCard, withJSON((*Mock).depositToCard), signedJSON},
		{"POST " + craftgate.PathRefundWaitingPayment, withJSON((*Mock).refundWaitingPayment), signedJSON},
		// Apple Pay sessions and payment tokens (paymenttokens.go).
		{"POST " + craftgate.PathApplePayMerchantSessions, withJSON((*Mock).applePaySession), signedJSON},
		{"POST " + craftgate.PathPaymentTokens, withJSON((*Mock).createPaymentToken), signedJSON},
		{"DELETE " + craftgate.PathPaymentTokens + "/{token}", (*Mock).deletePaymentToken, signed},

		// Pages of the buyer's browser: not signed.
		{"GET " + pathACS + "/{paymentId}", (*Mock).acsGet, page},
		{"POST " + pathACS + "/{paymentId}", (*Mock).acsPost, page},
		{"GET " + pathCheckoutPage + "/{token}", (*Mock).checkoutPage, page},
		{"POST " + pathCheckoutPage + "/{token}", (*Mock).checkoutPay, page},
		{"GET " + pathLinkPage + "/{token}", (*Mock).linkPage, page},
		{"POST " + pathLinkPage + "/{token}", (*Mock).linkPay, page},
		{"GET " + pathLinkPage + "/{token}/qr", (*Mock).linkQR, page},
		{"GET " + pathAPMPage + "/{paymentId}", (*Mock).apmPage, page},
		{"POST " + pathAPMPage + "/{paymentId}", (*Mock).apmPage, page},
		{"GET " + pathBNPLPage + "/{paymentId}", (*Mock).apmPage, page},
		{"POST " + pathBNPLPage + "/{paymentId}", (*Mock).apmPage, page},
		{"GET " + pathWalletPage + "/{key}", (*Mock).walletPage, page},
		{"POST " + pathWalletPage + "/{key}", (*Mock).walletPay, page},
		{"GET " + pathCardVerifyPage + "/{token}", (*Mock).cardVerifyPage, page},
		{"POST " + pathCardVerifyPage + "/{token}", (*Mock).cardVerifyPage, page},
		{"GET " + pathCardVerifyACS + "/{id}", (*Mock).cardVerifyACS, page},
		{"POST " + pathCardVerifyACS + "/{id}", (*Mock).cardVerifyACS, page},
		{"GET " + pathMultiPage + "/{token}", (*Mock).multiPage, page},
		{"POST " + pathMultiPage + "/{token}", (*Mock).multiPage, page},
		{"GET " + pathSecureFields, (*Mock).secureFieldsPage, page},
		{"POST " + pathSecureFields, (*Mock).secureFieldsPage, page},

		// The mock's own admin API: signed like every call, never faulted,
		// not counted against the concurrency limit.
		{"GET " + pathClock, (*Mock).getClock, signed},
		{"POST " + pathClockAdvance, withJSON((*Mock).advanceClock), signedJSON},
		{"GET " + pathPayments, (*Mock).searchPayments, signed},
		{"GET " + pathSettings, (*Mock).getSettings, signed},
		{"POST " + pathSettings, (*Mock).postSettings, signedJSON},
		{"GET " + pathWebhooks, (*Mock).listWebhooks, signed},
		{"GET " + pathFaults, (*Mock).getFaults, signed},
		{"POST " + pathFaults, (*Mock).postFaults, signedJSON},
		{"GET " + pathStats, (*Mock).getStats, signed},
		{"POST " + pathBankRecords, withJSON((*Mock).injectBankRecord), signedJSON}, // bankaccounts.go
		{"GET " + pathFixtures, (*Mock).getFixtures, signed},
	}
}

// The mock's own paths: pages a buyer's browser sees (not signed) and the
// admin API under pathAdminPrefix (signed).
const (
	pathMockPrefix   = "/_mock/"
	pathAdminPrefix  = "/_mock/v1/"
	pathClock        = "/_mock/v1/clock"
	pathClockAdvance = "/_mock/v1/clock/advance"
	pathPayments     = "/_mock/v1/payments"
	pathSettings     = "/_mock/v1/settings"
	pathWebhooks     = "/_mock/v1/webhooks"
	pathFaults       = "/_mock/v1/faults"
	pathStats        = "/_mock/v1/stats"
	pathBankRecords  = "/_mock/v1/bank-account-records"
	pathFixtures     = "/_mock/v1/fixtures"
	pathACS          = "/_mock/acs"
	pathCheckoutPage = "/_mock/checkout"
	pathLinkPage     = "/_mock/link"
	pathAPMPage      = "/_mock/apm"
	pathBNPLPage     = "/_mock/bnpl"
	pathQRSuffix     = "/qr"
)
