package action

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

// Scenario zips: a track's themes and profiles as the files GENIUS and
// NegMAS users exchange (genius.WriteZip, genius.ReadZip).
//
// # Who exports what
//
// GET /api/v1/tracks/{id}/scenario.zip?layout=genius|negmas answers the
// domain (the track's themes) and one profile file per profile the caller
// reads: a mediator of the track gets every party's profile; a delegate
// gets its own party's profile only — the one it may read and edit
// already, to run its own agent against in GENIUS or NegMAS — and never
// another party's; anyone else (an observer, a verifier, a member without
// a party's profile) is answered not found, as the analysis is. The store's
// audience check decides which profiles are read (FindProfiles); this code
// decides only whether an answer without every profile may be given.
//
// # Who imports what
//
// POST /api/v1/tracks/import with a zip body (administrators) creates a new
// track from it, as the JSON import does. PUT /api/v1/tracks/{id}/scenario
// with a zip body (the track's mediators) stores its profiles on the
// existing track: the domain must hold the track's themes (the same names
// and options, in order), each profile file names a party of the track
// (the file name, case-insensitively), and each becomes the party's next
// profile version: weights, values and reservation from the file, red
// lines, core demands and notes kept from the party's current profile
// (GENIUS cannot carry them). All files are checked before any is stored.

// ScenarioZip is a track's scenario as a zip of GENIUS files.
type ScenarioZip struct {
	FileName string // e.g. "Energy-infrastructure strike moratorium (GENIUS).zip"
	Data     []byte
	// Parties whose profiles the zip holds, in order.
	Parties []string
}

// ExportScenarioZip is a track's scenario as a zip in layout
// (genius.LayoutGenius, the default, or genius.LayoutNegMAS), holding the
// profiles the caller may export (see the rules above).
func (a *Actions) ExportScenarioZip(ctx context.Context, trackID int64, layout string) (*ScenarioZip, error) {
	if layout == "" {
		layout = genius.LayoutGenius
	}
	if layout != genius.LayoutGenius && layout != genius.LayoutNegMAS {
		return nil, parley.Errorf(parley.EINVALID, "layout", "unknown layout %q (want genius or negmas)", layout)
	}
	c := parley.CallerFromContext(ctx)
	if !c.CanSeeTrack(trackID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "scenario of track %d not found", trackID)
	}
	sc, parties, err := a.TrackScenario(ctx, trackID)
	if err != nil {
		return nil, err
	}
	if !c.IsMediator(trackID) {
		// A delegate exports its own party's profile; the store has read
		// no other for it, and nobody else exports anything.
		g := c.Grant(trackID)
		if g == nil || g.Role != parley.MemberDelegate || g.PartyID == nil || len(parties) != 1 || parties[0].ID != *g.PartyID {
			return nil, parley.Errorf(parley.ENOTFOUND, "", "scenario of track %d not found", trackID)
		}
	}
	if len(parties) == 0 {
		return nil, parley.Errorf(parley.ECONFLICT, "", "track %d has no profile to export yet", trackID)
	}
	d, profiles, err := geniusOf(sc, parties)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := genius.WriteZip(&b, layout, d, profiles); err != nil {
		return nil, err
	}
	out := &ScenarioZip{Data: b.Bytes(), FileName: fmt.Sprintf("%s (%s).zip", safeName(sc.Name), map[string]string{genius.LayoutGenius: "GENIUS", genius.LayoutNegMAS: "NegMAS"}[layout])}
	for _, p := range parties {
		out.Parties = append(out.Parties, p.Name)
	}
	return out, nil
}

// safeName is name without the characters a file name may not hold.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
}

// scenarioOfZip reads a scenario zip: its GENIUS files as a Parley
// scenario, refusals naming the file.
func scenarioOfZip(data []byte) (*negotiation.Scenario, error) {
	d, profiles, err := genius.ReadZip(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "file", "%v", err)
	}
	return genius.Scenario(d, profiles), nil
}

// ImportScenarioZip creates a new track from a scenario zip, as
// ImportScenario does from JSON.
func (a *Actions) ImportScenarioZip(ctx context.Context, data []byte, title string) (*ImportResult, error) {
	ps, ok := a.Store.(parley.ProfileService)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no sealed profiles, so it cannot import a scenario")
	}
	sc, err := scenarioOfZip(data)
	if err != nil {
		return nil, err
	}
	if err := checkImport(sc); err != nil {
		return nil, err
	}
	return a.importScenario(ctx, ps, sc, title)
}

// StoredProfile says which party a file of an upload was stored for.
type StoredProfile struct {
	Profile string `json:"profile"` // the file's name without ".xml"
	PartyID int64  `json:"party_id"`
	Version int    `json:"version"` // the party's new profile version
}

