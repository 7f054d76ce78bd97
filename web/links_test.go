package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/negotiation/linked"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
)

// The demo's linked tracks: the energy moratorium and the prisoner
// exchanges in one package, with cross-track weights under which linking
// opens a zone that neither track has alone.

const (
	energyTitle    = "Energy-infrastructure strike moratorium"
	prisonersTitle = "Prisoner exchanges"
)

// newLinkedDesk is the desk with the demo's own profiles on the two
// linked tracks (newDesk seals test markers into every profile, whose
// low reservations give each track a zone of its own).
func newLinkedDesk(t *testing.T) *testDesk {
	t.Helper()
	d := newDesk(t)
	sc, err := demo.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range sc.Tracks {
		if ts.Title != energyTitle && ts.Title != prisonersTitle {
			continue
		}
		for _, pos := range ts.Positions {
			p := &parley.Profile{TrackID: d.tracks[ts.Title].ID, PartyID: d.party[pos.Party], Content: pos.ProfileContent()}
			if err := d.store.PutProfile(sysCtx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d
}

// jointOf reads the joint analysis through the API.
func jointOf(t *testing.T, b *browser, method string, track int64, body string) *action.JointAnalysis {
	t.Helper()
	status, out := b.api(method, fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", track), body)
	if status != http.StatusOK {
		t.Fatalf("%s joint analysis: %d %s", method, status, out)
	}
	var ja action.JointAnalysis
	if err := json.Unmarshal([]byte(out), &ja); err != nil {
		t.Fatal(err)
	}
	return &ja
}

// TestDemoLinkageOpensAZone: in the demo, neither the energy moratorium
// nor the prisoner exchanges has a zone of agreement alone; linked as a
// package, with the delegations' cross-track weights, they have one, and
// each party gains by the linkage. The page says so; the what-ifs undo it.
func TestDemoLinkageOpensAZone(t *testing.T) {
	d := newLinkedDesk(t)
	med := d.signIn(t, demo.MediatorEmail)
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	ja := jointOf(t, med, "GET", energy.ID, "")
	rep := ja.Report
	for _, tr := range rep.Tracks {
		if tr.Zone || tr.Nash != nil {
			t.Errorf("%s has a zone alone", tr.Name)
		}
	}
	if !rep.Zone.Agreement || rep.Nash == nil || len(rep.Tracks) != 2 {
		t.Fatalf("no joint zone: %+v", rep.Zone)
	}
	slices.Sort(rep.Opens)
	if !slices.Equal(rep.Opens, []string{energyTitle, prisonersTitle}) {
		t.Errorf("opens %v", rep.Opens)
	}
	for _, l := range rep.Linkage {
		if l.Gain <= 0 {
			t.Errorf("%s gains %v by the linkage", l.Party, l.Gain)
		}
	}
	if len(rep.Trades) == 0 || !slices.ContainsFunc(rep.Trades, func(tr linked.Trade) bool { return tr.CrossTrack }) {
		t.Errorf("no trade across tracks: %+v", rep.Trades)
	}
	if ja.IDs[energyTitle] != energy.ID || ja.IDs[prisonersTitle] != prisoners.ID || len(ja.Links) != 1 || ja.Links[0].Kind != parley.LinkPackage {
		t.Errorf("tracks %v, links %+v", ja.IDs, ja.Links)
	}
	// The same from the other track.
	if other := jointOf(t, med, "GET", prisoners.ID, ""); !other.Report.Zone.Agreement {
		t.Error("no joint zone seen from the prisoner exchanges")
	}

	// The page shows it.
	status, page := med.get(fmt.Sprintf("/tracks/%d/joint", energy.ID))
	if status != http.StatusOK {
		t.Fatalf("joint page: %d", status)
	}
	for _, want := range []string{`id="joint-opens"`, `class="frontier"`, `id="joint-nash-mark"`, "none alone", `class="linkage-row"`, energyTitle, prisonersTitle} {
		if !strings.Contains(page, want) {
			t.Errorf("the joint page lacks %q", want)
		}
	}
	if strings.Count(page, `class="track-alone"`) != 2 {
		t.Errorf("the page does not show both tracks alone")
	}

	// What-if: unlinked, the energy track alone has no zone.
	alone := jointOf(t, med, "POST", energy.ID, fmt.Sprintf(`{"unlink":[%d]}`, prisoners.ID))
	if alone.Report.Zone.Agreement || len(alone.Report.Tracks) != 1 {
		t.Errorf("unlinked: zone %v over %d tracks", alone.Report.Zone.Agreement, len(alone.Report.Tracks))
	}
	// What-if: Ukraine weighs the tracks alike, and its shares follow.
	moved := jointOf(t, med, "POST", energy.ID, fmt.Sprintf(`{"weights":[{"party_id":%d,"track_id":%d,"weight":4}]}`, d.party["Ukraine"], energy.ID))
	if w := moved.Report.Weights[slices.Index(moved.Report.Parties, "Ukraine")]; w[0] != 0.5 || w[1] != 0.5 {
		t.Errorf("Ukraine's weights after the what-if: %v", w)
	}
	// The page's what-if form, and its refusals.
	form := url.Values{"unlink": {fmt.Sprint(prisoners.ID)}}
	if status, page := med.post(fmt.Sprintf("/tracks/%d/joint", energy.ID), form); status != http.StatusOK || strings.Contains(page, `id="joint-opens"`) || !strings.Contains(page, fmt.Sprintf(`id="unlink_%d" name="unlink" value="%d" checked`, prisoners.ID, prisoners.ID)) {
		t.Errorf("the page's unlink what-if: %d", status)
	}
	for name, body := range map[string]string{
		"a negative weight":        fmt.Sprintf(`{"weights":[{"party_id":%d,"track_id":%d,"weight":-1}]}`, d.party["Ukraine"], energy.ID),
		"a weight of no track":     fmt.Sprintf(`{"weights":[{"party_id":%d,"track_id":9999,"weight":1}]}`, d.party["Ukraine"]),
		"a party of no profile":    fmt.Sprintf(`{"weights":[{"party_id":%d,"track_id":%d,"weight":1}]}`, d.party["Qatar"], energy.ID),
		"unlinking the track":      fmt.Sprintf(`{"unlink":[%d]}`, energy.ID),
		"unlinking an other track": `{"unlink":[9999]}`,
		"all of a party's weights zero": fmt.Sprintf(`{"weights":[{"party_id":%[1]d,"track_id":%[2]d,"weight":0},{"party_id":%[1]d,"track_id":%[3]d,"weight":0}]}`,
			d.party["Russia"], energy.ID, prisoners.ID),
	} {
		status, out := med.api("POST", fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", energy.ID), body)
		if status != http.StatusBadRequest || !strings.Contains(out, "problem") && !strings.Contains(out, "detail") {
			t.Errorf("%s: %d %s", name, status, out)
		}
	}
	form = url.Values{"weights[0].party_id": {fmt.Sprint(d.party["Ukraine"])}, "weights[0].track_id": {fmt.Sprint(energy.ID)}, "weights[0].weight": {"-2"}}
	if status, page := med.post(fmt.Sprintf("/tracks/%d/joint", energy.ID), form); status != http.StatusBadRequest || !strings.Contains(page, `id="joint-problem"`) || !strings.Contains(page, `value="-2"`) {
		t.Errorf("a refused what-if on the page: %d", status)
	}

	// The map draws the link and offers the joint analysis to the mediator.
	_, mapPage := med.get("/map")
	for _, want := range []string{`id="links"`, `class="link link-package"`, fmt.Sprintf(`href="/tracks/%d/joint"`, energy.ID)} {
		if !strings.Contains(mapPage, want) {
			t.Errorf("the map lacks %q", want)
		}
	}
}

// TestLinkedProfileWeight: the cross-track weight is a block of the
// profile editor, sealed with the profile, and refused when it makes no
// sense.
func TestLinkedProfileWeight(t *testing.T) {
	d := newLinkedDesk(t)
	ua := d.signIn(t, "ua@demo.parley")
	energy := d.tracks[energyTitle]
	own := fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, d.party["Ukraine"])
	status, page := ua.get(own)
	if status != http.StatusOK || !strings.Contains(page, `id="linked-tracks"`) || !strings.Contains(page, prisonersTitle) || !strings.Contains(page, `name="link_weight" type="number" min="0" max="1000" step="any" value="1"`) {
		t.Fatalf("the editor's linked tracks: %d", status)
	}
	th := d.firstTheme(t, energy.ID)
	form := url.Values{"reservation": {"0.68"}, "weights[" + th.Name + "]": {"1"}, "link_weight": {"-1"}}
	if status, page := ua.post(own, form); status != http.StatusBadRequest || !strings.Contains(page, "from 0 to 1000") {
		t.Errorf("a negative weight: %d", status)
	}
	form.Set("link_weight", "2.5")
	if status, _ := ua.post(own, form); status != http.StatusOK {
		t.Errorf("save a weight: %d", status)
	}
	p, err := d.store.FindProfile(sysCtx, energy.ID, d.party["Ukraine"])
	if err != nil || p.Content.LinkWeight == nil || *p.Content.LinkWeight != 2.5 {
		t.Errorf("stored weight %v (%v)", p.Content.LinkWeight, err)
	}
	status, body := ua.api("PUT", fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", energy.ID, d.party["Ukraine"]), `{"weights":{"Duration":1},"values":{},"reservation":0.5,"red_lines":[],"core_demands":[],"notes":"","link_weight":1e9}`)
	if status != http.StatusBadRequest || !strings.Contains(body, "link_weight") {
		t.Errorf("an absurd weight through the API: %d %s", status, body)
	}
}

// TestLinkedTrackLeaks: a delegate of a party on one linked track but not
// the other, and a mediator of one of them only, see nothing of the other
// track through the link: not the link, not its track's title, not the
// joint analysis, not the party's weight there.
func TestLinkedTrackLeaks(t *testing.T) {
	d := newLinkedDesk(t)
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	newUser := func(email string, g parley.Member) {
		h, err := password.Hash(deskPassword, password.InsecureTestParams)
		if err != nil {
			t.Fatal(err)
		}
		u := &parley.User{Email: email, Name: email, PasswordHash: h}
		must(t, d.store.CreateUser(sysCtx, u))
		g.UserID = u.ID
		must(t, d.store.CreateMember(sysCtx, &g))
	}
	ua := d.party["Ukraine"]
	newUser("ua-energy@demo.parley", parley.Member{TrackID: energy.ID, Role: parley.MemberDelegate, PartyID: &ua})
	newUser("mediator-energy@demo.parley", parley.Member{TrackID: energy.ID, Role: parley.MemberMediator})
	links, err := d.store.FindLinks(sysCtx, energy.ID)
	if err != nil || len(links) != 1 {
		t.Fatalf("the demo's links: %v %v", links, err)
	}
	// A secret of the other track: Ukraine's weight there.
	p, err := d.store.FindProfile(sysCtx, prisoners.ID, ua)
	must(t, err)
	secret := 7.3125
	p.Content.LinkWeight = &secret
	must(t, d.store.PutProfile(sysCtx, &parley.Profile{TrackID: prisoners.ID, PartyID: ua, Content: p.Content}))

	// A cross-track package: a halt to strikes for an all-for-all exchange.
	med := d.signIn(t, demo.MediatorEmail)
	pkgBody := func(parties ...int64) string {
		b, _ := json.Marshal(map[string]any{"audience": "plenary", "party_ids": parties, "parts": []map[string]any{
			{"track_id": energy.ID, "package": []parley.Choice{{Theme: "Scope of the moratorium", Option: "All energy infrastructure including oil and gas"}}, "rationale": "ENERGY-PART-RATIONALE"},
			{"track_id": prisoners.ID, "package": []parley.Choice{{Theme: "Exchange terms", Option: "All for all"}}, "rationale": "PRISONERS-PART-RATIONALE"},
		}})
		return string(b)
	}
	if status, body := med.api("POST", "/api/v1/packages", pkgBody(d.party["Qatar"])); status != http.StatusBadRequest || !strings.Contains(body, "not a principal") {
		t.Errorf("a package to a party of neither track as a principal: %d %s", status, body)
	}
	status, body := med.api("POST", "/api/v1/packages", pkgBody(ua, d.party["Russia"]))
	var pkg parley.ProposalPackage
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &pkg) != nil || len(pkg.Parts) != 2 {
		t.Fatalf("put a package: %d %s", status, body)
	}
	energyPart, prisonersPart := pkg.Parts[0].ID, pkg.Parts[1].ID
	if status, page := med.get(fmt.Sprintf("/tracks/%d/proposals", energy.ID)); status != http.StatusOK ||
		!strings.Contains(page, "On "+prisonersTitle+":") || !strings.Contains(page, "Exchange terms: All for all") {
		t.Errorf("the mediator's package note: %d", status)
	}

	// A cross-track ballot on the same two tracks, put to both delegations.
	ballotBody := func(parties ...int64) string {
		b, _ := json.Marshal(map[string]any{"party_ids": parties, "deadline": time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339), "parts": []map[string]any{
			{"track_id": energy.ID, "package": []parley.Choice{{Theme: "Scope of the moratorium", Option: "All energy infrastructure including oil and gas"}}},
			{"track_id": prisoners.ID, "package": []parley.Choice{{Theme: "Exchange terms", Option: "All for all"}}},
		}})
		return string(b)
	}
	if status, body := med.api("POST", "/api/v1/ballot-packages", ballotBody(ua, d.party["Qatar"])); status != http.StatusBadRequest || !strings.Contains(body, "not a principal") {
		t.Errorf("a cross-track ballot to a party of neither track as a principal: %d %s", status, body)
	}
	status, body = med.api("POST", "/api/v1/ballot-packages", ballotBody(ua, d.party["Russia"]))
	var bp parley.BallotPackage
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &bp) != nil || len(bp.Parts) != 2 {
		t.Fatalf("put a cross-track ballot: %d %s", status, body)
	}
	energyBallot, prisonersBallot := bp.Parts[0].ID, bp.Parts[1].ID
	if status, page := med.get(fmt.Sprintf("/ballots/%d", energyBallot)); status != http.StatusOK || !strings.Contains(page, `id="ballot-package"`) ||
		!strings.Contains(page, prisoners.Title) || strings.Contains(page, "more part is on a track") {
		t.Errorf("the mediator's cross-track ballot note: %d", status)
	}

	// A single text whose clauses belong to both tracks.
	var textIDs []int64
	for _, tc := range []struct {
		track  int64
		clause string
	}{{energy.ID, "ENERGY-CLAUSE: a halt to strikes on energy infrastructure."}, {prisoners.ID, "PRISONERS-CLAUSE: an exchange of all for all."}} {
		x := &parley.NegotiatingText{TrackID: tc.track, Title: "Moratorium for an exchange", Audience: parley.AudiencePlenary}
		must(t, d.store.CreateText(sysCtx, x))
		_, err := d.store.CreateVersion(sysCtx, x.ID, []parley.Clause{{Text: tc.clause, Status: parley.ClauseOpen}})
		must(t, err)
		textIDs = append(textIDs, x.ID)
	}
	if status, body := med.api("POST", "/api/v1/joint-texts", fmt.Sprintf(`{"text_ids":[%d,%d]}`, textIDs[0], textIDs[1])); status != http.StatusCreated || !strings.Contains(body, "PRISONERS-CLAUSE") {
		t.Fatalf("join the texts: %d %s", status, body)
	}
	if status, page := med.get(fmt.Sprintf("/texts/%d", textIDs[0])); status != http.StatusOK || !strings.Contains(page, "PRISONERS-CLAUSE") ||
		!strings.Contains(page, "Nothing is agreed until every part of the text is agreed.") {
		t.Errorf("the mediator's joint text note: %d", status)
	}

	for _, email := range []string{"ua-energy@demo.parley", "mediator-energy@demo.parley"} {
		b := d.signIn(t, email)
		status, body := b.api("GET", fmt.Sprintf("/api/v1/texts/%d/joint", textIDs[0]), "")
		if status != http.StatusOK || !strings.Contains(body, "ENERGY-CLAUSE") || strings.Contains(body, "PRISONERS-CLAUSE") || !strings.Contains(body, `"hidden":1`) {
			t.Errorf("%s: the joint text: %d %s", email, status, body)
		}
		if status, page := b.get(fmt.Sprintf("/texts/%d", textIDs[0])); status != http.StatusOK || !strings.Contains(page, `id="joint-text"`) ||
			!strings.Contains(page, "1 more part is on a track you are not a member of") || strings.Contains(page, "PRISONERS-CLAUSE") {
			t.Errorf("%s: the energy text page's joint note: %d", email, status)
		}
		if status, _ := b.api("GET", fmt.Sprintf("/api/v1/texts/%d/joint", textIDs[1]), ""); status != http.StatusNotFound {
			t.Errorf("%s: the prisoners' part of the joint text: %d", email, status)
		}
		status, body = b.api("GET", fmt.Sprintf("/api/v1/proposals/%d/package", energyPart), "")
		if status != http.StatusOK || !strings.Contains(body, `"hidden":1`) || !strings.Contains(body, "ENERGY-PART-RATIONALE") {
			t.Errorf("%s: the energy part's package: %d %s", email, status, body)
		}
		for _, leak := range []string{"PRISONERS-PART-RATIONALE", "All for all", "Exchange terms", fmt.Sprint(prisoners.ID) + ","} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the package shows %q", email, leak)
			}
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/proposals/%d/package", prisonersPart), fmt.Sprintf("/api/v1/proposals/%d", prisonersPart)} {
			if status, _ := b.api("GET", path, ""); status != http.StatusNotFound {
				t.Errorf("%s: GET %s: %d, want 404", email, path, status)
			}
		}
		if status, page := b.get(fmt.Sprintf("/tracks/%d/proposals", energy.ID)); status != http.StatusOK ||
			!strings.Contains(page, fmt.Sprintf(`id="package-%d"`, energyPart)) || !strings.Contains(page, "1 more part is on a track you are not a member of") ||
			strings.Contains(page, "All for all") || strings.Contains(page, "PRISONERS-PART-RATIONALE") {
			t.Errorf("%s: the energy proposals page's package note: %d", email, status)
		}
		status, body = b.api("GET", fmt.Sprintf("/api/v1/ballots/%d/package", energyBallot), "")
		if status != http.StatusOK || !strings.Contains(body, `"hidden":1`) || !strings.Contains(body, "All energy infrastructure") {
			t.Errorf("%s: the energy part's cross-track ballot: %d %s", email, status, body)
		}
		for _, leak := range []string{"All for all", "Exchange terms", fmt.Sprint(prisoners.ID) + ","} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the cross-track ballot shows %q", email, leak)
			}
		}
		if status, page := b.get(fmt.Sprintf("/ballots/%d", energyBallot)); status != http.StatusOK || !strings.Contains(page, `id="ballot-package"`) ||
			!strings.Contains(page, "1 more part is on a track you are not a member of") || strings.Contains(page, "All for all") || strings.Contains(page, "Exchange terms") {
			t.Errorf("%s: the energy ballot page's cross-track note: %d", email, status)
		}
		if status, _ := b.get(fmt.Sprintf("/ballots/%d", prisonersBallot)); status != http.StatusNotFound {
			t.Errorf("%s: the prisoners' ballot page: %d, want 404", email, status)
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/ballots/%d/package", prisonersBallot), fmt.Sprintf("/api/v1/ballots/%d", prisonersBallot)} {
			if status, _ := b.api("GET", path, ""); status != http.StatusNotFound {
				t.Errorf("%s: GET %s: %d, want 404", email, path, status)
			}
		}
		if status, _ := b.api("POST", "/api/v1/ballot-packages", ballotBody(ua, d.party["Russia"])); status != http.StatusBadRequest {
			t.Errorf("%s puts a cross-track ballot across a track it does not see: %d", email, status)
		}
		if status, _ := b.api("POST", "/api/v1/packages", pkgBody(ua)); status != http.StatusBadRequest {
			t.Errorf("%s puts a package across a track it does not see: %d", email, status)
		}
		for _, path := range []string{
			fmt.Sprintf("/api/v1/links/%d", links[0].ID),
			fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", energy.ID),
			fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", prisoners.ID),
			fmt.Sprintf("/api/v1/tracks/%d/links", prisoners.ID),
			fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", prisoners.ID, ua),
		} {
			if status, _ := b.api("GET", path, ""); status != http.StatusNotFound {
				t.Errorf("%s: GET %s: %d, want 404", email, path, status)
			}
		}
		if status, _ := b.api("POST", fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", energy.ID), `{}`); status != http.StatusNotFound {
			t.Errorf("%s: joint what-if: %d", email, status)
		}
		for _, path := range []string{"/api/v1/links", fmt.Sprintf("/api/v1/tracks/%d/links", energy.ID)} {
			status, body := b.api("GET", path, "")
			if status != http.StatusOK || !strings.Contains(body, `"total":0`) {
				t.Errorf("%s: %s: %d %s", email, path, status, body)
			}
		}
		pages := []string{"/map", fmt.Sprintf("/tracks/%d", energy.ID), fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, ua)}
		for _, path := range pages {
			status, page := b.get(path)
			if status != http.StatusOK {
				t.Errorf("%s: %s: %d", email, path, status)
			}
			for _, leak := range []string{prisonersTitle, "7.3125", `id="links"`, "/joint"} {
				if strings.Contains(page, leak) {
					t.Errorf("%s: %s shows %q", email, path, leak)
				}
			}
		}
		if status, _ := b.get(fmt.Sprintf("/tracks/%d/joint", energy.ID)); status != http.StatusNotFound {
			t.Errorf("%s: joint page: %d", email, status)
		}
		if status, _ := b.post(fmt.Sprintf("/tracks/%d/joint", energy.ID), url.Values{}); status != http.StatusNotFound {
			t.Errorf("%s: joint what-if page: %d", email, status)
		}
	}
	// The demo's delegate, on both tracks, reads its own weight on each
	// but not the joint analysis, which combines both parties' profiles.
	both := d.signIn(t, "ua@demo.parley")
	if status, body := both.api("GET", fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", prisoners.ID, ua), ""); status != http.StatusOK || !strings.Contains(body, "7.3125") {
		t.Errorf("the delegate's own weight: %d", status)
	}
	if status, _ := both.api("GET", fmt.Sprintf("/api/v1/tracks/%d/joint-analysis", energy.ID), ""); status != http.StatusNotFound {
		t.Errorf("a delegate reads the joint analysis: %d", status)
	}
	if status, _ := both.api("GET", fmt.Sprintf("/api/v1/links/%d", links[0].ID), ""); status != http.StatusOK {
		t.Errorf("a delegate on both tracks reads their link: %d", status)
	}
}

