package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
)

// lockedBuffer is an io.Writer that a running command and the test may
// share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingRE = regexp.MustCompile(`Parley is serving on (https?://\S+)`)

// running is a `parley serve` run in process.
type running struct {
	stdout, stderr *lockedBuffer
	cancel         context.CancelFunc
	done           chan int // the exit status
}

// startServe runs parley serve with args in process and waits for its URL.
func startServe(t *testing.T, env map[string]string, args ...string) (*running, string) {
	t.Helper()
	r := startServeNoWait(t, env, args...)
	deadline := time.Now().Add(60 * time.Second) // a demo load on a busy machine takes a while
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(r.stdout.String()); m != nil {
			return r, m[1]
		}
		select {
		case code := <-r.done:
			t.Fatalf("parley serve exited with %d before serving:\n%s\n%s", code, r.stdout, r.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("parley serve printed no URL:\n%s\n%s", r.stdout, r.stderr)
	return nil, ""
}

func startServeNoWait(t *testing.T, env map[string]string, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, cancel: cancel, done: make(chan int, 1)}
	e := &Env{Stdin: strings.NewReader(""), Stdout: r.stdout, Stderr: r.stderr, Getenv: func(k string) string { return env[k] }, Environ: environ(env)}
	go func() { r.done <- Run(ctx, e, append([]string{"serve"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			t.Error("parley serve did not stop")
		}
	})
	return r
}

// stop cancels the run (as SIGINT does) and returns its exit status.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(20 * time.Second):
		t.Fatal("parley serve did not stop")
		return -1
	}
}

func TestServeAnswersAndStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	addTestAdmin(t, db)
	r, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db)
	client := bearerClient(http.DefaultClient, signInHTTP(t, url, testAdminEmail, testAdminPassword))
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("/healthz: %d %s", resp.StatusCode, body)
	}
	resp, err = client.Get(url + "/api/v1/tracks")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/v1/tracks signed in: %d", resp.StatusCode)
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, r.stderr)
	}
	logs := r.stderr.String()
	for _, want := range []string{"msg=request method=GET path=/healthz status=200", "request_id=", "msg=stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("no database file: %v", err)
	}
}

// TestServeFinishesRequestsInFlight: a write waits for a lock that another
// connection holds; the server is told to stop meanwhile; the lock is
// released; the write completes with 201 and is stored, and only then does
// parley serve exit.
func TestServeFinishesRequestsInFlight(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	addTestAdmin(t, db)
	r, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db)
	client := bearerClient(http.DefaultClient, signInHTTP(t, url, testAdminEmail, testAdminPassword))

	lock, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	conn, err := lock.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	status := make(chan int, 1)
	go func() {
		resp, err := client.Post(url+"/api/v1/parties", "application/json", strings.NewReader(`{"name":"Qatar","kind":"state"}`))
		if err != nil {
			t.Errorf("the request in flight failed: %v", err)
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	time.Sleep(300 * time.Millisecond) // the request is waiting for the lock
	r.cancel()                         // SIGINT
	time.Sleep(300 * time.Millisecond)
	select {
	case code := <-r.done:
		t.Fatalf("parley serve exited (%d) with a request in flight", code)
	default:
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if got := <-status; got != http.StatusCreated {
		t.Fatalf("the request in flight answered %d, want 201", got)
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, r.stderr)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after shutting down")
	}
	store, err := openDB(t, db), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, n, err := store.FindParties(ctx, parley.Page{}); err != nil || n != 1 {
		t.Errorf("parties after shutdown: %d, %v; want the one written in flight", n, err)
	}
}

func TestServeTakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	db := filepath.Join(t.TempDir(), "parley.db")
	r := startServeNoWait(t, nil, "--addr", addr, "--db", db)
	code := <-r.done
	r.done <- code
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	msg := r.stderr.String()
	if !strings.Contains(msg, "cannot listen on "+addr) || !strings.Contains(msg, "address already in use") {
		t.Errorf("message does not name the address and the cause:\n%s", msg)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the database was created although the port was taken (%v)", err)
	}
}

var passwordRE = regexp.MustCompile(`password: ([a-z]{4}(?:-[a-z]{4}){3})\n`)

