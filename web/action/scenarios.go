package action

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

// Scenario import and export: a track's themes and its parties' profiles
// as one negotiation scenario, in GENIUS XML or in Parley's own JSON
// (negotiation.Scenario).
//
// # Export
//
// GET /api/v1/tracks/{id}/export?format=genius|parley (mediators only)
// answers one JSON object, ScenarioFiles: with format=parley its scenario
// member holds Parley's scenario; with format=genius its domain member
// holds the GENIUS domain XML and profiles holds one {"name", "xml"} per
// party, named by the party's name. The answer is also a valid body of the
// import, so a track round-trips. GENIUS XML has no red lines: the genius
// format carries weights, values, reservation and discount only, while
// the parley format carries everything the analysis uses.
//
// # Import
//
// POST /api/v1/tracks/import (administrators) takes a ScenarioFiles object
// with either scenario or domain + profiles — as JSON, or as
// multipart/form-data with a "domain" file, one "profile" file per party
// and an optional "title" field — and creates a new track: one theme per
// issue with its options in order, each profile's party as a principal,
// and one sealed profile per party. A profile maps to the existing party
// of the same name (case-insensitively), else to a new party of kind
// delegation with that name; a GENIUS profile is named by its "name"
// member, or in a multipart upload by its file name without extension. The
// importer becomes the new track's mediator, the only one who may then read
// the profiles it brought.

// ScenarioFiles is a scenario in either format: the export's answer and
// the import's body.
type ScenarioFiles struct {
	// Format is "parley" or "genius"; on import it may be left out.
	Format string `json:"format,omitempty"`
	// Title is the new track's title on import (default: the scenario's
	// name); the track's title on export.
	Title string `json:"title,omitempty"`
	// Scenario is Parley's own form (format parley).
	Scenario *negotiation.Scenario `json:"scenario,omitempty"`
	// Domain is the GENIUS domain XML (format genius).
	Domain string `json:"domain,omitempty"`
	// Profiles are the GENIUS profile XMLs, one per party (format genius).
	Profiles []GeniusFile `json:"profiles,omitempty"`
}

// GeniusFile is one GENIUS profile and the party it belongs to.
type GeniusFile struct {
	Name string `json:"name"` // the party's name
	XML  string `json:"xml"`
	// Omitted says, on export, what the profile holds that GENIUS XML
	// cannot carry (red lines, core demands); the file says it too, in a
	// comment. Empty when nothing was left out.
	Omitted []string `json:"omitted,omitempty"`
}

// ImportResult answers an import: the new track and how each profile was
// mapped to a party.
type ImportResult struct {
	Track   *parley.Track   `json:"track"`
	Parties []ImportedParty `json:"parties"`
}

type ImportedParty struct {
	Profile string `json:"profile"`  // the profile's name in the scenario
	PartyID int64  `json:"party_id"` // the party it was stored for
	Created bool   `json:"created"`  // whether the party was made by this import
}

// The formats of a scenario.
const (
	FormatParley = "parley"
	FormatGenius = "genius"
)

// ExportScenario is a track's scenario (themes and profiles) in format,
// FormatParley or FormatGenius: the track's mediators only.
func (a *Actions) ExportScenario(ctx context.Context, trackID int64, format string) (*ScenarioFiles, error) {
	if err := requireMediator(ctx, trackID); err != nil {
		return nil, err
	}
	if format == "" {
		format = FormatParley
	}
	if format != FormatParley && format != FormatGenius {
		return nil, parley.Errorf(parley.EINVALID, "format", "unknown format %q (want genius or parley)", format)
	}
	sc, parties, err := a.TrackScenario(ctx, trackID)
	if err != nil {
		return nil, err
	}
	out := &ScenarioFiles{Format: format, Title: sc.Name}
	if format == FormatParley {
		out.Scenario = sc
	} else if err := writeGenius(sc, parties, out); err != nil {
		return nil, err
	}
	return out, nil
}

// writeGenius fills out's domain and profiles from sc, whose profiles are
// those of parties, saying in each file and in Omitted what GENIUS cannot
// carry.
func writeGenius(sc *negotiation.Scenario, parties []TrackParty, out *ScenarioFiles) error {
	d, profiles, err := geniusOf(sc, parties)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := genius.WriteDomain(&b, d); err != nil {
		return err
	}
	out.Domain = b.String()
	out.Profiles = []GeniusFile{}
	for i, p := range profiles {
		b.Reset()
		if err := genius.WriteProfile(&b, d, p); err != nil {
			return err
		}
		out.Profiles = append(out.Profiles, GeniusFile{Name: sc.Profiles[i].Name, XML: b.String(), Omitted: p.Omitted})
	}
	return nil
}

