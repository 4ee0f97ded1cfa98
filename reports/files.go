package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File names of a sign-off folder.
const (
	HTMLFile     = "signoff.html"
	MarkdownFile = "signoff.md"
	JSONFile     = "report.json"
)

// WriteDir writes signoff.html, signoff.md and report.json into dir,
// creating it when needed.
func (r *Report) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{{HTMLFile, r.WriteHTML}, {MarkdownFile, r.WriteMarkdown}, {JSONFile, r.WriteJSON}} {
		if err := writeFile(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

// ReadFile reads a report.json, or the report.json inside a sign-off
// folder.
func ReadFile(path string) (*Report, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, JSONFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	r, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if err := write(f); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	return nil
}
