package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/route"
)

// TestAPIHappyPaths calls every route of the table with good input and
// checks the answer; a final check proves every route was called with
// success.
func TestAPIHappyPaths(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) { testAPIHappyPaths(t, b.open(t)) })
	}
}

func testAPIHappyPaths(t *testing.T, a *testAPI) {
	f := a.seed()
	tr, th, mt, ev, mb := f.track.ID, f.theme.ID, f.meeting.ID, f.event.ID, f.member.ID
	type M = map[string]any
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		want         []string // substrings of the response body
	}{
		{"GET", "/healthz", nil, 200, []string{`"status":"ok"`}},
		{"GET", "/readyz", nil, 200, []string{`"status":"ready"`}},
		{"GET", "/api/openapi.json", nil, 200, []string{`"openapi": "3.1.0"`}},

		{"GET", "/api/v1/parties", nil, 200, []string{`"total":3`, `"offset":0`, `"limit":100`, `"Ukraine"`}},
		{"GET", "/api/v1/parties?offset=1&limit=1", nil, 200, []string{`"total":3`, `"Russia"`, `"offset":1`, `"limit":1`}},
		{"POST", "/api/v1/parties", M{"name": "Türkiye", "kind": "state"}, 201, []string{`"name":"Türkiye"`}},
		{"GET", fmt.Sprintf("/api/v1/parties/%d", f.qatar.ID), nil, 200, []string{`"Qatar"`}},
		{"PATCH", fmt.Sprintf("/api/v1/parties/%d", f.qatar.ID), M{"name": "State of Qatar"}, 200, []string{`"State of Qatar"`, `"kind":"state"`}},

		{"GET", "/api/v1/venues", nil, 200, []string{`"Doha"`}},
		{"POST", "/api/v1/venues", M{"name": "Jeddah summit venue", "city": "Jeddah"}, 201, []string{`"Jeddah"`}},
		{"GET", fmt.Sprintf("/api/v1/venues/%d", f.doha.ID), nil, 200, []string{`"Doha talks venue"`}},
		{"PATCH", fmt.Sprintf("/api/v1/venues/%d", f.doha.ID), M{"country": "QA"}, 200, []string{`"country":"QA"`}},

		{"GET", "/api/v1/tracks", nil, 200, []string{`"total":2`}},
		{"GET", "/api/v1/tracks?status=exploratory", nil, 200, []string{`"total":2`}},
		{"GET", "/api/v1/tracks?status=active", nil, 200, []string{`"total":0`, `"items":[]`}},
		{"POST", "/api/v1/tracks", M{"title": "Prisoner exchanges", "status": "active"}, 201, []string{`"status":"active"`, `"parties":[]`}},
		{"GET", fmt.Sprintf("/api/v1/tracks/%d", tr), nil, 200, []string{`"role":"mediator"`, `"venue_ids":[`, `"themes":[`, `"Duration"`}},
		{"PATCH", fmt.Sprintf("/api/v1/tracks/%d", tr), M{"mandate": "Halt strikes on power plants and the grid."}, 200, []string{`power plants`}},
		{"PUT", fmt.Sprintf("/api/v1/tracks/%d/second-factor", tr), M{"required": false}, 200, []string{fmt.Sprintf(`"track_id":%d`, tr), `"required":false`}},
		{"POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), M{"to": "active", "reason": "Both delegations accept"}, 201, []string{`"from":"exploratory"`, `"to":"active"`}},
		{"POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), M{"to": "paused", "reason": "After the Kursk offensive", "event_id": ev}, 201, []string{`"to":"paused"`, fmt.Sprintf(`"event_id":%d`, ev)}},
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr), nil, 200, []string{`"total":3`, `"reason":"created"`}},
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/timeline", tr), nil, 200, []string{`"kind":"transition"`, `"kind":"meeting"`, `"kind":"event"`, `"limit":100`}},

		{"GET", fmt.Sprintf("/api/v1/tracks/%d/themes", tr), nil, 200, []string{`"Duration"`}},
		{"POST", fmt.Sprintf("/api/v1/tracks/%d/themes", tr), M{"name": "Monitoring", "options": []M{{"label": "None"}, {"label": "IAEA"}, {"label": "Neutral monitors"}}}, 201, []string{`"position":1`}},
		{"GET", fmt.Sprintf("/api/v1/themes/%d", th), nil, 200, []string{`"30 days"`}},
		{"PATCH", fmt.Sprintf("/api/v1/themes/%d", th), M{"description": "How long the halt lasts"}, 200, []string{`How long`}},

		{"GET", fmt.Sprintf("/api/v1/tracks/%d/members", tr), nil, 200, []string{`"role":"mediator"`}},
		{"POST", fmt.Sprintf("/api/v1/tracks/%d/members", tr), M{"user_id": f.user2.ID, "role": "delegate", "party_id": f.ukraine.ID}, 201, []string{`"role":"delegate"`}},
		{"GET", fmt.Sprintf("/api/v1/members/%d", mb), nil, 200, []string{`"role":"mediator"`}},
		{"PATCH", fmt.Sprintf("/api/v1/members/%d", mb), M{"role": "observer"}, 200, []string{`"role":"observer"`}},
		{"GET", fmt.Sprintf("/api/v1/users/%d/memberships", f.user.ID), nil, 200, []string{`"total":1`}},
		{"DELETE", fmt.Sprintf("/api/v1/members/%d", mb), nil, 204, nil},

		{"GET", "/api/v1/meetings", nil, 200, []string{`"Proximity talks"`}},
		{"GET", fmt.Sprintf("/api/v1/meetings?track_id=%d&venue_id=%d", tr, f.doha.ID), nil, 200, []string{`"total":1`}},
		{"GET", fmt.Sprintf("/api/v1/meetings?track_id=%d", f.other.ID), nil, 200, []string{`"total":0`}},
		{"POST", "/api/v1/meetings", M{"track_id": tr, "title": "Caucus with Ukraine", "format": "caucus", "starts_at": "2024-07-01T10:00:00+02:00"}, 201, []string{`"attendees":[]`, `"starts_at":"2024-07-01T08:00:00Z"`}},
		{"GET", fmt.Sprintf("/api/v1/meetings/%d", mt), nil, 200, []string{`"Head of delegation"`}},
		{"PATCH", fmt.Sprintf("/api/v1/meetings/%d", mt), M{"outcome": "A text to prepare", "venue_id": nil, "ends_at": nil}, 200, []string{`A text to prepare`}},

		{"GET", "/api/v1/events", nil, 200, []string{`"Kursk offensive"`}},
		{"GET", fmt.Sprintf("/api/v1/events?track_id=%d", f.other.ID), nil, 200, []string{`"total":0`}},
		{"POST", "/api/v1/events", M{"occurred_at": "2023-07-17T00:00:00Z", "title": "Russia leaves the grain deal"}, 201, []string{`"track_ids":[]`}},
		{"GET", fmt.Sprintf("/api/v1/events/%d", ev), nil, 200, []string{`"source":"news"`}},
		{"PATCH", fmt.Sprintf("/api/v1/events/%d", ev), M{"track_ids": []int64{tr, f.other.ID}}, 200, []string{fmt.Sprintf(`"track_ids":[%d,%d]`, tr, f.other.ID)}},

		{"GET", "/api/v1/users", nil, 200, []string{`"mediator@example.org"`}},
		{"GET", fmt.Sprintf("/api/v1/users/%d", f.user.ID), nil, 200, []string{`"admin":false`}},
		{"PATCH", fmt.Sprintf("/api/v1/users/%d", f.user.ID), M{"name": "Chief mediator", "admin": true}, 200, []string{`"admin":true`, `"Chief mediator"`}},
		{"POST", "/api/v1/users", M{"email": "ru@example.org", "name": "Delegate of Russia", "password": testPassword}, 201, []string{`"ru@example.org"`}},
		{"GET", "/api/v1/users/me", nil, 200, []string{`"admin@example.org"`, `"admin":true`}},

		{"PUT", fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", tr, f.ukraine.ID), M{"weights": M{"Duration": 0.7}, "values": M{"Duration": M{"30 days": 1, "Indefinite": 0.2}},
			"reservation": 0.4, "red_lines": []M{{"kind": "forbid", "issue": "Duration", "option": "Indefinite"}}, "core_demands": []M{}, "notes": "Energy first."}, 200, []string{`"version":1`, `"Energy first."`}},
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", tr, f.ukraine.ID), nil, 200, []string{`"reservation":0.4`}},
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/profiles/%d/history", tr, f.ukraine.ID), nil, 200, []string{`"total":1`}},
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/profiles", tr), nil, 200, []string{`"total":1`}},

		{"POST", "/api/v1/tokens", M{"name": "ci"}, 201, []string{`"name":"ci"`, `"token":"parley_`}},
		{"GET", "/api/v1/tokens", nil, 200, []string{`"name":"ci"`, `"total":1`}},
		{"DELETE", "/api/v1/tokens/1", nil, 204, nil},
		{"GET", "/api/v1/tokens", nil, 200, []string{`"revoked_at":"`}},
	} {
		w := a.do(tc.method, tc.path, tc.body)
		if w.Code != tc.status {
			t.Errorf("%s %s: status %d, want %d: %s", tc.method, tc.path, w.Code, tc.status, w.Body)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("%s %s: response lacks %s: %s", tc.method, tc.path, s, w.Body)
			}
		}
		if tc.status == 201 && w.Header().Get("Location") == "" && !strings.HasSuffix(tc.path, "/transitions") {
			t.Errorf("%s %s: 201 without Location", tc.method, tc.path)
		}
	}
	// The meeting's venue and end were cleared by the explicit nulls.
	var m map[string]any
	a.call("GET", fmt.Sprintf("/api/v1/meetings/%d", mt), nil, 200, &m)
	if _, ok := m["venue_id"]; ok {
		t.Errorf("venue_id survived an explicit null: %v", m)
	}
	// A sealed caucus note on the meeting, read back whole and in its list.
	var note parley.MeetingNote
	a.call("POST", fmt.Sprintf("/api/v1/meetings/%d/notes", mt), M{"kind": "caucus", "audience": fmt.Sprintf("party:%d", f.ukraine.ID), "text": "Ukraine will trade scope for monitoring."}, 201, &note)
	if note.ID == 0 || note.Text != "Ukraine will trade scope for monitoring." {
		t.Errorf("created note = %+v", note)
	}
	var got parley.MeetingNote
	a.call("GET", fmt.Sprintf("/api/v1/notes/%d", note.ID), nil, 200, &got)
	if got.Text != note.Text || got.Audience != parley.PartyAudience(f.ukraine.ID) {
		t.Errorf("read note = %+v, want %+v", got, note)
	}
	if w := a.do("GET", fmt.Sprintf("/api/v1/meetings/%d/notes", mt), nil); w.Code != 200 || !strings.Contains(w.Body.String(), "trade scope for monitoring") {
		t.Errorf("GET notes: %d %s", w.Code, w.Body)
	}
	testProposalHappyPaths(t, a, f)
	testTextHappyPaths(t, a, f)
	testExchangeHappyPaths(t, a, f)
	testChildHappyPaths(t, a, f)
	testAgreementHappyPaths(t, a, f)
	testSetupHappyPaths(t, a, f) // setup_test.go

	// The ledger: checkpoints, an inclusion proof of the note's entry and a
	// consistency proof between the first and the last checkpoint.
	var sizes []int64
	a.call("GET", "/api/v1/audit/checkpoints", nil, 200, &sizes)
	if len(sizes) == 0 {
		t.Fatal("no signed checkpoint")
	}
	var proof parley.InclusionProof
	a.call("GET", "/api/v1/audit/entries/0/proof", nil, 200, &proof)
	if proof.Entry == nil || proof.Entry.Index != 0 || proof.TreeSize < 1 || proof.Root == "" {
		t.Errorf("inclusion proof of entry 0 = %+v", proof)
	}
	var cons parley.ConsistencyProof
	a.call("GET", fmt.Sprintf("/api/v1/audit/consistency?old=%d&new=%d", sizes[0], sizes[len(sizes)-1]), nil, 200, &cons)
	if cons.OldSize != sizes[0] || cons.NewSize != sizes[len(sizes)-1] || cons.NewRoot == "" {
		t.Errorf("consistency proof = %+v", cons)
	}

	var latest parley.SignedCheckpoint
	a.call("GET", "/api/v1/audit/checkpoint", nil, 200, &latest)
	if latest.Size < sizes[len(sizes)-1] || latest.Root == "" || latest.Note == "" {
		t.Errorf("latest checkpoint = %+v, after the checkpoints %v", latest, sizes)
	}

	a.linkHappyPaths(t, f) // links_api_test.go

	// Signing out ends the session: its token no longer works.
	a.call("DELETE", "/api/v1/sessions/current", nil, 204, nil)
	a.call("GET", "/api/v1/users/me", nil, 401, nil)
	for _, rt := range a.srv.Routes() {
		if !a.hitWithSuccess(rt) && !deskRoute(rt) { // the desk's routes: desk_test.go
			t.Errorf("no happy-path test calls %s %s", rt.Method, rt.Pattern)
		}
	}
}

