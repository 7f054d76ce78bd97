package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// A party's sealed profile, read and edited by its delegates and the
// track's mediators; and every profile of a track side by side. Profiles
// come only from the store's ProfileService, which applies the audience
// check for the caller (and the route's policy checks first).
//
// The editor's form decodes into parley.ProfileContent, the API's body:
// weights[<theme>], values[<theme>][<option>], reservation, notes;
// core_demands, one checkbox per option whose value is the choice's JSON;
// red_lines, one checkbox per red line kept (its JSON), a select of new
// forbid and require red lines, and a number, a new minimum utility.

type profilePage struct {
	pageBase
	Track       *parley.Track
	PartyID     int64
	Party       string
	Version     int
	Editable    bool
	Themes      []profileTheme
	Content     parley.ProfileContent
	RedLines    []redLineRow // the profile's red lines, kept unless unticked
	NewRedLines []redLineRow // the forbid and require red lines the form may add

	// Draft: the page shows a preview of what was typed, not saved.
	Draft bool
	// Of the profile shown (stored, or as typed): the sum of the weights,
	// the cautions, and its utility for sample packages.
	Total      float64
	Cautions   []string
	Samples    []samplePackage
	History    []profileVersion
	Linked     string // titles of the tracks linked to this one that the caller sees
	LinkWeight string // the party's weight of this track among them; "" for none (1)
}

type profileTheme struct {
	Index  int
	Name   string
	Weight float64
	Share  float64 // the weight's share of the total, 0–1
	Max    float64 // the slider's upper end
	Opts   []profileOption
}

// samplePackage is a package and what it is worth under the profile shown.
type samplePackage struct {
	Name    string
	Package []string // "theme: option", in agenda order
	Utility float64
	Crossed []string // the red lines it crosses, in words
}

// profileVersion is one stored version: who saved it and when.
type profileVersion struct {
	Version int
	Who     string
	At      time.Time
}

// maxSampleProposals bounds the proposals the utility preview lists.
const maxSampleProposals = 5

// highValue and lowValue are where a red line or a core demand looks
// at odds with the value the profile gives its option.
const highValue, lowValue = 0.7, 0.3

type profileOption struct {
	Index  int
	Label  string
	Value  float64
	Choice string // the option as a form value (a core demand)
	Demand bool   // a core demand
}

type redLineRow struct {
	Index  int
	Text   string
	JSON   string // the red line as a form value
	Kind   string
	Choice string // "theme: option", for a forbid or require red line
}

// principal checks that the party is a principal of the track: only
// principals have profiles.
func principal(t *parley.Track, partyID int64) error {
	for _, p := range t.Parties {
		if p.PartyID == partyID && p.Role == parley.RolePrincipal {
			return nil
		}
	}
	return action.NotFound("profile", partyID)
}

// profilePath reads a profile's track and party from the path.
func profilePath(r *http.Request) (trackID, partyID int64, err error) {
	if trackID, err = route.PathID(r, "id"); err != nil {
		return 0, 0, err
	}
	partyID, err = route.PathID(r, "party_id")
	return trackID, partyID, err
}

func (d *Desk) showProfile(w http.ResponseWriter, r *http.Request) error {
	return d.renderProfile(w, r, nil, 0)
}

