package conform

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
)

// junitTimes holds godog's JUnit XML until Flush and writes it with every
// time attribute in seconds to the millisecond. godog writes the float
// it computed (time="2.8150515289999998"): noise no reader needs, and a
// long run of digits that looks like a card number to anyone scanning a
// report for unmasked PANs.
type junitTimes struct {
	w   io.Writer
	buf bytes.Buffer
}

func (j *junitTimes) Write(b []byte) (int, error) { return j.buf.Write(b) }

// junitTime matches a time attribute with its value.
var junitTime = regexp.MustCompile(`\btime="([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"`)

// Flush writes the XML with the times rounded.
func (j *junitTimes) Flush() error {
	out := junitTime.ReplaceAllFunc(j.buf.Bytes(), func(m []byte) []byte {
		v, err := strconv.ParseFloat(string(junitTime.FindSubmatch(m)[1]), 64)
		if err != nil {
			return m
		}
		return []byte(`time="` + strconv.FormatFloat(v, 'f', 3, 64) + `"`)
	})
	_, err := j.w.Write(out)
	return err
}
