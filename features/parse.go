package features

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// Documents parses every .feature file of fsys (FS() for the embedded
// suite), in lexical path order. Each document's Uri is its path in fsys.
func Documents(fsys fs.FS) ([]*messages.GherkinDocument, error) {
	var docs []*messages.GherkinDocument
	ids := &messages.Incrementing{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(b), ids.NewId)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		doc.Uri = p
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	return docs, nil
}

// Pickles parses the feature files of fsys into pickles: one per scenario
// and per row of a scenario outline, background steps included, tags
// inherited, outline values substituted. This is what every runner
// executes.
func Pickles(fsys fs.FS) ([]*messages.Pickle, error) {
	docs, err := Documents(fsys)
	if err != nil {
		return nil, err
	}
	ids := &messages.Incrementing{}
	var out []*messages.Pickle
	for _, d := range docs {
		out = append(out, gherkin.Pickles(*d, d.Uri, ids.NewId)...)
	}
	return out, nil
}
