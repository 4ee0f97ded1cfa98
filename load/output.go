package load

// Output receives every sample of a run as it goes, as k6's outputs do
// (--out json=FILE, --out csv=FILE, --out otlp=URL). AddSamples is called
// from one goroutine; Stop once, at the end.
type Output interface {
	AddSamples([]Sample)
	Stop() error
}
