package craftgate

import (
	"context"
	"testing"
)

// Tests of the pay-by-link, reward and fraud client methods: method, path,
// query and wire types.

func TestProductClient(t *testing.T) {
	prod := `{"data":{"id":7,"name":"Ticket","status":"ACTIVE","price":150.5,"currency":"TRY","stock":1,"soldCount":0,"token":"tk","enabledInstallments":[1,3],"url":"https://x/l/tk","qrCodeUrl":"https://x/l/tk/qr"}}`
	c, seen := fakePartAProvider(t, map[string]string{
		"POST /craftlink/v1/products":     prod,
		"PUT /craftlink/v1/products/7":    prod,
		"GET /craftlink/v1/products/7":    prod,
		"DELETE /craftlink/v1/products/7": ``,
		"GET /craftlink/v1/products":      `{"data":{"items":[],"page":1,"size":5,"totalSize":0}}`,
	})
	ctx := context.Background()
	one := 1
	req := CreateProductRequest{Name: "Ticket", Description: "d", Price: MustAmount("150.50"), Currency: CurrencyTRY, EnabledInstallments: []int{1, 3}, OrderID: "o", Stock: &one}
	p, err := c.CreateProduct(ctx, &req)
	if err != nil || p.ID != 7 || p.Stock == nil || *p.Stock != 1 || p.QRCodeURL == "" {
		t.Fatalf("create: %v %+v", err, p)
	}
	if b := (*seen)[0].fields; b["price"] != 150.5 || b["stock"] != 1.0 || b["orderId"] != "o" {
		t.Errorf("create body %v", b)
	}
	if _, err := c.UpdateProduct(ctx, 7, &UpdateProductRequest{CreateProductRequest: req, Status: ProductPassive}); err != nil {
		t.Fatal(err)
	}
	if b := (*seen)[1].fields; b["status"] != "PASSIVE" || b["name"] != "Ticket" {
		t.Errorf("update body %v", b)
	}
	if _, err := c.RetrieveProduct(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteProduct(ctx, 7); err != nil {
		t.Fatal(err)
	}
	minP := MustAmount("10")
	if _, err := c.SearchProducts(ctx, &SearchProductsRequest{Name: "Tick", MinPrice: &minP, Currency: "TRY", Page: 1, Size: 5}); err != nil {
		t.Fatal(err)
	}
	q := (*seen)[4].query
	if q.Get("name") != "Tick" || q.Get("minPrice") != "10" || q.Get("page") != "1" || q.Get("size") != "5" || q.Has("maxPrice") {
		t.Errorf("search query %v", q)
	}
	for i, want := range []string{"POST /craftlink/v1/products", "PUT /craftlink/v1/products/7", "GET /craftlink/v1/products/7",
		"DELETE /craftlink/v1/products/7", "GET /craftlink/v1/products"} {
		if got := (*seen)[i].method + " " + (*seen)[i].path; got != want {
			t.Errorf("request %d: %s, want %s", i, got, want)
		}
	}
}

func TestLoyaltyClient(t *testing.T) {
	c, seen := fakePartAProvider(t, map[string]string{
		"POST /payment/v1/card-loyalties/retrieve": `{"data":{"cardBrand":"Bonus","force3ds":false,"loyalties":[{"type":"REWARD_MONEY","reward":{"cardRewardMoney":12.35,"firmRewardMoney":5.2,"totalRewardMoney":17.55}}]}}`,
	})
	out, err := c.RetrieveLoyalties(context.Background(), &RetrieveLoyaltiesRequest{CardUserKey: "u", CardToken: "t"})
	if err != nil || len(out.Loyalties) != 1 || out.Loyalties[0].Reward.TotalRewardMoney.String() != "17.55" {
		t.Fatalf("%v %+v", err, out)
	}
	if b := (*seen)[0].fields; b["cardUserKey"] != "u" || b["cardToken"] != "t" || b["cardNumber"] != nil {
		t.Errorf("body %v", b)
	}
}

func TestFraudClient(t *testing.T) {
	c, seen := fakePartAProvider(t, map[string]string{
		"POST /fraud/v1/value-lists":                         ``,
		"POST /fraud/v1/value-lists/cards/card-fingerprints": ``,
		"GET /fraud/v1/value-lists/all":                      `{"data":{"items":[{"name":"cards","values":[{"id":"3","value":"ab"}]}]}}`,
		"GET /fraud/v1/value-lists/cards":                    `{"data":{"name":"cards","values":[]}}`,
		"DELETE /fraud/v1/value-lists/cards/values/3":        ``,
		"DELETE /fraud/v1/value-lists/cards":                 ``,
		"GET /fraud/v1/fraud-checks":                         `{"data":{"items":[{"id":9,"action":"REVIEW","checkStatus":"WAITING","paymentId":5,"paymentData":{"paidPrice":10,"currency":"TRY"},"ruleId":4}]}}`,
		"PUT /fraud/v1/fraud-checks/9/check-status":          ``,
		"GET /fraud/v1/rules":                                `{"data":{"items":[{"id":1,"action":"BLOCK","conditions":"clientIp in @x","operations":["PAYMENT"]}]}}`,
	})
	ctx := context.Background()
	steps := []func() error{
		func() error {
			return c.AddFraudValue(ctx, &FraudValueRequest{ListName: "cards", Type: FraudValueCard, PaymentID: 5})
		},
		func() error {
			return c.AddCardFingerprint(ctx, "cards", &CardFingerprintRequest{Operation: FraudOperationPayment, OperationID: "5"})
		},
		func() error {
			l, err := c.AllFraudValueLists(ctx)
			if err == nil && (len(l.Items) != 1 || l.Items[0].Values[0].ID != "3") {
				t.Errorf("lists %+v", l)
			}
			return err
		},
		func() error { _, err := c.FraudValueListByName(ctx, "cards"); return err },
		func() error { return c.DeleteFraudValue(ctx, "cards", "3") },
		func() error { return c.DeleteFraudValueList(ctx, "cards") },
		func() error {
			l, err := c.SearchFraudChecks(ctx, &SearchFraudChecksRequest{PaymentID: 5, Action: FraudReview})
			if err == nil && (len(l.Items) != 1 || l.Items[0].ID != 9) {
				t.Errorf("checks %+v", l)
			}
			return err
		},
		func() error { return c.UpdateFraudCheckStatus(ctx, 9, FraudCheckNotFraud) },
		func() error { _, err := c.SearchFraudRules(ctx); return err },
	}
	for i, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	s := *seen
	if s[0].fields["paymentId"] != 5.0 || s[1].fields["operationId"] != "5" || s[7].fields["checkStatus"] != "NOT_FRAUD" {
		t.Errorf("bodies %v %v %v", s[0].fields, s[1].fields, s[7].fields)
	}
	if q := s[6].query; q.Get("paymentId") != "5" || q.Get("action") != "REVIEW" || q.Has("checkStatus") {
		t.Errorf("check search query %v", q)
	}
}
