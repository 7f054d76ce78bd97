package web

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/export"
)

// The desk's tests run the real server over a real SQLite file with the
// demo loaded, and sealed markers in the principals' profiles: distinctive
// values that must appear on the pages of those who may read them and
// nowhere else.

// deskLogger receives the desk's logs; DESK_DEBUG=1 shows them.
var deskLogger = func() *slog.Logger {
	if os.Getenv("DESK_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}()

const deskPassword = "demo desk password"

// marker is a profile's distinctive sealed values.
type marker struct {
	party       string
	weight      float64 // the first theme's weight
	reservation float64
	minUtility  float64 // a min_utility red line
	note        string
}

// The markers: their decimal forms appear nowhere else in the demo.
var (
	uaMarker = marker{party: "Ukraine", weight: 0.3719, reservation: 0.0417, minUtility: 0.0283, note: "UA-SEALED-NOTE-7c1f"}
	ruMarker = marker{party: "Russia", weight: 0.4631, reservation: 0.0523, minUtility: 0.0389, note: "RU-SEALED-NOTE-3e9a"}
)

// strings returns what a page must not show to anyone who may not read
// the profile.
func (m marker) strings() []string {
	return []string{fmt.Sprint(m.weight), fmt.Sprint(m.reservation), fmt.Sprint(m.minUtility), m.note}
}

// desk is a running server with the demo.
type testDesk struct {
	t      *testing.T
	store  parley.Store
	srv    *Server
	http   *httptest.Server
	tracks map[string]*parley.Track // by title
	party  map[string]int64         // by name
	clock  *testClock               // of sessions and the sign-in throttle

	mu   sync.Mutex
	hits map[string]bool // "METHOD pattern" of the routes that answered < 400

	redLines map[string][]string // each party's red lines, in the pages' words
}

// secrets returns what no page may show to anyone who may not read the
// party's profiles: the marker's values and the party's red lines (those
// the other party does not share, word for word).
func (d *testDesk) secrets(m marker) []string {
	out := m.strings()
	for _, l := range d.redLines[m.party] {
		shared := false
		for p, ls := range d.redLines {
			for _, o := range ls {
				shared = shared || (p != m.party && o == l)
			}
		}
		if !shared {
			out = append(out, l)
		}
	}
	return out
}

func newDesk(t testing.TB) *testDesk {
	t.Helper()
	ctx := sysCtx
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := demo.Load(ctx, store, deskPassword); err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	auth, err := authn.New(authn.Config{Store: store, PasswordParams: password.InsecureTestParams, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: store, Authenticator: auth, Logger: deskLogger})
	if err != nil {
		t.Fatal(err)
	}
	d := &testDesk{store: store, srv: srv, clock: clock, tracks: map[string]*parley.Track{}, party: map[string]int64{}, redLines: map[string][]string{}}
	if tt, ok := t.(*testing.T); ok {
		d.t = tt
	}
	ts, _, err := store.FindTracks(ctx, parley.TrackFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		d.tracks[tr.Title] = tr
	}
	ps, _, err := store.FindParties(ctx, parley.Page{Limit: parley.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		d.party[p.Name] = p.ID
	}
	d.seal(t, uaMarker)
	d.seal(t, ruMarker)
	routes := http.NewServeMux()
	for _, rt := range srv.Routes() {
		routes.HandleFunc(rt.Method+" "+rt.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	d.hits = map[string]bool{}
	d.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		srv.ServeHTTP(rec, r)
		if _, pattern := routes.Handler(r); pattern != "" && rec.status < 400 {
			d.mu.Lock()
			d.hits[pattern] = true
			d.mu.Unlock()
		}
	}))
	t.Cleanup(d.http.Close)
	return d
}

// admin makes an administrator account with the desk's password.
func (d *testDesk) admin(t testing.TB) string {
	t.Helper()
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	if err != nil {
		t.Fatal(err)
	}
	u := &parley.User{Email: "admin@desk.example.org", Name: "Desk admin", Admin: true, PasswordHash: h}
	if err := d.store.CreateUser(sysCtx, u); err != nil {
		t.Fatal(err)
	}
	return u.Email
}

// seal writes the marker into the party's profile on every track where it
// has one, as the trusted system.
func (d *testDesk) seal(t testing.TB, m marker) {
	t.Helper()
	ctx := sysCtx
	ps := d.store.(parley.ProfileService)
	for _, tr := range d.tracks {
		p, err := ps.FindProfile(ctx, tr.ID, d.party[m.party])
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		themes, err := d.store.FindThemes(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := p.Content
		c.Weights[action.SortedThemes(themes)[0].Name] = m.weight
		c.Reservation = m.reservation
		c.RedLines = append(c.RedLines, parley.RedLine{Kind: "min_utility", Min: m.minUtility})
		c.Notes = m.note
		for _, rl := range c.RedLines {
			d.redLines[m.party] = append(d.redLines[m.party], export.RedLine(i18n.New(i18n.English), rl))
		}
		if err := ps.PutProfile(ctx, &parley.Profile{TrackID: tr.ID, PartyID: p.PartyID, Content: c}); err != nil {
			t.Fatal(err)
		}
	}
}

// browser is a cookie-carrying client of the desk that sends what a
// browser sends (Accept: text/html, Sec-Fetch-Site).
type browser struct {
	d      *testDesk
	t      *testing.T
	client *http.Client
	csrf   string
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (d *testDesk) signIn(t *testing.T, email string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{d: d, t: t, client: &http.Client{Jar: jar}}
	status, body := b.post("/signin", url.Values{"email": {email}, "password": {deskPassword}, "next": {"/map"}})
	if status != http.StatusOK || !strings.Contains(body, `<ul class="cards">`) {
		t.Fatalf("sign in as %s: status %d\n%s", email, status, body)
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the map of %s carries no CSRF token", email)
	}
	b.csrf = m[1]
	return b
}

func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.d.http.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// submit sends a page's form without following the redirect: the status
// and the Location it answers with, or the page it shows again.
func (b *browser) submit(path string, form url.Values) (status int, location, page string) {
	b.t.Helper()
	form.Set(authn.CSRFFormField, b.csrf)
	req, err := http.NewRequest("POST", b.d.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := *b.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// post sends a form; the CSRF token is added when the browser has one.
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if b.csrf != "" && form.Get(authn.CSRFFormField) == "" {
		form.Set(authn.CSRFFormField, b.csrf)
	}
	req, err := http.NewRequest("POST", b.d.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// api sends a JSON request with the session cookie and CSRF header.
func (b *browser) api(method, path, body string) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.d.http.URL+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(authn.CSRFHeader, b.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// statusRecorder remembers the status of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (rec *statusRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *statusRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rec *statusRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// firstTheme is the first theme of the track's agenda.
func (d *testDesk) firstTheme(t testing.TB, track int64) *parley.Theme {
	t.Helper()
	themes, err := d.store.FindThemes(sysCtx, track)
	if err != nil || len(themes) == 0 {
		t.Fatalf("themes of track %d: %v", track, err)
	}
	return action.SortedThemes(themes)[0]
}

// reservationForm is the what-if form that moves the party's reservation
// value.
func reservationForm(party int64, value string) url.Values {
	return url.Values{"reservations[0].party_id": {fmt.Sprint(party)}, "reservations[0].reservation": {value}}
}

// choiceValue is a theme's option as a page's form sends it.
func choiceValue(theme, option string) string {
	b, err := json.Marshal(parley.Choice{Theme: theme, Option: option})
	if err != nil {
		panic(err)
	}
	return string(b)
}
