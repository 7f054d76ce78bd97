package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// A party's sealed profile, read and edited by its delegates and the
// track's mediators; and every profile of a track side by side. Profiles
// come only from the store's ProfileService, which applies the audience
// check for the caller; the pages check it again before rendering.

type profilePage struct {
	pageBase
	Track    *parley.Track
	PartyID  int64
	Party    string
	Version  int
	Editable bool
	Themes   []profileTheme
	Content  parley.ProfileContent
	RedLines []redLineRow
}

type profileTheme struct {
	Index  int
	Name   string
	Weight float64
	Opts   []profileOption
}

type profileOption struct {
	Index  int
	Label  string
	Value  float64
	Demand bool // a core demand
}

type redLineRow struct {
	Index int
	Text  string
	JSON  string
}

// profileForm documents the profile editor's form. Weights, values and
// core demands are indexed by theme (and option) in agenda order:
// w_<theme>, v_<theme>_<option>, demand=<theme>_<option>.
type profileForm struct {
	CSRFToken        string `json:"csrf_token"`
	Reservation      string `json:"reservation"`
	Notes            string `json:"notes,omitempty"`
	KeepRedLine      string `json:"keep_redline,omitempty"`       // repeated: indexes of the red lines to keep
	NewRedLineKind   string `json:"new_redline_kind,omitempty"`   // forbid or require
	NewRedLineChoice string `json:"new_redline_choice,omitempty"` // <theme>_<option>
	NewMinUtility    string `json:"new_min_utility,omitempty"`
}

// describeRedLine says a red line in words.
func describeRedLine(r parley.RedLine) string {
	switch r.Kind {
	case "forbid":
		return "never " + r.Issue + ": " + r.Option
	case "require":
		return "must have " + r.Issue + ": " + r.Option
	case "rule":
		return "if " + r.Issue + ": " + r.Option + " then " + r.Then + " must be one of " + strings.Join(r.In, ", ")
	case "min_utility":
		return "at least utility " + strconv.FormatFloat(r.Min, 'f', -1, 64)
	}
	return r.Kind
}

// principal checks that the party is a principal of the track: only
// principals have profiles.
func principal(t *parley.Track, partyID int64) error {
	for _, p := range t.Parties {
		if p.PartyID == partyID && p.Role == parley.RolePrincipal {
			return nil
		}
	}
	return notFound("profile", partyID)
}

func (s *Server) pageProfile(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c := parley.CallerFromContext(ctx)
	if !c.CanRead(trackID, parley.PartyAudience(partyID)) {
		return notFound("profile", partyID)
	}
	t, err := s.store.FindTrackByID(ctx, trackID)
	if err != nil {
		return err
	}
	if err := principal(t, partyID); err != nil {
		return err
	}
	party, err := s.store.FindPartyByID(ctx, partyID)
	if err != nil {
		return err
	}
	themes, err := s.store.FindThemes(ctx, trackID)
	if err != nil {
		return err
	}
	data := &profilePage{pageBase: newBase(r, "Profile of "+party.Name+" — "+t.Title), Track: t, PartyID: partyID, Party: party.Name,
		Editable: c.CanEditProfile(trackID, partyID)}
	p, err := s.profiles().FindProfile(ctx, trackID, partyID)
	switch {
	case err == nil:
		if p.TrackID != trackID || p.PartyID != partyID || !c.CanRead(trackID, p.Audience()) {
			return notFound("profile", partyID)
		}
		data.Content, data.Version = p.Content, p.Version
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		// No profile yet: an empty form.
	default:
		return err
	}
	demands := map[parley.Choice]bool{}
	for _, d := range data.Content.CoreDemands {
		demands[d] = true
	}
	for i, th := range sortedThemes(themes) {
		pt := profileTheme{Index: i, Name: th.Name, Weight: data.Content.Weights[th.Name]}
		for j, o := range th.Options {
			pt.Opts = append(pt.Opts, profileOption{Index: j, Label: o.Label, Value: data.Content.Values[th.Name][o.Label],
				Demand: demands[parley.Choice{Theme: th.Name, Option: o.Label}]})
		}
		data.Themes = append(data.Themes, pt)
	}
	for i, rl := range data.Content.RedLines {
		b, err := json.Marshal(rl)
		if err != nil {
			return err
		}
		data.RedLines = append(data.RedLines, redLineRow{Index: i, Text: describeRedLine(rl), JSON: string(b)})
	}
	return s.render(w, "profile", data)
}