// renderProfile renders the editor of the profile in the path; ref and
// status report a refused save, whose values the editor shows again.
func (d *Desk) renderProfile(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, trackID)
	if err != nil {
		return err
	}
	if err := principal(t, partyID); err != nil {
		return err
	}
	party, err := d.store.FindPartyByID(ctx, partyID)
	if err != nil {
		return err
	}
	themes, err := d.store.FindThemes(ctx, trackID)
	if err != nil {
		return err
	}
	data := &profilePage{pageBase: newBase(r, i18n.M("Profile of {party} — {track}", "party", party.Name, "track", t.Title)), Track: t, PartyID: partyID, Party: party.Name,
		Editable: accessTo(ctx, trackID).EditsProfile(partyID)}
	data.Refusal, data.Status = ref, status
	history, err := d.store.(parley.ProfileService).FindProfileHistory(ctx, trackID, partyID)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	users, err := d.people(ctx, trackID)
	if err != nil {
		return err
	}
	for i := len(history) - 1; i >= 0; i-- {
		v := history[i]
		pv := profileVersion{Version: v.Version, At: v.UpdatedAt, Who: data.T("the system")}
		if v.UpdatedBy != nil {
			pv.Who = d.userName(ctx, users, *v.UpdatedBy, data.T("a member"))
		}
		data.History = append(data.History, pv)
	}
	if len(history) > 0 {
		latest := history[len(history)-1]
		data.Content, data.Version = latest.Content, latest.Version
	}
	// The profile shown: as typed, when the form came back, else as stored.
	shown := data.Content
	if ref != nil {
		data.Draft = ref.Message == ""
		var typed parley.ProfileContent
		if err := d.forms.Decode(ref.Values, &typed); err == nil {
			shown = typed
		}
	}
	demands := map[parley.Choice]bool{}
	for _, c := range data.Content.CoreDemands {
		demands[c] = true
	}
	for _, w := range shown.Weights {
		data.Total += w
	}
	for i, th := range action.SortedThemes(themes) {
		pt := profileTheme{Index: i, Name: th.Name, Weight: data.Content.Weights[th.Name], Max: 1}
		if data.Total > 0 {
			pt.Share = shown.Weights[th.Name] / data.Total
		}
		for _, w := range []float64{data.Content.Weights[th.Name], shown.Weights[th.Name]} {
			pt.Max = max(pt.Max, w)
		}
		for j, o := range th.Options {
			c := parley.Choice{Theme: th.Name, Option: o.Label}
			cj, err := json.Marshal(c)
			if err != nil {
				return err
			}
			pt.Opts = append(pt.Opts, profileOption{Index: j, Label: o.Label, Value: data.Content.Values[th.Name][o.Label],
				Choice: string(cj), Demand: demands[c]})
			for _, kind := range []string{"forbid", "require"} {
				row, err := redLineRowOf(data.p, len(data.NewRedLines), parley.RedLine{Kind: kind, Issue: th.Name, Option: o.Label})
				if err != nil {
					return err
				}
				data.NewRedLines = append(data.NewRedLines, row)
			}
		}
		data.Themes = append(data.Themes, pt)
	}
	linked, err := d.linkedTitles(ctx, trackID)
	if err != nil {
		return err
	}
	data.Linked = strings.Join(linked, ", ")
	if w := data.Content.LinkWeight; w != nil {
		data.LinkWeight = strconv.FormatFloat(*w, 'f', -1, 64)
	}
	for i, rl := range data.Content.RedLines {
		row, err := redLineRowOf(data.p, i, rl)
		if err != nil {
			return err
		}
		data.RedLines = append(data.RedLines, row)
	}
	data.Cautions = cautions(data.p, &shown)
	if data.Samples, err = d.samples(ctx, data.p, trackID, themes, &shown); err != nil {
		return err
	}
	return d.render(w, "profile", data)
}

// NewMinimum is the minimum utility typed into the refused form, to show
// again: the one red line sent as a bare number.
func (pg *profilePage) NewMinimum() string {
	r := pg.Refused("profile")
	if r == nil {
		return ""
	}
	for _, v := range r.Values["red_lines"] {
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return v
		}
	}
	return ""
}

// cautions are the profile's choices that look at odds with its own
// values: a red line against an option it values highly (or requiring one
// it values low), a core demand it values low.
func cautions(p *i18n.Printer, c *parley.ProfileContent) []string {
	var out []string
	value := func(theme, option string) (float64, bool) {
		v, ok := c.Values[theme][option]
		return v, ok
	}
	for _, r := range c.RedLines {
		v, ok := value(r.Issue, r.Option)
		switch {
		case !ok:
		case r.Kind == "forbid" && v >= highValue:
			out = append(out, p.T("Your red line rules out {theme}: {option}, yet you value it at {value}.", "theme", r.Issue, "option", r.Option, "value", p.Decimal(v, 2)))
		case r.Kind == "require" && v <= lowValue:
			out = append(out, p.T("Your red line requires {theme}: {option}, yet you value it at only {value}.", "theme", r.Issue, "option", r.Option, "value", p.Decimal(v, 2)))
		}
	}
	for _, d := range c.CoreDemands {
		if v, ok := value(d.Theme, d.Option); ok && v <= lowValue {
			out = append(out, p.T("{theme}: {option} is a core demand, yet you value it at only {value}.", "theme", d.Theme, "option", d.Option, "value", p.Decimal(v, 2)))
		}
	}
	return out
}

