package briefing

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/documents"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

var sys = parley.NewContextWithCaller(context.Background(), parley.System)

// demoStore is a SQLite store in a temporary directory with the demo
// loaded.
func demoStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(sys, filepath.Join(tb.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := demo.Load(sys, db, "briefing test password"); err != nil {
		tb.Fatal(err)
	}
	return db
}

// as is a context whose caller is the user with the email, as the web
// layer builds it.
func as(tb testing.TB, db *sqlite.DB, email string) context.Context {
	tb.Helper()
	u, err := db.FindUserByEmail(sys, email)
	if err != nil {
		tb.Fatal(err)
	}
	grants, err := db.FindMembershipsOfUser(sys, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return parley.NewContextWithCaller(context.Background(), &parley.Caller{User: u, Grants: grants})
}

func partyID(tb testing.TB, db *sqlite.DB, name string) int64 {
	ps, _, err := db.FindParties(sys, parley.Page{Limit: parley.MaxLimit})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p.ID
		}
	}
	tb.Fatalf("no party %s", name)
	return 0
}

// documentText is every text of a document, one block a line.
func documentText(d *documents.Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n" + d.Subtitle + "\n" + d.Marking + "\n")
	for _, bl := range d.Blocks {
		switch bl := bl.(type) {
		case documents.Heading:
			b.WriteString(bl.Text)
		case documents.Paragraph:
			for _, r := range bl.Runs {
				b.WriteString(r.Text)
			}
		case documents.List:
			for _, it := range bl.Items {
				for _, r := range it {
					b.WriteString(r.Text)
				}
				b.WriteString("\n")
			}
		case documents.Table:
			b.WriteString(strings.Join(bl.Header, " | ") + "\n")
			for _, row := range bl.Rows {
				b.WriteString(strings.Join(row, " | ") + "\n")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestPackAudience: a delegate's pack holds its party's and the plenary's
// records and none of the other party's or the mediators'; the mediator's
// holds them all.
func TestPackAudience(t *testing.T) {
	db := demoStore(t)
	ua, ru := partyID(t, db, "Ukraine"), partyID(t, db, "Russia")
	tracks, _, err := db.FindTracks(sys, parley.TrackFilter{Page: parley.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var track *parley.Track
	for _, tr := range tracks {
		if strings.HasPrefix(tr.Title, "Principles of peace") {
			track, _ = db.FindTrackByID(sys, tr.ID)
		}
	}
	if track == nil || len(track.Themes) < 2 {
		t.Fatal("the demo's principles-of-peace track with its themes is missing")
	}
	choice := func(i int) parley.Choice {
		th := track.Themes[i]
		return parley.Choice{Theme: th.Name, Option: th.Options[0].Label}
	}
	for _, p := range []*parley.Proposal{
		{TrackID: track.ID, AuthorPartyID: &ru, Audience: parley.PartyAudience(ru), Package: []parley.Choice{choice(0)}, Rationale: "RU-ONLY rationale"},
		{TrackID: track.ID, AuthorPartyID: &ua, Audience: parley.PartyAudience(ua), Package: []parley.Choice{choice(1)}, Rationale: "UA-OWN rationale"},
		{TrackID: track.ID, Audience: parley.AudiencePlenary, Package: []parley.Choice{choice(0), choice(1)}, Rationale: "PLENARY rationale"},
	} {
		if err := db.CreateProposal(sys, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, tx := range []struct {
		audience parley.Audience
		title    string
	}{{parley.AudienceMediators, "MEDIATORS-ONLY text"}, {parley.AudiencePlenary, "Declaration of principles"}} {
		text := &parley.NegotiatingText{TrackID: track.ID, Title: tx.title, Audience: tx.audience}
		if err := db.CreateText(sys, text); err != nil {
			t.Fatal(err)
		}
		clauses := []parley.Clause{
			{Text: "The parties reaffirm the principles of the UN Charter.", Status: parley.ClauseAgreed},
			{Status: parley.ClauseBracketed, Alternatives: []parley.Alternative{
				{Text: "within 30 days", Sponsors: []int64{ua}}, {Text: "<to be named>", Sponsors: []int64{ru}}}},
		}
		if _, err := db.CreateVersion(sys, text.ID, clauses); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	mediator, err := Gather(as(t, db, demo.MediatorEmail), db, track.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	delegate, err := Gather(as(t, db, "ua@demo.parley"), db, track.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who       string
		pack      *Pack
		has, hasn []string
	}{
		{"mediator", mediator, []string{"RU-ONLY rationale", "UA-OWN rationale", "PLENARY rationale", "MEDIATORS-ONLY text", "Declaration of principles"}, nil},
		{"Ukraine's delegate", delegate, []string{"UA-OWN rationale", "PLENARY rationale", "Declaration of principles"}, []string{"RU-ONLY", "MEDIATORS-ONLY"}},
	} {
		for _, lang := range i18n.Supported {
			text := documentText(Build(tc.pack, i18n.New(lang)))
			for _, s := range tc.has {
				if !strings.Contains(text, s) {
					t.Errorf("%s's pack in %s lacks %q", tc.who, lang, s)
				}
			}
			for _, s := range tc.hasn {
				if strings.Contains(text, s) {
					t.Errorf("%s's pack in %s holds %q", tc.who, lang, s)
				}
			}
		}
	}
	if mediator.Analysis != nil || delegate.Analysis != nil {
		t.Error("Gather set the mediators' analysis")
	}
	mediator.Analysis = &Analysis{Summary: []string{"The zone of agreement holds 12 packages."},
		Plots: []documents.Plot{{XLabel: "Ukraine", YLabel: "Russia", Frontier: [][2]float64{{0, 1}, {1, 0}}, Marks: []documents.PlotMark{{Label: "Nash", X: 0.5, Y: 0.5}}}}}
	d := Build(mediator, i18n.New(i18n.English))
	var buf bytes.Buffer
	if err := documents.WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	if text := documentText(d); !strings.Contains(text, "Analysis (mediators only)") || !strings.Contains(text, "The zone of agreement holds 12 packages.") {
		t.Error("the analysis section is missing from the mediator's pack")
	}
	if _, err := Gather(as(t, db, "ua@demo.parley"), db, 999999, now); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a track that is not there: %v", err)
	}
}

// TestPackLanguages builds every track's pack in each language: the
// document states its language, and no English text of the catalog is
// left in a translated one.
func TestPackLanguages(t *testing.T) {
	db := demoStore(t)
	ctx := as(t, db, demo.MediatorEmail)
	tracks, _, err := db.FindTracks(ctx, parley.TrackFilter{Page: parley.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tr := range tracks {
		p, err := Gather(ctx, db, tr.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range i18n.Supported {
			d := Build(p, i18n.New(lang))
			if d.Lang != string(lang) {
				t.Errorf("track %d in %s: document language %q", tr.ID, lang, d.Lang)
			}
			if left := i18n.Leftovers(withoutData(documentText(d), p), lang); len(left) > 0 {
				t.Errorf("track %d in %s shows untranslated %q", tr.ID, lang, left)
			}
		}
		var buf bytes.Buffer
		if err := documents.WritePDF(&buf, Build(p, i18n.New(i18n.Ukrainian))); err != nil {
			t.Errorf("track %d: %v", tr.ID, err)
		}
	}
}

func TestTextDocument(t *testing.T) {
	text := &parley.NegotiatingText{Title: "Joint statement"}
	v := &parley.TextVersion{Number: 3, Counts: parley.TextCounts{Clauses: 3, Brackets: 1, Agreed: 1}, Clauses: []parley.Clause{
		{Text: "Agreed words.", Status: parley.ClauseAgreed},
		{Status: parley.ClauseBracketed, Alternatives: []parley.Alternative{{Text: "30 days", Sponsors: []int64{1}, Theme: "Moratorium", Option: "30-day"}, {Text: "indefinite", Sponsors: []int64{2}}}},
		{Text: "Dropped words.", Status: parley.ClauseDropped},
	}}
	names := map[int64]string{1: "Україна", 2: "Росія"}
	d := TextDocument(text, v, func(id int64) string { return names[id] }, "", i18n.New(i18n.Russian))
	got := documentText(d)
	for _, s := range []string{
		"Версия 3 — 3 пункта, 1 согласован, 1 скобка. Ничего не согласовано, пока не согласовано всё.",
		"Agreed words. — согласовано",
		"[30 days] (авторы: Україна; Moratorium: 30-day) [indefinite] (авторы: Росія) — в скобках",
		"Dropped words. — исключено",
	} {
		if !strings.Contains(got, s) {
			t.Errorf("the text lacks %q:\n%s", s, got)
		}
	}
	v.Counts.AllAgree = true
	v.Clauses = []parley.Clause{v.Clauses[0], v.Clauses[2]}
	got = documentText(TextDocument(text, v, nil, "", i18n.New(i18n.English)))
	if !strings.Contains(got, "Version 3 — agreed.") || strings.Contains(got, "Dropped") || strings.Contains(got, "— agreed\n") {
		t.Errorf("the clean text:\n%s", got)
	}
}

// withoutData is a document's text without the pack's records' own words
// (titles, reasons, names: data, which is not translated), leaving the
// document's own words. The early warning's reasons are the root
// package's English sentences and are removed too.
func withoutData(text string, p *Pack) string {
	var data []string
	data = append(data, p.Track.Title, p.Track.Mandate)
	for _, pt := range p.Parties {
		data = append(data, pt.Name)
	}
	for _, v := range p.Venues {
		data = append(data, v.Name, v.City)
	}
	for _, tr := range p.Transitions {
		data = append(data, tr.Reason)
	}
	for _, e := range p.Events {
		data = append(data, e.Title, e.Source)
	}
	for _, m := range p.Meetings {
		data = append(data, m.Title)
	}
	for _, pr := range p.Proposals {
		data = append(data, pr.Rationale)
	}
	for _, th := range p.Track.Themes {
		data = append(data, th.Name)
		for _, o := range th.Options {
			data = append(data, o.Label)
		}
	}
	for _, a := range p.Agreements {
		data = append(data, a.Agreement.Title)
		for _, c := range a.Commitments {
			data = append(data, c.Obligation)
		}
		if a.Warning != nil {
			data = append(data, a.Warning.Reasons...)
		}
	}
	slices.SortFunc(data, func(a, b string) int { return len(b) - len(a) })
	for _, d := range data {
		if d != "" {
			text = strings.ReplaceAll(text, d, "")
		}
	}
	return text
}
