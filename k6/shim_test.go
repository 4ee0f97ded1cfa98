package k6

// A JavaScript engine (goja) with the parts of k6's built-in modules that
// craftgate.js uses, implemented in Go as k6 documents them
// (https://grafana.com/docs/k6/latest/javascript-api/k6-crypto/ and
// .../k6-encoding/): strings are hashed as UTF-8, "binary" output is an
// ArrayBuffer, "hex" is lowercase and "base64"/"std" is standard base64 with
// padding. Anything else craftgate.js might call throws, so a module that
// starts using another k6 function fails these tests instead of passing
// untested.

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// module is craftgate.js loaded into a fresh runtime.
type module struct {
	t       *testing.T
	vm      *goja.Runtime
	exports *goja.Object
}

var (
	defaultImport = regexp.MustCompile(`^import (\w+) from '([^']+)';$`)
	namedImport   = regexp.MustCompile(`^import \{ ([\w, ]+) \} from '([^']+)';$`)
	exportLine    = regexp.MustCompile(`^export (const|function) (\w+)`)
)

// transform turns an ES module into a script, since goja runs scripts:
// each import becomes a constant bound to __modules[specifier] (a k6
// module's shim, or another module's exports), each `export` is dropped
// (`export default function` names __default), and the script, wrapped in
// a function for the module's own scope, evaluates to an object of the
// exports. A form of import or export it does not know
// fails the test.
func transform(src string) (script string, names []string, err error) {
	var b strings.Builder
	var exports []string
	// The module's own scope, so modules loaded into one runtime do not
	// clash (a module's top level is not the global scope).
	b.WriteString("(function () {\n")
	for n, line := range strings.Split(src, "\n") {
		switch {
		case defaultImport.MatchString(line):
			m := defaultImport.FindStringSubmatch(line)
			fmt.Fprintf(&b, "const %s = __modules[%q];\n", m[1], m[2])
		case namedImport.MatchString(line):
			m := namedImport.FindStringSubmatch(line)
			fmt.Fprintf(&b, "const { %s } = __modules[%q];\n", m[1], m[2])
		case strings.HasPrefix(line, "export default function"):
			exports = append(exports, "default: __default")
			b.WriteString("function __default" + strings.TrimPrefix(line, "export default function") + "\n")
		case exportLine.MatchString(line):
			m := exportLine.FindStringSubmatch(line)
			names = append(names, m[2])
			exports = append(exports, m[2]+": "+m[2])
			b.WriteString(strings.TrimPrefix(line, "export ") + "\n")
		case strings.HasPrefix(line, "import") || strings.HasPrefix(line, "export"):
			return "", nil, fmt.Errorf("line %d: %q: the test loads only `import x from`, `import { x } from`, `export const|function` and `export default function`", n+1, line)
		default:
			b.WriteString(line + "\n")
		}
	}
	b.WriteString("return {" + strings.Join(exports, ", ") + "};\n})()\n")
	return b.String(), names, nil
}

// newRuntime is a goja runtime whose __modules has the shims of k6/crypto
// and k6/encoding.
func newRuntime(t *testing.T) (*goja.Runtime, *goja.Object) {
	t.Helper()
	vm := goja.New()
	mods := vm.NewObject()
	must(t, mods.Set("k6/crypto", cryptoShim(vm)))
	must(t, mods.Set("k6/encoding", encodingShim(vm)))
	must(t, vm.Set("__modules", mods))
	return vm, mods
}

// runModule loads one module file into vm and returns its exports.
func runModule(t *testing.T, vm *goja.Runtime, file string) *goja.Object {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	script, _, err := transform(string(src))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	v, err := vm.RunScript(file, script)
	if err != nil {
		t.Fatalf("loading %s: %v", file, err)
	}
	return v.ToObject(vm)
}

