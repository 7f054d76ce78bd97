package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/desk"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// nilStore is a parley.Store whose every method panics: for tests of the
// HTTP layer that must never reach the store.
type nilStore struct{ parley.Store }

// recordingAuth refuses every request and records the routes it was asked
// about.
type recordingAuth struct {
	mu   sync.Mutex
	seen []route.Info
}

func (a *recordingAuth) Authenticate(r *http.Request, rt route.Info) (context.Context, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, rt)
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first")
}

var pathParamRE = regexp.MustCompile(`\{[a-z_]+\}`)

// samplePath fills a route pattern's parameters with 1.
func samplePath(pattern string) string { return pathParamRE.ReplaceAllString(pattern, "1") }

// testTables are the route tables of the API and the pages, over store.
func testTables(store parley.Store) (apiRoutes, pageRoutes []route.Route) {
	log := slog.New(slog.DiscardHandler)
	actions := action.New(store, password.InsecureTestParams)
	return api.New(store, actions, nil, log).Routes(), desk.New(store, actions, nil, log).Routes()
}

func TestRouteTableIsComplete(t *testing.T) {
	apiRoutes, pageRoutes := testTables(nilStore{})
	ids := map[string]bool{}
	for _, rt := range append(apiRoutes, pageRoutes...) {
		name := rt.Key()
		if !rt.Policy.Valid() {
			t.Errorf("%s: policy %q", name, rt.Policy)
		}
		if rt.Summary == "" || rt.ID == "" || rt.Handle == nil || rt.Status == 0 {
			t.Errorf("%s: summary, id, handler and status are all required", name)
		}
		if ids[rt.ID] {
			t.Errorf("%s: operation id %s used twice", name, rt.ID)
		}
		ids[rt.ID] = true
		// Public: the health and readiness checks, the API's description,
		// signing in (API and page, the page's second step included), the
		// pages' language switch, a calendar feed's secret URL and an
		// invitation's one-time link (the secret is the credential) and the
		// pages' stylesheet and script, which hold no data.
		public := rt.Pattern == "/healthz" || rt.Pattern == "/readyz" || rt.Pattern == "/api/openapi.json" || name == "POST /api/v1/sessions" ||
			rt.Pattern == "/signin" || rt.Pattern == "/signin/code" || rt.Pattern == "/language" || rt.Pattern == "/api/v1/calendar/{secret}" || (rt.Method == "GET" && strings.HasPrefix(rt.Pattern, "/static/")) ||
			rt.Pattern == "/api/v1/invitations/accept" || rt.Pattern == "/invitations/{token}"
		if public != (rt.Policy == route.PolicyPublic) {
			t.Errorf("%s: policy %s; only /healthz, /readyz, the OpenAPI document, signing in, the language switch, calendar feeds, invitations and static assets are public", name, rt.Policy)
		}
		trackPolicy := rt.Policy == route.PolicyTrackReader || rt.Policy == route.PolicyTrackEditor || rt.Policy == route.PolicyGrantor
		if trackPolicy != (rt.Scope != route.ScopeNone) {
			t.Errorf("%s: policy %s with track scope %d", name, rt.Policy, rt.Scope)
		}
		if (rt.Method == "POST" || rt.Method == "PATCH" || rt.Method == "PUT") != (rt.Body != nil) {
			t.Errorf("%s: request body type %v", name, rt.Body)
		}
	}
	// One table per surface: the API under /api/ (and the probes /healthz
	// and /readyz), the pages and their assets elsewhere.
	probe := func(pattern string) bool { return pattern == "/healthz" || pattern == "/readyz" }
	for _, rt := range apiRoutes {
		if !strings.HasPrefix(rt.Pattern, "/api/") && !probe(rt.Pattern) {
			t.Errorf("API route %s is not under /api/", rt.Key())
		}
	}
	for _, rt := range pageRoutes {
		if strings.HasPrefix(rt.Pattern, "/api/") || probe(rt.Pattern) {
			t.Errorf("page route %s is in the API's space", rt.Key())
		}
		if rt.Media == "" {
			t.Errorf("page route %s has no media type", rt.Key())
		}
	}
}

