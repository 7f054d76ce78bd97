package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// A user's language, a venue's time zone and users' calendar feeds, each
// in a table of its own (migration 0009), so that the rows of users and
// venues keep their MACs.

// UserLanguage is the language the user chose, or "".
func (s *Store) UserLanguage(ctx context.Context, userID int64) (_ string, err error) {
	defer s.mapErr(&err, "find user language")
	if !parley.CallerFromContext(ctx).IsSystem() {
		if err := requireSelfOrAdmin(ctx, "language", userID); err != nil {
			return "", err
		}
	}
	return readTx(ctx, s, func(tx *Tx) (string, error) {
		var uid, updated int64
		var lang string
		err := tx.scanner(tUserLanguages, tx.QueryRowContext(ctx, `SELECT `+tUserLanguages.sel+` FROM user_languages WHERE user_id = $1`, userID)).
			Scan(&uid, &lang, &updated)
		if isNoRows(err) {
			return "", nil
		}
		return lang, err
	})
}

// SetUserLanguage keeps the user's choice; "" forgets it.
func (s *Store) SetUserLanguage(ctx context.Context, userID int64, language string) (err error) {
	defer s.mapErr(&err, "set user language")
	if err := requireSelfOrAdmin(ctx, "language", userID); err != nil {
		return err
	}
	if language != "" {
		if err := parley.CheckLanguageTag("language", language); err != nil {
			return err
		}
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := requireRef(ctx, tx, "users", "user_id", "user", userID); err != nil {
			return err
		}
		var exists int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM user_languages WHERE user_id = $1`, userID).Scan(&exists)
		switch {
		case isNoRows(err) && language == "":
			return nil // nothing to forget
		case isNoRows(err):
			_, err = tx.insert(ctx, tUserLanguages, `user_id, language, updated_at`, userID, language, micro(tx.now))
		case err != nil:
			return err
		case language == "":
			_, err = tx.delete(ctx, tUserLanguages, `user_id = $1`, userID)
		default:
			_, err = tx.update(ctx, tUserLanguages, []any{userID}, `language = $1, updated_at = $2`, language, micro(tx.now))
		}
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "user.language", object: "user/" + strconv.FormatInt(userID, 10)})
	})
}

// venueZones fills the time zones of venues read in tx.
func venueZones(ctx context.Context, tx *Tx, vs ...*parley.Venue) error {
	for _, v := range vs {
		var id int64
		err := tx.scanner(tVenueZones, tx.QueryRowContext(ctx, `SELECT `+tVenueZones.sel+` FROM venue_time_zones WHERE venue_id = $1`, v.ID)).
			Scan(&id, &v.TimeZone)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("venue %d's time zone: %w", v.ID, err)
		}
	}
	return nil
}

// setVenueZone stores a venue's time zone ("" for none) in tx.
func setVenueZone(ctx context.Context, tx *Tx, venueID int64, zone string) error {
	var exists int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM venue_time_zones WHERE venue_id = $1`, venueID).Scan(&exists)
	switch {
	case isNoRows(err) && zone == "":
		return nil
	case isNoRows(err):
		_, err = tx.insert(ctx, tVenueZones, `venue_id, time_zone`, venueID, zone)
	case err != nil:
	case zone == "":
		_, err = tx.delete(ctx, tVenueZones, `venue_id = $1`, venueID)
	default:
		_, err = tx.update(ctx, tVenueZones, []any{venueID}, `time_zone = $1`, zone)
	}
	return err
}

// scanFeed reads a row of tFeeds.
func scanFeed(row rowScanner) (*parley.CalendarFeed, error) {
	var f parley.CalendarFeed
	var created int64
	var revoked sql.NullInt64
	if err := row.Scan(&f.ID, &f.SecretHash, &f.UserID, &created, &revoked); err != nil {
		return nil, err
	}
	f.CreatedAt = fromMicro(created)
	if revoked.Valid {
		r := fromMicro(revoked.Int64)
		f.RevokedAt = &r
	}
	return &f, nil
}

func feedAudit(action string, id int64) auditRecord {
	return auditRecord{action: action, object: "calendar-feed/" + strconv.FormatInt(id, 10)}
}

// CreateCalendarFeed stores f, setting its ID and CreatedAt.
func (s *Store) CreateCalendarFeed(ctx context.Context, f *parley.CalendarFeed) (err error) {
	defer s.mapErr(&err, "create calendar feed")
	if err := requireSelfOrAdmin(ctx, "calendar feeds", f.UserID); err != nil {
		return err
	}
	if err := checkSecretHash(f.SecretHash); err != nil {
		return err
	}
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		if err := requireRef(ctx, tx, "users", "user_id", "user", f.UserID); err != nil {
			return err
		}
		f.CreatedAt, f.RevokedAt = tx.now, nil
		r, err := tx.insert(ctx, tFeeds, `secret_hash, user_id, created_at`, f.SecretHash, f.UserID, micro(f.CreatedAt))
		if err != nil && tx.d.IsUnique(err) {
			return parley.Errorf(parley.ECONFLICT, "secret_hash", "another calendar feed has this secret")
		}
		if err != nil {
			return err
		}
		f.ID = r.id()
		return appendAudit(ctx, tx, feedAudit("calendar-feed.create", f.ID))
	})
}

// FindCalendarFeeds lists the user's feeds, revoked ones too, by ID.
func (s *Store) FindCalendarFeeds(ctx context.Context, userID int64) (_ []*parley.CalendarFeed, err error) {
	defer s.mapErr(&err, "find calendar feeds")
	if err := requireSelfOrAdmin(ctx, "calendar feeds", userID); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) ([]*parley.CalendarFeed, error) {
		return queryAll(ctx, tx, tFeeds, scanFeed, `SELECT `+tFeeds.sel+` FROM calendar_feeds WHERE user_id = $1 ORDER BY id`, userID)
	})
}

// FindCalendarFeedByHash returns the feed (revoked or not) or ENOTFOUND.
func (s *Store) FindCalendarFeedByHash(ctx context.Context, hash []byte) (_ *parley.CalendarFeed, err error) {
	defer s.mapErr(&err, "find calendar feed")
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) (*parley.CalendarFeed, error) {
		f, err := scanFeed(tx.scanner(tFeeds, tx.QueryRowContext(ctx, `SELECT `+tFeeds.sel+` FROM calendar_feeds WHERE secret_hash = $1`, hash)))
		if isNoRows(err) {
			return nil, parley.Errorf(parley.ENOTFOUND, "", "no such calendar feed")
		}
		return f, err
	})
}

// RevokeCalendarFeed marks the feed revoked; a revoked feed keeps its
// first revocation time.
func (s *Store) RevokeCalendarFeed(ctx context.Context, id int64) (_ *parley.CalendarFeed, err error) {
	defer s.mapErr(&err, "revoke calendar feed")
	var f *parley.CalendarFeed
	err = s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		f, err = scanFeed(tx.scanner(tFeeds, tx.QueryRowContext(ctx, `SELECT `+tFeeds.sel+` FROM calendar_feeds WHERE id = $1`+tx.d.ForUpdate, id)))
		if isNoRows(err) || (err == nil && requireSelfOrAdmin(ctx, "calendar feeds", f.UserID) != nil) {
			return notFound("calendar feed", id)
		}
		if err != nil || f.RevokedAt != nil {
			return err
		}
		at := tx.now
		if _, err := tx.update(ctx, tFeeds, []any{id}, `revoked_at = $1`, micro(at)); err != nil {
			return err
		}
		f.RevokedAt = &at
		return appendAudit(ctx, tx, feedAudit("calendar-feed.revoke", id))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
