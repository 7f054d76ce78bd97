package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/spreadsheet"
)

// The downloads read back as their readers' programs read them: each
// holds what its caller reads and nothing of another party's sealed
// data, in the language asked for.

// fileText is the text of a downloaded file: a spreadsheet's cells, a
// Word document's paragraphs, a PDF's text layer (pdftotext; "" and false
// when it is not installed), the text of Markdown, HTML and iCalendar as
// they are.
func fileText(t *testing.T, media string, data []byte) (string, bool) {
	t.Helper()
	switch {
	case strings.HasPrefix(media, "application/vnd.openxmlformats-officedocument.spreadsheetml"):
		wb, err := spreadsheet.OpenXLSX(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("the workbook: %v", err)
		}
		var b strings.Builder
		for _, s := range wb.Sheets {
			b.WriteString(s.Name + "\n")
			if err := wb.Scan(s.Name, func(_ int, cells []spreadsheet.Cell) error {
				for _, c := range cells {
					b.WriteString(c.String() + "\t")
				}
				b.WriteString("\n")
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		return b.String(), true
	case strings.HasPrefix(media, "application/vnd.openxmlformats-officedocument.wordprocessingml"):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("the document: %v", err)
		}
		var b strings.Builder
		for _, name := range []string{"word/header1.xml", "word/document.xml"} {
			f, err := zr.Open(name)
			if err != nil {
				continue
			}
			dec := xml.NewDecoder(f)
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				switch tok := tok.(type) {
				case xml.CharData:
					b.Write(tok)
				case xml.EndElement:
					if tok.Name.Local == "p" {
						b.WriteString("\n")
					}
				}
			}
			f.Close()
		}
		return b.String(), true
	case media == "application/pdf":
		if _, err := exec.LookPath("pdftotext"); err != nil {
			return "", false
		}
		path := filepath.Join(t.TempDir(), "file.pdf")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		return string(out), true
	case media == "text/html":
		return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(data), " ")), true
	}
	return string(data), true
}

// download fetches a file and returns its status, media type and text.
func (b *browser) download(path string) (int, string, string, []byte) {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.d.http.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	media, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	if resp.StatusCode == http.StatusOK {
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			b.t.Errorf("%s: Content-Disposition %q", path, cd)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			b.t.Errorf("%s: cached", path)
		}
	}
	return resp.StatusCode, media, resp.Header.Get("Content-Language"), data
}

// exportMarkers are sealed records the test adds to the demo: what only
// Ukraine's delegation and the mediators may read.
type exportMarkers struct {
	proposal string // the rationale of a proposal to Ukraine's audience
	text     *parley.NegotiatingText
	version  *parley.TextVersion
	plenary  *parley.TextVersion // a version of a plenary text, with a bracket
}