// TestEveryRouteIsGuarded proves that the mux reaches no handler without
// the Authenticator: with one that refuses everything, every route of the
// table answers 401 and the Authenticator saw exactly that route. The store
// panics if touched, so a route that skipped the guard would fail loudly.
func TestEveryRouteIsGuarded(t *testing.T) {
	auth := &recordingAuth{}
	s, err := New(Config{Store: nilStore{}, Authenticator: auth})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range s.Routes() {
		auth.seen = nil
		var body *strings.Reader = strings.NewReader("")
		if want.Method == "POST" || want.Method == "PATCH" {
			body = strings.NewReader(`{}`)
		}
		req := httptest.NewRequest(want.Method, samplePath(want.Pattern), body)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%s %s: status %d, want 401 from the guard", want.Method, want.Pattern, w.Code)
		}
		if len(auth.seen) != 1 || auth.seen[0] != want {
			t.Errorf("%s %s: the Authenticator saw %v", want.Method, want.Pattern, auth.seen)
		}
		checkProblem(t, w, http.StatusUnauthorized, "")
	}
}

func TestNoRoute(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/api/v1/nonesuch", 404, ""},
		{"GET", "/", 404, ""},
		{"DELETE", "/api/v1/tracks", 405, "GET, HEAD, POST"},
		{"PUT", "/api/v1/tracks/1", 405, "GET, HEAD, PATCH"},
	} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		checkProblem(t, w, tc.status, "")
		if got := w.Header().Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

// TestPanicRecovery: the nil store panics; the client gets a bare 500 with
// the request id and the log gets the panic.
func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/parties", nil))
	p := checkProblem(t, w, http.StatusInternalServerError, "")
	if p.Detail != "internal error" {
		t.Errorf("detail %q, want only \"internal error\"", p.Detail)
	}
	if !strings.Contains(logs.String(), "panic serving request") || !strings.Contains(logs.String(), p.Instance) {
		t.Errorf("log lacks the panic and its request id %s:\n%s", p.Instance, logs.String())
	}
	if !strings.Contains(logs.String(), "status=500") {
		t.Errorf("the request log does not record the 500:\n%s", logs.String())
	}
}

func TestSecurityHeaders(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/openapi.json", "/api/v1/nonesuch"} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		for k, v := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
		} {
			if got := w.Header().Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
		if len(w.Header().Get("X-Request-Id")) != 2*limits.RequestIDBytes {
			t.Errorf("%s: X-Request-Id %q", path, w.Header().Get("X-Request-Id"))
		}
	}
}

// checkProblem checks that w holds a problem document with the status and,
// if field is not empty, naming that field; it returns the document.
func checkProblem(t *testing.T, w *httptest.ResponseRecorder, status int, field string) problem.Problem {
	t.Helper()
	if w.Code != status {
		t.Errorf("status %d, want %d; body %s", w.Code, status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Errorf("Content-Type %q, want %s", ct, problem.ContentType)
	}
	var p problem.Problem
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem document: %v: %s", err, w.Body)
	}
	if p.Status != status || p.Title == "" || !strings.HasPrefix(p.Type, "urn:parley:problem:") || p.Detail == "" {
		t.Errorf("incomplete problem document %+v", p)
	}
	if p.Instance == "" || p.Instance != w.Header().Get("X-Request-Id") {
		t.Errorf("instance %q, want the request id %q", p.Instance, w.Header().Get("X-Request-Id"))
	}
	if field != "" && p.Field != field {
		t.Errorf("field %q, want %q (detail %q)", p.Field, field, p.Detail)
	}
	return p
}

// systemAuth is an Authenticator for tests of the HTTP layer alone: every
// request runs as parley.System.
type systemAuth struct{}

func (systemAuth) Authenticate(r *http.Request, _ route.Info) (context.Context, error) {
	return parley.NewContextWithCaller(r.Context(), parley.System), nil
}

// sysCtx is the context the tests set up and inspect stores with.
var sysCtx = parley.NewContextWithCaller(context.Background(), parley.System)

// TestNilAuthenticator: a server without an Authenticator is refused.
func TestNilAuthenticator(t *testing.T) {
	if _, err := New(Config{Store: nilStore{}}); err == nil || !strings.Contains(err.Error(), "no authenticator") {
		t.Fatalf("New without an Authenticator: %v, want an error", err)
	}
}
