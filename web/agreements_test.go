package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/problem"
)

// testAgreementHappyPaths adopts nothing and enters an agreement directly,
// renews it, sets its thresholds, adds a commitment, reports on it with
// sealed evidence, scores it, reads the roll-up, the early warning and the
// obligor's trust record, and lets it collapse.
func testAgreementHappyPaths(t *testing.T, a *testAPI, f *fixture) {
	tr := f.track.ID
	var ag parley.Agreement
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/agreements", tr), M{"title": "Grain corridor", "signatories": []int64{f.ukraine.ID, f.russia.ID},
		"effective": "2022-07-22", "duration_days": 120, "renewal_terms": "extended unless a party objects"}, 201, &ag)
	if ag.Status != parley.AgreementInForce || ag.Expires != "2022-11-19" || len(ag.History) != 1 {
		t.Errorf("created agreement = %+v", ag)
	}
	path := fmt.Sprintf("/api/v1/agreements/%d", ag.ID)
	a.call("POST", path+"/renewals", M{"date": "2022-11-17", "expires": "2023-03-18", "note": "120 days"}, 200, &ag)
	a.call("PUT", path+"/thresholds", M{"window_days": 30, "violations": 1, "unverifiable": 3, "overdue_days": 0}, 200, &ag)
	if ag.Expires != "2023-03-18" || len(ag.Renewals) != 1 || ag.Warning.Violations != 1 {
		t.Errorf("after renewal and thresholds: %+v", ag)
	}
	var c parley.Commitment
	a.call("POST", path+"/commitments", M{"obligor": f.russia.ID, "verifier": f.qatar.ID, "obligation": "Register vessels for inspection", "recurrence": "daily"}, 201, &c)
	var rep parley.Report
	a.call("POST", path+"/reports", M{"commitment_id": c.ID, "date": "2023-05-01", "source": "Joint Coordination Centre", "reliability": "confirmed",
		"finding": "violated", "audience": "mediators", "evidence": "No vessel registered since 24 April."}, 201, &rep)
	if rep.ID == 0 || rep.Evidence != "No vessel registered since 24 April." {
		t.Errorf("report = %+v", rep)
	}
	var sc parley.Score
	a.call("POST", path+"/scores", M{"commitment_id": c.ID, "period": "2023-Q2", "value": 1}, 201, &sc)
	a.call("GET", path, nil, 200, &ag)
	var cs api.List[parley.Commitment]
	a.call("GET", path+"/commitments", nil, 200, &cs)
	var rs api.List[parley.Report]
	a.call("GET", path+"/reports", nil, 200, &rs)
	var ss api.List[parley.Score]
	a.call("GET", path+"/scores", nil, 200, &ss)
	if cs.Total != 1 || rs.Total != 1 || ss.Total != 1 || rs.Items[0].Evidence != rep.Evidence {
		t.Errorf("lists: %d commitments, %d reports, %d scores", cs.Total, rs.Total, ss.Total)
	}
	var list api.List[parley.Agreement]
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/agreements", tr), nil, 200, &list)
	if list.Total != 1 {
		t.Errorf("agreements = %+v", list)
	}
	var im struct {
		Overall []parley.Implementation            `json:"overall"`
		ByParty map[string][]parley.Implementation `json:"by_party"`
	}
	a.call("GET", path+"/implementation", nil, 200, &im)
	if len(im.Overall) != 1 || im.Overall[0].Period != "2023-Q2" || len(im.ByParty[fmt.Sprint(f.russia.ID)]) != 1 {
		t.Errorf("implementation = %+v", im)
	}
	var w api.EarlyWarning
	a.call("GET", path+"/warning", nil, 200, &w)
	if !w.Triggered || w.Warning == nil || w.Warning.To != "2023-05-01" || w.AsOf == "" {
		t.Errorf("warning = %+v", w)
	}
	var trust parley.TrustRecord
	a.call("GET", fmt.Sprintf("/api/v1/parties/%d/trust", f.russia.ID), nil, 200, &trust)
	if trust.Commitments != 1 || trust.Total.Broken != 1 {
		t.Errorf("trust record = %+v", trust)
	}
	a.call("POST", path+"/transitions", M{"to": "collapsed", "reason": "the delegation withdrew from the initiative"}, 200, &ag)
	if ag.Status != parley.AgreementCollapsed || len(ag.History) != 2 {
		t.Errorf("after the collapse: %+v", ag)
	}
	// A fresh agreement has no warning: triggered false, no warning member.
	var fresh parley.Agreement
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/agreements", tr), M{"title": "Quiet", "signatories": []int64{f.ukraine.ID}, "effective": "2023-01-01"}, 201, &fresh)
	resp := a.do("GET", fmt.Sprintf("/api/v1/agreements/%d/warning", fresh.ID), nil)
	if resp.Code != 200 || !strings.Contains(resp.Body.String(), `"triggered":false`) || strings.Contains(resp.Body.String(), `"warning"`) {
		t.Errorf("warning of a quiet agreement: %d %s", resp.Code, resp.Body)
	}
}

// TestAgreementRefusals sends the refusals of agreements through the API
// and checks each problem document and that nothing changed.
func TestAgreementRefusals(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) { testAgreementRefusals(t, b.open(t)) })
	}
}

