package web

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/authn"
)

// testBusyTimeout keeps the locked-database tests short.
const testBusyTimeout = 200 * time.Millisecond

// testAPI is a Server over a real SQLite file in t.TempDir(). Every
// response it sees is checked against the server's own OpenAPI document.
type testAPI struct {
	t      *testing.T
	srv    *Server
	auth   *authn.Auth
	clock  *testClock
	token  string // the bearer token do sends; "" for none
	admin  *parley.User
	store  parley.Store
	path   string
	doc    *openapi3.T
	routes *http.ServeMux // the route patterns, to find a request's operation
	hit    map[string]bool
}

func newTestAPI(t *testing.T) *testAPI {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.db")
	store, err := sqlite.Open(sysCtx, path, sqlite.BusyTimeout(testBusyTimeout), sqlite.MasterKey(testMasterKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := newTestAPIWith(t, store, path)
	a.signInAdmin()
	return a
}

// testMasterKey is the master key of the tests' stores.
var testMasterKey = seal.GenerateMasterKey()

// testBackends are the stores the API tests run on: SQLite always,
// PostgreSQL when PARLEY_TEST_POSTGRES names a server.
var testBackends = []struct {
	name string
	open func(*testing.T) *testAPI
}{
	{"sqlite", newTestAPI},
	{"postgres", newTestAPIPostgres},
}

// newTestAPIPostgres is a Server over a fresh schema of the PostgreSQL
// server that PARLEY_TEST_POSTGRES names; it skips t if the variable is
// not set.
func newTestAPIPostgres(t *testing.T) *testAPI {
	t.Helper()
	dsn := os.Getenv("PARLEY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL tests are off; set PARLEY_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	rand.Read(b)
	schema := "parley_web_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	store, err := postgres.Open(sysCtx, dsn, postgres.Schema(schema), postgres.MaxConns(4), postgres.MasterKey(testMasterKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := newTestAPIWith(t, store, "")
	a.signInAdmin()
	return a
}

func newTestAPIWith(t *testing.T, store parley.Store, path string) *testAPI {
	t.Helper()
	clock := newTestClock()
	auth, err := authn.New(authn.Config{Store: store, Now: clock.Now, PasswordParams: password.InsecureTestParams, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: store, Authenticator: auth, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	a := &testAPI{t: t, srv: srv, auth: auth, clock: clock, store: store, path: path, doc: loadOpenAPI(t, srv), routes: http.NewServeMux(), hit: map[string]bool{}}
	for _, rt := range srv.Routes() {
		a.routes.HandleFunc(rt.Method+" "+rt.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	return a
}

// do sends a request; body is a string sent as is, or a value sent as JSON.
func (a *testAPI) do(method, path string, body any) *httptest.ResponseRecorder {
	a.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	a.checkDocumented(req, w)
	return w
}

// call sends a request that must answer status and decodes the response
// into out (if not nil).
func (a *testAPI) call(method, path string, body any, status int, out any) {
	a.t.Helper()
	w := a.do(method, path, body)
	if w.Code != status {
		a.t.Fatalf("%s %s: status %d, want %d: %s", method, path, w.Code, status, w.Body)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// checkDocumented validates a response against the OpenAPI document: the
// documented schema of its status (or the default problem), and the
// documented media type.
func (a *testAPI) checkDocumented(req *http.Request, w *httptest.ResponseRecorder) {
	a.t.Helper()
	_, pattern := a.routes.Handler(req)
	if pattern == "" {
		return // no route: nothing documented
	}
	method, path, _ := strings.Cut(pattern, " ")
	a.hit[pattern+" "+fmt.Sprint(w.Code)] = true
	item := a.doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		return // a page or an asset: the API's document does not describe it
	}
	op := item.GetOperation(method)
	resp := op.Responses.Status(w.Code)
	if resp == nil {
		resp = op.Responses.Default()
		if w.Code < 400 {
			a.t.Errorf("%s: status %d is not documented", pattern, w.Code)
			return
		}
	}
	if w.Code == http.StatusNoContent {
		return
	}
	ct := w.Header().Get("Content-Type")
	mt := resp.Value.Content.Get(ct)
	if mt == nil {
		a.t.Errorf("%s: %d response of type %q is not documented", pattern, w.Code, ct)
		return
	}
	if !strings.Contains(ct, "json") {
		return // a page, a stylesheet, a script: documented by media type only
	}
	var v any
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		a.t.Errorf("%s: response is not JSON: %v", pattern, err)
		return
	}
	if err := mt.Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		a.t.Errorf("%s: %d response does not match the OpenAPI document: %v\n%s", pattern, w.Code, err, w.Body)
	}
}

// snapshot reads everything the API lists, through the API.
func (a *testAPI) snapshot() map[string]any {
	a.t.Helper()
	snap := map[string]any{}
	get := func(path string) any {
		var v any
		a.call("GET", path, nil, http.StatusOK, &v)
		snap[path] = v
		return v
	}
	for _, p := range []string{"parties", "venues", "meetings", "events", "users"} {
		get("/api/v1/" + p + "?limit=1000")
	}
	tracks := get("/api/v1/tracks?limit=1000").(map[string]any)["items"].([]any)
	for _, tr := range tracks {
		id := int64(tr.(map[string]any)["id"].(float64))
		for _, sub := range []string{"transitions", "timeline", "themes", "members"} {
			get(fmt.Sprintf("/api/v1/tracks/%d/%s?limit=1000", id, sub))
		}
	}
	users := snap["/api/v1/users?limit=1000"].(map[string]any)["items"].([]any)
	for _, u := range users {
		get(fmt.Sprintf("/api/v1/users/%d/memberships", int64(u.(map[string]any)["id"].(float64))))
	}
	return snap
}

// unchanged fails the test if the API lists something other than before.
func (a *testAPI) unchanged(before map[string]any) {
	a.t.Helper()
	if diff := cmp.Diff(before, a.snapshot()); diff != "" {
		a.t.Errorf("the database changed after a refused request (-before +after):\n%s", diff)
	}
}

// fixture is a small map of talks made through the API.
type fixture struct {
	ukraine, russia, qatar parley.Party
	doha                   parley.Venue
	track, other           parley.Track
	theme                  parley.Theme
	event                  parley.Event
	meeting                parley.Meeting
	user, user2            parley.User
	member                 parley.Member
}

func (a *testAPI) seed() *fixture {
	a.t.Helper()
	var f fixture
	a.call("POST", "/api/v1/parties", `{"name":"Ukraine","kind":"state"}`, 201, &f.ukraine)
	a.call("POST", "/api/v1/parties", `{"name":"Russia","kind":"state"}`, 201, &f.russia)
	a.call("POST", "/api/v1/parties", `{"name":"Qatar","kind":"state"}`, 201, &f.qatar)
	a.call("POST", "/api/v1/venues", `{"name":"Doha talks venue","city":"Doha","country":"Qatar"}`, 201, &f.doha)
	a.call("POST", "/api/v1/tracks", map[string]any{
		"title": "Energy-infrastructure strike moratorium", "mandate": "A mutual halt to strikes on energy infrastructure.",
		"parties": []map[string]any{
			{"party_id": f.qatar.ID, "role": "host"}, {"party_id": f.qatar.ID, "role": "mediator"},
			{"party_id": f.ukraine.ID, "role": "principal"}, {"party_id": f.russia.ID, "role": "principal"}},
		"venue_ids": []int64{f.doha.ID},
	}, 201, &f.track)
	a.call("POST", "/api/v1/tracks", `{"title":"Status of Crimea"}`, 201, &f.other)
	// The signed-in administrator mediates both tracks, so that the tests
	// of the API's behaviour may change them.
	for _, tr := range []parley.Track{f.track, f.other} {
		a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/members", tr.ID), map[string]any{"user_id": a.admin.ID, "role": "mediator"}, 201, nil)
	}
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/themes", f.track.ID), `{"name":"Duration","options":[{"label":"30 days"},{"label":"Indefinite","description":"with review"}]}`, 201, &f.theme)
	a.call("POST", "/api/v1/events", map[string]any{"occurred_at": "2024-08-06T00:00:00Z", "title": "Kursk offensive",
		"source": "news", "track_ids": []int64{f.track.ID}}, 201, &f.event)
	a.call("POST", "/api/v1/meetings", map[string]any{"track_id": f.track.ID, "venue_id": f.doha.ID, "title": "Proximity talks",
		"format": "shuttle", "starts_at": "2024-06-20T09:00:00Z", "ends_at": "2024-06-21T17:00:00Z",
		"attendees": []map[string]any{{"party_id": f.qatar.ID}, {"party_id": f.ukraine.ID, "name": "Head of delegation"}}}, 201, &f.meeting)
	a.call("POST", "/api/v1/users", map[string]any{"email": "mediator@example.org", "name": "Mediator", "password": testPassword}, 201, &f.user)
	a.call("POST", "/api/v1/users", map[string]any{"email": "ua@example.org", "name": "Delegate", "password": testPassword}, 201, &f.user2)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/members", f.track.ID), map[string]any{"user_id": f.user.ID, "role": "mediator"}, 201, &f.member)
	return &f
}

// testPassword is the password of every account the tests make.
const testPassword = "correct horse battery staple"

// testClock is the clock of a test server's sessions and throttle.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now().UTC().Truncate(time.Microsecond)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testLogs collects what every test server logs, so that TestNoSecretsInLogs
// can search it for passwords, tokens and session secrets.
var testLogs = &lockedBuffer{}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLogs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testSecrets are the secrets the tests sent or received; none may be logged.
var testSecrets sync.Map

// createTestUser makes an account with testPassword through the store,
// as `parley user add` does.
func (a *testAPI) createTestUser(email, name string, admin bool) *parley.User {
	a.t.Helper()
	h, err := password.Hash(testPassword, password.InsecureTestParams)
	if err != nil {
		a.t.Fatal(err)
	}
	u := &parley.User{Email: email, Name: name, Admin: admin, PasswordHash: h}
	if err := a.store.CreateUser(sysCtx, u); err != nil {
		a.t.Fatal(err)
	}
	return u
}

// signIn signs in through POST /api/v1/sessions and returns the bearer
// token.
func (a *testAPI) signIn(email, pw string) string {
	a.t.Helper()
	saved := a.token
	a.token = ""
	defer func() { a.token = saved }()
	var out authn.SignInOutput
	a.call("POST", "/api/v1/sessions", map[string]any{"email": email, "password": pw}, http.StatusCreated, &out)
	if !password.IsToken(out.Token) {
		a.t.Fatalf("sign-in answered no token: %+v", out)
	}
	testSecrets.Store(out.Token, true)
	return out.Token
}

// signInAdmin makes the administrator the tests act as and signs it in.
func (a *testAPI) signInAdmin() {
	a.t.Helper()
	a.admin = a.createTestUser("admin@example.org", "Administrator", true)
	a.token = a.signIn("admin@example.org", testPassword)
}