func load(t *testing.T) *module {
	t.Helper()
	vm, _ := newRuntime(t)
	return &module{t: t, vm: vm, exports: runModule(t, vm, "craftgate.js")}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// call runs an exported function; Go values are converted by goja, and a
// []byte becomes an ArrayBuffer.
func (m *module) call(name string, args ...any) goja.Value {
	m.t.Helper()
	fn, ok := goja.AssertFunction(m.exports.Get(name))
	if !ok {
		m.t.Fatalf("craftgate.js exports no function %s", name)
	}
	vals := make([]goja.Value, len(args))
	for i, a := range args {
		if b, ok := a.([]byte); ok {
			vals[i] = m.vm.ToValue(m.vm.NewArrayBuffer(b))
			continue
		}
		vals[i] = m.vm.ToValue(a)
	}
	v, err := fn(goja.Undefined(), vals...)
	if err != nil {
		m.t.Fatalf("%s: %v", name, err)
	}
	return v
}

func (m *module) str(name string, args ...any) string {
	m.t.Helper()
	return m.call(name, args...).String()
}

// input is a k6 crypto/encoding input: a string (hashed as UTF-8) or an
// ArrayBuffer.
func input(vm *goja.Runtime, v goja.Value) []byte {
	switch x := v.Export().(type) {
	case string:
		return []byte(x)
	case goja.ArrayBuffer:
		return x.Bytes()
	}
	panic(vm.NewTypeError("k6 shim: input must be a string or an ArrayBuffer, got %v", v))
}

// output encodes a digest as k6's outputEncoding argument asks.
func output(vm *goja.Runtime, sum []byte, enc goja.Value) goja.Value {
	switch enc.String() {
	case "binary":
		return vm.ToValue(vm.NewArrayBuffer(sum))
	case "hex":
		return vm.ToValue(hex.EncodeToString(sum))
	case "base64":
		return vm.ToValue(base64.StdEncoding.EncodeToString(sum))
	}
	panic(vm.NewTypeError("k6 shim: output encoding %q is not one craftgate.js is tested with", enc.String()))
}

func algorithm(vm *goja.Runtime, v goja.Value) func() hash.Hash {
	if v.String() != "sha256" {
		panic(vm.NewTypeError("k6 shim: algorithm %q is not one craftgate.js is tested with", v.String()))
	}
	return sha256.New
}

func cryptoShim(vm *goja.Runtime) *goja.Object {
	o := vm.NewObject()
	_ = o.Set("sha256", func(c goja.FunctionCall) goja.Value {
		sum := sha256.Sum256(input(vm, c.Argument(0)))
		return output(vm, sum[:], c.Argument(1))
	})
	_ = o.Set("hmac", func(c goja.FunctionCall) goja.Value {
		h := hmac.New(algorithm(vm, c.Argument(0)), input(vm, c.Argument(1)))
		h.Write(input(vm, c.Argument(2)))
		return output(vm, h.Sum(nil), c.Argument(3))
	})
	_ = o.Set("createHash", func(c goja.FunctionCall) goja.Value {
		h := algorithm(vm, c.Argument(0))()
		hasher := vm.NewObject()
		_ = hasher.Set("update", func(c goja.FunctionCall) goja.Value {
			h.Write(input(vm, c.Argument(0)))
			return goja.Undefined()
		})
		_ = hasher.Set("digest", func(c goja.FunctionCall) goja.Value {
			return output(vm, h.Sum(nil), c.Argument(0))
		})
		return hasher
	})
	_ = o.Set("randomBytes", func(c goja.FunctionCall) goja.Value {
		b := make([]byte, c.Argument(0).ToInteger())
		_, _ = rand.Read(b)
		return vm.ToValue(vm.NewArrayBuffer(b))
	})
	return o
}

func encodingShim(vm *goja.Runtime) *goja.Object {
	o := vm.NewObject()
	_ = o.Set("b64encode", func(c goja.FunctionCall) goja.Value {
		if v := c.Argument(1); !goja.IsUndefined(v) && v.String() != "std" {
			panic(vm.NewTypeError("k6 shim: base64 variant %q is not one craftgate.js is tested with", v.String()))
		}
		return vm.ToValue(base64.StdEncoding.EncodeToString(input(vm, c.Argument(0))))
	})
	return o
}
