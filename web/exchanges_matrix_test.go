package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
)

// readsList is Caller.CanReadPrisoners, restated from the rules: the side's
// party audience (its delegates and the mediators) and the track's
// verifiers.
func (r *role) readsList(track, party int64) bool {
	return r.reads(track, parley.PartyAudience(party)) || (r.see[track] && r.verify[track])
}

// exchangeExpectations adds the matrix's entries for prisoner exchanges,
// from the rules: an exchange is map data; a side's list is read per
// readsList and written by that side's delegates and the mediators; the
// candidates, matches and action.Reconciliation need both lists; only the
// mediators confirm a match.
func (m *matrix) exchangeExpectations(table map[string]func() []target, main, other int64) {
	ua, ru := m.f.ukraine.ID, m.f.russia.ID
	e := &parley.Exchange{TrackID: main, Title: "Matrix exchange", Terms: parley.TermsAllForAll, SideA: ua, SideB: ru}
	must(m.a.t, m.a.store.CreateExchange(m.ctx, e))
	// person is a fresh person for one request: a new date of birth each
	// time, so that no two are duplicates.
	person := func() *parley.Prisoner {
		m.n++
		born := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, m.n)
		return &parley.Prisoner{Name: "Олег Шевченко", Born: born.Format(time.DateOnly), Status: parley.PrisonerMilitary, Captured: "2023-01-01"}
	}
	must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ua, []*parley.Prisoner{person()}))
	must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ru, []*parley.Prisoner{person()}))

	ex := fmt.Sprintf("/api/v1/exchanges/%d", e.ID)
	both := func(r *role) int {
		if r.readsList(main, ua) && r.readsList(main, ru) {
			return http.StatusOK
		}
		return http.StatusNotFound
	}
	table["GET /api/v1/tracks/{id}/exchanges"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/exchanges", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/exchanges", other), want: readsTrack(other)},
		}
	}
	table["POST /api/v1/tracks/{id}/exchanges"] = func() []target {
		body := func(*role) any {
			return M{"title": "Matrix exchange", "terms": "n for n", "n": 5, "side_a": ua, "side_b": ru}
		}
		return []target{{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/exchanges", main), body: body, want: editsTrack(main, 201)}}
	}
	table["GET /api/v1/exchanges/{id}"] = func() []target {
		return []target{{name: "an exchange", path: ex, want: readsTrack(main)}}
	}
	table["GET /api/v1/exchanges/{id}/lists/{party}"] = func() []target {
		var ts []target
		for _, party := range []int64{ua, ru} {
			other := ua + ru - party
			ts = append(ts, target{name: fmt.Sprintf("list of %d", party), path: fmt.Sprintf("%s/lists/%d", ex, party), want: func(r *role) int {
				// The other side's delegates read its shared persons
				// (CanReadPerson): an empty list before any share.
				if r.readsList(main, party) || r.readsList(main, other) {
					return http.StatusOK
				}
				return http.StatusNotFound
			}})
		}
		return ts
	}
	table["POST /api/v1/exchanges/{id}/lists/{party}"] = func() []target {
		var ts []target
		for _, party := range []int64{ua, ru} {
			ts = append(ts, target{name: fmt.Sprintf("list of %d", party), path: fmt.Sprintf("%s/lists/%d", ex, party),
				body: func(*role) any { return M{"prisoners": []*parley.Prisoner{person()}} },
				want: func(r *role) int {
					switch {
					case !r.sees(main):
						return http.StatusNotFound
					case !r.edits(main) && !r.delegateOf(party):
						return http.StatusForbidden
					}
					return http.StatusCreated
				}})
		}
		return ts
	}
	table["GET /api/v1/exchanges/{id}/candidates"] = func() []target {
		return []target{{name: "both lists", path: ex + "/candidates", want: both}}
	}
	table["GET /api/v1/exchanges/{id}/reconciliation"] = func() []target {
		return []target{{name: "both lists", path: ex + "/reconciliation", want: both}}
	}
	// A fresh confirmed match for each verification, made as the system.
	fresh := func() string {
		a, b := person(), person()
		must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ua, []*parley.Prisoner{a}))
		must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ru, []*parley.Prisoner{b}))
		pm, err := m.a.store.ConfirmMatch(m.ctx, e.ID, a.ID, b.ID)
		must(m.a.t, err)
		return fmt.Sprintf("/api/v1/matches/%d/verification", pm.ID)
	}
	table["POST /api/v1/matches/{id}/verification"] = func() []target {
		var ts []target
		for range 9 { // one per role
			ts = append(ts, target{name: "a fresh match", path: fresh(), body: func(*role) any { return M{"verified": true} }, want: func(r *role) int {
				switch {
				case !r.sees(main):
					return http.StatusNotFound
				case !r.verify[main]:
					return http.StatusForbidden
				}
				return http.StatusOK
			}})
		}
		return ts
	}
	// A fresh confirmed match for each share, made as the system.
	freshMatch := func() string {
		a, b := person(), person()
		must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ua, []*parley.Prisoner{a}))
		must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ru, []*parley.Prisoner{b}))
		pm, err := m.a.store.ConfirmMatch(m.ctx, e.ID, a.ID, b.ID)
		must(m.a.t, err)
		return fmt.Sprintf("/api/v1/matches/%d/sharing", pm.ID)
	}
	table["POST /api/v1/matches/{id}/sharing"] = func() []target {
		var ts []target
		for range 9 { // one per role
			ts = append(ts, target{name: "a fresh match", path: freshMatch(), body: func(*role) any { return M{"shared": true} }, want: editsTrack(main, 200)})
		}
		return ts
	}
	// The exchange's page, its forms (a JSON body is no form: 415 once the
	// guard lets the caller through) and the children's page.
	table["GET /exchanges/{id}"] = func() []target {
		return []target{{name: "an exchange", path: fmt.Sprintf("/exchanges/%d", e.ID), want: readsTrack(main)}}
	}
	form := func(*role) any { return M{"csrf_token": "x"} }
	table["POST /exchanges/{id}/matches"] = func() []target {
		return []target{{name: "an exchange", path: fmt.Sprintf("/exchanges/%d/matches", e.ID), body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /matches/{id}/share"] = func() []target {
		return []target{{name: "a match", path: "/matches/1/share", body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /matches/{id}/verify"] = func() []target {
		return []target{{name: "a match", path: "/matches/1/verify", body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /exchanges/{id}/handovers"] = func() []target {
		return []target{{name: "an exchange", path: fmt.Sprintf("/exchanges/%d/handovers", e.ID), body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /exchanges/{id}/lists/{party}"] = func() []target {
		return []target{
			{name: "side A's list", path: fmt.Sprintf("/exchanges/%d/lists/%d", e.ID, ua), body: form, want: always(http.StatusUnsupportedMediaType)},
			{name: "side B's list", path: fmt.Sprintf("/exchanges/%d/lists/%d", e.ID, ru), body: form, want: always(http.StatusUnsupportedMediaType)},
		}
	}
	table["GET /tracks/{id}/children"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/tracks/%d/children", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/tracks/%d/children", other), want: readsTrack(other)},
		}
	}
	table["POST /api/v1/exchanges/{id}/handovers"] = func() []target {
		// A fresh person for each request, added as the system.
		body := func(*role) any {
			p := person()
			must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ua, []*parley.Prisoner{p}))
			return M{"prisoner_ids": []int64{p.ID}}
		}
		return []target{{name: "a fresh person", path: ex + "/handovers", body: body, want: editsTrack(main, 204)}}
	}
	table["POST /api/v1/exchanges/{id}/matches"] = func() []target {
		// A fresh pair for each request, added as the system.
		body := func(*role) any {
			a, b := person(), person()
			must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ua, []*parley.Prisoner{a}))
			must(m.a.t, m.a.store.AddPrisoners(m.ctx, e.ID, ru, []*parley.Prisoner{b}))
			return M{"prisoner_a": a.ID, "prisoner_b": b.ID}
		}
		return []target{{name: "a fresh pair", path: ex + "/matches", body: body, want: editsTrack(main, 201)}}
	}
}