func testAgreementRefusals(t *testing.T, a *testAPI) {
	f := a.seed()
	tr := f.track.ID
	var ag, other, collapsed parley.Agreement
	create := func(out *parley.Agreement, title string) {
		a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/agreements", tr), M{"title": title, "signatories": []int64{f.ukraine.ID, f.russia.ID}, "effective": "2022-07-22", "duration_days": 120}, 201, out)
	}
	create(&ag, "Corridor")
	create(&other, "Other")
	create(&collapsed, "Collapsed")
	a.call("POST", fmt.Sprintf("/api/v1/agreements/%d/transitions", collapsed.ID), M{"to": "collapsed", "reason": "withdrawal"}, 200, nil)
	var c, oc parley.Commitment
	a.call("POST", fmt.Sprintf("/api/v1/agreements/%d/commitments", ag.ID), M{"obligor": f.russia.ID, "verifier": f.qatar.ID, "obligation": "Register vessels", "recurrence": "daily"}, 201, &c)
	a.call("POST", fmt.Sprintf("/api/v1/agreements/%d/commitments", other.ID), M{"obligor": f.ukraine.ID, "verifier": f.qatar.ID, "obligation": "Demining", "due": "2023-01-01"}, 201, &oc)
	path := fmt.Sprintf("/api/v1/agreements/%d", ag.ID)
	report := func(change M) M {
		r := M{"commitment_id": c.ID, "date": "2023-01-01", "source": "JCC", "reliability": "confirmed", "finding": "complied", "audience": "mediators", "evidence": "Sealed notes"}
		for k, v := range change {
			r[k] = v
		}
		return r
	}
	// state is everything the API answers about the agreements.
	state := func() map[string]any {
		snap := a.snapshot()
		for _, id := range []int64{ag.ID, other.ID, collapsed.ID} {
			for _, sub := range []string{"", "/commitments", "/reports", "/scores"} {
				var v any
				p := fmt.Sprintf("/api/v1/agreements/%d%s", id, sub)
				a.call("GET", p, nil, 200, &v)
				snap[p] = v
			}
		}
		return snap
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		field, detail      string
	}{
		{"unknown field", "POST", fmt.Sprintf("/api/v1/tracks/%d/agreements", tr), M{"title": "X", "signatories": []int64{f.ukraine.ID}, "effective": "2023-01-01", "status": "collapsed"}, 400, "status", `unknown field "status"`},
		{"wrong type", "POST", path + "/commitments", M{"obligor": "Russia", "verifier": f.qatar.ID, "obligation": "x", "due": "2023-01-01"}, 400, "obligor", "must be an integer"},
		{"missing field", "POST", path + "/reports", M{"commitment_id": c.ID, "date": "2023-01-01"}, 400, "source", "required"},
		{"future report date", "POST", path + "/reports", report(M{"date": "2999-01-01"}), 400, "date", "future"},
		{"unknown finding", "POST", path + "/reports", report(M{"finding": "kept"}), 400, "finding", "unknown finding"},
		{"a report on another agreement's commitment", "POST", path + "/reports", report(M{"commitment_id": oc.ID}), 400, "commitment_id", "not a commitment of agreement"},
		{"a score on another agreement's commitment", "POST", path + "/scores", M{"commitment_id": oc.ID, "period": "2023", "value": 1}, 400, "commitment_id", "not a commitment"},
		{"renewing a collapsed agreement", "POST", fmt.Sprintf("/api/v1/agreements/%d/renewals", collapsed.ID), M{"date": "2023-07-18", "expires": "2023-11-18"}, 409, "expires", "final agreement is not renewed"},
		{"an illegal transition", "POST", fmt.Sprintf("/api/v1/agreements/%d/transitions", collapsed.ID), M{"to": "in force", "reason": "revived"}, 409, "to", "final"},
		{"an unknown status", "POST", path + "/transitions", M{"to": "frozen", "reason": "x"}, 400, "to", "unknown status"},
		{"a renewal to an earlier expiry", "POST", path + "/renewals", M{"date": "2022-11-01", "expires": "2022-11-10"}, 400, "expires", "later"},
		{"zero window", "PUT", path + "/thresholds", M{"window_days": 0, "violations": 1, "unverifiable": 1, "overdue_days": 1}, 400, "warning.window_days", "between"},
		{"a signatory not of the track", "POST", fmt.Sprintf("/api/v1/tracks/%d/agreements", tr), M{"title": "X", "signatories": []int64{99999}, "effective": "2023-01-01"}, 400, "signatories", "not a party"},
		{"an unknown agreement", "POST", "/api/v1/agreements/99999/reports", report(nil), 404, "", "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := state()
			w := a.do(tc.method, tc.path, tc.body)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			var p problem.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatalf("problem: %v: %s", err, w.Body)
			}
			if p.Field != tc.field || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("problem = %+v, want field %q and detail with %q", p, tc.field, tc.detail)
			}
			if strings.Contains(w.Body.String(), "Sealed notes") {
				t.Errorf("the problem echoes the evidence: %s", w.Body)
			}
			if d := cmp.Diff(before, state()); d != "" {
				t.Errorf("state changed (-before +after):\n%s", d)
			}
		})
	}
}
