package parley

import (
	"context"
	"time"
)

// Venue is a place where meetings are held.
type Venue struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	City      string    `json:"city"`
	Country   string    `json:"country"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the fields a caller sets.
func (v *Venue) Validate() error {
	if err := checkName("name", v.Name); err != nil {
		return err
	}
	if err := checkName("city", v.City); err != nil {
		return err
	}
	return checkString("country", v.Country, MaxNameLen)
}

// VenueUpdate is a partial change of a venue.
type VenueUpdate struct {
	Name    *string `json:"name,omitempty"`
	City    *string `json:"city,omitempty"`
	Country *string `json:"country,omitempty"`
}

// VenueService keeps venues.
type VenueService interface {
	FindVenueByID(ctx context.Context, id int64) (*Venue, error)
	FindVenues(ctx context.Context, page Page) ([]*Venue, int, error)
	// CreateVenue stores v; ECONFLICT if the name is taken.
	CreateVenue(ctx context.Context, v *Venue) error
	UpdateVenue(ctx context.Context, id int64, upd VenueUpdate) (*Venue, error)
}
