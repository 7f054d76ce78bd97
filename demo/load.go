package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/parley-talks/parley"
)

// Summary says what Load stored.
type Summary struct {
	Parties, Venues, Tracks, Events, Themes, Meetings, Members int
	Agreements, Exchanges, ChildCases                          int
	Accounts                                                   []string // emails, in scenario order
}

// IsLoaded reports whether the store already holds the demo (its mediator
// account exists). Like Load, it acts as the caller of ctx, which must be
// parley.System.
func IsLoaded(ctx context.Context, s parley.Store) (bool, error) {
	_, err := s.FindUserByEmail(ctx, MediatorEmail)
	switch parley.ErrorCode(err) {
	case "":
		return true, nil
	case parley.ENOTFOUND:
		return false, nil
	default:
		return false, err
	}
}

// Load stores the embedded demo scenario in s, which must be empty
// (ECONFLICT otherwise), with every demo account's password set to
// password. The loader writes as the caller of ctx, which must be
// parley.System: nobody else may create accounts and every track's data.
func Load(ctx context.Context, s parley.Store, password string) (*Summary, error) {
	empty, err := s.Empty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, parley.Errorf(parley.ECONFLICT, "", "the database already holds data; the demo is loaded only into a fresh database")
	}
	return LoadInto(ctx, s, password)
}

// LoadInto stores the demo scenario in s whatever s already holds; names
// that are taken make it fail with ECONFLICT part-way.
func LoadInto(ctx context.Context, s parley.Store, password string) (*Summary, error) {
	sc, err := Default()
	if err != nil {
		return nil, err
	}
	passwordHash, err := hashPassword(password)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	l := &loader{store: s, sc: sc, parties: map[string]int64{}, venues: map[string]int64{},
		tracks: map[string]*parley.Track{}, events: map[string]int64{}}
	if err := l.load(ctx, passwordHash); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return &l.sum, nil
}

type loader struct {
	store   parley.Store
	sc      *Scenario
	parties map[string]int64
	venues  map[string]int64
	tracks  map[string]*parley.Track
	events  map[string]int64
	sum     Summary
}

func (l *loader) load(ctx context.Context, passwordHash string) error {
	steps := []func(context.Context) error{l.loadParties, l.loadVenues, l.loadTracks, l.loadEvents, l.loadHistories, l.loadThemes, l.loadMeetings, l.loadProfiles, l.loadHumanitarian, l.loadAgreements, l.loadLinks, l.loadTalks}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return l.loadAccounts(ctx, passwordHash)
}

func (l *loader) loadParties(ctx context.Context) error {
	for _, p := range l.sc.Parties {
		p := p
		if err := l.store.CreateParty(ctx, &p); err != nil {
			return fmt.Errorf("party %q: %w", p.Name, err)
		}
		l.parties[p.Name] = p.ID
		l.sum.Parties++
	}
	return nil
}

func (l *loader) loadVenues(ctx context.Context) error {
	for _, v := range l.sc.Venues {
		v := v
		if err := l.store.CreateVenue(ctx, &v); err != nil {
			return fmt.Errorf("venue %q: %w", v.Name, err)
		}
		l.venues[v.Name] = v.ID
		l.sum.Venues++
	}
	return nil
}

func (l *loader) loadTracks(ctx context.Context) error {
	for _, ts := range l.sc.Tracks {
		t := &parley.Track{Title: ts.Title, Mandate: ts.Mandate, Status: parley.StatusExploratory, CreatedAt: ts.CreatedAt}
		for _, p := range ts.Parties {
			t.Parties = append(t.Parties, parley.TrackParty{PartyID: l.parties[p.Party], Role: p.Role})
		}
		for _, v := range ts.Venues {
			t.VenueIDs = append(t.VenueIDs, l.venues[v])
		}
		if err := l.store.CreateTrack(ctx, t); err != nil {
			return fmt.Errorf("track %q: %w", ts.Title, err)
		}
		l.tracks[ts.Key] = t
		l.sum.Tracks++
	}
	return nil
}

func (l *loader) loadEvents(ctx context.Context) error {
	for _, es := range l.sc.Events {
		e := &parley.Event{OccurredAt: es.OccurredAt, Title: es.Title, Description: es.Description, Source: es.Source}
		for _, k := range es.Tracks {
			e.TrackIDs = append(e.TrackIDs, l.tracks[k].ID)
		}
		if err := l.store.CreateEvent(ctx, e); err != nil {
			return fmt.Errorf("event %q: %w", es.Title, err)
		}
		l.events[es.Key] = e.ID
		l.sum.Events++
	}
	return nil
}