// PutScenarioZip stores the profiles of a scenario zip on an existing
// track (its mediators; see the rules above): all or none.
func (a *Actions) PutScenarioZip(ctx context.Context, trackID int64, data []byte) ([]StoredProfile, error) {
	if err := requireScenarioEditor(ctx, trackID); err != nil {
		return nil, err
	}
	sc, err := scenarioOfZip(data)
	if err != nil {
		return nil, err
	}
	return a.putScenario(ctx, trackID, sc)
}

// PutScenario stores the profiles of a scenario sent as JSON (GENIUS XML
// texts or Parley's scenario, as the import takes them) on an existing
// track, as PutScenarioZip does.
func (a *Actions) PutScenario(ctx context.Context, trackID int64, in *ScenarioFiles) ([]StoredProfile, error) {
	if err := requireScenarioEditor(ctx, trackID); err != nil {
		return nil, err
	}
	sc, err := in.scenario()
	if err != nil {
		return nil, err
	}
	return a.putScenario(ctx, trackID, sc)
}

func requireScenarioEditor(ctx context.Context, trackID int64) error {
	c := parley.CallerFromContext(ctx)
	switch {
	case c.IsMediator(trackID):
		return nil
	case c.CanSeeTrack(trackID):
		return parley.Errorf(parley.EFORBIDDEN, "", "only the track's mediators may upload a scenario's profiles")
	}
	return parley.Errorf(parley.ENOTFOUND, "", "track %d not found", trackID)
}

// putScenario stores sc's profiles on the track: all or none.
func (a *Actions) putScenario(ctx context.Context, trackID int64, sc *negotiation.Scenario) ([]StoredProfile, error) {
	ps, ok := a.Store.(parley.ProfileService)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server keeps no sealed profiles")
	}
	if err := checkImport(sc); err != nil {
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
	if err := sameIssues(SortedThemes(themes), sc.Issues); err != nil {
		return nil, err
	}
	current, err := ps.FindProfiles(ctx, trackID)
	if err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, tp := range track.Parties {
		party, err := a.Store.FindPartyByID(ctx, tp.PartyID)
		if err != nil {
			return nil, err
		}
		byName[strings.ToLower(strings.TrimSpace(party.Name))] = party.ID
	}
	var puts []*parley.Profile
	for i, spec := range sc.Profiles {
		id, ok := byName[strings.ToLower(strings.TrimSpace(spec.Name))]
		if !ok {
			return nil, parley.Errorf(parley.EINVALID, "file", "%s.xml: no party of this track is named %q", spec.Name, spec.Name)
		}
		content := ProfileContentOf(&sc.Profiles[i])
		// What GENIUS cannot carry stays as the party's profile has it.
		if j := slices.IndexFunc(current, func(p *parley.Profile) bool { return p.PartyID == id }); j >= 0 {
			content.RedLines, content.CoreDemands, content.Notes = current[j].Content.RedLines, current[j].Content.CoreDemands, current[j].Content.Notes
		}
		if err := content.Validate(themes); err != nil {
			return nil, parley.Errorf(parley.EINVALID, "file", "%s.xml: %s", spec.Name, parley.ErrorMessage(err))
		}
		puts = append(puts, &parley.Profile{TrackID: trackID, PartyID: id, Content: content})
	}
	out := make([]StoredProfile, 0, len(puts))
	for i, p := range puts {
		if err := ps.PutProfile(ctx, p); err != nil {
			return nil, err
		}
		out = append(out, StoredProfile{Profile: sc.Profiles[i].Name, PartyID: p.PartyID, Version: p.Version})
	}
	return out, nil
}

// sameIssues checks that a scenario's issues are the track's themes: the
// same names and options, in order.
func sameIssues(themes []*parley.Theme, issues []negotiation.IssueSpec) error {
	if len(themes) != len(issues) {
		return parley.Errorf(parley.EINVALID, "file", "the domain has %d issues and the track %d themes: upload a domain of the track's themes (export it first)", len(issues), len(themes))
	}
	for i, th := range themes {
		is := issues[i]
		if th.Name != is.Name {
			return parley.Errorf(parley.EINVALID, "file", "the domain's issue %d is %q, the track's theme %d is %q", i+1, is.Name, i+1, th.Name)
		}
		labels := make([]string, len(th.Options))
		for j, o := range th.Options {
			labels[j] = o.Label
		}
		if !slices.Equal(labels, is.Options) {
			return parley.Errorf(parley.EINVALID, "file", "the domain's issue %q does not have the theme's options in its order", is.Name)
		}
	}
	return nil
}
