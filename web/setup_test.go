package web

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// testSetupHappyPaths walks setting up talks through the API: an
// administrator invites a mediator, who accepts, opens a track with its
// parties and venue, invites a delegate (and revokes a second invitation),
// moves the track's start back, and after the track collapsed revives it.
func testSetupHappyPaths(t *testing.T, a *testAPI, f *fixture) {
	t.Helper()
	admin := a.token
	defer func() { a.token = admin }()
	var made struct {
		Invitation parley.Invitation `json:"invitation"`
		URL        string            `json:"url"`
	}
	a.call("POST", "/api/v1/invitations", M{"email": "opener@example.org", "name": "Opening mediator", "role": "mediator"}, 201, &made)
	_, secret, ok := strings.Cut(made.URL, "/invitations/")
	if !ok || made.Invitation.Role != parley.MemberMediator || made.Invitation.TrackID != nil {
		t.Fatalf("the mediator's invitation: %+v", made)
	}
	a.token = ""
	var u parley.User
	a.call("POST", "/api/v1/invitations/accept", M{"token": secret, "password": testPassword}, 201, &u)
	if !u.Mediator || u.Email != "opener@example.org" || u.Name != "Opening mediator" {
		t.Fatalf("the accepted mediator: %+v", u)
	}
	a.call("POST", "/api/v1/invitations/accept", M{"token": secret, "password": testPassword}, 404, nil)

	a.token = a.signIn("opener@example.org", testPassword)
	var p parley.Party
	a.call("POST", "/api/v1/parties", M{"name": "Azerbaijan", "kind": "state"}, 201, &p)
	var v parley.Venue
	a.call("POST", "/api/v1/venues", M{"name": "Almaty", "city": "Almaty"}, 201, &v)
	var tr parley.Track
	a.call("POST", "/api/v1/tracks", M{"title": "Peace treaty", "venue_ids": []int64{v.ID},
		"parties": []M{{"party_id": p.ID, "role": "principal"}, {"party_id": f.ukraine.ID, "role": "guarantor"}}}, 201, &tr)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/invitations", tr.ID), M{"email": "az@example.org", "name": "Azerbaijan's delegate", "role": "delegate", "party_id": p.ID}, 201, &made)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/invitations", tr.ID), M{"email": "g@example.org", "name": "Guarantor", "role": "guarantor", "party_id": f.ukraine.ID}, 201, &made)
	var list struct{ Items []*parley.Invitation }
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/invitations", tr.ID), nil, 200, &list)
	if len(list.Items) != 2 || list.Items[0].Role != parley.MemberGuarantor {
		t.Fatalf("the track's invitations: %+v", list.Items)
	}
	a.call("DELETE", fmt.Sprintf("/api/v1/invitations/%d", made.Invitation.ID), nil, 204, nil)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/invitations", tr.ID), M{"email": "m@example.org", "name": "Another mediator", "role": "mediator"}, 403, nil)

	var first parley.Transition
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/start", tr.ID), M{"at": "2022-03-29T09:00:00Z"}, 200, &first)
	if first.At.Year() != 2022 || first.From != "" {
		t.Errorf("the moved start: %+v", first)
	}
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr.ID), M{"to": "active", "reason": "talks opened", "at": "2022-03-30T09:00:00Z"}, 201, nil)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/transitions", tr.ID), M{"to": "collapsed", "reason": "talks broke down", "at": "2022-05-17T09:00:00Z"}, 201, nil)
	var next parley.Track
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/revival", tr.ID), M{"title": "Peace treaty, second round", "reason": "both sides asked to resume"}, 201, &next)
	if next.Revives == nil || *next.Revives != tr.ID {
		t.Errorf("the revived track: %+v", next)
	}
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d", tr.ID), nil, 200, &tr)
	if tr.RevivedAs == nil || *tr.RevivedAs != next.ID {
		t.Errorf("the collapsed track's successor: %v", tr.RevivedAs)
	}
}

// TestThemeIfMatch: two mediators read a theme; the first changes it with
// its ETag; the second's change from the old ETag is refused (409) and
// changes nothing; a change without If-Match, or from the new ETag, goes
// through.
func TestThemeIfMatch(t *testing.T) {
	a := newTestAPI(t)
	f := a.seed()
	tokens := make([]string, 2)
	for i := range tokens {
		u := a.createTestUser(fmt.Sprintf("med%d@example.org", i), fmt.Sprintf("Mediator %d", i), false)
		must(t, a.store.CreateMember(sysCtx, &parley.Member{TrackID: f.track.ID, UserID: u.ID, Role: parley.MemberMediator}))
		tokens[i] = a.signIn(u.Email, testPassword)
	}
	path := fmt.Sprintf("/api/v1/themes/%d", f.theme.ID)
	a.token = tokens[0]
	w := a.do("GET", path, nil)
	etag := w.Header().Get("ETag")
	if w.Code != 200 || etag == "" {
		t.Fatalf("GET theme: %d, ETag %q", w.Code, etag)
	}
	patch := func(token, ifMatch string, body M) *httptest.ResponseRecorder {
		a.token = token
		req := httptest.NewRequest("PATCH", path, strings.NewReader(jsonBody(t, body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		return rec
	}
	first := patch(tokens[0], etag, M{"description": "First mediator's wording"})
	if first.Code != 200 || first.Header().Get("ETag") == etag {
		t.Fatalf("the first change: %d, ETag %q (was %q)", first.Code, first.Header().Get("ETag"), etag)
	}
	second := patch(tokens[1], etag, M{"description": "Second mediator's wording"})
	if second.Code != 409 || !strings.Contains(second.Body.String(), "someone changed this theme") {
		t.Fatalf("the second, stale change: %d %s", second.Code, second.Body)
	}
	got, err := a.store.FindThemeByID(sysCtx, f.theme.ID)
	must(t, err)
	if got.Description != "First mediator's wording" {
		t.Errorf("the stale change was stored: %q", got.Description)
	}
	if w := patch(tokens[1], `not-an-etag`, M{"description": "x"}); w.Code != 400 {
		t.Errorf("a malformed If-Match: %d", w.Code)
	}
	if w := patch(tokens[1], first.Header().Get("ETag"), M{"description": "Second, after reading again"}); w.Code != 200 {
		t.Errorf("the change from the new ETag: %d %s", w.Code, w.Body)
	}
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}
