package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/route"
)

// The matrix's rows for setting up talks: opening tracks, granting roles,
// invitations, a track's start and revival.

// opensTracks is Caller.CanOpenTrack: administrators and whoever mediates
// a track.
func opensTracks(status int) func(*role) int {
	return func(r *role) int {
		if r.admin || len(r.edit) > 0 {
			return status
		}
		return http.StatusForbidden
	}
}

// grants is Caller.CanGrant for a role other than mediator: the track's
// mediators and administrators.
func grants(track int64, status int) func(*role) int {
	return func(r *role) int {
		switch {
		case !r.sees(track):
			return http.StatusNotFound
		case !r.admin && !r.edits(track):
			return http.StatusForbidden
		}
		return status
	}
}

func (m *matrix) setupExpectations(table map[string]func() []target, main, other int64) {
	tracks := []struct {
		name string
		id   int64
	}{{"its track", main}, {"another track", other}}
	perTrack := func(format string, body func(*role) any, rule func(int64) func(*role) int) func() []target {
		return func() []target {
			var ts []target
			for _, tr := range tracks {
				ts = append(ts, target{name: tr.name, path: fmt.Sprintf(format, tr.id), body: body, want: rule(tr.id)})
			}
			return ts
		}
	}
	table["GET /api/v1/tracks/{id}/invitations"] = perTrack("/api/v1/tracks/%d/invitations", nil, func(t int64) func(*role) int { return grants(t, 200) })
	table["POST /api/v1/tracks/{id}/invitations"] = perTrack("/api/v1/tracks/%d/invitations", func(r *role) any {
		return M{"email": fmt.Sprintf("invitee%d@matrix.example.org", m.next()), "name": "Invitee", "role": "observer"}
	}, func(t int64) func(*role) int { return grants(t, 201) })
	table["POST /api/v1/invitations"] = func() []target {
		return []target{{name: "a mediator", path: "/api/v1/invitations", body: func(*role) any {
			return M{"email": fmt.Sprintf("mediator%d@matrix.example.org", m.next()), "name": "New mediator", "role": "mediator"}
		}, want: adminOnly(201)}}
	}
	table["DELETE /api/v1/invitations/{id}"] = func() []target {
		return []target{{name: "a pending invitation to another track", want: func(r *role) int {
			if r.admin || r.edits(other) {
				return http.StatusNoContent
			}
			return http.StatusNotFound
		}}}
	}
	table["POST /api/v1/invitations/accept"] = func() []target {
		return []target{
			{name: "a pending invitation", path: "/api/v1/invitations/accept", body: func(*role) any {
				return M{"token": m.freshInvitation(other), "password": testPassword}
			}, want: always(201)},
			{name: "a made-up link", path: "/api/v1/invitations/accept", body: func(*role) any {
				return M{"token": password.NewToken(), "password": testPassword}
			}, want: always(404)},
		}
	}
	table["POST /api/v1/tracks/{id}/start"] = perTrack("/api/v1/tracks/%d/start", func(*role) any { return M{"at": "2020-01-01T00:00:00Z"} },
		func(t int64) func(*role) int { return editsTrack(t, 200) })
	table["POST /api/v1/tracks/{id}/revival"] = perTrack("/api/v1/tracks/%d/revival", func(*role) any { return M{"title": m.unique("Revived"), "reason": "resumed"} },
		func(t int64) func(*role) int { return editsTrack(t, 409) }) // neither track has collapsed
	m.setupPageExpectations(table, main, other)
}

func (m *matrix) next() int { m.n++; return m.n }

// freshInvitation makes a pending invitation to the track and returns its
// link's secret.
func (m *matrix) freshInvitation(track int64) string {
	secret := password.NewToken()
	h := password.HashToken(secret)
	inv := &parley.Invitation{Email: fmt.Sprintf("fresh%d@matrix.example.org", m.next()), Name: "Fresh", TrackID: &track, Role: parley.MemberObserver, SecretHash: h[:]}
	must(m.a.t, m.a.store.CreateInvitation(m.ctx, inv))
	return secret
}

// freshSetupPath makes the record a destructive route of setup acts on.
func (m *matrix) freshSetupPath(rt route.Info) string {
	if rt.Pattern != "/api/v1/invitations/{id}" {
		return ""
	}
	h := password.HashToken(password.NewToken())
	other := m.f.other.ID
	inv := &parley.Invitation{Email: fmt.Sprintf("revoke%d@matrix.example.org", m.next()), Name: "To revoke", TrackID: &other, Role: parley.MemberObserver, SecretHash: h[:]}
	must(m.a.t, m.a.store.CreateInvitation(m.ctx, inv))
	return fmt.Sprintf("/api/v1/invitations/%d", inv.ID)
}

// setupPageExpectations are the rows of the setup pages; a form answers
// 415 to a JSON caller the guard lets through.
func (m *matrix) setupPageExpectations(table map[string]func() []target, main, other int64) {
	tracks := []struct {
		name string
		id   int64
	}{{"its track", main}, {"another track", other}}
	form := M{"csrf_token": "x"}
	perTrack := func(format string, body any, rule func(int64) func(*role) int) func() []target {
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
	one := func(path string, body any, want func(*role) int) func() []target {
		return func() []target {
			tg := target{path: path, want: want}
			if body != nil {
				tg.body = func(*role) any { return body }
			}
			return []target{tg}
		}
	}
	edits := func(t int64) func(*role) int { return editsTrack(t, 415) }
	table["GET /tracks/new"] = one("/tracks/new", nil, opensTracks(200))
	table["POST /tracks"] = one("/tracks", form, opensTracks(415))
	table["POST /invitations"] = one("/invitations", form, adminOnly(415))
	table["GET /tracks/{id}/setup"] = perTrack("/tracks/%d/setup", nil, func(t int64) func(*role) int { return grants(t, 200) })
	table["POST /tracks/{id}/invitations"] = perTrack("/tracks/%d/invitations", form, func(t int64) func(*role) int { return grants(t, 415) })
	for _, p := range []string{"parties", "venues", "themes", "start", "revival", "exchanges"} {
		table["POST /tracks/{id}/"+p] = perTrack("/tracks/%d/"+p, form, edits)
	}
	table["POST /invitations/{id}/revoke"] = one("/invitations/1/revoke", form, always(415))
	table["GET /invitations/{token}"] = one("/invitations/"+password.NewToken(), nil, always(404))
	table["POST /invitations/{token}"] = one("/invitations/"+password.NewToken(), form, always(415))
}
