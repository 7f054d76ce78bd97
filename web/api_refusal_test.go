package web

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/limits"
)

// TestAPIRefusals sends bad input of every kind and checks the status, the
// problem document (naming the field, and the cause in its detail) and that
// the database is unchanged afterwards.
func TestAPIRefusals(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) { testAPIRefusals(t, b.open(t)) })
	}
}

func testAPIRefusals(t *testing.T, a *testAPI) {
	f := a.seed()
	tr := f.track.ID
	long := strings.Repeat("x", 201)
	type M = map[string]any
	for _, tc := range []struct {
		name         string
		method, path string
		body         any
		contentType  string // default application/json
		status       int
		field        string // "" if none
		detail       string // a substring of the detail
	}{
		// Malformed bodies.
		{"truncated JSON", "POST", "/api/v1/parties", `{"name": "X",`, "", 400, "", "malformed JSON"},
		{"syntax error", "POST", "/api/v1/parties", `{"name" "X"}`, "", 400, "", "malformed JSON at offset 9"},
		{"empty body", "POST", "/api/v1/parties", ``, "", 400, "", "body is empty"},
		{"blank body", "PATCH", fmt.Sprintf("/api/v1/parties/%d", f.qatar.ID), " \n ", "", 400, "", "body is empty"},
		{"array body", "POST", "/api/v1/parties", `[{"name":"X","kind":"state"}]`, "", 400, "", "must be a JSON object, not an array"},
		{"null body", "POST", "/api/v1/parties", `null`, "", 400, "", "not null"},
		{"two values", "POST", "/api/v1/parties", `{"name":"X","kind":"state"} {}`, "", 400, "", "single JSON value"},
		{"not JSON", "POST", "/api/v1/parties", `name=X`, "application/x-www-form-urlencoded", 415, "", "must be application/json"},
		{"no content type", "POST", "/api/v1/parties", `{"name":"X","kind":"state"}`, "-", 415, "", "must be application/json"},
		{"oversize body", "POST", "/api/v1/events", `{"title":"` + strings.Repeat("x", limits.MaxRequestBodyBytes) + `"}`, "", 413, "", "larger than the limit"},

		// Unknown fields, wrong types.
		{"unknown field", "POST", "/api/v1/parties", `{"name":"X","kind":"state","colour":"red"}`, "", 400, "colour", `unknown field "colour"`},
		{"field case differs", "POST", "/api/v1/parties", `{"Name":"X","kind":"state"}`, "", 400, "Name", `unknown field "Name"`},
		{"nested unknown field", "POST", "/api/v1/tracks", M{"title": "T", "parties": []M{{"party_id": f.qatar.ID, "role": "host", "x": 1}}}, "", 400, "parties.x", `unknown field "parties.x"`},
		{"server-set field", "POST", "/api/v1/parties", `{"id":7,"name":"X","kind":"state"}`, "", 400, "id", `unknown field "id"`},
		{"password hash", "PATCH", fmt.Sprintf("/api/v1/users/%d", f.user.ID), `{"password_hash":"x"}`, "", 400, "password_hash", `unknown field`},
		{"number for string", "POST", "/api/v1/parties", `{"name":5,"kind":"state"}`, "", 400, "name", `field "name" must be a string, not a number`},
		{"string for id", "POST", "/api/v1/meetings", M{"track_id": "one", "title": "T", "format": "plenary", "starts_at": "2024-01-01T00:00:00Z"}, "", 400, "track_id", `must be an integer`},
		{"nested wrong type", "POST", "/api/v1/tracks", M{"title": "T", "parties": []M{{"party_id": "qatar", "role": "host"}}}, "", 400, "parties.party_id", `must be an integer`},
		{"bad time", "POST", "/api/v1/events", M{"occurred_at": "yesterday", "title": "T"}, "", 400, "occurred_at", "RFC 3339"},
		{"object for array", "PATCH", fmt.Sprintf("/api/v1/events/%d", f.event.ID), `{"track_ids":{"a":1}}`, "", 400, "track_ids", "must be an array"},
		{"bool for string", "PATCH", fmt.Sprintf("/api/v1/tracks/%d", tr), `{"title":true}`, "", 400, "title", "must be a string, not a boolean"},

		// Missing, blank, overlong, out-of-range fields.
		{"missing kind", "POST", "/api/v1/parties", `{"name":"X"}`, "", 400, "kind", `field "kind" is required`},
		{"missing title", "POST", "/api/v1/tracks", `{"mandate":"m"}`, "", 400, "title", "required"},
		{"missing options", "POST", fmt.Sprintf("/api/v1/tracks/%d/themes", tr), `{"name":"N"}`, "", 400, "options", "required"},
		{"missing reason", "POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), `{"to":"active"}`, "", 400, "reason", "required"},
		{"blank title", "POST", "/api/v1/tracks", `{"title":"   "}`, "", 400, "title", "title is required"},
		{"blank reason", "POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), `{"to":"active","reason":" "}`, "", 400, "reason", "needs a reason"},
		{"overlong name", "POST", "/api/v1/parties", M{"name": long, "kind": "state"}, "", 400, "name", "201 characters long; the limit is 200"},
		{"overlong mandate", "PATCH", fmt.Sprintf("/api/v1/tracks/%d", tr), M{"mandate": strings.Repeat("m", 20_001)}, "", 400, "mandate", "the limit is 20000"},
		{"overlong option", "PATCH", fmt.Sprintf("/api/v1/themes/%d", f.theme.ID), M{"options": []M{{"label": "a"}, {"label": long}}}, "", 400, "options.label", "limit is 200"},
		{"unknown kind", "POST", "/api/v1/parties", M{"name": "X", "kind": "empire"}, "", 400, "kind", `unknown party kind "empire"`},
		{"one option", "POST", fmt.Sprintf("/api/v1/tracks/%d/themes", tr), M{"name": "N", "options": []M{{"label": "only"}}}, "", 400, "options", "between 2 and"},
		{"ends before start", "POST", "/api/v1/meetings", M{"track_id": tr, "title": "T", "format": "plenary", "starts_at": "2024-02-01T00:00:00Z", "ends_at": "2024-01-01T00:00:00Z"}, "", 400, "ends_at", "before starts_at"},
		{"delegate without party", "POST", fmt.Sprintf("/api/v1/tracks/%d/members", tr), M{"user_id": f.user2.ID, "role": "delegate"}, "", 400, "party_id", "must name the party"},
		{"negative position", "PATCH", fmt.Sprintf("/api/v1/themes/%d", f.theme.ID), M{"position": -1}, "", 400, "position", "negative"},

		// Unknown ids, in the path and in links.
		{"unknown track", "GET", "/api/v1/tracks/999", nil, "", 404, "", ""},
		{"unknown party", "PATCH", "/api/v1/parties/999", M{"name": "Y"}, "", 404, "", ""},
		{"unknown theme", "GET", "/api/v1/themes/999", nil, "", 404, "", ""},
		{"unknown meeting", "PATCH", "/api/v1/meetings/999", M{"title": "Y"}, "", 404, "", ""},
		{"unknown member", "DELETE", "/api/v1/members/999", nil, "", 404, "", ""},
		{"unknown user", "GET", "/api/v1/users/999/memberships", nil, "", 404, "", ""},
		{"transitions of no track", "GET", "/api/v1/tracks/999/transitions", nil, "", 404, "", ""},
		{"timeline of no track", "GET", "/api/v1/tracks/999/timeline", nil, "", 404, "", ""},
		{"timeline page of 0", "GET", fmt.Sprintf("/api/v1/tracks/%d/timeline?limit=0", tr), nil, "", 400, "limit", "between 1 and"},
		{"timeline page of 10⁷", "GET", fmt.Sprintf("/api/v1/tracks/%d/timeline?limit=10000000", tr), nil, "", 400, "limit", "between 1 and"},
		{"timeline by offset", "GET", fmt.Sprintf("/api/v1/tracks/%d/timeline?offset=100", tr), nil, "", 400, "offset", "by cursor"},
		{"timeline in no order", "GET", fmt.Sprintf("/api/v1/tracks/%d/timeline?order=random", tr), nil, "", 400, "order", "oldest or newest"},
		{"timeline from a forged cursor", "GET", fmt.Sprintf("/api/v1/tracks/%d/timeline?cursor=AgAB7r3v3gYDBAAAAAAAAAAAAAAAAAAAAAA", tr), nil, "", 400, "cursor", "start again"},
		{"themes of no track", "POST", "/api/v1/tracks/999/themes", M{"name": "N", "options": []M{{"label": "a"}, {"label": "b"}}}, "", 404, "", ""},
		{"transition of no track", "POST", "/api/v1/tracks/999/transitions", M{"to": "active", "reason": "r"}, "", 404, "", ""},
		{"member of no track", "POST", "/api/v1/tracks/999/members", M{"user_id": f.user2.ID, "role": "observer"}, "", 404, "", ""},
		{"members of no track", "GET", "/api/v1/tracks/999/members", nil, "", 404, "", ""},
		{"meeting of no track", "POST", "/api/v1/meetings", M{"track_id": 999, "title": "T", "format": "plenary", "starts_at": "2024-01-01T00:00:00Z"}, "", 400, "track_id", ""},
		{"meeting at no venue", "POST", "/api/v1/meetings", M{"track_id": tr, "venue_id": 999, "title": "T", "format": "plenary", "starts_at": "2024-01-01T00:00:00Z"}, "", 400, "venue_id", ""},
		{"attendee of no party", "POST", "/api/v1/meetings", M{"track_id": tr, "title": "T", "format": "plenary", "starts_at": "2024-01-01T00:00:00Z", "attendees": []M{{"party_id": 999}}}, "", 400, "attendees.party_id", ""},
		{"event of no track", "POST", "/api/v1/events", M{"occurred_at": "2024-01-01T00:00:00Z", "title": "T", "track_ids": []int64{999}}, "", 400, "track_ids", ""},
		{"track with no party", "POST", "/api/v1/tracks", M{"title": "T", "parties": []M{{"party_id": 999, "role": "host"}}}, "", 400, "parties.party_id", ""},
		{"member of no user", "POST", fmt.Sprintf("/api/v1/tracks/%d/members", tr), M{"user_id": 999, "role": "observer"}, "", 400, "user_id", ""},
		{"transition for no event", "POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), M{"to": "active", "reason": "r", "event_id": 999}, "", 400, "event_id", ""},

		// Duplicates.
		{"duplicate party", "POST", "/api/v1/parties", M{"name": "Ukraine", "kind": "state"}, "", 409, "name", ""},
		{"rename onto a party", "PATCH", fmt.Sprintf("/api/v1/parties/%d", f.russia.ID), M{"name": "Ukraine"}, "", 409, "name", ""},
		{"duplicate venue", "POST", "/api/v1/venues", M{"name": f.doha.Name, "city": "Doha"}, "", 409, "name", ""},
		{"duplicate track", "POST", "/api/v1/tracks", M{"title": f.track.Title}, "", 409, "title", ""},
		{"duplicate theme", "POST", fmt.Sprintf("/api/v1/tracks/%d/themes", tr), M{"name": "Duration", "options": []M{{"label": "a"}, {"label": "b"}}}, "", 409, "name", ""},
		{"duplicate member", "POST", fmt.Sprintf("/api/v1/tracks/%d/members", tr), M{"user_id": f.user.ID, "role": "observer"}, "", 409, "", ""},
		{"duplicate option", "POST", fmt.Sprintf("/api/v1/tracks/%d/themes", tr), M{"name": "N", "options": []M{{"label": "a"}, {"label": "a"}}}, "", 400, "options.label", "listed twice"},

		// The lifecycle.
		{"illegal transition", "POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), M{"to": "paused", "reason": "r"}, "", 409, "status", "track is exploratory and cannot become paused"},
		{"unknown status", "POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), M{"to": "frozen", "reason": "r"}, "", 400, "to", `unknown status "frozen"`},
		{"transition into the past", "POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), M{"to": "active", "reason": "r", "at": "2000-01-01T00:00:00Z"}, "", 400, "", "before the track's last transition"},
		{"status through PATCH", "PATCH", fmt.Sprintf("/api/v1/tracks/%d", tr), M{"status": "active"}, "", 400, "status", `unknown field "status"`},

		// Bad path and query parameters.
		{"word id", "GET", "/api/v1/tracks/abc", nil, "", 400, "id", `path parameter "id" must be a positive integer id, not "abc"`},
		{"zero id", "GET", "/api/v1/parties/0", nil, "", 400, "id", "positive integer"},
		{"negative id", "PATCH", "/api/v1/venues/-3", M{"name": "V"}, "", 400, "id", "positive integer"},
		{"huge id", "GET", "/api/v1/events/99999999999999999999", nil, "", 400, "id", "positive integer"},
		{"id with space", "GET", "/api/v1/meetings/1%202", nil, "", 400, "id", "positive integer"},
		{"bad id on POST", "POST", "/api/v1/tracks/x/themes", M{"name": "N", "options": []M{{"label": "a"}, {"label": "b"}}}, "", 400, "id", ""},
		{"limit zero", "GET", "/api/v1/parties?limit=0", nil, "", 400, "limit", "between 1 and 1000"},
		{"limit too big", "GET", "/api/v1/parties?limit=5000", nil, "", 400, "limit", "between 1 and 1000"},
		{"negative offset", "GET", "/api/v1/venues?offset=-1", nil, "", 400, "offset", "negative"},
		{"word limit", "GET", "/api/v1/tracks?limit=ten", nil, "", 400, "limit", "must be an integer"},
		{"unknown status filter", "GET", "/api/v1/tracks?status=frozen", nil, "", 400, "status", `not "frozen"`},
		{"word track filter", "GET", "/api/v1/meetings?track_id=abc", nil, "", 400, "track_id", "positive integer"},
		{"zero venue filter", "GET", "/api/v1/meetings?venue_id=0", nil, "", 400, "venue_id", "positive integer"},
		{"paging a track list", "GET", fmt.Sprintf("/api/v1/tracks/%d/themes?offset=x", tr), nil, "", 400, "offset", ""},

		// No route.
		{"no such route", "GET", "/api/v1/treaties", nil, "", 404, "", "no route"},
		{"wrong method", "PUT", "/api/v1/tracks", M{}, "", 405, "", "PUT is not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := a.snapshot()
			w := a.send(tc.method, tc.path, tc.body, tc.contentType)
			p := checkProblem(t, w, tc.status, tc.field)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q, want it to say %q", p.Detail, tc.detail)
			}
			if tc.status == 404 && tc.detail == "" && !strings.Contains(p.Detail, "not") {
				t.Errorf("404 detail %q says nothing", p.Detail)
			}
			a.unchanged(before)
		})
	}
}

// send is do with a chosen Content-Type ("" for JSON, "-" for none).
func (a *testAPI) send(method, path string, body any, contentType string) *httptest.ResponseRecorder {
	a.t.Helper()
	if contentType == "" {
		return a.do(method, path, body)
	}
	s, _ := body.(string)
	req := httptest.NewRequest(method, path, strings.NewReader(s))
	if contentType != "-" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	a.checkDocumented(req, w)
	return w
}

// TestLockedDatabase: another connection holds the write lock beyond the
// store's busy timeout; writes are refused with 503 naming the cause,
// reads still work (WAL), and nothing changes.
func TestLockedDatabase(t *testing.T) {
	a := newTestAPI(t)
	a.seed()
	before := a.snapshot()

	db, err := sql.Open("sqlite", "file:"+a.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := sysCtx
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/parties", `{"name":"Germany","kind":"state"}`},
		{"PATCH", "/api/v1/parties/1", `{"name":"Ukraine (renamed)"}`},
		{"POST", "/api/v1/tracks/1/transitions", `{"to":"active","reason":"r"}`},
		{"DELETE", "/api/v1/members/1", nil},
	} {
		w := a.do(req.method, req.path, req.body)
		p := checkProblem(t, w, http.StatusServiceUnavailable, "")
		if !strings.Contains(p.Detail, "locked") {
			t.Errorf("%s %s: detail %q does not say the database is locked", req.method, req.path, p.Detail)
		}
	}
	a.call("GET", "/api/v1/parties", nil, http.StatusOK, nil)
	a.call("GET", "/healthz", nil, http.StatusOK, nil)
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	a.unchanged(before)
	a.call("POST", "/api/v1/parties", `{"name":"Germany","kind":"state"}`, http.StatusCreated, nil)
}

// TestReadOnlyDatabase: a database opened read-only serves reads and
// refuses writes with 503 naming the cause.
func TestReadOnlyDatabase(t *testing.T) {
	a := newTestAPI(t)
	a.seed()
	before := a.snapshot()
	a.store.Close()
	ro, err := sqlite.Open(sysCtx, a.path, sqlite.ReadOnly(), sqlite.MasterKey(testMasterKey))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	b := newTestAPIWith(t, ro, a.path)
	b.token = a.token // the session lives in the file; signing in would write
	w := b.do("POST", "/api/v1/parties", `{"name":"Germany","kind":"state"}`)
	p := checkProblem(t, w, http.StatusServiceUnavailable, "")
	if !strings.Contains(p.Detail, "read-only") {
		t.Errorf("detail %q does not say the database is read-only", p.Detail)
	}
	b.unchanged(before)
}

// TestBodyLimitWithoutLength: a body of unknown length (chunked) is cut at
// the limit while it is read, and refused with 413.
func TestBodyLimitWithoutLength(t *testing.T) {
	a := newTestAPI(t)
	a.seed()
	before := a.snapshot()
	body := `{"name":"` + strings.Repeat("x", limits.MaxRequestBodyBytes) + `","kind":"state"}`
	req := httptest.NewRequest("POST", "/api/v1/parties", io.NopCloser(strings.NewReader(body)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	p := checkProblem(t, w, http.StatusRequestEntityTooLarge, "")
	if !strings.Contains(p.Detail, fmt.Sprint(limits.MaxRequestBodyBytes)) {
		t.Errorf("detail %q does not state the limit", p.Detail)
	}
	a.unchanged(before)
}
