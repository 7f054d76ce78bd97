package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/route"
)

// The authorisation matrix: every role × every route of the table × every
// target that matters (the track a route is about: one the role belongs to
// and one it does not; an event of no track; the caller's own account and
// another's), against a real SQLite store, with the exact status the rules
// of the root package's "who may do what" table give. The expectations are
// written from those rules, per route; a route without an entry fails the
// test, so no route escapes the matrix.

// role is one kind of caller.
type role struct {
	name   string
	token  string
	user   *parley.User
	admin  bool
	see    map[int64]bool // tracks it may see as a member
	edit   map[int64]bool // tracks it mediates
	party  int64          // the party it is a delegate of
	verify map[int64]bool // tracks it verifies (reads every side's prisoner list)
	anon   bool           // no credentials at all
	dead   bool           // disabled after signing in
}

func (r *role) sees(track int64) bool  { return r.admin || r.see[track] }
func (r *role) edits(track int64) bool { return r.edit[track] }

// reads is Caller.CanRead, restated from the rules: mediators read every
// audience of their track, a delegate plenary and its own party's, every
// other member plenary only, an administrator who is not a member nothing.
func (r *role) reads(track int64, a parley.Audience) bool {
	switch {
	case r.edits(track):
		return true
	case !r.see[track]:
		return false
	case a == parley.AudiencePlenary:
		return true
	}
	id, ok := a.PartyID()
	return ok && r.delegateOf(id)
}
func (r *role) delegateOf(party int64) bool { return r.party != 0 && r.party == party }

// target is one request a route is tried with.
type target struct {
	name string
	path string
	body func(r *role) any
	want func(r *role) int // for a signed-in, enabled caller
}

type matrix struct {
	a         *testAPI
	f         *fixture
	ctx       context.Context
	n         int
	otherTok  int64 // a token of another user
	otherFeed int64 // a calendar feed of another user
	notes     map[string]*parley.MeetingNote
}

func (m *matrix) unique(prefix string) string {
	m.n++
	return fmt.Sprintf("%s %d", prefix, m.n)
}

