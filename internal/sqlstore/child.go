package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// childContent is the sealed part of a case.
type childContent struct {
	Child   parley.ChildDetails `json:"child"`
	History []parley.ChildStep  `json:"history"`
}

// readChildCases reads the cases matching cond that the caller may read,
// opened.
func (s *Store) readChildCases(ctx context.Context, tx *Tx, cond string, arg int64) ([]*parley.ChildCase, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, track_id, audience, content, stage, created_at FROM child_cases WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("find child cases: %w", err)
	}
	defer rows.Close()
	type row struct {
		c      *parley.ChildCase
		sealed []byte
	}
	var found []row
	for rows.Next() {
		r := row{c: &parley.ChildCase{}}
		var at int64
		if err := rows.Scan(&r.c.ID, &r.c.TrackID, &r.c.Audience, &r.sealed, &r.c.Stage, &at); err != nil {
			return nil, err
		}
		r.c.CreatedAt = fromMicro(at)
		if canRead(ctx, r.c.TrackID, r.c.Audience) {
			found = append(found, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.ChildCase, 0, len(found))
	for _, r := range found {
		k, err := s.trackKey(ctx, tx, r.c.TrackID, false)
		if err != nil {
			return nil, err
		}
		rec := strconv.FormatInt(r.c.ID, 10)
		plain, err := k.OpenField("child_cases", rec, "content", r.sealed)
		if err != nil {
			return nil, &SealedError{Table: "child_cases", Record: rec, Field: "content", Err: err}
		}
		var cc childContent
		if err := json.Unmarshal(plain, &cc); err != nil {
			return nil, fmt.Errorf("child_cases record %s: content does not decode", rec)
		}
		r.c.Child, r.c.History = cc.Child, cc.History
		out = append(out, r.c)
	}
	return out, nil
}

// sealChildCase seals a case's content into its row, sets its stage and
// appends the ledger entry.
func (s *Store) sealChildCase(ctx context.Context, tx *Tx, c *parley.ChildCase, action string) error {
	plain, err := json.Marshal(childContent{Child: c.Child, History: c.History})
	if err != nil {
		return fmt.Errorf("encode child case: %w", err)
	}
	k, err := s.trackKey(ctx, tx, c.TrackID, true)
	if err != nil {
		return err
	}
	rec := strconv.FormatInt(c.ID, 10)
	sealed := k.SealField("child_cases", rec, "content", plain)
	if _, err := tx.ExecContext(ctx, `UPDATE child_cases SET content = $1, stage = $2 WHERE id = $3`, sealed, c.Stage, c.ID); err != nil {
		return fmt.Errorf("seal child case: %w", err)
	}
	return appendAudit(ctx, tx, auditRecord{action: action, object: "child/" + rec, trackID: c.TrackID, audience: c.Audience,
		stored: []any{c.ID, c.Stage, sealed}})
}

// CreateChildCase opens a case (see parley.ChildService).
func (s *Store) CreateChildCase(ctx context.Context, c *parley.ChildCase, first parley.ChildStep) (err error) {
	defer s.mapErr(&err, "create child case")
	if err := requireEditTrack(ctx, c.TrackID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := c.Validate(tx.now); err != nil {
			return err
		}
		if err := first.Validate(tx.now); err != nil {
			return err
		}
		if err := parley.NextStage(nil, first); err != nil {
			return err
		}
		if err := lockTrack(ctx, tx, c.TrackID); err != nil {
			return err
		}
		if id, ok := c.Audience.PartyID(); ok {
			if err := requirePrincipal(ctx, tx, "audience", c.TrackID, id); err != nil {
				return err
			}
		}
		c.Stage, c.History, c.CreatedAt = first.Stage, []parley.ChildStep{first}, normalTime(tx.now)
		err := tx.QueryRowContext(ctx, `INSERT INTO child_cases (track_id, audience, content, stage, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			c.TrackID, c.Audience, []byte{}, c.Stage, micro(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert child case: %w", err)
		}
		return s.sealChildCase(ctx, tx, c, "child.create")
	})
}

// FindChildCaseByID returns a case the caller may read.
func (s *Store) FindChildCaseByID(ctx context.Context, id int64) (_ *parley.ChildCase, err error) {
	defer s.mapErr(&err, "find child case")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cs, err := s.readChildCases(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("child case", id)
	}
	return cs[0], commit(tx)
}

// FindChildCases returns the track's cases the caller may read.
func (s *Store) FindChildCases(ctx context.Context, trackID int64) (_ []*parley.ChildCase, err error) {
	defer s.mapErr(&err, "find child cases")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.ChildCase, error) {
		return s.readChildCases(ctx, tx, `track_id = $1`, trackID)
	})
}

// AdvanceChildCase records a case's next stage (see parley.ChildService).
func (s *Store) AdvanceChildCase(ctx context.Context, id int64, step parley.ChildStep) (_ *parley.ChildCase, err error) {
	defer s.mapErr(&err, "advance child case")
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		cs, err := s.readChildCases(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return notFound("child case", id)
		}
		c := cs[0]
		if err := requireEditTrack(ctx, c.TrackID); err != nil {
			return err
		}
		if err := lockTrack(ctx, tx, c.TrackID); err != nil {
			return err
		}
		if err := step.Validate(tx.now); err != nil {
			return err
		}
		if err := parley.NextStage(c.History, step); err != nil {
			return err
		}
		c.Stage, c.History = step.Stage, append(c.History, step)
		return s.sealChildCase(ctx, tx, c, "child.advance")
	})
	if err != nil {
		return nil, err
	}
	return s.FindChildCaseByID(ctx, id)
}

// ChildStageCounts counts a track's cases per stage, for anyone who sees
// the track.
func (s *Store) ChildStageCounts(ctx context.Context, trackID int64) (_ parley.ChildStageCounts, err error) {
	defer s.mapErr(&err, "count child cases")
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := requireTrack(ctx, tx, trackID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT stage, count(*) FROM child_cases WHERE track_id = $1 GROUP BY stage`, trackID)
	if err != nil {
		return nil, fmt.Errorf("count child cases: %w", err)
	}
	defer rows.Close()
	out := parley.ChildStageCounts{}
	for _, st := range parley.ChildStages {
		out[st] = 0
	}
	for rows.Next() {
		var st parley.ChildStage
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, commit(tx)
}