// testJointPages calls the joint analysis's pages with success, for the
// desk's route coverage (TestDeskScenarios).
func testJointPages(t *testing.T, d *testDesk) {
	t.Helper()
	med := d.signIn(t, demo.MediatorEmail)
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	path := fmt.Sprintf("/tracks/%d/joint", energy.ID)
	if status, page := med.get(path); status != http.StatusOK || !strings.Contains(page, `id="joint-whatif"`) {
		t.Errorf("joint page: %d", status)
	}
	if status, page := med.post(path, url.Values{"unlink": {fmt.Sprint(prisoners.ID)}}); status != http.StatusOK || !strings.Contains(page, `id="joint-zone"`) {
		t.Errorf("joint what-if page: %d", status)
	}
	// The joint page's forms (joint_forms_test.go tests them).
	form := jointNashForm(t, d, med)
	if status, page := med.post(path+"/package", form); status != http.StatusOK || !strings.Contains(page, "Part of a package across linked tracks") {
		t.Errorf("joint package form: %d", status)
	}
	form.Del("audience")
	form.Set("deadline", time.Now().Add(72*time.Hour).UTC().Format("2006-01-02T15:04"))
	if status, page := med.post(path+"/ballot", form); status != http.StatusOK || !strings.Contains(page, `id="ballot-package"`) {
		t.Errorf("joint ballot form: %d", status)
	}
	texts := url.Values{}
	for _, tr := range []int64{energy.ID, prisoners.ID} {
		x := &parley.NegotiatingText{TrackID: tr, Title: "Joint scenario text", Audience: parley.AudiencePlenary}
		must(t, d.store.CreateText(sysCtx, x))
		texts.Add("text_ids", fmt.Sprint(x.ID))
	}
	if status, page := med.post(path+"/texts", texts); status != http.StatusOK || !strings.Contains(page, `id="joint-text"`) {
		t.Errorf("joint texts form: %d", status)
	}
}