func (d *testDesk) exportFixture(t *testing.T) exportMarkers {
	t.Helper()
	ctx := sysCtx
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ua := d.party["Ukraine"]
	m := exportMarkers{proposal: "UA-ONLY-RATIONALE-51c2"}
	th := d.firstTheme(t, energy.ID)
	p := &parley.Proposal{TrackID: energy.ID, AuthorPartyID: &ua, Audience: parley.PartyAudience(ua),
		Package: []parley.Choice{{Theme: th.Name, Option: th.Options[0].Label}}, Rationale: m.proposal}
	if err := d.store.CreateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	m.text = &parley.NegotiatingText{TrackID: energy.ID, Title: "UA-ONLY-TEXT-8d3e", Audience: parley.PartyAudience(ua)}
	if err := d.store.CreateText(ctx, m.text); err != nil {
		t.Fatal(err)
	}
	var err error
	if m.version, err = d.store.CreateVersion(ctx, m.text.ID, []parley.Clause{{Text: "UA-ONLY-CLAUSE-2f7a", Status: parley.ClauseOpen}}); err != nil {
		t.Fatal(err)
	}
	plenary := &parley.NegotiatingText{TrackID: energy.ID, Title: "Заява <to be named>", Audience: parley.AudiencePlenary}
	if err := d.store.CreateText(ctx, plenary); err != nil {
		t.Fatal(err)
	}
	if m.plenary, err = d.store.CreateVersion(ctx, plenary.ID, []parley.Clause{
		{Text: "Сторони утримуються від ударів.", Status: parley.ClauseAgreed},
		{Alternatives: []parley.Alternative{{Text: "30 днів", Sponsors: []int64{ua}}, {Text: "безстроково", Sponsors: []int64{d.party["Russia"]}}}, Status: parley.ClauseBracketed},
		{Text: "Мораторій діє тридцять днів.", Status: parley.ClauseAgreed, Lang: "uk", Authentic: "ru",
			Versions: []parley.ClauseVersion{{Lang: "ru", Text: "Мораторий действует тридцать дней."}, {Lang: "en", Text: "The moratorium lasts thirty days."}}},
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExports downloads every file each demo account can reach — the
// briefing pack of every track it sees in each format, the texts'
// versions, the exchange's tables, the meetings' calendar files — and
// reads them back: Ukraine's sealed records are in Ukraine's and the
// mediators' files only, no profile's sealed value is in a file of anyone
// who may not read it, a file asked for in Ukrainian is in Ukrainian, and
// a record the account may not read is not found.
func TestExports(t *testing.T) {
	d := newDesk(t)
	testExports(t, d)
}

func testExports(t *testing.T, d *testDesk) {
	m := d.exportFixture(t)
	ctx := sysCtx
	ts, _, err := d.store.FindTracks(ctx, parley.TrackFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	uaSecrets := []string{m.proposal, m.text.Title, "UA-ONLY-CLAUSE-2f7a"}
	pdfChecked := false
	for _, acc := range deskAccounts {
		b := d.signIn(t, acc.email)
		readsUA := acc.email == "ua@demo.parley" || acc.mediator
		check := func(path, media string, text string) {
			for _, mk := range acc.never {
				for _, s := range d.secrets(mk) {
					if strings.Contains(text, s) {
						t.Errorf("%s %s shows %s's sealed %q", acc.email, path, mk.party, s)
					}
				}
			}
			if !readsUA {
				for _, s := range uaSecrets {
					if strings.Contains(text, s) {
						t.Errorf("%s %s shows Ukraine's sealed %q", acc.email, path, s)
					}
				}
			}
		}
		energy := d.tracks["Energy-infrastructure strike moratorium"]
		for _, tr := range ts {
			for _, f := range []string{"pdf", "docx", "md", "html"} {
				path := fmt.Sprintf("/api/v1/tracks/%d/briefing?format=%s&lang=uk", tr.ID, f)
				status, media, lang, data := b.download(path)
				if status == http.StatusNotFound {
					break // a track the account does not see
				}
				if status != http.StatusOK || lang != "uk" {
					t.Fatalf("%s %s: %d %s", acc.email, path, status, lang)
				}
				text, ok := fileText(t, media, data)
				if !ok {
					continue
				}
				pdfChecked = pdfChecked || f == "pdf"
				check(path, media, text)
				if !strings.Contains(text, "Довідка: "+tr.Title) || !strings.Contains(text, "Конфіденційно: підготовлено для") {
					t.Errorf("%s %s is not the Ukrainian pack of its track:\n%.600s", acc.email, path, text)
				}
				if tr.ID == energy.ID {
					if strings.Contains(text, m.proposal) != readsUA {
						t.Errorf("%s %s: Ukraine's proposal shown %v, want %v", acc.email, path, !readsUA, readsUA)
					}
					if strings.Contains(text, "Аналіз (лише для посередників)") != acc.mediator {
						t.Errorf("%s %s: the analysis shown %v, want %v", acc.email, path, !acc.mediator, acc.mediator)
					}
				}
			}
		}
		for _, v := range []*parley.TextVersion{m.version, m.plenary} {
			textPage, _ := b.get(fmt.Sprintf("/texts/%d", v.TextID))
			for _, f := range []string{"pdf", "docx", "markdown", "html"} {
				path := fmt.Sprintf("/api/v1/versions/%d/%s?lang=ru", v.ID, f)
				status, media, _, data := b.download(path)
				want := textPage // the file for whoever reads the text's page
				if v == m.version && readsUA != (want == http.StatusOK) {
					t.Errorf("%s reads Ukraine's text: %v", acc.email, want == http.StatusOK)
				}
				if status != want {
					t.Errorf("%s %s: %d, want %d", acc.email, path, status, want)
					continue
				}
				if status != http.StatusOK {
					continue
				}
				text, ok := fileText(t, media, data)
				if !ok {
					continue
				}
				check(path, media, text)
				if f == "markdown" {
					text = strings.ReplaceAll(text, `\`, "") // as it reads rendered
				}
				if v == m.plenary && (!strings.Contains(text, "<to be named>") || !strings.Contains(text, "в скобках") || !strings.Contains(text, "Для: все участники трека") ||
					!strings.Contains(text, "Мораторій діє тридцять днів.") || !strings.Contains(text, "The moratorium lasts thirty days.") ||
					!strings.Contains(text, "Русский (аутентичный текст)")) {
					t.Errorf("%s %s: the Russian text of the plenary version:\n%s", acc.email, path, text)
				}
			}
		}
	}
	if !pdfChecked {
		t.Log("pdftotext is not installed: the PDFs were fetched but not read back (apt-get install poppler-utils)")
	}
	// Arabic: no PDF (the font has no Arabic letters), the other formats.
	med := d.signIn(t, "mediator@demo.parley")
	if status, _, _, _ := med.download(fmt.Sprintf("/api/v1/versions/%d/pdf?lang=ar", m.plenary.ID)); status != http.StatusBadRequest {
		t.Errorf("an Arabic PDF: %d", status)
	}
	if status, media, _, data := med.download(fmt.Sprintf("/api/v1/versions/%d/html?lang=ar", m.plenary.ID)); status != http.StatusOK || media != "text/html" ||
		!bytes.Contains(data, []byte(`<html lang="ar" dir="rtl">`)) {
		t.Errorf("an Arabic HTML: %d %s", status, media)
	}
	// The text's page shows a clause's languages side by side, the
	// authentic one said.
	status, page := med.get(fmt.Sprintf("/texts/%d?lang=uk", m.plenary.TextID))
	if status != http.StatusOK || !strings.Contains(page, `<div class="parallel"><div lang="uk">`) || !strings.Contains(page, `<div lang="en">`) ||
		!strings.Contains(page, "Русский — <strong>автентичний</strong>") {
		t.Errorf("the parallel versions on the page: %d\n%s", status, page)
	}
	testExportedMeetings(t, d)
	testCalendarFeeds(t, d)
}

// testCalendarFeeds: a delegate makes a feed on its calendar page; the
// feed's secret URL, fetched without any credential, holds the meetings of
// the tracks the delegate sees and no other, in their venues' time zones;
// the address is nowhere but on the page that made it; the delegate revokes
// it and it answers 404; the API makes, lists and revokes feeds too.
func testCalendarFeeds(t *testing.T, d *testDesk) {
	ctx := sysCtx
	ms, _, err := d.store.FindMeetings(ctx, parley.MeetingFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	// A venue of the demo's meetings in its zone.
	var zoned *parley.Venue
	for _, m := range ms {
		if m.VenueID != nil {
			zone := "Europe/Istanbul"
			if zoned, err = d.store.UpdateVenue(ctx, *m.VenueID, parley.VenueUpdate{TimeZone: &zone}); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	ua := d.signIn(t, "ua@demo.parley")
	status, page := ua.post("/account/calendar", url.Values{})
	m := regexp.MustCompile(`<code id="feed-url">([^<]+)</code>`).FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("making a feed: %d\n%s", status, page)
	}
	feedURL := html.UnescapeString(m[1])
	u, err := url.Parse(feedURL)
	if err != nil || !strings.HasPrefix(u.Path, "/api/v1/calendar/") || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("the feed's URL %q", feedURL)
	}
	if _, again := ua.get("/account/calendar"); strings.Contains(again, u.Path) || !strings.Contains(again, `id="feeds"`) {
		t.Errorf("the calendar page shows the secret again, or no feed")
	}
	fetch := func() (int, string) {
		resp, err := http.Get(d.http.URL + u.Path) // a calendar program: no cookie, no token
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := fetch()
	if status != http.StatusOK || !strings.Contains(body, "REFRESH-INTERVAL") {
		t.Fatalf("the feed: %d\n%.500s", status, body)
	}
	sees := 0
	for _, mt := range ms {
		pageStatus, _ := ua.get(fmt.Sprintf("/tracks/%d", mt.TrackID))
		in := strings.Contains(body, fmt.Sprintf("UID:meeting-%d@", mt.ID))
		if in != (pageStatus == http.StatusOK) {
			t.Errorf("meeting %d in the feed: %v, its track's page %d", mt.ID, in, pageStatus)
		}
		if in {
			sees++
			if zoned != nil && mt.VenueID != nil && *mt.VenueID == zoned.ID {
				local := mt.StartsAt.In(zoned.Location()).Format("20060102T150405")
				if !strings.Contains(body, "DTSTART;TZID=Europe/Istanbul:"+local) || !strings.Contains(body, "TZID:Europe/Istanbul") {
					t.Errorf("meeting %d is not in Istanbul's time:\n%s", mt.ID, body)
				}
			}
		}
	}
	if sees == 0 {
		t.Error("the delegate's feed holds no meeting")
	}
	feeds, err := d.store.(parley.CalendarFeedService).FindCalendarFeeds(ctx, ua.userID(t))
	if err != nil || len(feeds) != 1 {
		t.Fatalf("feeds: %v %v", feeds, err)
	}
	if status, _ := ua.post(fmt.Sprintf("/account/calendar/%d/revoke", feeds[0].ID), url.Values{}); status != http.StatusOK {
		t.Errorf("revoking: %d", status)
	}
	if status, _ := fetch(); status != http.StatusNotFound {
		t.Errorf("a revoked feed: %d", status)
	}
	// Another delegate cannot revoke it, nor see it.
	ru := d.signIn(t, "ru@demo.parley")
	if status, _ := ru.post(fmt.Sprintf("/account/calendar/%d/revoke", feeds[0].ID), url.Values{}); status != http.StatusNotFound {
		t.Errorf("another delegate revokes the feed: %d", status)
	}
	// The API: make, list, revoke.
	var made struct {
		Feed *parley.CalendarFeed `json:"feed"`
		URL  string               `json:"url"`
	}
	status, out := ru.api("POST", "/api/v1/calendar-feeds", "{}")
	if err := json.Unmarshal([]byte(out), &made); err != nil || status != http.StatusCreated || made.Feed == nil || !strings.Contains(made.URL, "/api/v1/calendar/") {
		t.Fatalf("the API makes a feed: %d %s", status, out)
	}
	if status, out := ru.api("GET", "/api/v1/calendar-feeds", ""); status != http.StatusOK || strings.Contains(out, made.URL[strings.Index(made.URL, "/api/v1/calendar/"):]) {
		t.Errorf("the API lists feeds: %d %s", status, out)
	}
	if status, _ := ru.api("DELETE", fmt.Sprintf("/api/v1/calendar-feeds/%d", made.Feed.ID), ""); status != http.StatusOK {
		t.Errorf("the API revokes a feed: %d", status)
	}
}

// testExportedMeetings: a meeting's calendar file for those who see its
// track, not found for the others.
func testExportedMeetings(t *testing.T, d *testDesk) {
	ctx := sysCtx
	ms, _, err := d.store.FindMeetings(ctx, parley.MeetingFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil || len(ms) == 0 {
		t.Fatalf("demo meetings: %v %v", len(ms), err)
	}
	for _, acc := range deskAccounts {
		b := d.signIn(t, acc.email)
		seen := 0
		for _, mt := range ms {
			path := fmt.Sprintf("/api/v1/meetings/%d/ics", mt.ID)
			status, media, _, data := b.download(path)
			pageStatus, _ := b.get(fmt.Sprintf("/tracks/%d", mt.TrackID))
			if (status == http.StatusOK) != (pageStatus == http.StatusOK) {
				t.Errorf("%s %s: %d, but the track's page %d", acc.email, path, status, pageStatus)
			}
			if status != http.StatusOK {
				if status != http.StatusNotFound {
					t.Errorf("%s %s: %d, want 404", acc.email, path, status)
				}
				continue
			}
			seen++
			text := string(data)
			start := "DTSTART:" + mt.StartsAt.UTC().Format("20060102T150405Z")
			if mt.VenueID != nil {
				v, err := d.store.FindVenueByID(ctx, *mt.VenueID)
				if err != nil {
					t.Fatal(err)
				}
				if v.TimeZone != "" { // the venue's local time
					start = "DTSTART;TZID=" + v.TimeZone + ":" + mt.StartsAt.In(v.Location()).Format("20060102T150405")
				}
			}
			if media != "text/calendar" || !strings.Contains(text, "BEGIN:VEVENT") || !strings.Contains(text, start) ||
				!strings.Contains(text, fmt.Sprintf("UID:meeting-%d@", mt.ID)) {
				t.Errorf("%s %s:\n%s", acc.email, path, text)
			}
		}
		if seen == 0 {
			t.Errorf("%s reaches no meeting's calendar file", acc.email)
		}
	}
}

// TestExchangeExports downloads the demo exchange's tables as each account
// reads them: the mediator every table, a delegate its own list whole and
// of the other side only the persons of shared matches; a list exported
// in Ukrainian imports again as it was; and a refused import answers its
// rejections in the reader's language, as a list and as a file.
func TestExchangeExports(t *testing.T) {
	d := newDesk(t)
	testExchangeExports(t, d)
}

func testExchangeExports(t *testing.T, d *testDesk) {
	ctx := sysCtx
	es, err := d.store.FindExchanges(ctx, d.tracks["Prisoner exchanges"].ID)
	if err != nil || len(es) == 0 {
		t.Fatalf("demo exchanges: %v, %v", es, err)
	}
	e := slices.MinFunc(es, func(x, y *parley.Exchange) int { return int(x.ID - y.ID) }) // the demo's, before any test's
	ua, err := d.store.FindPrisoners(ctx, e.ID, e.SideA)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := d.store.FindPrisoners(ctx, e.ID, e.SideB)
	if err != nil {
		t.Fatal(err)
	}
	uaSide, ruSide := e.SideA, e.SideB
	if d.party["Ukraine"] != uaSide {
		ua, ru, uaSide, ruSide = ru, ua, ruSide, uaSide
	}
	// A delegate reads the other side's persons of shared matches only.
	matches, err := d.store.FindMatches(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	unshared := func(ps []*parley.Prisoner) []*parley.Prisoner {
		return slices.DeleteFunc(slices.Clone(ps), func(p *parley.Prisoner) bool {
			return slices.ContainsFunc(matches, func(m *parley.PrisonerMatch) bool {
				_, in := m.Counterpart(p.ID)
				return in && m.SharedAt != nil
			})
		})
	}
	base := fmt.Sprintf("/api/v1/exchanges/%d/export", e.ID)
	for _, tc := range []struct {
		email       string
		sees, hides []*parley.Prisoner
		sheets      int
	}{
		{"mediator@demo.parley", append(slices.Clone(ua), ru...), nil, 4},
		{"ua@demo.parley", ua, unshared(ru), 3},
		{"ru@demo.parley", ru, unshared(ua), 3},
	} {
		b := d.signIn(t, tc.email)
		status, media, _, data := b.download(base + "?format=xlsx")
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.email, status, data)
		}
		text, _ := fileText(t, media, data)
		for _, p := range tc.sees {
			if !strings.Contains(text, p.Name) {
				t.Errorf("%s: the workbook lacks %s", tc.email, p.Name)
			}
		}
		for _, p := range tc.hides {
			if strings.Contains(text, p.Name) || p.ServiceNumber != "" && strings.Contains(text, p.ServiceNumber) {
				t.Errorf("%s: the workbook shows the other side's %s", tc.email, p.Name)
			}
		}
		wb, _ := spreadsheet.OpenXLSX(bytes.NewReader(data), int64(len(data)))
		if len(wb.Sheets) != tc.sheets {
			t.Errorf("%s: %d sheets, want %d", tc.email, len(wb.Sheets), tc.sheets)
		}
		status, _, _, _ = b.download(base + "?format=csv&table=reconciliation")
		if want := map[bool]int{true: 200, false: 404}[tc.hides == nil]; status != want {
			t.Errorf("%s: the reconciliation: %d, want %d", tc.email, status, want)
		}
	}
	// The Ukrainian list, exported in Ukrainian, reads back as it was.
	med := d.signIn(t, "mediator@demo.parley")
	status, _, lang, data := med.download(fmt.Sprintf("%s?format=csv&table=list-%d&lang=uk", base, uaSide))
	if status != http.StatusOK || lang != "uk" {
		t.Fatalf("the Ukrainian CSV: %d %s", status, lang)
	}
	l, err := exchange.ReadList(data, "", time.Now())
	if err != nil || len(l.Rejections) > 0 || len(l.Persons) != len(ua) {
		t.Fatalf("the exported list reads back: %v %v %d of %d", err, l.Rejections, len(l.Persons), len(ua))
	}
	if len(l.Columns) != len(exchange.Columns) || !slices.Equal(l.Ignored, []string{"Ідентифікатор", "Передано"}) {
		t.Errorf("columns read %v, ignored %v", l.Columns, l.Ignored)
	}
	for i, p := range l.Persons {
		if p.Name != ua[i].Name || p.Born.Format(time.DateOnly) != ua[i].Born || string(p.Status) != string(ua[i].Status) {
			t.Errorf("person %d reads back as %+v, was %+v", i, p, ua[i])
		}
	}
	for path, want := range map[string]int{
		base + "?format=csv":                                     http.StatusBadRequest, // a CSV holds one table
		base + "?format=csv&table=list-999999":                   http.StatusNotFound,
		base + "?format=odt":                                     http.StatusBadRequest,
		fmt.Sprintf("%s?format=csv&table=list-%d", base, ruSide): http.StatusOK,
	} {
		if status, _, _, body := med.download(path); status != want {
			t.Errorf("%s: %d, want %d: %s", path, status, want, body)
		}
	}
	testRejectionsAnswered(t, d, e, uaSide)
}

// testRejectionsAnswered: a refused list's rejections in the reader's
// language — the page's table and file, the API's problem and file — and
// nothing stored.
func testRejectionsAnswered(t *testing.T, d *testDesk, e *parley.Exchange, side int64) {
	ctx := sysCtx
	before, err := d.store.FindPrisoners(ctx, e.ID, side)
	if err != nil {
		t.Fatal(err)
	}
	bad := "ПІБ;Дата народження;Статус;Дата полону\n" +
		"Тарас Мельник;03/04/1990;військовий;20.05.2022\n" + // ambiguous date
		"Іван Бойко;1979-01-02;солдат;2022-05-20\n" // unknown status
	med := d.signIn(t, "mediator@demo.parley")
	med.post("/language", url.Values{"lang": {"uk"}, "next": {"/map"}})
	status, body := med.upload(fmt.Sprintf("/exchanges/%d/lists/%d", e.ID, side), [][2]string{{"csrf_token", med.csrf}}, bad)
	if status != http.StatusBadRequest || !strings.Contains(body, "неоднозначно: день і місяць") || !strings.Contains(body, "<td>Дата народження</td>") ||
		!strings.Contains(body, `download="rejections.csv"`) {
		t.Errorf("the page's refusal in Ukrainian: %d\n%s", status, body)
	}
	if strings.Contains(body, "Мельник") || strings.Contains(body, "солдат") {
		t.Error("the refusal quotes a value")
	}
	api := func(query string) (int, string, []byte) {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/exchanges/%d/lists/%d%s", d.http.URL, e.ID, side, query), strings.NewReader(bad))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("X-CSRF-Token", med.csrf) // the session cookie's, as a script of the page sends it
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := med.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), data
	}
	if status, media, data := api("?rejections=xlsx&lang=ru"); status != http.StatusBadRequest || !strings.HasPrefix(media, "application/vnd.openxmlformats") {
		t.Errorf("the rejections as a workbook: %d %s", status, media)
	} else if text, _ := fileText(t, media, data); !strings.Contains(text, "неоднозначно") || !strings.Contains(text, "должен быть военный или гражданский") {
		t.Errorf("the Russian rejections file:\n%s", text)
	}
	if status, _, data := api(""); status != http.StatusBadRequest || !bytes.Contains(data, []byte(`"rejected":2`)) ||
		!bytes.Contains(data, []byte(`{"row":3,"field":"status","reason":"must be military or civilian"}`)) {
		t.Errorf("the API's refusal: %d %s", status, data)
	}
	after, err := d.store.FindPrisoners(ctx, e.ID, side)
	if err != nil || len(after) != len(before) {
		t.Errorf("a refused list stored persons: %d, then %d", len(before), len(after))
	}
}

// userID is the id of the browser's signed-in user.
func (b *browser) userID(t *testing.T) int64 {
	t.Helper()
	status, body := b.api("GET", "/api/v1/users/me", "")
	var u parley.User
	if err := json.Unmarshal([]byte(body), &u); err != nil || status != http.StatusOK {
		t.Fatalf("users/me: %d %s", status, body)
	}
	return u.ID
}
