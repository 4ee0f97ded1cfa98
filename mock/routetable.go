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
		{"POST " + craftgate.PathCardPayments, writes((*Mock).createPayment), signedJSON},
		{"GET " + craftgate.PathCardPayments + "/{id}", writes((*Mock).retrievePayment), signed},
		{"POST " + craftgate.PathCardPayments + "/{id}" + craftgate.PathPostAuthSuffix, writes((*Mock).postAuth), signedJSON},
		{"POST " + craftgate.PathThreeDSInit, writes((*Mock).initThreeDS), signedJSON},
		{"POST " + craftgate.PathThreeDSComplete, writes((*Mock).completeThreeDS), signedJSON},

		// Checkout form (checkout.go).
		{"POST " + craftgate.PathCheckoutInit, writes((*Mock).initCheckout), signedJSON},
		{"GET " + craftgate.PathCheckoutPayments + "/{token}", writes((*Mock).retrieveCheckout), signed},
		{"DELETE " + craftgate.PathCheckoutPayments + "/{token}", writes((*Mock).expireCheckout), signed},

		// Refunds and cancels (refunds.go).
		{"POST " + craftgate.PathRefunds, (*Mock).refundPayment, signedJSON},
		{"GET " + craftgate.PathRefunds + "/{id}", writes((*Mock).retrieveRefund), signed},
		{"POST " + craftgate.PathRefundTransactions, (*Mock).refundTransaction, signedJSON},
		{"GET " + craftgate.PathRefundTransactions + "/{id}", writes((*Mock).retrieveTxRefund), signed},

		// Stored cards (cards.go), installments and BIN (installments.go).
		{"POST " + craftgate.PathStoredCards, writes((*Mock).storeCard), signedJSON},
		{"GET " + craftgate.PathStoredCards, writes((*Mock).searchStoredCards), signed},
		{"DELETE " + craftgate.PathStoredCards, writes((*Mock).deleteStoredCard), signed},
		{"POST " + craftgate.PathStoredCardsUpdate, writes((*Mock).updateStoredCard), signedJSON},
		{"POST " + craftgate.PathStoredCardsDelete, writes((*Mock).deleteStoredCard), signedJSON},
		{"GET " + craftgate.PathInstallments, writes((*Mock).searchInstallments), signed},
		{"GET " + craftgate.PathBins + "/{binNumber}", (*Mock).retrieveBin, signed},

		// Members (members.go), wallets, remittances and deposits (wallet.go,
		// wallet_refunds.go), marketplace transactions (marketplace.go).
		{"POST " + craftgate.PathMembers, writes((*Mock).createMember), signedJSON},
		{"GET " + craftgate.PathMembers, writes((*Mock).searchMembers), signed},
		{"GET " + craftgate.PathMembers + "/{id}", writes((*Mock).retrieveMember), signed},
		{"PUT " + craftgate.PathMembers + "/{id}", writes((*Mock).updateMember), signedJSON},
		{"POST " + craftgate.PathWalletMembers + "/{memberId}/wallets", writes((*Mock).createWallet), signedJSON},
		{"GET " + craftgate.PathWalletMembers + "/{memberId}/wallet", writes((*Mock).retrieveMemberWallet), signed},
		{"PUT " + craftgate.PathWalletMembers + "/{memberId}/wallets/{walletId}", writes((*Mock).updateWallet), signedJSON},
		{"GET " + craftgate.PathMerchantWallet, writes((*Mock).retrieveMerchantWallet), signed},
		{"POST " + craftgate.PathMerchantWalletReset, writes((*Mock).resetMerchantWallet), signedJSON},
		{"GET " + craftgate.PathWallets + "/{walletId}/wallet-transactions", writes((*Mock).searchWalletTransactions), signed},
		{"POST " + craftgate.PathRemittancesSend, writes((*Mock).sendRemittance), signedJSON},
		{"POST " + craftgate.PathRemittancesReceive, writes((*Mock).receiveRemittance), signedJSON},
		{"GET " + craftgate.PathRemittances + "/{id}", writes((*Mock).retrieveRemittance), signed},
		{"POST " + craftgate.PathRemittances + "/{id}", writes((*Mock).retrieveRemittance), signed},
		{"POST " + craftgate.PathDeposits, writes((*Mock).createDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsFundTransfer, writes((*Mock).createFundTransferDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsThreeDSInit, writes((*Mock).initThreeDSDeposit), signedJSON},
		{"POST " + craftgate.PathDepositsThreeDSComplete, writes((*Mock).completeThreeDSDeposit), signedJSON},
		{"POST " + craftgate.PathApprovePaymentTransactions, writes((*Mock).approveTransactions), signedJSON},
		{"POST " + craftgate.PathDisapprovePaymentTransactions, writes((*Mock).disapproveTransactions), signedJSON},
		{"PUT " + craftgate.PathPaymentTransactions + "/{id}", writes((*Mock).updateTransaction), signedJSON},
		{"POST " + craftgate.PathInstantWalletSettlements, writes((*Mock).settleToWallets), signedJSON},
		{"GET " + craftgate.PathWalletTransactions + "/{id}/refundable-amount", writes((*Mock).walletTxRefundable), signed},
		{"POST " + craftgate.PathWalletTransactions + "/{id}/refunds", writes((*Mock).refundWalletTx), signedJSON},
		{"GET " + craftgate.PathWalletTransactions + "/{id}/refunds", writes((*Mock).listWalletTxRefunds), signed},

		// Pay-by-link products (products.go).
		{"POST " + craftgate.PathProducts, writes((*Mock).createProduct), signedJSON},
		{"GET " + craftgate.PathProducts, writes((*Mock).searchProducts), signed},
		{"PUT " + craftgate.PathProducts + "/{id}", writes((*Mock).updateProduct), signedJSON},
		{"GET " + craftgate.PathProducts + "/{id}", writes((*Mock).retrieveProduct), signed},
		{"DELETE " + craftgate.PathProducts + "/{id}", writes((*Mock).deleteProduct), signed},

		// Rewards (loyalty.go) and fraud (fraud.go). GET /fraud/v1/value-lists
		// is the documented form of the clients' GET /fraud/v1/value-lists/all:
		// both answer.
		{"POST " + craftgate.PathCardLoyalties, writes((*Mock).retrieveLoyalties), signedJSON},
		{"POST " + craftgate.PathFraudValueLists, writes((*Mock).addFraudValue), signedJSON},
		{"GET " + craftgate.PathFraudValueLists, writes((*Mock).allFraudValueLists), signed},
		{"GET " + craftgate.PathFraudValueListsAll, writes((*Mock).allFraudValueLists), signed},
		{"GET " + craftgate.PathFraudValueLists + "/{listName}", writes((*Mock).fraudValueList), signed},
		{"DELETE " + craftgate.PathFraudValueLists + "/{listName}", writes((*Mock).deleteFraudValueList), signed},
		{"DELETE " + craftgate.PathFraudValueLists + "/{listName}/values/{valueId}", (*Mock).deleteFraudValue, signed},
		{"POST " + craftgate.PathFraudValueLists + "/{listName}/card-fingerprints", (*Mock).addCardFingerprint, signedJSON},
		{"GET " + craftgate.PathFraudRules, writes((*Mock).searchFraudRules), signed},
		{"GET " + craftgate.PathFraudChecks, writes((*Mock).searchFraudChecks), signed},
		{"PUT " + craftgate.PathFraudChecks + "/{id}/check-status", writes((*Mock).updateFraudCheckStatus), signedJSON},

		// Alternative payment methods (apm.go) and BNPL (bnpl.go).
		{"POST " + craftgate.PathApmInit, writes((*Mock).initAPM), signedJSON},
		{"POST " + craftgate.PathApmComplete, writes((*Mock).completeAPM), signedJSON},
		{"POST " + craftgate.PathApmPayments, writes((*Mock).createDirectAPM), signedJSON},
		{"GET " + craftgate.PathInstantTransferBanks, writes((*Mock).instantTransferBankList), signed},
		{"POST " + craftgate.PathBnplOffers, writes((*Mock).bnplOffers), signedJSON},
		{"POST " + craftgate.PathBnplInit, writes((*Mock).bnplInit), signedJSON},
		{"POST " + craftgate.PathBnplVerify, writes((*Mock).bnplVerifyDocs), signedJSON},
		{"POST " + craftgate.PathBnplPayments + "/{paymentId}/approve", writes((*Mock).bnplApprove), signed},
		{"POST " + craftgate.PathBnplPayments + "/{paymentId}/verify", writes((*Mock).bnplVerify), signed},
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
		{"POST " + craftgate.PathReportDemands, (*Mock).demandReport, signedJSON},
		{"GET " + craftgate.PathReports + "/{id}", (*Mock).downloadReport, signed},
		{"POST " + craftgate.PathPayoutAccounts, (*Mock).createPayoutAccount, signedJSON},
		{"GET " + craftgate.PathPayoutAccounts, (*Mock).searchPayoutAccounts, signed},
		{"PUT " + craftgate.PathPayoutAccounts + "/{id}", (*Mock).updatePayoutAccount, signedJSON},
		{"DELETE " + craftgate.PathPayoutAccounts + "/{id}", (*Mock).deletePayoutAccount, signed},
		{"GET " + craftgate.PathSettlementFileRows, (*Mock).searchPayoutRows, signed},
		{"GET " + craftgate.PathBouncedSubMerchantRows, (*Mock).searchBouncedPayouts, signed},
		{"GET " + craftgate.PathPayoutDetails + "/{id}", (*Mock).retrievePayoutDetails, signed},
		{"GET " + craftgate.PathPayoutCompletedTransactions, (*Mock).searchPayoutCompleted, signed},
		// The documentation's POST forms of the three settlement-file searches.
		{"POST " + craftgate.PathBouncedSubMerchantRows, (*Mock).searchBouncedPayouts, signed},
		{"POST " + craftgate.PathPayoutDetails + "/{id}", (*Mock).retrievePayoutDetails, signed},
		{"POST " + craftgate.PathPayoutCompletedTransactions, (*Mock).searchPayoutCompleted, signed},
		{"POST " + craftgate.PathWithdraws, (*Mock).createWithdraw, signedJSON},
		{"GET " + craftgate.PathWithdraws, (*Mock).searchWithdraws, signed},
		{"GET " + craftgate.PathWithdraws + "/{id}", (*Mock).retrieveWithdraw, signed},
		{"POST " + craftgate.PathWithdraws + "/{id}/cancel", (*Mock).cancelWithdraw, signed},
		{"POST " + craftgate.PathRefundsMarkAsRefunded, (*Mock).markAsRefunded, signedJSON},
		{"POST " + craftgate.PathRefundTransactionsMarkRefunded, (*Mock).markTxAsRefunded, signedJSON},
		{"GET " + craftgate.PathBankAccountTrackingRecords, (*Mock).searchBankRecords, signed},
		{"GET " + craftgate.PathBankAccountTrackingRecords + "/{id}", (*Mock).retrieveBankRecord, signed},

		// Wallet methods paid by card (walletpage.go): Masterpass
		// (masterpass.go), BKM Express (bkmexpress.go), Garanti Pay
		// (garantipay.go), Juzdan (juzdan.go), POS-APM (posapm.go).
		{"POST " + craftgate.PathMasterpassCheckUser, (*Mock).masterpassCheckUser, signedJSON},
		{"POST " + craftgate.PathMasterpassGenerateToken, (*Mock).masterpassGenerateToken, signedJSON},
		{"POST " + craftgate.PathMasterpassComplete, (*Mock).masterpassComplete, signedJSON},
		{"POST " + craftgate.PathMasterpassThreeDSInit, (*Mock).masterpassThreeDSInit, signedJSON},
		{"POST " + craftgate.PathMasterpassThreeDSComplete, writes((*Mock).completeThreeDS), signedJSON},
		{"POST " + craftgate.PathMasterpassLoyalties, (*Mock).masterpassLoyalties, signedJSON},
		{"POST " + craftgate.PathBkmExpressInit, (*Mock).bkmInit, signedJSON},
		{"POST " + craftgate.PathBkmExpressComplete, (*Mock).bkmComplete, signedJSON},
		{"GET " + craftgate.PathBkmExpressPayments + "/{ticketId}", (*Mock).bkmRetrieve, signed},
		{"GET " + craftgate.PathBkmExpress + "/{token}", (*Mock).bkmRetrieve, signed},
		{"POST " + craftgate.PathGarantiPayPayments, (*Mock).garantiPayInit, signedJSON},
		{"POST " + craftgate.PathJuzdanInit, (*Mock).juzdanInit, signedJSON},
		{"GET " + craftgate.PathJuzdanPayments + "/{referenceId}", (*Mock).juzdanRetrieve, signed},
		{"POST " + craftgate.PathPosApmInit, (*Mock).posApmInit, signedJSON},
		{"POST " + craftgate.PathPosApmComplete, (*Mock).posApmComplete, signedJSON},

		// Merchant administration (merchantpos.go, onboarding.go).
		{"POST " + craftgate.PathMerchantPoses, (*Mock).createMerchantPos, signedJSON},
		{"GET " + craftgate.PathMerchantPoses, (*Mock).searchMerchantPoses, signed},
		{"GET " + craftgate.PathMerchantPoses + "/{id}", (*Mock).retrieveMerchantPos, signed},
		{"DELETE " + craftgate.PathMerchantPoses + "/{id}", (*Mock).deleteMerchantPos, signed},
		{"PUT " + craftgate.PathMerchantPoses + "/{id}/status/{status}", (*Mock).updateMerchantPosStatus, signed},
		{"GET " + craftgate.PathMerchantPoses + "/{id}/commissions", (*Mock).merchantPosCommissions, signed},
		{"POST " + craftgate.PathMerchantPoses + "/{id}/commissions", (*Mock).merchantPosCommissions, signedJSON},
		{"GET " + craftgate.PathMerchantApms, (*Mock).merchantApms, signed},
		{"POST " + craftgate.PathMerchants, (*Mock).createMerchant, signedJSON},

		// Meal-voucher cards (mealvoucher.go), BNPL limit inquiry (bnpllimit.go).
		{"POST " + craftgate.PathMealVoucherInit, (*Mock).mealVoucherInit, signedJSON},
		{"POST " + craftgate.PathMealVoucherTokenizations + "/{sessionId}/regenerate", (*Mock).mealVoucherRegenerate, signedJSON},
		{"POST " + craftgate.PathMealVoucherTokenizations + "/{sessionId}/complete", (*Mock).mealVoucherComplete, signedJSON},
		{"POST " + craftgate.PathBnplLimitInquiryInit, (*Mock).bnplLimitInit, signedJSON},
		{"POST " + craftgate.PathBnplLimitInquiry, (*Mock).bnplLimitInquiry, signedJSON},

		// Card verification (cardverify.go) and the vault's other doors (cardsextra.go).
		{"POST " + craftgate.PathCardsVerify, (*Mock).verifyCard, signedJSON},
		{"POST " + craftgate.PathCheckoutCardVerifyInit, (*Mock).initCheckoutCardVerify, signedJSON},
		{"GET " + craftgate.PathCheckoutCardVerify + "/{token}", (*Mock).retrieveCheckoutCardVerify, signed},
		{"POST " + craftgate.PathCardsClone, (*Mock).cloneStoredCard, signedJSON},
		{"GET " + craftgate.PathProviderCardMappings, (*Mock).providerCardMappings, signed},
		{"GET " + craftgate.PathIvrCards, (*Mock).ivrCard, signed},

		// Split payments (multipayment.go).
		{"POST " + craftgate.PathMultiPaymentInit, (*Mock).initMultiPayment, signedJSON},
		{"GET " + craftgate.PathMultiPayments + "/{token}", (*Mock).retrieveMultiPayment, signed},

		// Deposit to card, refund of a WAITING payment (deposittocard.go).
		{"POST " + craftgate.PathDepositToCard, (*Mock).depositToCard, signedJSON},
		{"POST " + craftgate.PathRefundWaitingPayment, (*Mock).refundWaitingPayment, signedJSON},
		// Apple Pay sessions and payment tokens (paymenttokens.go).
		{"POST " + craftgate.PathApplePayMerchantSessions, (*Mock).applePaySession, signedJSON},
		{"POST " + craftgate.PathPaymentTokens, (*Mock).createPaymentToken, signedJSON},
		{"DELETE " + craftgate.PathPaymentTokens + "/{token}", (*Mock).deletePaymentToken, signed},

		// Pages of the buyer's browser: not signed.
		{"GET " + pathACS + "/{paymentId}", writes((*Mock).acsGet), page},
		{"POST " + pathACS + "/{paymentId}", writes((*Mock).acsPost), page},
		{"GET " + pathCheckoutPage + "/{token}", writes((*Mock).checkoutPage), page},
		{"POST " + pathCheckoutPage + "/{token}", writes((*Mock).checkoutPay), page},
		{"GET " + pathLinkPage + "/{token}", writes((*Mock).linkPage), page},
		{"POST " + pathLinkPage + "/{token}", writes((*Mock).linkPay), page},
		{"GET " + pathLinkPage + "/{token}/qr", writes((*Mock).linkQR), page},
		{"GET " + pathAPMPage + "/{paymentId}", writes((*Mock).apmPage), page},
		{"POST " + pathAPMPage + "/{paymentId}", writes((*Mock).apmPage), page},
		{"GET " + pathBNPLPage + "/{paymentId}", writes((*Mock).apmPage), page},
		{"POST " + pathBNPLPage + "/{paymentId}", writes((*Mock).apmPage), page},
		{"GET " + pathWalletPage + "/{key}", (*Mock).walletPage, page},
		{"POST " + pathWalletPage + "/{key}", (*Mock).walletPay, page},
		{"GET " + pathCardVerifyPage + "/{token}", (*Mock).cardVerifyPage, page},
		{"POST " + pathCardVerifyPage + "/{token}", (*Mock).cardVerifyPage, page},
		{"GET " + pathMultiPage + "/{token}", (*Mock).multiPage, page},
		{"POST " + pathMultiPage + "/{token}", (*Mock).multiPage, page},
		{"GET " + pathSecureFields, (*Mock).secureFieldsPage, page},
		{"POST " + pathSecureFields, (*Mock).secureFieldsPage, page},

		// The mock's own admin API: signed like every call, never faulted,
		// not counted against the concurrency limit.
		{"GET " + pathClock, writes((*Mock).getClock), signed},
		{"POST " + pathClockAdvance, writes((*Mock).advanceClock), signedJSON},
		{"GET " + pathPayments, writes((*Mock).searchPayments), signed},
		{"GET " + pathSettings, writes((*Mock).getSettings), signed},
		{"POST " + pathSettings, writes((*Mock).postSettings), signedJSON},
		{"GET " + pathWebhooks, writes((*Mock).listWebhooks), signed},
		{"GET " + pathFaults, writes((*Mock).getFaults), signed},
		{"POST " + pathFaults, writes((*Mock).postFaults), signedJSON},
		{"GET " + pathStats, writes((*Mock).getStats), signed},
		{"POST " + pathBankRecords, (*Mock).injectBankRecord, signedJSON}, // bankaccounts.go
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
