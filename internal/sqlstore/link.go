package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// Links between tracks (parley.LinkService): a row of links per link and
// its history in link_steps, both authenticated. A link is map data of
// both its tracks; it is seen by callers who see both (Caller.CanSeeLink)
// and written by mediators of both (Caller.CanLink).

func linkObject(id int64) string { return "link/" + strconv.FormatInt(id, 10) }

// scanLink reads a row of tLinks.
func scanLink(row rowScanner) (*parley.Link, error) {
	var l parley.Link
	var by sql.NullInt64
	var at int64
	if err := row.Scan(&l.ID, &l.TrackA, &l.TrackB, &l.Kind, &l.OpensAt, &l.Reason, &l.Status, &by, &at); err != nil {
		return nil, err
	}
	l.CreatedBy, l.CreatedAt, l.History = nullableID(by), fromMicro(at), []parley.LinkStep{}
	return &l, nil
}

// linkStep is a row of tLinkSteps with the link it belongs to.
type linkStep struct {
	linkID int64
	step   parley.LinkStep
}

func scanLinkStep(row rowScanner) (linkStep, error) {
	var s linkStep
	var event, actor sql.NullInt64
	var at int64
	if err := row.Scan(&s.step.ID, &s.linkID, &s.step.From, &s.step.To, &s.step.Reason, &event, &actor, &at); err != nil {
		return s, err
	}
	s.step.EventID, s.step.ActorID, s.step.At = nullableID(event), nullableID(actor), fromMicro(at)
	return s, nil
}