// samples are packages to preview the profile's utility with: the best
// and the worst under it, and the track's latest proposals the caller
// reads.
func (d *Desk) samples(ctx context.Context, p *i18n.Printer, trackID int64, themes []*parley.Theme, c *parley.ProfileContent) ([]samplePackage, error) {
	var best, worst []parley.Choice
	for _, th := range action.SortedThemes(themes) {
		if len(th.Options) == 0 {
			continue
		}
		hi, lo := th.Options[0].Label, th.Options[0].Label
		for _, o := range th.Options {
			v := c.Values[th.Name][o.Label]
			if v > c.Values[th.Name][hi] {
				hi = o.Label
			}
			if v < c.Values[th.Name][lo] {
				lo = o.Label
			}
		}
		best = append(best, parley.Choice{Theme: th.Name, Option: hi})
		worst = append(worst, parley.Choice{Theme: th.Name, Option: lo})
	}
	out := []samplePackage{sample(p, p.T("The best package for you"), best, c), sample(p, p.T("The worst package for you"), worst, c)}
	proposals, err := d.store.FindProposals(ctx, trackID)
	if err != nil {
		return nil, err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return nil, err
	}
	shown := 0
	for i := len(proposals) - 1; i >= 0 && shown < maxSampleProposals; i-- {
		pr := proposals[i]
		if pr.Status != parley.ProposalOpen {
			continue
		}
		out = append(out, sample(p, p.T("Proposal {id} — {author}", "id", fmt.Sprint(pr.ID), "author", partyOrMediators(p, pr.AuthorPartyID, names)), pr.Package, c))
		shown++
	}
	return out, nil
}

func sample(p *i18n.Printer, name string, pkg []parley.Choice, c *parley.ProfileContent) samplePackage {
	s := samplePackage{Name: name, Utility: c.Utility(pkg)}
	for _, ch := range pkg {
		s.Package = append(s.Package, ch.Theme+": "+ch.Option)
	}
	for _, r := range c.Crossed(pkg) {
		s.Crossed = append(s.Crossed, export.RedLine(p, r))
	}
	return s
}

// profileForm answers the editor's form: "Preview" (intent=preview) shows
// the page again with what was typed and its utility, saving nothing; any
// other submit saves.
func (d *Desk) profileForm(save route.Handler) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		intent := r.PostForm.Get("intent")
		r.PostForm.Del("intent")
		if intent != "preview" {
			return save(w, r)
		}
		var in parley.ProfileContent
		if err := d.forms.Decode(r.PostForm, &in); err != nil {
			return refuse(w, r, "profile", d.renderProfile, err)
		}
		ref := &Refusal{Form: "profile", Values: url.Values{}}
		for k, vs := range r.PostForm {
			if k != authn.CSRFFormField {
				ref.Values[k] = vs
			}
		}
		return d.renderProfile(w, r, ref, http.StatusOK)
	}
}

func redLineRowOf(p *i18n.Printer, i int, rl parley.RedLine) (redLineRow, error) {
	b, err := json.Marshal(rl)
	return redLineRow{Index: i, Text: export.RedLine(p, rl), JSON: string(b), Kind: rl.Kind, Choice: rl.Issue + ": " + rl.Option}, err
}