func (s *Server) pageProfileSave(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	themes, err := s.store.FindThemes(ctx, trackID)
	if err != nil {
		return err
	}
	f := r.PostForm
	num := func(field, s string) (float64, error) {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 0, parley.Errorf(parley.EINVALID, field, "%s must be a number", field)
		}
		return x, nil
	}
	c := parley.ProfileContent{Weights: map[string]float64{}, Values: map[string]map[string]float64{},
		RedLines: []parley.RedLine{}, CoreDemands: []parley.Choice{}, Notes: f.Get("notes")}
	sorted := sortedThemes(themes)
	for i, th := range sorted {
		if v := f.Get(fmt.Sprintf("w_%d", i)); v != "" {
			if c.Weights[th.Name], err = num("weight of "+th.Name, v); err != nil {
				return err
			}
		}
		c.Values[th.Name] = map[string]float64{}
		for j, o := range th.Options {
			if v := f.Get(fmt.Sprintf("v_%d_%d", i, j)); v != "" {
				if c.Values[th.Name][o.Label], err = num("value of "+th.Name+": "+o.Label, v); err != nil {
					return err
				}
			}
		}
	}
	if c.Reservation, err = num("reservation", f.Get("reservation")); err != nil {
		return err
	}
	choice := func(field, v string) (parley.Choice, error) {
		a, b, ok := strings.Cut(v, "_")
		i, err1 := strconv.Atoi(a)
		j, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || i < 0 || i >= len(sorted) || j < 0 || j >= len(sorted[i].Options) {
			return parley.Choice{}, parley.Errorf(parley.EINVALID, field, "choose an option from the list")
		}
		return parley.Choice{Theme: sorted[i].Name, Option: sorted[i].Options[j].Label}, nil
	}
	for _, v := range f["demand"] {
		ch, err := choice("demand", v)
		if err != nil {
			return err
		}
		c.CoreDemands = append(c.CoreDemands, ch)
	}
	// Red lines: the kept ones come back as the JSON the page sent out.
	for _, k := range f["keep_redline"] {
		var rl parley.RedLine
		if err := json.Unmarshal([]byte(f.Get("redline_"+k)), &rl); err != nil {
			return parley.Errorf(parley.EINVALID, "red_lines", "red line %s cannot be read; reload the page", k)
		}
		c.RedLines = append(c.RedLines, rl)
	}
	if kind := f.Get("new_redline_kind"); kind != "" {
		if kind != "forbid" && kind != "require" {
			return parley.Errorf(parley.EINVALID, "new_redline_kind", "a new red line is forbid or require")
		}
		ch, err := choice("new_redline_choice", f.Get("new_redline_choice"))
		if err != nil {
			return err
		}
		c.RedLines = append(c.RedLines, parley.RedLine{Kind: kind, Issue: ch.Theme, Option: ch.Option})
	}
	if v := strings.TrimSpace(f.Get("new_min_utility")); v != "" {
		m, err := num("minimum utility", v)
		if err != nil {
			return err
		}
		c.RedLines = append(c.RedLines, parley.RedLine{Kind: "min_utility", Min: m})
	}
	if err := c.Validate(themes); err != nil {
		return err
	}
	if err := s.profiles().PutProfile(ctx, &parley.Profile{TrackID: trackID, PartyID: partyID, Content: c}); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/profiles/%d?done=saved", trackID, partyID), http.StatusSeeOther)
	return nil
}

// The side-by-side view.

type profilesPage struct {
	pageBase
	Track   *parley.Track
	Parties []string
	Rows    []sideRow
	Res     []float64
	Lines   [][]string // red lines per party
	Demands [][]string
	Notes   []string
}

type sideRow struct {
	Theme  bool // a theme's weight row, else an option's value row
	Label  string
	Values []float64
}

func (s *Server) pageProfiles(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	themes, err := s.store.FindThemes(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	all, err := s.profiles().FindProfiles(ctx, id)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	var ps []*parley.Profile
	for _, p := range all {
		if p.TrackID == id && (c.CanRead(id, p.Audience())) {
			ps = append(ps, p)
		}
	}
	data := &profilesPage{pageBase: newBase(r, "Profiles side by side — "+t.Title), Track: t}
	for _, p := range ps {
		data.Parties = append(data.Parties, names[p.PartyID])
		data.Res = append(data.Res, p.Content.Reservation)
		var lines, demands []string
		for _, rl := range p.Content.RedLines {
			lines = append(lines, describeRedLine(rl))
		}
		for _, d := range p.Content.CoreDemands {
			demands = append(demands, d.Theme+": "+d.Option)
		}
		data.Lines = append(data.Lines, lines)
		data.Demands = append(data.Demands, demands)
		data.Notes = append(data.Notes, p.Content.Notes)
	}
	for _, th := range sortedThemes(themes) {
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
	return s.render(w, "profiles", data)
}
