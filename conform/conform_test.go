package conform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/conform"
	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/steps"
)

const (
	apiKey    = "conform-test-api-key"
	secretKey = "conform-test-secret-key"
)

// noon is a fixed mock clock: 12:00 in Istanbul, far from the midnight
// at which the mock's bank day ends, so a same-day cancel never becomes a
// refund because the test ran at 23:59:59.
type noon struct{}

func (noon) Now() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }

// startMock serves a fresh mock on 127.0.0.1 for the test's lifetime.
func startMock(t *testing.T) steps.Target {
	t.Helper()
	m, err := mock.New(mock.Config{APIKey: apiKey, SecretKey: secretKey, Seed: 1, Clock: noon{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m) // listens on 127.0.0.1
	t.Cleanup(func() {
		srv.Close()
		// Stop the webhook deliveries still pending, so no goroutine
		// outlives the test.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Errorf("mock close: %v", err)
		}
	})
	return steps.Target{BaseURL: srv.URL, APIKey: apiKey, SecretKey: secretKey, Doer: srv.Client()}
}

// junit is the part of godog's JUnit report the test reads.
type junit struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Suites  []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Status  string    `xml:"status,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct{} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) (junit, []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j junit
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatalf("JUnit report does not parse: %v", err)
	}
	var names []string
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			names = append(names, c.Name)
			if c.Failure != nil || c.Error != nil || c.Status != "passed" {
				t.Errorf("JUnit: %q: status %q", c.Name, c.Status)
			}
		}
	}
	return j, names
}

// cardNumbers is every number of the catalogue.
func cardNumbers() []string {
	cat := craftgate.TestCards()
	var out []string
	for _, list := range [][]*craftgate.TestCard{cat.Successful(), cat.ErrorCards(), cat.MultiCurrency(), cat.RewardCards()} {
		for _, tc := range list {
			out = append(out, tc.Number)
		}
	}
	return out
}

func assertNoCardNumber(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, n := range cardNumbers() {
		if bytes.Contains(b, []byte(n)) {
			t.Errorf("%s contains card number %s unmasked", what, craftgate.MaskPAN(n))
		}
	}
}

func reportFailures(t *testing.T, res conform.Result) {
	t.Helper()
	for _, f := range res.Failures {
		t.Errorf("%s: %s: %s %q: %s", f.Feature, f.Scenario, f.Status, f.Step, f.Message)
	}
}

// TestSuiteAgainstMock runs every embedded scenario against the mock,
// concurrently, with a pretty output and JUnit and cucumber reports.
func TestSuiteAgainstMock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite")
	}
	pickles, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	junitPath, cukePath := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "cucumber.json")
	var out bytes.Buffer
	// Every API answer is recorded for the wire judge (wire_test.go).
	target := startMock(t)
	rec := newRecorder(target.Doer)
	target.Doer = rec
	res, err := conform.Run(context.Background(), conform.Options{
		Target:      target,
		Format:      "pretty,junit:" + junitPath + ",cucumber:" + cukePath,
		Output:      &out,
		Concurrency: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	reportFailures(t, res)
	if !res.OK() {
		t.Errorf("%+v, status %d\n%s", res.Scenarios, res.Status, out.String())
	}
	if got := res.Scenarios.Total(); got != len(pickles) || res.Scenarios.Passed != got {
		t.Errorf("%d scenarios ran (%+v), the features have %d", got, res.Scenarios, len(pickles))
	}
	t.Logf("%d scenarios (%+v), %d steps, %v", res.Scenarios.Total(), res.Scenarios, res.Steps.Total(), res.Duration)

	// One testcase per scenario and outline row, each with its own
	// (masked) name.
	j, names := readJUnit(t, junitPath)
	if len(names) != len(pickles) || j.Tests != len(pickles) {
		t.Errorf("JUnit has %d testcases (tests=%d), the features %d scenarios", len(names), j.Tests, len(pickles))
	}
	var want []string
	for _, p := range pickles {
		want = append(want, craftgate.MaskPANs(p.Name))
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("JUnit testcases differ from the scenarios:\n got %q\nwant %q", names, want)
	}
	if d := slices.Compact(slices.Clone(names)); len(d) != len(names) {
		t.Errorf("JUnit testcase names are not unique: %d names, %d distinct", len(names), len(d))
	}

	cuke, err := os.ReadFile(cukePath)
	if err != nil {
		t.Fatal(err)
	}
	var cukeDoc []map[string]any
	if err := json.Unmarshal(cuke, &cukeDoc); err != nil || len(cukeDoc) == 0 {
		t.Errorf("the cucumber report does not parse: %v", err)
	}
	junitBytes, _ := os.ReadFile(junitPath)
	assertNoCardNumber(t, "pretty output", out.Bytes())
	if !strings.Contains(out.String(), "510005******6661") {
		t.Error("the pretty output should list the declined cards masked")
	}
	assertNoCardNumber(t, "JUnit report", junitBytes)
	assertNoCardNumber(t, "cucumber report", cuke)

	t.Run("wire", func(t *testing.T) { judgeWire(t, loadWireSchema(t), rec.exchanges()) })
}

// TestSandboxSubset runs what --tags '~@mock' leaves for the real sandbox,
// here against the mock, to show it needs no mock facility.
func TestSandboxSubset(t *testing.T) {
	if testing.Short() {
		t.Skip("runs part of the suite")
	}
	res, err := conform.Run(context.Background(), conform.Options{
		Target: startMock(t), Tags: "~@mock", Format: "progress", Output: &bytes.Buffer{}, Concurrency: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	reportFailures(t, res)
	if !res.OK() || res.Scenarios.Total() == 0 {
		t.Errorf("sandbox subset: %+v", res.Scenarios)
	}
}

func TestUndefinedStepFailsTheRun(t *testing.T) {
	fsys := fstest.MapFS{"x/undefined.feature": {Data: []byte(`@validation
Feature: an undefined step
  Scenario: a sentence nobody defined
    Given a merchant with valid API credentials
    When the buyer pays with card "4111111111111111" in a way nobody defined
    Then the payment succeeds
`)}}
	var out bytes.Buffer
	res, err := conform.Run(context.Background(), conform.Options{
		Target: steps.Target{BaseURL: "http://127.0.0.1:1", APIKey: apiKey, SecretKey: secretKey},
		FS:     fsys, Format: "pretty", Output: &out, NoColors: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.Status == 0 || res.Scenarios.Undefined != 1 || res.Steps.Undefined != 1 || res.Steps.Skipped != 1 {
		t.Errorf("an undefined step must fail the run: %+v, steps %+v, status %d", res.Scenarios, res.Steps, res.Status)
	}
	if len(res.Failures) != 1 || res.Failures[0].Status != "undefined" || strings.Contains(res.Failures[0].Step, "4111111111111111") {
		t.Errorf("failures %+v", res.Failures)
	}
	assertNoCardNumber(t, "pretty output", out.Bytes())
	if strings.Contains(out.String(), "\x1b[") {
		t.Error("NoColors left ANSI escapes in the output")
	}
}

func TestFailingStepIsReported(t *testing.T) {
	fsys := fstest.MapFS{"x/failing.feature": {Data: []byte(`@non3ds
Feature: a failing scenario
  Scenario: a decline expected from a successful card
    Given a merchant with valid API credentials
    And a basket of 10.00 TRY with items of 10.00
    When the buyer pays without 3-D Secure with card "5258640000000001"
    Then the payment is declined with error group "NOT_SUFFICIENT_FUNDS"
    And the declined payment can be retrieved with that error
`)}}
	var out bytes.Buffer
	res, err := conform.Run(context.Background(), conform.Options{Target: startMock(t), FS: fsys, Format: "pretty", Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.Scenarios.Failed != 1 || res.Steps.Passed != 3 || res.Steps.Failed != 1 || res.Steps.Skipped != 1 {
		t.Errorf("%+v, steps %+v", res.Scenarios, res.Steps)
	}
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Message, "succeeded") || !strings.Contains(res.Failures[0].Message, "525864******0001") {
		t.Errorf("failures %+v", res.Failures)
	}
	assertNoCardNumber(t, "pretty output", out.Bytes())
	if !strings.Contains(out.String(), "525864******0001") {
		t.Errorf("the output should show the masked card:\n%s", out.String())
	}
	if strings.Contains(out.String(), secretKey) || strings.Contains(out.String(), apiKey) {
		t.Error("the output contains a key")
	}
}

func TestOptionErrors(t *testing.T) {
	for _, format := range []string{"nope", "junit:", "pretty,bogus:x.xml", "gatecheck-fanout", "junit:" + filepath.Join(t.TempDir(), "no", "such", "dir", "x.xml")} {
		_, err := conform.Run(context.Background(), conform.Options{Format: format, Output: &bytes.Buffer{}})
		if err == nil {
			t.Errorf("format %q: want an error", format)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := conform.Run(ctx, conform.Options{Output: &bytes.Buffer{}}); err == nil {
		t.Error("a cancelled context: want an error")
	}
	// Malformed tag filters are an error before godog sees them (godog
	// panics with "index out of range" on some of them).
	for _, tags := range []string{"@3ds &&", "&&", "@3ds,", "~", "@a @b"} {
		_, err := conform.Run(context.Background(), conform.Options{Tags: tags, Output: &bytes.Buffer{}})
		var te *features.TagError
		if !errors.As(err, &te) {
			t.Errorf("tags %q: %v, want a *features.TagError", tags, err)
		}
	}
}

// TestMaskedScenarioNamesStayUnique guards the JUnit report: masking card
// numbers in scenario names must not make two of them equal.
func TestMaskedScenarioNamesStayUnique(t *testing.T) {
	pickles, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]*messages.Pickle{}
	for _, p := range pickles {
		name := craftgate.MaskPANs(p.Name)
		if prev, dup := seen[name]; dup {
			t.Errorf("%q (%s) and %q (%s) both mask to %q", prev.Name, prev.Uri, p.Name, p.Uri, name)
		}
		seen[name] = p
	}
}

// TestNewStepsFailWhenTheyShould runs 3-D Secure, checkout and webhook
// scenarios whose expectations are wrong, to show that their steps check
// something: each must fail, at the expected step, saying why.
func TestNewStepsFailWhenTheyShould(t *testing.T) {
	const background = `
  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00
`
	fsys := fstest.MapFS{"x/wrong.feature": {Data: []byte(`@3ds
Feature: wrong expectations
` + background + `
  Scenario: a verified payment expected to fail
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer verifies the payment at the bank
    Then the callback carries status "FAILURE"

  Scenario: a version 1 callback expected to carry mdStatus
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer verifies the payment at the bank
    Then the callback carries md status "1"

  Scenario: a successful payment expected to be notified as failed
    When the buyer pays without 3-D Secure with a successful credit card
    Then the merchant receives a signed "API_AUTH" webhook with status "FAILURE" for the payment

  Scenario: a paid checkout form expected to have failed
    Given the merchant has created a checkout form for the basket
    And the buyer has paid on the checkout page with a successful credit card
    When the merchant retrieves the checkout payment by its token
    Then the checkout payment failed with error group "NOT_SUFFICIENT_FUNDS"

  Scenario: a checkout form expected to live longer than asked
    Given the merchant has created a checkout form for the basket valid for 15 minutes
    Then the checkout form's token expires 30 minutes after it was created
`)}}
	res, err := conform.Run(context.Background(), conform.Options{Target: startMock(t), FS: fsys, Format: "progress", Output: &bytes.Buffer{}, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a verified payment expected to fail":                    `status: expected "FAILURE", got "SUCCESS"`,
		"a version 1 callback expected to carry mdStatus":        "it has no mdStatus field",
		"a successful payment expected to be notified as failed": `status: expected "FAILURE", got "SUCCESS"`,
		"a paid checkout form expected to have failed":           `paymentStatus: expected "FAILURE", got "SUCCESS"`,
		"a checkout form expected to live longer than asked":     "expected 30m0s",
	}
	if res.Scenarios.Failed != len(want) {
		t.Errorf("%d scenarios failed, want %d: %+v", res.Scenarios.Failed, len(want), res.Scenarios)
	}
	for _, f := range res.Failures {
		if sub, ok := want[f.Scenario]; !ok || !strings.Contains(f.Message, sub) {
			t.Errorf("%q failed at %q with %q, want a message containing %q", f.Scenario, f.Step, f.Message, sub)
		}
	}
}

// TestWrongCallbackKeyIsCaught gives the merchant another callback key
// than the provider's: the merchant must refuse the genuine callback and
// the step must say the hash does not verify.
func TestWrongCallbackKeyIsCaught(t *testing.T) {
	fsys := fstest.MapFS{"x/key.feature": {Data: []byte(`@3ds
Feature: a merchant with the wrong callback key
  Scenario: the callback does not verify
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00
    When the buyer starts a 3-D Secure payment with a successful credit card
    And the buyer verifies the payment at the bank
    Then the merchant receives a callback whose hash verifies
`)}}
	target := startMock(t)
	target.CallbackKey = "not-the-provider-callback-key"
	var out bytes.Buffer
	res, err := conform.Run(context.Background(), conform.Options{Target: target, FS: fsys, Format: "pretty", Output: &out, NoColors: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scenarios.Failed != 1 || len(res.Failures) != 1 {
		t.Fatalf("%+v", res.Scenarios)
	}
	msg := res.Failures[0].Message
	for _, sub := range []string{"hash does not match", "the merchant answered HTTP 400", "did not verify its hash"} {
		if !strings.Contains(msg, sub) {
			t.Errorf("message %q lacks %q", msg, sub)
		}
	}
	if strings.Contains(out.String(), target.CallbackKey) {
		t.Error("the output contains the callback key")
	}
}

// TestOutcomesCarryEvidence: each scenario's outcome lists its tags and
// what it established, card numbers masked, and OnScenario sees each one.
func TestOutcomesCarryEvidence(t *testing.T) {
	target := startMock(t)
	var seen atomic.Int64
	res, err := conform.Run(context.Background(), conform.Options{Target: target, Tags: "@3ds,@refund && ~@serial",
		Format: "progress", Output: io.Discard, OnScenario: func(conform.ScenarioResult) { seen.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	reportFailures(t, res)
	if int(seen.Load()) != len(res.Outcomes) || len(res.Outcomes) != res.Scenarios.Total() {
		t.Fatalf("OnScenario saw %d, outcomes %d, counted %d", seen.Load(), len(res.Outcomes), res.Scenarios.Total())
	}
	kinds := map[string]map[string]bool{}
	for _, o := range res.Outcomes {
		if o.Status != "passed" || len(o.Tags) == 0 || o.Duration <= 0 {
			t.Errorf("%s: status %s tags %v duration %s", o.Name, o.Status, o.Tags, o.Duration)
		}
		for _, e := range o.Evidence {
			if kinds[e.Kind] == nil {
				kinds[e.Kind] = map[string]bool{}
			}
			kinds[e.Kind][e.Step] = true
			assertNoCardNumber(t, "evidence", []byte(e.Value))
		}
	}
	for _, want := range []struct{ kind, step string }{
		{steps.EvidenceCard, "THREEDS_INIT"}, {steps.EvidenceCard, "THREEDS_VERIFY"}, {steps.EvidenceCard, "THREEDS_COMPLETE"},
		{steps.EvidenceCard, "CANCEL_REFUND"}, {steps.EvidenceErrorGroup, "THREEDS_COMPLETE"}, {steps.EvidenceErrorGroup, "CANCEL_REFUND"},
		{steps.EvidencePayment, ""}, {steps.EvidenceRefund, ""}, {steps.EvidenceCallback, ""}, {steps.EvidenceSignature, ""},
	} {
		if !kinds[want.kind][want.step] {
			t.Errorf("no %s evidence at step %q; have %v", want.kind, want.step, kinds)
		}
	}
}

// TestWrongScheduleFailsTheShapeCheck: the schedule step compares the
// mock's scheduled delays exactly, so a wrong expectation fails whatever the
// machine's load does to the attempts' send times.
func TestWrongScheduleFailsTheShapeCheck(t *testing.T) {
	fsys := fstest.MapFS{"x/schedule.feature": {Data: []byte(`@webhook @mock @serial
Feature: wrong schedule

  Background:
    Given a merchant with valid API credentials
    And a basket of 100.00 TRY with items of 60.00 and 40.00

  Scenario: a schedule with a wrong last delay
    Given the merchant's webhook endpoint is failing with HTTP 500
    And the buyer has paid without 3-D Secure with a successful credit card
    When the provider gives up delivering the "API_AUTH" webhook for the payment
    Then the attempts were spaced 30s, 10s, 30s, 3m, 10m and 20m apart on the provider's time scale
`)}}
	res, err := conform.Run(context.Background(), conform.Options{Target: startMock(t), FS: fsys, Format: "progress", Output: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scenarios.Failed != 1 || len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Message, "attempt 6 was scheduled") {
		t.Fatalf("want the last attempt's delay reported, got %+v %+v", res.Scenarios, res.Failures)
	}
}

// TestCallbackEvidenceNamesItsFlow: the APM, BNPL and 3-D Secure scenarios
// share the callback steps, and the evidence says which flow's callback
// the merchant verified.
func TestCallbackEvidenceNamesItsFlow(t *testing.T) {
	res, err := conform.Run(context.Background(), conform.Options{Target: startMock(t), Tags: "@apm,@bnpl,@3ds && ~@serial && ~@error-card",
		Format: "progress", Output: io.Discard, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	reportFailures(t, res)
	want := map[string]string{"@apm": "APM callback", "@bnpl": "BNPL callback", "@3ds": "3DS callback"}
	found := map[string]bool{}
	for _, o := range res.Outcomes {
		for _, e := range o.Evidence {
			if e.Kind != steps.EvidenceCallback {
				continue
			}
			for tag, prefix := range want {
				if slices.Contains(o.Tags, tag) {
					if !strings.HasPrefix(e.Value, prefix) {
						t.Errorf("%s (%s): callback evidence %q", o.Name, tag, e.Value)
					}
					found[tag] = true
				}
			}
		}
	}
	for tag := range want {
		if !found[tag] {
			t.Errorf("no callback evidence from a %s scenario", tag)
		}
	}
}

// TestStepLocationsNameTheRealFunctions checks that the pretty and
// cucumber formats name each step's real Go function and place, not the
// adapter godog is given (reflect.makeFuncStub in steps/godog.go).
func TestStepLocationsNameTheRealFunctions(t *testing.T) {
	cuc := filepath.Join(t.TempDir(), "cucumber.json")
	var out bytes.Buffer
	res, err := conform.Run(context.Background(), conform.Options{
		Target: startMock(t), Tags: "@non3ds && ~@error-card && ~@multi-currency", NoColors: true,
		Format: "pretty,cucumber:" + cuc, Output: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.Scenarios.Total() == 0 {
		t.Fatalf("run: %+v", res.Scenarios)
	}
	if strings.Contains(out.String(), "makeFuncStub") {
		t.Errorf("pretty output still names the adapter:\n%.2000s", out.String())
	}
	if !strings.Contains(out.String(), "# steps/payment_steps.go:") || !strings.Contains(out.String(), "steps.(*World).pay") {
		t.Errorf("pretty output lacks the real step functions:\n%.2000s", out.String())
	}
	b, err := os.ReadFile(cuc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"godog.go:`) || !strings.Contains(string(b), `"location": "steps/payment_steps.go:`) {
		t.Errorf("cucumber locations not corrected:\n%.2000s", b)
	}
}
