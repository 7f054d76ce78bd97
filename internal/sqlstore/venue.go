package sqlstore

import (
	"context"
	"strconv"

	"github.com/parley-talks/parley"
)

// scanVenue reads a row of tVenues.
func scanVenue(row rowScanner) (*parley.Venue, error) {
	var v parley.Venue
	var created, updated int64
	if err := row.Scan(&v.ID, &v.Name, &v.City, &v.Country, &created, &updated); err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = fromMicro(created), fromMicro(updated)
	return &v, nil
}

// FindVenueByID returns the venue or ENOTFOUND.
func (s *Store) FindVenueByID(ctx context.Context, id int64) (_ *parley.Venue, err error) {
	defer s.mapErr(&err, "find venue")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) (*parley.Venue, error) { return findVenueByID(ctx, tx, id, false) })
}

// FindVenues returns venues ordered by ID and the total count.
func (s *Store) FindVenues(ctx context.Context, page parley.Page) (_ []*parley.Venue, total int, err error) {
	defer s.mapErr(&err, "find venues")
	if err := requireSignedIn(ctx); err != nil {
		return nil, 0, err
	}
	vs, total, err := readPage(ctx, s, tVenues, scanVenue, "", page)
	if err != nil {
		return nil, 0, err
	}
	return vs, total, s.withVenueZones(ctx, vs)
}

// withVenueZones fills the time zones of venues read before.
func (s *Store) withVenueZones(ctx context.Context, vs []*parley.Venue) error {
	if len(vs) == 0 {
		return nil
	}
	_, err := readTx(ctx, s, func(tx *Tx) (struct{}, error) { return struct{}{}, venueZones(ctx, tx, vs...) })
	return err
}

// CreateVenue stores v; ECONFLICT if the name is taken.
func (s *Store) CreateVenue(ctx context.Context, v *parley.Venue) (err error) {
	defer s.mapErr(&err, "create venue")
	if err := v.Validate(); err != nil {
		return err
	}
	if err := requireOpenTrack(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := createVenue(ctx, tx, v); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "venue.create", object: "venue/" + strconv.FormatInt(v.ID, 10)})
	})
}

// UpdateVenue applies upd; ENOTFOUND, ECONFLICT on a taken name.
func (s *Store) UpdateVenue(ctx context.Context, id int64, upd parley.VenueUpdate) (_ *parley.Venue, err error) {
	defer s.mapErr(&err, "update venue")
	var v *parley.Venue
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if v, err = updateVenue(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "venue.update", object: "venue/" + strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func findVenueByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Venue, error) {
	q := `SELECT ` + tVenues.sel + ` FROM venues WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	v, err := findByID(ctx, tx, tVenues, scanVenue, "venue", q, id)
	if err != nil {
		return nil, err
	}
	return v, venueZones(ctx, tx, v)
}

func createVenue(ctx context.Context, tx *Tx, v *parley.Venue) error {
	v.CreatedAt, v.UpdatedAt = tx.now, tx.now
	r, err := tx.insert(ctx, tVenues, `name, city, country, created_at, updated_at`, v.Name, v.City, v.Country, micro(v.CreatedAt), micro(v.UpdatedAt))
	if err != nil && tx.d.IsUnique(err) {
		return parley.Errorf(parley.ECONFLICT, "name", "a venue named %q already exists", v.Name)
	}
	if err != nil {
		return err
	}
	v.ID = r.id()
	return setVenueZone(ctx, tx, v.ID, v.TimeZone)
}

func updateVenue(ctx context.Context, tx *Tx, id int64, upd parley.VenueUpdate) (*parley.Venue, error) {
	v, err := findVenueByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		v.Name = *upd.Name
	}
	if upd.City != nil {
		v.City = *upd.City
	}
	if upd.Country != nil {
		v.Country = *upd.Country
	}
	if upd.TimeZone != nil {
		v.TimeZone = *upd.TimeZone
	}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	v.UpdatedAt = tx.now
	_, err = tx.update(ctx, tVenues, []any{id}, `name = $1, city = $2, country = $3, updated_at = $4`, v.Name, v.City, v.Country, micro(v.UpdatedAt))
	if err != nil && tx.d.IsUnique(err) {
		return nil, parley.Errorf(parley.ECONFLICT, "name", "a venue named %q already exists", v.Name)
	}
	if err != nil {
		return nil, err
	}
	return v, setVenueZone(ctx, tx, id, v.TimeZone)
}
