package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// agreementExpectations adds the matrix's entries for agreements, from the
// rules: agreements, commitments, reports (without the evidence the caller
// does not read) and scores are map data read per CanSeeTrack and written
// by the track's mediators; reports are written by its verifiers too; a
// party's trust record is read by anyone signed in, over the tracks it
// sees.
func (m *matrix) agreementExpectations(table map[string]func() []target, main, other int64) {
	ua, ru, qatar := m.f.ukraine.ID, m.f.russia.ID, m.f.qatar.ID
	newAgreement := func() *parley.Agreement {
		a := &parley.Agreement{TrackID: main, Title: m.unique("Corridor"), Signatories: []int64{ua, ru}, Effective: "2022-07-22", DurationDays: 120}
		must(m.a.t, m.a.store.CreateAgreement(m.ctx, a))
		return a
	}
	a := newAgreement()
	c := &parley.Commitment{AgreementID: a.ID, Obligor: ru, Verifier: qatar, Obligation: "Register vessels", Recurrence: parley.RecurDaily}
	must(m.a.t, m.a.store.CreateCommitment(m.ctx, c))
	ag := fmt.Sprintf("/api/v1/agreements/%d", a.ID)
	reads := []target{{name: "an agreement", path: ag, want: readsTrack(main)}}
	reporter := func(r *role) int {
		switch {
		case !r.sees(main):
			return http.StatusNotFound
		case !r.edits(main) && !(r.see[main] && r.verify[main]):
			return http.StatusForbidden
		}
		return http.StatusCreated
	}
	table["GET /api/v1/tracks/{id}/agreements"] = func() []target {
		return []target{
			{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/agreements", main), want: readsTrack(main)},
			{name: "another track", path: fmt.Sprintf("/api/v1/tracks/%d/agreements", other), want: readsTrack(other)},
		}
	}
	table["POST /api/v1/tracks/{id}/agreements"] = func() []target {
		body := func(*role) any {
			return M{"title": m.unique("Agreement"), "signatories": []int64{ua, ru}, "effective": "2023-01-01"}
		}
		return []target{{name: "its track", path: fmt.Sprintf("/api/v1/tracks/%d/agreements", main), body: body, want: editsTrack(main, 201)}}
	}
	for _, sub := range []string{"", "/commitments", "/reports", "/scores", "/implementation", "/warning"} {
		table["GET /api/v1/agreements/{id}"+sub] = func() []target {
			ts := make([]target, len(reads))
			for i, tg := range reads {
				tg.path += sub
				ts[i] = tg
			}
			return ts
		}
	}
	// A fresh agreement per route: only its track's mediator moves it,
	// once, from in force.
	edit := func(sub string, body any) func() []target {
		return func() []target {
			b := newAgreement()
			return []target{{name: "a fresh agreement", path: fmt.Sprintf("/api/v1/agreements/%d%s", b.ID, sub),
				body: func(*role) any { return body }, want: editsTrack(main, http.StatusOK)}}
		}
	}
	table["POST /api/v1/agreements/{id}/transitions"] = edit("/transitions", M{"to": "suspended", "reason": "a party withdrew"})
	table["POST /api/v1/agreements/{id}/renewals"] = edit("/renewals", M{"date": "2022-11-17", "expires": "2023-03-18"})
	table["PUT /api/v1/agreements/{id}/thresholds"] = edit("/thresholds", M{"window_days": 30, "violations": 1, "unverifiable": 2, "overdue_days": 7})
	table["POST /api/v1/agreements/{id}/commitments"] = func() []target {
		body := func(*role) any {
			return M{"obligor": ua, "verifier": qatar, "obligation": m.unique("Obligation"), "due": "2023-01-01"}
		}
		return []target{{name: "its agreement", path: ag + "/commitments", body: body, want: editsTrack(main, 201)}}
	}
	table["POST /api/v1/agreements/{id}/reports"] = func() []target {
		body := func(*role) any {
			return M{"commitment_id": c.ID, "date": "2023-01-01", "source": "JCC", "reliability": "confirmed", "finding": "complied", "audience": "mediators", "evidence": "Sealed"}
		}
		return []target{{name: "its agreement", path: ag + "/reports", body: body, want: reporter}}
	}
	table["POST /api/v1/agreements/{id}/scores"] = func() []target {
		body := func(*role) any { return M{"commitment_id": c.ID, "period": "2023-Q1", "value": 2} }
		return []target{{name: "its agreement", path: ag + "/scores", body: body, want: editsTrack(main, 201)}}
	}
	table["GET /api/v1/parties/{id}/trust"] = func() []target {
		return []target{
			{name: "a party", path: fmt.Sprintf("/api/v1/parties/%d/trust", ru), want: always(http.StatusOK)},
			{name: "no party", path: "/api/v1/parties/99999/trust", want: always(http.StatusNotFound)},
		}
	}
}
