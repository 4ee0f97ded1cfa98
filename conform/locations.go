package conform

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"sync"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/steps"
)

// godog names every step's function after the adapter it was given
// (reflect.makeFuncStub, at the line of steps/godog.go that registers it).
// The writers here put the real step function and its file and line in
// that place: in the pretty format's "# file:line -> function" comments
// and in the cucumber format's match locations.

// stubRef is what godog writes for every step.
var stubRef = regexp.MustCompile(`godog\.go:\d+ -> reflect\.makeFuncStub`)

// stubLocation is the cucumber format's location of every step.
var stubLocation = regexp.MustCompile(`^godog\.go:\d+$`)

// ansi matches terminal colour codes.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// stepKeyword is the start of a step line in the pretty format.
var stepKeyword = regexp.MustCompile(`^\s*(?:Given|When|Then|And|But|\*)\s+`)

// locator finds a step text's definition location.
type locator struct {
	m *steps.Matcher
	// outline maps a Scenario Outline step's template text ("... <card>")
	// to the text of its first example, which is what godog matched.
	outline map[string]string
	mu      sync.Mutex
	cache   map[string]string
}

func newLocator(fsys fs.FS) *locator {
	m, err := steps.NewMatcher(steps.Definitions())
	if err != nil {
		return nil // the definitions are checked by their own tests
	}
	return &locator{m: m, outline: outlineSteps(fsys), cache: map[string]string{}}
}

// outlineSteps maps each outline step's template text to its first
// example's text.
func outlineSteps(fsys fs.FS) map[string]string {
	docs, err := features.Documents(fsys)
	if err != nil {
		return nil
	}
	template := map[string]string{} // step id -> text with <placeholders>
	add := func(ss []*messages.Step) {
		for _, st := range ss {
			if strings.Contains(st.Text, "<") {
				template[st.Id] = st.Text
			}
		}
	}
	for _, d := range docs {
		if d.Feature == nil {
			continue
		}
		for _, c := range d.Feature.Children {
			if c.Scenario != nil {
				add(c.Scenario.Steps)
			}
			if c.Rule != nil {
				for _, rc := range c.Rule.Children {
					if rc.Scenario != nil {
						add(rc.Scenario.Steps)
					}
				}
			}
		}
	}
	out := map[string]string{}
	ids := &messages.Incrementing{}
	for _, d := range docs {
		for _, p := range gherkin.Pickles(*d, d.Uri, ids.NewId) {
			for _, st := range p.Steps {
				if len(st.AstNodeIds) == 0 {
					continue
				}
				if t, ok := template[st.AstNodeIds[0]]; ok {
					if _, seen := out[t]; !seen {
						out[t] = st.Text
					}
				}
			}
		}
	}
	return out
}

// of returns "file:line -> function" for a step's text, or "".
func (l *locator) of(text string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if loc, ok := l.cache[text]; ok {
		return loc
	}
	loc := ""
	b, err := l.m.Match(text)
	if err != nil && l.outline[text] != "" {
		b, err = l.m.Match(l.outline[text])
	}
	if err == nil {
		loc = b.Location()
	}
	l.cache[text] = loc
	return loc
}

// prettyLocations rewrites the pretty format line by line.
type prettyLocations struct {
	w   io.Writer
	loc *locator
	buf []byte
}

func (p *prettyLocations) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := p.rewrite(string(p.buf[:i+1]))
		if _, err := io.WriteString(p.w, line); err != nil {
			return len(b), err
		}
		p.buf = p.buf[i+1:]
	}
}

// Flush writes what is left (a last line without a newline).
func (p *prettyLocations) Flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(p.w, p.rewrite(string(p.buf)))
	p.buf = p.buf[:0]
	return err
}

func (p *prettyLocations) rewrite(line string) string {
	ref := stubRef.FindStringIndex(line)
	if ref == nil {
		return line
	}
	plain := ansi.ReplaceAllString(line, "")
	hash := strings.LastIndex(plain, " # ")
	if hash < 0 {
		return line
	}
	text := stepKeyword.ReplaceAllString(plain[:hash], "")
	loc := p.loc.of(strings.TrimSpace(text))
	if loc == "" {
		return line
	}
	return line[:ref[0]] + loc + line[ref[1]:]
}

// cucumberLocations buffers the cucumber format's JSON and writes it with
// each step's match location corrected when the run ends.
type cucumberLocations struct {
	w   io.Writer
	loc *locator
	buf bytes.Buffer
}

func (c *cucumberLocations) Write(b []byte) (int, error) { return c.buf.Write(b) }

// Flush writes the corrected JSON (or, if it does not parse, what godog
// wrote, unchanged).
func (c *cucumberLocations) Flush() error {
	raw := c.buf.Bytes()
	var features []map[string]any
	if err := json.Unmarshal(raw, &features); err != nil {
		_, err := c.w.Write(raw)
		return err
	}
	for _, f := range features {
		elements, _ := f["elements"].([]any)
		for _, e := range elements {
			el, _ := e.(map[string]any)
			stepList, _ := el["steps"].([]any)
			for _, s := range stepList {
				st, _ := s.(map[string]any)
				match, _ := st["match"].(map[string]any)
				name, _ := st["name"].(string)
				if at, _ := match["location"].(string); match == nil || !stubLocation.MatchString(at) {
					continue
				}
				if loc := c.loc.of(name); loc != "" {
					file, _, _ := strings.Cut(loc, " -> ")
					match["location"] = file
				}
			}
		}
	}
	out, err := json.MarshalIndent(features, "", "    ")
	if err != nil {
		_, err := c.w.Write(raw)
		return err
	}
	_, err = c.w.Write(append(out, '\n'))
	return err
}
