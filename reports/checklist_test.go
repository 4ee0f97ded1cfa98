package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestChecklistHasThe23ItemsInOrder(t *testing.T) {
	items := Checklist()
	var want []string
	for i := 1; i <= 20; i++ {
		want = append(want, fmt.Sprintf("G%d", i))
	}
	want = append(want, "P1", "P2", "P3")
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d", len(items), len(want))
	}
	for i, it := range items {
		if it.ID != want[i] {
			t.Errorf("item %d is %s, want %s", i, it.ID, want[i])
		}
		wantPhase := PhaseGoLive
		if strings.HasPrefix(it.ID, "P") {
			wantPhase = PhasePostGoLive
		}
		if it.Phase != wantPhase {
			t.Errorf("%s: phase %q, want %q", it.ID, it.Phase, wantPhase)
		}
		if it.Title == "" || it.Guidance == "" {
			t.Errorf("%s: no title or guidance", it.ID)
		}
		if !it.Automatable() && it.Manual == "" {
			t.Errorf("%s: neither rules nor a manual note", it.ID)
		}
		if it.Automatable() && it.Checks == "" {
			t.Errorf("%s: automatable but does not say what gatecheck checks", it.ID)
		}
		if it.MustPass && !it.Automatable() {
			t.Errorf("%s: a manual item cannot be must-pass", it.ID)
		}
	}
}

func TestChecklistRulesAreValid(t *testing.T) {
	tagRe := regexp.MustCompile(`^~?@[a-z0-9-]+$`)
	for _, it := range Checklist() {
		all := append(append([]Rule(nil), it.Rules...), it.Related...)
		required := 0
		for _, r := range all {
			if r.Label == "" {
				t.Errorf("%s: rule without label", it.ID)
			}
			for _, pattern := range []string{r.Name, r.NotName} {
				if _, err := regexp.Compile(pattern); err != nil {
					t.Errorf("%s: %q: %v", it.ID, pattern, err)
				}
			}
			if !r.Optional {
				required++
			}
			for _, group := range strings.Split(r.Tags, "&&") {
				for _, alt := range strings.Split(group, ",") {
					if alt = strings.TrimSpace(alt); !tagRe.MatchString(alt) && r.Tags != "" {
						t.Errorf("%s: rule %q: bad tag %q in %q", it.ID, r.Label, alt, r.Tags)
					}
				}
			}
		}
		if it.Automatable() && required == 0 {
			t.Errorf("%s: every rule is optional", it.ID)
		}
		if it.MustPassIf != "" && !tagRe.MatchString(it.MustPassIf) {
			t.Errorf("%s: MustPassIf %q", it.ID, it.MustPassIf)
		}
	}
}

func TestChecklistMustPassAndManualItems(t *testing.T) {
	var mustPass, manual []string
	for _, it := range Checklist() {
		if it.MustPass {
			mustPass = append(mustPass, it.ID)
		}
		if !it.Automatable() {
			manual = append(manual, it.ID)
		}
	}
	if got, want := strings.Join(mustPass, " "), "G2 G3 G8 G10 G15 G16"; got != want {
		t.Errorf("must-pass items %q, want %q", got, want)
	}
	if got, want := strings.Join(manual, " "), "G1 G13 G17 G18 G19 P1 P2 P3"; got != want {
		t.Errorf("manual items %q, want %q", got, want)
	}
}

func TestChecklistIsFreshOnEachCall(t *testing.T) {
	a := Checklist()
	a[0].Title = "changed"
	a[1].Rules[0].Tags = "@changed"
	b := Checklist()
	if b[0].Title == "changed" || b[1].Rules[0].Tags == "@changed" {
		t.Fatal("Checklist shares data between calls")
	}
}

// The titles are the reference's wording (docs/reference/craftgate/flows.md §15), when the shared
// reference is beside the repository.
func TestChecklistTitlesFollowTheReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "reference", "craftgate", "flows.md"))
	if err != nil {
		t.Skipf("reference not available: %v", err)
	}
	ref := string(data)
	start := strings.Index(ref, "## 15.")
	end := strings.Index(ref, "## 16.")
	if start < 0 || end < start {
		t.Fatal("flows.md has no section 15")
	}
	section := ref[start:end]
	for _, it := range Checklist() {
		if !strings.Contains(section, it.Title) {
			t.Errorf("%s: title %q is not in flows.md §15", it.ID, it.Title)
		}
		if !strings.Contains(section, it.Guidance) {
			t.Errorf("%s: guidance %q is not in flows.md §15", it.ID, it.Guidance)
		}
	}
}
