package web

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// linkHappyPaths calls the routes of links, cross-track packages, joint
// texts and the joint analysis with success (for testAPIHappyPaths): two
// fresh tracks with Ukraine and Russia as principals and their profiles,
// and a mediator of both.
func (a *testAPI) linkHappyPaths(t *testing.T, f *fixture) {
	t.Helper()
	saved := a.token
	defer func() { a.token = saved }()
	track := func(title, theme string) *parley.Track {
		tr := &parley.Track{Title: title, Parties: []parley.TrackParty{{PartyID: f.ukraine.ID, Role: parley.RolePrincipal}, {PartyID: f.russia.ID, Role: parley.RolePrincipal}},
			Themes: []*parley.Theme{{Name: theme, Options: []parley.Option{{Label: "low"}, {Label: "high"}}}}}
		must(t, a.store.CreateTrack(sysCtx, tr))
		for k, party := range []int64{f.ukraine.ID, f.russia.ID} {
			v := map[string]float64{"low": float64(k), "high": float64(1 - k)}
			must(t, a.store.PutProfile(sysCtx, &parley.Profile{TrackID: tr.ID, PartyID: party, Content: parley.ProfileContent{
				Weights: map[string]float64{theme: 1}, Values: map[string]map[string]float64{theme: v}, Reservation: 0.2}}))
		}
		return tr
	}
	energy, prisoners := track("Linked energy", "Scope"), track("Linked prisoners", "Terms")
	u := a.createTestUser("linked-mediator@example.org", "Linked mediator", false)
	for _, tr := range []int64{energy.ID, prisoners.ID} {
		must(t, a.store.CreateMember(sysCtx, &parley.Member{TrackID: tr, UserID: u.ID, Role: parley.MemberMediator}))
	}
	a.token = a.signIn(u.Email, testPassword)
	type M = map[string]any
	var link parley.Link
	a.call("POST", "/api/v1/links", M{"track_a": energy.ID, "track_b": prisoners.ID, "kind": "package", "reason": "a halt for an exchange"}, 201, &link)
	a.call("GET", fmt.Sprintf("/api/v1/links/%d", link.ID), nil, 200, nil)
	a.call("GET", "/api/v1/links", nil, 200, nil)
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/links", energy.ID), nil, 200, nil)
	a.call("POST", fmt.Sprintf("/api/v1/links/%d/transitions", link.ID), M{"to": "dissolved", "reason": "decoupled"}, 200, nil)
	a.call("POST", fmt.Sprintf("/api/v1/links/%d/transitions", link.ID), M{"to": "active", "reason": "relinked"}, 200, nil)
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", energy.ID), nil, 200, nil)
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", energy.ID), M{"unlink": []int64{prisoners.ID}}, 200, nil)
	var pkg parley.ProposalPackage
	a.call("POST", "/api/v1/packages", M{"audience": "plenary", "party_ids": []int64{f.ukraine.ID, f.russia.ID}, "parts": []M{
		{"track_id": energy.ID, "package": []M{{"theme": "Scope", "option": "high"}}, "rationale": ""},
		{"track_id": prisoners.ID, "package": []M{{"theme": "Terms", "option": "low"}}, "rationale": ""}}}, 201, &pkg)
	a.call("GET", fmt.Sprintf("/api/v1/proposals/%d/package", pkg.Parts[1].ID), nil, 200, nil)
	var bp parley.BallotPackage
	a.call("POST", "/api/v1/ballot-packages", M{"party_ids": []int64{f.ukraine.ID, f.russia.ID}, "deadline": time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339), "parts": []M{
		{"track_id": energy.ID, "package": []M{{"theme": "Scope", "option": "high"}}},
		{"track_id": prisoners.ID, "package": []M{{"theme": "Terms", "option": "low"}}}}}, 201, &bp)
	var gotBP parley.BallotPackage
	a.call("GET", fmt.Sprintf("/api/v1/ballots/%d/package", bp.Parts[1].ID), nil, 200, &gotBP)
	if len(gotBP.Parts) != 2 || gotBP.Hidden != 0 || gotBP.ID != bp.ID {
		t.Errorf("cross-track ballot %+v", gotBP)
	}
	var ids []int64
	for _, tr := range []int64{energy.ID, prisoners.ID} {
		x := &parley.NegotiatingText{TrackID: tr, Title: "Joint", Audience: parley.AudiencePlenary}
		must(t, a.store.CreateText(sysCtx, x))
		ids = append(ids, x.ID)
	}
	var jt parley.JointText
	a.call("POST", "/api/v1/joint-texts", M{"text_ids": ids}, 201, &jt)
	var got parley.JointText
	a.call("GET", fmt.Sprintf("/api/v1/texts/%d/joint", ids[1]), nil, 200, &got)
	if b1, _ := json.Marshal(jt); string(b1) == "" || len(got.Parts) != 2 {
		t.Errorf("joint text %+v", got)
	}
}
