package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gatecheck/gatecheck/craftgate"
)

// maxJSON bounds what ReadJSON reads (a report of thousands of scenarios
// is a few MiB).
const maxJSON = 64 << 20

// WriteJSON writes report.json: the whole report, indented, machine
// readable; ReadJSON reads it back.
func (r *Report) WriteJSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("reports: json: %w", err)
	}
	return writeMasked(w, buf.Bytes())
}

// ReadJSON reads a report written by WriteJSON.
func ReadJSON(rd io.Reader) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(rd, maxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("reports: reading report: %w", err)
	}
	if len(data) > maxJSON {
		return nil, fmt.Errorf("reports: report larger than %d MiB", maxJSON>>20)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("reports: reading report: %w", err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("reports: report schema %q, want %q", r.Schema, Schema)
	}
	return &r, nil
}

// writeMasked writes out after a last pass of craftgate.MaskPANs: no
// output of this package can hold a full card number, whatever slipped
// through.
func writeMasked(w io.Writer, out []byte) error {
	_, err := io.WriteString(w, craftgate.MaskPANs(string(out)))
	return err
}
