package mock

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// TestErrorCodesAreUnique keeps every synthetic error code of the mock
// (the Code* constants of errors.go) distinct: two meanings behind one
// code would make a merchant's error handling branch wrongly.
func TestErrorCodesAreUnique(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING || len(name.Name) < 5 || name.Name[:4] != "Code" {
					continue
				}
				code, _ := strconv.Unquote(lit.Value)
				if prev, dup := seen[code]; dup {
					t.Errorf("code %s is both %s and %s", code, prev, name.Name)
				}
				seen[code] = name.Name
			}
		}
	}
	if len(seen) < 50 {
		t.Fatalf("found only %d codes: is errors.go parsed right?", len(seen))
	}
}
