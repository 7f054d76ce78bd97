package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

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
	// The joint analysis, and its forms that put a package, a ballot or a
	// joint text across the linked tracks, are for mediators of every
	// linked track: no role of the matrix mediates both, so they are not
	// found for all.
	for _, key := range []string{"GET /api/v1/tracks/{id}/joint-analysis", "POST /api/v1/tracks/{id}/joint-analysis", "GET /tracks/{id}/joint", "POST /tracks/{id}/joint",
		"POST /tracks/{id}/joint/package", "POST /tracks/{id}/joint/ballot", "POST /tracks/{id}/joint/texts"} {
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
	// A cross-track package of the main track and a third one that no role
	// of the matrix is a member of: the readers of the main track's part
	// read it (and learn only that one part is hidden); the third's part
	// is not found for all.
	third := &parley.Track{Title: "Linked third", Parties: []parley.TrackParty{{PartyID: m.f.ukraine.ID, Role: parley.RolePrincipal}, {PartyID: m.f.russia.ID, Role: parley.RolePrincipal}},
		Themes: []*parley.Theme{{Name: "Prisoners", Options: []parley.Option{{Label: "all for all"}, {Label: "n for n"}}}}}
	must(m.a.t, m.a.store.CreateTrack(m.ctx, third))
	must(m.a.t, m.a.store.CreateLink(m.ctx, &parley.Link{TrackA: main, TrackB: third.ID, Kind: parley.LinkCondition, Reason: "matrix"}))
	mainTheme, err := m.a.store.FindThemeByID(m.ctx, m.f.theme.ID)
	must(m.a.t, err)
	pkg, err := m.a.store.CreatePackage(m.ctx, parley.PackageInput{Parts: []parley.PackagePart{
		{TrackID: main, Package: []parley.Choice{{Theme: mainTheme.Name, Option: mainTheme.Options[0].Label}}},
		{TrackID: third.ID, Package: []parley.Choice{{Theme: "Prisoners", Option: "all for all"}}},
	}, Audience: parley.AudiencePlenary, PartyIDs: []int64{m.f.ukraine.ID, m.f.russia.ID}})
	must(m.a.t, err)
	// A cross-track ballot of the same two tracks: the readers of the main
	// track's ballot read its part; the third's is not found for all.
	bp, err := m.a.store.CreateBallotPackage(m.ctx, parley.BallotPackageInput{Parts: []parley.BallotPart{
		{TrackID: main, Package: []parley.Choice{{Theme: mainTheme.Name, Option: mainTheme.Options[0].Label}}},
		{TrackID: third.ID, Package: []parley.Choice{{Theme: "Prisoners", Option: "all for all"}}},
	}, PartyIDs: []int64{m.f.ukraine.ID, m.f.russia.ID}, Deadline: time.Now().Add(30 * 24 * time.Hour)})
	must(m.a.t, err)
	table["GET /api/v1/ballots/{id}/package"] = func() []target {
		return []target{
			{name: "its track's part", path: fmt.Sprintf("/api/v1/ballots/%d/package", bp.Parts[0].ID), want: func(r *role) int {
				if r.reads(main, parley.PartyAudience(m.f.ukraine.ID)) || r.reads(main, parley.PartyAudience(m.f.russia.ID)) {
					return http.StatusOK
				}
				return http.StatusNotFound
			}},
			{name: "a part on a track of no role", path: fmt.Sprintf("/api/v1/ballots/%d/package", bp.Parts[1].ID), want: always(http.StatusNotFound)},
		}
	}
	table["POST /api/v1/ballot-packages"] = one("across two tracks", "/api/v1/ballot-packages", fixed(M{"party_ids": []int64{m.f.ukraine.ID, m.f.russia.ID}, "deadline": time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339),
		"parts": []M{{"track_id": main, "package": []M{{"theme": mainTheme.Name, "option": mainTheme.Options[0].Label}}}, {"track_id": other, "package": []M{{"theme": "x", "option": "y"}}}}}),
		func(r *role) int {
			switch {
			case !seesBoth(r):
				return http.StatusBadRequest
			case !(r.edits(main) && r.edits(other)):
				return http.StatusForbidden
			}
			return http.StatusBadRequest // the other track has no theme "x"
		})
	table["GET /api/v1/proposals/{id}/package"] = func() []target {
		return []target{
			{name: "its track's part", path: fmt.Sprintf("/api/v1/proposals/%d/package", pkg.Parts[0].ID), want: func(r *role) int {
				if r.reads(main, parley.AudiencePlenary) {
					return http.StatusOK
				}
				return http.StatusNotFound
			}},
			{name: "a part on a track of no role", path: fmt.Sprintf("/api/v1/proposals/%d/package", pkg.Parts[1].ID), want: always(http.StatusNotFound)},
		}
	}
	table["POST /api/v1/packages"] = one("across two tracks", "/api/v1/packages", fixed(M{"audience": "plenary", "party_ids": []int64{m.f.ukraine.ID},
		"parts": []M{{"track_id": main, "package": []M{{"theme": mainTheme.Name, "option": mainTheme.Options[0].Label}}}, {"track_id": other, "package": []M{}}}}),
		func(r *role) int {
			switch {
			case !seesBoth(r):
				return http.StatusBadRequest
			case !(r.edits(main) && r.edits(other)):
				return http.StatusForbidden
			}
			return http.StatusCreated
		})
	// A joint text of the same two tracks: its main part is read by the
	// readers of the main track's plenary; the third's by no role.
	var textIDs []int64
	for _, tr := range []int64{main, third.ID} {
		x := &parley.NegotiatingText{TrackID: tr, Title: "Joint", Audience: parley.AudiencePlenary}
		must(m.a.t, m.a.store.CreateText(m.ctx, x))
		textIDs = append(textIDs, x.ID)
	}
	_, err = m.a.store.JoinTexts(m.ctx, parley.JointTextInput{TextIDs: textIDs})
	must(m.a.t, err)
	table["GET /api/v1/texts/{id}/joint"] = func() []target {
		return []target{
			{name: "its track's part", path: fmt.Sprintf("/api/v1/texts/%d/joint", textIDs[0]), want: func(r *role) int {
				if r.reads(main, parley.AudiencePlenary) {
					return http.StatusOK
				}
				return http.StatusNotFound
			}},
			{name: "a part on a track of no role", path: fmt.Sprintf("/api/v1/texts/%d/joint", textIDs[1]), want: always(http.StatusNotFound)},
		}
	}
	// Joining the main track's text with one of the other track: no role
	// reads both (400, an unknown text) but the administrator, who reads
	// none (400 too).
	otherText := &parley.NegotiatingText{TrackID: other, Title: "Other", Audience: parley.AudiencePlenary}
	must(m.a.t, m.a.store.CreateText(m.ctx, otherText))
	mainText := &parley.NegotiatingText{TrackID: main, Title: "Main", Audience: parley.AudiencePlenary}
	must(m.a.t, m.a.store.CreateText(m.ctx, mainText))
	table["POST /api/v1/joint-texts"] = one("texts of two tracks", "/api/v1/joint-texts", fixed(M{"text_ids": []int64{mainText.ID, otherText.ID}}), always(http.StatusBadRequest))
	table["GET /api/v1/links/{id}"] = one("link of both tracks", fmt.Sprintf("/api/v1/links/%d", l.ID), nil, func(r *role) int {
		if seesBoth(r) {
			return http.StatusOK
		}
		return http.StatusNotFound
	})
	// The map's forms of links: every signed-in caller may send them (the
	// store decides, as for the API above); the matrix's JSON is no form.
	pageForm := fixed(M{"csrf_token": "x"})
	table["POST /links"] = one("link two tracks", "/links", pageForm, always(http.StatusUnsupportedMediaType))
	table["POST /links/{id}/transitions"] = one("link of both tracks", fmt.Sprintf("/links/%d/transitions", l.ID), pageForm, always(http.StatusUnsupportedMediaType))
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
