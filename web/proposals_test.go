package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// testProposalHappyPaths walks proposals, responses and a ballot with
// secret answers through the API, as the mediator and two delegates.
func testProposalHappyPaths(t *testing.T, a *testAPI, f *fixture) {
	type M = map[string]any
	tr, ua, ru := f.track.ID, f.ukraine.ID, f.russia.ID
	pkg := []M{{"theme": "Duration", "option": "30 days"}}

	var p parley.Proposal
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/proposals", tr), M{"audience": "plenary", "package": pkg, "rationale": "A month to build trust."}, 201, &p)
	if p.ID == 0 || p.Status != parley.ProposalOpen || len(p.Package) != 1 {
		t.Fatalf("created proposal = %+v", p)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		want         []string
	}{
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/proposals", tr), nil, 200, []string{`"total":1`, `A month to build trust.`}},
		{"GET", fmt.Sprintf("/api/v1/proposals/%d", p.ID), nil, 200, []string{`"option":"30 days"`}},
		// Ukraine's profile values 30 days at 1 on its only weighted theme.
		{"GET", fmt.Sprintf("/api/v1/proposals/%d/utilities", p.ID), nil, 200, []string{fmt.Sprintf(`[{"party_id":%d,"utility":1}]`, ua)}},
		{"POST", fmt.Sprintf("/api/v1/proposals/%d/responses", p.ID), M{"party_id": ua, "kind": "accept", "reasons": "Kyiv agrees.", "audience": fmt.Sprintf("party:%d", ua)}, 201, []string{`"kind":"accept"`}},
		{"GET", fmt.Sprintf("/api/v1/proposals/%d/responses", p.ID), nil, 200, []string{`"total":1`, `Kyiv agrees.`}},
		{"PATCH", fmt.Sprintf("/api/v1/proposals/%d", p.ID), M{"status": "withdrawn"}, 200, []string{`"status":"withdrawn"`}},
		{"PATCH", fmt.Sprintf("/api/v1/proposals/%d", p.ID), M{"status": "withdrawn"}, 409, nil},
		{"POST", fmt.Sprintf("/api/v1/tracks/%d/proposals", tr), M{"audience": "plenary", "package": []M{{"theme": "Duration", "option": "Forever and a day"}}, "rationale": ""}, 400, []string{`an option that its theme does not have`}},
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
		if strings.Contains(w.Body.String(), "Forever") {
			t.Errorf("%s %s: the response quotes the package: %s", tc.method, tc.path, w.Body)
		}
	}

	// A ballot put to Ukraine and Russia, answered by their delegates.
	var b parley.Ballot
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/ballots", tr), M{"package": pkg, "party_ids": []int64{ua, ru}, "deadline": time.Now().Add(time.Hour)}, 201, &b)
	if b.Outcome != parley.BallotPending {
		t.Fatalf("created ballot = %+v", b)
	}
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/ballots", tr), nil, 200, nil)
	mediator := a.token
	uaTok := a.signIn(f.user2.Email, testPassword)
	ruUser := a.createTestUser("ru-delegate@example.org", "Delegate of Russia", false)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/members", tr), M{"user_id": ruUser.ID, "role": "delegate", "party_id": ru}, 201, nil)
	ruTok := a.signIn(ruUser.Email, testPassword)
	defer func() { a.token = mediator }()

	outcome := func(tok string) parley.BallotOutcome {
		a.token = tok
		var got parley.Ballot
		a.call("GET", fmt.Sprintf("/api/v1/ballots/%d", b.ID), nil, 200, &got)
		return got.Outcome
	}
	a.token = mediator
	if w := a.do("POST", fmt.Sprintf("/api/v1/ballots/%d/answer", b.ID), M{"answer": "accept"}); w.Code != http.StatusForbidden {
		t.Errorf("the mediator answers: %d", w.Code)
	}
	a.token = ruTok
	reject := a.do("POST", fmt.Sprintf("/api/v1/ballots/%d/answer", b.ID), M{"answer": "reject"})
	again := a.do("POST", fmt.Sprintf("/api/v1/ballots/%d/answer", b.ID), M{"answer": "accept"})
	for _, tok := range []string{mediator, uaTok, ruTok} {
		if got := outcome(tok); got != parley.BallotPending {
			t.Errorf("after one rejection: %q", got)
		}
	}
	a.token = uaTok
	accept := a.do("POST", fmt.Sprintf("/api/v1/ballots/%d/answer", b.ID), M{"answer": "accept"})
	// The accept and the reject get the same answer, byte for byte.
	if reject.Code != 204 || accept.Code != 204 || reject.Body.String() != accept.Body.String() || reject.Body.Len() != 0 {
		t.Errorf("answers: reject %d %q, accept %d %q", reject.Code, reject.Body, accept.Code, accept.Body)
	}
	if again.Code != 409 || !strings.Contains(again.Body.String(), "already answered") || strings.Contains(again.Body.String(), "reject") {
		t.Errorf("answering twice: %d %s", again.Code, again.Body)
	}
	for _, tok := range []string{mediator, uaTok, ruTok} {
		if got := outcome(tok); got != parley.BallotNotAccepted {
			t.Errorf("after both answered: %q", got)
		}
	}
}
