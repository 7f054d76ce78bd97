package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/route"
)

// textExpectations adds the matrix's entries for negotiating texts, from
// the rules: a text and all its versions are read per CanRead with the
// text's audience; only the track's mediators write.
func (m *matrix) textExpectations(table map[string]func() []target, main, other int64) {
	fixed := func(v any) func(*role) any { return func(*role) any { return v } }
	type fixtureText struct {
		text   *parley.NegotiatingText
		v1, v2 *parley.TextVersion
	}
	texts := map[string]fixtureText{}
	add := func(name string, track int64, a parley.Audience) {
		t := &parley.NegotiatingText{TrackID: track, Title: "Text for " + name, Audience: a}
		must(m.a.t, m.a.store.CreateText(m.ctx, t))
		v1, err := m.a.store.CreateVersion(m.ctx, t.ID, []parley.Clause{{Text: "One.", Status: parley.ClauseOpen}})
		must(m.a.t, err)
		_, err = m.a.store.FreezeVersion(m.ctx, v1.ID)
		must(m.a.t, err)
		v2, err := m.a.store.CreateVersion(m.ctx, t.ID, []parley.Clause{{Text: "One.", Status: parley.ClauseAgreed}})
		must(m.a.t, err)
		texts[name] = fixtureText{t, v1, v2}
	}
	for _, a := range []parley.Audience{parley.AudienceMediators, parley.AudiencePlenary, parley.PartyAudience(m.f.ukraine.ID)} {
		add(string(a), main, a)
	}
	add("other track", other, parley.AudiencePlenary)

	perText := func(path func(fixtureText) string) func() []target {
		return func() []target {
			var ts []target
			for _, name := range sortedKeys(texts) {
				ft := texts[name]
				ts = append(ts, target{name: "text for " + name, path: path(ft), want: func(r *role) int {
					if r.reads(ft.text.TrackID, ft.text.Audience) {
						return http.StatusOK
					}
					return http.StatusNotFound
				}})
			}
			return ts
		}
	}
	// writes: a fresh plenary text of the main track for each request.
	writes := func(status int) func(*role) int {
		return func(r *role) int {
			switch {
			case !r.reads(main, parley.AudiencePlenary):
				return http.StatusNotFound
			case !r.edits(main):
				return http.StatusForbidden
			}
			return status
		}
	}
	clauses := M{"clauses": []M{{"text": "Matrix clause.", "status": "open"}}}
	table["GET /api/v1/tracks/{id}/texts"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/texts", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/texts", other), want: readsTrack(other)},
		}
	}
	table["POST /api/v1/tracks/{id}/texts"] = func() []target {
		body := fixed(M{"title": "Matrix text", "audience": "plenary"})
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/texts", main), body: body, want: editsTrack(main, 201)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/texts", other), body: body, want: editsTrack(other, 201)},
		}
	}
	table["GET /texts/{id}"] = perText(func(ft fixtureText) string { return fmt.Sprintf("/texts/%d", ft.text.ID) })
	// The text forms (a JSON body is no form: 415 once the guard lets the
	// caller through, before anything is read or written).
	form := fixed(M{"csrf_token": "x"})
	table["POST /tracks/{id}/texts"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/tracks/%d/texts", main), body: form, want: editsTrack(main, http.StatusUnsupportedMediaType)},
			{name: "another track", path: fmt.Sprintf("/tracks/%d/texts", other), body: form, want: editsTrack(other, http.StatusUnsupportedMediaType)},
		}
	}
	table["POST /texts/{id}/versions"] = func() []target {
		ft := texts[string(parley.AudiencePlenary)]
		return []target{{name: "a plenary text", path: fmt.Sprintf("/texts/%d/versions", ft.text.ID), body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["POST /versions/{id}/freeze"] = func() []target {
		ft := texts[string(parley.AudiencePlenary)]
		return []target{{name: "a plenary text's draft", path: fmt.Sprintf("/versions/%d/freeze", ft.v2.ID), body: form, want: always(http.StatusUnsupportedMediaType)}}
	}
	table["GET /api/v1/texts/{id}"] = perText(func(ft fixtureText) string { return fmt.Sprintf("/api/v1/texts/%d", ft.text.ID) })
	table["GET /api/v1/texts/{id}/versions"] = perText(func(ft fixtureText) string { return fmt.Sprintf("/api/v1/texts/%d/versions", ft.text.ID) })
	table["GET /api/v1/versions/{id}"] = perText(func(ft fixtureText) string { return fmt.Sprintf("/api/v1/versions/%d", ft.v1.ID) })
	table["GET /api/v1/versions/{id}/diff/{other}"] = perText(func(ft fixtureText) string {
		return fmt.Sprintf("/api/v1/versions/%d/diff/%d", ft.v1.ID, ft.v2.ID)
	})
	table["GET /api/v1/versions/{id}/markdown"] = perText(func(ft fixtureText) string { return fmt.Sprintf("/api/v1/versions/%d/markdown", ft.v2.ID) })
	table["GET /api/v1/versions/{id}/html"] = perText(func(ft fixtureText) string { return fmt.Sprintf("/api/v1/versions/%d/html", ft.v1.ID) })
	table["POST /api/v1/texts/{id}/versions"] = func() []target {
		return []target{{name: "a fresh plenary text", body: fixed(clauses), want: writes(201)}}
	}
	table["PUT /api/v1/versions/{id}"] = func() []target {
		return []target{{name: "a fresh draft of a plenary text", body: fixed(clauses), want: writes(200)}}
	}
	table["PATCH /api/v1/versions/{id}"] = func() []target {
		return []target{{name: "a fresh draft of a plenary text", body: fixed(M{"frozen": true}), want: writes(200)}}
	}
}

// freshTextPath makes the record a text-writing request acts on, or
// returns "".
func (m *matrix) freshTextPath(rt route.Info) string {
	switch rt.Pattern {
	case "/api/v1/texts/{id}/versions", "/api/v1/versions/{id}":
	default:
		return ""
	}
	t := &parley.NegotiatingText{TrackID: m.f.track.ID, Title: m.unique("Fresh text"), Audience: parley.AudiencePlenary}
	must(m.a.t, m.a.store.CreateText(m.ctx, t))
	if rt.Pattern == "/api/v1/texts/{id}/versions" {
		return fmt.Sprintf("/api/v1/texts/%d/versions", t.ID)
	}
	v, err := m.a.store.CreateVersion(m.ctx, t.ID, []parley.Clause{{Text: "Draft.", Status: parley.ClauseOpen}})
	must(m.a.t, err)
	return fmt.Sprintf("/api/v1/versions/%d", v.ID)
}
