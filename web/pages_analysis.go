package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
)

// The analysis page (mediators only): the zone of agreement, the frontier
// plot, the bargaining points and the frontier in words, the blockers, and
// the what-if form — drop a red line, move a reservation value — whose
// answer is computed afresh and never saved. With JavaScript, desk.js posts
// the form to /tracks/{id}/analysis/plot on every change and swaps the
// results in place; without it, the form posts to the page itself.

type analysisPage struct {
	pageBase
	Track    *parley.Track
	Parties  []whatIfParty
	Results  *analysisResults
	Problem  string // why there is no analysis, if there is none
	Modified bool   // whether the what-if changes anything
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
	Key     string // <party>_<index>
	Text    string
	Dropped bool
}

// analysisResults is the part of the page the live what-if replaces.
type analysisResults struct {
	TrackID  int64
	Report   *negotiation.Report
	Plot     *plotView
	Zone     zoneView
	Points   []pointView
	Frontier []frontierRow
	More     int // frontier points not listed
	Blockers []negotiation.Blocker
	Parties  []string
	Modified bool
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

func newResults(trackID int64, a *analysis, modified bool) *analysisResults {
	rep := a.Report
	res := &analysisResults{TrackID: trackID, Report: rep, Plot: newPlotView(a), Blockers: rep.Blockers, Parties: rep.Parties, Modified: modified}
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
		m := bargainMarks(rep)[i]
		pv := pointView{Name: m.Name, Short: m.Short, Class: m.Class}
		if pt != nil {
			pv.Utility = pt.Utility
			for _, o := range pt.Outcomes {
				pv.Packages = append(pv.Packages, words(a.Scenario, o))
			}
		}
		res.Points = append(res.Points, pv)
	}
	for i, f := range rep.Frontier {
		if i == maxFrontierRows {
			res.More = len(rep.Frontier) - i
			break
		}
		res.Frontier = append(res.Frontier, frontierRow{Package: words(a.Scenario, f.Outcome), Utility: f.Utility})
	}
	return res
}

// whatIfForm documents the what-if form: drop=<party>_<index> (repeated)
// drops a red line; res_<party> sets a party's reservation value.
type whatIfForm struct {
	CSRFToken string `json:"csrf_token"`
	Drop      string `json:"drop,omitempty"`
}

// readWhatIf reads the what-if form.
func readWhatIf(r *http.Request) (*whatIf, error) {
	if err := parseForm(r); err != nil {
		return nil, err
	}
	w := &whatIf{}
	for _, d := range r.PostForm["drop"] {
		a, b, ok := strings.Cut(d, "_")
		pid, err1 := strconv.ParseInt(a, 10, 64)
		idx, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			return nil, parley.Errorf(parley.EINVALID, "drop", "drop names a red line as <party>_<index>")
		}
		w.DropRedLines = append(w.DropRedLines, redLineRef{PartyID: pid, Index: idx})
	}
	for k, vs := range r.PostForm {
		ps, ok := strings.CutPrefix(k, "res_")
		if !ok || len(vs) == 0 {
			continue
		}
		pid, err := strconv.ParseInt(ps, 10, 64)
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, k, "unknown field %q", k)
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64)
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, k, "a reservation value must be a number between 0 and 1")
		}
		w.Reservations = append(w.Reservations, reservationChange{PartyID: pid, Reservation: x})
	}
	return w, nil
}

// modified reports whether the what-if changes the stored profiles.
func (w *whatIf) modified(parties []trackParty) bool {
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

func (s *Server) pageAnalysis(w http.ResponseWriter, r *http.Request) error {
	return s.renderAnalysis(w, r, nil, "analysis")
}

func (s *Server) pageWhatIf(w http.ResponseWriter, r *http.Request) error {
	if err := mediatorInPath(r); err != nil {
		return err
	}
	wi, err := readWhatIf(r)
	if err != nil {
		return err
	}
	return s.renderAnalysis(w, r, wi, "analysis")
}

func (s *Server) pageWhatIfPlot(w http.ResponseWriter, r *http.Request) error {
	if err := mediatorInPath(r); err != nil {
		return err
	}
	wi, err := readWhatIf(r)
	if err != nil {
		return err
	}
	return s.renderAnalysis(w, r, wi, "analysis#results")
}

// mediatorInPath answers 404 unless the caller mediates the track in the
// path, before a form is read.
func mediatorInPath(r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return requireMediator(r, id)
}

func (s *Server) renderAnalysis(w http.ResponseWriter, r *http.Request, wi *whatIf, tmpl string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := requireMediator(r, id); err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	data := &analysisPage{pageBase: newBase(r, "Analysis — "+t.Title), Track: t}
	a, err := s.analyze(ctx, id, wi)
	switch {
	case err == nil:
	case parley.ErrorCode(err) == parley.ECONFLICT:
		data.Problem = parley.ErrorMessage(err)
		if tmpl != "analysis" {
			data.Status = http.StatusConflict
		}
		return s.render(w, tmpl, data)
	default:
		return err
	}
	data.Modified = wi.modified(a.Parties)
	data.Results = newResults(id, a, data.Modified)
	for k, p := range a.Parties {
		wp := whatIfParty{ID: p.ID, Name: p.Name, Reservation: a.Scenario.Profiles[k].Reservation, Stored: p.Profile.Content.Reservation}
		dropped := map[int]bool{}
		if wi != nil {
			for _, d := range wi.DropRedLines {
				if d.PartyID == p.ID {
					dropped[d.Index] = true
				}
			}
		}
		for i, rl := range p.Profile.Content.RedLines {
			wp.RedLines = append(wp.RedLines, whatIfRedLine{Key: fmt.Sprintf("%d_%d", p.ID, i), Text: describeRedLine(rl), Dropped: dropped[i]})
		}
		data.Parties = append(data.Parties, wp)
	}
	return s.render(w, tmpl, data)
}
