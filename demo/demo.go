// Package demo holds Parley's demo scenario — the second-track talks of the
// seed article: ten parties, six tracks with their themes, venues, meetings,
// outside events and status histories, the principals' positions, and four
// demo accounts — and loads it into a store.
//
// The scenario is the file scenario.json beside this code, embedded in the
// binary. Its dates, themes, options and positions are illustrative.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
)

//go:embed scenario.json
var scenarioJSON []byte

// MediatorEmail is the demo mediator's account; its presence marks a store
// that holds the demo.
const MediatorEmail = "mediator@demo.parley"

// Scenario is the demo file's form.
type Scenario struct {
	About    string         `json:"about"`
	Parties  []parley.Party `json:"parties"`
	Venues   []parley.Venue `json:"venues"`
	Events   []EventSpec    `json:"events"`
	Tracks   []TrackSpec    `json:"tracks"`
	Accounts []AccountSpec  `json:"accounts"`
	// The humanitarian ledgers (issue 5): fictional persons and children.
	Exchanges  []ExchangeSpec  `json:"exchanges,omitempty"`
	ChildCases []ChildCaseSpec `json:"child_cases,omitempty"`
	// Links bind tracks by key (see parley.Link).
	Links []LinkSpec `json:"links,omitempty"`
}

// ExchangeSpec is a prisoner exchange on a track with both sides' lists;
// Matches pair indexes into ListA and ListB, confirmed by the mediators,
// and Shared names the matches (indexes into Matches) shared with both
// sides.
type ExchangeSpec struct {
	Track   string               `json:"track"`
	Title   string               `json:"title"`
	Terms   parley.ExchangeTerms `json:"terms"`
	N       int                  `json:"n,omitempty"`
	SideA   string               `json:"side_a"`
	SideB   string               `json:"side_b"`
	ListA   []*parley.Prisoner   `json:"list_a"`
	ListB   []*parley.Prisoner   `json:"list_b"`
	Matches [][2]int             `json:"matches,omitempty"`
	Shared  []int                `json:"shared,omitempty"`
}

// ChildCaseSpec is a child's return case: its audience ("mediators" or a
// party's name) and its stages, the first identified.
type ChildCaseSpec struct {
	Track    string              `json:"track"`
	Audience string              `json:"audience"`
	Child    parley.ChildDetails `json:"child"`
	Steps    []parley.ChildStep  `json:"steps"`
}