func (d *Desk) saveProfile(r *http.Request, trackID int64, in *parley.ProfileContent) (string, error) {
	partyID, err := route.PathID(r, "party_id")
	if err != nil {
		return "", err
	}
	if _, err := d.actions.SaveProfile(r.Context(), trackID, partyID, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/profiles/%d", trackID, partyID), "saved"), nil
}

// The side-by-side view.
type profilesPage struct {
	pageBase
	Track     *parley.Track
	Mediator  bool // may upload a scenario's files
	Downloads bool // may download the scenario's files
	Parties   []string
	Rows      []sideRow
	Res       []float64
	Lines     [][]string // red lines per party
	Demands   [][]string
	Notes     []string
}

type sideRow struct {
	Theme  bool // a theme's weight row, else an option's value row
	Label  string
	Values []float64
}

func (d *Desk) showProfiles(w http.ResponseWriter, r *http.Request) error {
	return d.renderProfiles(w, r, nil, 0)
}

// renderProfiles renders the profiles page of the track in the path; ref
// and status are a refused upload's.
func (d *Desk) renderProfiles(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	themes, err := d.store.FindThemes(ctx, id)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	ps, err := d.store.(parley.ProfileService).FindProfiles(ctx, id)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, id)
	data := &profilesPage{pageBase: newBase(r, i18n.M("Profiles side by side — {track}", "track", t.Title)), Track: t, Mediator: acc.Mediator()}
	data.Refusal, data.Status = ref, status
	// Who may download the scenario's files: a mediator, and a delegate
	// (its own profile: the only one it reads), as ExportScenarioZip says.
	if _, writes := acc.Party(); writes && len(ps) > 0 {
		data.Downloads = true
	}
	for _, p := range ps {
		data.Parties = append(data.Parties, names[p.PartyID])
		data.Res = append(data.Res, p.Content.Reservation)
		var lines, demands []string
		for _, rl := range p.Content.RedLines {
			lines = append(lines, export.RedLine(data.p, rl))
		}
		for _, d := range p.Content.CoreDemands {
			demands = append(demands, d.Theme+": "+d.Option)
		}
		data.Lines = append(data.Lines, lines)
		data.Demands = append(data.Demands, demands)
		data.Notes = append(data.Notes, p.Content.Notes)
	}
	for _, th := range action.SortedThemes(themes) {
		row := sideRow{Theme: true, Label: th.Name}
		for _, p := range ps {
			row.Values = append(row.Values, p.Content.Weights[th.Name])
		}
		data.Rows = append(data.Rows, row)
		for _, o := range th.Options {
			row := sideRow{Label: o.Label}
			for _, p := range ps {
				row.Values = append(row.Values, p.Content.Values[th.Name][o.Label])
			}
			data.Rows = append(data.Rows, row)
		}
	}
	return d.render(w, "profiles", data)
}

// scenarioForm documents the upload form: a zip of GENIUS files.
type scenarioForm struct {
	File string `json:"file" media:"application/zip"`
}

// uploadScenario stores the profiles of a zip of GENIUS files on the
// track (mediators), as PUT /api/v1/tracks/{id}/scenario does.
func (d *Desk) uploadScenario(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	if mediaType(r) != "multipart/form-data" {
		return problem.UnsupportedMediaType("the scenario's upload form must be sent as multipart/form-data")
	}
	file, err := formFile(r, "file")
	if err != nil {
		return err
	}
	if file == nil {
		return refuse(w, r, "scenario", d.renderProfiles, parley.Errorf(parley.EINVALID, "file", "choose a zip of GENIUS files to upload"))
	}
	if _, err := d.actions.PutScenarioZip(r.Context(), id, file); err != nil {
		return refuse(w, r, "scenario", d.renderProfiles, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/profiles?done=scenario", id), http.StatusSeeOther)
	return nil
}

// linkedTitles returns the titles of the tracks joined to the track by
// active links that the caller sees (the store shows a link only to those
// who see both of its tracks), in the order of the links.
func (d *Desk) linkedTitles(ctx context.Context, trackID int64) ([]string, error) {
	links, err := d.store.FindLinks(ctx, trackID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range parley.LinkedTracks(trackID, links)[1:] {
		t, err := d.store.FindTrackByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t.Title)
	}
	return out, nil
}
