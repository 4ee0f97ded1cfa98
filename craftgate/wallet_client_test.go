package craftgate

import (
	"context"
	"testing"
)

// TestWalletAndMarketplaceClient checks the method, path and body each
// member, wallet and marketplace method sends, and that the answer decodes.
func TestWalletAndMarketplaceClient(t *testing.T) {
	ctx := context.Background()
	wallet := `{"data":{"id":7,"amount":10.5,"negativeAmountLimit":0,"currency":"TRY","memberId":3}}`
	member := `{"data":{"id":3,"status":"ACTIVE","isBuyer":true,"memberExternalId":"m-1"}}`
	remit := `{"data":{"id":9,"price":5,"remittanceType":"SEND","status":"ACTIVE"}}`
	approval := `{"data":{"size":1,"items":[{"paymentTransactionId":11,"approvalStatus":"SUCCESS"}]}}`
	c, seen := fakePartAProvider(t, map[string]string{
		"POST /onboarding/v1/members":                             member,
		"PUT /onboarding/v1/members/3":                            member,
		"GET /onboarding/v1/members/3":                            member,
		"GET /onboarding/v1/members":                              `{"data":{"items":[],"page":0,"size":10,"totalSize":0}}`,
		"POST /wallet/v1/members/3/wallets":                       wallet,
		"GET /wallet/v1/members/3/wallet":                         wallet,
		"PUT /wallet/v1/members/3/wallets/7":                      wallet,
		"GET /wallet/v1/merchants/me/wallet":                      wallet,
		"POST /wallet/v1/merchants/me/wallet/reset-balance":       wallet,
		"GET /wallet/v1/wallets/7/wallet-transactions":            `{"data":{"items":[{"id":1,"walletTransactionType":"REMITTANCE","amount":-5,"walletId":7}]}}`,
		"POST /wallet/v1/remittances/send":                        remit,
		"POST /wallet/v1/remittances/receive":                     remit,
		"GET /wallet/v1/remittances/9":                            remit,
		"POST /payment/v1/deposits":                               `{"data":{"id":20,"price":50,"paymentType":"DEPOSIT_PAYMENT","paymentStatus":"SUCCESS","walletTransaction":{"id":2,"amount":50}}}`,
		"POST /payment/v1/deposits/fund-transfer":                 `{"data":{"price":50,"walletTransaction":{"id":3,"amount":50}}}`,
		"POST /payment/v1/deposits/3ds-init":                      `{"data":{"paymentId":21,"htmlContent":"PGh0bWw+"}}`,
		"POST /payment/v1/deposits/3ds-complete":                  `{"data":{"id":21,"paymentStatus":"SUCCESS"}}`,
		"POST /payment/v1/deposits/apm-init":                      `{"data":{"paymentId":22,"redirectUrl":"https://apm/x","paymentStatus":"WAITING","additionalAction":"REDIRECT_TO_URL"}}`,
		"GET /payment/v1/wallet-transactions/2/refundable-amount": `{"data":{"refundableAmount":12.5}}`,
		"POST /payment/v1/wallet-transactions/2/refunds":          `{"data":{"id":30,"refundPrice":12.5,"refundStatus":"SUCCESS"}}`,
		"GET /payment/v1/wallet-transactions/2/refunds":           `{"data":{"items":[{"id":30}]}}`,
		"POST /payment/v1/payment-transactions/approve":           approval,
		"POST /payment/v1/payment-transactions/disapprove":        approval,
		"PUT /payment/v1/payment-transactions/11":                 `{"data":{"id":11,"subMerchantMemberId":4,"transactionStatus":"WAITING_FOR_APPROVAL"}}`,
		"POST /settlement/v1/instant-wallet-settlements":          `{"data":{"settlementResultStatus":"SUCCESS"}}`,
	})
	yes := true
	calls := []struct {
		name, method, path string
		body               map[string]any // fields the body must carry
		call               func() error
	}{
		{"create member", "POST", "/onboarding/v1/members", map[string]any{"memberExternalId": "m-1", "isBuyer": true}, func() error {
			_, err := c.CreateMember(ctx, &CreateMemberRequest{MemberExternalID: "m-1", IsBuyer: true})
			return err
		}},
		{"update member", "PUT", "/onboarding/v1/members/3", map[string]any{"address": "Moda"}, func() error {
			_, err := c.UpdateMember(ctx, 3, &UpdateMemberRequest{Address: "Moda"})
			return err
		}},
		{"retrieve member", "GET", "/onboarding/v1/members/3", nil, func() error { _, err := c.RetrieveMember(ctx, 3); return err }},
		{"search members", "GET", "/onboarding/v1/members", nil, func() error {
			_, err := c.SearchMembers(ctx, &SearchMembersRequest{IsSubMerchant: &yes, MemberIDs: []int64{3, 4}})
			return err
		}},
		{"create wallet", "POST", "/wallet/v1/members/3/wallets", map[string]any{"negativeAmountLimit": 5.0, "currency": "TRY"}, func() error {
			_, err := c.CreateMemberWallet(ctx, 3, &CreateWalletRequest{NegativeAmountLimit: MustAmount("5"), Currency: "TRY"})
			return err
		}},
		{"retrieve wallet", "GET", "/wallet/v1/members/3/wallet", nil, func() error { _, err := c.RetrieveMemberWallet(ctx, 3); return err }},
		{"update wallet", "PUT", "/wallet/v1/members/3/wallets/7", map[string]any{"negativeAmountLimit": 20.0}, func() error {
			_, err := c.UpdateMemberWallet(ctx, 3, 7, &UpdateWalletRequest{NegativeAmountLimit: MustAmount("20")})
			return err
		}},
		{"merchant wallet", "GET", "/wallet/v1/merchants/me/wallet", nil, func() error { _, err := c.RetrieveMerchantWallet(ctx); return err }},
		{"reset merchant wallet", "POST", "/wallet/v1/merchants/me/wallet/reset-balance", map[string]any{"walletAmount": 10.5}, func() error {
			_, err := c.ResetMerchantWalletBalance(ctx, &ResetMerchantWalletRequest{WalletAmount: MustAmount("10.5")})
			return err
		}},
		{"search wallet transactions", "GET", "/wallet/v1/wallets/7/wallet-transactions", nil, func() error {
			_, err := c.SearchWalletTransactions(ctx, 7, &SearchWalletTransactionsRequest{WalletTransactionTypes: []string{"REMITTANCE"}})
			return err
		}},
		{"send remittance", "POST", "/wallet/v1/remittances/send", map[string]any{"memberId": 3.0, "price": 5.0, "description": "x"}, func() error {
			_, err := c.SendRemittance(ctx, &RemittanceRequest{MemberID: 3, Price: MustAmount("5"), Currency: "TRY", Description: "x"})
			return err
		}},
		{"receive remittance", "POST", "/wallet/v1/remittances/receive", map[string]any{"memberId": 3.0}, func() error {
			_, err := c.ReceiveRemittance(ctx, &RemittanceRequest{MemberID: 3, Price: MustAmount("5"), Currency: "TRY", Description: "x"})
			return err
		}},
		{"retrieve remittance (GET, as the clients)", "GET", "/wallet/v1/remittances/9", nil, func() error { _, err := c.RetrieveRemittance(ctx, 9); return err }},
		{"deposit", "POST", "/payment/v1/deposits", map[string]any{"price": 50.0, "buyerMemberId": 3.0}, func() error {
			_, err := c.Deposit(ctx, &DepositRequest{Price: MustAmount("50"), Currency: "TRY", BuyerMemberID: 3, Card: &Card{CardNumber: "1"}})
			return err
		}},
		{"fund transfer", "POST", "/payment/v1/deposits/fund-transfer", map[string]any{"price": 50.0}, func() error {
			_, err := c.FundTransferDeposit(ctx, &FundTransferDepositRequest{Price: MustAmount("50"), Currency: "TRY", BuyerMemberID: 3})
			return err
		}},
		{"3ds deposit init", "POST", "/payment/v1/deposits/3ds-init", map[string]any{"callbackUrl": "https://m/cb", "price": 50.0}, func() error {
			_, err := c.InitThreeDSDeposit(ctx, &InitThreeDSDepositRequest{DepositRequest: DepositRequest{Price: MustAmount("50"), Currency: "TRY"}, CallbackURL: "https://m/cb"})
			return err
		}},
		{"3ds deposit complete", "POST", "/payment/v1/deposits/3ds-complete", map[string]any{"paymentId": 21.0}, func() error {
			_, err := c.CompleteThreeDSDeposit(ctx, 21)
			return err
		}},
		{"apm deposit init", "POST", "/payment/v1/deposits/apm-init", map[string]any{"apmType": "PAPARA", "price": 1.0, "buyerMemberId": 3.0,
			"callbackUrl": "https://m/cb"}, func() error {
			r, err := c.InitApmDeposit(ctx, &InitApmDepositRequest{ApmType: "PAPARA", Price: MustAmount("1"), Currency: "TRY", BuyerMemberID: 3,
				CallbackURL: "https://m/cb", AdditionalParams: Params{"k": "v"}})
			if err == nil && (r.PaymentID != 22 || r.AdditionalAction != "REDIRECT_TO_URL" || r.RedirectURL == "") {
				t.Errorf("apm deposit answer %+v", r)
			}
			return err
		}},
		{"refundable amount", "GET", "/payment/v1/wallet-transactions/2/refundable-amount", nil, func() error {
			a, err := c.RefundableWalletTransactionAmount(ctx, 2)
			if err == nil && a.String() != "12.5" {
				t.Errorf("refundableAmount %s", a)
			}
			return err
		}},
		{"refund wallet transaction", "POST", "/payment/v1/wallet-transactions/2/refunds", map[string]any{"refundPrice": 12.5}, func() error {
			_, err := c.RefundWalletTransaction(ctx, 2, MustAmount("12.5"))
			return err
		}},
		{"list wallet transaction refunds", "GET", "/payment/v1/wallet-transactions/2/refunds", nil, func() error {
			l, err := c.ListWalletTransactionRefunds(ctx, 2)
			if err == nil && (len(l) != 1 || l[0].ID != 30) {
				t.Errorf("%+v", l)
			}
			return err
		}},
		{"approve", "POST", "/payment/v1/payment-transactions/approve", map[string]any{"isTransactional": true}, func() error {
			_, err := c.ApprovePaymentTransactions(ctx, &ApprovalRequest{PaymentTransactionIDs: []int64{11}, IsTransactional: true})
			return err
		}},
		{"disapprove", "POST", "/payment/v1/payment-transactions/disapprove", map[string]any{"isTransactional": false}, func() error {
			_, err := c.DisapprovePaymentTransactions(ctx, &ApprovalRequest{PaymentTransactionIDs: []int64{11}})
			return err
		}},
		{"update transaction", "PUT", "/payment/v1/payment-transactions/11", map[string]any{"subMerchantMemberId": 4.0, "subMerchantMemberPrice": 25.5}, func() error {
			_, err := c.UpdatePaymentTransaction(ctx, 11, &UpdatePaymentTransactionRequest{SubMerchantMemberID: 4, SubMerchantMemberPrice: MustAmount("25.5")})
			return err
		}},
		{"settle", "POST", "/settlement/v1/instant-wallet-settlements", map[string]any{}, func() error {
			_, err := c.SettleToWallets(ctx, &InstantWalletSettlementRequest{})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			n := len(*seen)
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			got := (*seen)[n]
			if got.method != tc.method || got.path != tc.path {
				t.Fatalf("sent %s %s, want %s %s", got.method, got.path, tc.method, tc.path)
			}
			for k, want := range tc.body {
				if got.fields[k] != want {
					t.Errorf("body %s = %#v, want %#v (body %v)", k, got.fields[k], want, got.fields)
				}
			}
		})
	}
	if q := (*seen)[3].query; q.Get("isSubMerchant") != "true" || q.Get("memberIds") != "3,4" {
		t.Errorf("member search query %v", q)
	}
	if q := (*seen)[9].query; q.Get("walletTransactionTypes") != "REMITTANCE" {
		t.Errorf("wallet transaction search query %v", q)
	}
}
