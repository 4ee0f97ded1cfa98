package mock

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

func addValue(t *testing.T, m http.Handler, req craftgate.FraudValueRequest) {
	t.Helper()
	if w := do(t, m, http.MethodPost, pathFraudValueLists, req); w.Code != http.StatusOK {
		t.Fatalf("add %+v: %d %s", req, w.Code, w.Body)
	}
}

func getFraudList(t *testing.T, m http.Handler, name string) craftgate.FraudValueList {
	t.Helper()
	var l craftgate.FraudValueList
	data(t, do(t, m, http.MethodGet, pathFraudValueLists+"/"+name, nil), &l)
	return l
}

func TestFraudRules(t *testing.T) {
	m := newTestMock(t)
	seed := pay(t, m, paymentRequest(successCard)) // its card goes into a list
	addValue(t, m, craftgate.FraudValueRequest{ListName: "blockedClientIps", Type: "IP", Value: "10.0.0.66"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "blockedEmails", Type: "EMAIL", Value: "thief@example.com"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "reviewClientIps", Type: "IP", Value: "10.0.0.77"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "reviewEmails", Type: "EMAIL", Value: "odd@example.com"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "reviewCardNumbers", Type: "CARD", PaymentID: seed.ID})

	tests := []struct {
		name, card, ip, email string
		action                string // "", BLOCK or REVIEW
		rule                  int64
	}{
		{"clean", cardCompleteFails, "10.0.0.1", "ok@example.com", "", 0},
		{"blocked ip", successCard, "10.0.0.66", "", craftgate.FraudBlock, 1},
		{"blocked email", successCard, "10.0.0.1", "thief@example.com", craftgate.FraudBlock, 2},
		{"block before review", successCard, "10.0.0.66", "odd@example.com", craftgate.FraudBlock, 1},
		{"review ip", cardCompleteFails, "10.0.0.77", "", craftgate.FraudReview, 4},
		{"review email", cardCompleteFails, "", "odd@example.com", craftgate.FraudReview, 5},
		{"review card", successCard, "", "", craftgate.FraudReview, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := paymentRequest(tt.card)
			req.ClientIP, req.ConversationID = tt.ip, "fraud-"+strings.ReplaceAll(tt.name, " ", "-")
			if tt.email != "" {
				req.FraudParams = &craftgate.FraudParams{BuyerEmail: tt.email}
			}
			w := do(t, m, http.MethodPost, "/payment/v1/card-payments", req)
			var checks craftgate.FraudCheckList
			switch tt.action {
			case craftgate.FraudBlock:
				e := errorBody(t, w, http.StatusUnprocessableEntity)
				if g, _ := craftgate.TestCards().Group("FRAUD_CHECK_BLOCK"); e.ErrorGroup != "FRAUD_CHECK_BLOCK" || e.ErrorCode != g.Code {
					t.Fatalf("block: %+v", e)
				}
				if len(m.store.paymentsByConversation(req.ConversationID)) != 0 {
					t.Fatal("a blocked payment was stored")
				}
				data(t, do(t, m, http.MethodGet, pathFraudChecks+"?action=BLOCK&ruleId="+strconv.FormatInt(tt.rule, 10), nil), &checks)
				if len(checks.Items) == 0 || checks.Items[len(checks.Items)-1].PaymentID != 0 {
					t.Fatalf("block checks %+v", checks)
				}
			case craftgate.FraudReview:
				var p craftgate.Payment
				if w.Code == http.StatusOK {
					data(t, w, &p)
				} else {
					errorBody(t, w, http.StatusUnprocessableEntity) // the card's own decline
					p = *retrieve(t, m, parseID(w.Header().Get(PaymentIDHeader)))
				}
				if p.FraudID == 0 || p.FraudAction != craftgate.FraudReview {
					t.Fatalf("review payment %+v", p)
				}
				data(t, do(t, m, http.MethodGet, pathFraudChecks+"?paymentId="+strconv.FormatInt(p.ID, 10), nil), &checks)
				if len(checks.Items) != 1 {
					t.Fatalf("checks %+v", checks)
				}
				fc := checks.Items[0]
				if fc.ID != p.FraudID || fc.Action != "REVIEW" || fc.CheckStatus != "WAITING" || fc.RuleID != tt.rule || fc.PaymentStatus != p.PaymentStatus ||
					!amountEq(fc.PaymentData.PaidPrice, "100") || fc.PaymentData.ConversationID != req.ConversationID || fc.PaymentData.ClientIP != tt.ip {
					t.Fatalf("check %+v of payment %d", fc, p.ID)
				}
			default:
				if w.Code == http.StatusOK {
					t.Fatalf("clean payment with a decline card succeeded")
				}
				p := retrieve(t, m, parseID(w.Header().Get(PaymentIDHeader)))
				if p.FraudID != 0 || p.FraudAction != "" {
					t.Fatalf("clean payment flagged %+v", p)
				}
			}
		})
	}

	// Closing a review.
	var checks craftgate.FraudCheckList
	data(t, do(t, m, http.MethodGet, pathFraudChecks+"?checkStatus=WAITING&action=REVIEW", nil), &checks)
	if len(checks.Items) != 3 {
		t.Fatalf("waiting checks %+v", checks)
	}
	path := pathFraudChecks + "/" + strconv.FormatInt(checks.Items[0].ID, 10) + "/check-status"
	for _, st := range []string{"NOT_FRAUD", "FRAUD"} {
		if w := do(t, m, http.MethodPut, path, map[string]string{"checkStatus": st}); w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", st, w.Code, w.Body)
		}
	}
	data(t, do(t, m, http.MethodGet, pathFraudChecks+"?checkStatus=FRAUD", nil), &checks)
	if len(checks.Items) != 1 {
		t.Fatalf("FRAUD checks %+v", checks)
	}
	if e := validationError(t, do(t, m, http.MethodPut, path, map[string]string{"checkStatus": "MAYBE"})); e.ErrorCode != CodeInvalidFraudValue {
		t.Fatalf("bad checkStatus: %+v", e)
	}
	if w := do(t, m, http.MethodPut, pathFraudChecks+"/1/check-status", map[string]string{"checkStatus": "FRAUD"}); w.Code != http.StatusNotFound {
		t.Fatalf("unknown check: %d", w.Code)
	}
	var rules craftgate.FraudRuleList
	data(t, do(t, m, http.MethodGet, pathFraudRules+"?action=REVIEW", nil), &rules)
	if len(rules.Items) != 3 || rules.Items[0].Conditions != "clientIp in @reviewClientIps" {
		t.Fatalf("rules %+v", rules)
	}
}

