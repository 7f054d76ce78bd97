package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley/web/action"
)

// The browser tests drive Debian's chromium (headless) through chromedp
// against the real server with the demo loaded. They run when
// PARLEY_TEST_BROWSER names the browser binary, or is 1 to look for
// chromium on the PATH; CI sets it (.ci/run). Screenshots of every page for
// every role go to PARLEY_SCREENSHOTS if set, else to the test's artifact
// folder (t.ArtifactDir: kept with go test -artifacts -outputdir DIR).

// browserBinary returns the browser to drive, or skips the test.
func browserBinary(t *testing.T) string {
	t.Helper()
	v := os.Getenv("PARLEY_TEST_BROWSER")
	if v == "" {
		t.Skip("browser tests are off; set PARLEY_TEST_BROWSER=1 (chromium on the PATH) or to the browser's path, e.g. after apt-get install -y chromium")
	}
	if v == "1" || v == "true" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				return p
			}
		}
		t.Fatal("PARLEY_TEST_BROWSER=1 but no chromium on the PATH; apt-get install -y chromium")
	}
	return v
}

// newBrowser starts a headless chromium with a fresh profile that reaches
// nothing but the test server, and collects the page's console errors,
// exceptions, browser log errors and CSP violations. extra adds options
// (a test's TLS certificate to accept, a flag).
// browserDeadline bounds one test's browser: the longest walk (TestBrowser,
// every page of every demo account) takes a few minutes on a loaded
// two-core machine.
const browserDeadline = 15 * time.Minute

func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) (context.Context, *pageProblems) {
	bin := browserBinary(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	opts = append(opts, extra...)
	// A wait for something that never shows fails the test after
	// browserDeadline instead of hanging the package until go test's
	// timeout, which loses every other test's result.
	dctx, cancel0 := context.WithTimeout(context.Background(), browserDeadline)
	t.Cleanup(cancel0)
	actx, cancel := chromedp.NewExecAllocator(dctx, opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	// CSP violations also reach the console as errors; this listener makes
	// sure that one the browser reports only as an event is seen too.
	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener("securitypolicyviolation", function (e) {
			console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
		});`}); err != nil {
		t.Fatal(err)
	}
	p := &pageProblems{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException ||
				strings.Contains(m.Text, "Content Security route.Policy") {
				p.add(string(m.Type) + ": " + m.Text + " (" + m.URL + ")")
			}
		}
	}()
	return ctx, p
}

// pageProblems collects console errors, exceptions and CSP violations.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *pageProblems) add(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, s)
}

func (p *pageProblems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.list
	p.list = nil
	return out
}

// TestBrowser signs in as every demo account in a real browser, visits
// every page it can reach, checks what it must and must not see, saves a
// screenshot of each page, and runs a live what-if as the mediator.
func TestBrowser(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	shots := os.Getenv("PARLEY_SCREENSHOTS")
	if shots == "" {
		shots = t.ArtifactDir() // kept with go test -artifacts -outputdir DIR
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	for _, acc := range deskAccounts {
		t.Run(acc.email, func(t *testing.T) {
			ctx, problems := d.browserSignIn(t, acc.email)
			role := strings.TrimSuffix(acc.email, "@demo.parley")
			seen := browserCrawl(t, ctx, d.http.URL, func(path, html string) {
				for _, m := range acc.never {
					for _, s := range d.secrets(m) {
						if strings.Contains(html, s) {
							t.Errorf("%s shows %s's sealed %q", path, m.party, s)
						}
					}
				}
				if strings.Contains(html, `class="error"`) {
					t.Errorf("%s shows an error", path)
				}
				shot(t, ctx, filepath.Join(shots, role+strings.ReplaceAll(path, "/", "_")+".png"))
				for _, p := range problems.take() {
					t.Errorf("%s: %s", path, p)
				}
			})
			analysis := fmt.Sprintf("/tracks/%d/analysis", energy.ID)
			if seen[analysis] != acc.mediator {
				t.Errorf("analysis reached: %v, want %v", seen[analysis], acc.mediator)
			}
			if acc.mediator {
				narrow(t, ctx, d.http.URL, []string{"/map", fmt.Sprintf("/tracks/%d", energy.ID), analysis,
					fmt.Sprintf("/tracks/%d/profiles", energy.ID), fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, d.party["Ukraine"])}, shots)
				runWhatIf(t, ctx, d.http.URL+analysis, shots)
			} else {
				if err := chromedp.Do(ctx, chromedp.Navigate(d.http.URL+analysis), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
					t.Fatal(err)
				}
				text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(text, "not found") {
					t.Errorf("a delegate's analysis page: %q", text)
				}
				time.Sleep(100 * time.Millisecond)
				for _, p := range problems.take() {
					// The browser logs the 404 this check asked for.
					if !strings.Contains(p, "404") || !strings.Contains(p, analysis) {
						t.Errorf("%s: %s", analysis, p)
					}
				}
			}
			time.Sleep(100 * time.Millisecond) // let the last console messages arrive
			for _, p := range problems.take() {
				t.Errorf("%s", p)
			}
		})
	}
}

// browserCrawl visits every page reachable by links from the map (not
// the downloads, whose links say download), breadth first, and calls visit with each page's path and HTML once it is
// loaded; it returns the paths visited.
func browserCrawl(t *testing.T, ctx context.Context, base string, visit func(path, html string)) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	queue := []string{"/map"}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			t.Fatal(err)
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("a[href^='/']:not([download])")).map(a => a.getAttribute("href"))`))
		if err != nil {
			t.Fatal(err)
		}
		visit(path, html)
		for _, l := range links {
			l, _, _ = strings.Cut(l, "#") // a fragment is the same page
			if !strings.HasPrefix(l, "/static/") {
				queue = append(queue, l)
			}
		}
	}
	return seen
}

