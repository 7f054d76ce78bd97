package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/authn"
)

// TestBrowserSetUpTalks walks the talks' setup in Chromium from an empty
// database holding one administrator (as `parley user add --admin` makes
// it): the administrator invites a mediator; the mediator accepts the
// one-time link, opens a two-party track with a host, an observer and a
// verifier, its venue and its themes, and invites both delegates, the
// observer and the verifier; each accepts; both delegates enter their
// profiles in the editor; the mediator reads the analysis, puts a
// proposal, a ballot and a text with brackets. Screenshots of each step go
// to PARLEY_SETUP_SCREENSHOTS (docs/ holds the ones the README shows),
// else to the test's artifact folder.
func TestBrowserSetUpTalks(t *testing.T) {
	browserBinary(t)
	d := newEmptyDesk(t)
	shots := os.Getenv("PARLEY_SETUP_SCREENSHOTS")
	if shots == "" {
		shots = t.ArtifactDir()
	}
	must(t, os.MkdirAll(shots, 0o755))
	snap := func(ctx context.Context, name string) { shot(t, ctx, filepath.Join(shots, "setup-"+name+".png")) }
	run := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// submitted clicks the form's button and waits for the page it leads
	// to to hold text.
	submitted := func(form, text string) chromedp.Action[chromedp.Void] {
		// The page is replaced under the check: an evaluation in the page
		// that went away fails, and is tried again on the next.
		check := chromedp.Evaluate[bool](fmt.Sprintf(`document.readyState === "complete" && !document.getElementById(%q + "-pending") && document.body.innerText.includes(%q)`, form, text))
		return chromedp.Steps(
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function(){var m=document.createElement("i");m.id=%q+"-pending";document.body.appendChild(m)})()`, form)),
			chromedp.Click(chromedp.CSS(form+` button[type="submit"]:not([name="intent"])`)),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				for {
					if ok, err := check(ctx, tg); err == nil && ok {
						return nil
					}
					select {
					case <-ctx.Done():
						return fmt.Errorf("waiting for %q after %s: %w", text, form, ctx.Err())
					case <-time.After(50 * time.Millisecond):
					}
				}
			}),
		)
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	link := func(ctx context.Context) string {
		u := text(ctx, `#invitation-url`)
		p, err := url.Parse(strings.TrimSpace(u))
		must(t, err)
		return d.http.URL + p.Path
	}

	// The administrator invites a mediator.
	admin, _ := d.browserSignIn(t, d.admin(t))
	run(admin, "invite a mediator",
		chromedp.Navigate(d.http.URL+"/tracks/new"),
		chromedp.SetValue(chromedp.CSS(`#im-name`), "Selin Aydın"),
		chromedp.SetValue(chromedp.CSS(`#im-email`), "selin@talks.example.org"),
		submitted(`#invite-mediator`, "one-time link"))
	snap(admin, "1-invite-mediator")
	mediatorLink := link(admin)

	// The mediator accepts, opens the track and sets it up.
	med, medProblems := newBrowser(t)
	run(med, "the mediator accepts",
		chromedp.Navigate(mediatorLink),
		chromedp.SetValue(chromedp.CSS(`#a-password`), deskPassword),
		submitted(`#accept`, "Welcome to Parley"))
	run(med, "open the track",
		chromedp.Navigate(d.http.URL+"/tracks/new"),
		chromedp.SetValue(chromedp.CSS(`#t-title`), "Black Sea energy and shipping"),
		chromedp.SetValue(chromedp.CSS(`#t-mandate`), "A moratorium on strikes against energy infrastructure and safe passage for civilian shipping."),
		submitted(`#open-track`, "The track is open"))
	tracks, _, err := d.store.FindTracks(sysCtx, parley.TrackFilter{})
	must(t, err)
	if len(tracks) != 1 {
		t.Fatalf("tracks after opening one: %d", len(tracks))
	}
	tr := tracks[0]
	setup := fmt.Sprintf("%s/tracks/%d/setup", d.http.URL, tr.ID)
	for _, p := range []struct{ name, kind, role string }{
		{"Ukraine", "state", "principal"}, {"Russia", "state", "principal"}, {"Türkiye", "state", "host"},
		{"China", "state", "observer"}, {"International Committee of the Red Cross", "organisation", "verifier"},
	} {
		run(med, "add "+p.name,
			chromedp.SetValue(chromedp.CSS(`#p-name`), p.name),
			chromedp.SetValue(chromedp.CSS(`#p-kind`), p.kind),
			chromedp.SetValue(chromedp.CSS(`#p-role`), p.role),
			submitted(`#add-party`, p.name+" — "))
	}
	run(med, "add the venue",
		chromedp.SetValue(chromedp.CSS(`#v-name`), "Dolmabahçe Palace"),
		chromedp.SetValue(chromedp.CSS(`#v-city`), "Istanbul"),
		chromedp.SetValue(chromedp.CSS(`#v-country`), "Türkiye"),
		submitted(`#add-venue`, "Dolmabahçe Palace"))
	themes := []struct{ name, options string }{
		{"Energy strikes", "none\n30-day moratorium\nindefinite with monitoring"},
		{"Civilian shipping", "closed\ninspected corridor\nopen"},
	}
	for _, th := range themes {
		run(med, "add "+th.name,
			chromedp.SetValue(chromedp.CSS(`#th-name`), th.name),
			chromedp.SetValue(chromedp.CSS(`#th-options`), th.options),
			submitted(`#add-theme`, strings.Split(th.options, "\n")[2]))
	}
	party := map[string]int64{}
	full, err := d.store.FindTrackByID(sysCtx, tr.ID)
	must(t, err)
	for _, p := range full.Parties {
		pp, err := d.store.FindPartyByID(sysCtx, p.PartyID)
		must(t, err)
		party[pp.Name] = pp.ID
	}
	links := map[string]string{}
	for _, inv := range []struct{ name, email, role, party string }{
		{"Olena Kovalenko", "olena@talks.example.org", "delegate", "Ukraine"},
		{"Sergei Volkov", "sergei@talks.example.org", "delegate", "Russia"},
		{"Li Wei", "li@talks.example.org", "observer", "China"},
		{"Anna Keller", "anna@talks.example.org", "verifier", "International Committee of the Red Cross"},
	} {
		run(med, "invite "+inv.name,
			chromedp.Navigate(setup),
			chromedp.SetValue(chromedp.CSS(`#i-name`), inv.name),
			chromedp.SetValue(chromedp.CSS(`#i-email`), inv.email),
			chromedp.SetValue(chromedp.CSS(`#i-role`), inv.role),
			chromedp.SetValue(chromedp.CSS(`#i-party`), fmt.Sprint(party[inv.party])),
			submitted(`#invite`, "one-time link"))
		links[inv.name] = link(med)
		if inv.role == "delegate" && inv.party == "Ukraine" {
			snap(med, "2-invite-delegate")
		}
	}

	// Each invitee accepts in turn (one browser: each acceptance signs its
	// person in); the delegates enter their profiles in the editor.
	guest, guestProblems := newBrowser(t)
	profiles := map[string][]string{ // weights, then each theme's option values, then the reservation
		"Olena Kovalenko": {"0.7", "0.3", "0", "0.6", "1", "0", "0.5", "1", "0.3"},
		"Sergei Volkov":   {"0.4", "0.6", "1", "0.5", "0", "0.2", "1", "0.6", "0.3"},
	}
	for _, name := range []string{"Li Wei", "Anna Keller", "Olena Kovalenko", "Sergei Volkov"} {
		run(guest, name+" accepts",
			chromedp.Navigate(links[name]),
			chromedp.SetValue(chromedp.CSS(`#a-password`), deskPassword),
			submitted(`#accept`, "Welcome to Parley"))
		v, ok := profiles[name]
		if !ok {
			continue
		}
		p := party["Ukraine"]
		if name == "Sergei Volkov" {
			p = party["Russia"]
		}
		run(guest, name+"'s profile",
			chromedp.Navigate(fmt.Sprintf("%s/tracks/%d/profiles/%d", d.http.URL, tr.ID, p)),
			chromedp.SetValue(chromedp.CSS(`#w_0`), v[0]), chromedp.SetValue(chromedp.CSS(`#w_1`), v[1]),
			chromedp.SetValue(chromedp.CSS(`#v_0_0`), v[2]), chromedp.SetValue(chromedp.CSS(`#v_0_1`), v[3]), chromedp.SetValue(chromedp.CSS(`#v_0_2`), v[4]),
			chromedp.SetValue(chromedp.CSS(`#v_1_0`), v[5]), chromedp.SetValue(chromedp.CSS(`#v_1_1`), v[6]), chromedp.SetValue(chromedp.CSS(`#v_1_2`), v[7]),
			chromedp.SetValue(chromedp.CSS(`#reservation`), v[8]),
			submitted(`#profile`, "Version 1"))
		if name == "Olena Kovalenko" {
			snap(guest, "3-delegate-profile")
		}
	}

	// The mediator: the members, the analysis, a proposal, a ballot, a
	// text with brackets.
	run(med, "the setup page", chromedp.Navigate(setup), chromedp.WaitVisible(chromedp.CSS(`#track-members`)))
	members := text(med, `#track-members`)
	for _, want := range []string{"Selin Aydın — mediator", "Olena Kovalenko — delegate of Ukraine", "Sergei Volkov — delegate of Russia", "Li Wei — observer of China", "Anna Keller — verifier of International Committee of the Red Cross"} {
		if !strings.Contains(members, want) {
			t.Errorf("the members lack %q: %s", want, members)
		}
	}
	snap(med, "4-setup")
	base := fmt.Sprintf("%s/tracks/%d", d.http.URL, tr.ID)
	run(med, "the analysis", chromedp.Navigate(base+"/analysis"), chromedp.WaitVisible(chromedp.CSS(`#whatif`)))
	snap(med, "5-analysis")
	choice := func(theme, option string) string { return choiceValue(theme, option) }
	run(med, "a proposal",
		chromedp.Navigate(base+"/proposals"),
		chromedp.SetValue(chromedp.CSS(`#p-choice-0`), choice("Energy strikes", "30-day moratorium")),
		chromedp.SetValue(chromedp.CSS(`#p-choice-1`), choice("Civilian shipping", "inspected corridor")),
		chromedp.SetValue(chromedp.CSS(`#p-rationale`), "A first step both sides can verify."),
		submitted(`#put-proposal`, "The proposal was put."))
	run(med, "a ballot",
		chromedp.SetValue(chromedp.CSS(`#b-choice-0`), choice("Energy strikes", "30-day moratorium")),
		chromedp.SetValue(chromedp.CSS(`#b-choice-1`), choice("Civilian shipping", "inspected corridor")),
		chromedp.SetValue(chromedp.CSS(`#b-deadline`), time.Now().UTC().Add(72*time.Hour).Format("2006-01-02T15:04")),
		submitted(`#put-ballot`, "The ballot was put to the parties."))
	snap(med, "6-proposal-and-ballot")
	run(med, "a text",
		chromedp.Navigate(base),
		chromedp.SetValue(chromedp.CSS(`#x-title`), "Istanbul arrangements"),
		submitted(`#start-text`, "The text was started."),
		chromedp.SetValue(chromedp.CSS(`#v-clauses`), "(agreed) The parties halt strikes on energy infrastructure.\n\n[For 30 days {Ukraine; Energy strikes = 30-day moratorium} | Indefinitely, with monitoring {Russia; Energy strikes = indefinite with monitoring}]\n\nCivilian ships pass through an inspected corridor."),
		submitted(`#write-version`, "The version was added."))
	snap(med, "7-text")

	for who, p := range map[string]*pageProblems{"mediator": medProblems, "invitees": guestProblems} {
		if list := p.take(); len(list) > 0 {
			t.Errorf("the %s's pages reported problems: %v", who, list)
		}
	}
	ballots, err := d.store.FindBallots(sysCtx, tr.ID)
	must(t, err)
	texts, err := d.store.FindTexts(sysCtx, tr.ID)
	must(t, err)
	if len(ballots) != 1 || len(texts) != 1 {
		t.Errorf("after the walk: %d ballots, %d texts", len(ballots), len(texts))
	}
}

// newEmptyDesk is newDesk without the demo: an empty database.
func newEmptyDesk(t *testing.T) *testDesk {
	t.Helper()
	store, err := sqlite.Open(sysCtx, filepath.Join(t.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	must(t, err)
	t.Cleanup(func() { store.Close() })
	clock := newTestClock()
	auth, err := authn.New(authn.Config{Store: store, PasswordParams: password.InsecureTestParams, Now: clock.Now})
	must(t, err)
	srv, err := New(Config{Store: store, Authenticator: auth, Logger: deskLogger})
	must(t, err)
	d := &testDesk{t: t, store: store, srv: srv, clock: clock, tracks: map[string]*parley.Track{}, party: map[string]int64{}, redLines: map[string][]string{}, hits: map[string]bool{}}
	d.http = httptest.NewServer(http.HandlerFunc(srv.ServeHTTP))
	t.Cleanup(d.http.Close)
	return d
}