func TestFraudValueLists(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	addValue(t, m, craftgate.FraudValueRequest{ListName: "vip", Type: "EMAIL"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "vip", Type: "EMAIL", Label: "a", Value: "a@example.com", DurationInSeconds: 60})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "vip", Type: "EMAIL", Value: "b@example.com"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "vip", Type: "EMAIL", Value: "b@example.com"}) // kept once
	if w := do(t, m, http.MethodPost, pathFraudValueLists+"/cards"+pathFingerprintsSuffix,
		craftgate.CardFingerprintRequest{Operation: "PAYMENT", OperationID: craftgate.TextID(itoa(p.ID)), DurationInSeconds: 86400}); w.Code != http.StatusOK {
		t.Fatalf("fingerprint: %d %s", w.Code, w.Body)
	}
	l := getFraudList(t, m, "vip")
	if len(l.Values) != 2 || l.Values[0].Value != "a@example.com" || l.Values[0].ExpireInSeconds == nil || *l.Values[0].ExpireInSeconds != 60 || l.Values[1].ExpireInSeconds != nil {
		t.Fatalf("vip %+v", l)
	}
	cards := getFraudList(t, m, "cards")
	if len(cards.Values) != 1 || !isFingerprint(cards.Values[0].Value) || strings.Contains(cards.Values[0].Value, successCard) ||
		*cards.Values[0].ExpireInSeconds != int64(maxCardFingerprintAge/time.Second) {
		t.Fatalf("cards %+v", cards)
	}
	// Both paths list every list (the documentation and the official clients differ).
	for _, path := range []string{pathFraudValueListsAll, pathFraudValueLists} {
		var all craftgate.FraudValueLists
		data(t, do(t, m, http.MethodGet, path, nil), &all)
		if len(all.Items) != 2 || all.Items[0].Name != "cards" || all.Items[1].Name != "vip" {
			t.Fatalf("%s: %+v", path, all)
		}
	}
	// Expiry on the mock clock.
	m.Advance(61 * time.Second)
	if l = getFraudList(t, m, "vip"); len(l.Values) != 1 || l.Values[0].Value != "b@example.com" {
		t.Fatalf("after expiry %+v", l)
	}
	// Remove a value, then the list.
	vpath := pathFraudValueLists + "/vip/values/" + l.Values[0].ID
	if w := do(t, m, http.MethodDelete, vpath, nil); w.Code != http.StatusOK {
		t.Fatalf("delete value: %d %s", w.Code, w.Body)
	}
	if w := do(t, m, http.MethodDelete, vpath, nil); w.Code != http.StatusNotFound {
		t.Fatalf("delete value again: %d", w.Code)
	}
	if w := do(t, m, http.MethodDelete, pathFraudValueLists+"/vip", nil); w.Code != http.StatusOK {
		t.Fatalf("delete list: %d", w.Code)
	}
	if w := do(t, m, http.MethodGet, pathFraudValueLists+"/vip", nil); w.Code != http.StatusNotFound {
		t.Fatalf("deleted list: %d", w.Code)
	}
	// Bad input.
	for _, req := range []craftgate.FraudValueRequest{
		{Type: "IP"},
		{ListName: "x y", Type: "IP"},
		{ListName: "x"},
		{ListName: "x", Type: "PHONE"},
		{ListName: "cards", Type: "IP", Value: "1.2.3.4"},   // the list holds CARD values
		{ListName: "c2", Type: "CARD", Value: successCard},  // a number, not a fingerprint
		{ListName: "c3", Type: "IP", PaymentID: p.ID},       // paymentId only for CARD
		{ListName: "c4", Type: "IP", DurationInSeconds: -1}, // negative duration
		{ListName: "c5", Type: "IP", Value: strings.Repeat("v", 300)},
	} {
		validationError(t, do(t, m, http.MethodPost, pathFraudValueLists, req))
	}
	if w := do(t, m, http.MethodPost, pathFraudValueLists, craftgate.FraudValueRequest{ListName: "c6", Type: "CARD", PaymentID: 1}); w.Code != http.StatusNotFound {
		t.Fatalf("unknown payment: %d", w.Code)
	}
	if e := validationError(t, do(t, m, http.MethodPost, pathFraudValueLists+"/cards"+pathFingerprintsSuffix,
		craftgate.CardFingerprintRequest{Operation: "LOYALTY", OperationID: craftgate.TextID(itoa(p.ID))})); e.ErrorCode != CodeInvalidFraudValue {
		t.Fatalf("LOYALTY operation: %+v", e)
	}
}

