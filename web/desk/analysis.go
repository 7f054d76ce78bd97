package desk

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/plot"
	"github.com/parley-talks/parley/web/route"
)

// The analysis page (mediators only): the zone of agreement, the frontier
// plot, the bargaining points and the frontier in words, the blockers, the
// what-if form — drop a red line, move a reservation value — whose answer
// is computed afresh and never saved, and the simulation form (a GET: one
// strategy per party, the rounds, the protocol), whose run is drawn on the
// plot and tabulated beside every party conceding alike. With JavaScript, desk.js posts
// the form to /tracks/{id}/analysis/plot on every change and swaps the
// results in place; without it, the form posts to the page itself.

type analysisPage struct {
	pageBase
	Track    *parley.Track
	Parties  []whatIfParty
	Results  *analysisResults
	Problem  string   // why there is no analysis, if there is none
	Gaps     []string // the profiles the analysis leaves out, and why
	Modified bool     // whether the what-if changes anything
	// The simulation form: one strategy per party, the deadline and the
	// protocol, as asked (or the defaults).
	Strategies []string
	Steps      int
	Protocol   string
	Choices    []string // StrategyChoices
}

// StrategyChoices are the strategies the simulation form offers.
var StrategyChoices = []string{"boulware", "linear", "conceder", "tit-for-tat"}

// strategyWords are the strategies' names in words (StrategyChoices).
var strategyWords = i18n.Words("strategy", "boulware", "linear", "conceder", "tit-for-tat")

// simulationView is the simulation section: the run asked for, drawn on
// the plot, and the same deadline with every party conceding alike, for
// comparison.
type simulationView struct {
	Problem    string // why the simulation was refused, if it was
	Rows       []simulationRow
	Parties    []string
	Steps      int
	SingleText bool       // the mediator proposes: its texts are the trace
	chosen     *sim.Trace // the run asked for, drawn on the plot
}

// simulationRow says where one combination of strategies meets.
type simulationRow struct {
	Strategies []string
	Chosen     bool
	Round      int       // 0 without agreement
	Utility    []float64 // the agreement's
	Package    []string
	ToNash     string // the distance to the Nash point, "" if none
	Offers     int
}

// whatIfParty is one party's controls on the what-if form.
type whatIfParty struct {
	ID          int64
	Name        string
	Reservation float64 // in effect
	Stored      float64 // as stored
	RedLines    []whatIfRedLine
}

type whatIfRedLine struct {
	Key     string // <party>_<index>, the form's value of drop_red_lines
	Text    string
	Dropped bool
}

// analysisResults is the part of the page the live what-if replaces.
type analysisResults struct {
	TrackID  int64
	Report   *negotiation.Report
	Plot     *plot.View
	Zone     zoneView
	Points   []pointView
	Frontier []frontierRow
	More     int // frontier points not listed
	Blockers []negotiation.Blocker
	Parties  []string
	Modified bool
	Sim      *simulationView
}

type zoneView struct {
	Exact    bool
	Count    string
	Lower    string
	Upper    string
	Estimate string
	Samples  int
	Examples [][]string
}

type pointView struct {
	Name, Short, Class string
	Utility            []float64
	Packages           [][]string // each package as "theme: option" lines
}

type frontierRow struct {
	Package []string
	Utility []float64
}

// maxFrontierRows bounds the frontier listed in words on the page.
const maxFrontierRows = 50

// words lists a package as "theme: option", in agenda order.
func words(sc *negotiation.Scenario, p negotiation.Package) []string {
	out := make([]string, 0, len(sc.Issues))
	for _, is := range sc.Issues {
		if o, ok := p[is.Name]; ok {
			out = append(out, is.Name+": "+o)
		}
	}
	return out
}

// bargainingPoints are the names of the bargaining points (plot.Marks).
var bargainingPoints = i18n.Words("bargaining point", "Nash", "Kalai–Smorodinsky", "Utilitarian", "Maximin")

