package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley/i18n"
)

// shownText is what the reader of the page in the browser sees and
// hears: the body's rendered text without code samples and other data, the texts of the
// attributes read out, the titles of the pictures and the page's title.
const shownText = `(() => {
	// Code samples, signed checkpoints and a text's compared wording are
	// data, as in the HTTP crawl: hidden while the text is read.
	const data = Array.from(document.querySelectorAll("code, pre, textarea, .wording, del, ins"));
	const shown = data.map(e => e.style.display);
	data.forEach(e => { e.style.display = "none"; });
	const text = document.body.innerText;
	data.forEach((e, i) => { e.style.display = shown[i]; });
	const attrs = Array.from(document.querySelectorAll("[aria-label], [title], [placeholder], [alt], optgroup[label]"))
		.map(e => ["aria-label", "title", "placeholder", "alt", "label"].map(a => e.getAttribute(a) || "").join("\n"));
	const titles = Array.from(document.querySelectorAll("svg title")).map(e => e.textContent);
	return [text, attrs.join("\n"), titles.join("\n"), document.title].join("\n");
})()`

// TestBrowserLanguages: in a real browser, the mediator switches the
// interface to Russian and a delegate to Ukrainian with the switch on the
// page, and each visits every page it reaches (the crawl of TestBrowser):
// each page says its language and shows no English word but the stored
// data. Arabic turns the page right to left.
func TestBrowserLanguages(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	data := demoData(t, "Demo Mediator", "Demo Observer")
	// The pairs TestPagesInEveryLanguage does not take.
	for _, run := range []struct {
		email string
		l     i18n.Lang
	}{{"mediator@demo.parley", i18n.Russian}, {"ua@demo.parley", i18n.Ukrainian}} {
		email := run.email
		t.Run(email, func(t *testing.T) {
			ctx, problems := d.browserSignIn(t, email)
			for _, l := range []i18n.Lang{run.l, i18n.Arabic} {
				button := fmt.Sprintf(`.langs button[value=%q]`, l)
				if err := chromedp.Do(ctx, chromedp.Navigate(d.http.URL+"/map"), chromedp.WaitReady(chromedp.CSS("footer")),
					chromedp.Click(chromedp.CSS(button)), chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`html[lang=%q]`, l)))); err != nil {
					t.Fatalf("switch to %s: %v", l, err)
				}
				if l == i18n.Arabic {
					dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).direction`))
					if err != nil || dir != "rtl" {
						t.Errorf("Arabic: the body runs %q (%v)", dir, err)
					}
					continue
				}
				pages := browserCrawl(t, ctx, d.http.URL, func(path, html string) {
					if !strings.Contains(html, fmt.Sprintf(`<html lang="%s" dir="ltr">`, l)) {
						t.Errorf("%s %s: the page does not say its language", l, path)
					}
					text, err := chromedp.Run(ctx, chromedp.Evaluate[string](shownText))
					if err != nil {
						t.Fatal(err)
					}
					if left := untranslatedText(text, l, data); len(left) > 0 {
						t.Errorf("%s %s: untranslated %q", l, path, left)
					}
					for _, p := range problems.take() {
						t.Errorf("%s %s: %s", l, path, p)
					}
				})
				if len(pages) < 10 {
					t.Errorf("%s: only %d pages reached", l, len(pages))
				}
			}
		})
	}
}
