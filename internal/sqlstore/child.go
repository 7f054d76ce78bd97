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

// sealedChildCase is a case as read, before its content is opened.
type sealedChildCase struct {
	c      *parley.ChildCase
	sealed []byte
}

// scanChildCase reads a row of tChildren.
func scanChildCase(row rowScanner) (sealedChildCase, error) {
	r := sealedChildCase{c: &parley.ChildCase{}}
	var at int64
	if err := row.Scan(&r.c.ID, &r.c.TrackID, &r.c.Audience, &r.sealed, &r.c.Stage, &at); err != nil {
		return r, err
	}
	r.c.CreatedAt = fromMicro(at)
	return r, nil
}

// readChildCases reads the cases matching cond that the caller may read,
// opened.
func (s *Store) readChildCases(ctx context.Context, tx *Tx, cond string, arg int64) ([]*parley.ChildCase, error) {
	all, err := queryAll(ctx, tx, tChildren, scanChildCase, `SELECT `+tChildren.sel+` FROM child_cases WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("find child cases: %w", err)
	}
	var found []sealedChildCase
	for _, r := range all {
		if parley.CallerFromContext(ctx).CanReadChildCase(r.c) {
			found = append(found, r)
		}
	}
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

// childSealer returns the function that seals a case's content for the
// record of an id.
func (s *Store) childSealer(ctx context.Context, tx *Tx, c *parley.ChildCase) (func(id int64) []byte, error) {
	plain, err := json.Marshal(childContent{Child: c.Child, History: c.History})
	if err != nil {
		return nil, fmt.Errorf("encode child case: %w", err)
	}
	k, err := s.trackKey(ctx, tx, c.TrackID, true)
	if err != nil {
		return nil, err
	}
	return func(id int64) []byte { return k.SealField("child_cases", strconv.FormatInt(id, 10), "content", plain) }, nil
}

// sealChildCase seals a case's content into its row, sets its stage and
// appends the ledger entry.
func (s *Store) sealChildCase(ctx context.Context, tx *Tx, c *parley.ChildCase, action string) error {
	seal, err := s.childSealer(ctx, tx, c)
	if err != nil {
		return err
	}
	rec := strconv.FormatInt(c.ID, 10)
	sealed := seal(c.ID)
	if _, err := tx.update(ctx, tChildren, []any{c.ID}, `content = $1, stage = $2`, sealed, c.Stage); err != nil {
		return fmt.Errorf("seal child case: %w", err)
	}
	return appendAudit(ctx, tx, auditRecord{action: action, object: "child/" + rec, trackID: c.TrackID, audience: c.Audience})
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
		seal, err := s.childSealer(ctx, tx, c)
		if err != nil {
			return err
		}
		r, err := tx.insertSealed(ctx, tChildren, `track_id, audience, content, stage, created_at`,
			[]any{c.TrackID, c.Audience, []byte{}, c.Stage, micro(c.CreatedAt)},
			func(r rowVals) (string, []any) { return `content = $1`, []any{seal(r.id())} })
		if err != nil {
			return fmt.Errorf("insert child case: %w", err)
		}
		c.ID = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "child.create", object: "child/" + strconv.FormatInt(c.ID, 10), trackID: c.TrackID, audience: c.Audience})
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
		caller := parley.CallerFromContext(ctx)
		if !caller.CanAdvanceChildCase(c.TrackID, parley.ChildVerified) && !caller.CanAdvanceChildCase(c.TrackID, parley.ChildLocated) {
			return forbidden("only the track's mediators and verifiers may record a case's stages")
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
		if !caller.CanAdvanceChildCase(c.TrackID, step.Stage) {
			if step.Stage == parley.ChildVerified {
				return forbidden("only the track's verifiers verify a case")
			}
			return forbidden("only the track's mediators record this stage; a verifier records verified")
		}
		if step.Stage == parley.ChildVerified && step.Verifier == "" && caller.User != nil {
			step.Verifier = caller.User.Name
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
	cases, err := queryAll(ctx, tx, tChildren, scanChildCase, `SELECT `+tChildren.sel+` FROM child_cases WHERE track_id = $1`, trackID)
	if err != nil {
		return nil, fmt.Errorf("count child cases: %w", err)
	}
	out := parley.ChildStageCounts{}
	for _, st := range parley.ChildStages {
		out[st] = 0
	}
	for _, c := range cases {
		out[c.c.Stage]++
	}
	return out, commit(tx)
}
