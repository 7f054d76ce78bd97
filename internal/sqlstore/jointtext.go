package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/parley-talks/parley"
)

// Joint texts (parley.JointTextService): one negotiating text per linked
// track, each under its own track's key and audience, tied by rows of
// text_parts; the joint text's id is its first part's.

// JoinTexts ties texts of linked tracks into one joint text.
func (s *Store) JoinTexts(ctx context.Context, in parley.JointTextInput) (_ *parley.JointText, err error) {
	defer s.mapErr(&err, "join texts")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := parley.CallerFromContext(ctx)
	var jt *parley.JointText
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		var texts []*parley.NegotiatingText
		for _, id := range in.TextIDs {
			t, err := s.findText(ctx, tx, id, true)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return parley.Errorf(parley.EINVALID, "text_ids", "text %d does not exist", id)
			}
			if err != nil {
				return err
			}
			if slices.ContainsFunc(texts, func(o *parley.NegotiatingText) bool { return o.TrackID == t.TrackID }) {
				return parley.Errorf(parley.EINVALID, "text_ids", "two texts of track %d: a joint text has one text per track", t.TrackID)
			}
			texts = append(texts, t)
		}
		for _, t := range texts {
			if !c.CanEditTrack(t.TrackID) {
				return forbidden("only a mediator of every track may join their texts (track %d)", t.TrackID)
			}
		}
		links, err := activeLinks(ctx, tx)
		if err != nil {
			return err
		}
		joined := parley.LinkedTracks(texts[0].TrackID, links)
		for _, t := range texts[1:] {
			if !slices.Contains(joined, t.TrackID) {
				return parley.Errorf(parley.EINVALID, "text_ids", "tracks %d and %d are not linked: link them before joining their texts", texts[0].TrackID, t.TrackID)
			}
		}
		for i, t := range texts {
			n, err := count(ctx, tx, `SELECT count(*) FROM text_parts WHERE text_id = $1`, t.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return parley.Errorf(parley.ECONFLICT, "text_ids", "text %d is part of a joint text already", t.ID)
			}
			if _, err := tx.insert(ctx, tTextParts, `text_id, joint_id, track_id, position`, t.ID, texts[0].ID, t.TrackID, i); err != nil {
				return fmt.Errorf("insert text part: %w", err)
			}
		}
		if err := appendAudit(ctx, tx, auditRecord{action: "text.join", object: fmt.Sprintf("joint-text/%d", texts[0].ID), trackID: texts[0].TrackID,
			audience: texts[0].Audience}); err != nil {
			return err
		}
		jt, err = s.jointText(ctx, tx, texts[0].ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jt, nil
}

// FindJointText returns the joint text of a text the caller reads.
func (s *Store) FindJointText(ctx context.Context, textID int64) (_ *parley.JointText, err error) {
	defer s.mapErr(&err, "find joint text")
	return readTx(ctx, s, func(tx *Tx) (*parley.JointText, error) {
		if _, err := s.findText(ctx, tx, textID, false); err != nil {
			return nil, err
		}
		var joint int64
		err := tx.scanner(tTextParts, tx.QueryRowContext(ctx, `SELECT `+tTextParts.sel+` FROM text_parts WHERE text_id = $1`, textID)).
			Scan(new(int64), &joint, new(int64), new(int64))
		if isNoRows(err) {
			return nil, parley.Errorf(parley.ENOTFOUND, "", "text %d is part of no joint text", textID)
		}
		if err != nil {
			return nil, err
		}
		return s.jointText(ctx, tx, joint)
	})
}

// jointText reads a joint text as the caller reads it: the parts whose
// text it reads (the one audience check, through findText), the number of
// the others, and whether every part's latest version is frozen and
// agreed, which it computes over every part.
func (s *Store) jointText(ctx context.Context, tx *Tx, joint int64) (*parley.JointText, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tTextParts.sel+` FROM text_parts WHERE joint_id = $1 ORDER BY position`, joint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	checked := tx.scanner(tTextParts, rows)
	for rows.Next() {
		var text int64
		if err := checked.Scan(&text, new(int64), new(int64), new(int64)); err != nil {
			return nil, err
		}
		ids = append(ids, text)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	jt := &parley.JointText{ID: joint, Parts: []parley.JointTextPart{}, Agreed: true}
	for _, id := range ids {
		vs, err := s.readVersions(ctx, tx, `text_id = $1`, id)
		if err != nil {
			return nil, err
		}
		var latest *parley.TextVersion
		if len(vs) > 0 {
			latest = vs[len(vs)-1]
		}
		jt.Agreed = jt.Agreed && latest != nil && latest.FrozenAt != nil && latest.Counts.AllAgree
		t, err := s.findText(ctx, tx, id, false)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			jt.Hidden++
			continue
		}
		if err != nil {
			return nil, err
		}
		jt.Parts = append(jt.Parts, parley.JointTextPart{Text: t, Latest: latest})
	}
	return jt, nil
}
