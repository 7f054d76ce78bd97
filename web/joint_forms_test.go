package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/password"
)

// The joint analysis page's forms put what it proposes across the linked
// tracks: the joint Nash package as a package or a cross-track ballot,
// and the tracks' texts joined into one.

// addMember makes an account that is a member of one track.
func addMember(t *testing.T, d *testDesk, email string, m parley.Member) {
	t.Helper()
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	must(t, err)
	u := &parley.User{Email: email, Name: email, PasswordHash: h}
	must(t, d.store.CreateUser(sysCtx, u))
	m.UserID = u.ID
	must(t, d.store.CreateMember(sysCtx, &m))
}

// jointNashForm is the package form as the joint page fills it: the joint
// Nash package on both tracks, put to Ukraine and Russia.
func jointNashForm(t *testing.T, d *testDesk, med *browser) url.Values {
	t.Helper()
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	ja := jointOf(t, med, "GET", energy.ID, "")
	if ja.Report.Nash == nil || len(ja.Report.Nash.Tracks) != 2 {
		t.Fatalf("no joint Nash package across both tracks")
	}
	form := url.Values{"audience": {"plenary"}, "party_ids": {fmt.Sprint(d.party["Ukraine"]), fmt.Sprint(d.party["Russia"])}}
	for _, tp := range ja.Report.Nash.Tracks {
		i := map[string]int{energyTitle: 0, prisonersTitle: 1}[tp.Track]
		form.Set(fmt.Sprintf("parts[%d].track_id", i), fmt.Sprint(map[int]int64{0: energy.ID, 1: prisoners.ID}[i]))
		for theme, option := range tp.Package {
			form.Add(fmt.Sprintf("parts[%d].package", i), choiceValue(theme, option))
		}
	}
	return form
}

