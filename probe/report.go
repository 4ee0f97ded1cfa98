package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// maxCell bounds a table cell taken from the merchant's answer (a
// Location header can be long).
const maxCell = 80

// WriteTable writes the report as an aligned table (endpoint, case,
// expected answer, actual answer, verdict, note) followed by a summary.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	if r.CallbackURL != "" {
		fmt.Fprintf(&b, "callback URL  %s\n", r.CallbackURL)
	}
	if r.WebhookURL != "" {
		fmt.Fprintf(&b, "webhook URL   %s\n", r.WebhookURL)
	}
	fmt.Fprintf(&b, "paymentId %s", r.PaymentID)
	if r.CallbackURL != "" {
		fmt.Fprintf(&b, ", conversationId %s", r.ConversationID)
	}
	b.WriteString("\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENDPOINT\tCASE\tEXPECTED\tGOT\tVERDICT\tNOTE")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", res.Endpoint, res.Case, res.Expected, got(res), res.Verdict, oneLine(res.Note))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("probe: table: %w", err)
	}
	s := r.Summary
	fmt.Fprintf(&b, "\n%d cases: %d PASS, %d WARN, %d FAIL, %d ERROR\n", len(r.Results), s.Pass, s.Warn, s.Fail, s.Error)
	if s.ForgedAccepted > 0 {
		fmt.Fprintf(&b, "The merchant accepted %d forged call(s): it does not verify what it receives.\n", s.ForgedAccepted)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("probe: writing the table: %w", err)
	}
	return nil
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("probe: writing JSON: %w", err)
	}
	return nil
}

// got renders the actual answer of a result.
func got(r Result) string {
	switch {
	case r.Err != "":
		return "no answer"
	case r.Location != "" && r.HTTPStatus >= 300 && r.HTTPStatus < 400:
		return strconv.Itoa(r.HTTPStatus) + " -> " + cell(r.Location)
	default:
		return strconv.Itoa(r.HTTPStatus)
	}
}

// oneLine replaces control characters (tabs, line breaks) with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// cell makes a value from the merchant safe for one table cell: one line,
// at most maxCell runes.
func cell(s string) string {
	s = oneLine(s)
	if rs := []rune(s); len(rs) > maxCell {
		s = string(rs[:maxCell-1]) + "…"
	}
	return s
}
