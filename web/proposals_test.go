package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
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

	// Improvements of a package of 30 days over Indefinite: Russia's
	// profile joins Ukraine's (30 days at 1, Indefinite at 0.2), and 30
	// days is better for both.
	a.call("PUT", fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", tr, ru), M{"weights": M{"Duration": 1}, "values": M{"Duration": M{"30 days": 0.5, "Indefinite": 0.4}},
		"reservation": 0, "red_lines": []M{}, "core_demands": []M{}, "notes": ""}, 200, nil)
	var indefinite parley.Proposal
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/proposals", tr), M{"audience": "mediators", "package": []M{{"theme": "Duration", "option": "Indefinite"}, {"theme": "Monitoring", "option": "None"}}, "rationale": ""}, 201, &indefinite)
	var ims action.Improvements
	a.call("GET", fmt.Sprintf("/api/v1/proposals/%d/improvements", indefinite.ID), nil, 200, &ims)
	if len(ims.Improvements) != 1 || ims.Improvements[0].Package[0].Option != "30 days" || len(ims.Base) != 2 {
		t.Fatalf("improvements = %+v", ims)
	}
	gains := ims.Improvements[0].Gains
	if gains[0].PartyID != ua || !near(gains[0].Utility, 0.8) || gains[1].PartyID != ru || !near(gains[1].Utility, 0.1) || !near(ims.Improvements[0].MinGain, 0.1) {
		t.Errorf("gains = %+v", ims.Improvements[0])
	}
	// From the best package there is nothing to improve; a partial
	// package (p leaves Monitoring open) has no utilities to improve on.
	var best parley.Proposal
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/proposals", tr), M{"audience": "mediators", "package": []M{{"theme": "Duration", "option": "30 days"}, {"theme": "Monitoring", "option": "IAEA"}}, "rationale": ""}, 201, &best)
	a.call("GET", fmt.Sprintf("/api/v1/proposals/%d/improvements", best.ID), nil, 200, &ims)
	if len(ims.Improvements) != 0 {
		t.Errorf("improvements of a Pareto-efficient package: %+v", ims.Improvements)
	}
	if w := a.do("GET", fmt.Sprintf("/api/v1/proposals/%d/improvements", p.ID), nil); w.Code != 409 || !strings.Contains(w.Body.String(), "full package") {
		t.Errorf("improvements of a partial package: %d %s", w.Code, w.Body)
	}

	// Ukraine's concessions: none yet (no proposal of its own), then one
	// move from 30 days to Indefinite, which costs it 0.8.
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/concessions/%d", tr, ua), nil, 200, nil)
	for _, option := range []string{"30 days", "Indefinite"} {
		a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/proposals", tr), M{"author_party_id": ua, "audience": fmt.Sprintf("party:%d", ua),
			"package": []M{{"theme": "Duration", "option": option}}, "rationale": ""}, 201, nil)
	}
	var cs []parley.Concession
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/concessions/%d", tr, ua), nil, 200, &cs)
	if len(cs) != 1 || len(cs[0].Moves) != 1 || !near(cs[0].Change, -0.8) || len(cs[0].Moves[0].Toward) != 0 {
		t.Errorf("concessions = %+v", cs)
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

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
