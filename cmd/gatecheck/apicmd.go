package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// runAPI sends one signed request, like curl with Craftgate's signature:
// the way to walk through a flow by hand against `gatecheck mock`.
func runAPI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("api", stderr)
	var tf targetFlags
	tf.register(fs)
	// api talks to a running mock by default: a throw-away embedded one
	// would forget the request at once.
	const runningMock = "http://127.0.0.1:8080"
	if f := fs.Lookup("target"); f != nil {
		f.DefValue, f.Usage = runningMock, "a running gatecheck mock's base URL, sandbox, or another base URL"
		tf.target = runningMock
	}
	data := fs.String("data", "", "JSON body, or @file to read it from a file (- for stdin)")
	var query multiFlag
	fs.Var(&query, "query", "query parameter name=value (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gatecheck api [flags] METHOD PATH")
		fmt.Fprintln(stderr, "  sends one signed request and prints the answer (card numbers masked); by default to the gatecheck mock running on http://127.0.0.1:8080")
		fs.PrintDefaults()
	}
	// Flags may come after METHOD PATH too.
	var pos []string
	for len(args) > 0 {
		if err := parseArgs(fs, args); err != nil {
			return err
		}
		args = fs.Args()
		if len(args) > 0 {
			pos, args = append(pos, args[0]), args[1:]
		}
	}
	if len(pos) != 2 {
		fs.Usage()
		return exitError{code: 2}
	}
	method, path := strings.ToUpper(pos[0]), pos[1]
	if !strings.HasPrefix(path, "/") {
		return usagef("path %q must start with /", path)
	}
	if tf.target == "mock" && tf.baseURL == "" {
		tf.target = runningMock
	}
	tgt, err := tf.resolve(ctx, stderr)
	if err != nil {
		return err
	}
	defer tgt.Close()
	body, err := readBody(*data)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, kv := range query {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usagef("--query %q: want name=value", kv)
		}
		q.Add(k, v)
	}
	c, err := craftgate.New(craftgate.WithBaseURL(tgt.BaseURL), craftgate.WithAPIKey(tgt.APIKey), craftgate.WithSecretKey(tgt.SecretKey))
	if err != nil {
		return err
	}
	req, err := c.NewRawRequest(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "HTTP %d\n", resp.StatusCode)
	var pretty bytes.Buffer
	if json.Indent(&pretty, b, "", "  ") == nil {
		b = pretty.Bytes()
	}
	fmt.Fprintln(stdout, craftgate.MaskPANs(string(b)))
	if resp.StatusCode >= 400 {
		return exitError{code: 1}
	}
	return nil
}

// readBody reads --data: inline JSON, @file or @- for stdin. Empty means no body.
func readBody(data string) ([]byte, error) {
	switch {
	case data == "":
		return nil, nil
	case data == "@-":
		return io.ReadAll(os.Stdin)
	case strings.HasPrefix(data, "@"):
		return os.ReadFile(data[1:])
	}
	if !json.Valid([]byte(data)) {
		return nil, errors.New("--data is not valid JSON")
	}
	return []byte(data), nil
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