// geniusOf is sc, whose profiles are those of parties, as a GENIUS domain
// and profiles, each profile's Omitted saying what GENIUS cannot carry (red
// lines, core demands).
func geniusOf(sc *negotiation.Scenario, parties []TrackParty) (*genius.Domain, []*genius.Profile, error) {
	if err := sc.Validate(); err != nil {
		return nil, nil, parley.Errorf(parley.ECONFLICT, "", "the track's scenario is not complete: %v", err)
	}
	d, profiles, err := genius.FromScenario(sc)
	if err != nil {
		return nil, nil, parley.Errorf(parley.ECONFLICT, "", "the track cannot be written as GENIUS XML: %v", err)
	}
	for i, p := range profiles {
		if i < len(parties) {
			if n := len(parties[i].Profile.Content.CoreDemands); n > 0 {
				p.Omitted = append(p.Omitted, fmt.Sprintf("%d core demand(s) not exported: GENIUS profiles cannot carry core demands", n))
			}
		}
	}
	return d, profiles, nil
}

// ImportScenario creates a new track from a scenario: one theme per issue,
// each profile's party as a principal, one sealed profile per party. The
// importer becomes the track's mediator.
func (a *Actions) ImportScenario(ctx context.Context, in *ScenarioFiles) (*ImportResult, error) {
	ps, ok := a.Store.(parley.ProfileService)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no sealed profiles, so it cannot import a scenario")
	}
	sc, err := in.scenario()
	if err != nil {
		return nil, err
	}
	return a.importScenario(ctx, ps, sc, in.Title)
}

// importScenario creates a new track titled title (default: the
// scenario's name) from sc, checked by checkImport.
func (a *Actions) importScenario(ctx context.Context, ps parley.ProfileService, sc *negotiation.Scenario, title string) (*ImportResult, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		title = sc.Name
	}
	if title == "" {
		title = "Imported scenario"
	}
	for i, is := range sc.Issues {
		th := parley.Theme{Name: is.Name, Options: OptionsOf(is.Options)}
		if err := th.Validate(); err != nil {
			return nil, parley.Errorf(parley.EINVALID, fmt.Sprintf("issues[%d]", i), "issue %q cannot be a theme: %s", is.Name, parley.ErrorMessage(err))
		}
	}
	parties, mapped, err := a.matchParties(ctx, sc)
	if err != nil {
		return nil, err
	}
	track := &parley.Track{Title: title, Mandate: "Imported scenario: " + sc.Name}
	for _, id := range parties {
		track.Parties = append(track.Parties, parley.TrackParty{PartyID: id, Role: parley.RolePrincipal})
	}
	if err := a.Store.CreateTrack(ctx, track); err != nil {
		return nil, err
	}
	// The importer becomes the track's mediator, who adds the themes and
	// the profiles: it brought them and is the one who may read them.
	if c := parley.CallerFromContext(ctx); c.User != nil {
		m := &parley.Member{TrackID: track.ID, UserID: c.User.ID, Role: parley.MemberMediator}
		if err := a.Store.CreateMember(ctx, m); err != nil {
			return nil, err
		}
		grown := &parley.Caller{User: c.User, Grants: append(append([]*parley.Member{}, c.Grants...), m)}
		ctx = parley.NewContextWithCaller(ctx, grown)
	}
	for i, is := range sc.Issues {
		th := &parley.Theme{TrackID: track.ID, Name: is.Name, Position: i, Options: OptionsOf(is.Options)}
		if err := a.Store.CreateTheme(ctx, th); err != nil {
			return nil, err
		}
	}
	for i, spec := range sc.Profiles {
		p := &parley.Profile{TrackID: track.ID, PartyID: parties[i], Content: ProfileContentOf(&spec)}
		if err := ps.PutProfile(ctx, p); err != nil {
			return nil, err
		}
	}
	t, err := a.Store.FindTrackByID(ctx, track.ID)
	if err != nil {
		return nil, err
	}
	return &ImportResult{Track: t, Parties: mapped}, nil
}

