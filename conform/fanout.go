package conform

import (
	"io"
	"reflect"
	"sync"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v21"
)

// fanoutFormat is the godog formatter Run always asks for. It passes every
// event to the formatters of one run, each writing to its own (masking)
// writer. godog would open "name:path" files itself, unmasked, so Run
// handles the outputs and godog only ever sees this formatter.
const fanoutFormat = "gatecheck-fanout"

// godog's formatter registry is global and must be filled before any run;
// registering once here is the way godog is designed to be extended.
func init() {
	godog.Format(fanoutFormat, "gatecheck: several formatters with masked outputs (used by conform.Run)", newFanout)
}

// output is one formatter of a run and where it writes.
type output struct {
	format string
	w      io.Writer
}

// runOutputs maps the godog Output writer of each run in progress to that
// run's outputs. godog hands a formatter constructor nothing but the suite
// name and that writer, so this is the only way for a run's configuration
// to reach its formatter. Entries live for the duration of one Run.
var runOutputs sync.Map // io.Writer -> []output

// newFanout builds the fan-out formatter of the run whose godog Output is out.
func newFanout(suite string, out io.Writer) formatters.Formatter {
	f := &fanout{BaseFmt: godog.NewBaseFmt(suite, out)}
	if v, ok := runOutputs.Load(out); ok {
		for _, o := range v.([]output) {
			f.children = append(f.children, godog.FindFmt(o.format)(suite, o.w))
		}
	}
	return f
}

// fanout repeats every event to its children. It embeds godog's base
// formatter for the storage godog hands to formatters (SetStorage takes a
// type internal to godog, so it cannot be declared here) and passes that
// storage on to the children when the run starts.
type fanout struct {
	*godog.BaseFmt
	children []formatters.Formatter
}

// each passes an event to every child, in order.
func (f *fanout) each(event func(c formatters.Formatter)) {
	for _, c := range f.children {
		event(c)
	}
}

// TestRunStarted implements formatters.Formatter. godog has set the storage
// by now; the children get it before their own TestRunStarted.
func (f *fanout) TestRunStarted() {
	st := reflect.ValueOf(f.Storage)
	for _, c := range f.children {
		if m := reflect.ValueOf(c).MethodByName("SetStorage"); m.IsValid() && m.Type().NumIn() == 1 && st.Type().AssignableTo(m.Type().In(0)) {
			m.Call([]reflect.Value{st})
		}
		c.TestRunStarted()
	}
}

// Feature implements formatters.Formatter.
func (f *fanout) Feature(doc *messages.GherkinDocument, uri string, content []byte) {
	f.each(func(c formatters.Formatter) { c.Feature(doc, uri, content) })
}

// Pickle implements formatters.Formatter.
func (f *fanout) Pickle(p *messages.Pickle) {
	f.each(func(c formatters.Formatter) { c.Pickle(p) })
}

// Defined implements formatters.Formatter.
func (f *fanout) Defined(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition) {
	f.each(func(c formatters.Formatter) { c.Defined(p, s, d) })
}

// Failed implements formatters.Formatter.
func (f *fanout) Failed(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition, err error) {
	f.each(func(c formatters.Formatter) { c.Failed(p, s, d, err) })
}

// Passed implements formatters.Formatter.
func (f *fanout) Passed(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition) {
	f.each(func(c formatters.Formatter) { c.Passed(p, s, d) })
}

// Skipped implements formatters.Formatter.
func (f *fanout) Skipped(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition) {
	f.each(func(c formatters.Formatter) { c.Skipped(p, s, d) })
}

// Undefined implements formatters.Formatter.
func (f *fanout) Undefined(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition) {
	f.each(func(c formatters.Formatter) { c.Undefined(p, s, d) })
}

// Pending implements formatters.Formatter.
func (f *fanout) Pending(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition) {
	f.each(func(c formatters.Formatter) { c.Pending(p, s, d) })
}

// Ambiguous implements formatters.Formatter.
func (f *fanout) Ambiguous(p *messages.Pickle, s *messages.PickleStep, d *formatters.StepDefinition, err error) {
	f.each(func(c formatters.Formatter) { c.Ambiguous(p, s, d, err) })
}

// Summary implements formatters.Formatter.
func (f *fanout) Summary() {
	f.each(func(c formatters.Formatter) { c.Summary() })
}
