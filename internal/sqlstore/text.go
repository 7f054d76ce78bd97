package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// sealedText is a text as read, before its title is opened.
type sealedText struct {
	t     *parley.NegotiatingText
	title []byte
}

// scanText reads a row of tTexts. The plain title column is empty: the
// title is sealed (sealed_title).
func scanText(row rowScanner) (sealedText, error) {
	r := sealedText{t: &parley.NegotiatingText{}}
	var by sql.NullInt64
	var at int64
	var empty string
	if err := row.Scan(&r.t.ID, &r.t.TrackID, &empty, &r.title, &r.t.Audience, &by, &at); err != nil {
		return r, err
	}
	r.t.CreatedBy, r.t.CreatedAt = nullableID(by), fromMicro(at)
	return r, nil
}

// openText opens a text's title, for a caller who may read it.
func (s *Store) openText(ctx context.Context, tx *Tx, r sealedText) (*parley.NegotiatingText, error) {
	k, err := s.trackKey(ctx, tx, r.t.TrackID, false)
	if err != nil {
		return nil, err
	}
	rec := strconv.FormatInt(r.t.ID, 10)
	plain, err := k.OpenField("texts", rec, "title", r.title)
	if err != nil {
		return nil, &SealedError{Table: "texts", Record: rec, Field: "title", Err: err}
	}
	r.t.Title = string(plain)
	return r.t, nil
}

// findText returns a text the caller may read, or ENOTFOUND.
func (s *Store) findText(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.NegotiatingText, error) {
	q := `SELECT ` + tTexts.sel + ` FROM texts WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	r, err := scanText(tx.scanner(tTexts, tx.QueryRowContext(ctx, q, id)))
	if isNoRows(err) || (err == nil && !canRead(ctx, r.t.TrackID, r.t.Audience)) {
		return nil, notFound("text", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find text %d: %w", id, err)
	}
	return s.openText(ctx, tx, r)
}

// FindTextByID returns a text the caller may read.
func (s *Store) FindTextByID(ctx context.Context, id int64) (_ *parley.NegotiatingText, err error) {
	defer s.mapErr(&err, "find text")
	return readTx(ctx, s, func(tx *Tx) (*parley.NegotiatingText, error) { return s.findText(ctx, tx, id, false) })
}

// FindTexts returns the track's texts the caller may read.
func (s *Store) FindTexts(ctx context.Context, trackID int64) (_ []*parley.NegotiatingText, err error) {
	defer s.mapErr(&err, "find texts")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.NegotiatingText, error) {
		all, err := queryAll(ctx, tx, tTexts, scanText, `SELECT `+tTexts.sel+` FROM texts WHERE track_id = $1 ORDER BY id`, trackID)
		if err != nil {
			return nil, fmt.Errorf("find texts: %w", err)
		}
		out := []*parley.NegotiatingText{}
		for _, r := range all {
			if !canRead(ctx, r.t.TrackID, r.t.Audience) {
				continue
			}
			t, err := s.openText(ctx, tx, r)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
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
		k, err := s.trackKey(ctx, tx, t.TrackID, true)
		if err != nil {
			return err
		}
		t.CreatedBy, t.CreatedAt = by, normalTime(tx.now)
		r, err := tx.insertSealed(ctx, tTexts, `track_id, title, sealed_title, audience, created_by, created_at`,
			[]any{t.TrackID, "", []byte{}, t.Audience, nullInt64(by), micro(t.CreatedAt)},
			func(r rowVals) (string, []any) {
				return `sealed_title = $1`, []any{k.SealField("texts", strconv.FormatInt(r.id(), 10), "title", []byte(t.Title))}
			})
		if err != nil {
			return fmt.Errorf("insert text: %w", err)
		}
		t.ID = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "text.create", object: "text/" + strconv.FormatInt(t.ID, 10), trackID: t.TrackID, audience: t.Audience})
	})
}

// readVersions reads and opens the versions matching cond; the caller has
// checked that it reads their text.
func (s *Store) readVersions(ctx context.Context, tx *Tx, cond string, arg int64) ([]*parley.TextVersion, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tVersions.sel+` FROM text_versions WHERE `+cond+` ORDER BY number`, arg)
	if err != nil {
		return nil, fmt.Errorf("find versions: %w", err)
	}
	defer rows.Close()
	type row struct {
		v       *parley.TextVersion
		clauses []byte
	}
	var found []row
	checked := tx.scanner(tVersions, rows)
	for rows.Next() {
		r := row{v: &parley.TextVersion{}}
		var frozen, by sql.NullInt64
		var at, number int64
		if err := checked.Scan(&r.v.ID, &r.v.TextID, &r.v.TrackID, &number, &r.clauses, &frozen, &by, &at); err != nil {
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
		if _, err := s.findText(ctx, tx, textID, false); err != nil {
			return nil, err
		}
		return s.readVersions(ctx, tx, `text_id = $1`, textID)
	})
}

// versionRow is a version's row, verified, without its clauses opened.
type versionRow struct {
	id, textID, trackID, number int64
	clauses                     []byte
	frozen, by                  sql.NullInt64
	at                          int64
}

// lookVersion reads a version's row (locked with forUpdate), verified:
// sql.ErrNoRows if there is none.
func lookVersion(ctx context.Context, tx *Tx, id int64, forUpdate bool) (versionRow, error) {
	var v versionRow
	q := `SELECT ` + tVersions.sel + ` FROM text_versions WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	err := tx.scanner(tVersions, tx.QueryRowContext(ctx, q, id)).Scan(&v.id, &v.textID, &v.trackID, &v.number, &v.clauses, &v.frozen, &v.by, &v.at)
	return v, err
}

