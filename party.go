package parley

import (
	"context"
	"time"
)

// PartyKind says what a party is.
type PartyKind string

const (
	PartyState        PartyKind = "state"
	PartyOrganisation PartyKind = "organisation"
	PartyDelegation   PartyKind = "delegation"
)

// Party is a state, organisation or delegation. Its role is per track (see
// TrackParty).
type Party struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      PartyKind `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the fields a caller sets.
func (p *Party) Validate() error {
	if err := checkName("name", p.Name); err != nil {
		return err
	}
	switch p.Kind {
	case PartyState, PartyOrganisation, PartyDelegation:
		return nil
	}
	return Errorf(EINVALID, "kind", "unknown party kind %q (want state, organisation or delegation)", p.Kind)
}

// PartyUpdate is a partial change of a party.
type PartyUpdate struct {
	Name *string    `json:"name,omitempty"`
	Kind *PartyKind `json:"kind,omitempty"`
}

// PartyService keeps parties.
type PartyService interface {
	// FindPartyByID returns the party or ENOTFOUND.
	FindPartyByID(ctx context.Context, id int64) (*Party, error)
	// FindParties returns parties ordered by ID and the total count.
	FindParties(ctx context.Context, page Page) ([]*Party, int, error)
	// CreateParty stores p; ECONFLICT if the name is taken.
	CreateParty(ctx context.Context, p *Party) error
	// UpdateParty applies upd; ENOTFOUND, ECONFLICT on a taken name.
	UpdateParty(ctx context.Context, id int64, upd PartyUpdate) (*Party, error)
}