// readLinks returns the links matching cond (over args from $1) with their
// histories, oldest first. It checks no caller.
func readLinks(ctx context.Context, tx *Tx, cond string, args ...any) ([]*parley.Link, error) {
	links, err := queryAll(ctx, tx, tLinks, scanLink, `SELECT `+tLinks.sel+` FROM links WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find links: %w", err)
	}
	if len(links) == 0 {
		return links, nil
	}
	byID := make(map[int64]*parley.Link, len(links))
	ids := make([]int64, len(links))
	for i, l := range links {
		byID[l.ID], ids[i] = l, l.ID
	}
	steps, err := queryAll(ctx, tx, tLinkSteps, scanLinkStep,
		`SELECT `+tLinkSteps.sel+` FROM link_steps WHERE link_id IN (`+placeholders(1, len(ids))+`) ORDER BY id`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("find link steps: %w", err)
	}
	for _, s := range steps {
		l := byID[s.linkID]
		l.History = append(l.History, s.step)
	}
	return links, nil
}

// activeLinks returns every active link, for the checks of a change.
func activeLinks(ctx context.Context, tx *Tx) ([]*parley.Link, error) {
	return readLinks(ctx, tx, `status = $1`, parley.LinkActive)
}

// activeLinksOf returns the active links of kind that touch the track.
func activeLinksOf(ctx context.Context, tx *Tx, trackID int64, kind parley.LinkKind) ([]*parley.Link, error) {
	return readLinks(ctx, tx, `status = $1 AND kind = $2 AND (track_a = $3 OR track_b = $3)`, parley.LinkActive, kind, trackID)
}

// requireLinkTracks checks the caller's right on both tracks: an unseen
// or missing track is an unknown reference (EINVALID), a seen one that the
// caller does not mediate EFORBIDDEN.
func requireLinkTracks(ctx context.Context, tx *Tx, l *parley.Link) error {
	c := parley.CallerFromContext(ctx)
	for _, ref := range []struct {
		field string
		id    int64
	}{{"track_a", l.TrackA}, {"track_b", l.TrackB}} {
		ok, err := exists(ctx, tx, "tracks", ref.id)
		if err != nil {
			return err
		}
		if !ok || !c.CanSeeTrack(ref.id) {
			return parley.Errorf(parley.EINVALID, ref.field, "track %d does not exist", ref.id)
		}
	}
	if !c.CanLink(l.TrackA, l.TrackB) {
		return forbidden("only a mediator of both tracks %d and %d may link them", l.TrackA, l.TrackB)
	}
	return nil
}

// checkLinkable refuses a link that would duplicate an active one or close
// a cycle of sequence links.
func checkLinkable(ctx context.Context, tx *Tx, l *parley.Link) error {
	active, err := activeLinks(ctx, tx)
	if err != nil {
		return err
	}
	for _, o := range active {
		same := (o.TrackA == l.TrackA && o.TrackB == l.TrackB) || (o.TrackA == l.TrackB && o.TrackB == l.TrackA)
		if o.ID != l.ID && same && o.Kind == l.Kind {
			return parley.Errorf(parley.ECONFLICT, "kind", "tracks %d and %d already have an active %s link (link %d)", l.TrackA, l.TrackB, l.Kind, o.ID)
		}
	}
	if l.Kind == parley.LinkSequence {
		others := make([]*parley.Link, 0, len(active))
		for _, o := range active {
			if o.ID != l.ID {
				others = append(others, o)
			}
		}
		if parley.SequenceCycle(others, l) {
			return parley.Errorf(parley.ECONFLICT, "track_b",
				"a sequence link from track %d to track %d closes a cycle of sequence links: none of them could ever open", l.TrackA, l.TrackB)
		}
	}
	return nil
}

// CreateLink stores an active link (see parley.LinkService).
func (s *Store) CreateLink(ctx context.Context, l *parley.Link) (err error) {
	defer s.mapErr(&err, "create link")
	if err := requireSignedIn(ctx); err != nil {
		return err
	}
	if err := l.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := requireLinkTracks(ctx, tx, l); err != nil {
			return err
		}
		for _, id := range []int64{min(l.TrackA, l.TrackB), max(l.TrackA, l.TrackB)} {
			if err := lockTrack(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := checkLinkable(ctx, tx, l); err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		l.Status, l.CreatedBy, l.CreatedAt = parley.LinkActive, by, normalTime(tx.now)
		r, err := tx.insert(ctx, tLinks, `track_a, track_b, kind, opens_at, reason, status, created_by, created_at`,
			l.TrackA, l.TrackB, l.Kind, l.OpensAt, l.Reason, l.Status, nullInt64(by), micro(l.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert link: %w", err)
		}
		l.ID = r.id()
		step := parley.LinkStep{From: "", To: parley.LinkActive, Reason: l.Reason, ActorID: by, At: l.CreatedAt}
		if err := insertLinkStep(ctx, tx, l.ID, &step); err != nil {
			return err
		}
		l.History = []parley.LinkStep{step}
		return auditLink(ctx, tx, "link.create", l)
	})
}

// auditLink records a change of a link on the ledger of each of its tracks.
func auditLink(ctx context.Context, tx *Tx, action string, l *parley.Link) error {
	for _, t := range []int64{l.TrackA, l.TrackB} {
		if err := appendAudit(ctx, tx, auditRecord{action: action, object: linkObject(l.ID), trackID: t, audience: parley.AudiencePlenary}); err != nil {
			return err
		}
	}
	return nil
}

func insertLinkStep(ctx context.Context, tx *Tx, linkID int64, st *parley.LinkStep) error {
	r, err := tx.insert(ctx, tLinkSteps, `link_id, from_status, to_status, reason, event_id, actor_id, at`,
		linkID, st.From, st.To, st.Reason, nullInt64(st.EventID), nullInt64(st.ActorID), micro(st.At))
	if err != nil {
		return fmt.Errorf("insert link step: %w", err)
	}
	st.ID = r.id()
	return nil
}

// findLink returns a link the caller sees, or ENOTFOUND.
func findLink(ctx context.Context, tx *Tx, id int64) (*parley.Link, error) {
	ls, err := readLinks(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 || !parley.CallerFromContext(ctx).CanSeeLink(ls[0]) {
		return nil, notFound("link", id)
	}
	return ls[0], nil
}

// FindLinkByID returns a link the caller sees.
func (s *Store) FindLinkByID(ctx context.Context, id int64) (_ *parley.Link, err error) {
	defer s.mapErr(&err, "find link")
	return readTx(ctx, s, func(tx *Tx) (*parley.Link, error) { return findLink(ctx, tx, id) })
}

// FindLinks returns the links of a track (0: all) that the caller sees.
func (s *Store) FindLinks(ctx context.Context, trackID int64) (_ []*parley.Link, err error) {
	defer s.mapErr(&err, "find links")
	read := func(tx *Tx) ([]*parley.Link, error) {
		cond, args := `1 = 1`, []any{}
		if trackID != 0 {
			cond, args = `track_a = $1 OR track_b = $1`, []any{trackID}
		}
		ls, err := readLinks(ctx, tx, cond, args...)
		if err != nil {
			return nil, err
		}
		c := parley.CallerFromContext(ctx)
		out := ls[:0]
		for _, l := range ls {
			if c.CanSeeLink(l) {
				out = append(out, l)
			}
		}
		return out, nil
	}
	if trackID != 0 {
		return readTrack(ctx, s, trackID, read)
	}
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	return readTx(ctx, s, read)
}

// TransitionLink dissolves a link or makes it active again.
func (s *Store) TransitionLink(ctx context.Context, id int64, req parley.LinkTransitionRequest) (_ *parley.Link, err error) {
	defer s.mapErr(&err, "transition link")
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var l *parley.Link
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if l, err = findLink(ctx, tx, id); err != nil {
			return err
		}
		if !parley.CallerFromContext(ctx).CanLink(l.TrackA, l.TrackB) {
			return forbidden("only a mediator of both tracks %d and %d may change their link", l.TrackA, l.TrackB)
		}
		if err := l.Status.CheckTransition(req.To); err != nil {
			return err
		}
		if req.To == parley.LinkActive {
			if err := checkLinkable(ctx, tx, l); err != nil {
				return err
			}
		}
		if req.EventID != nil {
			if err := requireRef(ctx, tx, "events", "event_id", "event", *req.EventID); err != nil {
				return err
			}
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		step := parley.LinkStep{From: l.Status, To: req.To, Reason: req.Reason, EventID: req.EventID, ActorID: by, At: normalTime(tx.now)}
		if err := insertLinkStep(ctx, tx, l.ID, &step); err != nil {
			return err
		}
		if _, err := tx.update(ctx, tLinks, []any{l.ID}, `status = $1`, req.To); err != nil {
			return fmt.Errorf("update link: %w", err)
		}
		l.Status, l.History = req.To, append(l.History, step)
		return auditLink(ctx, tx, "link.transition", l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// checkSequenceOpens refuses to open a track (exploratory → active) before
// every track that sequences it has reached the link's status.
func checkSequenceOpens(ctx context.Context, tx *Tx, trackID int64, from, to parley.Status) error {
	if from != parley.StatusExploratory || to != parley.StatusActive {
		return nil
	}
	links, err := activeLinksOf(ctx, tx, trackID, parley.LinkSequence)
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.TrackB != trackID {
			continue
		}
		n, err := count(ctx, tx, `SELECT count(*) FROM transitions WHERE track_id = $1 AND to_status = $2`, l.TrackA, l.OpensAt)
		if err != nil {
			return err
		}
		if n == 0 {
			return parley.Errorf(parley.ECONFLICT, "status",
				"track %d opens only once track %d has been %s (sequence link %d)", trackID, l.TrackA, l.OpensAt, l.ID)
		}
	}
	return nil
}

// suspendConditioned suspends every track that an active condition link
// makes conditional on the collapsed track, in tx, citing the link and
// the collapse's event; the event then touches those tracks too, so that
// it shows on each.
func suspendConditioned(ctx context.Context, tx *Tx, collapsed *parley.Transition) error {
	links, err := activeLinksOf(ctx, tx, collapsed.TrackID, parley.LinkCondition)
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.TrackB != collapsed.TrackID {
			continue
		}
		t, err := findTrackByID(ctx, tx, l.TrackA, true)
		if err != nil {
			return err
		}
		if !t.Status.CanTransition(parley.StatusSuspended) {
			continue
		}
		tr := &parley.Transition{TrackID: t.ID, From: t.Status, To: parley.StatusSuspended,
			Reason:  fmt.Sprintf("track %d collapsed, and this track is conditional on it (condition link %d)", collapsed.TrackID, l.ID),
			EventID: collapsed.EventID, ActorID: collapsed.ActorID, At: collapsed.At}
		if err := insertTransition(ctx, tx, tr); err != nil {
			return err
		}
		if _, err := tx.update(ctx, tTracks, []any{t.ID}, `status = $1, updated_at = $2`, tr.To, micro(tx.now)); err != nil {
			return fmt.Errorf("update track status: %w", err)
		}
		if collapsed.EventID != nil {
			if err := touchEvent(ctx, tx, *collapsed.EventID, t.ID); err != nil {
				return err
			}
		}
		if err := appendAudit(ctx, tx, auditRecord{action: "track.transition", object: trackObject(t.ID), trackID: t.ID, audience: parley.AudiencePlenary}); err != nil {
			return err
		}
	}
	return nil
}

// touchEvent links the event to the track too, unless it already is.
func touchEvent(ctx context.Context, tx *Tx, eventID, trackID int64) error {
	n, err := count(ctx, tx, `SELECT count(*) FROM event_tracks WHERE event_id = $1 AND track_id = $2`, eventID, trackID)
	if err != nil || n > 0 {
		return err
	}
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(position) FROM event_tracks WHERE event_id = $1`, eventID).Scan(&last); err != nil {
		return fmt.Errorf("event tracks: %w", err)
	}
	pos := int64(0)
	if last.Valid {
		pos = last.Int64 + 1
	}
	_, err = tx.insert(ctx, tEventTracks, `event_id, track_id, position`, eventID, trackID, pos)
	return err
}

// checkPackageAgreed refuses an agreement on a track whose package is not
// agreed: under "nothing is agreed until everything is agreed", every
// track joined to it by active package links must hold a frozen version
// of a text with every clause agreed. It reads the other tracks' texts as
// the store, and its message names tracks by id only.
func (s *Store) checkPackageAgreed(ctx context.Context, tx *Tx, trackID int64) error {
	all, err := readLinks(ctx, tx, `status = $1 AND kind = $2`, parley.LinkActive, parley.LinkPackage)
	if err != nil {
		return err
	}
	pkg := parley.LinkedTracks(trackID, all)
	for _, t := range pkg[1:] {
		vs, err := s.readVersions(ctx, tx, `track_id = $1 AND frozen_at IS NOT NULL`, t)
		if err != nil {
			return err
		}
		agreed := false
		for _, v := range vs {
			agreed = agreed || v.Counts.AllAgree
		}
		if !agreed {
			return parley.Errorf(parley.ECONFLICT, "track_id",
				"track %d is in a package with track %d, which has no agreed text yet: nothing is agreed until everything is agreed", trackID, t)
		}
	}
	return nil
}
