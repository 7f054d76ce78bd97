package parley

import (
	"context"
	"time"
)

// ExchangeTerms are the terms of a prisoner exchange.
type ExchangeTerms string

const (
	TermsAllForAll ExchangeTerms = "all for all"
	TermsNForN     ExchangeTerms = "n for n" // N persons each way
)

// Limits of a prisoner exchange.
const (
	MaxPrisoners = 50_000 // persons on one side's list
)

// Exchange is a prisoner exchange between the two sides of a track. Its
// title, terms and sides are map data; the persons on each side's list are
// sealed (Prisoner).
type Exchange struct {
	ID        int64         `json:"id"`
	TrackID   int64         `json:"track_id"`
	Title     string        `json:"title"`
	Terms     ExchangeTerms `json:"terms"`
	N         int           `json:"n,omitempty"` // for TermsNForN
	SideA     int64         `json:"side_a"`      // the principals whose lists are compared
	SideB     int64         `json:"side_b"`
	CreatedBy *int64        `json:"created_by,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
}

// Validate checks the fields a caller sets; the store checks that the sides
// are principals of the track.
func (e *Exchange) Validate() error {
	if e.TrackID <= 0 {
		return Errorf(EINVALID, "track_id", "track_id must be a positive id")
	}
	if err := checkName("title", e.Title); err != nil {
		return err
	}
	switch e.Terms {
	case TermsAllForAll:
		if e.N != 0 {
			return Errorf(EINVALID, "n", "an all-for-all exchange has no n")
		}
	case TermsNForN:
		if e.N <= 0 || e.N > MaxPrisoners {
			return Errorf(EINVALID, "n", "an n-for-n exchange needs n between 1 and %d", MaxPrisoners)
		}
	default:
		return Errorf(EINVALID, "terms", "unknown terms %q (want all for all or n for n)", e.Terms)
	}
	if e.SideA <= 0 || e.SideB <= 0 || e.SideA == e.SideB {
		return Errorf(EINVALID, "side_b", "an exchange is between two different parties")
	}
	return nil
}

// Side reports whether the party is one of the exchange's two sides.
func (e *Exchange) Side(partyID int64) bool { return partyID == e.SideA || partyID == e.SideB }

// PrisonerStatus says whether a person is held as a member of armed forces or
// as a civilian.
type PrisonerStatus string

const (
	PrisonerMilitary PrisonerStatus = "military"
	PrisonerCivilian PrisonerStatus = "civilian"
)

// Prisoner is one person on a side's list for an exchange, with the fields of
// the Third Geneva Convention's art. 122 capture card. Every field but the
// ids is personal data, sealed to the side's party audience, the mediators
// and the track's verifiers (Caller.CanReadPrisoners); no error message or
// log line quotes one. Dates are YYYY-MM-DD.
type Prisoner struct {
	ID              int64          `json:"id"`
	ExchangeID      int64          `json:"exchange_id"`
	TrackID         int64          `json:"track_id"`
	PartyID         int64          `json:"party_id"` // the side whose list it is on
	Name            string         `json:"name"`     // in the original script
	Transliteration string         `json:"transliteration,omitempty"`
	Born            string         `json:"born"`
	Status          PrisonerStatus `json:"status"`
	Rank            string         `json:"rank,omitempty"`
	ServiceNumber   string         `json:"service_number,omitempty"`
	CapturePlace    string         `json:"capture_place,omitempty"`
	Captured        string         `json:"captured"`
	NextOfKin       string         `json:"next_of_kin,omitempty"`
	CreatedAt       time.Time      `json:"created_at"`
	HandedOverAt    *time.Time     `json:"handed_over_at,omitempty"` // when the exchange handed the person over
}

// Validate checks the person's fields as of today: dates well formed and not
// in the future, capture after birth, a civilian without rank. Messages name
// the field, never its value.
func (p *Prisoner) Validate(field string, today time.Time) error {
	if err := checkName(field+".name", p.Name); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{
		{"transliteration", p.Transliteration}, {"rank", p.Rank}, {"service_number", p.ServiceNumber},
		{"capture_place", p.CapturePlace}, {"next_of_kin", p.NextOfKin},
	} {
		if err := checkString(field+"."+f.name, f.v, MaxNameLen); err != nil {
			return err
		}
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	date := func(name, v string) (time.Time, error) {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return d, Errorf(EINVALID, field+"."+name, "%s.%s is not a date (YYYY-MM-DD)", field, name)
		}
		if d.After(today) {
			return d, Errorf(EINVALID, field+"."+name, "%s.%s is in the future", field, name)
		}
		return d, nil
	}
	born, err := date("born", p.Born)
	if err != nil {
		return err
	}
	captured, err := date("captured", p.Captured)
	if err != nil {
		return err
	}
	if captured.Before(born) {
		return Errorf(EINVALID, field+".captured", "%s.captured is before the date of birth", field)
	}
	switch p.Status {
	case PrisonerMilitary:
	case PrisonerCivilian:
		if p.Rank != "" || p.ServiceNumber != "" {
			return Errorf(EINVALID, field+".status", "%s: a civilian has no rank or service number", field)
		}
	default:
		return Errorf(EINVALID, field+".status", "%s.status must be military or civilian", field)
	}
	return nil
}

// PrisonerMatch is a pair of persons, one on each side's list, that a
// mediator confirmed to be the same person.
type PrisonerMatch struct {
	ID          int64      `json:"id"`
	ExchangeID  int64      `json:"exchange_id"`
	PrisonerA   int64      `json:"prisoner_a"` // on side A's list
	PrisonerB   int64      `json:"prisoner_b"` // on side B's list
	ConfirmedBy *int64     `json:"confirmed_by,omitempty"`
	ConfirmedAt time.Time  `json:"confirmed_at"`
	VerifiedBy  *int64     `json:"verified_by,omitempty"` // the neutral body's verifier
	VerifiedAt  *time.Time `json:"verified_at,omitempty"`
	SharedBy    *int64     `json:"shared_by,omitempty"` // the mediator who shared it with both sides
	SharedAt    *time.Time `json:"shared_at,omitempty"`
}

// Counterpart returns the person of the match on the other side's list
// from id, and whether id is in the match at all.
func (m *PrisonerMatch) Counterpart(id int64) (int64, bool) {
	switch id {
	case m.PrisonerA:
		return m.PrisonerB, true
	case m.PrisonerB:
		return m.PrisonerA, true
	}
	return 0, false
}

// ExchangeService keeps prisoner exchanges, the sides' lists and the
// mediators' confirmed matches. Exchanges are map data (read per
// CanSeeTrack, created per CanEditTrack); a side's list is read per
// CanReadPrisoners and written per CanEditProfile for that side; matches
// are confirmed per CanEditTrack and read by whoever reads both lists.
type ExchangeService interface {
	CreateExchange(ctx context.Context, e *Exchange) error
	FindExchangeByID(ctx context.Context, id int64) (*Exchange, error)
	// FindExchanges returns the track's exchanges, oldest first.
	FindExchanges(ctx context.Context, trackID int64) ([]*Exchange, error)
	// AddPrisoners adds persons to a side's list, all or none: EINVALID
	// naming the first bad person (prisoners[i].field) stores nothing, nor
	// does a person whose name and date of birth repeat one already on the
	// list (ECONFLICT).
	AddPrisoners(ctx context.Context, exchangeID, partyID int64, ps []*Prisoner) error
	// FindPrisoners returns the persons of a side's list the caller may
	// read (CanReadPerson), in the order added: the whole list to its
	// readers (CanReadPrisoners); to the other side's party audience only
	// the persons of shared matches, possibly none; ENOTFOUND to anyone
	// else.
	FindPrisoners(ctx context.Context, exchangeID, partyID int64) ([]*Prisoner, error)
	// ConfirmMatch records that a person of side A's list and one of side
	// B's are the same; ECONFLICT if either is matched already.
	ConfirmMatch(ctx context.Context, exchangeID, prisonerA, prisonerB int64) (*PrisonerMatch, error)
	// FindMatches returns the confirmed matches, oldest first: all of them
	// to a caller who reads both lists, the shared ones to a caller who
	// reads one, ENOTFOUND to anyone else.
	FindMatches(ctx context.Context, exchangeID int64) ([]*PrisonerMatch, error)
	// ShareMatch is the mediators' act of sharing a confirmed match with
	// both sides: from then on each side's delegates read the other
	// side's person of the match (CanReadPerson). EFORBIDDEN for anyone
	// but the track's mediators, ECONFLICT if shared already.
	ShareMatch(ctx context.Context, matchID int64) (*PrisonerMatch, error)
	// VerifyMatch records the neutral body's verification of a confirmed
	// match: the track's verifiers only; ECONFLICT if verified already.
	VerifyMatch(ctx context.Context, matchID int64) (*PrisonerMatch, error)
	// RecordHandover records the persons the exchange actually handed
	// over (mediators), all or none: EINVALID for a person not on its
	// lists or, on an n-for-n exchange, for a handover that would bring
	// either side past n persons (field prisoner_ids); ECONFLICT for one
	// handed over already.
	RecordHandover(ctx context.Context, exchangeID int64, prisonerIDs []int64) error
	// FindHandedOver returns the persons handed over by the track's
	// exchanges other than except, on the lists the caller may read, so
	// that a new list can be checked against them.
	FindHandedOver(ctx context.Context, trackID, except int64) ([]*Prisoner, error)
	// HumanitarianTallies returns, for every track the caller sees that
	// has exchanges or children's cases, its counts: persons handed over
	// and matched, cases per stage. Counts only, map data; no person is
	// opened to count them.
	HumanitarianTallies(ctx context.Context) (map[int64]*HumanitarianTally, error)
}

// HumanitarianTally is a track's humanitarian counts for the map: no name,
// no person, visible to whoever sees the track.
type HumanitarianTally struct {
	TrackID    int64            `json:"track_id"`
	Exchanges  int              `json:"exchanges"`
	HandedOver int              `json:"handed_over"` // persons, both sides' lists
	Matched    int              `json:"matched"`     // persons in confirmed matches (two per match)
	Children   ChildStageCounts `json:"children"`    // cases per stage; absent stages are zero
	Cases      int              `json:"cases"`
}

// CanReadPrisoners reports whether the caller may read the persons on a
// side's list: the party audience of that side (its delegates and the
// mediators, per CanRead) and the track's verifiers, the neutral body that
// checks the lists.
func (c *Caller) CanReadPrisoners(trackID, partyID int64) bool {
	return c.CanRead(trackID, PartyAudience(partyID)) || c.CanVerify(trackID)
}

// CanReadPerson is the one rule for reading one person of an exchange's
// lists: whoever reads the person's whole list (CanReadPrisoners) and,
// once a mediator has shared the confirmed match that pairs the person
// with one on the other side's list (shared), that other side's party
// audience — its delegates. A delegate reads nothing else of the other
// side's list: not before the share, not the persons of matches not
// shared, not the unmatched.
func (c *Caller) CanReadPerson(e *Exchange, partyID int64, shared bool) bool {
	if c.CanReadPrisoners(e.TrackID, partyID) {
		return true
	}
	if !shared || !e.Side(partyID) {
		return false
	}
	other := e.SideA
	if partyID == e.SideA {
		other = e.SideB
	}
	return c.CanRead(e.TrackID, PartyAudience(other))
}

// CanVerify reports whether the caller verifies for the neutral body on the
// track: its verifiers (and System).
func (c *Caller) CanVerify(trackID int64) bool {
	if c.IsSystem() {
		return true
	}
	g := c.Grant(trackID)
	return g != nil && g.Role == MemberVerifier
}
