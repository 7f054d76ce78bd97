package desk

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/negotiation/linked"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
)

// The joint analysis of linked tracks: for callers who mediate every one
// of them (action.AnalyzeJoint answers 404 to anyone else, as for a track
// that does not exist). It shows the tracks alone and together, the value
// of linkage per party, the joint Nash package, the trades across tracks
// and the red lines that block the joint deal, with a what-if form that
// unlinks a track or moves a cross-track weight.

type jointPage struct {
	pageBase
	Track    *parley.Track
	Tracks   []jointTrackRow
	Links    []linkRow
	Report   *linked.Report
	Plot     *jointPlot // nil unless two parties
	Nash     []jointChoice
	Weights  []jointWeight // the what-if's weight fields
	Problem  string        // a refused what-if, in the reader's words
	Modified bool
}

type jointTrackRow struct {
	ID       int64
	Title    string
	Zone     bool
	Packages string
	Unlinked bool
	Alone    []jointChoice // its own Nash package; nil without a zone
}

type linkRow struct {
	Kind   parley.LinkKind
	A, B   string
	Reason string
}

type jointChoice struct {
	Track, Theme, Option string
}

type jointWeight struct {
	Index      int
	PartyID    int64
	Party      string
	TrackID    int64
	Track      string
	Weight     string
	Normalised string
}

// jointPlot is the joint frontier of two parties in a 300 × 300 drawing.
type jointPlot struct {
	X, Y        string // the parties on the axes
	Frontier    string // the frontier's polyline points
	Points      []plotMark
	Nash, KS, D *plotMark
	Alone       *plotMark
}

type plotMark struct{ X, Y, Label string }

const jointPlotSize = 300.0

func jointXY(u []float64) (string, string) {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	return f(20 + u[0]*(jointPlotSize-40)), f(jointPlotSize - 20 - u[1]*(jointPlotSize-40))
}

func newJointPlot(rep *linked.Report) *jointPlot {
	if len(rep.Parties) != 2 {
		return nil
	}
	p := &jointPlot{X: rep.Parties[0], Y: rep.Parties[1]}
	var pts []string
	for _, fp := range rep.Frontier {
		x, y := jointXY(fp.Utility)
		pts = append(pts, x+","+y)
		p.Points = append(p.Points, plotMark{X: x, Y: y})
	}
	p.Frontier = strings.Join(pts, " ")
	mark := func(u []float64, label string) *plotMark {
		if len(u) != 2 {
			return nil
		}
		x, y := jointXY(u)
		return &plotMark{X: x, Y: y, Label: label}
	}
	if rep.Nash != nil {
		p.Nash = mark(rep.Nash.Utility, "N")
	}
	if rep.KalaiSmorodinsky != nil {
		p.KS = mark(rep.KalaiSmorodinsky.Utility, "KS")
	}
	p.D = mark(rep.Disagreement, "d")
	if len(rep.Linkage) == 2 {
		p.Alone = mark([]float64{rep.Linkage[0].Alone, rep.Linkage[1].Alone}, "A")
	}
	return p
}

func (d *Desk) showJoint(w http.ResponseWriter, r *http.Request) error {
	return d.renderJoint(w, r, nil)
}

// jointWhatIf answers the what-if form with the page recomputed.
func (d *Desk) jointWhatIf(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	// Before a form is read: 404 unless the caller mediates every linked
	// track, as for a track that does not exist.
	if _, _, _, err := d.actions.JointInput(r.Context(), id); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var wi action.JointWhatIf
	if err := d.forms.Decode(r.PostForm, &wi); err != nil {
		return err
	}
	return d.renderJoint(w, r, &wi)
}

func (d *Desk) renderJoint(w http.ResponseWriter, r *http.Request, wi *action.JointWhatIf) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	// The tracks and stored weights first: a refused what-if shows them.
	_, tracks, links, err := d.actions.JointInput(ctx, id)
	if err != nil {
		return err
	}
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	data := &jointPage{pageBase: newBase(r, i18n.M("Joint analysis — {track}", "track", t.Title)), Track: t, Modified: wi != nil}
	titles := map[int64]string{}
	for _, jt := range tracks {
		titles[jt.ID] = jt.Name
	}
	for _, l := range links {
		data.Links = append(data.Links, linkRow{Kind: l.Kind, A: titles[l.TrackA], B: titles[l.TrackB], Reason: l.Reason})
	}
	for _, jt := range tracks {
		for _, tp := range jt.Parties {
			w := 1.0
			if lw := tp.Profile.Content.LinkWeight; lw != nil {
				w = *lw
			}
			if wi != nil {
				for _, c := range wi.Weights {
					if c.PartyID == tp.ID && c.TrackID == jt.ID {
						w = c.Weight
					}
				}
			}
			data.Weights = append(data.Weights, jointWeight{Index: len(data.Weights), PartyID: tp.ID, Party: tp.Name, TrackID: jt.ID, Track: jt.Name,
				Weight: strconv.FormatFloat(w, 'f', -1, 64)})
		}
	}
	ja, err := d.actions.AnalyzeJoint(ctx, id, wi)
	if err != nil {
		if parley.ErrorCode(err) != parley.EINVALID {
			return err
		}
		data.Problem, data.Status = errorText(data.p, err), http.StatusBadRequest
	}
	for _, jt := range tracks {
		row := jointTrackRow{ID: jt.ID, Title: jt.Name, Unlinked: wi != nil && slices.Contains(wi.Unlink, jt.ID)}
		if ja != nil {
			for _, tr := range ja.Report.Tracks {
				if tr.Name != jt.Name {
					continue
				}
				row.Zone, row.Packages = tr.Zone, tr.Packages
				if tr.Nash != nil {
					row.Alone = choices(tr.Name, tr.Nash.Package)
				}
			}
		}
		data.Tracks = append(data.Tracks, row)
	}
	if ja == nil {
		return d.render(w, "joint", data)
	}
	data.Report = ja.Report
	data.Plot = newJointPlot(ja.Report)
	if ja.Report.Nash != nil {
		for _, tp := range ja.Report.Nash.Tracks {
			data.Nash = append(data.Nash, choices(tp.Track, tp.Package)...)
		}
	}
	for k := range data.Weights {
		wt := &data.Weights[k]
		p, tr := slices.Index(ja.Report.Parties, wt.Party), slices.IndexFunc(ja.Report.Tracks, func(x linked.TrackReport) bool { return x.Name == wt.Track })
		if p >= 0 && tr >= 0 {
			wt.Normalised = fmt.Sprintf("%.3f", ja.Report.Weights[p][tr])
		}
	}
	return d.render(w, "joint", data)
}

// choices lists a track's package theme by theme, in the order of names.
func choices(track string, pkg map[string]string) []jointChoice {
	var out []jointChoice
	for theme, option := range pkg {
		out = append(out, jointChoice{Track: track, Theme: theme, Option: option})
	}
	slices.SortFunc(out, func(a, b jointChoice) int { return strings.Compare(a.Theme, b.Theme) })
	return out
}
