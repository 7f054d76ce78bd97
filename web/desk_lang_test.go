package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/i18n"
)

// The pages in every language: the language switch, the browser's
// Accept-Language, and pages that say nothing in English once the reader
// chose Ukrainian or Russian.

// pageText is what a reader of a page sees or hears: its text outside
// scripts, styles and code samples (<code>, <pre>: syntax, not words),
// and the texts of the attributes read out (aria-label, title,
// placeholder, alt, label), entities decoded.
func pageText(page string) string {
	s := pageHidden.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range pageAttribute.FindAllStringSubmatch(s, -1) {
		b.WriteString(m[2])
		b.WriteByte('\n')
	}
	b.WriteString(pageTag.ReplaceAllString(s, "\n"))
	return html.UnescapeString(b.String())
}

var (
	pageHidden    = regexp.MustCompile(`(?is)<(script|style|code|pre|textarea)\b.*?</(script|style|code|pre|textarea)>|<p class="wording">.*?</p>`)
	pageAttribute = regexp.MustCompile(`\b(aria-label|title|placeholder|alt|label)="([^"]*)"`)
	pageTag       = regexp.MustCompile(`(?s)<[^>]*>`)
	latinWord     = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// interfaceWords are the Latin words a page may show in any language: the
// product's name, the names of the languages in the switch (each in
// itself), the time zone's abbreviation, the names of formats and
// programs.
var interfaceWords = []string{"Parley", "English", "UTC", "CSV", "UTF", "API", "KS", "PDF", "Markdown", "HTML", "Word",
	"docx", "xlsx", "csv", "ics", "Excel", "KOI", "Windows", "GENIUS", "NegMAS", "zip", "Zip",
	"ad", "referendum"} // "agreed ad referendum": the diplomats' Latin, kept in every language

// demoData are the texts the pages show as they were stored: every string
// of the demo scenario and of the desk's test fixture, longest first.
func demoData(t testing.TB, more ...string) []string {
	t.Helper()
	sc, err := demo.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out := append(more, demo.TalkTexts()...)
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	for _, m := range []marker{uaMarker, ruMarker} {
		out = append(out, m.note)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// untranslated lists what a page in l still says in English: the catalog's
// English texts it holds (i18n.Leftovers), and any Latin word that is
// neither stored data nor one of interfaceWords.
func untranslated(page string, l i18n.Lang, data []string) []string {
	return untranslatedText(pageText(page), l, data)
}

// untranslatedText is untranslated of a page's text.
func untranslatedText(text string, l i18n.Lang, data []string) []string {
	for _, s := range data {
		if len(s) > 1 {
			text = strings.ReplaceAll(text, s, "\n")
		}
	}
	out := i18n.Leftovers(text, l)
	for _, w := range latinWord.FindAllString(text, -1) {
		if !slices.Contains(interfaceWords, w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// htmlLang is the page's <html lang dir>.
var htmlLang = regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)

// TestPagesInEveryLanguage: a reader who chooses Ukrainian or Russian with
// the language switch reads every page it reaches in that language — the
// page says so in <html lang dir>, and no English word is left but the
// stored data — and the choice is kept across pages; Arabic pages run
// right to left.
func TestPagesInEveryLanguage(t *testing.T) {
	d := newDesk(t)
	data := demoData(t, "Demo Mediator", "Demo Observer")
	// The mediator reaches every page, a delegate its own forms: one
	// language each keeps the crawl short; the browser test takes the
	// other pairs.
	for _, run := range []struct {
		email string
		l     i18n.Lang
	}{{"mediator@demo.parley", i18n.Ukrainian}, {"ua@demo.parley", i18n.Russian}} {
		email := run.email
		b := d.signIn(t, email)
		for _, l := range []i18n.Lang{run.l} {
			status, body := b.post("/language", url.Values{"lang": {string(l)}, "next": {"/map"}})
			if status != http.StatusOK || !strings.Contains(body, `<html lang="`+string(l)+`" dir="ltr">`) {
				t.Fatalf("%s: switching to %s: %d\n%s", email, l, status, body)
			}
			for path, page := range crawl(b) {
				if strings.HasPrefix(path, "/api/") {
					continue // a download, read back by the export tests
				}
				if m := htmlLang.FindStringSubmatch(page); m == nil || m[1] != string(l) || m[2] != "ltr" {
					t.Errorf("%s %s %s: <html> says %v", email, l, path, m)
				}
				if left := untranslated(page, l, data); len(left) > 0 {
					t.Errorf("%s %s %s: untranslated %q", email, l, path, left)
				}
			}
		}
		status, body := b.post("/language", url.Values{"lang": {"ar"}, "next": {"/map"}})
		if status != http.StatusOK || !strings.Contains(body, `<html lang="ar" dir="rtl">`) {
			t.Errorf("%s: Arabic: %d", email, status)
		}
	}
}

// TestLanguageChoice: without a choice the browser's Accept-Language
// decides, English when it names none of ours; a choice outlasts the
// header; the switch refuses an unknown language, a request from another
// site, and a next page elsewhere.
func TestLanguageChoice(t *testing.T) {
	d := newDesk(t)
	get := func(header string, cookie *http.Cookie) *http.Response {
		req, _ := http.NewRequest("GET", d.http.URL+"/signin", nil)
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Accept-Language", header)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for header, want := range map[string]string{"uk-UA,uk;q=0.9": "uk", "de-CH, ru;q=0.5": "ru", "de": "en", "": "en", "ar-EG": "ar"} {
		if got := get(header, nil).Header.Get("Content-Language"); got != want {
			t.Errorf("Accept-Language %q: %q, want %q", header, got, want)
		}
	}
	if got := get("ru", &http.Cookie{Name: "parley_lang", Value: "uk"}).Header.Get("Content-Language"); got != "uk" {
		t.Errorf("a choice of Ukrainian with Accept-Language ru: %q", got)
	}
	if got := get("ru", &http.Cookie{Name: "parley_lang", Value: "xx"}).Header.Get("Content-Language"); got != "ru" {
		t.Errorf("a cookie naming no language: %q", got)
	}

	post := func(form url.Values, site string) *http.Response {
		req, _ := http.NewRequest("POST", d.http.URL+"/language", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Sec-Fetch-Site", site)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := post(url.Values{"lang": {"ru"}, "next": {"/tracks/1?x=2"}}, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tracks/1?x=2" {
		t.Errorf("the switch: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var chosen *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "parley_lang" {
			chosen = c
		}
	}
	if chosen == nil || chosen.Value != "ru" || !chosen.HttpOnly || chosen.SameSite != http.SameSiteLaxMode || chosen.MaxAge <= 0 {
		t.Errorf("the language cookie: %+v", chosen)
	}
	if resp := post(url.Values{"lang": {"ru"}, "next": {"//evil.example/"}}, "same-origin"); resp.Header.Get("Location") != "/map" {
		t.Errorf("next elsewhere: %q", resp.Header.Get("Location"))
	}
	if resp := post(url.Values{"lang": {"de"}}, "same-origin"); resp.StatusCode != http.StatusBadRequest || len(resp.Cookies()) != 0 {
		t.Errorf("an unknown language: %d %v", resp.StatusCode, resp.Cookies())
	}
	if resp := post(url.Values{"lang": {"uk"}}, "cross-site"); resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("from another site: %d %v", resp.StatusCode, resp.Cookies())
	}
}

// TestRefusalsInTheReadersLanguage: a refused form and an error page
// speak the reader's language — the domain's message translated with its
// values, the error page's title too.
func TestRefusalsInTheReadersLanguage(t *testing.T) {
	d := newDesk(t)
	med := d.signIn(t, "mediator@demo.parley")
	med.post("/language", url.Values{"lang": {"uk"}, "next": {"/map"}})
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	_, body := med.post(fmt.Sprintf("/tracks/%d/meetings", energy.ID), url.Values{"title": {"Зустріч"}, "format": {"banquet"}, "starts_at": {"2030-01-02T10:00"}})
	if !strings.Contains(body, "невідомий формат зустрічі &#34;banquet&#34;") {
		t.Errorf("a refused meeting in Ukrainian:\n%s", body)
	}
	status, body := med.get("/tracks/999999")
	if status != http.StatusNotFound || !strings.Contains(body, "<h1 id=\"err-h\">Не знайдено</h1>") || !strings.Contains(body, "Не знайдено: трек 999999") {
		t.Errorf("a missing track in Ukrainian: %d\n%s", status, body)
	}
}

// TestAccountLanguage: a signed-in reader's choice is kept with the
// account: it follows the reader to another browser and wins over the
// browser's Accept-Language; the API reads and changes it, refusing a
// language Parley does not speak; forgotten, the browser decides again.
func TestAccountLanguage(t *testing.T) { testAccountLanguage(t, newDesk(t)) }

func testAccountLanguage(t *testing.T, d *testDesk) {
	first := d.signIn(t, "ua@demo.parley")
	if status, body := first.post("/account/language", url.Values{"lang": {"uk"}, "next": {"/map"}}); status != http.StatusOK || !strings.Contains(body, `<html lang="uk"`) {
		t.Fatalf("choosing Ukrainian: %d", status)
	}
	second := d.signIn(t, "ua@demo.parley") // a browser with no cookie of the choice
	langOf := func(b *browser) string {
		req, _ := http.NewRequest("GET", d.http.URL+"/map", nil)
		req.Header.Set("Accept-Language", "ru")
		_, body := b.do(req)
		if m := htmlLang.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		return ""
	}
	if got := langOf(second); got != "uk" {
		t.Errorf("another browser of the account: %q, want uk", got)
	}
	if status, body := second.api("GET", "/api/v1/users/me/language", ""); status != http.StatusOK || !strings.Contains(body, `"language":"uk"`) {
		t.Errorf("the API's language: %d %s", status, body)
	}
	if status, _ := second.api("PUT", "/api/v1/users/me/language", `{"language":"de"}`); status != http.StatusBadRequest {
		t.Errorf("German: %d", status)
	}
	if status, _ := second.api("PUT", "/api/v1/users/me/language", `{"language":""}`); status != http.StatusOK {
		t.Errorf("forgetting: %d", status)
	}
	if got := langOf(second); got != "ru" {
		t.Errorf("forgotten, the browser's Accept-Language: %q, want ru", got)
	}
	// Another account's choice is its own.
	if got := langOf(d.signIn(t, "ru@demo.parley")); got != "ru" {
		t.Errorf("another account: %q", got)
	}
}
