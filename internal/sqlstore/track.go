package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parley-talks/parley"
)

// scanTrack reads a row of tTracks.
func scanTrack(row rowScanner) (*parley.Track, error) {
	var t parley.Track
	var created, updated int64
	if err := row.Scan(&t.ID, &t.Title, &t.Mandate, &t.Status, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicro(created), fromMicro(updated)
	t.Parties, t.VenueIDs, t.Themes = []parley.TrackParty{}, []int64{}, []*parley.Theme{}
	return &t, nil
}

// FindTrackByID returns the track with its parties, venues and themes, or
// ENOTFOUND.
func (s *Store) FindTrackByID(ctx context.Context, id int64) (_ *parley.Track, err error) {
	defer s.mapErr(&err, "find track")
	if err := requireSeeTrack(ctx, id); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := findTrackByID(ctx, tx, id, false)
	if err != nil {
		return nil, err
	}
	if err := loadTrackLinks(ctx, tx, []*parley.Track{t}); err != nil {
		return nil, err
	}
	return t, commit(tx)
}

// FindTracks returns the tracks matching filter, ordered by ID, with their
// parties, venues and themes, and the total number that match.
func (s *Store) FindTracks(ctx context.Context, filter parley.TrackFilter) (_ []*parley.Track, total int, err error) {
	defer s.mapErr(&err, "find tracks")
	page, err := filter.Page.Normalize()
	if err != nil {
		return nil, 0, err
	}
	if filter.Status != "" && !filter.Status.Valid() {
		return nil, 0, parley.Errorf(parley.EINVALID, "status", "unknown status %q", filter.Status)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var conds []string
	args := []any{}
	if filter.Status != "" {
		conds, args = append(conds, `status = $1`), append(args, filter.Status)
	}
	if cond, ids := scopeOf(ctx).filter("id", len(args)+1); cond != "" {
		conds, args = append(conds, cond), append(args, ids...)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	if total, err = count(ctx, tx, `SELECT count(*) FROM tracks`+where, args...); err != nil {
		return nil, 0, err
	}
	n := len(args)
	tracks, err := queryAll(ctx, tx, tTracks, scanTrack, fmt.Sprintf(`SELECT %s FROM tracks%s ORDER BY id LIMIT $%d OFFSET $%d`, tTracks.sel, where, n+1, n+2),
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	if err := loadTrackLinks(ctx, tx, tracks); err != nil {
		return nil, 0, err
	}
	return tracks, total, commit(tx)
}

// CreateTrack stores t with its parties, venues and themes and records its
// first transition (from "" to its status, reason "created"). A track starts
// exploratory unless t.Status says otherwise. A non-zero t.CreatedAt is kept
// as the time of creation and of the first transition, so that a scenario can
// carry its history.
func (s *Store) CreateTrack(ctx context.Context, t *parley.Track) (err error) {
	defer s.mapErr(&err, "create track")
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Status == "" {
		t.Status = parley.StatusExploratory
	}
	if !t.Status.Valid() {
		return parley.Errorf(parley.EINVALID, "status", "unknown status %q", t.Status)
	}
	for _, th := range t.Themes {
		if err := validateTheme(th); err != nil {
			return err
		}
	}
	if err := requireOpenTrack(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		return s.openTrack(ctx, tx, t)
	})
}

// openTrack creates t with its key in tx; a caller who is not an
// administrator becomes its mediator.
func (s *Store) openTrack(ctx context.Context, tx *Tx, t *parley.Track) error {
	if err := createTrack(ctx, tx, t); err != nil {
		return err
	}
	if _, err := s.newTrackKey(ctx, tx, t.ID); err != nil {
		return err
	}
	if err := appendAudit(ctx, tx, auditRecord{action: "track.create", object: trackObject(t.ID), trackID: t.ID, audience: parley.AudiencePlenary}); err != nil {
		return err
	}
	if c := parley.CallerFromContext(ctx); !c.IsAdmin() {
		m := &parley.Member{TrackID: t.ID, UserID: c.User.ID, Role: parley.MemberMediator}
		if err := createMember(ctx, tx, m); err != nil {
			return err
		}
		return appendAudit(ctx, tx, memberAudit("member.create", m))
	}
	return nil
}

// UpdateTrack applies upd and returns the track, or ENOTFOUND.
func (s *Store) UpdateTrack(ctx context.Context, id int64, upd parley.TrackUpdate) (_ *parley.Track, err error) {
	defer s.mapErr(&err, "update track")
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var t *parley.Track
	if err := requireEditTrack(ctx, id); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if t, err = updateTrack(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "track.update", object: trackObject(id), trackID: id, audience: parley.AudiencePlenary})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func findTrackByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Track, error) {
	q := `SELECT ` + tTracks.sel + ` FROM tracks WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	t, err := scanTrack(tx.scanner(tTracks, tx.QueryRowContext(ctx, q, id)))
	if isNoRows(err) {
		return nil, notFound("track", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find track %d: %w", id, err)
	}
	return t, nil
}

// loadTrackLinks fills in the parties, venues and themes of tracks, one query
// per child table.
func loadTrackLinks(ctx context.Context, tx *Tx, tracks []*parley.Track) error {
	if err := loadTrackParties(ctx, tx, tracks); err != nil {
		return err
	}
	ids := make([]int64, len(tracks))
	byID := make(map[int64]*parley.Track, len(tracks))
	for i, t := range tracks {
		byID[t.ID] = t
		ids[i] = t.ID
	}
	themes, err := findThemes(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, th := range themes {
		byID[th.TrackID].Themes = append(byID[th.TrackID].Themes, th)
	}
	return nil
}

// loadTrackParties fills in the parties, venues and revivals of tracks,
// one query per child table.
func loadTrackParties(ctx context.Context, tx *Tx, tracks []*parley.Track) error {
	if len(tracks) == 0 {
		return nil
	}
	byID := make(map[int64]*parley.Track, len(tracks))
	ids := make([]int64, len(tracks))
	for i, t := range tracks {
		byID[t.ID] = t
		ids[i] = t.ID
	}
	err := eachRowIn(ctx, tx, tTrackParties, `SELECT `+tTrackParties.sel+` FROM track_parties
		WHERE track_id IN (`+inList+`) ORDER BY track_id, position`, ids, func(row rowScanner) error {
		var trackID, position int64
		var p parley.TrackParty
		if err := row.Scan(&trackID, &p.PartyID, &p.Role, &position); err != nil {
			return err
		}
		byID[trackID].Parties = append(byID[trackID].Parties, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load track parties: %w", err)
	}
	err = eachRowIn(ctx, tx, tTrackVenues, `SELECT `+tTrackVenues.sel+` FROM track_venues
		WHERE track_id IN (`+inList+`) ORDER BY track_id, position`, ids, func(row rowScanner) error {
		var trackID, venueID, position int64
		if err := row.Scan(&trackID, &venueID, &position); err != nil {
			return err
		}
		byID[trackID].VenueIDs = append(byID[trackID].VenueIDs, venueID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load track venues: %w", err)
	}

	return loadRevivals(ctx, tx, byID, ids)
}

func createTrack(ctx context.Context, tx *Tx, t *parley.Track) error {
	if err := requireTrackLinks(ctx, tx, t.Parties, t.VenueIDs); err != nil {
		return err
	}
	actor, err := actor(ctx, tx)
	if err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = tx.now
	}
	t.CreatedAt, t.UpdatedAt = normalTime(t.CreatedAt), tx.now
	r, err := tx.insert(ctx, tTracks, `title, mandate, status, created_at, updated_at`,
		t.Title, t.Mandate, t.Status, micro(t.CreatedAt), micro(t.UpdatedAt))
	t.ID = r.id()
	if err != nil {
		if tx.d.IsUnique(err) {
			return parley.Errorf(parley.ECONFLICT, "title", "a track titled %q already exists", t.Title)
		}
		return err
	}
	if t.Parties == nil {
		t.Parties = []parley.TrackParty{}
	}
	if t.VenueIDs == nil {
		t.VenueIDs = []int64{}
	}
	if err := insertTrackLinks(ctx, tx, t.ID, t.Parties, t.VenueIDs); err != nil {
		return err
	}
	if t.Themes == nil {
		t.Themes = []*parley.Theme{}
	}
	for _, th := range t.Themes {
		th.TrackID = t.ID
		if err := createTheme(ctx, tx, th); err != nil {
			return err
		}
	}
	first := &parley.Transition{TrackID: t.ID, From: "", To: t.Status, Reason: "created", ActorID: actor, At: t.CreatedAt}
	return insertTransition(ctx, tx, first)
}

func updateTrack(ctx context.Context, tx *Tx, id int64, upd parley.TrackUpdate) (*parley.Track, error) {
	t, err := findTrackByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if err := loadTrackLinks(ctx, tx, []*parley.Track{t}); err != nil {
		return nil, err
	}
	if upd.Title != nil {
		t.Title = *upd.Title
	}
	if upd.Mandate != nil {
		t.Mandate = *upd.Mandate
	}
	var parties []parley.TrackParty
	var venues []int64
	if upd.Parties != nil {
		parties = *upd.Parties
		if parties == nil {
			parties = []parley.TrackParty{}
		}
	}
	if upd.VenueIDs != nil {
		venues = *upd.VenueIDs
		if venues == nil {
			venues = []int64{}
		}
	}
	if err := requireTrackLinks(ctx, tx, parties, venues); err != nil {
		return nil, err
	}
	t.UpdatedAt = tx.now
	_, err = tx.update(ctx, tTracks, []any{id}, `title = $1, mandate = $2, updated_at = $3`, t.Title, t.Mandate, micro(t.UpdatedAt))
	if err != nil {
		if tx.d.IsUnique(err) {
			return nil, parley.Errorf(parley.ECONFLICT, "title", "a track titled %q already exists", t.Title)
		}
		return nil, err
	}
	if upd.Parties != nil {
		if _, err := tx.delete(ctx, tTrackParties, `track_id = $1`, id); err != nil {
			return nil, err
		}
		t.Parties = parties
	}
	if upd.VenueIDs != nil {
		if _, err := tx.delete(ctx, tTrackVenues, `track_id = $1`, id); err != nil {
			return nil, err
		}
		t.VenueIDs = venues
	}
	if err := insertTrackLinks(ctx, tx, id, parties, venues); err != nil {
		return nil, err
	}
	return t, nil
}

func requireTrackLinks(ctx context.Context, tx *Tx, parties []parley.TrackParty, venues []int64) error {
	ids := make([]int64, len(parties))
	for i, p := range parties {
		ids[i] = p.PartyID
	}
	if err := requireRefs(ctx, tx, "parties", "parties.party_id", "party", ids); err != nil {
		return err
	}
	return requireRefs(ctx, tx, "venues", "venue_ids", "venue", venues)
}

func insertTrackLinks(ctx context.Context, tx *Tx, trackID int64, parties []parley.TrackParty, venues []int64) error {
	for i, p := range parties {
		_, err := tx.insert(ctx, tTrackParties, `track_id, party_id, role, position`, trackID, p.PartyID, p.Role, i)
		if err != nil {
			return fmt.Errorf("insert track party: %w", err)
		}
	}
	for i, v := range venues {
		_, err := tx.insert(ctx, tTrackVenues, `track_id, venue_id, position`, trackID, v, i)
		if err != nil {
			return fmt.Errorf("insert track venue: %w", err)
		}
	}
	return nil
}

// actor returns the acting user of ctx, after checking that the user exists.
func actor(ctx context.Context, tx *Tx) (*int64, error) {
	id := parley.ActorFromContext(ctx)
	if id == nil {
		return nil, nil
	}
	if err := requireRef(ctx, tx, "users", "actor_id", "acting user", *id); err != nil {
		return nil, err
	}
	return id, nil
}

// nullableID scans a nullable id column.
func nullableID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}
