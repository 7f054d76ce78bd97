package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
)

func scanText(row rowScanner) (*parley.NegotiatingText, error) {
	t := &parley.NegotiatingText{}
	var by sql.NullInt64
	var at int64
	if err := row.Scan(&t.ID, &t.TrackID, &t.Title, &t.Audience, &by, &at); err != nil {
		return nil, err
	}
	t.CreatedBy, t.CreatedAt = nullableID(by), fromMicro(at)
	return t, nil
}

const textColumns = `id, track_id, title, audience, created_by, created_at`

// findText returns a text the caller may read, or ENOTFOUND.
func findText(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.NegotiatingText, error) {
	q := `SELECT ` + textColumns + ` FROM texts WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	t, err := scanText(tx.QueryRowContext(ctx, q, id))
	if isNoRows(err) || (err == nil && !canRead(ctx, t.TrackID, t.Audience)) {
		return nil, notFound("text", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find text %d: %w", id, err)
	}
	return t, nil
}

// FindTextByID returns a text the caller may read.
func (s *Store) FindTextByID(ctx context.Context, id int64) (_ *parley.NegotiatingText, err error) {
	defer s.mapErr(&err, "find text")
	return readTx(ctx, s, func(tx *Tx) (*parley.NegotiatingText, error) { return findText(ctx, tx, id, false) })
}

// FindTexts returns the track's texts the caller may read.
func (s *Store) FindTexts(ctx context.Context, trackID int64) (_ []*parley.NegotiatingText, err error) {
	defer s.mapErr(&err, "find texts")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.NegotiatingText, error) {
		all, err := queryAll(ctx, tx, scanText, `SELECT `+textColumns+` FROM texts WHERE track_id = $1 ORDER BY id`, trackID)
		if err != nil {
			return nil, fmt.Errorf("find texts: %w", err)
		}
		out := []*parley.NegotiatingText{}
		for _, t := range all {
			if canRead(ctx, t.TrackID, t.Audience) {
				out = append(out, t)
			}
		}
		return out, nil
	})
}

// CreateText stores a new negotiating text; the track's mediators only.
func (s *Store) CreateText(ctx context.Context, t *parley.NegotiatingText) (err error) {
	defer s.mapErr(&err, "create text")
	if err := t.Validate(); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, t.TrackID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := lockTrack(ctx, tx, t.TrackID); err != nil {
			return err
		}
		if id, ok := t.Audience.PartyID(); ok {
			if err := requirePrincipal(ctx, tx, "audience", t.TrackID, id); err != nil {
				return err
			}
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		t.CreatedBy, t.CreatedAt = by, normalTime(tx.now)
		err = tx.QueryRowContext(ctx, `INSERT INTO texts (track_id, title, audience, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			t.TrackID, t.Title, t.Audience, nullInt64(by), micro(t.CreatedAt)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("insert text: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "text.create", object: "text/" + strconv.FormatInt(t.ID, 10), trackID: t.TrackID, audience: t.Audience,
			stored: []any{t.ID, t.TrackID, t.Title, t.Audience, by, micro(t.CreatedAt)}})
	})
}

const versionColumns = `id, text_id, track_id, number, clauses, frozen_at, created_by, created_at`

