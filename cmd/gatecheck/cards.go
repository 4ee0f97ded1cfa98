package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
)

// cardRow is one line of `gatecheck cards`.
type cardRow struct {
	Number      string `json:"number"`
	Association string `json:"association"`
	CardType    string `json:"cardType,omitempty"`
	Family      string `json:"family,omitempty"`
	Bank        string `json:"bank,omitempty"`
	Outcome     string `json:"outcome"`
	Step        string `json:"step,omitempty"`
	Group       string `json:"errorGroup,omitempty"`
	Code        string `json:"errorCode,omitempty"`
}

func runCards(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("cards", stderr)
	step := fs.String("step", "", "only cards failing at this step ("+stepNames()+")")
	group := fs.String("group", "", "only cards with this error group")
	assoc := fs.String("association", "", "only cards of this association (VISA, MASTER_CARD, AMEX, TROY, ...)")
	outcome := fs.String("outcome", "", "success or error")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	full := fs.Bool("full", false, "print full card numbers (masked first-6/last-4 by default)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	cat := craftgate.TestCards()
	if err := checkChoice("step", *step, strings.Split(stepNames(), ", ")); err != nil {
		return err
	}
	if err := checkChoice("group", *group, cat.GroupNames()); err != nil {
		return err
	}
	if err := checkChoice("outcome", *outcome, []string{"success", "error"}); err != nil {
		return err
	}
	var rows []cardRow
	add := func(tc *craftgate.TestCard, f *craftgate.Failure) {
		r := cardRow{Number: tc.Masked(), Association: tc.Association, CardType: tc.CardType, Family: tc.CardFamily, Bank: tc.Bank, Outcome: "success"}
		if *full {
			r.Number = tc.Number
		}
		if f != nil {
			r.Outcome, r.Step, r.Group = "error", string(f.Step), f.Group
			if g, ok := cat.Group(f.Group); ok {
				r.Code = g.Code
			}
		}
		if *step != "" && r.Step != *step || *group != "" && r.Group != *group ||
			*assoc != "" && !strings.EqualFold(r.Association, *assoc) || *outcome != "" && r.Outcome != *outcome {
			return
		}
		rows = append(rows, r)
	}
	for _, tc := range cat.Successful() {
		add(tc, nil)
	}
	for _, tc := range cat.MultiCurrency() {
		add(tc, nil)
	}
	for _, tc := range cat.ErrorCards() {
		for i := range tc.Failures {
			add(tc, &tc.Failures[i])
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tASSOCIATION\tTYPE\tFAMILY\tOUTCOME\tSTEP\tGROUP\tCODE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Number, r.Association, r.CardType, r.Family, r.Outcome, r.Step, r.Group, r.Code)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d cards\n", len(rows))
	return nil
}

func stepNames() string {
	s := make([]string, len(craftgate.Steps))
	for i, st := range craftgate.Steps {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// checkChoice refuses a flag value outside its choices, naming the closest.
func checkChoice(flagName, v string, choices []string) error {
	if v == "" || slices.Contains(choices, v) {
		return nil
	}
	hint := ""
	if s := features.Closest(v, choices); len(s) > 0 {
		hint = " (did you mean " + strings.Join(s, " or ") + "?)"
	}
	return usagef("--%s %q: not one of %s%s", flagName, v, strings.Join(choices, ", "), hint)
}
