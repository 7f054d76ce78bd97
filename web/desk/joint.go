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
	"github.com/parley-talks/parley/negotiation/linked"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
)

// The joint analysis of linked tracks: for callers who mediate every one
// of them (action.AnalyzeJoint answers 404 to anyone else, as for a track
// that does not exist). It shows the tracks alone and together, the value
// of linkage per party, the joint Nash package, the trades across tracks
// and the red lines that block the joint deal, with a what-if form that
// unlinks a track or moves a cross-track weight. Its forms put what the
// analysis proposes across the linked tracks: the joint Nash package, as
// it is or as the mediator changes it, as a package or a cross-track
// ballot, and the tracks' negotiating texts joined into one.

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

	// The package and ballot forms: a part per track of the joint Nash
	// package, prefilled from it, put to the principals of every one of
	// those tracks.
	Parts     []jointPart
	Parties   []profileLink
	Audiences []audienceChoice
	// The joint text form: each linked track's texts.
	Texts []jointTexts
}

// jointPart is one track's part of the package and ballot forms.
type jointPart struct {
	Index   int
	TrackID int64
	Title   string
	Themes  []jointTheme
}

// Field is the form field of the part's member, e.g. parts[0].package.
func (p jointPart) Field(member string) string { return fmt.Sprintf("parts[%d].%s", p.Index, member) }

type jointTheme struct {
	Name    string
	Options []jointOption
}

// jointOption is a theme's option; Nash if the joint Nash package chose it.
type jointOption struct {
	Label string
	Nash  bool
}

// jointTexts is one linked track's texts, for the joint text form.
type jointTexts struct {
	TrackID int64
	Title   string
	Texts   []*parley.NegotiatingText
}

// jointChoices is what the package and ballot forms share, for the
// template "joint-choices": the parts to choose, in the form named Form
// (whose refusal refills them), with ids prefixed by Prefix and a
// rationale per part if Rationale.
type jointChoices struct {
	Form, Prefix string
	Rationale    bool
	Parts        []jointPart
	Page         *jointPage
}

// CanJoinTexts reports whether two linked tracks or more have a text to join.
func (p *jointPage) CanJoinTexts() bool {
	n := 0
	for _, jt := range p.Texts {
		if len(jt.Texts) > 0 {
			n++
		}
	}
	return n >= 2
}

// Choices is the parts of the form named form.
func (p *jointPage) Choices(form, prefix string, rationale bool) jointChoices {
	return jointChoices{Form: form, Prefix: prefix, Rationale: rationale, Parts: p.Parts, Page: p}
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
	return d.renderJoint(w, r, nil, nil, 0)
}

// jointSubmit is submit behind the joint page's own check: 404 before a
// form is read unless the caller mediates every linked track, as for the
// page.
func jointSubmit[In any](d *Desk, name string, act func(r *http.Request, id int64, in *In) (string, error)) route.Handler {
	form := submit(d, name, d.renderJointRefused, act)
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		if _, _, err := d.actions.JointTracks(r.Context(), id); err != nil {
			return err
		}
		return form(w, r)
	}
}

// renderJointRefused shows the joint page again with a refused form.
func (d *Desk) renderJointRefused(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	return d.renderJoint(w, r, nil, ref, status)
}

// putJointPackage puts the package form's package across the linked
// tracks and shows its first part, with its package note.
func (d *Desk) putJointPackage(r *http.Request, id int64, in *parley.PackageInput) (string, error) {
	pkg, err := d.actions.PutJointPackage(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	first := pkg.Parts[0]
	return seeOther(fmt.Sprintf("/tracks/%d/proposals", first.TrackID), "proposal", fmt.Sprintf("package-%d", first.ID)), nil
}

// putJointBallot puts the ballot form's cross-track ballot and shows its
// first part.
func (d *Desk) putJointBallot(r *http.Request, id int64, in *parley.BallotPackageInput) (string, error) {
	bp, err := d.actions.PutJointBallot(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/ballots/%d", bp.ID), "ballot"), nil
}

// joinJointTexts joins the chosen texts and shows the first, with the
// joint text's note.
func (d *Desk) joinJointTexts(r *http.Request, id int64, in *parley.JointTextInput) (string, error) {
	jt, err := d.actions.JoinJointTexts(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/texts/%d", jt.ID), "saved", "joint-text"), nil
}

// jointWhatIf answers the what-if form with the page recomputed.
func (d *Desk) jointWhatIf(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	// Before a form is read: 404 unless the caller mediates every linked
	// track, as for a track that does not exist.
	if _, _, err := d.actions.JointTracks(r.Context(), id); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var wi action.JointWhatIf
	if err := d.forms.Decode(r.PostForm, &wi); err != nil {
		return err
	}
	return d.renderJoint(w, r, &wi, nil, 0)
}

// renderJoint renders the joint page, with the what-if wi if not nil; ref
// and status report a refused form.
func (d *Desk) renderJoint(w http.ResponseWriter, r *http.Request, wi *action.JointWhatIf, ref *Refusal, status int) error {
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
	data.Refusal, data.Status = ref, status
	if err := d.jointTextsForm(ctx, data, tracks); err != nil {
		return err
	}
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
		if err := d.jointPackageForms(ctx, data, ja); err != nil {
			return err
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

// jointPackageForms fills the package and ballot forms from the joint
// Nash package: a part per track it covers, each theme's select showing
// the track's options with the Nash point's chosen, and the parties that
// are principals of every one of those tracks. None with fewer than two
// tracks (a what-if that unlinks the others).
func (d *Desk) jointPackageForms(ctx context.Context, data *jointPage, ja *action.JointAnalysis) error {
	if len(ja.Report.Nash.Tracks) < 2 {
		return nil
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	nash := map[int64]map[string]string{}
	for _, tp := range ja.Report.Nash.Tracks {
		nash[ja.IDs[tp.Track]] = tp.Package
	}
	var every map[int64]int // party → the number of the tracks it is a principal of
	for _, jt := range ja.Tracks {
		t, err := d.store.FindTrackByID(ctx, jt.ID)
		if err != nil {
			return err
		}
		themes, err := d.store.FindThemes(ctx, jt.ID)
		if err != nil {
			return err
		}
		part := jointPart{Index: len(data.Parts), TrackID: jt.ID, Title: jt.Name}
		for _, th := range action.SortedThemes(themes) {
			row := jointTheme{Name: th.Name}
			for _, o := range th.Options {
				row.Options = append(row.Options, jointOption{Label: o.Label, Nash: nash[jt.ID][th.Name] == o.Label})
			}
			part.Themes = append(part.Themes, row)
		}
		data.Parts = append(data.Parts, part)
		if every == nil {
			every = map[int64]int{}
			data.Parties = principals(t, names)
		}
		for _, p := range principals(t, names) {
			every[p.PartyID]++
		}
	}
	data.Parties = slices.DeleteFunc(data.Parties, func(p profileLink) bool { return every[p.PartyID] != len(data.Parts) })
	data.Audiences = audiences(data.p, nil, nil, nil)
	return nil
}

// jointTextsForm fills the joint text form: each linked track's texts the
// caller reads, in the order of the tracks.
func (d *Desk) jointTextsForm(ctx context.Context, data *jointPage, tracks []action.JointTrack) error {
	for _, jt := range tracks {
		texts, err := d.store.FindTexts(ctx, jt.ID)
		if err != nil {
			return err
		}
		data.Texts = append(data.Texts, jointTexts{TrackID: jt.ID, Title: jt.Name, Texts: texts})
	}
	return nil
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
