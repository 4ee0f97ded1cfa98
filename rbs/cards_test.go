package rbs

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	cat := TestCards()
	all := cat.All()
	if len(all) < 6 {
		t.Fatalf("%d cards", len(all))
	}
	var success, decline, published int
	for _, tc := range all {
		if tc.Declines() {
			decline++
			if tc.Source != SourceSynthetic {
				t.Errorf("%s declines but is not marked synthetic: the sources document no declining card", tc)
			}
		} else {
			success++
		}
		if tc.Source == SourcePublished {
			published++
		}
		if got, ok := cat.Card(tc.Number); !ok || got != tc {
			t.Errorf("Card(%s) does not find it", tc.Masked())
		}
	}
	if success == 0 || decline == 0 || published == 0 {
		t.Errorf("success %d, decline %d, published %d", success, decline, published)
	}
	for _, want := range []string{"4111111111111111", "5555555555555599", "2200000000000053"} {
		if tc, ok := cat.Card(want); !ok || tc.Declines() || tc.Source != SourcePublished {
			t.Errorf("published card %s missing or wrong", GatewayMaskedPAN(want))
		}
	}
	wallet := cat.AlfaPayWallet()
	if len(wallet) < 2 || wallet[0].Declines() == wallet[1].Declines() {
		t.Errorf("the Alfa Pay wallet needs a successful and a declining card")
	}
	if tc, _ := cat.Card("4111 1111 1111 1111"); tc == nil {
		t.Error("spaces are ignored")
	}
	if !strings.Contains(all[0].String(), "411111******1111") {
		t.Errorf("String %q is not masked", all[0].String())
	}
}

func TestParseCatalogueRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":       `x`,
		"Luhn":           `{"cards":[{"number":"4111111111111112","outcome":"success","source":"published"}]}`,
		"duplicate":      `{"cards":[{"number":"4111111111111111","outcome":"success","source":"published"},{"number":"4111111111111111","outcome":"success","source":"published"}]}`,
		"outcome":        `{"cards":[{"number":"4111111111111111","outcome":"maybe","source":"published"}]}`,
		"no actionCode":  `{"cards":[{"number":"4111111111111111","outcome":"decline","source":"synthetic"}]}`,
		"3DS w/o passwd": `{"cards":[{"number":"4111111111111111","outcome":"success","threeDS":true,"source":"published"}]}`,
		"source":         `{"cards":[{"number":"4111111111111111","outcome":"success","source":"bank"}]}`,
	} {
		if _, err := ParseCatalogue([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestGatewayMaskedPAN(t *testing.T) {
	for in, want := range map[string]string{"4111111111111111": "411111**1111", "2200000000000053": "220000**0053", "123": "**"} {
		if got := GatewayMaskedPAN(in); got != want {
			t.Errorf("GatewayMaskedPAN(%s) = %s, want %s", in, got, want)
		}
	}
}