func (l *loader) loadHistories(ctx context.Context) error {
	for _, ts := range l.sc.Tracks {
		for _, h := range ts.History {
			at := h.At
			req := parley.TransitionRequest{To: h.To, Reason: h.Reason, At: &at}
			if h.Event != "" {
				id := l.events[h.Event]
				req.EventID = &id
			}
			if _, err := l.store.TransitionTrack(ctx, l.tracks[ts.Key].ID, req); err != nil {
				return fmt.Errorf("track %q: transition to %s: %w", ts.Title, h.To, err)
			}
		}
	}
	return nil
}

func (l *loader) loadThemes(ctx context.Context) error {
	for _, ts := range l.sc.Tracks {
		for i, th := range ts.Themes {
			t := &parley.Theme{TrackID: l.tracks[ts.Key].ID, Name: th.Name, Description: th.Description, Position: i}
			for _, o := range th.Options {
				t.Options = append(t.Options, parley.Option{Label: o})
			}
			if err := l.store.CreateTheme(ctx, t); err != nil {
				return fmt.Errorf("track %q: theme %q: %w", ts.Title, th.Name, err)
			}
			l.sum.Themes++
		}
	}
	return nil
}

func (l *loader) loadMeetings(ctx context.Context) error {
	for _, ts := range l.sc.Tracks {
		for _, ms := range ts.Meetings {
			m := &parley.Meeting{TrackID: l.tracks[ts.Key].ID, Title: ms.Title, Format: ms.Format,
				StartsAt: ms.StartsAt, EndsAt: ms.EndsAt, Outcome: ms.Outcome}
			if ms.Venue != "" {
				id := l.venues[ms.Venue]
				m.VenueID = &id
			}
			for _, a := range ms.Attendees {
				m.Attendees = append(m.Attendees, parley.Attendee{PartyID: l.parties[a]})
			}
			if err := l.store.CreateMeeting(ctx, m); err != nil {
				return fmt.Errorf("track %q: meeting %q: %w", ts.Title, ms.Title, err)
			}
			l.sum.Meetings++
		}
	}
	return nil
}

func (l *loader) loadAccounts(ctx context.Context, passwordHash string) error {
	for _, as := range l.sc.Accounts {
		u := &parley.User{Email: as.Email, Name: as.Name, PasswordHash: passwordHash}
		if err := l.store.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("account %s: %w", as.Email, err)
		}
		l.sum.Accounts = append(l.sum.Accounts, as.Email)
		for _, ms := range as.Memberships {
			for _, ts := range l.sc.Tracks {
				if !ms.covers(&ts) {
					continue
				}
				m := &parley.Member{TrackID: l.tracks[ts.Key].ID, UserID: u.ID, Role: ms.Role}
				if ms.Party != "" {
					id := l.parties[ms.Party]
					m.PartyID = &id
				}
				if err := l.store.CreateMember(ctx, m); err != nil {
					return fmt.Errorf("account %s: track %q: %w", as.Email, ts.Title, err)
				}
				l.sum.Members++
			}
		}
	}
	return nil
}

// covers reports whether the grant applies to track t.
func (ms MembershipSpec) covers(t *TrackSpec) bool {
	if ms.Track == "*" {
		return true
	}
	if party, ok := strings.CutPrefix(ms.Track, "*principal:"); ok {
		return t.hasRole(party, parley.RolePrincipal)
	}
	return ms.Track == t.Key
}

// loadProfiles stores each principal's position as its sealed profile.
func (l *loader) loadProfiles(ctx context.Context) error {
	for _, ts := range l.sc.Tracks {
		for _, pos := range ts.Positions {
			p := &parley.Profile{TrackID: l.tracks[ts.Key].ID, PartyID: l.parties[pos.Party], Content: pos.ProfileContent()}
			if err := l.store.PutProfile(ctx, p); err != nil {
				return fmt.Errorf("track %q: profile of %s: %w", ts.Key, pos.Party, err)
			}
		}
	}
	return nil
}