func newResults(p *i18n.Printer, trackID int64, a *action.Analysis, modified bool) *analysisResults {
	rep := a.Report
	res := &analysisResults{TrackID: trackID, Report: rep, Plot: plot.New(a.Problem, rep), Blockers: slices.Clone(rep.Blockers), Parties: rep.Parties, Modified: modified}
	rules := export.Relaxation(p, a.Problem)
	for i, b := range res.Blockers {
		res.Blockers[i].Rule = rules(b.Rule)
	}
	z := rep.AgreementZone
	res.Zone = zoneView{Exact: z.Exact, Lower: z.Lower, Upper: z.Upper}
	if z.Count != nil {
		res.Zone.Count = *z.Count
	}
	if z.Estimate != nil {
		res.Zone.Estimate, res.Zone.Samples = z.Estimate.Value, z.Estimate.Samples
	}
	for _, e := range z.Examples {
		res.Zone.Examples = append(res.Zone.Examples, words(a.Scenario, e))
	}
	for i, pt := range []*negotiation.Point{rep.Nash, rep.KalaiSmorodinsky, rep.Utilitarian, rep.Maximin} {
		m := plot.Marks(rep)[i]
		pv := pointView{Name: p.Word("bargaining point", m.Name), Short: m.Short, Class: m.Class}
		if pt != nil {
			pv.Utility = pt.Utility
			for _, o := range pt.Outcomes {
				pv.Packages = append(pv.Packages, words(a.Scenario, o))
			}
		}
		res.Points = append(res.Points, pv)
	}
	for i := range rep.FrontierLen() {
		if i == maxFrontierRows {
			res.More = rep.FrontierLen() - i
			break
		}
		f := rep.FrontierEntry(i)
		res.Frontier = append(res.Frontier, frontierRow{Package: words(a.Scenario, f.Outcome), Utility: f.Utility})
	}
	return res
}

// The what-if form decodes into action.WhatIf, the API's body:
// drop_red_lines, one checkbox per red line (<party>_<index>), and
// reservations[<k>].party_id and reservations[<k>].reservation, one range
// per party.

func (d *Desk) showAnalysis(w http.ResponseWriter, r *http.Request) error {
	return d.renderAnalysis(w, r, nil, "analysis")
}

// whatIfPage answers the what-if form with the page recomputed
// (template "analysis") or, for the live what-if, its results only
// ("analysis#results").
func (d *Desk) whatIfPage(tmpl string) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		if !accessTo(r.Context(), id).Analyst() {
			// Before a form is read: as for a track that does not exist.
			return parley.Errorf(parley.ENOTFOUND, "", "analysis of track %d not found", id)
		}
		if err := parseForm(r); err != nil {
			return err
		}
		var wi action.WhatIf
		if err := d.forms.Decode(r.PostForm, &wi); err != nil {
			return err
		}
		return d.renderAnalysis(w, r, &wi, tmpl)
	}
}

