package parley

import (
	"context"
	"time"
	_ "time/tzdata" // the zone database, for servers and images without one
)

// Venue is a place where meetings are held.
type Venue struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	City    string `json:"city"`
	Country string `json:"country"`
	// TimeZone is the venue's time zone, an IANA name ("Europe/Istanbul"):
	// its meetings' calendar events are in it. "" for none (UTC).
	TimeZone  string    `json:"time_zone,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Location is the venue's time zone; UTC for a venue without one.
func (v *Venue) Location() *time.Location {
	if v.TimeZone != "" {
		if l, err := time.LoadLocation(v.TimeZone); err == nil {
			return l
		}
	}
	return time.UTC
}

// checkTimeZone checks an IANA time zone name, as the zone database Go
// carries (time/tzdata) knows it; "" is none.
func checkTimeZone(field, name string) error {
	if name == "" {
		return nil
	}
	if name == "Local" || len(name) > MaxNameLen {
		return Errorf(EINVALID, field, "%s must be an IANA time zone name like Europe/Istanbul", field)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return Errorf(EINVALID, field, "%s %q is no time zone the zone database knows (an IANA name like Europe/Istanbul)", field, name)
	}
	return nil
}

// Validate checks the fields a caller sets.
func (v *Venue) Validate() error {
	if err := checkName("name", v.Name); err != nil {
		return err
	}
	if err := checkName("city", v.City); err != nil {
		return err
	}
	if err := checkString("country", v.Country, MaxNameLen); err != nil {
		return err
	}
	return checkTimeZone("time_zone", v.TimeZone)
}

// VenueUpdate is a partial change of a venue ("" clears the time zone).
type VenueUpdate struct {
	Name     *string `json:"name,omitempty"`
	City     *string `json:"city,omitempty"`
	Country  *string `json:"country,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
}

// VenueService keeps venues.
type VenueService interface {
	FindVenueByID(ctx context.Context, id int64) (*Venue, error)
	FindVenues(ctx context.Context, page Page) ([]*Venue, int, error)
	// CreateVenue stores v; ECONFLICT if the name is taken.
	CreateVenue(ctx context.Context, v *Venue) error
	UpdateVenue(ctx context.Context, id int64, upd VenueUpdate) (*Venue, error)
}
