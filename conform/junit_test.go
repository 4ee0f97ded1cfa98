package conform

import (
	"bytes"
	"testing"
)

func TestJUnitTimesRounded(t *testing.T) {
	var out bytes.Buffer
	j := &junitTimes{w: &out}
	in := `<testsuites name="g" tests="2" time="12.5"><testsuite name="s" time="2.8150515289999998">` +
		`<testcase name="a" status="passed" time="0.117749965"></testcase><testcase name="b" time="3"></testcase></testsuite></testsuites>`
	if _, err := j.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `<testsuites name="g" tests="2" time="12.500"><testsuite name="s" time="2.815">` +
		`<testcase name="a" status="passed" time="0.118"></testcase><testcase name="b" time="3.000"></testcase></testsuite></testsuites>`
	if out.String() != want {
		t.Fatalf("got  %s\nwant %s", out.String(), want)
	}
}
