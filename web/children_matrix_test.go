package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// childExpectations adds the matrix's entries for children's return cases,
// from the rules: a case is read per CanRead with its audience, written by
// the track's mediators; its counts per stage by whoever sees the track.
func (m *matrix) childExpectations(table map[string]func() []target, main, other int64) {
	first := parley.ChildStep{Stage: parley.ChildIdentified, Date: "2023-02-01", Source: "National Information Bureau"}
	newCase := func(a parley.Audience) *parley.ChildCase {
		c := &parley.ChildCase{TrackID: main, Audience: a, Child: parley.ChildDetails{Name: m.unique("Child"), Born: "2012-04-01"}}
		must(m.a.t, m.a.store.CreateChildCase(m.ctx, c, first))
		return c
	}
	cases := map[string]*parley.ChildCase{}
	for _, a := range []parley.Audience{parley.AudienceMediators, parley.PartyAudience(m.f.ukraine.ID), parley.PartyAudience(m.f.russia.ID)} {
		cases[string(a)] = newCase(a)
	}
	readsCase := func(c *parley.ChildCase) func(*role) int {
		return func(r *role) int {
			if r.reads(c.TrackID, c.Audience) {
				return http.StatusOK
			}
			return http.StatusNotFound
		}
	}
	table["GET /api/v1/tracks/{id}/children"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/children", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/children", other), want: readsTrack(other)},
		}
	}
	table["GET /api/v1/tracks/{id}/children/counts"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/children/counts", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/children/counts", other), want: readsTrack(other)},
		}
	}
	table["POST /api/v1/tracks/{id}/children"] = func() []target {
		body := func(*role) any {
			return M{"audience": "mediators", "child": M{"name": m.unique("Child"), "born": "2014-05-05"}, "first": first}
		}
		return []target{{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/children", main), body: body, want: editsTrack(main, 201)}}
	}
	// The children's page forms: a JSON body is no form, so 415 once the
	// guard lets the caller through.
	table["POST /tracks/{id}/children"] = func() []target {
		var ts []target
		for _, tr := range []int64{main, other} {
			ts = append(ts, target{name: fmt.Sprintf("track %d", tr), path: fmt.Sprintf("/tracks/%d/children", tr),
				body: func(*role) any { return M{"csrf_token": "x"} }, want: editsTrack(tr, http.StatusUnsupportedMediaType)})
		}
		return ts
	}
	table["POST /children/{id}/stages"] = func() []target {
		c := cases[string(parley.AudienceMediators)]
		return []target{{name: "a case", path: fmt.Sprintf("/children/%d/stages", c.ID),
			body: func(*role) any { return M{"csrf_token": "x"} }, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["GET /api/v1/children/{id}"] = func() []target {
		var ts []target
		for _, name := range sortedKeys(cases) {
			c := cases[name]
			ts = append(ts, target{name: "case for " + name, path: fmt.Sprintf("/api/v1/children/%d", c.ID), want: readsCase(c)})
		}
		return ts
	}
	table["POST /api/v1/children/{id}/stages"] = func() []target {
		// A fresh case of Ukraine's audience for each request.
		var ts []target
		for range 9 { // one per role
			c := newCase(parley.PartyAudience(m.f.ukraine.ID))
			ts = append(ts, target{name: "a fresh case", path: fmt.Sprintf("/api/v1/children/%d/stages", c.ID),
				body: func(*role) any { return M{"stage": "located", "date": "2023-03-01", "source": "ICRC"} },
				want: func(r *role) int {
					switch {
					case r.verify[main] && !r.reads(main, c.Audience):
						// The mediator (tried before) located the case, which
						// the verifiers then read; located is past.
						return http.StatusBadRequest
					case !r.reads(main, c.Audience):
						return http.StatusNotFound
					case !r.edits(main):
						return http.StatusForbidden
					}
					return http.StatusOK
				}})
		}
		return ts
	}
}
