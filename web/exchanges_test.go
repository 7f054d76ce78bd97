package web

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/api"
)

// testExchangeHappyPaths walks a prisoner exchange through the API: an
// exchange, Ukraine's list from CSV (a bad file first, refused whole), Russia's
// as JSON in Latin script with a typo, the proposed matches, the
// mediator's confirmations and the action.Reconciliation naming the persons that
// explain the difference.
func testExchangeHappyPaths(t *testing.T, a *testAPI, f *fixture) {
	type M = map[string]any
	tr, ua, ru := f.track.ID, f.ukraine.ID, f.russia.ID
	var e parley.Exchange
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/exchanges", tr), M{"title": "Easter exchange", "terms": "all for all", "side_a": ua, "side_b": ru}, 201, &e)
	var list api.List[parley.Exchange]
	a.call("GET", fmt.Sprintf("/api/v1/tracks/%d/exchanges", tr), nil, 200, &list)
	if list.Total != 1 || list.Items[0].Title != "Easter exchange" {
		t.Errorf("exchanges = %+v", list)
	}
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d", e.ID), nil, 200, &e)

	const header = "name,transliteration,born,status,rank,service_number,capture_place,captured,next_of_kin\n"
	bad := header +
		"Олег Петрович Шевченко,,1990-03-04,military,sergeant,AA123,Mariupol,2022-05-20,\n" +
		"Іван Бойко,,2999-01-02,civilian,,,,2023-01-01,\n" +
		"Oleh Shevchenko Petrovych,,1990-03-04,military,,,,2022-05-20,\n"
	w := a.do("POST", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ua), M{"csv": bad})
	body := w.Body.String()
	if w.Code != 400 || !strings.Contains(body, "row 3, born: in the future") || !strings.Contains(body, "row 4, name: duplicate of row 2") {
		t.Errorf("bad CSV: %d %s", w.Code, body)
	}
	if strings.Contains(body, "Бойко") || strings.Contains(body, "Shevchenko") {
		t.Errorf("the refusal quotes a person: %s", body)
	}
	w = a.do("POST", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ua), M{"csv": "name,born\nОлег,1990-01-01\n"})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "missing columns: transliteration") {
		t.Errorf("CSV without columns: %d %s", w.Code, w.Body)
	}
	var prisoners api.List[parley.Prisoner]
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ua), nil, 200, &prisoners)
	if prisoners.Total != 0 {
		t.Fatalf("a refused CSV stored %d persons", prisoners.Total)
	}

	good := header +
		"Олег Петрович Шевченко,,1990-03-04,military,sergeant,AA123,Mariupol,2022-05-20,Олена (мати)\n" +
		"Іван Бойко,,1979-01-02,civilian,,,Kherson,2023-01-01,\n" +
		"Тарас Мельник,,2000-06-06,military,,,,2024-03-03,\n"
	var added action.PrisonersAdded
	a.call("POST", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ua), M{"csv": good}, 201, &added)
	a.call("POST", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ru), M{"prisoners": []M{
		{"name": "Shevchneko Oleg Petrovich", "born": "1990-03-04", "status": "military", "captured": "2022-05-20"},
		{"name": "Ivan Boiko", "born": "1979-01-02", "status": "civilian", "captured": "2023-01-01"},
		{"name": "Дмитрий Смирнов", "born": "1995-07-07", "status": "military", "captured": "2024-02-02"},
	}}, 201, &added)
	var uaList, ruList api.List[parley.Prisoner]
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ua), nil, 200, &uaList)
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, ru), nil, 200, &ruList)
	if uaList.Total != 3 || ruList.Total != 3 || uaList.Items[0].NextOfKin != "Олена (мати)" {
		t.Fatalf("lists: %+v, %+v", uaList, ruList)
	}

	// The neutral body's verifier, signed in beside the administrator.
	verifier := a.createTestUser("verifier@example.org", "ICRC verifier", false)
	if err := a.store.CreateMember(sysCtx, &parley.Member{TrackID: tr, UserID: verifier.ID, Role: parley.MemberVerifier}); err != nil {
		t.Fatal(err)
	}
	verifierToken := a.signIn("verifier@example.org", testPassword)
	var got action.Candidates
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/candidates", e.ID), nil, 200, &got)
	cands := got.Pairs
	want := []action.MatchCandidate{{PrisonerA: uaList.Items[0].ID, PrisonerB: ruList.Items[0].ID}, {PrisonerA: uaList.Items[1].ID, PrisonerB: ruList.Items[1].ID}}
	if len(cands) != 2 {
		t.Fatalf("candidates = %+v, want the pairs %+v", cands, want)
	}
	for i, c := range cands {
		if c.PrisonerA != want[i].PrisonerA || c.PrisonerB != want[i].PrisonerB || c.Score <= 0 || c.Score > 1 {
			t.Errorf("candidate %d = %+v, want %+v", i, c, want[i])
		}
		var pm parley.PrisonerMatch
		a.call("POST", fmt.Sprintf("/api/v1/exchanges/%d/matches", e.ID), M{"prisoner_a": c.PrisonerA, "prisoner_b": c.PrisonerB}, 201, &pm)
		if w := a.do("POST", fmt.Sprintf("/api/v1/matches/%d/verification", pm.ID), M{"verified": true}); w.Code != 403 {
			t.Errorf("a mediator verifies: %d %s", w.Code, w.Body)
		}
		saved := a.token
		a.token = verifierToken
		a.call("POST", fmt.Sprintf("/api/v1/matches/%d/verification", pm.ID), M{"verified": true}, 200, &pm)
		a.token = saved
		if pm.VerifiedAt == nil {
			t.Errorf("verified match = %+v", pm)
		}
	}
	// The mediator shares the first match with both sides, once.
	var matches action.Reconciliation
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/reconciliation", e.ID), nil, 200, &matches)
	var shared parley.PrisonerMatch
	if w := a.do("POST", fmt.Sprintf("/api/v1/matches/%d/sharing", matches.Matched[0].ID), M{"shared": false}); w.Code != 400 || !strings.Contains(w.Body.String(), "shared") {
		t.Errorf("shared false: %d %s", w.Code, w.Body)
	}
	a.call("POST", fmt.Sprintf("/api/v1/matches/%d/sharing", matches.Matched[0].ID), M{"shared": true}, 200, &shared)
	if shared.SharedAt == nil {
		t.Errorf("shared match = %+v", shared)
	}
	if w := a.do("POST", fmt.Sprintf("/api/v1/matches/%d/sharing", matches.Matched[0].ID), M{"shared": true}); w.Code != 409 {
		t.Errorf("shared twice: %d %s", w.Code, w.Body)
	}
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/candidates", e.ID), nil, 200, &got)
	if len(got.Pairs) != 0 || len(got.AlreadyExchanged) != 0 {
		t.Errorf("confirmed persons proposed again: %+v", got)
	}
	var rec action.Reconciliation
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/reconciliation", e.ID), nil, 200, &rec)
	if rec.CountA != 3 || rec.CountB != 3 || len(rec.Matched) != 2 ||
		!reflect.DeepEqual(rec.OnlyA, []int64{uaList.Items[2].ID}) || !reflect.DeepEqual(rec.OnlyB, []int64{ruList.Items[2].ID}) {
		t.Errorf("action.Reconciliation = %+v", rec)
	}

	// The exchange hands over the first two; a later exchange's list that
	// names one of them again (transliterated) is flagged.
	a.call("POST", fmt.Sprintf("/api/v1/exchanges/%d/handovers", e.ID), M{"prisoner_ids": []int64{uaList.Items[0].ID, uaList.Items[1].ID}}, 204, nil)
	if w := a.do("POST", fmt.Sprintf("/api/v1/exchanges/%d/handovers", e.ID), M{"prisoner_ids": []int64{uaList.Items[0].ID}}); w.Code != 409 {
		t.Errorf("handed over twice: %d %s", w.Code, w.Body)
	}
	// Ukraine's list hands over two, Russia's none: both explain the
	// difference, and the all-for-all terms are not met.
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/reconciliation", e.ID), nil, 200, &rec)
	if h := rec.Handover; h.HandedA != 2 || h.HandedB != 0 || h.Met || len(h.Pending) != 2 ||
		!reflect.DeepEqual(h.UnansweredA, []int64{uaList.Items[0].ID, uaList.Items[1].ID}) || len(h.UnansweredB) != 0 {
		t.Errorf("handover action.Reconciliation = %+v", h)
	}
	a.call("POST", fmt.Sprintf("/api/v1/exchanges/%d/handovers", e.ID), M{"prisoner_ids": []int64{ruList.Items[0].ID, ruList.Items[1].ID}}, 204, nil)
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/reconciliation", e.ID), nil, 200, &rec)
	if h := rec.Handover; h.HandedA != 2 || h.HandedB != 2 || !h.Met || len(h.Pending) != 0 || len(h.UnansweredA) != 0 || len(h.UnansweredB) != 0 {
		t.Errorf("handover action.Reconciliation after both sides = %+v", h)
	}
	var later parley.Exchange
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/exchanges", tr), M{"title": "Summer exchange", "terms": "n for n", "n": 1, "side_a": ua, "side_b": ru}, 201, &later)
	a.call("POST", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", later.ID, ua), M{"prisoners": []M{
		{"name": "Ivan Boyko", "born": "1979-01-02", "status": "civilian", "captured": "2023-01-01"},
	}}, 201, nil)
	var fresh api.List[parley.Prisoner]
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", later.ID, ua), nil, 200, &fresh)
	a.call("GET", fmt.Sprintf("/api/v1/exchanges/%d/candidates", later.ID), nil, 200, &got)
	if len(got.AlreadyExchanged) != 1 || got.AlreadyExchanged[0].PrisonerA != fresh.Items[0].ID || got.AlreadyExchanged[0].PrisonerB != uaList.Items[1].ID {
		t.Errorf("already exchanged = %+v, want person %d as %d", got.AlreadyExchanged, fresh.Items[0].ID, uaList.Items[1].ID)
	}
}