// EventSpec is an outside event; Tracks are track keys.
type EventSpec struct {
	Key         string    `json:"key"`
	OccurredAt  time.Time `json:"occurred_at"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Source      string    `json:"source"`
	Tracks      []string  `json:"tracks"`
}

// TrackSpec is a track with everything that hangs off it, named rather than
// numbered.
type TrackSpec struct {
	Key       string           `json:"key"`
	Title     string           `json:"title"`
	Mandate   string           `json:"mandate"`
	Parties   []PartyRoleSpec  `json:"parties"`
	Venues    []string         `json:"venues"`
	CreatedAt time.Time        `json:"created_at"`
	History   []TransitionSpec `json:"history"`
	Themes    []ThemeSpec      `json:"themes"`
	Meetings  []MeetingSpec    `json:"meetings"`
	Positions []Position       `json:"positions"`
	// Agreements: demo/agreements.go.
	Agreements []AgreementSpec `json:"agreements,omitempty"`
}

// PartyRoleSpec is a party's role in a track.
type PartyRoleSpec struct {
	Party string           `json:"party"`
	Role  parley.PartyRole `json:"role"`
}

// TransitionSpec is one step of a track's status history.
type TransitionSpec struct {
	To     parley.Status `json:"to"`
	At     time.Time     `json:"at"`
	Reason string        `json:"reason"`
	Event  string        `json:"event,omitempty"`
}

// ThemeSpec is an agenda item with its options in order.
type ThemeSpec struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Options     []string `json:"options"`
}

// MeetingSpec is a meeting; Venue and Attendees are names.
type MeetingSpec struct {
	Title     string               `json:"title"`
	Venue     string               `json:"venue"`
	Format    parley.MeetingFormat `json:"format"`
	StartsAt  time.Time            `json:"starts_at"`
	EndsAt    *time.Time           `json:"ends_at,omitempty"`
	Attendees []string             `json:"attendees"`
	Outcome   string               `json:"outcome"`
}

// Position is a principal's confidential position on a track: what the
// delegation tells the mediator in caucus — its core demands, free notes, and
// its priorities and red lines in the analysis's terms. It is sealed when
// stored.
type Position struct {
	Party       string                  `json:"party"`
	CoreDemands []Choice                `json:"core_demands"`
	Notes       string                  `json:"notes"`
	Profile     negotiation.ProfileSpec `json:"profile"`
	// LinkWeight is how much the track matters to the party relative to
	// the tracks it is linked with (parley.ProfileContent.LinkWeight).
	LinkWeight *float64 `json:"link_weight,omitempty"`
}

// LinkSpec is a link between two tracks, named by their keys.
type LinkSpec struct {
	A       string          `json:"a"`
	B       string          `json:"b"`
	Kind    parley.LinkKind `json:"kind"`
	OpensAt parley.Status   `json:"opens_at,omitempty"`
	Reason  string          `json:"reason"`
}

// Choice is one option of one theme.
type Choice struct {
	Theme  string `json:"theme"`
	Option string `json:"option"`
}

// AccountSpec is a demo account and its grants.
type AccountSpec struct {
	Email       string           `json:"email"`
	Name        string           `json:"name"`
	Memberships []MembershipSpec `json:"memberships"`
}

// MembershipSpec grants a role on tracks: Track is a track key, "*" for
// every track, or "*principal:<party>" for every track where that party is a
// principal.
type MembershipSpec struct {
	Track string            `json:"track"`
	Role  parley.MemberRole `json:"role"`
	Party string            `json:"party,omitempty"`
}

// Default parses the embedded scenario. It fails only if the file in the binary
// is broken, which the package's tests rule out.
func Default() (*Scenario, error) {
	return Parse(scenarioJSON)
}

// Parse decodes a scenario, refusing unknown fields, and checks that every
// name it refers to is defined.
func Parse(data []byte) (*Scenario, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("demo: parse scenario: %w", err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("demo: scenario: %w", err)
	}
	return &s, nil
}

// check verifies the references between the scenario's parts by name.
func (s *Scenario) check() error {
	parties := map[string]bool{}
	for _, p := range s.Parties {
		parties[p.Name] = true
	}
	venues := map[string]bool{}
	for _, v := range s.Venues {
		venues[v.Name] = true
	}
	tracks := map[string]*TrackSpec{}
	for i := range s.Tracks {
		tracks[s.Tracks[i].Key] = &s.Tracks[i]
	}
	events := map[string]bool{}
	for _, e := range s.Events {
		events[e.Key] = true
		for _, k := range e.Tracks {
			if tracks[k] == nil {
				return fmt.Errorf("event %q links unknown track %q", e.Key, k)
			}
		}
	}
	for _, t := range s.Tracks {
		for _, p := range t.Parties {
			if !parties[p.Party] {
				return fmt.Errorf("track %q: unknown party %q", t.Key, p.Party)
			}
		}
		for _, v := range t.Venues {
			if !venues[v] {
				return fmt.Errorf("track %q: unknown venue %q", t.Key, v)
			}
		}
		for _, h := range t.History {
			if h.Event != "" && !events[h.Event] {
				return fmt.Errorf("track %q: transition to %s cites unknown event %q", t.Key, h.To, h.Event)
			}
		}
		for _, m := range t.Meetings {
			if m.Venue != "" && !venues[m.Venue] {
				return fmt.Errorf("track %q: meeting %q: unknown venue %q", t.Key, m.Title, m.Venue)
			}
			for _, a := range m.Attendees {
				if !parties[a] {
					return fmt.Errorf("track %q: meeting %q: unknown attendee %q", t.Key, m.Title, a)
				}
			}
		}
		if err := t.checkPositions(); err != nil {
			return err
		}
	}
	for _, a := range s.Accounts {
		for _, m := range a.Memberships {
			if m.Party != "" && !parties[m.Party] {
				return fmt.Errorf("account %s: unknown party %q", a.Email, m.Party)
			}
			if key, ok := strings.CutPrefix(m.Track, "*principal:"); ok {
				if !parties[key] {
					return fmt.Errorf("account %s: unknown party %q", a.Email, key)
				}
			} else if m.Track != "*" && tracks[m.Track] == nil {
				return fmt.Errorf("account %s: unknown track %q", a.Email, m.Track)
			}
		}
	}
	return nil
}

func (t *TrackSpec) checkPositions() error {
	for _, p := range t.Positions {
		if !t.hasRole(p.Party, parley.RolePrincipal) {
			return fmt.Errorf("track %q: position of %q, who is not a principal", t.Key, p.Party)
		}
		for _, c := range p.CoreDemands {
			if !t.hasOption(c.Theme, c.Option) {
				return fmt.Errorf("track %q: %s: core demand %q: %q is not an option", t.Key, p.Party, c.Theme, c.Option)
			}
		}
	}
	if len(t.Positions) == 0 {
		return nil
	}
	if _, err := t.AnalysisScenario().Compile(); err != nil {
		return fmt.Errorf("track %q: positions: %w", t.Key, err)
	}
	return nil
}

func (t *TrackSpec) hasOption(theme, option string) bool {
	for _, th := range t.Themes {
		if th.Name == theme {
			for _, o := range th.Options {
				if o == option {
					return true
				}
			}
		}
	}
	return false
}

// AnalysisScenario returns the track's themes and its principals' profiles
// as a negotiation scenario.
func (t *TrackSpec) AnalysisScenario() *negotiation.Scenario {
	sc := &negotiation.Scenario{Name: t.Title}
	for _, th := range t.Themes {
		sc.Issues = append(sc.Issues, negotiation.IssueSpec{Name: th.Name, Options: th.Options})
	}
	for _, p := range t.Positions {
		prof := p.Profile
		prof.Name = p.Party
		sc.Profiles = append(sc.Profiles, prof)
	}
	return sc
}

func (t *TrackSpec) hasRole(party string, role parley.PartyRole) bool {
	for _, p := range t.Parties {
		if p.Party == party && p.Role == role {
			return true
		}
	}
	return false
}
