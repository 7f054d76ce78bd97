package action

import (
	"context"
	"slices"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/negotiation"
)

// The analysis of a track combines the sealed profiles of its parties, so
// it is for the track's mediators only: everyone else gets 404, as for a
// track that does not exist. TrackScenario is the one place that turns a
// track and its profiles into a negotiation.Scenario; the analysis, the
// improvements, the export and the analysis page all use it.

// TrackParty is one party of a track's scenario: the profile it was built
// from, in the scenario's order.
type TrackParty struct {
	ID      int64
	Name    string
	Profile *parley.Profile
}

// TrackScenario returns the scenario of a track: its themes in agenda order
// as issues, and one profile per party whose profile the caller may read
// (the store applies the audience check, and so does this function), named
// by the party's name and ordered by party ID. A profile no analysis can
// use (see ProfileGap) is left out.
func (a *Actions) TrackScenario(ctx context.Context, trackID int64) (*negotiation.Scenario, []TrackParty, error) {
	track, err := a.Store.FindTrackByID(ctx, trackID)
	if err != nil {
		return nil, nil, err
	}
	themes, err := a.Store.FindThemes(ctx, trackID)
	if err != nil {
		return nil, nil, err
	}
	sc := &negotiation.Scenario{Name: track.Title}
	for _, t := range SortedThemes(themes) {
		is := negotiation.IssueSpec{Name: t.Name}
		for _, o := range t.Options {
			is.Options = append(is.Options, o.Label)
		}
		sc.Issues = append(sc.Issues, is)
	}
	ps, ok := a.Store.(parley.ProfileService)
	if !ok {
		return sc, nil, nil
	}
	profiles, err := ps.FindProfiles(ctx, trackID)
	if err != nil {
		return nil, nil, err
	}
	var parties []TrackParty
	for _, p := range profiles {
		if g := gapOf(&p.Content, themes); g != nil && g.LeftOut() {
			continue // ProfileGaps says why
		}
		party, err := a.Store.FindPartyByID(ctx, p.PartyID)
		if err != nil {
			return nil, nil, err
		}
		parties = append(parties, TrackParty{ID: p.PartyID, Name: party.Name, Profile: p})
		sc.Profiles = append(sc.Profiles, profileSpec(party.Name, &p.Content))
	}
	return sc, parties, nil
}

// ProfileGap is a principal of a track whose profile is incomplete, and
// how: none saved or every weight 0 (every package would be worth the
// same), which the analysis leaves out; or themes of the agenda it gives
// no weight (added after it was saved), which the analysis counts as 0.
type ProfileGap struct {
	PartyID   int64
	Party     string
	Missing   bool
	AllZero   bool
	Unweighed []string // the themes without a weight, in agenda order
}

// LeftOut reports whether the analysis leaves the profile out.
func (g *ProfileGap) LeftOut() bool { return g.Missing || g.AllZero }

// gapOf returns how the content is incomplete, or nil.
func gapOf(c *parley.ProfileContent, themes []*parley.Theme) *ProfileGap {
	g := &ProfileGap{AllZero: true}
	for _, t := range SortedThemes(themes) {
		w, ok := c.Weights[t.Name]
		if !ok {
			g.Unweighed = append(g.Unweighed, t.Name)
		}
		if w > 0 {
			g.AllZero = false
		}
	}
	if len(themes) == 0 || (!g.AllZero && len(g.Unweighed) == 0) {
		return nil
	}
	return g
}

// ProfileGaps lists, for a mediator of the track, its principals whose
// profiles are incomplete, in the track's order of parties; ENOTFOUND for
// anyone else. The analysis runs for the profiles it does not leave out.
func (a *Actions) ProfileGaps(ctx context.Context, trackID int64) ([]ProfileGap, error) {
	if err := requireMediator(ctx, trackID); err != nil {
		return nil, err
	}
	ps, err := a.profiles()
	if err != nil {
		return nil, err
	}
	track, err := a.Store.FindTrackByID(ctx, trackID)
	if err != nil {
		return nil, err
	}
	themes, err := a.Store.FindThemes(ctx, trackID)
	if err != nil {
		return nil, err
	}
	var gaps []ProfileGap
	for _, tp := range track.Parties {
		if tp.Role != parley.RolePrincipal {
			continue
		}
		g := &ProfileGap{Missing: true}
		p, err := ps.FindProfile(ctx, trackID, tp.PartyID)
		switch {
		case err == nil:
			g = gapOf(&p.Content, themes)
		case parley.ErrorCode(err) != parley.ENOTFOUND:
			return nil, err
		}
		if g == nil {
			continue
		}
		party, err := a.Store.FindPartyByID(ctx, tp.PartyID)
		if err != nil {
			return nil, err
		}
		g.PartyID, g.Party = tp.PartyID, party.Name
		gaps = append(gaps, *g)
	}
	return gaps, nil
}

// SortedThemes returns the themes in agenda order (position, then ID).
func SortedThemes(themes []*parley.Theme) []*parley.Theme {
	out := slices.Clone(themes)
	slices.SortStableFunc(out, func(a, b *parley.Theme) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return int(a.ID - b.ID)
	})
	return out
}

// profileSpec is the analysis's view of a sealed profile.
func profileSpec(name string, c *parley.ProfileContent) negotiation.ProfileSpec {
	ps := negotiation.ProfileSpec{Name: name, Weights: c.Weights, Values: c.Values, Reservation: c.Reservation}
	for _, r := range c.RedLines {
		ps.RedLines = append(ps.RedLines, negotiation.RedLine{Kind: r.Kind, Issue: r.Issue, Option: r.Option, Then: r.Then, In: r.In, Min: r.Min})
	}
	return ps
}

