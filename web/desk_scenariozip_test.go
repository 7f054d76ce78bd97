package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parley-talks/parley"
	sharedfixture "github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
)

// raw sends body with its media type and answers the status, the
// Content-Type and the body.
func (b *browser) raw(method, path, media string, body []byte) (int, string, []byte) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.d.http.URL+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if media != "" {
		req.Header.Set("Content-Type", media)
	}
	req.Header.Set(authn.CSRFHeader, b.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), out
}

// readScenarioZip reads an exported zip back as a scenario.
func readScenarioZip(t *testing.T, data []byte) *negotiation.Scenario {
	t.Helper()
	d, ps, err := genius.ReadZip(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read the exported zip: %v", err)
	}
	return genius.Scenario(d, ps)
}

// zipOfScenario is sc as a zip in layout.
func zipOfScenario(t *testing.T, layout string, sc *negotiation.Scenario) []byte {
	t.Helper()
	d, ps, err := genius.FromScenario(sc)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := genius.WriteZip(&b, layout, d, ps); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testScenarioZips (from TestDeskScenarios, on a desk of its own): a track's scenario as a zip of GENIUS files (both
// layouts) for its mediator, a delegate's with its own profile only, none
// for an observer; a zip imported as a new track (administrators) and put
// onto the track (mediators), all or none, red lines kept; bad zips
// refused naming the file; and an ANAC scenario from ../shared through
// import and export.
func testScenarioZips(t *testing.T, d *testDesk) {
	med := d.signIn(t, "mediator@demo.parley")
	ua := d.signIn(t, "ua@demo.parley")
	ru := d.signIn(t, "ru@demo.parley")
	obs := d.signIn(t, "observer@demo.parley")
	adm := d.signIn(t, d.admin(t))
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	path := fmt.Sprintf("/api/v1/tracks/%d/scenario", energy.ID)
	get := func(b *browser, layout string) (int, []byte) {
		t.Helper()
		status, media, body := b.raw("GET", path+"?layout="+layout, "", nil)
		if status == http.StatusOK && media != "application/zip" {
			t.Fatalf("Content-Type %q", media)
		}
		return status, body
	}
	themes, err := d.store.FindThemes(sysCtx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	var themeNames []string
	for _, th := range action.SortedThemes(themes) {
		themeNames = append(themeNames, th.Name)
	}

	// The mediator: every profile, in both layouts, red lines said left out.
	status, gz := get(med, "genius")
	if status != http.StatusOK {
		t.Fatalf("mediator's export: %d %s", status, gz)
	}
	sc := readScenarioZip(t, gz)
	var issues, parties []string
	for _, is := range sc.Issues {
		issues = append(issues, is.Name)
	}
	for _, p := range sc.Profiles {
		parties = append(parties, p.Name)
	}
	if !cmp.Equal(issues, themeNames) || !cmp.Equal(parties, []string{"Russia", "Ukraine"}) {
		t.Fatalf("mediator's zip: issues %q (themes %q), parties %q", issues, themeNames, parties)
	}
	if !strings.Contains(string(unzipAll(t, gz)), "red line(s) not exported") {
		t.Error("the mediator's zip does not say the red lines were left out")
	}
	status, nz := get(med, "negmas")
	if status != http.StatusOK || !slices.ContainsFunc(zipNames(t, nz), func(n string) bool { return strings.HasSuffix(n, "/Ukraine.xml") && strings.Contains(n, "moratorium/") }) {
		t.Fatalf("NegMAS layout: %d, files %q", status, zipNames(t, nz))
	}
	if status, _ := get(med, "yaml"); status != http.StatusBadRequest {
		t.Errorf("an unknown layout: %d", status)
	}

	// A delegate: its own profile only; nothing of the other side's.
	for _, tc := range []struct {
		b          *browser
		own, other marker
	}{{ua, uaMarker, ruMarker}, {ru, ruMarker, uaMarker}} {
		status, z := get(tc.b, "genius")
		if status != http.StatusOK {
			t.Fatalf("%s's delegate exports: %d %s", tc.own.party, status, z)
		}
		if names := zipNames(t, z); len(names) != 2 || !slices.Contains(names, tc.own.party+".xml") {
			t.Errorf("%s's delegate's zip holds %q", tc.own.party, names)
		}
		all := string(unzipAll(t, z))
		if !strings.Contains(all, fmt.Sprint(tc.own.weight)) {
			t.Errorf("%s's delegate's zip lacks its own weight", tc.own.party)
		}
		for _, s := range append(tc.other.strings(), tc.other.party, tc.own.note) {
			if strings.Contains(all, s) {
				t.Errorf("%s's delegate's zip holds %q", tc.own.party, s)
			}
		}
	}
	// Anyone else (the demo's observer sits on other tracks; the matrix
	// tries an observer and a verifier of the track): not found.
	for _, b := range []*browser{obs, adm} {
		if status, _ := get(b, "genius"); status != http.StatusNotFound {
			t.Errorf("an observer or administrator exports: %d", status)
		}
	}

	// An administrator imports the mediator's zip as a new track: the same
	// analysis as the GENIUS import of the JSON export.
	status, _, body := adm.raw("POST", "/api/v1/tracks/import?title=Energy+from+a+zip", "application/zip", nz)
	if status != http.StatusCreated {
		t.Fatalf("zip import: %d %s", status, body)
	}
	var res action.ImportResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Track.Title != "Energy from a zip" || len(res.Parties) != 2 || res.Parties[0].Created {
		t.Errorf("zip import: %+v", res)
	}
	// The importer, its mediator, exports the same scenario.
	status, _, back := adm.raw("GET", fmt.Sprintf("/api/v1/tracks/%d/scenario", res.Track.ID), "", nil)
	if status != http.StatusOK {
		t.Fatalf("the importer exports its track: %d %s", status, back)
	}
	if diff := cmp.Diff(sc, readScenarioZip(t, back), cmpopts.IgnoreFields(negotiation.Scenario{}, "Name"), cmpopts.IgnoreFields(negotiation.ProfileSpec{}, "Exact"), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("export → import → export changed the scenario (-first +second):\n%s", diff)
	}

	// The mediator puts a changed zip onto the track: new versions, the
	// red lines, core demands and notes kept.
	ps := d.store.(parley.ProfileService)
	before, err := ps.FindProfile(sysCtx, energy.ID, d.party["Ukraine"])
	if err != nil {
		t.Fatal(err)
	}
	changed := readScenarioZip(t, gz)
	changed.Profiles[1].Reservation = 0.35
	status, _, body = med.raw("PUT", path, "application/zip", zipOfScenario(t, genius.LayoutNegMAS, changed))
	if status != http.StatusOK {
		t.Fatalf("mediator's upload: %d %s", status, body)
	}
	after, err := ps.FindProfile(sysCtx, energy.ID, d.party["Ukraine"])
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version+1 || after.Content.Reservation != 0.35 || !cmp.Equal(after.Content.RedLines, before.Content.RedLines) || after.Content.Notes != before.Content.Notes || !cmp.Equal(after.Content.CoreDemands, before.Content.CoreDemands) {
		t.Errorf("after the upload: version %d (was %d), reservation %v, red lines kept %v, notes kept %v", after.Version, before.Version, after.Content.Reservation,
			cmp.Equal(after.Content.RedLines, before.Content.RedLines), after.Content.Notes == before.Content.Notes)
	}

	// Refused, naming the file, and nothing stored.
	unknown := readScenarioZip(t, gz)
	unknown.Profiles[0].Name = "Narnia"
	otherIssues := readScenarioZip(t, gz)
	otherIssues.Issues[0].Name = "Something else"
	for k := range otherIssues.Profiles {
		p := &otherIssues.Profiles[k]
		p.Weights["Something else"], p.Values["Something else"] = p.Weights[issues[0]], p.Values[issues[0]]
		delete(p.Weights, issues[0])
		delete(p.Values, issues[0])
	}
	for _, tc := range []struct {
		name string
		zip  []byte
		want string
	}{
		{"a party not on the track", zipOfScenario(t, genius.LayoutGenius, unknown), "Narnia.xml: no party of this track is named"},
		{"other issues", zipOfScenario(t, genius.LayoutGenius, otherIssues), "the domain's issue 1 is"},
		{"path traversal", zipBytes(t, map[string]string{"../Ukraine.xml": "<utility_space/>"}), "../Ukraine.xml"},
		{"not a zip", []byte("hello"), "not a zip archive"},
	} {
		status, _, body := med.raw("PUT", path, "application/zip", tc.zip)
		if status != http.StatusBadRequest || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d %s", tc.name, status, body)
		}
	}
	if p, _ := ps.FindProfile(sysCtx, energy.ID, d.party["Ukraine"]); p.Version != after.Version {
		t.Errorf("a refused upload stored a version")
	}
	if status, _, _ := ua.raw("PUT", path, "application/zip", gz); status != http.StatusForbidden {
		t.Errorf("a delegate uploads: %d", status)
	}
	if status, _, _ := med.raw("PUT", path, "application/zip", bytes.Repeat([]byte("z"), 9<<20)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 9 MiB upload: %d", status)
	}

	// The profiles page: the downloads for those who may export, the
	// upload form for the mediators; the form stores, or refuses naming
	// the file, and the page says which.
	page := fmt.Sprintf("/tracks/%d/profiles", energy.ID)
	for _, tc := range []struct {
		b                 *browser
		downloads, upload bool
	}{{med, true, true}, {ua, true, false}, {obs, false, false}} {
		status, body := tc.b.get(page)
		if tc.b == obs && status == http.StatusNotFound {
			continue // the demo's observer is not on this track (the matrix tests an observer who is)
		}
		if status != http.StatusOK || strings.Contains(body, `id="scenario-downloads"`) != tc.downloads || strings.Contains(body, `id="scenario-upload"`) != tc.upload {
			t.Errorf("profiles page: %d, downloads %v (want %v), upload form %v (want %v)", status, strings.Contains(body, `id="scenario-downloads"`), tc.downloads, strings.Contains(body, `id="scenario-upload"`), tc.upload)
		}
	}
	upload := func(name string, data []byte) (int, string) {
		t.Helper()
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		_ = mw.WriteField(authn.CSRFFormField, med.csrf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", d.http.URL+fmt.Sprintf("/tracks/%d/scenario", energy.ID), &mp)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return med.do(req)
	}
	changed.Profiles[1].Reservation = 0.4
	if status, body := upload("energy.zip", zipOfScenario(t, genius.LayoutGenius, changed)); status != http.StatusOK || !strings.Contains(body, "The profiles were stored from the uploaded files.") {
		t.Errorf("page upload: %d\n%s", status, body)
	}
	if p, _ := ps.FindProfile(sysCtx, energy.ID, d.party["Ukraine"]); p.Content.Reservation != 0.4 {
		t.Errorf("after the page's upload: reservation %v", p.Content.Reservation)
	}
	if status, body := upload("energy.zip", zipOfScenario(t, genius.LayoutGenius, unknown)); status != http.StatusBadRequest || !strings.Contains(body, "Narnia.xml") || !strings.Contains(body, `id="scenario-upload"`) {
		t.Errorf("page upload of a bad zip: %d\n%s", status, body)
	}

	// An ANAC scenario from ../shared, zipped as it lies, imported, and
	// exported by its importer: the same issues and profiles.
	dir := filepath.Join(sharedfixture.GeniusDir(t), "y2010", "EnglandZimbabwe")
	files := map[string]string{}
	for _, n := range []string{"EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		files["EnglandZimbabwe/"+n] = string(b)
	}
	want, err := genius.LoadFiles(filepath.Join(dir, "EnglandZimbabwe_domain.xml"), filepath.Join(dir, "England.xml"), filepath.Join(dir, "Zimbabwe.xml"))
	if err != nil {
		t.Fatal(err)
	}
	status, _, body = adm.raw("POST", "/api/v1/tracks/import", "application/zip", zipBytes(t, files))
	if status != http.StatusCreated {
		t.Fatalf("ANAC zip import: %d %s", status, body)
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	status, _, back = adm.raw("GET", fmt.Sprintf("/api/v1/tracks/%d/scenario?layout=negmas", res.Track.ID), "", nil)
	if status != http.StatusOK {
		t.Fatalf("ANAC export: %d %s", status, back)
	}
	if diff := cmp.Diff(want, readScenarioZip(t, back), cmpopts.IgnoreFields(negotiation.Scenario{}, "Name"), cmpopts.IgnoreFields(negotiation.ProfileSpec{}, "Exact"), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("ANAC scenario through import and export (-files +export):\n%s", diff)
	}
}

func zipNames(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zipReader(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

// unzipAll is every file of the zip, expanded, one after the other.
func unzipAll(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zipReader(data)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&out, rc)
		rc.Close()
	}
	return out.Bytes()
}

func zipReader(data []byte) (*zip.Reader, error) {
	return zip.NewReader(bytes.NewReader(data), int64(len(data)))
}

// zipBytes is a zip of files (name → content), in the names' order.
func zipBytes(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
