package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-talks/parley/internal/buildinfo"
	"github.com/parley-talks/parley/internal/proxy"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/middleware"
)

// frontServer is the test API's store served as behind a reverse proxy:
// with a public origin (may be ""), trusted proxies and metrics.
func frontServer(t *testing.T, public string, trusted []string, m *metrics.Metrics) http.Handler {
	t.Helper()
	a := newTestAPI(t)
	var u *url.URL
	if public != "" {
		var err error
		if u, err = url.Parse(public); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := proxy.Parse(trusted)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := authn.New(authn.Config{Store: a.store, Now: a.clock.Now, PasswordParams: password.InsecureTestParams,
		PublicURL: u, Metrics: m, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: a.store, Authenticator: auth, Logger: testLogger(t), PublicURL: u, TrustedProxies: tr, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// proxied is a request as a reverse proxy on 127.0.0.1 forwards it: the
// Host rewritten to the upstream's, the client in X-Forwarded-For.
func proxied(method, path, body string, header map[string]string) *http.Request {
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("X-Forwarded-For", "198.51.100.20")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

// Behind a proxy that rewrites Host, a browser on the public origin signs
// in and writes with its cookie; another origin cannot; the cookie is
// Secure and HSTS is sent although the hop is plain HTTP.
func TestPublicOriginBehindProxy(t *testing.T) {
	const public = "https://talks.example.org"
	browser := map[string]string{"Origin": public} // a browser that sends no Sec-Fetch-Site
	srv := frontServer(t, public, []string{"127.0.0.1"}, nil)

	w := httptest.NewRecorder()
	srv.ServeHTTP(w, proxied("POST", "/api/v1/sessions", `{"email":"admin@example.org","password":"`+testPassword+`","cookie":true}`, browser))
	if w.Code != http.StatusCreated {
		t.Fatalf("cookie sign-in from the public origin: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("Strict-Transport-Security") != middleware.StrictTransportSecurity {
		t.Errorf("HSTS behind an HTTPS public origin: %q", w.Header().Get("Strict-Transport-Security"))
	}
	cs := w.Result().Cookies()
	if len(cs) != 1 || !cs[0].Secure {
		t.Fatalf("cookies %+v: want one, Secure", cs)
	}
	var out authn.SignInOutput
	mustJSON(t, w, &out)
	n := 0
	write := func(srv http.Handler, header map[string]string) int {
		n++
		req := proxied("POST", "/api/v1/parties", fmt.Sprintf(`{"name":"Party %d","kind":"state"}`, n), header)
		req.AddCookie(cs[0])
		req.Header.Set(authn.CSRFHeader, out.CSRFToken)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
	if got := write(srv, browser); got != http.StatusCreated {
		t.Errorf("a cookie write from the public origin through a Host-rewriting proxy: %d", got)
	}
	if got := write(srv, map[string]string{"Origin": "https://evil.example"}); got != http.StatusForbidden {
		t.Errorf("a cookie write from another origin: %d", got)
	}
	if got := write(srv, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); got != http.StatusForbidden {
		t.Errorf("a cross-site cookie write: %d", got)
	}
	if got := write(srv, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": public}); got != http.StatusCreated {
		t.Errorf("a same-origin cookie write: %d", got)
	}
	// The sign-in page checks the origin the same way.
	page := func(srv http.Handler, origin string) int {
		req := proxied("POST", "/signin", "email=admin%40example.org&password="+url.QueryEscape(testPassword), map[string]string{"Origin": origin})
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w.Code
	}
	if got := page(srv, public); got != http.StatusSeeOther {
		t.Errorf("the sign-in page posted from the public origin: %d", got)
	}
	if got := page(srv, "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("the sign-in page posted from another origin: %d", got)
	}

	// Without --public-url the same proxy breaks every browser write:
	// the origin the browser names is not the Host the server sees.
	bare := frontServer(t, "", []string{"127.0.0.1"}, nil)
	if got := page(bare, public); got != http.StatusForbidden {
		t.Errorf("without a public URL, a Host-rewriting proxy: %d, want 403", got)
	}
	w = httptest.NewRecorder()
	bare.ServeHTTP(w, proxied("GET", "/healthz", "", nil))
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS on plain HTTP without an HTTPS public origin")
	}
}

// Requests are counted by their route's pattern, never their path; refused
// sign-ins by reason.
func TestRouteMetrics(t *testing.T) {
	m := metrics.New(buildinfo.Info{Version: "test"}, nil, nil)
	srv := frontServer(t, "", nil, m)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, proxied("POST", "/api/v1/sessions", `{"email":"admin@example.org","password":"`+testPassword+`"}`, nil))
	var out authn.SignInOutput
	mustJSON(t, w, &out)
	for _, path := range []string{"/api/v1/tracks/1", "/api/v1/tracks/2", "/api/v1/tracks/3", "/no/such/page"} {
		req := proxied("GET", path, "", nil)
		req.Header.Set("Authorization", "Bearer "+out.Token)
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	srv.ServeHTTP(httptest.NewRecorder(), proxied("POST", "/api/v1/sessions", `{"email":"admin@example.org","password":"wrong password"}`, nil))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	scrape := string(body)
	for _, want := range []string{
		`parley_http_requests_total{code="404",route="GET /api/v1/tracks/{id}"} 3`,
		`parley_http_requests_total{code="404",route="unmatched"} 1`,
		`parley_http_requests_total{code="201",route="POST /api/v1/sessions"} 1`,
		`parley_http_request_duration_seconds_count{route="GET /api/v1/tracks/{id}"} 3`,
		`parley_signin_failures_total{reason="bad_credentials"} 1`,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, leak := range []string{"/api/v1/tracks/1", "/no/such/page", "admin@example.org"} {
		if strings.Contains(scrape, leak) {
			t.Errorf("metrics name %s", leak)
		}
	}
}

// /readyz says a store that reads but cannot write is not ready, while
// /healthz still says it is alive.
func TestReadyz(t *testing.T) {
	a := newTestAPI(t)
	a.call("GET", "/readyz", nil, http.StatusOK, nil)
	ro, err := sqlite.Open(sysCtx, a.path, sqlite.ReadOnly(), sqlite.MasterKey(testMasterKey))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	auth, err := authn.New(authn.Config{Store: ro, PasswordParams: password.InsecureTestParams})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: ro, Authenticator: auth, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	if w := get("/healthz"); w.Code != http.StatusOK {
		t.Errorf("/healthz on a read-only store: %d %s", w.Code, w.Body)
	}
	w := get("/readyz")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "the store cannot write") {
		t.Errorf("/readyz on a read-only store: %d %s", w.Code, w.Body)
	}
}
