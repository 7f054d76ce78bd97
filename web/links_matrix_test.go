package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/parley-talks/parley"
)

// linkExpectations adds the matrix's entries for links between tracks,
// from the rules: a link is map data of both its tracks, seen by callers
// who see both (else not found) and set or changed by a mediator of both
// (a track named in the body that the caller does not see is an unknown
// reference, 400; seen but not mediated, 403). No role of the matrix
// mediates both tracks; links_test.go covers that role.
func (m *matrix) linkExpectations(table map[string]func() []target, main, other int64) {
	l := &parley.Link{TrackA: main, TrackB: other, Kind: parley.LinkCondition, Reason: "matrix"}
	must(m.a.t, m.a.store.CreateLink(m.ctx, l))
	seesBoth := func(r *role) bool { return r.sees(main) && r.sees(other) }
	one := func(name, path string, body func(*role) any, want func(*role) int) func() []target {
		return func() []target { return []target{{name: name, path: path, body: body, want: want}} }
	}
	fixed := func(v any) func(*role) any { return func(*role) any { return v } }
	table["GET /api/v1/links"] = one("", "/api/v1/links", nil, always(http.StatusOK))
	table["GET /api/v1/tracks/{id}/links"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/links", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/links", other), want: readsTrack(other)},
		}
	}
	table["POST /api/v1/links"] = one("both tracks", "/api/v1/links",
		fixed(M{"track_a": main, "track_b": other, "kind": "sequence", "opens_at": "active", "reason": "matrix"}), func(r *role) int {
			switch {
			case !seesBoth(r):
				return http.StatusBadRequest
			case !(r.edits(main) && r.edits(other)):
				return http.StatusForbidden
			}
			return http.StatusCreated
		})
	// The joint analysis is for mediators of every linked track: no role
	// of the matrix mediates both, so it is not found for all.
	for _, key := range []string{"GET /api/v1/tracks/{id}/joint-analysis", "POST /api/v1/tracks/{id}/joint-analysis", "GET /tracks/{id}/joint", "POST /tracks/{id}/joint"} {
		method, pattern, _ := strings.Cut(key, " ")
		var body func(*role) any
		if method == "POST" {
			body = fixed(M{"unlink": []int64{}})
		}
		table[key] = func() []target {
			return []target{
				{name: "its track", path: strings.Replace(pattern, "{id}", fmt.Sprint(main), 1), body: body, want: always(http.StatusNotFound)},
				{name: "another track", path: strings.Replace(pattern, "{id}", fmt.Sprint(other), 1), body: body, want: always(http.StatusNotFound)},
			}
		}
	}
	table["GET /api/v1/links/{id}"] = one("link of both tracks", fmt.Sprintf("/api/v1/links/%d", l.ID), nil, func(r *role) int {
		if seesBoth(r) {
			return http.StatusOK
		}
		return http.StatusNotFound
	})
	table["POST /api/v1/links/{id}/transitions"] = one("link of both tracks", fmt.Sprintf("/api/v1/links/%d/transitions", l.ID),
		fixed(M{"to": "dissolved", "reason": "matrix"}), func(r *role) int {
			switch {
			case !seesBoth(r):
				return http.StatusNotFound
			case !(r.edits(main) && r.edits(other)):
				return http.StatusForbidden
			}
			return http.StatusOK
		})
}
