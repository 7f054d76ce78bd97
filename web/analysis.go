package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
)

// The analysis of a track combines the sealed profiles of its parties, so
// it is for the track's mediators only: everyone else gets 404, as for a
// track that does not exist. trackScenario is the one place that turns a
// track and its profiles into a negotiation.Scenario; the API, the export
// and the analysis page all use it.

// trackParty is one party of a track's scenario: the profile it was built
// from, in the scenario's order.
type trackParty struct {
	ID      int64
	Name    string
	Profile *parley.Profile
}

// trackScenario returns the scenario of a track: its themes in agenda order
// as issues, and one profile per party whose profile the caller may read
// (the store applies the audience check, and so does this function), named
// by the party's name and ordered by party ID.
func (s *Server) trackScenario(ctx context.Context, trackID int64) (*negotiation.Scenario, []trackParty, error) {
	track, err := s.store.FindTrackByID(ctx, trackID)
	if err != nil {
		return nil, nil, err
	}
	themes, err := s.store.FindThemes(ctx, trackID)
	if err != nil {
		return nil, nil, err
	}
	sc := &negotiation.Scenario{Name: track.Title}
	for _, t := range sortedThemes(themes) {
		is := negotiation.IssueSpec{Name: t.Name}
		for _, o := range t.Options {
			is.Options = append(is.Options, o.Label)
		}
		sc.Issues = append(sc.Issues, is)
	}
	ps, ok := s.store.(parley.ProfileService)
	if !ok {
		return sc, nil, nil
	}
	profiles, err := ps.FindProfiles(ctx, trackID)
	if err != nil {
		return nil, nil, err
	}
	c := parley.CallerFromContext(ctx)
	var parties []trackParty
	for _, p := range profiles {
		if !c.CanRead(trackID, p.Audience()) {
			continue // the store filters too; never trust one check alone
		}
		party, err := s.store.FindPartyByID(ctx, p.PartyID)
		if err != nil {
			return nil, nil, err
		}
		parties = append(parties, trackParty{ID: p.PartyID, Name: party.Name, Profile: p})
		sc.Profiles = append(sc.Profiles, profileSpec(party.Name, &p.Content))
	}
	return sc, parties, nil
}

// sortedThemes returns the themes in agenda order (position, then ID).
func sortedThemes(themes []*parley.Theme) []*parley.Theme {
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

// whatIf is the body of POST /api/v1/tracks/{id}/analysis: temporary
// changes to the profiles, applied to this analysis only. Nothing is saved.
type whatIf struct {
	// DropRedLines names red lines to leave out, by party and by their
	// index in the party's profile (red_lines[index]).
	DropRedLines []redLineRef `json:"drop_red_lines,omitempty"`
	// Reservations replaces parties' reservation values.
	Reservations []reservationChange `json:"reservations,omitempty"`
}

type redLineRef struct {
	PartyID int64 `json:"party_id"`
	Index   int   `json:"index"`
}

type reservationChange struct {
	PartyID     int64   `json:"party_id"`
	Reservation float64 `json:"reservation"`
}

// apply changes sc's profiles (parallel to parties) as w says. Its errors
// name the party and the index but never a sealed value.
func (w *whatIf) apply(sc *negotiation.Scenario, parties []trackParty) error {
	at := func(id int64) int {
		return slices.IndexFunc(parties, func(p trackParty) bool { return p.ID == id })
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

// analysisOptions are the options of every analysis the server runs: the
// defaults of negotiation.Analyze.
var analysisOptions = negotiation.AnalyzeOptions{}

// analysis is one analysis of a track, with what it was computed from.
type analysis struct {
	Scenario *negotiation.Scenario
	Parties  []trackParty
	Problem  *negotiation.Problem
	Report   *negotiation.Report
}

// analyze runs the analysis of a track for a mediator, with w's changes
// (nil for none).
func (s *Server) analyze(ctx context.Context, trackID int64, w *whatIf) (*analysis, error) {
	sc, parties, err := s.trackScenario(ctx, trackID)
	if err != nil {
		return nil, err
	}
	if len(sc.Issues) == 0 {
		return nil, parley.Errorf(parley.ECONFLICT, "", "track %d has no themes to analyse", trackID)
	}
	if len(parties) < 2 {
		return nil, parley.Errorf(parley.ECONFLICT, "", "the analysis needs the profiles of at least two parties; track %d has %d", trackID, len(parties))
	}
	if w != nil {
		if err := w.apply(sc, parties); err != nil {
			return nil, err
		}
	}
	p, err := sc.Compile()
	if err != nil {
		// Compile's messages name fields, never sealed values.
		return nil, parley.Errorf(parley.ECONFLICT, "", "the profiles do not fit the track's themes: %v", err)
	}
	rep, err := p.Analyze(analysisOptions)
	if err != nil {
		return nil, err
	}
	return &analysis{Scenario: sc, Parties: parties, Problem: p, Report: rep}, nil
}

// requireMediator answers 404 unless the caller mediates the track: the
// analysis, which combines every party's sealed profile, and the export
// are theirs alone.
func requireMediator(r *http.Request, trackID int64) error {
	if !parley.CallerFromContext(r.Context()).IsMediator(trackID) {
		return parley.Errorf(parley.ENOTFOUND, "", "analysis of track %d not found", trackID)
	}
	return nil
}

func (s *Server) getAnalysis(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := requireMediator(r, id); err != nil {
		return err
	}
	a, err := s.analyze(r.Context(), id, nil)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, a.Report)
}

func (s *Server) postAnalysis(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := requireMediator(r, id); err != nil {
		return err
	}
	var in whatIf
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	a, err := s.analyze(r.Context(), id, &in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, a.Report)
}

// The analysis's JSON has members that are null when nothing is accepted
// (the bargaining points, the zone's count when inexact, a blocker's
// points); the OpenAPI document says so.
func init() {
	point := object{"oneOf": []any{ref("NegotiationPoint"), object{"type": "null"}}}
	vector := object{"oneOf": []any{object{"type": "array", "items": object{"type": "number"}}, object{"type": "null"}}}
	for _, f := range []string{"nash", "kalai_smorodinsky", "utilitarian", "maximin"} {
		fieldSchemas["Report."+f] = point
		fieldSchemas["Blocker."+f] = vector
	}
	fieldSchemas["Zone.count"] = object{"oneOf": []any{object{"type": "string"}, object{"type": "null"}}}
}
