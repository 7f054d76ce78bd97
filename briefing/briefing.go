// Package briefing makes the documents a principal reads: a track's
// briefing pack and the negotiating text, as [documents.Document]s in the
// reader's language, for package documents to write as PDF, DOCX or
// Markdown.
//
// [Gather] reads a track through the store as the context's caller, so a
// pack holds exactly what that caller may read: a delegate's pack has its
// party's and the plenary's records and never another party's, and a
// ballot shows only its outcome. [Build] lays the pack out; it reads
// nothing. The analysis section (the zone of agreement and the frontier
// plot) is the mediators' alone: the caller sets [Pack.Analysis] only for
// a mediator.
package briefing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/documents"
	"github.com/parley-talks/parley/i18n"
)

// How much of a track's history a pack holds.
const (
	MaxMeetings = 10 // the latest meetings
	MaxEvents   = 10 // the latest outside events
)

// Reader is what Gather reads: the store's services, each filtering by
// the context's caller.
type Reader interface {
	FindTrackByID(ctx context.Context, id int64) (*parley.Track, error)
	FindTransitions(ctx context.Context, trackID int64) ([]*parley.Transition, error)
	FindPartyByID(ctx context.Context, id int64) (*parley.Party, error)
	FindVenueByID(ctx context.Context, id int64) (*parley.Venue, error)
	FindMeetings(ctx context.Context, filter parley.MeetingFilter) ([]*parley.Meeting, int, error)
	FindEvents(ctx context.Context, filter parley.EventFilter) ([]*parley.Event, int, error)
	FindProposals(ctx context.Context, trackID int64) ([]*parley.Proposal, error)
	FindBallots(ctx context.Context, trackID int64) ([]*parley.Ballot, error)
	FindTexts(ctx context.Context, trackID int64) ([]*parley.NegotiatingText, error)
	FindVersions(ctx context.Context, textID int64) ([]*parley.TextVersion, error)
	FindAgreements(ctx context.Context, trackID int64) ([]*parley.Agreement, error)
	FindCommitments(ctx context.Context, agreementID int64) ([]*parley.Commitment, error)
	FindReports(ctx context.Context, agreementID int64) ([]*parley.Report, error)
}

// Pack is what a briefing pack shows of one track.
type Pack struct {
	Track       *parley.Track
	Parties     map[int64]*parley.Party
	Venues      map[int64]*parley.Venue
	Transitions []*parley.Transition // oldest first
	Events      map[int64]*parley.Event
	Meetings    []*parley.Meeting // the latest MaxMeetings, oldest first
	Latest      []*parley.Event   // the latest MaxEvents outside events, oldest first
	Proposals   []*parley.Proposal
	Ballots     []*parley.Ballot
	Texts       []Text
	Agreements  []Agreement
	Analysis    *Analysis // the mediators' only; nil for anyone else
	Marking     string    // who the pack was made for, printed on every page
	Now         time.Time
}

// Text is a negotiating text at its latest version.
type Text struct {
	Text    *parley.NegotiatingText
	Version *parley.TextVersion // nil for a text without versions
}

// Agreement is an agreement with its commitments and early warning.
type Agreement struct {
	Agreement   *parley.Agreement
	Commitments []*parley.Commitment
	Warning     *parley.Warning // nil when none
}

// Analysis is the mediators' summary of the analysis: lines of text and
// plots of the frontier (one per pair of parties).
type Analysis struct {
	Summary []string
	Plots   []documents.Plot
}

