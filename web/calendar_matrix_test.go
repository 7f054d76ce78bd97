package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
)

// calendarExpectations adds the matrix's entries for calendar feeds and
// the account's language and second factor, from the rules: a signed-in caller makes, lists
// and revokes its own feeds only; a feed's URL is public — its secret is
// the credential — and a revoked or unknown secret is not found; the
// language is the caller's own.
func (m *matrix) calendarExpectations(table map[string]func() []target) {
	f := m.f
	secret := func(revoked bool) string {
		s := password.NewToken()
		h := password.HashToken(s)
		feed := &parley.CalendarFeed{SecretHash: h[:], UserID: f.user.ID}
		must(m.a.t, m.a.store.(parley.CalendarFeedService).CreateCalendarFeed(m.ctx, feed))
		if revoked {
			_, err := m.a.store.(parley.CalendarFeedService).RevokeCalendarFeed(m.ctx, feed.ID)
			must(m.a.t, err)
		}
		return action.FeedPath + s + ".ics"
	}
	one := func(path string, body func(*role) any, want func(*role) int) func() []target {
		return func() []target { return []target{{path: path, body: body, want: want}} }
	}
	fixed := func(v any) func(*role) any { return func(*role) any { return v } }
	live, revoked := secret(false), secret(true)
	other := password.HashToken(password.NewToken())
	otherFeed := &parley.CalendarFeed{SecretHash: other[:], UserID: f.user.ID}
	must(m.a.t, m.a.store.(parley.CalendarFeedService).CreateCalendarFeed(m.ctx, otherFeed))
	m.otherFeed = otherFeed.ID
	table["GET /api/v1/calendar-feeds"] = one("/api/v1/calendar-feeds", nil, always(200))
	table["POST /api/v1/calendar-feeds"] = one("/api/v1/calendar-feeds", nil, always(201))
	table["DELETE /api/v1/calendar-feeds/{id}"] = func() []target {
		return []target{
			{name: "own feed", want: always(200)},
			{name: "another user's feed", path: fmt.Sprintf("/api/v1/calendar-feeds/%d", m.otherFeed), want: func(r *role) int {
				if r.admin {
					return http.StatusOK // an administrator revokes anyone's
				}
				return http.StatusNotFound
			}},
		}
	}
	table["GET /api/v1/calendar/{secret}"] = func() []target {
		return []target{
			{name: "a live feed", path: live, want: always(200)},
			{name: "a revoked feed", path: revoked, want: always(404)},
			{name: "no feed's secret", path: action.FeedPath + password.NewToken() + ".ics", want: always(404)},
			{name: "no secret at all", path: action.FeedPath + "x", want: always(404)},
		}
	}
	table["GET /api/v1/users/me/language"] = one("/api/v1/users/me/language", nil, always(200))
	table["PUT /api/v1/users/me/language"] = one("/api/v1/users/me/language", fixed(M{"language": "uk"}), always(200))
	// The desk's forms (a JSON body is no form: 415 past the guard).
	form := fixed(M{"csrf_token": "x"})
	table["GET /account/calendar"] = one("/account/calendar", nil, always(200))
	table["POST /account/calendar"] = one("/account/calendar", form, always(http.StatusUnsupportedMediaType))
	table["POST /account/calendar/{id}/revoke"] = one(fmt.Sprintf("/account/calendar/%d/revoke", m.otherFeed), form, always(http.StatusUnsupportedMediaType))
	table["POST /account/language"] = one("/account/language", form, always(http.StatusUnsupportedMediaType))
	// The second factor's pages: the caller's own factor only (no id in
	// the path), and the sign-in's second step, public, which without a
	// pending sign-in sends to the password.
	table["GET /account/security"] = one("/account/security", nil, always(200))
	for _, p := range []string{"/account/security/totp", "/account/security/totp/confirm", "/account/security/totp/remove"} {
		table["POST "+p] = one(p, form, always(http.StatusUnsupportedMediaType))
	}
	// Requiring a second factor of a track's members is an administrator's;
	// the matrix asks for none (required: false), so that no member's
	// grant is withheld for the rest of it.
	for _, tr := range []int64{f.track.ID, f.other.ID} {
		notRequired := fixed(M{"required": false})
		table["PUT /api/v1/tracks/{id}/second-factor"] = appendTarget(table["PUT /api/v1/tracks/{id}/second-factor"],
			target{path: fmt.Sprintf("/api/v1/tracks/%d/second-factor", tr), body: notRequired, want: adminOnly(200)})
		table["POST /tracks/{id}/second-factor"] = appendTarget(table["POST /tracks/{id}/second-factor"],
			target{path: fmt.Sprintf("/tracks/%d/second-factor", tr), body: form, want: adminOnly(http.StatusUnsupportedMediaType)})
	}
	table["GET /signin/code"] = one("/signin/code", nil, always(http.StatusSeeOther))
	table["POST /signin/code"] = one("/signin/code", form, always(http.StatusUnsupportedMediaType))
}

// appendTarget adds tg to the targets rows gives (nil for none).
func appendTarget(rows func() []target, tg target) func() []target {
	return func() []target {
		var out []target
		if rows != nil {
			out = rows()
		}
		return append(out, tg)
	}
}
