package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// agreementPageExpectations adds the matrix's entries for the pages of
// implementation, from the rules: an agreement is map data, read by whoever
// sees its track (members and administrators), and its forms are checked
// by the store; a JSON body is no form, so a caller the guard lets through
// gets 415 before anything is read or written. A party's trust record is
// open to anyone signed in, over the agreements the caller sees.
func (m *matrix) agreementPageExpectations(table map[string]func() []target, main, other int64) {
	as := m.a.store
	// The other track has no parties of its own; its agreement needs a
	// signatory that takes part in it.
	parties := []parley.TrackParty{{PartyID: m.f.ukraine.ID, Role: parley.RolePrincipal}, {PartyID: m.f.russia.ID, Role: parley.RolePrincipal}}
	_, err := m.a.store.UpdateTrack(m.ctx, other, parley.TrackUpdate{Parties: &parties})
	must(m.a.t, err)
	agreements := map[int64]*parley.Agreement{}
	for _, track := range []int64{main, other} {
		a := &parley.Agreement{TrackID: track, Title: m.unique("Matrix agreement"), Signatories: []int64{m.f.ukraine.ID, m.f.russia.ID}, Effective: "2024-01-01"}
		must(m.a.t, a.Validate())
		must(m.a.t, as.CreateAgreement(m.ctx, a))
		agreements[track] = a
	}
	form := func(*role) any { return M{"csrf_token": "x"} }
	perAgreement := func(suffix string, body func(*role) any, want func(track int64) func(*role) int) func() []target {
		return func() []target {
			var ts []target
			for _, tr := range []struct {
				name string
				id   int64
			}{{"its track's", main}, {"another track's", other}} {
				ts = append(ts, target{name: tr.name, path: fmt.Sprintf("/agreements/%d%s", agreements[tr.id].ID, suffix), body: body, want: want(tr.id)})
			}
			return ts
		}
	}
	always415 := func(int64) func(*role) int { return always(http.StatusUnsupportedMediaType) }
	table["GET /agreements/{id}"] = perAgreement("", nil, readsTrack)
	for _, suffix := range []string{"/transition", "/renewals", "/warning", "/commitments", "/reports", "/scores"} {
		table["POST /agreements/{id}"+suffix] = perAgreement(suffix, form, always415)
	}
	table["POST /tracks/{id}/agreements"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/tracks/%d/agreements", main), body: form, want: editsTrack(main, http.StatusUnsupportedMediaType)},
			{name: "another track", path: fmt.Sprintf("/tracks/%d/agreements", other), body: form, want: editsTrack(other, http.StatusUnsupportedMediaType)},
		}
	}
	table["GET /parties/{id}/trust"] = func() []target {
		return []target{
			{name: "Russia's", path: fmt.Sprintf("/parties/%d/trust", m.f.russia.ID), want: always(http.StatusOK)},
			{name: "an unknown party's", path: "/parties/999999/trust", want: always(http.StatusNotFound)},
		}
	}
}