// TestJointForms: on the joint page of the demo's linked tracks, the
// mediator of both puts the joint Nash package to the parties, puts it to
// a cross-track ballot and joins the tracks' texts; every refused form
// shows the page again with the refusal and what was typed (400), and
// nothing is stored.
func TestJointForms(t *testing.T) {
	d := newLinkedDesk(t)
	med := d.signIn(t, demo.MediatorEmail)
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	page := fmt.Sprintf("/tracks/%d/joint", energy.ID)
	nash := jointNashForm(t, d, med)

	// Germany is a principal of the energy track only: no form offers it.
	ukraine, russia := d.party["Ukraine"], d.party["Russia"]
	tr, err := d.store.FindTrackByID(sysCtx, energy.ID)
	must(t, err)
	parties := append(tr.Parties, parley.TrackParty{PartyID: d.party["Germany"], Role: parley.RolePrincipal})
	_, err = d.store.UpdateTrack(sysCtx, energy.ID, parley.TrackUpdate{Parties: &parties})
	must(t, err)

	status, body := med.get(page)
	if status != http.StatusOK {
		t.Fatalf("joint page: %d", status)
	}
	for _, want := range []string{`id="joint-package"`, `id="joint-ballot"`, `name="parts[0].rationale"`, `name="deadline"`,
		fmt.Sprintf(`name="parts[0].track_id" value="%d"`, energy.ID), fmt.Sprintf(`name="parts[1].track_id" value="%d"`, prisoners.ID),
		fmt.Sprintf(`name="party_ids" value="%d" checked`, ukraine), fmt.Sprintf(`name="party_ids" value="%d" checked`, russia),
		`<option value="mediators">`, `<option value="plenary">`,
		"Start a negotiating text on at least two of the linked tracks to join them."} {
		if !strings.Contains(body, want) {
			t.Errorf("the joint page lacks %q", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`name="party_ids" value="%d"`, d.party["Germany"])) {
		t.Error("the forms offer a party that is a principal of one track only")
	}
	// Every theme's select has the joint Nash point's option chosen, in
	// both forms.
	for _, k := range []string{"parts[0].package", "parts[1].package"} {
		for _, c := range nash[k] {
			if n := strings.Count(body, `<option value="`+template.HTMLEscapeString(c)+`" selected>`); n != 2 {
				t.Errorf("the Nash option %s is chosen in %d forms, want 2", c, n)
			}
		}
	}

	proposals := func() int {
		n := 0
		for _, id := range []int64{energy.ID, prisoners.ID} {
			ps, err := d.store.FindProposals(sysCtx, id)
			must(t, err)
			n += len(ps)
		}
		return n
	}
	ballots := func() int {
		n := 0
		for _, id := range []int64{energy.ID, prisoners.ID} {
			bs, err := d.store.FindBallots(sysCtx, id)
			must(t, err)
			n += len(bs)
		}
		return n
	}
	with := func(form url.Values, change func(url.Values)) url.Values {
		out := url.Values{}
		for k, vs := range form {
			out[k] = append([]string(nil), vs...)
		}
		change(out)
		return out
	}
	grain := d.tracks["Black Sea grain corridor"]
	nash.Set("parts[0].rationale", "REFILLED-RATIONALE")
	ballot := with(nash, func(f url.Values) {
		f.Del("audience")
		f.Del("parts[0].rationale")
		f.Set("deadline", time.Now().Add(72*time.Hour).UTC().Format("2006-01-02T15:04"))
	})
	refusals := []struct {
		name, path string
		form       url.Values
		want       string // in the refusal
	}{
		{"an option not on the track", "/package", with(nash, func(f url.Values) {
			f.Add("parts[1].package", choiceValue("Exchange terms", "No such option"))
		}), ""},
		{"a party on one track only", "/package", with(nash, func(f url.Values) { f.Add("party_ids", fmt.Sprint(d.party["Germany"])) }), "not a principal"},
		{"no party", "/package", with(nash, func(f url.Values) { f.Del("party_ids") }), ""},
		{"a track not linked", "/package", with(nash, func(f url.Values) { f.Set("parts[1].track_id", fmt.Sprint(grain.ID)) }), "not one of the linked tracks"},
		{"one part", "/package", with(nash, func(f url.Values) { f.Del("parts[1].track_id"); f.Del("parts[1].package") }), "at least two tracks"},
		{"a party's audience", "/package", with(nash, func(f url.Values) { f.Set("audience", fmt.Sprintf("party:%d", ukraine)) }), ""},
		{"a hostile choice", "/package", with(nash, func(f url.Values) { f.Add("parts[0].package", `<script>`) }), "choose an option"},
		{"a deadline in the past", "/ballot", with(ballot, func(f url.Values) {
			f.Set("deadline", time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04"))
		}), ""},
		{"no deadline", "/ballot", with(ballot, func(f url.Values) { f.Set("deadline", "") }), ""},
		{"a ballot party on one track only", "/ballot", with(ballot, func(f url.Values) { f.Add("party_ids", fmt.Sprint(d.party["Germany"])) }), "not a principal"},
		{"a ballot option not on the track", "/ballot", with(ballot, func(f url.Values) {
			f.Add("parts[0].package", choiceValue("Duration", "Forever"))
		}), ""},
	}
	for _, rc := range refusals {
		before, beforeBallots := proposals(), ballots()
		status, _, body := med.submit(page+rc.path, rc.form)
		if status != http.StatusBadRequest || !strings.Contains(body, `id="refusal"`) || !strings.Contains(body, rc.want) {
			t.Errorf("%s: %d, refusal %v", rc.name, status, strings.Contains(body, `id="refusal"`))
		}
		form := "joint" + strings.ReplaceAll(rc.path, "/", "-")
		if !strings.Contains(body, `id="`+form+`"`) || !strings.Contains(body, `id="joint-nash"`) {
			t.Errorf("%s: the page shown again lacks the form or the analysis", rc.name)
		}
		if rc.path == "/package" && !strings.Contains(body, ">REFILLED-RATIONALE</textarea>") {
			t.Errorf("%s: the rationale is not shown again", rc.name)
		}
		if v := rc.form.Get("deadline"); rc.path == "/ballot" && v != "" && !strings.Contains(body, `value="`+v+`"`) {
			t.Errorf("%s: the deadline is not shown again", rc.name)
		}
		if proposals() != before || ballots() != beforeBallots {
			t.Errorf("%s: something was stored", rc.name)
		}
	}
	// A changed option is kept when the form is refused.
	changed := choiceValue("Exchange terms", "All for all")
	f := with(nash, func(f url.Values) {
		f.Del("parts[1].package")
		f.Add("parts[1].package", changed)
		f.Del("party_ids")
	})
	status, _, body = med.submit(page+"/package", f)
	form, _, _ := strings.Cut(body[strings.Index(body, `id="joint-package"`):], "</form>")
	if status != http.StatusBadRequest || !strings.Contains(form, `<option value="`+template.HTMLEscapeString(changed)+`" selected>`) ||
		strings.Contains(form, fmt.Sprintf(`name="party_ids" value="%d" checked`, ukraine)) {
		t.Errorf("a refused package with a changed option: %d", status)
	}

	// The package, as the analysis proposes it.
	nash.Set("parts[0].rationale", "ENERGY-RATIONALE")
	nash.Set("parts[1].rationale", "PRISONERS-RATIONALE")
	status, loc, _ := med.submit(page+"/package", nash)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, fmt.Sprintf("/tracks/%d/proposals?done=proposal#package-", energy.ID)) {
		t.Fatalf("put the package: %d %q", status, loc)
	}
	ps, err := d.store.FindProposals(sysCtx, energy.ID)
	must(t, err)
	first := ps[len(ps)-1]
	if loc != fmt.Sprintf("/tracks/%d/proposals?done=proposal#package-%d", energy.ID, first.ID) || first.Rationale != "ENERGY-RATIONALE" || first.Audience != parley.AudiencePlenary {
		t.Errorf("the package's first part: %q %+v", loc, first)
	}
	pkg, err := d.store.FindPackage(sysCtx, first.ID)
	if err != nil || len(pkg.Parts) != 2 || pkg.Parts[1].TrackID != prisoners.ID || pkg.Parts[1].Rationale != "PRISONERS-RATIONALE" ||
		!slicesEqualChoices(pkg.Parts[1].Package, nash["parts[1].package"]) {
		t.Fatalf("the stored package: %+v %v", pkg, err)
	}
	if status, body := med.get(loc); status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`id="package-%d"`, first.ID)) ||
		!strings.Contains(body, "Part of a package across linked tracks") || !strings.Contains(body, "On "+prisonersTitle+":") {
		t.Errorf("the proposals page after the package: %d", status)
	}

	// The cross-track ballot.
	status, loc, _ = med.submit(page+"/ballot", ballot)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/ballots/") {
		t.Fatalf("put the cross-track ballot: %d %q", status, loc)
	}
	if status, body := med.get(loc); status != http.StatusOK || !strings.Contains(body, `id="ballot-package"`) || !strings.Contains(body, prisonersTitle) {
		t.Errorf("the ballot page after the cross-track ballot: %d", status)
	}

	// The texts: two more on the energy track (beside the demo's), one on
	// the prisoners', one on a track that is not linked.
	text := func(track int64, title string) int64 {
		x := &parley.NegotiatingText{TrackID: track, Title: title, Audience: parley.AudiencePlenary}
		must(t, d.store.CreateText(sysCtx, x))
		return x.ID
	}
	e1, e2, p1, g1 := text(energy.ID, "Energy draft A"), text(energy.ID, "Energy draft B"), text(prisoners.ID, "Prisoners draft"), text(grain.ID, "Grain draft")
	if status, body = med.get(page); status != http.StatusOK {
		t.Fatalf("joint page with texts: %d", status)
	}
	for _, want := range []string{`id="joint-texts"`, fmt.Sprintf(`id="jt-%d" name="text_ids"`, energy.ID), fmt.Sprintf(`<option value="%d">Energy draft A</option>`, e1),
		fmt.Sprintf(`<option value="%d">Energy draft B</option>`, e2), fmt.Sprintf(`<option value="%d" selected>Prisoners draft</option>`, p1)} {
		if !strings.Contains(body, want) {
			t.Errorf("the joint text form lacks %q", want)
		}
	}
	if strings.Contains(body, "Grain draft") {
		t.Error("the joint text form offers a text of a track that is not linked")
	}
	joined := func() bool {
		for _, id := range []int64{e1, e2, p1, g1} {
			if _, err := d.store.FindJointText(sysCtx, id); err == nil {
				return true
			}
		}
		return false
	}
	ids := func(v ...int64) url.Values {
		f := url.Values{}
		for _, id := range v {
			f.Add("text_ids", fmt.Sprint(id))
		}
		return f
	}
	for name, form := range map[string]url.Values{
		"two texts of one track":       ids(e1, e2),
		"a text of a track not linked": ids(e1, g1),
		"one text":                     ids(e1),
		"a text that does not exist":   ids(e1, 999999),
		"a hostile id":                 ids(e1, -3),
	} {
		status, _, body := med.submit(page+"/texts", form)
		if status != http.StatusBadRequest || !strings.Contains(body, `id="refusal"`) || !strings.Contains(body, `id="joint-texts"`) {
			t.Errorf("%s: %d", name, status)
		}
		if joined() {
			t.Fatalf("%s: a joint text was stored", name)
		}
	}
	if _, _, body := med.submit(page+"/texts", ids(e2, g1)); !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>Energy draft B</option>`, e2)) {
		t.Error("a refused joint text does not show the choice again")
	}
	status, loc, _ = med.submit(page+"/texts", ids(e2, p1))
	if status != http.StatusSeeOther || loc != fmt.Sprintf("/texts/%d?done=saved#joint-text", e2) {
		t.Fatalf("join the texts: %d %q", status, loc)
	}
	if status, body := med.get(loc); status != http.StatusOK || !strings.Contains(body, `id="joint-text"`) {
		t.Errorf("the text page after joining: %d", status)
	}
	// Joined once, not twice.
	if status, _, body := med.submit(page+"/texts", ids(e2, p1)); status != http.StatusConflict || !strings.Contains(body, `id="refusal"`) {
		t.Errorf("join the texts again: %d", status)
	}

	// A what-if that unlinks the prisoner exchanges leaves one track: no
	// package form.
	if status, body := med.post(page, url.Values{"unlink": {fmt.Sprint(prisoners.ID)}}); status != http.StatusOK || strings.Contains(body, `id="joint-package"`) {
		t.Errorf("the unlinked what-if's package form: %d", status)
	}
}

// slicesEqualChoices reports whether the choices are the form's values.
func slicesEqualChoices(cs []parley.Choice, values []string) bool {
	if len(cs) != len(values) {
		return false
	}
	want := map[string]bool{}
	for _, v := range values {
		want[v] = true
	}
	for _, c := range cs {
		if !want[choiceValue(c.Theme, c.Option)] {
			return false
		}
	}
	return true
}

// TestJointFormsLeaks: the joint page's forms are for mediators of every
// linked track. A delegate who is a member of one of them, a mediator of
// one of them and the demo's delegate on both get 404 from each, as for
// the page itself, and learn nothing of the other track; nothing is
// stored.
func TestJointFormsLeaks(t *testing.T) {
	d := newLinkedDesk(t)
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	ua := d.party["Ukraine"]
	addMember(t, d, "ua-energy@demo.parley", parley.Member{TrackID: energy.ID, Role: parley.MemberDelegate, PartyID: &ua})
	addMember(t, d, "mediator-energy@demo.parley", parley.Member{TrackID: energy.ID, Role: parley.MemberMediator})
	med := d.signIn(t, demo.MediatorEmail)
	nash := jointNashForm(t, d, med)
	ballot := url.Values{"deadline": {time.Now().Add(72 * time.Hour).UTC().Format("2006-01-02T15:04")}}
	for k, vs := range nash {
		if k != "audience" {
			ballot[k] = vs
		}
	}
	var textIDs []string
	for _, tr := range []int64{energy.ID, prisoners.ID} {
		x := &parley.NegotiatingText{TrackID: tr, Title: "Moratorium for an exchange", Audience: parley.AudiencePlenary}
		must(t, d.store.CreateText(sysCtx, x))
		textIDs = append(textIDs, fmt.Sprint(x.ID))
	}
	texts := url.Values{"text_ids": textIDs}
	count := func() (n int) {
		for _, id := range []int64{energy.ID, prisoners.ID} {
			ps, err := d.store.FindProposals(sysCtx, id)
			must(t, err)
			bs, err := d.store.FindBallots(sysCtx, id)
			must(t, err)
			n += len(ps) + len(bs)
		}
		return n
	}
	before := count()
	secrets := []string{prisonersTitle, "Exchange terms", "All for all"}
	for _, email := range []string{"ua-energy@demo.parley", "mediator-energy@demo.parley", "ua@demo.parley"} {
		b := d.signIn(t, email)
		for _, track := range []int64{energy.ID, prisoners.ID} {
			for path, form := range map[string]url.Values{"package": nash, "ballot": ballot, "texts": texts} {
				status, _, body := b.submit(fmt.Sprintf("/tracks/%d/joint/%s", track, path), form)
				if status != http.StatusNotFound {
					t.Errorf("%s: POST track %d's joint %s: %d, want 404", email, track, path, status)
				}
				for _, s := range secrets {
					if strings.Contains(body, s) {
						t.Errorf("%s: the refusal of track %d's joint %s shows %q", email, track, path, s)
					}
				}
			}
		}
	}
	if count() != before {
		t.Error("a proposal or a ballot was stored")
	}
	for _, id := range textIDs {
		var n int64
		fmt.Sscan(id, &n)
		if _, err := d.store.FindJointText(sysCtx, n); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("text %d was joined: %v", n, err)
		}
	}
}