func (a *testAPI) hitWithSuccess(rt route.Info) bool {
	for k := range a.hit { // "GET /api/v1/tracks 200"
		if strings.HasPrefix(k, rt.Method+" "+rt.Pattern+" 2") {
			return true
		}
	}
	return false
}

// TestListEnvelope checks that every list pages the same way.
func TestListEnvelope(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) { testListEnvelope(t, b.open(t)) })
	}
}

func testListEnvelope(t *testing.T, a *testAPI) {
	f := a.seed()
	for _, path := range []string{"/api/v1/parties", fmt.Sprintf("/api/v1/tracks/%d/members", f.track.ID)} {
		var all, page api.List[json.RawMessage]
		a.call("GET", path, nil, http.StatusOK, &all)
		a.call("GET", path+"?offset=1&limit=1", nil, http.StatusOK, &page)
		if page.Total != all.Total || page.Offset != 1 || page.Limit != 1 || len(page.Items) != 1 || string(page.Items[0]) != string(all.Items[1]) {
			t.Errorf("%s: page 1/1 is %+v of %+v", path, page, all)
		}
		a.call("GET", path+"?offset=1000", nil, http.StatusOK, &page)
		if len(page.Items) != 0 || page.Total != all.Total {
			t.Errorf("%s: past the end: %+v", path, page)
		}
	}

	// The timeline pages by cursor, in either order.
	path := fmt.Sprintf("/api/v1/tracks/%d/timeline", f.track.ID)
	var all parley.Timeline
	a.call("GET", path, nil, http.StatusOK, &all)
	if len(all.Entries) < 2 || all.Next != "" || all.Limit != parley.DefaultLimit {
		t.Fatalf("%s: the whole timeline is %d entries, next %q, limit %d", path, len(all.Entries), all.Next, all.Limit)
	}
	for _, order := range []string{"oldest", "newest"} {
		var got []*parley.TimelineEntry
		for q := path + "?limit=1&order=" + order; ; {
			var page parley.Timeline
			a.call("GET", q, nil, http.StatusOK, &page)
			got = append(got, page.Entries...)
			if page.Next == "" {
				break
			}
			q = path + "?limit=1&order=" + order + "&cursor=" + url.QueryEscape(page.Next)
		}
		want := slices.Clone(all.Entries)
		if order == "newest" {
			slices.Reverse(want)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s in pages of 1, %s first (-want +got):\n%s", path, order, diff)
		}
	}
}