// Gather reads what the context's caller may see of track id. A record
// the caller may not read is not in the pack; the track itself not found
// is ENOTFOUND.
func Gather(ctx context.Context, r Reader, id int64, now time.Time) (*Pack, error) {
	t, err := r.FindTrackByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &Pack{Track: t, Parties: map[int64]*parley.Party{}, Venues: map[int64]*parley.Venue{}, Events: map[int64]*parley.Event{}, Now: now}
	if p.Transitions, err = r.FindTransitions(ctx, id); err != nil {
		return nil, err
	}
	party := func(pid int64) error {
		if _, ok := p.Parties[pid]; ok {
			return nil
		}
		pt, err := r.FindPartyByID(ctx, pid)
		if err != nil {
			return err
		}
		p.Parties[pid] = pt
		return nil
	}
	for _, tp := range t.Parties {
		if err := party(tp.PartyID); err != nil {
			return nil, err
		}
	}
	_, total, err := r.FindMeetings(ctx, parley.MeetingFilter{TrackID: id, Page: parley.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if p.Meetings, _, err = r.FindMeetings(ctx, parley.MeetingFilter{TrackID: id, Page: parley.Page{Offset: max(total-MaxMeetings, 0), Limit: MaxMeetings}}); err != nil {
		return nil, err
	}
	for _, m := range p.Meetings {
		if m.VenueID != nil {
			if _, ok := p.Venues[*m.VenueID]; !ok {
				v, err := r.FindVenueByID(ctx, *m.VenueID)
				if err != nil {
					return nil, err
				}
				p.Venues[v.ID] = v
			}
		}
	}
	events, _, err := r.FindEvents(ctx, parley.EventFilter{TrackID: id, Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		p.Events[e.ID] = e
	}
	p.Latest = events[max(len(events)-MaxEvents, 0):]
	proposals, err := r.FindProposals(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, pr := range proposals {
		if pr.Status == parley.ProposalOpen {
			p.Proposals = append(p.Proposals, pr)
		}
	}
	if p.Ballots, err = r.FindBallots(ctx, id); err != nil {
		return nil, err
	}
	texts, err := r.FindTexts(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, tx := range texts {
		vs, err := r.FindVersions(ctx, tx.ID)
		if err != nil {
			return nil, err
		}
		var latest *parley.TextVersion
		for _, v := range vs {
			if latest == nil || v.Number > latest.Number {
				latest = v
			}
		}
		p.Texts = append(p.Texts, Text{Text: tx, Version: latest})
		if latest != nil {
			for _, c := range latest.Clauses {
				for _, a := range c.Alternatives {
					for _, s := range a.Sponsors {
						if err := party(s); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	}
	agreements, err := r.FindAgreements(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, a := range agreements {
		cs, err := r.FindCommitments(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		rs, err := r.FindReports(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			for _, pid := range []int64{c.Obligor, c.Verifier} {
				if err := party(pid); err != nil {
					return nil, err
				}
			}
		}
		p.Agreements = append(p.Agreements, Agreement{Agreement: a, Commitments: cs, Warning: parley.EarlyWarning(a, cs, rs, now)})
	}
	return p, nil
}

// Build lays a pack out in the printer's language.
func Build(p *Pack, pr *i18n.Printer) *documents.Document {
	t := p.Track
	d := &documents.Document{
		Title:    pr.T("Briefing: {track}", "track", t.Title),
		Subtitle: pr.T("{status} · prepared {date}", "status", statusName(pr, t.Status), "date", pr.Date(p.Now)),
		Lang:     string(pr.Lang()),
		Author:   "Parley",
		Created:  p.Now,
		Marking:  p.Marking,
	}
	add := func(b ...documents.Block) { d.Blocks = append(d.Blocks, b...) }

	add(documents.Heading{Level: 1, Text: pr.T("Status and history")})
	add(documents.Paragraph{Runs: []documents.Run{documents.Plain(pr.T("Current status:") + " "), {Text: statusName(pr, t.Status), Bold: true}}})
	if t.Mandate != "" {
		add(documents.Paragraph{Runs: []documents.Run{{Text: pr.T("Mandate:") + " ", Bold: true}, documents.Plain(t.Mandate)}})
	}
	if len(p.Transitions) > 0 {
		tab := documents.Table{Header: []string{pr.T("Date"), pr.T("Status"), pr.T("Reason"), pr.T("Event")}, Widths: []float64{1.2, 1.3, 3, 2}}
		for _, tr := range p.Transitions {
			event := ""
			if tr.EventID != nil && p.Events[*tr.EventID] != nil {
				event = p.Events[*tr.EventID].Title
			}
			step := statusName(pr, tr.To)
			if tr.From != "" {
				step = statusName(pr, tr.From) + " → " + step
			}
			tab.Rows = append(tab.Rows, []string{pr.Date(tr.At), step, tr.Reason, event})
		}
		add(tab)
	}
	if len(t.Parties) > 0 {
		add(documents.Heading{Level: 2, Text: pr.T("Parties")})
		var items [][]documents.Run
		for _, tp := range t.Parties {
			items = append(items, []documents.Run{{Text: p.partyName(tp.PartyID), Bold: true}, documents.Plain(" — " + roleName(pr, tp.Role))})
		}
		add(documents.List{Items: items})
	}

	add(documents.Heading{Level: 1, Text: pr.T("Meetings and events")})
	if len(p.Meetings) == 0 {
		add(documents.Paragraph{Note: true, Runs: []documents.Run{documents.Plain(pr.T("No meetings yet."))}})
	} else {
		tab := documents.Table{Header: []string{pr.T("When"), pr.T("Meeting"), pr.T("Format"), pr.T("Venue")}, Widths: []float64{1.6, 2.6, 1, 1.8}}
		for _, m := range p.Meetings {
			venue := ""
			if m.VenueID != nil && p.Venues[*m.VenueID] != nil {
				v := p.Venues[*m.VenueID]
				venue = v.Name + ", " + v.City
			}
			tab.Rows = append(tab.Rows, []string{pr.DateTime(m.StartsAt), m.Title, formatName(pr, m.Format), venue})
		}
		add(documents.Heading{Level: 2, Text: pr.T("Latest meetings ({n})", "n", len(p.Meetings))}, tab)
	}
	if len(p.Latest) > 0 {
		tab := documents.Table{Header: []string{pr.T("Date"), pr.T("Event"), pr.T("Source")}, Widths: []float64{1.2, 4, 1.8}}
		for _, e := range p.Latest {
			tab.Rows = append(tab.Rows, []string{pr.Date(e.OccurredAt), e.Title, e.Source})
		}
		add(documents.Heading{Level: 2, Text: pr.T("Latest outside events ({n})", "n", len(p.Latest))}, tab)
	}

	add(documents.Heading{Level: 1, Text: pr.T("Proposals and ballots")})
	if len(p.Proposals) == 0 && len(p.Ballots) == 0 {
		add(documents.Paragraph{Note: true, Runs: []documents.Run{documents.Plain(pr.T("No open proposals or ballots."))}})
	}
	for _, prop := range p.Proposals {
		author := pr.T("the mediators")
		if prop.AuthorPartyID != nil {
			author = p.partyName(*prop.AuthorPartyID)
		}
		add(documents.Heading{Level: 3, Text: pr.T("Proposal by {author}, {date}", "author", author, "date", pr.Date(prop.CreatedAt))})
		add(packageList(pr, t, prop.Package))
		if prop.Rationale != "" {
			add(documents.Paragraph{Runs: []documents.Run{{Text: pr.T("Rationale:") + " ", Bold: true}, documents.Plain(prop.Rationale)}})
		}
	}
	if len(p.Ballots) > 0 {
		add(documents.Heading{Level: 2, Text: pr.T("Single proposals put to the parties")})
		tab := documents.Table{Header: []string{pr.T("Deadline"), pr.T("Package"), pr.T("Outcome")}, Widths: []float64{1.3, 4, 1.5}}
		for _, b := range p.Ballots {
			tab.Rows = append(tab.Rows, []string{pr.DateTime(b.Deadline), packageText(pr, t, b.Package), outcomeName(pr, b.Outcome)})
		}
		add(tab)
	}

	for _, tx := range p.Texts {
		add(documents.Heading{Level: 1, Text: pr.T("Text: {title}", "title", tx.Text.Title)})
		add(textBlocks(pr, tx.Text, tx.Version, p.partyName)...)
	}

	if len(p.Agreements) > 0 {
		add(documents.Heading{Level: 1, Text: pr.T("Implementation")})
	}
	for _, a := range p.Agreements {
		ag := a.Agreement
		add(documents.Heading{Level: 2, Text: ag.Title})
		line := pr.T("Status: {status}; in force from {from}", "status", agreementStatusName(pr, ag.Status), "from", isoDate(pr, ag.Effective))
		if ag.Expires != "" {
			line += "; " + pr.T("expires {date}", "date", isoDate(pr, ag.Expires))
		}
		add(documents.Text(line))
		if w := a.Warning; w != nil && w.Active {
			runs := []documents.Run{{Text: pr.T("Early warning:") + " ", Bold: true}, documents.Plain(strings.Join(WarningReasons(pr, w), "; "))}
			add(documents.Paragraph{Runs: runs})
		}
		if len(a.Commitments) > 0 {
			tab := documents.Table{Header: []string{pr.T("Obligor"), pr.T("Obligation"), pr.T("Due"), pr.T("Verifier")}, Widths: []float64{1.3, 3.5, 1.2, 1.3}}
			for _, c := range a.Commitments {
				due := isoDate(pr, c.Due)
				if c.Recurrence != parley.RecurNone {
					due = recurrenceName(pr, c.Recurrence)
				}
				tab.Rows = append(tab.Rows, []string{p.partyName(c.Obligor), c.Obligation, due, p.partyName(c.Verifier)})
			}
			add(tab)
		}
	}

	if a := p.Analysis; a != nil {
		add(documents.Heading{Level: 1, Text: pr.T("Analysis (mediators only)")})
		for _, s := range a.Summary {
			add(documents.Text(s))
		}
		for _, pl := range a.Plots {
			add(pl)
		}
	}
	return d
}

// TextDocument is a negotiating text's version as a document of its own:
// the clauses in order, each bracket's alternatives with their sponsors,
// and each clause's status — or, once the whole text is agreed, the clean
// text without statuses or dropped clauses.
func TextDocument(t *parley.NegotiatingText, v *parley.TextVersion, partyName func(int64) string, marking string, pr *i18n.Printer) *documents.Document {
	d := &documents.Document{Title: t.Title, Lang: string(pr.Lang()), Author: "Parley", Marking: marking}
	d.Blocks = textBlocks(pr, t, v, partyName)
	return d
}

// textBlocks are a version's summary line and its clauses.
func textBlocks(pr *i18n.Printer, t *parley.NegotiatingText, v *parley.TextVersion, partyName func(int64) string) []documents.Block {
	if v == nil {
		return []documents.Block{documents.Paragraph{Note: true, Runs: []documents.Run{documents.Plain(pr.T("No version yet."))}}}
	}
	c := v.Counts
	clean := c.AllAgree
	var summary string
	if clean {
		summary = pr.T("Version {n} — agreed.", "n", v.Number)
	} else {
		summary = pr.T("Version {n}", "n", v.Number) + " — " +
			pr.N(c.Clauses, "{n} clause", "{n} clauses") + ", " + pr.N(c.Agreed, "{n} agreed", "{n} agreed") + ", " +
			pr.N(c.Brackets, "{n} bracket", "{n} brackets") + ". " + pr.T("Nothing is agreed until everything is agreed.")
	}
	list := documents.List{Ordered: true}
	for _, cl := range v.Clauses {
		if clean && cl.Status == parley.ClauseDropped {
			continue
		}
		var runs []documents.Run
		switch {
		case len(cl.Versions) > 0:
			// The clause in each of its languages, one to a line, the
			// authentic one said.
			for i, v := range cl.InLanguages() {
				label := i18n.LanguageName(v.Lang)
				if v.Lang == cl.Authentic {
					label = pr.T("{language} (authentic)", "language", label)
				}
				if i > 0 {
					runs = append(runs, documents.Plain("\n"))
				}
				runs = append(runs, documents.Run{Text: label + ": ", Bold: true}, documents.Plain(v.Text))
			}
		case len(cl.Alternatives) == 0:
			runs = append(runs, documents.Plain(cl.Text))
		}
		for i, a := range cl.Alternatives {
			if i > 0 {
				runs = append(runs, documents.Plain(" "))
			}
			runs = append(runs, documents.Plain("["+a.Text+"]"))
			var notes []string
			if len(a.Sponsors) > 0 {
				names := make([]string, len(a.Sponsors))
				for k, s := range a.Sponsors {
					names[k] = partyName(s)
				}
				notes = append(notes, pr.T("sponsors: {names}", "names", strings.Join(names, ", ")))
			}
			if a.Theme != "" {
				notes = append(notes, a.Theme+": "+a.Option)
			}
			if len(notes) > 0 {
				runs = append(runs, documents.Run{Text: " (" + strings.Join(notes, "; ") + ")", Italic: true})
			}
		}
		if !clean {
			runs = append(runs, documents.Run{Text: " — " + clauseStatusName(pr, cl.Status), Italic: true})
		}
		list.Items = append(list.Items, runs)
	}
	return []documents.Block{documents.Text(summary), list}
}

func (p *Pack) partyName(id int64) string {
	if pt, ok := p.Parties[id]; ok {
		return pt.Name
	}
	return fmt.Sprintf("#%d", id)
}

// packageList lists a package's choices as "theme: option", in the order
// of the track's agenda.
func packageList(pr *i18n.Printer, t *parley.Track, pkg []parley.Choice) documents.List {
	var items [][]documents.Run
	for _, c := range sortedChoices(t, pkg) {
		items = append(items, []documents.Run{{Text: c.Theme + ": ", Bold: true}, documents.Plain(c.Option)})
	}
	return documents.List{Items: items}
}

func packageText(pr *i18n.Printer, t *parley.Track, pkg []parley.Choice) string {
	var parts []string
	for _, c := range sortedChoices(t, pkg) {
		parts = append(parts, c.Theme+": "+c.Option)
	}
	return strings.Join(parts, "; ")
}

func sortedChoices(t *parley.Track, pkg []parley.Choice) []parley.Choice {
	pos := map[string]int{}
	for _, th := range t.Themes {
		pos[th.Name] = th.Position
	}
	out := slices.Clone(pkg)
	slices.SortStableFunc(out, func(a, b parley.Choice) int { return pos[a.Theme] - pos[b.Theme] })
	return out
}

// isoDate writes a YYYY-MM-DD date in words; a value that is not one is
// written as it is.
func isoDate(pr *i18n.Printer, s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return pr.Date(d)
}