// readVersions reads and opens the versions matching cond; the caller has
// checked that it reads their text.
func (s *Store) readVersions(ctx context.Context, tx *Tx, cond string, arg int64) ([]*parley.TextVersion, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM text_versions WHERE `+cond+` ORDER BY number`, arg)
	if err != nil {
		return nil, fmt.Errorf("find versions: %w", err)
	}
	defer rows.Close()
	type row struct {
		v       *parley.TextVersion
		clauses []byte
	}
	var found []row
	for rows.Next() {
		r := row{v: &parley.TextVersion{}}
		var frozen, by sql.NullInt64
		var at, number int64
		if err := rows.Scan(&r.v.ID, &r.v.TextID, &r.v.TrackID, &number, &r.clauses, &frozen, &by, &at); err != nil {
			return nil, err
		}
		r.v.Number, r.v.CreatedBy, r.v.CreatedAt = int(number), nullableID(by), fromMicro(at)
		if frozen.Valid {
			t := fromMicro(frozen.Int64)
			r.v.FrozenAt = &t
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.TextVersion, 0, len(found))
	for _, r := range found {
		k, err := s.trackKey(ctx, tx, r.v.TrackID, false)
		if err != nil {
			return nil, err
		}
		rec := strconv.FormatInt(r.v.ID, 10)
		plain, err := k.OpenField("text_versions", rec, "clauses", r.clauses)
		if err != nil {
			return nil, &SealedError{Table: "text_versions", Record: rec, Field: "clauses", Err: err}
		}
		if err := json.Unmarshal(plain, &r.v.Clauses); err != nil {
			return nil, fmt.Errorf("text_versions record %s: clauses do not decode", rec)
		}
		r.v.Counts = parley.CountClauses(r.v.Clauses)
		out = append(out, r.v)
	}
	return out, nil
}

// FindVersions returns every version of a text the caller may read.
func (s *Store) FindVersions(ctx context.Context, textID int64) (_ []*parley.TextVersion, err error) {
	defer s.mapErr(&err, "find versions")
	return readTx(ctx, s, func(tx *Tx) ([]*parley.TextVersion, error) {
		if _, err := findText(ctx, tx, textID, false); err != nil {
			return nil, err
		}
		return s.readVersions(ctx, tx, `text_id = $1`, textID)
	})
}

// findVersion returns a version of a text the caller may read.
func (s *Store) findVersion(ctx context.Context, tx *Tx, id int64) (*parley.TextVersion, error) {
	var textID int64
	err := tx.QueryRowContext(ctx, `SELECT text_id FROM text_versions WHERE id = $1`, id).Scan(&textID)
	if isNoRows(err) {
		return nil, notFound("version", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find version %d: %w", id, err)
	}
	if _, err := findText(ctx, tx, textID, false); err != nil {
		return nil, notFound("version", id)
	}
	vs, err := s.readVersions(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// FindVersionByID returns a version of a text the caller may read.
func (s *Store) FindVersionByID(ctx context.Context, id int64) (_ *parley.TextVersion, err error) {
	defer s.mapErr(&err, "find version")
	return readTx(ctx, s, func(tx *Tx) (*parley.TextVersion, error) { return s.findVersion(ctx, tx, id) })
}

// checkClauses checks clauses against the track's themes and parties.
func (s *Store) checkClauses(ctx context.Context, tx *Tx, trackID int64, clauses []parley.Clause) error {
	themes, err := s.trackThemes(ctx, tx, trackID)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT party_id FROM track_parties WHERE track_id = $1`, trackID)
	if err != nil {
		return fmt.Errorf("find track parties: %w", err)
	}
	defer rows.Close()
	parties := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		parties[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return parley.CheckClauses(clauses, themes, parties)
}

