package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestRetailCRMChecklist(t *testing.T) {
	sc := func(name string, tags ...string) Scenario {
		return Scenario{Feature: "rbs/x.feature", Name: name, Tags: tags, Status: ScenarioPassed}
	}
	all := []Scenario{
		sc("RetailCRM go-live: a successful test payment through the payment link", "@rbs", "@retailcrm"),
		sc("RetailCRM go-live: a failed test payment through the payment link", "@rbs", "@retailcrm"),
		sc("A tampered callback is rejected", "@rbs", "@rbs-callback"),
		sc("One-phase payment", "@rbs", "@rbs-payment"),
		sc("Two-phase payment", "@rbs", "@rbs-twophase"),
		sc("Refund after deposit", "@rbs", "@rbs-refund"),
	}
	cases := []struct {
		name      string
		scenarios []Scenario
		wantOK    bool
		item      string
		status    Status
	}{
		{"everything passed", all, true, "E2", StatusPass},
		{"no failed payment", all[:1], false, "E2", StatusNotCovered},
		{"failed payment scenario failed", append(append([]Scenario{}, all...), Scenario{Feature: "rbs/x.feature",
			Name: "RetailCRM go-live: another failed test payment", Tags: []string{"@retailcrm"}, Status: ScenarioFailed}), false, "E2", StatusFail},
		{"manual items stay manual", all, true, "E7", StatusManual},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Build(&Run{Provider: ProviderRBS, Scenarios: c.scenarios})
			if r.OK() != c.wantOK {
				t.Fatalf("OK = %v, want %v", r.OK(), c.wantOK)
			}
			if got := r.Item(c.item).Status; got != c.status {
				t.Fatalf("%s = %s, want %s", c.item, got, c.status)
			}
			if len(r.Items) != len(RetailCRMChecklist()) {
				t.Fatalf("%d items", len(r.Items))
			}
			var md bytes.Buffer
			if err := r.WriteMarkdown(&md); err != nil || !strings.Contains(md.String(), "S1") || !strings.Contains(md.String(), "E7") {
				t.Fatalf("markdown lacks set-up or go-live items: %v", err)
			}
		})
	}
}
