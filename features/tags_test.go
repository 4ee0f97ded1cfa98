package features

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestValidateTags(t *testing.T) {
	pickles, err := Pickles(FS())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr    string
		problem string // empty: valid
		suggest string
	}{
		{"", "", ""},
		{"@3ds", "", ""},
		{"~@mock && ~@webhook", "", ""},
		{"@3ds,@checkout && ~@clock", "", ""},
		{"3ds", "", ""},
		{"@3dss", "no scenario has the tag @3dss", "@3ds"},
		{"@refund && ~@clok", "no scenario has the tag @clok", "@clock"},
		{"@3ds &&", "nothing on one side", ""},
		{"&& @3ds", "nothing on one side", ""},
		{"@3ds,", "nothing on one side", ""},
		{"~", "is not a tag", ""},
		{"@3ds & @refund", "is not a tag", ""},
		{"@3ds @refund", "is not a tag", ""},
		{"not @3ds", "is not a tag", ""},
		{"@3ds || @refund", "is not a tag", ""},
		{"@no-such-tag-at-all", "no scenario has the tag", ""},
	}
	for _, tt := range tests {
		err := ValidateTags(tt.expr, pickles)
		if tt.problem == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.expr, err)
			}
			continue
		}
		var te *TagError
		if !errors.As(err, &te) || !strings.Contains(te.Problem, tt.problem) {
			t.Errorf("%q: %v, want %q", tt.expr, err, tt.problem)
			continue
		}
		if tt.suggest != "" && !slices.Contains(te.Suggestions, tt.suggest) {
			t.Errorf("%q: suggestions %v, want %s", tt.expr, te.Suggestions, tt.suggest)
		}
		if tt.suggest != "" && !strings.Contains(err.Error(), "did you mean "+tt.suggest) {
			t.Errorf("%q: message %q", tt.expr, err)
		}
	}
}

func TestClosest(t *testing.T) {
	known := []string{"signoff", "conform", "load", "report", "version", "webhooks"}
	for _, tt := range []struct{ w, want string }{{"sigoff", "signoff"}, {"confrom", "conform"}, {"lod", "load"}, {"versoin", "version"}, {"xyzzy", ""}} {
		got := Closest(tt.w, known)
		if (tt.want == "" && len(got) > 0) || (tt.want != "" && (len(got) == 0 || got[0] != tt.want)) {
			t.Errorf("%s: %v, want %q", tt.w, got, tt.want)
		}
	}
}