// CreateVersion starts the next version of a text (see parley.TextService).
func (s *Store) CreateVersion(ctx context.Context, textID int64, clauses []parley.Clause) (_ *parley.TextVersion, err error) {
	defer s.mapErr(&err, "create version")
	if clauses == nil {
		clauses = []parley.Clause{}
	}
	plain, err := json.Marshal(clauses)
	if err != nil {
		return nil, fmt.Errorf("encode clauses: %w", err)
	}
	var id int64
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := findText(ctx, tx, textID, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, t.TrackID); err != nil {
			return err
		}
		if err := s.checkClauses(ctx, tx, t.TrackID, clauses); err != nil {
			return err
		}
		var last int64
		var frozen sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT number, frozen_at FROM text_versions WHERE text_id = $1 ORDER BY number DESC LIMIT 1`, textID).Scan(&last, &frozen)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("latest version: %w", err)
		}
		if err == nil && !frozen.Valid {
			return parley.Errorf(parley.ECONFLICT, "", "version %d of text %d is a draft still; edit or freeze it first", last, textID)
		}
		k, err := s.trackKey(ctx, tx, t.TrackID, true)
		if err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO text_versions (text_id, track_id, number, clauses, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			textID, t.TrackID, last+1, []byte{}, nullInt64(by), micro(tx.now)).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert version: %w", err)
		}
		return s.sealVersion(ctx, tx, k, t, id, "version.create", plain)
	})
	if err != nil {
		return nil, err
	}
	return s.FindVersionByID(ctx, id)
}

// sealVersion seals a version's clauses into its row and appends the
// ledger entry.
func (s *Store) sealVersion(ctx context.Context, tx *Tx, k *seal.TrackKey, t *parley.NegotiatingText, id int64, action string, plain []byte) error {
	rec := strconv.FormatInt(id, 10)
	sealed := k.SealField("text_versions", rec, "clauses", plain)
	if _, err := tx.ExecContext(ctx, `UPDATE text_versions SET clauses = $1 WHERE id = $2`, sealed, id); err != nil {
		return fmt.Errorf("seal version: %w", err)
	}
	return appendAudit(ctx, tx, auditRecord{action: action, object: "version/" + rec, trackID: t.TrackID, audience: t.Audience,
		stored: []any{id, t.ID, sealed}})
}

// lockVersion returns a version's text and whether it is frozen, for a
// mediator's change.
func lockVersion(ctx context.Context, tx *Tx, id int64) (*parley.NegotiatingText, int64, bool, error) {
	var textID, number int64
	var frozen sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT text_id, number, frozen_at FROM text_versions WHERE id = $1`+tx.d.ForUpdate, id).Scan(&textID, &number, &frozen)
	if isNoRows(err) {
		return nil, 0, false, notFound("version", id)
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("find version %d: %w", id, err)
	}
	t, err := findText(ctx, tx, textID, false)
	if err != nil {
		return nil, 0, false, notFound("version", id)
	}
	if err := requireEditTrack(ctx, t.TrackID); err != nil {
		return nil, 0, false, err
	}
	return t, number, frozen.Valid, nil
}

// UpdateVersion replaces a draft's clauses (see parley.TextService).
func (s *Store) UpdateVersion(ctx context.Context, id int64, clauses []parley.Clause) (_ *parley.TextVersion, err error) {
	defer s.mapErr(&err, "update version")
	if clauses == nil {
		clauses = []parley.Clause{}
	}
	plain, err := json.Marshal(clauses)
	if err != nil {
		return nil, fmt.Errorf("encode clauses: %w", err)
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, number, frozen, err := lockVersion(ctx, tx, id)
		if err != nil {
			return err
		}
		if frozen {
			return parley.Errorf(parley.ECONFLICT, "", "version %d of text %d is frozen and never changes; start version %d", number, t.ID, number+1)
		}
		if err := s.checkClauses(ctx, tx, t.TrackID, clauses); err != nil {
			return err
		}
		k, err := s.trackKey(ctx, tx, t.TrackID, true)
		if err != nil {
			return err
		}
		return s.sealVersion(ctx, tx, k, t, id, "version.update", plain)
	})
	if err != nil {
		return nil, err
	}
	return s.FindVersionByID(ctx, id)
}

// FreezeVersion makes a draft an immutable snapshot.
func (s *Store) FreezeVersion(ctx context.Context, id int64) (_ *parley.TextVersion, err error) {
	defer s.mapErr(&err, "freeze version")
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, number, frozen, err := lockVersion(ctx, tx, id)
		if err != nil {
			return err
		}
		if frozen {
			return parley.Errorf(parley.ECONFLICT, "", "version %d of text %d is frozen already", number, t.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE text_versions SET frozen_at = $1 WHERE id = $2`, micro(tx.now), id); err != nil {
			return fmt.Errorf("freeze version: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "version.freeze", object: "version/" + strconv.FormatInt(id, 10), trackID: t.TrackID, audience: t.Audience,
			stored: []any{id, micro(tx.now)}})
	})
	if err != nil {
		return nil, err
	}
	return s.FindVersionByID(ctx, id)
}
