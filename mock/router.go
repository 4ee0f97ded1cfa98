package mock

import (
	"fmt"
	"strings"
)

// This file is the matcher behind the route table (routetable.go): it turns
// the table's patterns into a tree of path segments once, when a Mock is
// made, and finds a request's endpoint in one walk over its path without
// allocating.

// handler answers one call. On success it writes the answer itself (with
// c.sendData, c.send or a page) and returns nil; on failure it returns the
// error, and dispatch writes it in the provider's envelope. A handler never
// does both.
type handler func(*Mock, *call) error

// kind says what a route reads and how it is authenticated.
type kind uint8

const (
	// signed: a signed API call without a body the mock reads (GET,
	// DELETE, and the few POSTs whose body is empty).
	signed kind = iota
	// signedJSON: a signed API call with a JSON body (Content-Type is
	// checked).
	signedJSON
	// page: a page of the buyer's browser: not signed, form bodies, HTML
	// answers; the handler reads the body itself.
	page
)

// endpoint is one row of the route table.
type endpoint struct {
	// pattern is the method, one space and the path. A segment {name} is a
	// wildcard: any one non-empty path segment, read by the handler with
	// c.param(name). Literal segments win over wildcards.
	pattern string
	handle  handler
	kind    kind
}

// op identifies an operation: one row of the route table. op 0 is no
// operation: the mock's own admin routes (/_mock/v1/...), which neither
// fault injection nor the concurrency limit applies to.
type op uint16

// opAdmin is the op of every admin route.
const opAdmin op = 0

// maxParams is the most wildcards one pattern may have.
const maxParams = 3

// route is a matched endpoint, as dispatch uses it.
type route struct {
	handle handler
	kind   kind
	op     op     // opAdmin for the admin routes
	name   string // the row's pattern: the operation's name
}

// router matches requests to the rows of a route table.
type router struct {
	root  *segNode
	names []string // op -> pattern; names[0] is ""
	rows  []endpoint
}

// segNode is one path segment of the tree.
type segNode struct {
	lit      map[string]*segNode
	wild     *segNode
	wildName string
	methods  []methodRoute // in table order
}

type methodRoute struct {
	method string
	route  route
	params [maxParams]string // wildcard names along the path
	n      int
}

// newRouter compiles a route table. It fails on a malformed pattern and on
// two rows with the same method and the same path shape.
func newRouter(rows []endpoint) (*router, error) {
	rt := &router{root: &segNode{}, names: []string{""}, rows: rows}
	for _, ep := range rows {
		method, path, ok := strings.Cut(ep.pattern, " ")
		if !ok || method == "" || !strings.HasPrefix(path, "/") || ep.handle == nil {
			return nil, fmt.Errorf("mock: route %q: want \"METHOD /path\" and a handler", ep.pattern)
		}
		n := rt.root
		var mr methodRoute
		for _, seg := range strings.Split(path[1:], "/") {
			if seg == "" {
				return nil, fmt.Errorf("mock: route %q: empty path segment", ep.pattern)
			}
			if name, isWild := wildcard(seg); isWild {
				if name == "" || mr.n == maxParams {
					return nil, fmt.Errorf("mock: route %q: bad wildcard %q (at most %d per route)", ep.pattern, seg, maxParams)
				}
				if n.wild == nil {
					n.wild = &segNode{wildName: name}
				}
				mr.params[mr.n] = name
				mr.n++
				n = n.wild
				continue
			}
			if strings.ContainsAny(seg, "{}") {
				return nil, fmt.Errorf("mock: route %q: bad segment %q", ep.pattern, seg)
			}
			if n.lit == nil {
				n.lit = map[string]*segNode{}
			}
			next := n.lit[seg]
			if next == nil {
				next = &segNode{}
				n.lit[seg] = next
			}
			n = next
		}
		for _, have := range n.methods {
			if have.method == method {
				return nil, fmt.Errorf("mock: routes %q and %q conflict", have.route.name, ep.pattern)
			}
		}
		mr.method = method
		mr.route = route{handle: ep.handle, kind: ep.kind, name: ep.pattern}
		if !strings.HasPrefix(path, pathAdminPrefix) {
			mr.route.op = op(len(rt.names))
			rt.names = append(rt.names, ep.pattern)
		}
		n.methods = append(n.methods, mr)
	}
	return rt, nil
}

