package reports

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	for name, run := range map[string]*Run{
		"all pass":    sampleRun(fullSuite(), sampleLoad(1)),
		"failing":     sampleRun(withStatus(fullSuite(), "A webhook is signed with x-cg-signature-v1", "failed", "no signature"), sampleLoad(1)),
		"no load":     sampleRun(currentSuite(), nil),
		"no anything": sampleRun(nil, nil),
	} {
		t.Run(name, func(t *testing.T) {
			r := Build(run)
			var buf bytes.Buffer
			if err := r.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			first := buf.String()
			back, err := ReadJSON(strings.NewReader(first))
			if err != nil {
				t.Fatal(err)
			}
			if back.OK() != r.OK() || back.Verdict != r.Verdict || back.Summary.Score != r.Summary.Score ||
				back.Summary.Coverage != r.Summary.Coverage || len(back.Items) != 23 || len(back.Scenarios) != len(r.Scenarios) {
				t.Errorf("key fields differ: %s/%s score %v/%v coverage %v/%v", back.Verdict, r.Verdict,
					back.Summary.Score, r.Summary.Score, back.Summary.Coverage, r.Summary.Coverage)
			}
			if !reflect.DeepEqual(statuses(back), statuses(r)) {
				t.Errorf("statuses differ: %v / %v", statuses(back), statuses(r))
			}
			if !reflect.DeepEqual(back.Items, r.Items) || !reflect.DeepEqual(back.Cards, r.Cards) ||
				!reflect.DeepEqual(back.Load, r.Load) || !reflect.DeepEqual(back.Scenarios, r.Scenarios) {
				t.Error("items, cards, load or scenarios differ after the round trip")
			}
			buf.Reset()
			if err := back.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			if buf.String() != first {
				t.Error("writing the report read back gives other JSON")
			}
			if d := Diff(r, back); d.Regressed() || len(d.NewlyPassing) > 0 || len(d.Faster) > 0 {
				t.Errorf("a report differs from itself read back: %+v", d)
			}
		})
	}
}

func TestJSONHasTheFieldsOtherToolsRead(t *testing.T) {
	var buf bytes.Buffer
	if err := Build(sampleRun(fullSuite(), sampleLoad(1))).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"schema": "gatecheck.signoff/v1"`, `"verdict": "GO"`, `"id": "G1"`, `"status": "MANUAL"`,
		`"p95Ms":`, `"score": 1`, `"coverage":`, `"keyFingerprint": "sha256:1a2b3c4d"`, `"timeline":`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report.json lacks %s", want)
		}
	}
}

func TestReadJSONRejects(t *testing.T) {
	tests := map[string]string{
		"not json":     "<html>",
		"other schema": `{"schema":"gatecheck.signoff/v0"}`,
		"no schema":    `{}`,
		"truncated":    `{"schema":"gatecheck.signoff/v1","items":[`,
	}
	for name, in := range tests {
		if _, err := ReadJSON(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
