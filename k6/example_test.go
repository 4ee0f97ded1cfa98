package k6

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/gatecheck/gatecheck/mock"
)

// The keys `gatecheck mock` accepts when none are given; example.js uses
// them by default.
const mockAPIKey, mockSecretKey = "gatecheck-api-key", "gatecheck-secret-key"

// responseJS builds a k6 Response: status, body and json(path), where path
// is a dotted selector such as "data.id" (the subset of k6's selectors the
// example uses).
const responseJS = `(function (status, body) {
  return {
    status: status,
    body: body,
    json: function (path) {
      var v = JSON.parse(body);
      if (path) {
        var keys = path.split('.');
        for (var i = 0; i < keys.length; i++) { v = v === null || v === undefined ? undefined : v[keys[i]]; }
      }
      return v;
    },
  };
})`

// exampleRun is what the stand-ins of k6/http and k6 saw.
type exampleRun struct {
	mu       sync.Mutex
	requests []string // "METHOD path tag"
	checks   map[string][2]int
}

// httpShim implements the part of k6/http the example uses (get, post
// with params.headers and params.tags) with Go's HTTP client.
func httpShim(t *testing.T, vm *goja.Runtime, run *exampleRun) *goja.Object {
	client := &http.Client{Timeout: 10 * time.Second}
	v, err := vm.RunString(responseJS)
	if err != nil {
		t.Fatal(err)
	}
	newResponse, _ := goja.AssertFunction(v)
	send := func(method, url string, body goja.Value, params goja.Value) goja.Value {
		var rd io.Reader
		if body != nil && !goja.IsUndefined(body) && !goja.IsNull(body) {
			rd = strings.NewReader(body.String())
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			panic(vm.NewGoError(err))
		}
		tag := ""
		if p, ok := params.Export().(map[string]any); ok {
			if h, ok := p["headers"].(map[string]any); ok {
				for k, v := range h {
					req.Header.Set(k, v.(string))
				}
			}
			if tags, ok := p["tags"].(map[string]any); ok {
				tag, _ = tags["name"].(string)
			}
		}
		resp, err := client.Do(req)
		if err != nil {
			panic(vm.NewGoError(err))
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, resp.Body); err != nil {
			panic(vm.NewGoError(err))
		}
		run.mu.Lock()
		run.requests = append(run.requests, method+" "+req.URL.Path+" "+tag)
		run.mu.Unlock()
		out, err := newResponse(goja.Undefined(), vm.ToValue(resp.StatusCode), vm.ToValue(buf.String()))
		if err != nil {
			panic(err)
		}
		return out
	}
	o := vm.NewObject()
	_ = o.Set("post", func(c goja.FunctionCall) goja.Value {
		return send(http.MethodPost, c.Argument(0).String(), c.Argument(1), c.Argument(2))
	})
	_ = o.Set("get", func(c goja.FunctionCall) goja.Value {
		return send(http.MethodGet, c.Argument(0).String(), nil, c.Argument(1))
	})
	return o
}

// k6Shim implements k6's check: it runs each named predicate on the value,
// counts passes and failures, and answers whether all passed.
func k6Shim(vm *goja.Runtime, run *exampleRun) *goja.Object {
	o := vm.NewObject()
	_ = o.Set("check", func(c goja.FunctionCall) goja.Value {
		sets := c.Argument(1).ToObject(vm)
		all := true
		for _, name := range sets.Keys() {
			fn, ok := goja.AssertFunction(sets.Get(name))
			if !ok {
				panic(vm.NewTypeError("check %q is not a function", name))
			}
			res, err := fn(goja.Undefined(), c.Argument(0))
			if err != nil {
				panic(err)
			}
			run.mu.Lock()
			n := run.checks[name]
			if res.ToBoolean() {
				n[0]++
			} else {
				n[1]++
				all = false
			}
			run.checks[name] = n
			run.mu.Unlock()
		}
		return vm.ToValue(all)
	})
	return o
}

// TestExampleRunsAgainstMock runs example.js's iteration function against
// the mock (on 127.0.0.1) with stand-ins for k6/http and k6's check: every
// check passes, and the mock, which verifies every signature strictly,
// answers both requests of each iteration.
func TestExampleRunsAgainstMock(t *testing.T) {
	mk, err := mock.New(mock.Config{APIKey: mockAPIKey, SecretKey: mockSecretKey, Seed: 3, StrictSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mk)
	defer srv.Close()

	vm, mods := newRuntime(t)
	run := &exampleRun{checks: map[string][2]int{}}
	must(t, mods.Set("k6/http", httpShim(t, vm, run)))
	must(t, mods.Set("k6", k6Shim(vm, run)))
	must(t, mods.Set("./craftgate.js", runModule(t, vm, "craftgate.js")))
	env := vm.NewObject()
	must(t, env.Set("CRAFTGATE_BASE_URL", srv.URL))
	must(t, vm.Set("__ENV", env))
	must(t, vm.Set("__VU", 1))

	example := runModule(t, vm, "example.js")
	options := example.Get("options").ToObject(vm)
	if sc := options.Get("scenarios"); sc == nil || goja.IsUndefined(sc) {
		t.Fatal("example.js exports no options.scenarios")
	}
	iteration, ok := goja.AssertFunction(example.Get("default"))
	if !ok {
		t.Fatal("example.js has no default function")
	}
	const iterations = 5
	for i := range iterations {
		must(t, vm.Set("__ITER", i))
		if _, err := iteration(goja.Undefined()); err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
	}
	for name, n := range run.checks {
		if n[1] != 0 || n[0] != iterations {
			t.Errorf("check %q: %d passed, %d failed; want %d passed", name, n[0], n[1], iterations)
		}
	}
	if len(run.checks) != 3 {
		t.Errorf("checks %v: want the example's three", run.checks)
	}
	if len(run.requests) != 2*iterations || !strings.HasPrefix(run.requests[0], "POST /payment/v1/card-payments create payment") ||
		!strings.HasPrefix(run.requests[1], "GET /payment/v1/card-payments/") {
		t.Errorf("requests %v", run.requests)
	}
}
