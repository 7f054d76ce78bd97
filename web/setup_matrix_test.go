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