// narrow checks that the pages fit a 360 px wide phone: nothing scrolls
// sideways but the tables' own scroll regions.
func narrow(t *testing.T, ctx context.Context, base string, paths []string, shots string) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Do(ctx, chromedp.ResetViewport())
	for _, p := range paths {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 360 {
			t.Errorf("%s is %d px wide on a 360 px screen", p, width)
		}
		shot(t, ctx, filepath.Join(shots, "mediator_360"+strings.ReplaceAll(p, "/", "_")+".png"))
	}
}

// runWhatIf moves the first party's reservation in the live what-if, and
// checks that the plot and the zone change without a page load.
func runWhatIf(t *testing.T, ctx context.Context, url, shots string) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#plot svg`))); err != nil {
		t.Fatal(err)
	}
	before, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`#plot`)))
	if err != nil {
		t.Fatal(err)
	}
	zoneBefore, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#zone-size`)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(function () {
		window.__parleyMark = 1;
		var r = document.querySelector("#whatif input[type=range]");
		r.focus();
		r.value = "0.6";
		r.dispatchEvent(new Event("input", {bubbles: true}));
		return 1;
	})()`)); err != nil {
		t.Fatal(err)
	}
	after := before
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && after == before; {
		time.Sleep(50 * time.Millisecond)
		if after, err = chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`#plot`))); err != nil {
			t.Fatal(err)
		}
	}
	if after == before {
		t.Fatal("the plot did not change after moving a reservation value")
	}
	mark, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__parleyMark || 0`))
	if err != nil {
		t.Fatal(err)
	}
	if mark != 1 {
		t.Error("the what-if reloaded the page")
	}
	zoneAfter, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#zone-size`)))
	if err != nil {
		t.Fatal(err)
	}
	if zoneAfter == zoneBefore {
		t.Errorf("the zone did not change: %q", zoneAfter)
	}
	shot(t, ctx, filepath.Join(shots, "mediator_whatif.png"))
}

// browserSignIn opens a new browser and signs in as email through the
// sign-in page, waiting for the map; it returns the browser's context and
// the page problems (console errors, CSP violations) it collects.
func (d *testDesk) browserSignIn(t *testing.T, email string) (context.Context, *pageProblems) {
	t.Helper()
	ctx, problems := newBrowser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(d.http.URL+"/map"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), deskPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
	return ctx, problems
}

// shot saves a screenshot of the whole page.
func shot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
	}
}

// TestBrowserProposal: a delegate puts a proposal to the mediators through
// the proposals page's form and sees it listed; the other party's delegate
// does not see it.
func TestBrowserProposal(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	themes, err := d.store.FindThemes(sysCtx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := action.SortedThemes(themes)[0]
	option := choiceValue(first.Name, first.Options[0].Label)
	page := d.http.URL + fmt.Sprintf("/tracks/%d/proposals", energy.ID)
	const rationale = "BROWSER-UA-TO-MEDIATORS"
	ua, uaProblems := d.browserSignIn(t, "ua@demo.parley")
	err = chromedp.Do(ua,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`#put-proposal`)),
		chromedp.SetValue(chromedp.CSS(`#p-choice-0`), option),
		chromedp.SetValue(chromedp.CSS(`#p-audience`), fmt.Sprintf("party:%d", d.party["Ukraine"])),
		chromedp.SendKeys(chromedp.CSS(`#p-rationale`), rationale),
		chromedp.Click(chromedp.CSS(`#put-proposal button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if err != nil {
		t.Fatalf("put the proposal: %v", err)
	}
	text, err := chromedp.Run(ua, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "The proposal was put.") || !strings.Contains(text, rationale) || !strings.Contains(text, "To Ukraine and the mediators") {
		t.Errorf("Ukraine's page after the form:\n%s", text)
	}
	ru, ruProblems := d.browserSignIn(t, "ru@demo.parley")
	if err := chromedp.Do(ru, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	html, err := chromedp.Run(ru, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, `id="put-proposal"`) || strings.Contains(html, rationale) {
		t.Errorf("Russia's proposals page shows Ukraine's proposal to the mediators, or no form")
	}
	time.Sleep(100 * time.Millisecond) // let the last console messages arrive
	for name, p := range map[string]*pageProblems{"Ukraine": uaProblems, "Russia": ruProblems} {
		for _, problem := range p.take() {
			t.Errorf("%s's browser: %s", name, problem)
		}
	}
}
