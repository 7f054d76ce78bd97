package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/route"
)

// proposalExpectations adds the matrix's entries for proposals, their
// responses and ballots, from the rules: a record with an audience is read
// per CanRead; a party's proposal or response is written by its delegates
// and the mediators, the mediators' by the mediators; a ballot is read by
// the mediators and the delegates of the parties it is put to, put by the
// mediators, and answered by those delegates only.
func (m *matrix) proposalExpectations(table map[string]func() []target, main, other int64) {
	f := m.f
	ua, ru := f.ukraine.ID, f.russia.ID
	fixed := func(v any) func(*role) any { return func(*role) any { return v } }
	pkg := []parley.Choice{{Theme: f.theme.Name, Option: "30 days"}}
	otherPkg := []parley.Choice{{Theme: "Sovereignty", Option: "a"}}
	// Profiles of both principals of the main track, for improvements.
	for party, full := range map[int64]float64{ua: 1, ru: 0.3} {
		must(m.a.t, m.a.store.PutProfile(m.ctx, &parley.Profile{TrackID: main, PartyID: party, Content: parley.ProfileContent{
			Weights: map[string]float64{f.theme.Name: 1}, Values: map[string]map[string]float64{f.theme.Name: {"30 days": full, "Indefinite": 0.5}},
			RedLines: []parley.RedLine{}, CoreDemands: []parley.Choice{}}}))
	}
	proposals := map[string]*parley.Proposal{}
	for _, aud := range []parley.Audience{parley.AudienceMediators, parley.AudiencePlenary, parley.PartyAudience(ua), parley.PartyAudience(ru)} {
		p := &parley.Proposal{TrackID: main, Audience: aud, Package: pkg, Rationale: "For " + string(aud)}
		must(m.a.t, m.a.store.CreateProposal(m.ctx, p))
		proposals[string(aud)] = p
	}
	otherP := &parley.Proposal{TrackID: other, Audience: parley.AudiencePlenary, Package: otherPkg}
	must(m.a.t, m.a.store.CreateProposal(m.ctx, otherP))
	proposals["other track"] = otherP
	ballot := &parley.Ballot{TrackID: main, Package: pkg, PartyIDs: []int64{ua, ru}, Deadline: time.Now().Add(time.Hour)}
	must(m.a.t, m.a.store.CreateBallot(m.ctx, ballot))

	readsRecord := func(track int64, a parley.Audience) func(*role) int {
		return func(r *role) int {
			if r.reads(track, a) {
				return http.StatusOK
			}
			return http.StatusNotFound
		}
	}
	perProposal := func(suffix string) func() []target {
		return func() []target {
			var ts []target
			for _, name := range sortedKeys(proposals) {
				p := proposals[name]
				ts = append(ts, target{name: "proposal for " + name, path: fmt.Sprintf("/api/v1/proposals/%d%s", p.ID, suffix), want: readsRecord(p.TrackID, p.Audience)})
			}
			return ts
		}
	}
	// writesAs: the caller must see the track (else 404), then write for the
	// party (its delegates, the mediators) or the mediators (party 0).
	writesAs := func(track, party int64, status int, hidden func(*role) bool) func(*role) int {
		return func(r *role) int {
			switch {
			case hidden(r):
				return http.StatusNotFound
			case r.edits(track) || (party != 0 && r.see[track] && r.delegateOf(party)):
				return status
			}
			return http.StatusForbidden
		}
	}
	notSeen := func(track int64) func(*role) bool { return func(r *role) bool { return !r.sees(track) } }
	notRead := func(track int64, a parley.Audience) func(*role) bool {
		return func(r *role) bool { return !r.reads(track, a) }
	}
	tracks := []struct {
		name string
		id   int64
	}{{"its track", main}, {"another track", other}}

	table["GET /api/v1/tracks/{id}/proposals"] = func() []target {
		var ts []target
		for _, tr := range tracks {
			ts = append(ts, target{name: tr.name, path: fmt.Sprintf("/api/v1/tracks/%d/proposals", tr.id), want: readsTrack(tr.id)})
		}
		return ts
	}
	table["POST /api/v1/tracks/{id}/proposals"] = func() []target {
		return []target{
			{name: "the mediators', its track", path: fmt.Sprintf("/api/v1/tracks/%d/proposals", main),
				body: fixed(M{"audience": "plenary", "package": pkg, "rationale": "m"}), want: editsTrack(main, 201)},
			{name: "Ukraine's, its track", path: fmt.Sprintf("/api/v1/tracks/%d/proposals", main),
				body: fixed(M{"author_party_id": ua, "audience": fmt.Sprintf("party:%d", ua), "package": pkg, "rationale": "u"}), want: writesAs(main, ua, 201, notSeen(main))},
			{name: "the mediators', another track", path: fmt.Sprintf("/api/v1/tracks/%d/proposals", other),
				body: fixed(M{"audience": "mediators", "package": otherPkg, "rationale": "o"}), want: editsTrack(other, 201)},
		}
	}
	table["GET /tracks/{id}/proposals"] = func() []target {
		var ts []target
		for _, tr := range tracks {
			ts = append(ts, target{name: tr.name, path: fmt.Sprintf("/tracks/%d/proposals", tr.id), want: readsTrack(tr.id)})
		}
		return ts
	}
	table["GET /api/v1/proposals/{id}"] = perProposal("")
	table["GET /api/v1/proposals/{id}/responses"] = perProposal("/responses")
	table["GET /api/v1/proposals/{id}/utilities"] = perProposal("/utilities")
	table["GET /api/v1/proposals/{id}/improvements"] = func() []target {
		// The mediators of the proposal's track only; the other track has
		// no profiles to improve with (409 for its mediator).
		var ts []target
		for _, name := range sortedKeys(proposals) {
			p := proposals[name]
			ts = append(ts, target{name: "proposal for " + name, path: fmt.Sprintf("/api/v1/proposals/%d/improvements", p.ID), want: func(r *role) int {
				switch {
				case !r.reads(p.TrackID, p.Audience) || !r.edits(p.TrackID):
					return http.StatusNotFound
				case p.TrackID != main:
					return http.StatusConflict
				}
				// A package that leaves a theme open has no utilities to
				// improve on (other routes of the matrix add themes).
				themes, err := m.a.store.FindThemes(m.ctx, main)
				must(m.a.t, err)
				if len(themes) > len(p.Package) {
					return http.StatusConflict
				}
				return http.StatusOK
			}})
		}
		return ts
	}
	table["GET /api/v1/tracks/{id}/concessions/{party_id}"] = func() []target {
		// A party's delegates and the mediators, as for its profile (which
		// the main track's principals have; the other track has none).
		var ts []target
		for _, party := range []int64{ua, ru} {
			a := parley.PartyAudience(party)
			ts = append(ts, target{name: "party " + string(a) + ", its track", path: fmt.Sprintf("/api/v1/tracks/%d/concessions/%d", main, party), want: readsRecord(main, a)},
				target{name: "party " + string(a) + ", another track", path: fmt.Sprintf("/api/v1/tracks/%d/concessions/%d", other, party), want: func(*role) int { return http.StatusNotFound }})
		}
		return ts
	}
	table["PATCH /api/v1/proposals/{id}"] = func() []target {
		// A fresh plenary proposal of the mediators for each request.
		return []target{{name: "the mediators' plenary proposal", body: fixed(M{"status": "withdrawn"}),
			want: writesAs(main, 0, 200, notRead(main, parley.AudiencePlenary))}}
	}
	table["POST /api/v1/proposals/{id}/responses"] = func() []target {
		var ts []target
		for _, name := range sortedKeys(proposals) {
			p := proposals[name]
			if p.TrackID == main {
				ts = append(ts, target{name: "Ukraine answers the proposal for " + name, path: fmt.Sprintf("/api/v1/proposals/%d/responses", p.ID),
					body: fixed(M{"party_id": ua, "kind": "accept", "reasons": "r", "audience": fmt.Sprintf("party:%d", ua)}), want: writesAs(main, ua, 201, notRead(main, p.Audience))})
			}
		}
		return append(ts, target{name: "the mediators answer on another track", path: fmt.Sprintf("/api/v1/proposals/%d/responses", otherP.ID),
			body: fixed(M{"kind": "reject", "reasons": "r", "audience": "mediators"}), want: writesAs(other, 0, 201, notRead(other, parley.AudiencePlenary))})
	}

	readsBallot := func(r *role) bool {
		return r.reads(main, parley.PartyAudience(ua)) || r.reads(main, parley.PartyAudience(ru))
	}
	table["GET /api/v1/tracks/{id}/ballots"] = func() []target {
		var ts []target
		for _, tr := range tracks {
			ts = append(ts, target{name: tr.name, path: fmt.Sprintf("/api/v1/tracks/%d/ballots", tr.id), want: readsTrack(tr.id)})
		}
		return ts
	}
	table["POST /api/v1/tracks/{id}/ballots"] = func() []target {
		return []target{{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/ballots", main),
			body: fixed(M{"package": pkg, "party_ids": []int64{ua, ru}, "deadline": time.Now().Add(time.Hour)}), want: editsTrack(main, 201)}}
	}
	table["GET /api/v1/ballots/{id}"] = func() []target {
		return []target{{name: "a ballot to Ukraine and Russia", path: fmt.Sprintf("/api/v1/ballots/%d", ballot.ID), want: func(r *role) int {
			if readsBallot(r) {
				return http.StatusOK
			}
			return http.StatusNotFound
		}}}
	}
	// The ballot's page, and its form (a JSON body is no form: 415 once
	// the caller is signed in, before anything is read).
	table["GET /ballots/{id}"] = func() []target {
		return []target{{name: "a ballot to Ukraine and Russia", path: fmt.Sprintf("/ballots/%d", ballot.ID), want: func(r *role) int {
			if readsBallot(r) {
				return http.StatusOK
			}
			return http.StatusNotFound
		}}}
	}
	table["POST /ballots/{id}/answer"] = func() []target {
		return []target{{name: "a ballot to Ukraine and Russia", path: fmt.Sprintf("/ballots/%d/answer", ballot.ID),
			body: fixed(M{"csrf_token": "x", "answer": "accept"}), want: always(http.StatusUnsupportedMediaType)}}
	}
	// The proposals page's forms (a JSON body is no form: 415 once the
	// guard lets the caller through, before anything is read or written).
	form := fixed(M{"csrf_token": "x"})
	table["POST /tracks/{id}/proposals"] = func() []target {
		var ts []target
		for _, tr := range tracks {
			ts = append(ts, target{name: tr.name, path: fmt.Sprintf("/tracks/%d/proposals", tr.id), body: form, want: func(r *role) int {
				if readsTrack(tr.id)(r) == http.StatusOK {
					return http.StatusUnsupportedMediaType
				}
				return http.StatusNotFound
			}})
		}
		return ts
	}
	table["POST /tracks/{id}/ballots"] = func() []target {
		var ts []target
		for _, tr := range tracks {
			ts = append(ts, target{name: tr.name, path: fmt.Sprintf("/tracks/%d/ballots", tr.id), body: form, want: editsTrack(tr.id, http.StatusUnsupportedMediaType)})
		}
		return ts
	}
	table["POST /proposals/{id}/responses"] = func() []target {
		p := proposals[string(parley.AudiencePlenary)]
		return []target{{name: "a plenary proposal", path: fmt.Sprintf("/proposals/%d/responses", p.ID), body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /proposals/{id}/withdraw"] = func() []target {
		p := proposals[string(parley.AudiencePlenary)]
		return []target{{name: "a plenary proposal", path: fmt.Sprintf("/proposals/%d/withdraw", p.ID), body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /api/v1/ballots/{id}/answer"] = func() []target {
		// A fresh ballot for each request: a party answers once.
		return []target{{name: "a fresh ballot to Ukraine and Russia", body: fixed(M{"answer": "reject"}), want: func(r *role) int {
			switch {
			case !readsBallot(r):
				return http.StatusNotFound
			case r.delegateOf(ua) || r.delegateOf(ru):
				return http.StatusNoContent
			}
			return http.StatusForbidden
		}}}
	}
}

// freshProposalPath makes the record a destructive proposal or ballot
// request acts on, or returns "".
func (m *matrix) freshProposalPath(rt route.Info) string {
	f := m.f
	pkg := []parley.Choice{{Theme: f.theme.Name, Option: "30 days"}}
	switch rt.Pattern {
	case "/api/v1/proposals/{id}":
		p := &parley.Proposal{TrackID: f.track.ID, Audience: parley.AudiencePlenary, Package: pkg}
		must(m.a.t, m.a.store.CreateProposal(m.ctx, p))
		return fmt.Sprintf("/api/v1/proposals/%d", p.ID)
	case "/api/v1/ballots/{id}/answer":
		b := &parley.Ballot{TrackID: f.track.ID, Package: pkg, PartyIDs: []int64{f.ukraine.ID, f.russia.ID}, Deadline: time.Now().Add(time.Hour)}
		must(m.a.t, m.a.store.CreateBallot(m.ctx, b))
		return fmt.Sprintf("/api/v1/ballots/%d/answer", b.ID)
	}
	return ""
}
