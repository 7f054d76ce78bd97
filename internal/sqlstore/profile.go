package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/parley-talks/parley"
)

// profileRecord is the record id a profile version's content is sealed
// under: the associated data binds the ciphertext to its track, party and
// version, so it does not open in any other row.
func profileRecord(trackID, partyID, version int64) string {
	return fmt.Sprintf("%d/%d/%d", trackID, partyID, version)
}

// FindProfile returns the latest version of a party's profile on a track,
// or ENOTFOUND if there is none or the caller may not read it.
func (s *Store) FindProfile(ctx context.Context, trackID, partyID int64) (_ *parley.Profile, err error) {
	defer s.mapErr(&err, "find profile")
	ps, err := s.readProfiles(ctx, trackID, partyID, true)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "no profile of party %d on track %d", partyID, trackID)
	}
	return ps[0], nil
}

// FindProfiles returns the latest version of every profile of the track the
// caller may read, ordered by party ID.
func (s *Store) FindProfiles(ctx context.Context, trackID int64) (_ []*parley.Profile, err error) {
	defer s.mapErr(&err, "find profiles")
	return s.readProfiles(ctx, trackID, 0, true)
}

// FindProfileHistory returns every version of a party's profile, oldest
// first; ENOTFOUND if there is none the caller may read.
func (s *Store) FindProfileHistory(ctx context.Context, trackID, partyID int64) (_ []*parley.Profile, err error) {
	defer s.mapErr(&err, "find profile history")
	ps, err := s.readProfiles(ctx, trackID, partyID, false)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "no profile of party %d on track %d", partyID, trackID)
	}
	return ps, nil
}

// readProfiles reads the profiles of the track (of one party unless
// partyID is 0), the latest versions only with latest, filtered by the
// audience check before anything is opened.
func (s *Store) readProfiles(ctx context.Context, trackID, partyID int64, latest bool) ([]*parley.Profile, error) {
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Whether the track exists, not its columns: a read of the primary key.
	if err := requireTrack(ctx, tx, trackID); err != nil {
		return nil, err
	}
	q, args := profilesQuery(trackID, partyID, latest)
	type row struct {
		p       *parley.Profile
		content []byte
	}
	var found []row
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find profiles: %w", err)
	}
	defer rows.Close()
	checked := tx.scanner(tProfiles, rows)
	for rows.Next() {
		var r row
		r.p = &parley.Profile{}
		var by sql.NullInt64
		var at int64
		var version int64
		if err := checked.Scan(&r.p.TrackID, &r.p.PartyID, &version, &r.content, &by, &at); err != nil {
			return nil, err
		}
		r.p.Version, r.p.UpdatedBy, r.p.UpdatedAt = int(version), nullableID(by), fromMicro(at)
		if !canRead(ctx, r.p.TrackID, r.p.Audience()) {
			continue // absent, not refused: no existence oracle
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.Profile, 0, len(found))
	if len(found) == 0 {
		return out, commit(tx)
	}
	k, err := s.trackKey(ctx, tx, trackID, false)
	if err != nil {
		return nil, err
	}
	for _, r := range found {
		rec := profileRecord(r.p.TrackID, r.p.PartyID, int64(r.p.Version))
		plain, err := k.OpenField("profiles", rec, "content", r.content)
		if err != nil {
			return nil, &SealedError{Table: "profiles", Record: rec, Field: "content", Err: err}
		}
		if err := json.Unmarshal(plain, &r.p.Content); err != nil {
			return nil, fmt.Errorf("profiles record %s: content does not decode", rec)
		}
		out = append(out, r.p)
	}
	return out, commit(tx)
}

// latestProfiles selects the latest version of each party's profile on
// the track $1 by index seeks on the primary key (track_id, party_id,
// version): a loose index scan finds the parties (one seek each), and a
// seek finds each one's highest version. It costs O(parties · log n) for
// n stored versions, the same at 1 version and at 10⁵, on both engines;
// a max(version) correlated with every stored row would cost O(n).
var latestProfiles = `WITH RECURSIVE latest(party) AS (
		SELECT (SELECT min(party_id) FROM profiles WHERE track_id = $1)
		UNION ALL
		SELECT (SELECT min(party_id) FROM profiles WHERE track_id = $1 AND party_id > latest.party)
		FROM latest WHERE latest.party IS NOT NULL
	)
	SELECT ` + tProfiles.selAs("p") + ` FROM latest JOIN profiles p ON p.track_id = $1 AND p.party_id = latest.party
	WHERE p.version = (SELECT max(version) FROM profiles l WHERE l.track_id = $1 AND l.party_id = latest.party)
	ORDER BY p.party_id`

