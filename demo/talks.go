package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parley-talks/parley"
)

// The energy track's talks in progress, so that every page of the desk
// shows something real: the mediators' starting point and an improvement
// of it (better for one delegation, worse for none, under both profiles),
// a proposal of each delegation and Ukraine's second, a concession; the
// improvement put to both delegations for secret answers; a negotiating
// text whose first version brackets the duration and whose draft agrees
// it; and the notes of the Doha consultations, one for each delegation
// and minutes for everyone.

// The talks' words, as stored (TalkTexts).
const (
	startRationale    = "A starting point for the moratorium."
	improvedRationale = "An improvement of proposal %d: better for some party, worse for none."
	uaRationale       = "Ukraine's opening position."
	ruRationale       = "Russia's opening position."
	uaStepRationale   = "Ukraine meets Russia on the first theme."
	textTitle         = "Draft moratorium on strikes against energy infrastructure"
	clauseRefrain     = "Neither side strikes the energy infrastructure of the other."
	clauseLasts       = "The moratorium lasts "
	clauseRenewed     = " and is renewed unless either side objects."
	clauseMonitors    = "Monitors notify both sides of every violation within 24 hours."
	clauseMonitors2   = "Monitors notify both sides and the mediation of every violation within 24 hours."
	noteUA            = "Kyiv could accept monitoring by the IAEA alone if the moratorium covers the grid."
	noteRU            = "Moscow asks that ports stay outside the moratorium for now."
	noteMinutes       = "Both delegations confirmed the scope under discussion; the duration stays open."
)

// TalkTexts are the words the talks store, as the pages show them (for
// tests that tell stored data from the pages' own words).
func TalkTexts() []string {
	improved, _, _ := strings.Cut(improvedRationale, "%d")
	_, improvedEnd, _ := strings.Cut(improvedRationale, "%d")
	return []string{startRationale, improved, improvedEnd, uaRationale, ruRationale, uaStepRationale, textTitle, clauseRefrain,
		clauseLasts, clauseRenewed, clauseMonitors, clauseMonitors2, noteUA, noteRU, noteMinutes}
}

// talksTrack is the track the talks are loaded on.
const talksTrack = "energy"

// ballotOpen is how long the demo's ballot stays open from loading.
const ballotOpen = 30 * 24 * time.Hour

func (l *loader) loadTalks(ctx context.Context) error {
	t, ok := l.tracks[talksTrack]
	if !ok {
		return nil // a scenario without the track has no talks
	}
	themes, err := l.store.FindThemes(ctx, t.ID)
	if err != nil {
		return err
	}
	if len(themes) == 0 {
		return nil
	}
	slices.SortStableFunc(themes, func(a, b *parley.Theme) int { return a.Position - b.Position })
	ua, ru := l.parties["Ukraine"], l.parties["Russia"]
	profiles := map[int64]*parley.ProfileContent{}
	for _, party := range []int64{ua, ru} {
		p, err := l.store.FindProfile(ctx, t.ID, party)
		if err != nil {
			return fmt.Errorf("talks: profile of party %d: %w", party, err)
		}
		profiles[party] = &p.Content
	}
	best := func(party int64) []parley.Choice {
		var pkg []parley.Choice
		for _, th := range themes {
			top := th.Options[0].Label
			for _, o := range th.Options {
				if profiles[party].Values[th.Name][o.Label] > profiles[party].Values[th.Name][top] {
					top = o.Label
				}
			}
			pkg = append(pkg, parley.Choice{Theme: th.Name, Option: top})
		}
		return pkg
	}
	start := make([]parley.Choice, len(themes))
	for i, th := range themes {
		start[i] = parley.Choice{Theme: th.Name, Option: th.Options[0].Label}
	}
	improved := improvement(themes, start, profiles[ua], profiles[ru])
	uaFirst, ruFirst := best(ua), best(ru)
	uaSecond := append([]parley.Choice(nil), uaFirst...)
	uaSecond[0] = ruFirst[0] // Ukraine moves toward Russia on the first theme
	put := func(author *int64, pkg []parley.Choice, rationale string, supersedes *int64) (*parley.Proposal, error) {
		p := &parley.Proposal{TrackID: t.ID, AuthorPartyID: author, Audience: parley.AudiencePlenary, Package: pkg, Rationale: rationale, Supersedes: supersedes}
		if err := l.store.CreateProposal(ctx, p); err != nil {
			return nil, fmt.Errorf("talks: proposal %q: %w", rationale, err)
		}
		return p, nil
	}
	first, err := put(nil, start, startRationale, nil)
	if err != nil {
		return err
	}
	if improved != nil {
		if _, err := put(nil, improved, fmt.Sprintf(improvedRationale, first.ID), &first.ID); err != nil {
			return err
		}
	}
	if _, err := put(&ua, uaFirst, uaRationale, nil); err != nil {
		return err
	}
	if _, err := put(&ru, ruFirst, ruRationale, nil); err != nil {
		return err
	}
	if _, err := put(&ua, uaSecond, uaStepRationale, nil); err != nil {
		return err
	}
	ballotPkg := improved
	if ballotPkg == nil {
		ballotPkg = start
	}
	b := &parley.Ballot{TrackID: t.ID, Package: ballotPkg, PartyIDs: []int64{ua, ru}, Deadline: parley.Now().Add(ballotOpen).Truncate(time.Minute)}
	if err := l.store.CreateBallot(ctx, b); err != nil {
		return fmt.Errorf("talks: ballot: %w", err)
	}
	if err := l.loadText(ctx, t, themes, ua, ru); err != nil {
		return err
	}
	return l.loadNotes(ctx, t, ua, ru)
}