// findVersion returns a version of a text the caller may read.
func (s *Store) findVersion(ctx context.Context, tx *Tx, id int64) (*parley.TextVersion, error) {
	v, err := lookVersion(ctx, tx, id, false)
	if isNoRows(err) {
		return nil, notFound("version", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find version %d: %w", id, err)
	}
	if _, err := s.findText(ctx, tx, v.textID, false); err != nil {
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
	rows, err := tx.QueryContext(ctx, `SELECT `+tTrackParties.sel+` FROM track_parties WHERE track_id = $1`, trackID)
	if err != nil {
		return fmt.Errorf("find track parties: %w", err)
	}
	defer rows.Close()
	parties := map[int64]bool{}
	checked := tx.scanner(tTrackParties, rows)
	for rows.Next() {
		var track, id, position int64
		var role string
		if err := checked.Scan(&track, &id, &role, &position); err != nil {
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
		t, err := s.findText(ctx, tx, textID, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, t.TrackID); err != nil {
			return err
		}
		if err := s.checkClauses(ctx, tx, t.TrackID, clauses); err != nil {
			return err
		}
		var lastID int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM text_versions WHERE text_id = $1 ORDER BY number DESC LIMIT 1`, textID).Scan(&lastID)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("latest version: %w", err)
		}
		var last int64
		if err == nil {
			v, err := lookVersion(ctx, tx, lastID, false)
			if err != nil {
				return fmt.Errorf("latest version: %w", err)
			}
			if !v.frozen.Valid {
				return parley.Errorf(parley.ECONFLICT, "", "version %d of text %d is a draft still; edit or freeze it first", v.number, textID)
			}
			last = v.number
		}
		k, err := s.trackKey(ctx, tx, t.TrackID, true)
		if err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		r, err := tx.insertSealed(ctx, tVersions, `text_id, track_id, number, clauses, frozen_at, created_by, created_at`,
			[]any{textID, t.TrackID, last + 1, []byte{}, nil, nullInt64(by), micro(tx.now)},
			func(r rowVals) (string, []any) {
				return `clauses = $1`, []any{k.SealField("text_versions", strconv.FormatInt(r.id(), 10), "clauses", plain)}
			})
		if err != nil {
			return fmt.Errorf("insert version: %w", err)
		}
		id = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "version.create", object: "version/" + strconv.FormatInt(id, 10), trackID: t.TrackID, audience: t.Audience})
	})
	if err != nil {
		return nil, err
	}
	return s.FindVersionByID(ctx, id)
}

// lockVersion returns a version's text and whether it is frozen, for a
// mediator's change.
func (s *Store) lockVersion(ctx context.Context, tx *Tx, id int64) (*parley.NegotiatingText, int64, bool, error) {
	v, err := lookVersion(ctx, tx, id, true)
	if isNoRows(err) {
		return nil, 0, false, notFound("version", id)
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("find version %d: %w", id, err)
	}
	t, err := s.findText(ctx, tx, v.textID, false)
	if err != nil {
		return nil, 0, false, notFound("version", id)
	}
	if err := requireEditTrack(ctx, t.TrackID); err != nil {
		return nil, 0, false, err
	}
	return t, v.number, v.frozen.Valid, nil
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
		t, number, frozen, err := s.lockVersion(ctx, tx, id)
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
		rec := strconv.FormatInt(id, 10)
		if _, err := tx.update(ctx, tVersions, []any{id}, `clauses = $1`, k.SealField("text_versions", rec, "clauses", plain)); err != nil {
			return fmt.Errorf("seal version: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "version.update", object: "version/" + rec, trackID: t.TrackID, audience: t.Audience})
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
		t, number, frozen, err := s.lockVersion(ctx, tx, id)
		if err != nil {
			return err
		}
		if frozen {
			return parley.Errorf(parley.ECONFLICT, "", "version %d of text %d is frozen already", number, t.ID)
		}
		if _, err := tx.update(ctx, tVersions, []any{id}, `frozen_at = $1`, micro(tx.now)); err != nil {
			return fmt.Errorf("freeze version: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "version.freeze", object: "version/" + strconv.FormatInt(id, 10), trackID: t.TrackID, audience: t.Audience})
	})
	if err != nil {
		return nil, err
	}
	return s.FindVersionByID(ctx, id)
}
