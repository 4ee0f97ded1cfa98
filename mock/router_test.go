package mock

import (
	"net/http"
	"strings"
	"testing"
)

// TestRouteTable checks the route table: every row is a valid pattern, no
// two rows conflict, and a sample path of each row routes to that row.
func TestRouteTable(t *testing.T) {
	rows := routeTable()
	rt, err := newRouter(rows)
	if err != nil {
		t.Fatalf("the route table does not compile: %v", err)
	}
	for _, ep := range rows {
		method, path := samplePath(ep.pattern)
		var vals [maxParams]string
		n := rt.match(path, &vals)
		if n == nil {
			t.Errorf("%s: sample path %s routes nowhere", ep.pattern, path)
			continue
		}
		mr, allow := n.find(method)
		if mr == nil {
			t.Errorf("%s: sample %s %s answers 405 (Allow: %s)", ep.pattern, method, path, allow)
			continue
		}
		if mr.route.name != ep.pattern {
			t.Errorf("sample %s %s routes to %q, want %q", method, path, mr.route.name, ep.pattern)
		}
		if admin := strings.HasPrefix(path, pathAdminPrefix); admin != (mr.route.op == opAdmin) {
			t.Errorf("%s: admin route %v but op %d", ep.pattern, admin, mr.route.op)
		}
	}
	if got, want := len(Operations()), len(rt.names)-1; got != want {
		t.Errorf("Operations() has %d names, the table %d operations", got, want)
	}
}

// TestRouterRejectsBadTables checks that conflicting or malformed rows are
// refused when the table is compiled.
func TestRouterRejectsBadTables(t *testing.T) {
	h := handler(func(*Mock, *call) error { return nil })
	tests := []struct {
		name string
		rows []endpoint
	}{
		{"same route twice", []endpoint{{"GET /a/{id}", h, signed}, {"GET /a/{id}", h, signed}}},
		{"same shape, other wildcard name", []endpoint{{"GET /a/{id}", h, signed}, {"GET /a/{token}", h, signed}}},
		{"no method", []endpoint{{"/a", h, signed}}},
		{"no leading slash", []endpoint{{"GET a", h, signed}}},
		{"empty segment", []endpoint{{"GET /a//b", h, signed}}},
		{"empty wildcard", []endpoint{{"GET /a/{}", h, signed}}},
		{"brace inside a segment", []endpoint{{"GET /a/x{id}", h, signed}}},
		{"too many wildcards", []endpoint{{"GET /{a}/{b}/{c}/{d}", h, signed}}},
		{"no handler", []endpoint{{"GET /a", nil, signed}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := newRouter(tc.rows); err == nil {
				t.Fatal("compiled, want an error")
			}
		})
	}
}

// TestRouterMatching checks literal-over-wildcard precedence, 405 with the
// Allow header, and that an id of the wrong shape reaches its handler
// (whose answer is "not found"), never "no route".
func TestRouterMatching(t *testing.T) {
	m := newTestMock(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/payment/v1/card-payments/3ds-init", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
		{http.MethodGet, "/payment/v1/card-payments/999999", http.StatusNotFound, CodePaymentNotFound},
		{http.MethodGet, "/payment/v1/card-payments/not-a-number", http.StatusNotFound, CodePaymentNotFound},
		{http.MethodGet, "/payment/v1/card-payments/1/capture", http.StatusNotFound, CodeRouteNotFound},
		{http.MethodGet, "/payment/v1/card-payments/", http.StatusNotFound, CodeRouteNotFound},
		{http.MethodPatch, "/payment/v1/cards", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			e := errorBody(t, do(t, m, tc.method, tc.path, nil), tc.status)
			if e.ErrorCode != tc.code {
				t.Fatalf("errorCode %s, want %s: %s", e.ErrorCode, tc.code, e.ErrorDescription)
			}
		})
	}
	w := do(t, m, http.MethodPatch, "/payment/v1/cards", nil)
	if got := w.Header().Get("Allow"); got != "POST, GET, DELETE" {
		t.Errorf("Allow %q, want %q", got, "POST, GET, DELETE")
	}
}

// TestOperationNamer checks the names the load engine gives requests.
func TestOperationNamer(t *testing.T) {
	name := OperationNamer()
	tests := []struct {
		method, path, want string
		harness, ok        bool
	}{
		{"POST", "/payment/v1/card-payments", "POST /payment/v1/card-payments", false, true},
		{"GET", "/payment/v1/card-payments/42", "GET /payment/v1/card-payments/{id}", false, true},
		{"POST", "/payment/v1/card-payments/42/post-auth", "POST /payment/v1/card-payments/{id}/post-auth", false, true},
		{"GET", "/_mock/acs/42", "GET /_mock/acs/{paymentId}", true, true},
		{"GET", "/_mock/v1/stats", "GET /_mock/v1/stats", true, true},
		{"GET", "/nowhere", "GET /nowhere", false, false},
	}
	for _, tc := range tests {
		got, harness, ok := name(tc.method, tc.path)
		if got != tc.want || harness != tc.harness || ok != tc.ok {
			t.Errorf("%s %s = %q, %v, %v; want %q, %v, %v", tc.method, tc.path, got, harness, ok, tc.want, tc.harness, tc.ok)
		}
	}
}

// BenchmarkRoute measures matching a request to its row.
func BenchmarkRoute(b *testing.B) {
	rt, err := newRouter(routeTable())
	if err != nil {
		b.Fatal(err)
	}
	paths := []string{"/payment/v1/card-payments", "/payment/v1/card-payments/123456/post-auth", "/wallet/v1/members/12/wallets/34"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var vals [maxParams]string
		if rt.match(paths[i%len(paths)], &vals) == nil {
			b.Fatal("no match")
		}
	}
}
