package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/api"
)

// testChildHappyPaths opens a child's case, refuses a skipped stage,
// advances it, and counts the track's cases per stage without names.
func testChildHappyPaths(t *testing.T, a *testAPI, f *fixture) {
	type M = map[string]any
	tr := f.track.ID
	var c parley.ChildCase
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/children", tr), M{"audience": fmt.Sprintf("party:%d", f.ukraine.ID),
		"child": M{"name": "Марія Коваленко", "born": "2012-04-01", "taken_from": "Kherson"},
		"first": M{"stage": "identified", "date": "2023-02-01", "source": "National Information Bureau"}}, 201, &c)
	w := a.do("POST", fmt.Sprintf("/api/v1/children/%d/stages", c.ID), M{"stage": "verified", "date": "2023-03-01", "source": "ICRC"})
	if w.Code != 400 || !strings.Contains(w.Body.String(), `the next stage is \"located\"`) || strings.Contains(w.Body.String(), "Коваленко") {
		t.Errorf("a skipped stage: %d %s", w.Code, w.Body)
	}
	a.call("POST", fmt.Sprintf("/api/v1/children/%d/stages", c.ID), M{"stage": "located", "date": "2023-03-01", "source": "ICRC", "verifier": "Qatar"}, 200, &c)
	a.call("GET", fmt.Sprintf("/api/v1/children/%d", c.ID), nil, 200, &c)
	if c.Stage != parley.ChildLocated || len(c.History) != 2 || c.Child.Name != "Марія Коваленко" {
		t.Errorf("case = %+v", c)
	}
	var list api.List[parley.ChildCase]
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/children", tr), nil, 200, &list)
	if list.Total != 1 {
		t.Errorf("cases = %+v", list)
	}
	w = a.do("GET", fmt.Sprintf("/api/v1/tracks/%d/children/counts", tr), nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"located":1`) || !strings.Contains(w.Body.String(), `"identified":0`) || strings.Contains(w.Body.String(), "Коваленко") {
		t.Errorf("counts: %d %s", w.Code, w.Body)
	}
}