func (d *Desk) renderAnalysis(w http.ResponseWriter, r *http.Request, wi *action.WhatIf, tmpl string) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := d.actions.Analyze(ctx, id, wi)
	if err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
		return err
	}
	t, terr := d.store.FindTrackByID(ctx, id)
	if terr != nil {
		return terr
	}
	data := &analysisPage{pageBase: newBase(r, i18n.M("Analysis — {track}", "track", t.Title)), Track: t}
	gaps, gerr := d.actions.ProfileGaps(ctx, id)
	if gerr != nil {
		return gerr
	}
	for _, g := range gaps {
		data.Gaps = append(data.Gaps, gapText(data.p, g))
	}
	if err != nil {
		data.Problem = errorText(data.p, err)
		if tmpl != "analysis" {
			data.Status = http.StatusConflict
		}
		return d.render(w, tmpl, data)
	}
	data.Modified = wi.Modified(a.Parties)
	data.Results = newResults(data.p, id, a, data.Modified)
	data.Steps, data.Protocol, data.Choices = action.DefaultSteps, sim.SAOP, StrategyChoices
	for range a.Parties {
		data.Strategies = append(data.Strategies, "boulware")
	}
	if q := r.URL.Query(); q.Has("strategies[0].strategy") {
		var in action.Simulation
		if err := d.forms.Decode(q, &in); err != nil {
			return err
		}
		if in.Steps > 0 {
			data.Steps = in.Steps
		}
		if in.Protocol != "" {
			data.Protocol = in.Protocol
		}
		for k, tp := range a.Parties {
			for _, ps := range in.Strategies {
				if ps.PartyID == tp.ID {
					data.Strategies[k] = ps.Strategy
				}
			}
		}
		sv, err := d.simulate(ctx, data.p, id, a, in, wi)
		if err != nil {
			return err
		}
		if sv.Problem != "" {
			data.Status = http.StatusBadRequest
		}
		if sv.chosen != nil {
			plot.AddTrace(data.Results.Plot, data.Results.Parties, sv.chosen)
		}
		data.Results.Sim = sv
	}
	for k, p := range a.Parties {
		wp := whatIfParty{ID: p.ID, Name: p.Name, Reservation: a.Scenario.Profiles[k].Reservation, Stored: p.Profile.Content.Reservation}
		dropped := map[int]bool{}
		if wi != nil {
			for _, dr := range wi.DropRedLines {
				if dr.PartyID == p.ID {
					dropped[dr.Index] = true
				}
			}
		}
		for i, rl := range p.Profile.Content.RedLines {
			wp.RedLines = append(wp.RedLines, whatIfRedLine{Key: fmt.Sprintf("%d_%d", p.ID, i), Text: export.RedLine(data.p, rl), Dropped: dropped[i]})
		}
		data.Parties = append(data.Parties, wp)
	}
	return d.render(w, tmpl, data)
}

// simulate runs the simulation asked for and, with the same deadline and
// protocol, every party conceding alike under each strategy; the chosen
// run is drawn on the plot. A refused simulation (an unknown strategy, a
// deadline out of range, a party without a strategy) comes back as the
// view's Problem, the rest of the page as usual.
func (d *Desk) simulate(ctx context.Context, p *i18n.Printer, id int64, a *action.Analysis, in action.Simulation, wi *action.WhatIf) (*simulationView, error) {
	sv := &simulationView{Parties: a.Report.Parties, Steps: in.Steps, SingleText: in.Protocol == sim.SingleText}
	if sv.Steps == 0 {
		sv.Steps = action.DefaultSteps
	}
	ins := []action.Simulation{in}
	for _, s := range StrategyChoices {
		alike := action.Simulation{Steps: in.Steps, Protocol: in.Protocol, Seed: in.Seed}
		for _, tp := range a.Parties {
			alike.Strategies = append(alike.Strategies, action.PartyStrategy{PartyID: tp.ID, Strategy: s})
		}
		ins = append(ins, alike)
	}
	runs, err := d.actions.SimulateEach(ctx, id, ins, wi)
	if err != nil {
		if parley.ErrorCode(err) == parley.EINVALID {
			sv.Problem = errorText(p, err)
			return sv, nil
		}
		return nil, err
	}
	sv.chosen = runs[0].Trace
	for i, run := range runs {
		tr := run.Trace
		row := simulationRow{Strategies: run.Config.Strategies, Chosen: i == 0, Offers: len(tr.Offers)}
		if ag := tr.Agreement; ag != nil {
			row.Round, row.Utility, row.Package = ag.Round, ag.Utility, words(a.Scenario, ag.Outcome)
			if tr.DistanceToNash != nil {
				row.ToNash = strconv.FormatFloat(*tr.DistanceToNash, 'f', 3, 64)
			}
		}
		if i > 0 && slices.Equal(row.Strategies, sv.Rows[0].Strategies) {
			continue // the chosen run is already the first row
		}
		sv.Rows = append(sv.Rows, row)
	}
	return sv, nil
}

// gapText says why the analysis leaves a party's profile out.
func gapText(p *i18n.Printer, g action.ProfileGap) string {
	var why string
	switch {
	case g.Missing:
		why = p.T("no profile has been saved yet.")
	case g.AllZero:
		why = p.T("every theme weighs 0, so no package is better than another.")
	default:
		why = p.T("no weight is given to {themes}; the analysis counts it as 0.", "themes", strings.Join(g.Unweighed, ", "))
	}
	return p.T("{party}'s profile is incomplete: {why}", "party", g.Party, "why", why)
}