// improvement is the package better than base for one party and worse for
// none, crossing no red line of either, with the largest smaller gain;
// nil if there is none. It tries every package: the demo's agenda is small.
func improvement(themes []*parley.Theme, base []parley.Choice, a, b *parley.ProfileContent) []parley.Choice {
	ua, ub := a.Utility(base), b.Utility(base)
	var out []parley.Choice
	bestGain := 0.0
	pkg := make([]parley.Choice, len(themes))
	var walk func(i int)
	walk = func(i int) {
		if i == len(themes) {
			ga, gb := a.Utility(pkg)-ua, b.Utility(pkg)-ub
			if ga < 0 || gb < 0 || ga+gb == 0 || len(a.Crossed(pkg)) > 0 || len(b.Crossed(pkg)) > 0 {
				return
			}
			if g := min(ga, gb) + (ga+gb)/1e6; out == nil || g > bestGain {
				out, bestGain = append([]parley.Choice(nil), pkg...), g
			}
			return
		}
		for _, o := range themes[i].Options {
			pkg[i] = parley.Choice{Theme: themes[i].Name, Option: o.Label}
			walk(i + 1)
		}
	}
	walk(0)
	return out
}

// loadText starts the track's negotiating text: a first version with the
// duration in brackets, sponsored by each delegation, frozen; and a draft
// that agrees it.
func (l *loader) loadText(ctx context.Context, t *parley.Track, themes []*parley.Theme, ua, ru int64) error {
	text := &parley.NegotiatingText{TrackID: t.ID, Title: textTitle, Audience: parley.AudiencePlenary}
	if err := l.store.CreateText(ctx, text); err != nil {
		return fmt.Errorf("talks: text: %w", err)
	}
	th := themes[0]
	for _, x := range themes {
		if x.Name == "Duration" {
			th = x
		}
	}
	last := th.Options[len(th.Options)-1].Label
	v1, err := l.store.CreateVersion(ctx, text.ID, []parley.Clause{
		{Text: clauseRefrain, Status: parley.ClauseAgreedAdReferendum},
		{Alternatives: []parley.Alternative{
			{Text: clauseLasts + th.Options[0].Label + ".", Sponsors: []int64{ru}, Theme: th.Name, Option: th.Options[0].Label},
			{Text: clauseLasts + last + ".", Sponsors: []int64{ua}, Theme: th.Name, Option: last},
		}, Status: parley.ClauseBracketed},
		{Text: clauseMonitors, Status: parley.ClauseOpen},
	})
	if err != nil {
		return fmt.Errorf("talks: text version 1: %w", err)
	}
	if _, err := l.store.FreezeVersion(ctx, v1.ID); err != nil {
		return fmt.Errorf("talks: freeze version 1: %w", err)
	}
	if _, err := l.store.CreateVersion(ctx, text.ID, []parley.Clause{
		{Text: clauseRefrain, Status: parley.ClauseAgreed},
		{Text: clauseLasts + th.Options[0].Label + clauseRenewed, Status: parley.ClauseAgreedAdReferendum},
		{Text: clauseMonitors2, Status: parley.ClauseOpen},
	}); err != nil {
		return fmt.Errorf("talks: text version 2: %w", err)
	}
	return nil
}

// loadNotes writes the notes of the track's first meeting: a caucus note
// for each delegation and the minutes for everyone.
func (l *loader) loadNotes(ctx context.Context, t *parley.Track, ua, ru int64) error {
	ms, _, err := l.store.FindMeetings(ctx, parley.MeetingFilter{TrackID: t.ID, Page: parley.Page{Limit: 1}})
	if err != nil || len(ms) == 0 {
		return err
	}
	for _, n := range []*parley.MeetingNote{
		{Kind: parley.NoteCaucus, Audience: parley.PartyAudience(ua), Text: noteUA},
		{Kind: parley.NoteCaucus, Audience: parley.PartyAudience(ru), Text: noteRU},
		{Kind: parley.NoteMinutes, Audience: parley.AudiencePlenary, Text: noteMinutes},
	} {
		n.MeetingID = ms[0].ID
		if err := l.store.CreateNote(ctx, n); err != nil {
			return fmt.Errorf("talks: note: %w", err)
		}
	}
	return nil
}