func TestAuthorizationMatrix(t *testing.T) {
	a := newTestAPI(t)
	f := a.seed()
	m := &matrix{a: a, f: f, ctx: sysCtx}
	main, other := f.track.ID, f.other.ID

	// The roles, all through the store as `parley user add` would make them.
	grant := func(u *parley.User, track int64, r parley.MemberRole, party int64) {
		g := &parley.Member{TrackID: track, UserID: u.ID, Role: r}
		if party != 0 {
			g.PartyID = &party
		}
		if err := a.store.CreateMember(m.ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	newRole := func(name string, admin bool) *role {
		u := a.createTestUser(name+"@matrix.example.org", name, admin)
		return &role{name: name, user: u, admin: admin, see: map[int64]bool{}, edit: map[int64]bool{}}
	}
	admin := newRole("admin", true)
	mediator := newRole("mediator", false)
	grant(mediator.user, main, parley.MemberMediator, 0)
	ua := newRole("delegate-ua", false)
	grant(ua.user, main, parley.MemberDelegate, f.ukraine.ID)
	ua.party = f.ukraine.ID
	ru := newRole("delegate-ru", false)
	grant(ru.user, main, parley.MemberDelegate, f.russia.ID)
	ru.party = f.russia.ID
	observer := newRole("observer", false)
	grant(observer.user, main, parley.MemberObserver, 0)
	verifier := newRole("verifier", false)
	grant(verifier.user, main, parley.MemberVerifier, 0)
	verifier.verify = map[int64]bool{main: true}
	outsider := newRole("other-track-mediator", false)
	grant(outsider.user, other, parley.MemberMediator, 0)
	disabled := newRole("disabled", false)
	grant(disabled.user, main, parley.MemberMediator, 0)
	for _, r := range []*role{mediator, ua, ru, observer, verifier, disabled} {
		r.see[main] = true
	}
	mediator.edit[main], disabled.edit[main] = true, true
	outsider.see[other], outsider.edit[other] = true, true
	roles := []*role{{name: "anonymous", anon: true}, admin, mediator, ua, ru, observer, verifier, outsider, disabled}
	for _, r := range roles[1:] {
		r.token = a.signIn(r.user.Email, testPassword)
	}
	a.call("PATCH", fmt.Sprintf("/api/v1/users/%d", disabled.user.ID), map[string]any{"disabled": true}, 200, nil)
	disabled.dead = true

	// Records of the other track, and an event of no track.
	otherTheme := &parley.Theme{TrackID: other, Name: "Sovereignty", Options: []parley.Option{{Label: "a"}, {Label: "b"}}}
	must(t, a.store.CreateTheme(m.ctx, otherTheme))
	otherMeeting := &parley.Meeting{TrackID: other, Title: "Back channel", Format: parley.FormatCaucus, StartsAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), Attendees: []parley.Attendee{}}
	must(t, a.store.CreateMeeting(m.ctx, otherMeeting))
	otherEvent := &parley.Event{OccurredAt: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), Title: "Referendum", TrackIDs: []int64{other}}
	must(t, a.store.CreateEvent(m.ctx, otherEvent))
	freeEvent := &parley.Event{OccurredAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Title: "Ceasefire call", TrackIDs: []int64{}}
	must(t, a.store.CreateEvent(m.ctx, freeEvent))
	// Sealed notes of every audience on the track's meeting, and one on
	// the other track's.
	m.notes = map[string]*parley.MeetingNote{}
	for _, aud := range []parley.Audience{parley.AudienceMediators, parley.AudiencePlenary, parley.PartyAudience(f.ukraine.ID), parley.PartyAudience(f.russia.ID)} {
		n := &parley.MeetingNote{MeetingID: f.meeting.ID, Kind: parley.NoteCaucus, Audience: aud, Text: "Sealed for " + string(aud)}
		must(t, a.store.CreateNote(m.ctx, n))
		m.notes[string(aud)] = n
	}
	otherNote := &parley.MeetingNote{MeetingID: otherMeeting.ID, Kind: parley.NoteMinutes, Audience: parley.AudiencePlenary, Text: "Minutes"}
	must(t, a.store.CreateNote(m.ctx, otherNote))
	m.notes["other track"] = otherNote
	mainGrant, otherGrant := m.grantOn(main), m.grantOn(other)
	h := password.HashToken(password.NewToken())
	tok := &parley.APIToken{SecretHash: h[:], UserID: f.user.ID, Name: "someone else's"}
	must(t, a.store.CreateToken(m.ctx, tok))
	m.otherTok = tok.ID

	table := m.expectations(main, other, otherTheme.ID, otherMeeting.ID, otherEvent.ID, freeEvent.ID, mainGrant, otherGrant)
	m.deskExpectations(table, main, other)      // the desk's forms and what-if: desk_matrix_test.go
	m.proposalExpectations(table, main, other)  // proposals_matrix_test.go
	m.textExpectations(table, main, other)      // texts_matrix_test.go
	m.exchangeExpectations(table, main, other)  // exchanges_matrix_test.go
	m.childExpectations(table, main, other)     // children_matrix_test.go
	m.agreementExpectations(table, main, other) // agreements_matrix_test.go
	m.calendarExpectations(table)               // calendar_matrix_test.go
	m.setupExpectations(table, main, other)     // setup_matrix_test.go
	m.linkExpectations(table, main, other)      // links_matrix_test.go
	cases := 0
	for _, rt := range a.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		targets, ok := table[key]
		if !ok {
			t.Errorf("%s has no entry in the authorisation matrix; add one from the rules", key)
			continue
		}
		for _, tg := range targets() {
			for _, r := range roles {
				want := m.expect(rt, r, tg)
				got := m.send(rt, r, tg)
				cases++
				if got != want {
					t.Errorf("%s %s (%s) as %s: status %d, want %d", rt.Method, tg.path, tg.name, r.name, got, want)
				}
			}
		}
	}
	m.checkLists(roles[1:len(roles)-1], main, other)
	t.Logf("%d cases", cases)
	if cases < 300 {
		t.Errorf("only %d cases", cases)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// expect is the status for r: 401 without valid credentials on any route
// but the public ones, else the target's rule.
func (m *matrix) expect(rt route.Info, r *role, tg target) int {
	if rt.Policy != route.PolicyPublic && (r.anon || r.dead) {
		return http.StatusUnauthorized
	}
	return tg.want(r)
}

// send makes the request as r and returns the status. Each request that
// would end a session or destroy a record gets a fresh one to act on.
func (m *matrix) send(rt route.Info, r *role, tg target) int {
	a := m.a
	a.token = r.token
	if rt.Method == "DELETE" && rt.Pattern == "/api/v1/sessions/current" && !r.anon && !r.dead {
		// A fresh session to end; the address's sign-in bucket refills first.
		a.clock.Advance(limits.AddressLoginInterval)
		a.token = a.signIn(r.user.Email, testPassword)
	}
	defer func() { a.token = "" }()
	path := tg.path
	if path == "" {
		path = m.freshPath(rt, r)
	}
	var body any
	if tg.body != nil {
		body = tg.body(r)
	}
	res := a.do(rt.Method, path, body)
	if rt.Method == "POST" && rt.Pattern == "/api/v1/tracks" && res.Code == http.StatusCreated && !r.admin {
		// A mediator who opens a track mediates it (Caller.CanOpenTrack).
		var t parley.Track
		must(a.t, json.Unmarshal(res.Body.Bytes(), &t))
		r.see[t.ID], r.edit[t.ID] = true, true
	}
	return res.Code
}

// freshPath makes the record a destructive request acts on.
func (m *matrix) freshPath(rt route.Info, r *role) string {
	switch rt.Pattern {
	case "/api/v1/members/{id}":
		return fmt.Sprintf("/api/v1/members/%d", m.grantOn(m.f.other.ID))
	case "/api/v1/tokens/{id}":
		if r.user == nil {
			return "/api/v1/tokens/1"
		}
		h := password.HashToken(password.NewToken())
		tok := &parley.APIToken{SecretHash: h[:], UserID: r.user.ID, Name: "to revoke"}
		must(m.a.t, m.a.store.CreateToken(m.ctx, tok))
		return fmt.Sprintf("/api/v1/tokens/%d", tok.ID)
	case "/api/v1/calendar-feeds/{id}":
		if r.user == nil {
			return "/api/v1/calendar-feeds/1"
		}
		h := password.HashToken(password.NewToken())
		feed := &parley.CalendarFeed{SecretHash: h[:], UserID: r.user.ID}
		must(m.a.t, m.a.store.(parley.CalendarFeedService).CreateCalendarFeed(m.ctx, feed))
		return fmt.Sprintf("/api/v1/calendar-feeds/%d", feed.ID)
	}
	if p := m.freshSetupPath(rt); p != "" {
		return p
	}
	if p := m.freshProposalPath(rt); p != "" {
		return p
	}
	if p := m.freshTextPath(rt); p != "" {
		return p
	}
	m.a.t.Fatalf("no fresh record for %s", rt.Pattern)
	return ""
}

// grantOn makes a spare user an observer of the track and returns the grant.
func (m *matrix) grantOn(track int64) int64 {
	u := &parley.User{Email: m.unique("spare") + "@matrix.example.org", Name: "Spare"}
	u.Email = fmt.Sprintf("spare%d@matrix.example.org", m.n)
	must(m.a.t, m.a.store.CreateUser(m.ctx, u))
	g := &parley.Member{TrackID: track, UserID: u.ID, Role: parley.MemberObserver}
	must(m.a.t, m.a.store.CreateMember(m.ctx, g))
	return g.ID
}

// Rules, in the words of the root package's table.
func always(status int) func(*role) int { return func(*role) int { return status } }

func adminOnly(status int) func(*role) int {
	return func(r *role) int {
		if r.admin {
			return status
		}
		return http.StatusForbidden
	}
}

func readsTrack(track int64) func(*role) int {
	return func(r *role) int {
		if r.sees(track) {
			return http.StatusOK
		}
		return http.StatusNotFound
	}
}

func editsTrack(track int64, status int) func(*role) int {
	return func(r *role) int {
		switch {
		case !r.sees(track):
			return http.StatusNotFound
		case !r.edits(track):
			return http.StatusForbidden
		}
		return status
	}
}

// editsTrackInBody: a track named in a body that the caller may not see
// is an unknown reference (400), as a missing track is.
func editsTrackInBody(track int64) func(*role) int {
	return func(r *role) int {
		switch {
		case !r.sees(track):
			return http.StatusBadRequest
		case !r.edits(track):
			return http.StatusForbidden
		}
		return http.StatusCreated
	}
}

func selfOrAdmin(id int64) func(*role) int {
	return func(r *role) int {
		if r.admin || r.user.ID == id {
			return http.StatusOK
		}
		return http.StatusNotFound
	}
}

type M = map[string]any

// expectations lists, per route, the requests to try and the rule.
func (m *matrix) expectations(main, other, otherTheme, otherMeeting, otherEvent, freeEvent, mainGrant, otherGrant int64) map[string]func() []target {
	f := m.f
	tracks := []struct {
		name string
		id   int64
	}{{"its track", main}, {"another track", other}}
	perTrack := func(format string, body func(track int64) func(*role) any, rule func(track int64) func(*role) int) func() []target {
		return func() []target {
			var ts []target
			for _, tr := range tracks {
				path := format
				if strings.Contains(format, "%d") {
					path = fmt.Sprintf(format, tr.id)
				}
				tg := target{name: tr.name, path: path, want: rule(tr.id)}
				if body != nil {
					tg.body = body(tr.id)
				}
				ts = append(ts, tg)
			}
			return ts
		}
	}
	one := func(name, path string, body func(*role) any, want func(*role) int) func() []target {
		return func() []target { return []target{{name: name, path: path, body: body, want: want}} }
	}
	fixed := func(v any) func(*role) any { return func(*role) any { return v } }
	transition := func(track int64) func(*role) any {
		return func(*role) any {
			tr, err := m.a.store.FindTrackByID(m.ctx, track)
			must(m.a.t, err)
			to := parley.StatusActive
			if tr.Status == parley.StatusActive {
				to = parley.StatusPaused
			}
			return M{"to": to, "reason": "matrix"}
		}
	}
	return map[string]func() []target{
		"GET /healthz":          one("", "/healthz", nil, always(200)),
		"GET /readyz":           one("", "/readyz", nil, always(200)),
		"GET /api/openapi.json": one("", "/api/openapi.json", nil, always(200)),
		"POST /api/v1/sessions": one("own password", "/api/v1/sessions", func(r *role) any {
			if r.user == nil {
				return M{"email": "nobody@example.org", "password": testPassword}
			}
			return M{"email": r.user.Email, "password": testPassword}
		}, func(r *role) int {
			if r.anon || r.dead {
				return http.StatusUnauthorized
			}
			return http.StatusCreated
		}),
		"DELETE /api/v1/sessions/current": one("own session", "/api/v1/sessions/current", nil, always(204)),
		"GET /api/v1/tokens":              one("", "/api/v1/tokens", nil, always(200)),
		"POST /api/v1/tokens":             one("", "/api/v1/tokens", fixed(M{"name": "matrix"}), always(201)),
		"DELETE /api/v1/tokens/{id}": func() []target {
			return []target{
				{name: "own token", want: always(204)},
				{name: "another user's token", path: fmt.Sprintf("/api/v1/tokens/%d", m.otherTok), want: always(404)},
			}
		},

		"GET /api/v1/parties":        one("", "/api/v1/parties", nil, always(200)),
		"POST /api/v1/parties":       one("", "/api/v1/parties", func(*role) any { return M{"name": m.unique("Party"), "kind": "state"} }, opensTracks(201)),
		"GET /api/v1/parties/{id}":   one("", fmt.Sprintf("/api/v1/parties/%d", f.qatar.ID), nil, always(200)),
		"PATCH /api/v1/parties/{id}": one("", fmt.Sprintf("/api/v1/parties/%d", f.qatar.ID), fixed(M{"kind": "state"}), adminOnly(200)),
		"GET /api/v1/venues":         one("", "/api/v1/venues", nil, always(200)),
		"POST /api/v1/venues":        one("", "/api/v1/venues", func(*role) any { return M{"name": m.unique("Venue"), "city": "Geneva"} }, opensTracks(201)),
		"GET /api/v1/venues/{id}":    one("", fmt.Sprintf("/api/v1/venues/%d", f.doha.ID), nil, always(200)),
		"PATCH /api/v1/venues/{id}":  one("", fmt.Sprintf("/api/v1/venues/%d", f.doha.ID), fixed(M{"city": "Doha"}), adminOnly(200)),

		"GET /api/v1/tracks":                   one("", "/api/v1/tracks", nil, always(200)),
		"POST /api/v1/tracks":                  one("", "/api/v1/tracks", func(*role) any { return M{"title": m.unique("Track")} }, opensTracks(201)),
		"GET /api/v1/tracks/{id}":              perTrack("/api/v1/tracks/%d", nil, readsTrack),
		"PATCH /api/v1/tracks/{id}":            perTrack("/api/v1/tracks/%d", func(int64) func(*role) any { return fixed(M{"mandate": "Matrix."}) }, func(t int64) func(*role) int { return editsTrack(t, 200) }),
		"GET /api/v1/tracks/{id}/transitions":  perTrack("/api/v1/tracks/%d/transitions", nil, readsTrack),
		"POST /api/v1/tracks/{id}/transitions": perTrack("/api/v1/tracks/%d/transitions", transition, func(t int64) func(*role) int { return editsTrack(t, 201) }),
		"GET /api/v1/tracks/{id}/timeline":     perTrack("/api/v1/tracks/%d/timeline", nil, readsTrack),
		"GET /api/v1/tracks/{id}/briefing":     perTrack("/api/v1/tracks/%d/briefing?format=md", nil, readsTrack),
		"GET /api/v1/tracks/{id}/themes":       perTrack("/api/v1/tracks/%d/themes", nil, readsTrack),
		"POST /api/v1/tracks/{id}/themes": perTrack("/api/v1/tracks/%d/themes", func(int64) func(*role) any {
			return func(*role) any { return M{"name": m.unique("Theme"), "options": []M{{"label": "a"}, {"label": "b"}}} }
		}, func(t int64) func(*role) int { return editsTrack(t, 201) }),
		"GET /api/v1/themes/{id}": func() []target {
			return []target{
				{name: "theme of its track", path: fmt.Sprintf("/api/v1/themes/%d", f.theme.ID), want: readsTrack(main)},
				{name: "theme of another track", path: fmt.Sprintf("/api/v1/themes/%d", otherTheme), want: readsTrack(other)},
			}
		},
		"PATCH /api/v1/themes/{id}": func() []target {
			return []target{
				{name: "theme of its track", path: fmt.Sprintf("/api/v1/themes/%d", f.theme.ID), body: fixed(M{"description": "d"}), want: editsTrack(main, 200)},
				{name: "theme of another track", path: fmt.Sprintf("/api/v1/themes/%d", otherTheme), body: fixed(M{"description": "d"}), want: editsTrack(other, 200)},
			}
		},
		"GET /api/v1/tracks/{id}/members": perTrack("/api/v1/tracks/%d/members", nil, readsTrack),
		"POST /api/v1/tracks/{id}/members": perTrack("/api/v1/tracks/%d/members", func(int64) func(*role) any {
			return func(*role) any {
				u := &parley.User{Email: fmt.Sprintf("new%d@matrix.example.org", m.n), Name: "New"}
				m.n++
				must(m.a.t, m.a.store.CreateUser(m.ctx, u))
				return M{"user_id": u.ID, "role": "observer"}
			}
		}, func(t int64) func(*role) int { return grants(t, 201) }),
		"GET /api/v1/members/{id}": func() []target {
			return []target{
				{name: "grant on its track", path: fmt.Sprintf("/api/v1/members/%d", mainGrant), want: readsTrack(main)},
				{name: "grant on another track", path: fmt.Sprintf("/api/v1/members/%d", otherGrant), want: readsTrack(other)},
			}
		},
		"PATCH /api/v1/members/{id}":  one("", fmt.Sprintf("/api/v1/members/%d", otherGrant), fixed(M{"role": "observer"}), grants(other, 200)),
		"DELETE /api/v1/members/{id}": func() []target { return []target{{name: "a spare grant", want: grants(other, 204)}} },

		"GET /api/v1/meetings": one("", "/api/v1/meetings", nil, always(200)),
		"POST /api/v1/meetings": perTrack("/api/v1/meetings", func(t int64) func(*role) any {
			return fixed(M{"track_id": t, "title": "Matrix meeting", "format": "plenary", "starts_at": "2024-05-01T09:00:00Z"})
		}, editsTrackInBody),
		"GET /api/v1/meetings/{id}": func() []target {
			return []target{
				{name: "meeting of its track", path: fmt.Sprintf("/api/v1/meetings/%d", f.meeting.ID), want: readsTrack(main)},
				{name: "meeting of another track", path: fmt.Sprintf("/api/v1/meetings/%d", otherMeeting), want: readsTrack(other)},
			}
		},
		"GET /api/v1/meetings/{id}/ics": func() []target {
			return []target{
				{name: "meeting of its track", path: fmt.Sprintf("/api/v1/meetings/%d/ics", f.meeting.ID), want: readsTrack(main)},
				{name: "meeting of another track", path: fmt.Sprintf("/api/v1/meetings/%d/ics?lang=uk", otherMeeting), want: readsTrack(other)},
			}
		},
		"PATCH /api/v1/meetings/{id}": func() []target {
			return []target{
				{name: "meeting of its track", path: fmt.Sprintf("/api/v1/meetings/%d", f.meeting.ID), body: fixed(M{"outcome": "o"}), want: editsTrack(main, 200)},
				{name: "meeting of another track", path: fmt.Sprintf("/api/v1/meetings/%d", otherMeeting), body: fixed(M{"outcome": "o"}), want: editsTrack(other, 200)},
			}
		},

		"GET /api/v1/meetings/{id}/notes": func() []target {
			return []target{
				{name: "meeting of its track", path: fmt.Sprintf("/api/v1/meetings/%d/notes", f.meeting.ID), want: readsTrack(main)},
				{name: "meeting of another track", path: fmt.Sprintf("/api/v1/meetings/%d/notes", otherMeeting), want: readsTrack(other)},
			}
		},
		"POST /api/v1/meetings/{id}/notes": func() []target {
			var ts []target
			for _, aud := range []string{"mediators", "plenary", fmt.Sprintf("party:%d", f.ukraine.ID)} {
				ts = append(ts, target{name: "meeting of its track, audience " + aud, path: fmt.Sprintf("/api/v1/meetings/%d/notes", f.meeting.ID),
					body: fixed(M{"kind": "caucus", "audience": aud, "text": "Matrix note"}), want: editsTrack(main, 201)})
			}
			return append(ts, target{name: "meeting of another track", path: fmt.Sprintf("/api/v1/meetings/%d/notes", otherMeeting),
				body: fixed(M{"kind": "minutes", "audience": "plenary", "text": "Matrix minutes"}), want: editsTrack(other, 201)})
		},
		"GET /api/v1/notes/{id}": func() []target {
			var ts []target
			for _, name := range sortedKeys(m.notes) {
				n := m.notes[name]
				ts = append(ts, target{name: "note for " + name, path: fmt.Sprintf("/api/v1/notes/%d", n.ID), want: func(r *role) int {
					if r.reads(n.TrackID, n.Audience) {
						return 200
					}
					return 404
				}})
			}
			return ts
		},
		"GET /api/v1/audit/checkpoint":  one("", "/api/v1/audit/checkpoint", nil, always(200)),
		"GET /api/v1/audit/checkpoints": one("", "/api/v1/audit/checkpoints", nil, always(200)),
		"GET /api/v1/audit/entries/{index}/proof": func() []target {
			// One entry of each kind the ledger holds — of no track, and of
			// each track and audience — found through the trusted context.
			seen := map[string]bool{}
			var ts []target
			for i := int64(0); ; i++ {
				p, err := m.a.store.ProveInclusion(m.ctx, i)
				if err != nil {
					break
				}
				e := p.Entry
				kind := "no track"
				if e.TrackID != nil {
					kind = fmt.Sprintf("track %d, %s", *e.TrackID, e.Audience)
				}
				if seen[kind] {
					continue
				}
				seen[kind] = true
				ts = append(ts, target{name: "entry of " + kind, path: fmt.Sprintf("/api/v1/audit/entries/%d/proof", i), want: func(r *role) int {
					if e.TrackID == nil && r.admin || e.TrackID != nil && r.reads(*e.TrackID, e.Audience) {
						return 200
					}
					return 404
				}})
			}
			if len(seen) < 4 {
				panic(fmt.Sprintf("the ledger holds entries of only %d kinds", len(seen)))
			}
			return ts
		},
		"GET /api/v1/audit/consistency": func() []target {
			sizes, err := m.a.store.AuditCheckpoints(m.ctx)
			if err != nil || len(sizes) == 0 {
				panic(fmt.Sprintf("checkpoints: %v %v", sizes, err))
			}
			path := fmt.Sprintf("/api/v1/audit/consistency?old=%d&new=%d", sizes[0], sizes[len(sizes)-1])
			return []target{{name: "first to last checkpoint", path: path, want: always(200)}}
		},

		// Pages, as a script sees them (no Accept: text/html).
		"GET /static/desk.css":      one("", "/static/desk.css", nil, always(200)),
		"GET /static/desk.js":       one("", "/static/desk.js", nil, always(200)),
		"GET /signin":               one("", "/signin", nil, always(200)),
		"GET /map":                  one("", "/map", nil, always(200)),
		"GET /tracks/{id}":          perTrack("/tracks/%d", nil, readsTrack),
		"GET /tracks/{id}/profiles": perTrack("/tracks/%d/profiles", nil, readsTrack),
		"GET /tracks/{id}/profiles/{party_id}": func() []target {
			return []target{
				{name: "Ukraine's", path: fmt.Sprintf("/tracks/%d/profiles/%d", main, f.ukraine.ID), want: readsProfile(main, f.ukraine.ID)},
				{name: "Russia's", path: fmt.Sprintf("/tracks/%d/profiles/%d", main, f.russia.ID), want: readsProfile(main, f.russia.ID)},
			}
		},
		// The analysis and the export combine every party's sealed profile:
		// mediators only; anyone else gets 404, as for a missing record.
		// (On the track with profiles: one without answers 409.)
		"GET /api/v1/tracks/{id}/export":   one("its track", fmt.Sprintf("/api/v1/tracks/%d/export", main), nil, mediatorsOnly(main)),
		"GET /api/v1/tracks/{id}/analysis": one("its track", fmt.Sprintf("/api/v1/tracks/%d/analysis", main), nil, mediatorsOnly(main)),
		"GET /tracks/{id}/analysis":        one("its track", fmt.Sprintf("/tracks/%d/analysis", main), nil, mediatorsOnly(main)),

		"GET /api/v1/events": one("", "/api/v1/events", nil, always(200)),
		"POST /api/v1/events": func() []target {
			ts := perTrack("/api/v1/events", func(t int64) func(*role) any {
				return fixed(M{"occurred_at": "2024-04-01T00:00:00Z", "title": "Matrix event", "track_ids": []int64{t}})
			}, editsTrackInBody)()
			return append(ts, target{name: "no track", path: "/api/v1/events", body: fixed(M{"occurred_at": "2024-04-01T00:00:00Z", "title": "Free event"}),
				want: func(r *role) int {
					if r.admin {
						return 201
					}
					return 403
				}})
		},
		"GET /api/v1/events/{id}": func() []target {
			return []target{
				{name: "event of its track", path: fmt.Sprintf("/api/v1/events/%d", f.event.ID), want: readsTrack(main)},
				{name: "event of another track", path: fmt.Sprintf("/api/v1/events/%d", otherEvent), want: readsTrack(other)},
				{name: "event of no track", path: fmt.Sprintf("/api/v1/events/%d", freeEvent), want: always(200)},
			}
		},
		"PATCH /api/v1/events/{id}": func() []target {
			return []target{
				{name: "event of its track", path: fmt.Sprintf("/api/v1/events/%d", f.event.ID), body: fixed(M{"source": "s"}), want: editsTrack(main, 200)},
				{name: "event of another track", path: fmt.Sprintf("/api/v1/events/%d", otherEvent), body: fixed(M{"source": "s"}), want: editsTrack(other, 200)},
				{name: "event of no track", path: fmt.Sprintf("/api/v1/events/%d", freeEvent), body: fixed(M{"source": "s"}), want: func(r *role) int {
					if r.admin {
						return 200
					}
					return 403
				}},
			}
		},

		"POST /api/v1/users": one("", "/api/v1/users", func(*role) any {
			return M{"email": fmt.Sprintf("made%d@matrix.example.org", m.n+1), "name": m.unique("Made"), "password": testPassword}
		}, adminOnly(201)),
		"GET /api/v1/users/me": one("", "/api/v1/users/me", nil, always(200)),
		"GET /api/v1/users":    one("", "/api/v1/users", nil, adminOnly(200)),
		"GET /api/v1/users/{id}": func() []target {
			return []target{
				{name: "another account", path: fmt.Sprintf("/api/v1/users/%d", f.user2.ID), want: selfOrAdmin(f.user2.ID)},
			}
		},
		"PATCH /api/v1/users/{id}": one("", fmt.Sprintf("/api/v1/users/%d", f.user2.ID), fixed(M{"name": "Delegate"}), adminOnly(200)),
		"GET /api/v1/users/{id}/memberships": func() []target {
			return []target{{name: "another account", path: fmt.Sprintf("/api/v1/users/%d/memberships", f.user2.ID), want: selfOrAdmin(f.user2.ID)}}
		},

		// Sealed profiles (served once the store keeps them): a delegate
		// reads and edits only its own party's, the mediators all, nobody
		// else any.
		"GET /api/v1/tracks/{id}/profiles": perTrack("/api/v1/tracks/%d/profiles", nil, readsTrack),
		"GET /api/v1/tracks/{id}/profiles/{party_id}": func() []target {
			return []target{
				{name: "Ukraine's", path: fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", main, f.ukraine.ID), want: readsProfile(main, f.ukraine.ID)},
				{name: "Russia's", path: fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", main, f.russia.ID), want: readsProfile(main, f.russia.ID)},
			}
		},
		"PUT /api/v1/tracks/{id}/profiles/{party_id}": func() []target {
			body := fixed(M{"weights": M{"Duration": 1}, "values": M{"Duration": M{"30 days": 1, "Indefinite": 0}}, "reservation": 0.2,
				"red_lines": []M{}, "core_demands": []M{}, "notes": "matrix"})
			return []target{
				{name: "Ukraine's", path: fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", main, f.ukraine.ID), body: body, want: editsProfile(main, f.ukraine.ID)},
				{name: "Russia's", path: fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", main, f.russia.ID), body: body, want: editsProfile(main, f.russia.ID)},
			}
		},
		"GET /api/v1/tracks/{id}/profiles/{party_id}/history": func() []target {
			return []target{
				{name: "Ukraine's", path: fmt.Sprintf("/api/v1/tracks/%d/profiles/%d/history", main, f.ukraine.ID), want: readsProfile(main, f.ukraine.ID)},
				{name: "Russia's", path: fmt.Sprintf("/api/v1/tracks/%d/profiles/%d/history", main, f.russia.ID), want: readsProfile(main, f.russia.ID)},
			}
		},
	}
}

// readsProfile: the party's delegates and the mediators; the profile was
// written before (PUT comes first in the table), so a reader gets 200.
func readsProfile(track, party int64) func(*role) int {
	return func(r *role) int {
		if r.edits(track) || r.delegateOf(party) {
			return http.StatusOK
		}
		return http.StatusNotFound
	}
}

func editsProfile(track, party int64) func(*role) int {
	return func(r *role) int {
		switch {
		case !r.sees(track):
			return http.StatusNotFound
		case r.edits(track) || r.delegateOf(party):
			return http.StatusOK
		}
		return http.StatusForbidden
	}
}

// checkLists: the lists hold nothing of a track the caller may not see,
// and everything of one it may (no existence oracle through a list).
func (m *matrix) checkLists(roles []*role, tracks ...int64) {
	a := m.a
	defer func() { a.token = "" }()
	for _, r := range roles {
		a.token = r.token
		var ts api.List[parley.Track]
		a.call("GET", "/api/v1/tracks?limit=1000", nil, 200, &ts)
		var ms api.List[parley.Meeting]
		a.call("GET", "/api/v1/meetings?limit=1000", nil, 200, &ms)
		var es api.List[parley.Event]
		a.call("GET", "/api/v1/events?limit=1000", nil, 200, &es)
		for _, tr := range tracks {
			listed := false
			for _, x := range ts.Items {
				listed = listed || x.ID == tr
			}
			if listed != r.sees(tr) {
				a.t.Errorf("GET /api/v1/tracks as %s: track %d listed %v, want %v", r.name, tr, listed, r.sees(tr))
			}
		}
		if ts.Total != len(ts.Items) {
			a.t.Errorf("GET /api/v1/tracks as %s: total %d for %d items", r.name, ts.Total, len(ts.Items))
		}
		for _, x := range ms.Items {
			if !r.sees(x.TrackID) {
				a.t.Errorf("GET /api/v1/meetings as %s lists meeting %d of track %d", r.name, x.ID, x.TrackID)
			}
		}
		for _, x := range es.Items {
			seen := len(x.TrackIDs) == 0 || r.admin
			for _, tr := range x.TrackIDs {
				seen = seen || r.sees(tr)
			}
			if !seen {
				a.t.Errorf("GET /api/v1/events as %s lists event %d of tracks %v", r.name, x.ID, x.TrackIDs)
			}
		}
	}
}

func mediatorsOnly(track int64) func(*role) int {
	return func(r *role) int {
		if r.edits(track) {
			return http.StatusOK
		}
		return http.StatusNotFound
	}
}
