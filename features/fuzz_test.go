package features_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/gatecheck/gatecheck/features"
)

// FuzzPickles feeds feature loading (features.Pickles on a file system
// holding one fuzzed .feature file): it must return pickles or an error,
// never panic, and every pickle must come from the file. The seeds are the
// embedded suite's own files. CI runs it for a bounded time (.ci/run); a
// crash found becomes a file under testdata/fuzz, run by every `go test`.
func FuzzPickles(f *testing.F) {
	err := fs.WalkDir(features.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(features.FS(), p)
		if err != nil {
			return err
		}
		f.Add(string(b))
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Feature: x\n  Scenario Outline: o <a>\n    Given <a>\n    Examples:\n      | a |\n      | 1 |\n")
	f.Add("# language: tr\nÖzellik: x\n  Senaryo: y\n    Diyelim ki z\n")
	f.Add("@t\nFeature:\n  Rule: r\n    Background:\n      Given a\n    Scenario:\n      Given \"\"\"\n      doc\n      \"\"\"\n")
	f.Fuzz(func(t *testing.T, content string) {
		fsys := fstest.MapFS{"fuzz/x.feature": {Data: []byte(content)}}
		pickles, err := features.Pickles(fsys)
		if err != nil {
			return
		}
		for _, p := range pickles {
			if p.Uri != "fuzz/x.feature" {
				t.Fatalf("pickle %q from %q", p.Name, p.Uri)
			}
		}
	})
}