// profilesQuery returns the query of readProfiles and its arguments: one
// party's versions or every party's (partyID 0), all or the latest.
func profilesQuery(trackID, partyID int64, latest bool) (string, []any) {
	switch {
	case latest && partyID != 0:
		return `SELECT ` + tProfiles.sel + ` FROM profiles WHERE track_id = $1 AND party_id = $2 ORDER BY version DESC LIMIT 1`, []any{trackID, partyID}
	case latest:
		return latestProfiles, []any{trackID}
	case partyID != 0:
		return `SELECT ` + tProfiles.sel + ` FROM profiles WHERE track_id = $1 AND party_id = $2 ORDER BY version`, []any{trackID, partyID}
	default:
		return `SELECT ` + tProfiles.sel + ` FROM profiles WHERE track_id = $1 ORDER BY party_id, version`, []any{trackID}
	}
}

// PutProfile seals and stores a new version of a profile (see
// parley.ProfileService). p.Version, UpdatedBy and UpdatedAt are set.
func (s *Store) PutProfile(ctx context.Context, p *parley.Profile) (err error) {
	defer s.mapErr(&err, "put profile")
	if p.TrackID <= 0 || p.PartyID <= 0 {
		return parley.Errorf(parley.EINVALID, "", "a profile needs a track and a party")
	}
	c := parley.CallerFromContext(ctx)
	if !c.CanRead(p.TrackID, p.Audience()) {
		if c.CanSeeTrack(p.TrackID) {
			return forbidden("you may not change the profile of party %d on track %d", p.PartyID, p.TrackID)
		}
		return notFound("track", p.TrackID)
	}
	if !c.CanEditProfile(p.TrackID, p.PartyID) {
		return forbidden("you may not change the profile of party %d on track %d", p.PartyID, p.TrackID)
	}
	plain, err := json.Marshal(p.Content)
	if err != nil {
		return fmt.Errorf("encode profile: %w", err)
	}
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		// The track's row, locked (PostgreSQL), not its columns: this
		// runs in SQLite's commit loop, one write after another.
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM tracks WHERE id = $1`+tx.d.ForUpdate, p.TrackID).Scan(&one)
		if isNoRows(err) {
			return notFound("track", p.TrackID)
		}
		if err != nil {
			return fmt.Errorf("find track %d: %w", p.TrackID, err)
		}
		if err := requirePrincipal(ctx, tx, "party_id", p.TrackID, p.PartyID); err != nil {
			return err
		}
		themes, err := s.trackThemes(ctx, tx, p.TrackID)
		if err != nil {
			return err
		}
		if err := p.Content.Validate(themes); err != nil {
			return err
		}
		k, err := s.trackKey(ctx, tx, p.TrackID, true)
		if err != nil {
			return err
		}
		var version int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM profiles WHERE track_id = $1 AND party_id = $2`, p.TrackID, p.PartyID).Scan(&version); err != nil {
			return fmt.Errorf("next profile version: %w", err)
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		rec := profileRecord(p.TrackID, p.PartyID, version)
		sealed := k.SealField("profiles", rec, "content", plain)
		_, err = tx.insert(ctx, tProfiles, `track_id, party_id, version, content, updated_by, updated_at`,
			p.TrackID, p.PartyID, version, sealed, nullInt64(by), micro(tx.now))
		if err != nil {
			return fmt.Errorf("insert profile: %w", err)
		}
		p.Version, p.UpdatedBy, p.UpdatedAt = int(version), by, normalTime(tx.now)
		return appendAudit(ctx, tx, auditRecord{action: "profile.update", object: "profile/" + rec,
			trackID: p.TrackID, audience: p.Audience()})
	})
}