// wildcard reports whether seg is {name}, and the name.
func wildcard(seg string) (name string, ok bool) {
	if len(seg) < 2 || seg[0] != '{' || seg[len(seg)-1] != '}' {
		return "", false
	}
	return seg[1 : len(seg)-1], true
}

// pathValues are the wildcard segments of a matched path.
type pathValues struct {
	names  *[maxParams]string
	values [maxParams]string
	n      int
}

// get returns the value of the wildcard name, or "".
func (p *pathValues) get(name string) string {
	for i := 0; i < p.n; i++ {
		if p.names[i] == name {
			return p.values[i]
		}
	}
	return ""
}

// match finds path's node. It returns nil when no row has this path (404);
// a node whose methods lack the request's is a 405.
func (rt *router) match(path string, vals *[maxParams]string) *segNode {
	if len(path) < 2 || path[0] != '/' {
		return nil
	}
	return rt.root.walk(path[1:], vals, 0)
}

// walk matches the rest of the path from n; literal children first, then
// the wildcard (backtracking when the literal branch ends nowhere).
func (n *segNode) walk(rest string, vals *[maxParams]string, depth int) *segNode {
	seg, tail, more := strings.Cut(rest, "/")
	if seg == "" {
		return nil
	}
	if next := n.lit[seg]; next != nil {
		if !more {
			if len(next.methods) > 0 {
				return next
			}
		} else if found := next.walk(tail, vals, depth); found != nil {
			return found
		}
	}
	if n.wild == nil || depth == maxParams || !isSegment(seg) {
		return nil
	}
	vals[depth] = seg
	if !more {
		if len(n.wild.methods) > 0 {
			return n.wild
		}
		return nil
	}
	return n.wild.walk(tail, vals, depth+1)
}

// isSegment accepts a wildcard's value: at most 128 bytes of printable
// ASCII. Whether it is an id of the right shape is the handler's question
// (a wrong one is "not found", never "no route").
func isSegment(s string) bool {
	if len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// find returns the route of method on node n, or false and the node's
// Allow header.
func (n *segNode) find(method string) (*methodRoute, string) {
	for i := range n.methods {
		if n.methods[i].method == method {
			return &n.methods[i], ""
		}
	}
	ms := make([]string, len(n.methods))
	for i, mr := range n.methods {
		ms[i] = mr.method
	}
	return nil, strings.Join(ms, ", ")
}

// opByName returns the op of an operation name, or false.
func (rt *router) opByName(name string) (op, bool) {
	for i := 1; i < len(rt.names); i++ {
		if rt.names[i] == name {
			return op(i), true
		}
	}
	return 0, false
}

// Operations returns the names fault rules accept besides "*": one per row
// of the route table but the admin routes, in the table's order.
func Operations() []string {
	rt, err := newRouter(routeTable())
	if err != nil {
		panic(err) // the table is checked by TestRouteTable
	}
	return append([]string(nil), rt.names[1:]...)
}

// OperationNamer returns a function that names a request by the route
// table: the row's pattern (for example "GET /payment/v1/card-payments/{id}")
// and whether it is harness traffic (the mock's pages and admin routes)
// rather than a provider operation. A request no row matches is named by
// its method and path, and ok is false.
func OperationNamer() func(method, path string) (name string, harness, ok bool) {
	rt, err := newRouter(routeTable())
	if err != nil {
		panic(err) // the table is checked by TestRouteTable
	}
	return func(method, path string) (string, bool, bool) {
		var vals [maxParams]string
		n := rt.match(path, &vals)
		if n == nil {
			return method + " " + path, strings.HasPrefix(path, pathMockPrefix), false
		}
		mr, _ := n.find(method)
		if mr == nil {
			return method + " " + path, strings.HasPrefix(path, pathMockPrefix), false
		}
		return mr.route.name, mr.route.kind == page || mr.route.op == opAdmin, true
	}
}

// samplePath fills a pattern's wildcards with sample values (for tests and
// documentation).
func samplePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if _, ok := wildcard(s); ok {
			segs[i] = "12345"
		}
	}
	return method, strings.Join(segs, "/")
}
