package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/parley-talks/parley/web/route"
)

// The desk's rows of the authorisation matrix (authz_matrix_test.go) and
// of the route-table tests. The matrix sends JSON with a bearer token, so
// a page's form answers 415 to a caller the guard lets through: the status
// says "authorised, but not a form", which is all the matrix asks.

// deskRoute reports whether the route belongs to the desk (package desk,
// or the API's routes of the analysis, the scenarios and the downloads the
// pages link), whose success paths the desk's tests cover.
func deskRoute(rt route.Info) bool {
	switch rt.Pattern {
	case "/api/v1/tracks/{id}/analysis", "/api/v1/tracks/{id}/simulation", "/api/v1/tracks/{id}/export", "/api/v1/tracks/import", "/api/v1/tracks/{id}/scenario",
		"/api/v1/tracks/{id}/briefing", "/api/v1/meetings/{id}/ics", "/api/v1/versions/{id}/pdf", "/api/v1/versions/{id}/docx",
		"/api/v1/exchanges/{id}/export", "/api/v1/calendar-feeds", "/api/v1/calendar-feeds/{id}", "/api/v1/calendar/{secret}",
		"/api/v1/users/me/language":
		return true
	}
	return !strings.HasPrefix(rt.Pattern, "/api/") && rt.Pattern != "/healthz" && rt.Pattern != "/readyz"
}