func TestFraudChecksAreBounded(t *testing.T) {
	var fs fraudStore
	for i := range maxFraudChecks + 2 {
		fs.addCheck(&fraudCheck{id: int64(i + 1), rule: &fraudRules[0]})
	}
	if fs.checks[2] != nil || fs.checks[3] == nil || len(fs.checks) != maxFraudChecks {
		t.Fatalf("held %d checks", len(fs.checks))
	}
}

// 3ds-init runs the same checks: a BLOCK stops the init, a REVIEW and a
// reward stay with the payment through verification.
func TestFraudAndRewardAtThreeDSInit(t *testing.T) {
	m := newTestMock(t)
	addValue(t, m, craftgate.FraudValueRequest{ListName: "blockedClientIps", Type: "IP", Value: "10.9.9.1"})
	addValue(t, m, craftgate.FraudValueRequest{ListName: "reviewClientIps", Type: "IP", Value: "10.9.9.2"})
	req := threeDSRequest(rewardBonusCard, "https://merchant.test/cb", false)
	req.ClientIP = "10.9.9.1"
	if e := errorBody(t, do(t, m, http.MethodPost, pathThreeDSInit, req), http.StatusUnprocessableEntity); e.ErrorGroup != "FRAUD_CHECK_BLOCK" {
		t.Fatalf("blocked init: %+v", e)
	}
	req.ClientIP = "10.9.9.2"
	req.Card.Loyalty = &craftgate.Loyalty{Type: "REWARD_MONEY", Reward: &craftgate.Reward{CardRewardMoney: amt("3"), FirmRewardMoney: amt("0")}}
	var init craftgate.InitThreeDSPaymentResponse
	data(t, do(t, m, http.MethodPost, pathThreeDSInit, req), &init)
	p := retrieve(t, m, init.PaymentID)
	if p.PaymentStatus != craftgate.StatusInitThreeDS || p.FraudAction != craftgate.FraudReview || p.FraudID == 0 ||
		p.Loyalty == nil || !amountEq(p.Loyalty.Reward.CardRewardMoney, "3") {
		t.Fatalf("3ds-init payment %+v", p)
	}
	// The reward of a card outside the reward families is refused at init too.
	req = threeDSRequest(successCard, "https://merchant.test/cb", false)
	req.Card.Loyalty = &craftgate.Loyalty{Type: "REWARD_MONEY", Reward: &craftgate.Reward{CardRewardMoney: amt("3"), FirmRewardMoney: amt("0")}}
	if e := validationError(t, do(t, m, http.MethodPost, pathThreeDSInit, req)); e.ErrorCode != CodeNoRewardPos {
		t.Fatalf("reward at init: %+v", e)
	}
}
