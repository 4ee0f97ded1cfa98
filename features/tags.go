package features

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	messages "github.com/cucumber/messages/go/v21"
)

// TagSyntax describes the tag filter syntax every runner accepts (godog's,
// after behat).
const TagSyntax = "'&&' = and, ',' = or, '~' = not, e.g. '@refund && ~@clock' or '@3ds,@checkout'"

// tagTerm is one term of a tag filter: an optional '~' and one tag.
var tagTerm = regexp.MustCompile(`^~?@?[A-Za-z0-9_][A-Za-z0-9_.:-]*$`)

// TagError is a tag filter that cannot run: malformed, or naming a tag no
// scenario has.
type TagError struct {
	// Expr is the filter as given.
	Expr string
	// Problem says what is wrong, e.g. `unknown tag @3dss`.
	Problem string
	// Suggestions are the known tags closest to an unknown one.
	Suggestions []string
}

func (e *TagError) Error() string {
	msg := fmt.Sprintf("tag filter %q: %s", e.Expr, e.Problem)
	if len(e.Suggestions) > 0 {
		msg += " (did you mean " + strings.Join(e.Suggestions, " or ") + "?)"
	}
	return msg
}

// ValidateTags checks a tag filter before it reaches a runner: the
// syntax (godog itself panics on some malformed filters, such as
// "@3ds &&") and that every tag it names is carried by at least one of the
// pickles (Pickles). An empty filter is valid. The error is a *TagError.
func ValidateTags(expr string, pickles []*messages.Pickle) error {
	tags, err := filterTags(expr)
	if err != nil {
		return err
	}
	known := Tags(pickles)
	for _, tag := range tags {
		if !slices.Contains(known, tag) {
			return &TagError{Expr: expr, Problem: "no scenario has the tag " + tag, Suggestions: closest(tag, known)}
		}
	}
	return nil
}

// CheckTagSyntax checks a tag filter's syntax only. An empty filter is
// valid. The error is a *TagError.
func CheckTagSyntax(expr string) error {
	_, err := filterTags(expr)
	return err
}

// filterTags returns the tags a filter names ("@3ds"), checking its
// syntax.
func filterTags(expr string) ([]string, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	var tags []string
	for _, group := range strings.Split(expr, "&&") {
		for _, term := range strings.Split(group, ",") {
			term = strings.TrimSpace(term)
			switch {
			case term == "":
				return nil, &TagError{Expr: expr, Problem: "an operator with nothing on one side; the syntax is " + TagSyntax}
			case !tagTerm.MatchString(term):
				return nil, &TagError{Expr: expr, Problem: fmt.Sprintf("%q is not a tag; the syntax is %s", term, TagSyntax)}
			}
			tags = append(tags, "@"+strings.TrimPrefix(strings.TrimPrefix(term, "~"), "@"))
		}
	}
	return tags, nil
}

// Tags returns the distinct tags of the pickles ("@3ds"), sorted.
func Tags(pickles []*messages.Pickle) []string {
	var out []string
	for _, p := range pickles {
		for _, t := range p.Tags {
			if !slices.Contains(out, t.Name) {
				out = append(out, t.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// closest returns up to three known words nearest to w: within an edit
// distance of a third of w's length (at least 1), or sharing its prefix.
func closest(w string, known []string) []string {
	type cand struct {
		s string
		d int
	}
	var cs []cand
	limit := max(1, len(w)/3)
	for _, k := range known {
		d := editDistance(w, k)
		if d <= limit || (len(w) > 2 && strings.HasPrefix(k, w)) {
			cs = append(cs, cand{k, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	var out []string
	for _, c := range cs[:min(3, len(cs))] {
		out = append(out, c.s)
	}
	return out
}

// Closest returns up to three of the known words nearest to w, for "did
// you mean" hints (commands, flags, tags).
func Closest(w string, known []string) []string { return closest(w, known) }

// editDistance is the optimal-string-alignment distance between a and b,
// by bytes: insertions, deletions, substitutions and transpositions of
// neighbours ("stpe" is one edit from "step").
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