// loadLinks links the tracks the scenario links, last: a package link
// binds the agreements entered after it, not those the demo holds already.
func (l *loader) loadLinks(ctx context.Context) error {
	for _, ls := range l.sc.Links {
		a, b := l.tracks[ls.A], l.tracks[ls.B]
		if a == nil || b == nil {
			return fmt.Errorf("link %s–%s: unknown track", ls.A, ls.B)
		}
		link := &parley.Link{TrackA: a.ID, TrackB: b.ID, Kind: ls.Kind, OpensAt: ls.OpensAt, Reason: ls.Reason}
		if err := l.store.CreateLink(ctx, link); err != nil {
			return fmt.Errorf("link %s–%s: %w", ls.A, ls.B, err)
		}
	}
	return nil
}

// ProfileContent returns the position in the terms of parley.Profile.
func (p Position) ProfileContent() parley.ProfileContent {
	c := parley.ProfileContent{
		Weights:     p.Profile.Weights,
		Values:      p.Profile.Values,
		Reservation: p.Profile.Reservation,
		RedLines:    make([]parley.RedLine, len(p.Profile.RedLines)),
		CoreDemands: make([]parley.Choice, len(p.CoreDemands)),
		Notes:       p.Notes,
		LinkWeight:  p.LinkWeight,
	}
	for i, r := range p.Profile.RedLines {
		c.RedLines[i] = parley.RedLine{Kind: r.Kind, Issue: r.Issue, Option: r.Option, Then: r.Then, In: r.In, Min: r.Min}
	}
	for i, d := range p.CoreDemands {
		c.CoreDemands[i] = parley.Choice{Theme: d.Theme, Option: d.Option}
	}
	return c
}

// loadHumanitarian loads the prisoner exchanges and children's cases.
func (l *loader) loadHumanitarian(ctx context.Context) error {
	for _, x := range l.sc.Exchanges {
		t, ok := l.tracks[x.Track]
		if !ok {
			return fmt.Errorf("demo: exchange %q: unknown track %q", x.Title, x.Track)
		}
		e := &parley.Exchange{TrackID: t.ID, Title: x.Title, Terms: x.Terms, N: x.N, SideA: l.parties[x.SideA], SideB: l.parties[x.SideB]}
		if err := l.store.CreateExchange(ctx, e); err != nil {
			return fmt.Errorf("demo: exchange %q: %w", x.Title, err)
		}
		l.sum.Exchanges++
		if err := l.store.AddPrisoners(ctx, e.ID, e.SideA, x.ListA); err != nil {
			return fmt.Errorf("demo: exchange %q, list A: %w", x.Title, err)
		}
		if err := l.store.AddPrisoners(ctx, e.ID, e.SideB, x.ListB); err != nil {
			return fmt.Errorf("demo: exchange %q, list B: %w", x.Title, err)
		}
		var ids []int64
		for _, m := range x.Matches {
			pm, err := l.store.ConfirmMatch(ctx, e.ID, x.ListA[m[0]].ID, x.ListB[m[1]].ID)
			if err != nil {
				return fmt.Errorf("demo: exchange %q, match %v: %w", x.Title, m, err)
			}
			ids = append(ids, pm.ID)
		}
		for _, i := range x.Shared {
			if _, err := l.store.ShareMatch(ctx, ids[i]); err != nil {
				return fmt.Errorf("demo: exchange %q, share %d: %w", x.Title, i, err)
			}
		}
	}
	for i, c := range l.sc.ChildCases {
		t, ok := l.tracks[c.Track]
		if !ok || len(c.Steps) == 0 {
			return fmt.Errorf("demo: child case %d: unknown track %q or no steps", i+1, c.Track)
		}
		a := parley.AudienceMediators
		if c.Audience != string(parley.AudienceMediators) {
			a = parley.PartyAudience(l.parties[c.Audience])
		}
		cc := &parley.ChildCase{TrackID: t.ID, Audience: a, Child: c.Child}
		if err := l.store.CreateChildCase(ctx, cc, c.Steps[0]); err != nil {
			return fmt.Errorf("demo: child case %d: %w", i+1, err)
		}
		l.sum.ChildCases++
		for _, st := range c.Steps[1:] {
			if _, err := l.store.AdvanceChildCase(ctx, cc.ID, st); err != nil {
				return fmt.Errorf("demo: child case %d, stage %s: %w", i+1, st.Stage, err)
			}
		}
	}
	return nil
}