func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	r, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--demo")
	out := r.stdout.String()
	for _, want := range []string{"mediator@demo.parley", "ua@demo.parley", "ru@demo.parley", "observer@demo.parley"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks the account %s:\n%s", want, out)
		}
	}
	if m := passwordRE.FindAllStringSubmatch(out, -1); len(m) != 1 {
		t.Errorf("want the generated password printed once:\n%s", out)
	} else if strings.Contains(r.stderr.String(), m[0][1]) {
		t.Errorf("the password is in the log")
	}
	m := passwordRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no demo password to sign in with")
	}
	client := bearerClient(http.DefaultClient, signInHTTP(t, url, "mediator@demo.parley", m[1]))
	resp, err := client.Get(url + "/api/v1/tracks")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"total":6`) && !strings.Contains(string(body), `"total":7`) {
		t.Errorf("the demo lists: %.300s", body)
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, r.stderr)
	}

	// Again: the demo is there, so it is served as it is, and no password
	// is printed.
	r, _ = startServe(t, map[string]string{"PARLEY_DEMO_PASSWORD": "from-the-environment"}, "--addr", "127.0.0.1:0", "--db", db, "--demo")
	if out := r.stdout.String(); !strings.Contains(out, "already holds the demo") || strings.Contains(out, "password:") {
		t.Errorf("second start:\n%s", out)
	}
	r.stop(t)
}

func TestServeDemoPassword(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"flag", nil, []string{"--demo-password", "correct-horse"}, "password: correct-horse\n"},
		{"environment", map[string]string{"PARLEY_DEMO_PASSWORD": "battery-staple"}, nil, "password: battery-staple\n"},
		{"flag wins", map[string]string{"PARLEY_DEMO_PASSWORD": "battery-staple"}, []string{"--demo-password", "correct-horse"}, "password: correct-horse\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "parley.db")
			r, _ := startServe(t, tc.env, append([]string{"--addr", "127.0.0.1:0", "--db", db, "--demo"}, tc.args...)...)
			if out := r.stdout.String(); !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			r.stop(t)
		})
	}
}

// storeContents lists what a database holds, for before/after comparisons.
func storeContents(t *testing.T, path string) map[string]any {
	t.Helper()
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	s, err := openDB(t, path), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	parties, _, err1 := s.FindParties(ctx, parley.Page{Limit: parley.MaxLimit})
	tracks, _, err2 := s.FindTracks(ctx, parley.TrackFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	users, _, err3 := s.FindUsers(ctx, parley.Page{Limit: parley.MaxLimit})
	venues, _, err4 := s.FindVenues(ctx, parley.Page{Limit: parley.MaxLimit})
	events, _, err5 := s.FindEvents(ctx, parley.EventFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return map[string]any{"parties": parties, "tracks": tracks, "users": users, "venues": venues, "events": events}
}

func TestServeDemoRefusesOtherData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "talks.db")
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	s, err := openDB(t, db), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateParty(ctx, &parley.Party{Name: "Ukraine", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := storeContents(t, db)

	r := startServeNoWait(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--demo")
	code := <-r.done
	r.done <- code
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if msg := r.stderr.String(); !strings.Contains(msg, "already holds data that is not the demo") || !strings.Contains(msg, "--demo-force") {
		t.Errorf("unclear refusal:\n%s", msg)
	}
	if strings.Contains(r.stdout.String(), "serving on") {
		t.Errorf("it served anyway:\n%s", r.stdout)
	}
	if diff := cmp.Diff(before, storeContents(t, db)); diff != "" {
		t.Errorf("the refused database changed (-before +after):\n%s", diff)
	}
}

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "Examples:"},
		{[]string{"--help"}, 0, "parley serve --demo"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--demo-force"}, 2, "--demo-force needs --demo"},
		{[]string{"--demo-password", "x"}, 2, "--demo-password needs --demo"},
		{[]string{"--port", "80"}, 2, "flag provided but not defined: -port"},
	} {
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		if code := Run(context.Background(), env, append([]string{"serve"}, tc.args...)); code != tc.code {
			t.Errorf("%v: exit status %d, want %d", tc.args, code, tc.code)
		}
		if !strings.Contains(stdout.String()+stderr.String(), tc.want) {
			t.Errorf("%v: output lacks %q:\n%s%s", tc.args, tc.want, stdout.String(), stderr.String())
		}
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		pw, err := randomPassword()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[a-z]{4}(-[a-z]{4}){3}$`).MatchString(pw) || seen[pw] {
			t.Fatalf("password %q", pw)
		}
		seen[pw] = true
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@h:5432/db": "postgres://u:xxxxx@h:5432/db",
		"postgres://u@h/db":             "postgres://u@h/db",
		"parley.db":                     "parley.db",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestServePostgres serves the demo from a fresh schema of the PostgreSQL
// server that PARLEY_TEST_POSTGRES names (skipped if unset).
func TestServePostgres(t *testing.T) {
	dsn := postgresSchema(t)
	key := map[string]string{seal.EnvMasterKey: strings.TrimSpace(string(seal.GenerateMasterKey().Encode()))} // PostgreSQL needs its key given
	r, url := startServe(t, key, "--addr", "127.0.0.1:0", "--db", dsn, "--demo", "--demo-password", testAdminPassword)
	client := bearerClient(http.DefaultClient, signInHTTP(t, url, "mediator@demo.parley", testAdminPassword))
	resp, err := client.Get(url + "/api/v1/tracks?status=exploratory")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"exploratory"`) {
		t.Errorf("GET /api/v1/tracks: %d %.300s", resp.StatusCode, body)
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, r.stderr)
	}
}