// deskExpectations adds the desk's routes that the matrix's table lacks.
func (m *matrix) deskExpectations(table map[string]func() []target, main, other int64) {
	f := m.f
	tracks := []struct {
		name string
		id   int64
	}{{"its track", main}, {"another track", other}}
	perTrack := func(format string, body any, rule func(track int64) func(*role) int) func() []target {
		return func() []target {
			var ts []target
			for _, tr := range tracks {
				tg := target{name: tr.name, path: fmt.Sprintf(format, tr.id), want: rule(tr.id)}
				if body != nil {
					tg.body = func(*role) any { return body }
				}
				ts = append(ts, tg)
			}
			return ts
		}
	}
	// mediates: the track's mediators get status, everyone else 404.
	mediates := func(status func(track int64) int) func(track int64) func(*role) int {
		return func(track int64) func(*role) int {
			return func(r *role) int {
				if r.edits(track) {
					return status(track)
				}
				return http.StatusNotFound
			}
		}
	}
	// The main track has both principals' profiles (PUT ran first); the
	// other has none, so its analysis is a conflict.
	analysed := func(track int64) int {
		if track == main {
			return http.StatusOK
		}
		return http.StatusConflict
	}
	always415 := func(int64) int { return http.StatusUnsupportedMediaType }
	always200 := func(int64) int { return http.StatusOK }
	form := M{"csrf_token": "x"}
	profile := func(method string, want func(track, party int64) func(*role) int) func() []target {
		return func() []target {
			var body func(*role) any
			if method == "POST" {
				body = func(*role) any { return form }
			}
			return []target{
				{name: "Ukraine's", path: fmt.Sprintf("/tracks/%d/profiles/%d", main, f.ukraine.ID), body: body, want: want(main, f.ukraine.ID)},
				{name: "Russia's", path: fmt.Sprintf("/tracks/%d/profiles/%d", main, f.russia.ID), body: body, want: want(main, f.russia.ID)},
			}
		}
	}
	rows := map[string]func() []target{
		"GET /static/desk.css":    func() []target { return []target{{path: "/static/desk.css", want: always(200)}} },
		"GET /static/desk.js":     func() []target { return []target{{path: "/static/desk.js", want: always(200)}} },
		"GET /static/favicon.svg": func() []target { return []target{{path: "/static/favicon.svg", want: always(200)}} },
		"GET /signin":             func() []target { return []target{{path: "/signin", want: always(200)}} },
		"POST /signin": func() []target {
			return []target{{path: "/signin", body: func(*role) any { return form }, want: always(415)}}
		},
		// A bearer session is signed out with DELETE /api/v1/sessions/current.
		"POST /signout": func() []target {
			return []target{{path: "/signout", body: func(*role) any { return form }, want: always(400)}}
		},
		"GET /map": func() []target { return []target{{path: "/map", want: always(200)}} },
		// The language switch is public: everyone may choose a language.
		"POST /language": func() []target {
			return []target{{path: "/language", body: func(*role) any { return form }, want: always(415)}}
		},

		"GET /tracks/{id}":                     perTrack("/tracks/%d", nil, readsTrack),
		"POST /tracks/{id}/transition":         perTrack("/tracks/%d/transition", form, func(t int64) func(*role) int { return editsTrack(t, 415) }),
		"POST /tracks/{id}/meetings":           perTrack("/tracks/%d/meetings", form, func(t int64) func(*role) int { return editsTrack(t, 415) }),
		"POST /tracks/{id}/events":             perTrack("/tracks/%d/events", form, func(t int64) func(*role) int { return editsTrack(t, 415) }),
		"GET /tracks/{id}/profiles":            perTrack("/tracks/%d/profiles", nil, readsTrack),
		"GET /tracks/{id}/profiles/{party_id}": profile("GET", readsProfile),
		"POST /tracks/{id}/profiles/{party_id}": profile("POST", func(t, p int64) func(*role) int {
			return func(r *role) int {
				if want := editsProfile(t, p)(r); want != http.StatusOK {
					return want
				}
				return http.StatusUnsupportedMediaType
			}
		}),
		"POST /tracks/{id}/scenario":      perTrack("/tracks/%d/scenario", form, func(t int64) func(*role) int { return editsTrack(t, 415) }),
		"GET /tracks/{id}/analysis":       perTrack("/tracks/%d/analysis", nil, mediates(always200)),
		"POST /tracks/{id}/analysis":      perTrack("/tracks/%d/analysis", form, mediates(always415)),
		"POST /tracks/{id}/analysis/plot": perTrack("/tracks/%d/analysis/plot", form, mediates(always415)),

		"GET /api/v1/tracks/{id}/analysis":  perTrack("/api/v1/tracks/%d/analysis", nil, mediates(analysed)),
		"POST /api/v1/tracks/{id}/analysis": perTrack("/api/v1/tracks/%d/analysis", M{}, mediates(analysed)),
		"GET /api/v1/tracks/{id}/export":    perTrack("/api/v1/tracks/%d/export?format=parley", nil, mediates(always200)),
		// The zip: a mediator gets every profile (the other track has
		// none: 409), a delegate its own party's, anyone else not found.
		"GET /api/v1/tracks/{id}/scenario": perTrack("/api/v1/tracks/%d/scenario?layout=negmas", nil, func(track int64) func(*role) int {
			return func(r *role) int {
				switch {
				case r.edits(track):
					return analysed(track)
				case track == main && r.see[track] && r.party != 0:
					return http.StatusOK
				}
				return http.StatusNotFound
			}
		}),
		// An empty body: the mediator is told what to send.
		"PUT /api/v1/tracks/{id}/scenario": perTrack("/api/v1/tracks/%d/scenario", M{}, func(t int64) func(*role) int { return editsTrack(t, 400) }),
		// No strategies: a mediator of the analysed track is told which
		// parties lack one (400); of another track, that there is nothing
		// to simulate (409).
		"POST /api/v1/tracks/{id}/simulation": perTrack("/api/v1/tracks/%d/simulation", M{"strategies": []M{}}, mediates(func(track int64) int {
			if track == main {
				return http.StatusBadRequest
			}
			return http.StatusConflict
		})),
		"POST /api/v1/tracks/import": func() []target {
			return []target{{name: "a Parley scenario", path: "/api/v1/tracks/import", body: func(*role) any {
				return M{"title": m.unique("Imported"), "scenario": M{"name": "Imported", "issues": []M{{"name": "Duration", "options": []string{"30 days", "Indefinite"}}},
					"profiles": []M{
						{"name": "Ukraine", "weights": M{"Duration": 1}, "values": M{"Duration": M{"Indefinite": 1}}, "reservation": 0.1},
						{"name": "Russia", "weights": M{"Duration": 1}, "values": M{"Duration": M{"30 days": 1}}, "reservation": 0.1},
					}}}
			}, want: adminOnly(201)}}
		},
	}
	m.agreementPageExpectations(rows, main, other) // pages_agreements_matrix_test.go
	m.recordPageExpectations(rows, main, other)    // records_matrix_test.go
	for k, v := range rows {
		if _, ok := table[k]; !ok { // the matrix's own rows come first
			table[k] = v
		}
	}
}
