package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// recordPageExpectations adds the matrix's entries for the pages of a
// proposal's improvements, a party's concessions, the meetings' notes and
// the audit trail, from the rules: improvements are the mediators' of the
// proposal's track (404 for everyone else, as for the proposal a caller
// may not read); concessions are read as the party's profile; notes and
// the trail are read by the track's readers, each note and entry by its
// audience; a page's form answers 415 to a caller the guard lets through.
func (m *matrix) recordPageExpectations(table map[string]func() []target, main, other int64) {
	f := m.f
	table["GET /proposals/{id}/improvements"] = func() []target {
		var ts []target
		for _, track := range []int64{main, other} {
			ps, err := m.a.store.FindProposals(m.ctx, track)
			must(m.a.t, err)
			for _, p := range ps {
				ts = append(ts, target{name: fmt.Sprintf("proposal %d of track %d for %s", p.ID, track, p.Audience), path: fmt.Sprintf("/proposals/%d/improvements", p.ID),
					want: func(r *role) int {
						if r.reads(p.TrackID, p.Audience) && r.edits(p.TrackID) {
							return http.StatusOK
						}
						return http.StatusNotFound
					}})
			}
		}
		return ts
	}
	table["GET /tracks/{id}/concessions/{party_id}"] = func() []target {
		var ts []target
		for _, party := range []int64{f.ukraine.ID, f.russia.ID} {
			a := parley.PartyAudience(party)
			ts = append(ts, target{name: "party " + string(a) + ", its track", path: fmt.Sprintf("/tracks/%d/concessions/%d", main, party), want: func(r *role) int {
				if r.reads(main, a) {
					return http.StatusOK
				}
				return http.StatusNotFound
			}}, target{name: "party " + string(a) + ", another track", path: fmt.Sprintf("/tracks/%d/concessions/%d", other, party), want: always(http.StatusNotFound)})
		}
		return ts
	}
	table["GET /tracks/{id}/notes"] = func() []target {
		return []target{{name: "its track", path: fmt.Sprintf("/tracks/%d/notes", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/tracks/%d/notes", other), want: readsTrack(other)}}
	}
	table["POST /meetings/{id}/notes"] = func() []target {
		return []target{{name: "meeting of its track", path: fmt.Sprintf("/meetings/%d/notes", f.meeting.ID),
			body: func(*role) any { return M{"csrf_token": "x"} }, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["GET /tracks/{id}/audit"] = func() []target {
		return []target{{name: "its track", path: fmt.Sprintf("/tracks/%d/audit", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/tracks/%d/audit", other), want: readsTrack(other)}}
	}
	// Search: every signed-in caller, over what it may read (the leak
	// test, pages_search_test.go, checks what it finds).
	table["GET /search"] = func() []target {
		return []target{{name: "a query", path: "/search?q=round", want: always(http.StatusOK)}}
	}
	table["GET /audit/entries/{index}"] = func() []target {
		// One entry of each kind the ledger holds, as for the API's proofs:
		// of no track, and of each track and audience.
		seen := map[string]bool{}
		var ts []target
		for i := int64(0); ; i++ {
			p, err := m.a.store.ProveInclusion(m.ctx, i)
			if err != nil {
				break
			}
			e := p.Entry
			if e.TrackID != nil && *e.TrackID != main && *e.TrackID != other {
				continue // a track the matrix made on its way, whose grants its roles do not model
			}
			kind := "no track"
			if e.TrackID != nil {
				kind = fmt.Sprintf("track %d, %s", *e.TrackID, e.Audience)
			}
			if seen[kind] {
				continue
			}
			seen[kind] = true
			ts = append(ts, target{name: "entry of " + kind, path: fmt.Sprintf("/audit/entries/%d", i), want: func(r *role) int {
				if e.TrackID == nil && r.admin || e.TrackID != nil && r.reads(*e.TrackID, e.Audience) {
					return http.StatusOK
				}
				return http.StatusNotFound
			}})
		}
		return ts
	}
}