// WhatIf is a what-if of the analysis: temporary changes to the profiles, applied to this analysis only. Nothing is saved.
type WhatIf struct {
	// DropRedLines names red lines to leave out, by party and by their
	// index in the party's profile (red_lines[index]).
	DropRedLines []RedLineRef `json:"drop_red_lines,omitempty"`
	// Reservations replaces parties' reservation values.
	Reservations []ReservationChange `json:"reservations,omitempty"`
}

// RedLineRef names a red line of a party's profile by its index.
type RedLineRef struct {
	PartyID int64 `json:"party_id"`
	Index   int   `json:"index"`
}

// ReservationChange replaces a party's reservation value.
type ReservationChange struct {
	PartyID     int64   `json:"party_id"`
	Reservation float64 `json:"reservation"`
}

// apply changes sc's profiles (parallel to parties) as w says. Its errors
// name the party and the index but never a sealed value.
func (w *WhatIf) apply(sc *negotiation.Scenario, parties []TrackParty) error {
	at := func(id int64) int {
		return slices.IndexFunc(parties, func(p TrackParty) bool { return p.ID == id })
	}
	drop := make([]map[int]bool, len(parties))
	for _, d := range w.DropRedLines {
		k := at(d.PartyID)
		if k < 0 {
			return parley.Errorf(parley.EINVALID, "drop_red_lines.party_id", "party %d has no profile in this analysis", d.PartyID)
		}
		if d.Index < 0 || d.Index >= len(sc.Profiles[k].RedLines) {
			return parley.Errorf(parley.EINVALID, "drop_red_lines.index", "party %d has no red line %d", d.PartyID, d.Index)
		}
		if drop[k] == nil {
			drop[k] = map[int]bool{}
		}
		drop[k][d.Index] = true
	}
	for k := range sc.Profiles {
		if drop[k] == nil {
			continue
		}
		var kept []negotiation.RedLine
		for i, rl := range sc.Profiles[k].RedLines {
			if !drop[k][i] {
				kept = append(kept, rl)
			}
		}
		sc.Profiles[k].RedLines = kept
	}
	for _, rc := range w.Reservations {
		k := at(rc.PartyID)
		if k < 0 {
			return parley.Errorf(parley.EINVALID, "reservations.party_id", "party %d has no profile in this analysis", rc.PartyID)
		}
		if !(rc.Reservation >= 0 && rc.Reservation <= 1) {
			return parley.Errorf(parley.EINVALID, "reservations.reservation", "a reservation must lie in [0, 1]")
		}
		sc.Profiles[k].Reservation = rc.Reservation
	}
	return nil
}

// Analysis is one analysis of a track, with what it was computed from.
type Analysis struct {
	Scenario *negotiation.Scenario
	Parties  []TrackParty
	Problem  *negotiation.Problem
	Report   *negotiation.Report
}

// Analyze runs the analysis of a track for a mediator, with w's changes
// (nil for none); ENOTFOUND for anyone else. It runs under ctx (a request's:
// it stops within milliseconds once the client has gone) and the actions'
// AnalysisBudget, past which the report holds bounds and labelled
// estimates ("complete": false).
func (a *Actions) Analyze(ctx context.Context, trackID int64, w *WhatIf) (*Analysis, error) {
	sc, parties, p, err := a.trackProblem(ctx, trackID, w)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	rep, err := p.AnalyzeContext(ctx, negotiation.AnalyzeOptions{Budget: a.analysisBudget()})
	a.observeAnalysis(metrics.AnalysisReport, start, err == nil && rep.Complete, err)
	if err != nil {
		return nil, err
	}
	return &Analysis{Scenario: sc, Parties: parties, Problem: p, Report: rep}, nil
}

// trackProblem compiles a track's scenario, with w's changes (nil for
// none), for a mediator: ENOTFOUND for anyone else, ECONFLICT when there is
// nothing to analyse.
func (a *Actions) trackProblem(ctx context.Context, trackID int64, w *WhatIf) (*negotiation.Scenario, []TrackParty, *negotiation.Problem, error) {
	if err := requireMediator(ctx, trackID); err != nil {
		return nil, nil, nil, err
	}
	sc, parties, err := a.TrackScenario(ctx, trackID)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(sc.Issues) == 0 {
		return nil, nil, nil, parley.Errorf(parley.ECONFLICT, "", "track %d has no themes to analyse", trackID)
	}
	if len(parties) < 2 {
		return nil, nil, nil, parley.Errorf(parley.ECONFLICT, "", "the analysis needs the profiles of at least two parties; track %d has %d", trackID, len(parties))
	}
	if w != nil {
		if err := w.apply(sc, parties); err != nil {
			return nil, nil, nil, err
		}
	}
	p, err := sc.Compile()
	if err != nil {
		// Compile's messages name fields, never sealed values.
		return nil, nil, nil, parley.Errorf(parley.ECONFLICT, "", "the profiles do not fit the track's themes: %v", err)
	}
	return sc, parties, p, nil
}

// requireMediator answers 404 unless the caller mediates the track: the
// analysis, which combines every party's sealed profile, and the export
// are theirs alone.
func requireMediator(ctx context.Context, trackID int64) error {
	if !parley.CallerFromContext(ctx).IsMediator(trackID) {
		return parley.Errorf(parley.ENOTFOUND, "", "analysis of track %d not found", trackID)
	}
	return nil
}

// Modified reports whether the what-if changes the stored profiles.
func (w *WhatIf) Modified(parties []TrackParty) bool {
	if w == nil {
		return false
	}
	if len(w.DropRedLines) > 0 {
		return true
	}
	for _, rc := range w.Reservations {
		for _, p := range parties {
			if p.ID == rc.PartyID && p.Profile.Content.Reservation != rc.Reservation {
				return true
			}
		}
	}
	return false
}