// scenario returns the scenario the import describes, checked.
func (in *ScenarioFiles) scenario() (*negotiation.Scenario, error) {
	var sc *negotiation.Scenario
	switch {
	case in.Scenario != nil && in.Domain == "" && len(in.Profiles) == 0:
		sc = in.Scenario
	case in.Scenario == nil && in.Domain != "":
		d, err := genius.ParseDomain(strings.NewReader(in.Domain), "domain")
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, "domain", "%v", err)
		}
		var profiles []*genius.Profile
		for i, f := range in.Profiles {
			file := f.Name
			if file == "" {
				file = fmt.Sprintf("profile %d", i+1)
			}
			p, err := genius.ParseProfile(strings.NewReader(f.XML), file+".xml", d)
			if err != nil {
				return nil, parley.Errorf(parley.EINVALID, fmt.Sprintf("profiles[%d]", i), "%v", err)
			}
			if f.Name != "" {
				p.Name = f.Name
			}
			profiles = append(profiles, p)
		}
		sc = genius.Scenario(d, profiles)
	default:
		return nil, parley.Errorf(parley.EINVALID, "scenario", "send either scenario (Parley's format) or domain and profiles (GENIUS XML)")
	}
	return sc, checkImport(sc)
}

// checkImport checks a scenario to import: valid, with at least one
// profile, each naming a party, no party twice.
func checkImport(sc *negotiation.Scenario) error {
	if len(sc.Profiles) == 0 {
		return parley.Errorf(parley.EINVALID, "profiles", "a scenario to import needs at least one profile")
	}
	if err := sc.Validate(); err != nil {
		return parley.Errorf(parley.EINVALID, "scenario", "%v", err)
	}
	seen := map[string]bool{}
	for i, p := range sc.Profiles {
		key := strings.ToLower(strings.TrimSpace(p.Name))
		if key == "" {
			return parley.Errorf(parley.EINVALID, fmt.Sprintf("profiles[%d].name", i), "every profile needs a party name")
		}
		if seen[key] {
			return parley.Errorf(parley.EINVALID, fmt.Sprintf("profiles[%d].name", i), "two profiles name the party %q", p.Name)
		}
		seen[key] = true
	}
	return nil
}

// matchParties maps each profile of sc to a party: the existing party of
// that name, or a new delegation.
func (a *Actions) matchParties(ctx context.Context, sc *negotiation.Scenario) ([]int64, []ImportedParty, error) {
	byName := map[string]int64{}
	for offset := 0; ; offset += parley.MaxLimit {
		ps, total, err := a.Store.FindParties(ctx, parley.Page{Offset: offset, Limit: parley.MaxLimit})
		if err != nil {
			return nil, nil, err
		}
		for _, p := range ps {
			byName[strings.ToLower(p.Name)] = p.ID
		}
		if offset+parley.MaxLimit >= total {
			break
		}
	}
	ids := make([]int64, len(sc.Profiles))
	mapped := make([]ImportedParty, len(sc.Profiles))
	for i, p := range sc.Profiles {
		name := strings.TrimSpace(p.Name)
		id, ok := byName[strings.ToLower(name)]
		if !ok {
			party := &parley.Party{Name: name, Kind: parley.PartyDelegation}
			if err := a.Store.CreateParty(ctx, party); err != nil {
				return nil, nil, err
			}
			id = party.ID
		}
		ids[i] = id
		mapped[i] = ImportedParty{Profile: p.Name, PartyID: id, Created: !ok}
	}
	return ids, mapped, nil
}

// OptionsOf is a theme's options with the labels, in order.
func OptionsOf(labels []string) []parley.Option {
	out := make([]parley.Option, len(labels))
	for i, l := range labels {
		out[i] = parley.Option{Label: l}
	}
	return out
}

// ProfileContentOf is the sealed form of a scenario's profile.
func ProfileContentOf(ps *negotiation.ProfileSpec) parley.ProfileContent {
	c := parley.ProfileContent{Weights: ps.Weights, Values: ps.Values, Reservation: ps.Reservation,
		RedLines: []parley.RedLine{}, CoreDemands: []parley.Choice{}}
	for _, r := range ps.RedLines {
		c.RedLines = append(c.RedLines, parley.RedLine{Kind: r.Kind, Issue: r.Issue, Option: r.Option, Then: r.Then, In: r.In, Min: r.Min})
	}
	return c
}
