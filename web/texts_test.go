package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/api"
)

// testTextHappyPaths drafts a negotiating text through the API as the
// mediator: a bracketed version, frozen, then an agreed one; the diff
// between them and the exports of both.
func testTextHappyPaths(t *testing.T, a *testAPI, f *fixture) {
	type M = map[string]any
	tr, ua, ru := f.track.ID, f.ukraine.ID, f.russia.ID
	var text parley.NegotiatingText
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/texts", tr), M{"title": "Moratorium on energy strikes", "audience": "plenary"}, 201, &text)
	bracketed := []M{
		{"text": "The parties refrain from strikes on energy infrastructure.", "status": "agreed"},
		{"alternatives": []M{
			{"text": "For thirty days.", "theme": "Duration", "option": "30 days", "sponsors": []int64{ru}},
			{"text": "Indefinitely, with review.", "theme": "Duration", "option": "Indefinite", "sponsors": []int64{ua}},
		}, "status": "bracketed"},
	}
	var v1, v2 parley.TextVersion
	a.call("POST", fmt.Sprintf("/api/v1/texts/%d/versions", text.ID), M{"clauses": bracketed[:1]}, 201, &v1)
	agreed := []M{bracketed[0], {"text": "For thirty days.", "status": "agreed"}}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		want         []string
	}{
		{"GET", fmt.Sprintf("/api/v1/tracks/%d/texts", tr), nil, 200, []string{`"total":1`, `Moratorium on energy strikes`}},
		{"GET", fmt.Sprintf("/api/v1/texts/%d", text.ID), nil, 200, []string{`"audience":"plenary"`}},
		{"PUT", fmt.Sprintf("/api/v1/versions/%d", v1.ID), M{"clauses": bracketed}, 200, []string{`"brackets":1`, `"options":2`, `"text_agreed":false`}},
		{"POST", fmt.Sprintf("/api/v1/texts/%d/versions", text.ID), M{"clauses": agreed}, 409, []string{`draft`}},
		{"PATCH", fmt.Sprintf("/api/v1/versions/%d", v1.ID), M{"frozen": true}, 200, []string{`"frozen_at":"`}},
		{"PUT", fmt.Sprintf("/api/v1/versions/%d", v1.ID), M{"clauses": agreed}, 409, []string{`frozen and never changes`}},
		{"PUT", fmt.Sprintf("/api/v1/versions/%d", v1.ID), M{"clauses": []M{{"alternatives": []M{{"text": "a", "theme": "Duration", "option": "A year"}, {"text": "b"}}, "status": "bracketed"}}}, 409, nil},
		{"GET", fmt.Sprintf("/api/v1/versions/%d", v1.ID), nil, 200, []string{`For thirty days.`, fmt.Sprintf(`"sponsors":[%d]`, ru)}},
		{"GET", fmt.Sprintf("/api/v1/versions/%d/markdown", v1.ID), nil, 200, []string{
			"# Moratorium on energy strikes", "1 brackets, 2 options", "2. [For thirty days.] (sponsors: Russia; Duration: 30 days) [Indefinitely, with review.] (sponsors: Ukraine; Duration: Indefinite) *(bracketed)*"}},
		{"GET", fmt.Sprintf("/api/v1/versions/%d/html", v1.ID), nil, 200, []string{"<li>[For thirty days.] <small>sponsors: Russia</small>", "<em>(bracketed)</em>"}},
	} {
		w := a.do(tc.method, tc.path, tc.body)
		if w.Code != tc.status {
			t.Errorf("%s %s: status %d, want %d: %s", tc.method, tc.path, w.Code, tc.status, w.Body)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("%s %s: response lacks %s: %s", tc.method, tc.path, s, w.Body)
			}
		}
	}
	a.call("POST", fmt.Sprintf("/api/v1/texts/%d/versions", text.ID), M{"clauses": agreed}, 201, &v2)
	if v2.Number != 2 || !v2.Counts.AllAgree {
		t.Errorf("version 2 = %+v", v2)
	}
	a.call("GET", fmt.Sprintf("/api/v1/texts/%d/versions", text.ID), nil, 200, nil)
	var diff api.VersionDiff
	a.call("GET", fmt.Sprintf("/api/v1/versions/%d/diff/%d", v1.ID, v2.ID), nil, 200, &diff)
	if diff.From != 1 || diff.To != 2 || len(diff.Changes) != 2 || diff.Changes[0].Kind != "unchanged" || diff.Changes[1].Kind != "changed" {
		t.Errorf("diff = %+v", diff)
	}
	// The agreed version exports as a clean text.
	w := a.do("GET", fmt.Sprintf("/api/v1/versions/%d/markdown", v2.ID), nil)
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "Version 2 — agreed.") || strings.Contains(body, "*(") || strings.Contains(body, "[") {
		t.Errorf("clean markdown: %d %s", w.Code, body)
	}
	// A diff across texts is refused.
	var other parley.NegotiatingText
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/texts", tr), M{"title": "Prisoner exchange", "audience": "mediators"}, 201, &other)
	var ov parley.TextVersion
	a.call("POST", fmt.Sprintf("/api/v1/texts/%d/versions", other.ID), M{"clauses": []M{}}, 201, &ov)
	if w := a.do("GET", fmt.Sprintf("/api/v1/versions/%d/diff/%d", v1.ID, ov.ID), nil); w.Code != 400 || !strings.Contains(w.Body.String(), "different texts") {
		t.Errorf("diff across texts: %d %s", w.Code, w.Body)
	}
}
