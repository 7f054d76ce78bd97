package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
)

// This file keeps agreements and their history and renewals
// (parley.AgreementService); commitment.go keeps their commitments,
// reports and scores. Everything here is map data: read per CanSeeTrack,
// written per CanEditTrack.

const agreementColumns = `id, track_id, title, text_version_id, effective, duration_days, renewal_terms, notice_days,
	warn_window_days, warn_violations, warn_unverifiable, warn_overdue_days, status, expires, created_at`

func scanAgreement(row rowScanner) (*parley.Agreement, error) {
	a := &parley.Agreement{}
	var version sql.NullInt64
	var dur, notice, ww, wv, wu, wo, at int64
	if err := row.Scan(&a.ID, &a.TrackID, &a.Title, &version, &a.Effective, &dur, &a.RenewalTerms, &notice,
		&ww, &wv, &wu, &wo, &a.Status, &a.Expires, &at); err != nil {
		return nil, err
	}
	a.TextVersionID, a.DurationDays, a.NoticeDays, a.CreatedAt = nullableID(version), int(dur), int(notice), fromMicro(at)
	a.Warning = parley.WarningThresholds{WindowDays: int(ww), Violations: int(wv), Unverifiable: int(wu), OverdueDays: int(wo)}
	return a, nil
}

// readAgreements reads the agreements matching cond with their
// signatories, history and renewals: four queries whatever their number.
// The caller filters by visibility in cond or afterwards.
func readAgreements(ctx context.Context, tx *Tx, cond string, args ...any) ([]*parley.Agreement, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+agreementColumns+` FROM agreements WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find agreements: %w", err)
	}
	defer rows.Close()
	out := []*parley.Agreement{}
	byID := map[int64]*parley.Agreement{}
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, err
		}
		if !canSeeTrack(ctx, a.TrackID) {
			continue
		}
		a.Signatories, a.History, a.Renewals = []int64{}, []parley.AgreementTransition{}, []parley.Renewal{}
		out = append(out, a)
		byID[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, a := range out {
		ids[i] = a.ID
	}
	in := `agreement_id IN (` + placeholders(1, len(ids)) + `)`
	if err := eachRow(ctx, tx, `SELECT agreement_id, party_id FROM agreement_signatories WHERE `+in+` ORDER BY agreement_id, position`, ids, func(r *sql.Rows) error {
		var aid, pid int64
		if err := r.Scan(&aid, &pid); err != nil {
			return err
		}
		byID[aid].Signatories = append(byID[aid].Signatories, pid)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, tx, `SELECT agreement_id, id, from_status, to_status, reason, event_id, actor_id, at FROM agreement_transitions WHERE `+in+` ORDER BY id`, ids, func(r *sql.Rows) error {
		var aid, at int64
		var event, actor sql.NullInt64
		var tr parley.AgreementTransition
		if err := r.Scan(&aid, &tr.ID, &tr.From, &tr.To, &tr.Reason, &event, &actor, &at); err != nil {
			return err
		}
		tr.EventID, tr.ActorID, tr.At = nullableID(event), nullableID(actor), fromMicro(at)
		byID[aid].History = append(byID[aid].History, tr)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, tx, `SELECT agreement_id, id, date, expires, note, actor_id, at FROM renewals WHERE `+in+` ORDER BY id`, ids, func(r *sql.Rows) error {
		var aid, at int64
		var actor sql.NullInt64
		var rn parley.Renewal
		if err := r.Scan(&aid, &rn.ID, &rn.Date, &rn.Expires, &rn.Note, &actor, &at); err != nil {
			return err
		}
		rn.ActorID, rn.At = nullableID(actor), fromMicro(at)
		byID[aid].Renewals = append(byID[aid].Renewals, rn)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow runs query with the ids as arguments and calls fn for each row.
func eachRow(ctx context.Context, tx *Tx, query string, ids []int64, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, int64Args(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// findAgreement returns an agreement on a track the caller sees, or
// ENOTFOUND. With forUpdate the row is locked (PostgreSQL).
func findAgreement(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Agreement, error) {
	if forUpdate {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM agreements WHERE id = $1`+tx.d.ForUpdate, id).Scan(&one)
		if isNoRows(err) {
			return nil, notFound("agreement", id)
		}
		if err != nil {
			return nil, fmt.Errorf("lock agreement %d: %w", id, err)
		}
	}
	as, err := readAgreements(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, notFound("agreement", id)
	}
	return as[0], nil
}

// requireTrackParty returns EINVALID on field unless the party takes part
// in the track in one of roles (any role if none is given).
func requireTrackParty(ctx context.Context, tx *Tx, field string, trackID, partyID int64, roles ...parley.PartyRole) error {
	q := `SELECT count(*) FROM track_parties WHERE track_id = $1 AND party_id = $2`
	args := []any{trackID, partyID}
	if len(roles) > 0 {
		q += ` AND role IN (` + placeholders(3, len(roles)) + `)`
		for _, r := range roles {
			args = append(args, r)
		}
	}
	n, err := count(ctx, tx, q, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return parley.Errorf(parley.EINVALID, field, "party %d is not a party of track %d", partyID, trackID)
	}
	return nil
}

// adoptedVersion returns the version an agreement is adopted from, as the
// caller reads it: EINVALID naming text_version_id for a version the
// caller does not read, of another track, not frozen or not agreed.
func (s *Store) adoptedVersion(ctx context.Context, tx *Tx, trackID, versionID int64) (*parley.TextVersion, error) {
	v, err := s.findVersion(ctx, tx, versionID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EINVALID, "text_version_id", "text version %d does not exist", versionID)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case v.TrackID != trackID:
		return nil, parley.Errorf(parley.EINVALID, "text_version_id", "text version %d is of another track", versionID)
	case v.FrozenAt == nil:
		return nil, parley.Errorf(parley.EINVALID, "text_version_id", "text version %d is a draft; freeze it before adopting it", versionID)
	case !v.Counts.AllAgree:
		return nil, parley.Errorf(parley.EINVALID, "text_version_id",
			"text version %d is not agreed: %d of %d clauses agreed, and nothing is agreed until everything is agreed",
			versionID, v.Counts.Agreed, v.Counts.Clauses-v.Counts.Dropped)
	}
	return v, nil
}

// agreementStored is what the ledger digests of an agreement's row.
func agreementStored(a *parley.Agreement) []any {
	return []any{a.ID, a.TrackID, a.Title, a.TextVersionID, a.Signatories, a.Effective, a.DurationDays, a.RenewalTerms,
		a.NoticeDays, a.Warning, a.Status, a.Expires, micro(a.CreatedAt)}
}

func agreementObject(id int64) string { return "agreement/" + strconv.FormatInt(id, 10) }

// CreateAgreement enters an agreement in force (see parley.AgreementService).
func (s *Store) CreateAgreement(ctx context.Context, a *parley.Agreement) (err error) {
	defer s.mapErr(&err, "create agreement")
	if err := a.Validate(); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, a.TrackID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := lockTrack(ctx, tx, a.TrackID); err != nil {
			return err
		}
		for _, p := range a.Signatories {
			if err := requireTrackParty(ctx, tx, "signatories", a.TrackID, p); err != nil {
				return err
			}
		}
		if a.TextVersionID != nil {
			if _, err := s.adoptedVersion(ctx, tx, a.TrackID, *a.TextVersionID); err != nil {
				return err
			}
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		a.Status, a.Expires, a.CreatedAt = parley.AgreementInForce, a.InitialExpiry(), normalTime(tx.now)
		w := a.Warning
		err = tx.QueryRowContext(ctx, `INSERT INTO agreements (track_id, title, text_version_id, effective, duration_days, renewal_terms,
			notice_days, warn_window_days, warn_violations, warn_unverifiable, warn_overdue_days, status, expires, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			a.TrackID, a.Title, nullInt64(a.TextVersionID), a.Effective, a.DurationDays, a.RenewalTerms, a.NoticeDays,
			w.WindowDays, w.Violations, w.Unverifiable, w.OverdueDays, a.Status, a.Expires, nullInt64(by), micro(a.CreatedAt)).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("insert agreement: %w", err)
		}
		for i, p := range a.Signatories {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_signatories (agreement_id, party_id, position) VALUES ($1, $2, $3)`, a.ID, p, i); err != nil {
				return fmt.Errorf("insert signatory: %w", err)
			}
		}
		// The first entry is dated at Effective when that lies in the
		// past, so that a past agreement's history can follow it.
		at := a.CreatedAt
		if eff, _ := time.Parse(time.DateOnly, a.Effective); eff.Before(at) {
			at = eff
		}
		tr := parley.AgreementTransition{From: "", To: parley.AgreementInForce, Reason: "entered into force", ActorID: by, At: at}
		if err := insertAgreementTransition(ctx, tx, a.ID, &tr); err != nil {
			return err
		}
		a.History, a.Renewals = []parley.AgreementTransition{tr}, []parley.Renewal{}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.create", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary, stored: append(agreementStored(a), tr)})
	})
}

func insertAgreementTransition(ctx context.Context, tx *Tx, agreementID int64, tr *parley.AgreementTransition) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO agreement_transitions (agreement_id, from_status, to_status, reason, event_id, actor_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		agreementID, tr.From, tr.To, tr.Reason, nullInt64(tr.EventID), nullInt64(tr.ActorID), micro(tr.At)).Scan(&tr.ID)
	if err != nil {
		return fmt.Errorf("insert agreement transition: %w", err)
	}
	return nil
}

// FindAgreementByID returns an agreement on a track the caller sees.
func (s *Store) FindAgreementByID(ctx context.Context, id int64) (_ *parley.Agreement, err error) {
	defer s.mapErr(&err, "find agreement")
	return readTx(ctx, s, func(tx *Tx) (*parley.Agreement, error) { return findAgreement(ctx, tx, id, false) })
}

// FindAgreements returns the agreements of a track, or of every track the
// caller sees (trackID 0), oldest first.
func (s *Store) FindAgreements(ctx context.Context, trackID int64) (_ []*parley.Agreement, err error) {
	defer s.mapErr(&err, "find agreements")
	if trackID != 0 {
		return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.Agreement, error) {
			return readAgreements(ctx, tx, `track_id = $1`, trackID)
		})
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cond, args := scopeOf(ctx).filter("track_id", 1)
	if cond == "" {
		cond = "1 = 1"
	}
	as, err := readAgreements(ctx, tx, cond, args...)
	if err != nil {
		return nil, err
	}
	return as, commit(tx)
}

// editAgreement runs change on an agreement the caller may change, locked,
// in a write transaction, and returns the agreement as stored afterwards.
func (s *Store) editAgreement(ctx context.Context, id int64, change func(*Tx, *parley.Agreement) error) (*parley.Agreement, error) {
	var out *parley.Agreement
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := findAgreement(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, a.TrackID); err != nil {
			return err
		}
		if err := change(tx, a); err != nil {
			return err
		}
		out, err = findAgreement(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TransitionAgreement moves an agreement along its lifecycle
// (parley.AgreementStatus.CheckTransition); ECONFLICT for a step the
// lifecycle forbids, EINVALID for an unknown event or a time before the
// last transition or in the future.
func (s *Store) TransitionAgreement(ctx context.Context, id int64, req parley.AgreementTransitionRequest) (_ *parley.Agreement, err error) {
	defer s.mapErr(&err, "transition agreement")
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return s.editAgreement(ctx, id, func(tx *Tx, a *parley.Agreement) error {
		if err := a.Status.CheckTransition(req.To); err != nil {
			return err
		}
		if req.EventID != nil {
			if err := requireRef(ctx, tx, "events", "event_id", "event", *req.EventID); err != nil {
				return err
			}
		}
		at := normalTime(tx.now)
		if req.At != nil {
			at = normalTime(*req.At)
			if at.After(tx.now) {
				return parley.Errorf(parley.EINVALID, "at", "at is in the future")
			}
		}
		if last := a.History[len(a.History)-1].At; at.Before(last) {
			return parley.Errorf(parley.EINVALID, "at", "the transition at %s lies before the agreement's last transition at %s",
				at.Format(time.RFC3339), last.Format(time.RFC3339))
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		tr := parley.AgreementTransition{From: a.Status, To: req.To, Reason: req.Reason, EventID: req.EventID, ActorID: by, At: at}
		if err := insertAgreementTransition(ctx, tx, a.ID, &tr); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agreements SET status = $1 WHERE id = $2`, req.To, a.ID); err != nil {
			return fmt.Errorf("update agreement status: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.transition", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary, stored: []any{a.ID, tr}})
	})
}

// RenewAgreement extends a live agreement to a later expiry
// (parley.Renewal.Validate).
func (s *Store) RenewAgreement(ctx context.Context, id int64, r *parley.Renewal) (_ *parley.Agreement, err error) {
	defer s.mapErr(&err, "renew agreement")
	return s.editAgreement(ctx, id, func(tx *Tx, a *parley.Agreement) error {
		if err := r.Validate(a); err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		r.ActorID, r.At = by, normalTime(tx.now)
		err = tx.QueryRowContext(ctx, `INSERT INTO renewals (agreement_id, date, expires, note, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			a.ID, r.Date, r.Expires, r.Note, nullInt64(by), micro(r.At)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("insert renewal: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agreements SET expires = $1 WHERE id = $2`, r.Expires, a.ID); err != nil {
			return fmt.Errorf("update agreement expiry: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.renew", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary, stored: []any{a.ID, r.ID, r.Date, r.Expires, r.Note, by, micro(r.At)}})
	})
}

// SetWarningThresholds replaces an agreement's early-warning thresholds.
func (s *Store) SetWarningThresholds(ctx context.Context, id int64, w parley.WarningThresholds) (_ *parley.Agreement, err error) {
	defer s.mapErr(&err, "set warning thresholds")
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return s.editAgreement(ctx, id, func(tx *Tx, a *parley.Agreement) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agreements SET warn_window_days = $1, warn_violations = $2, warn_unverifiable = $3, warn_overdue_days = $4 WHERE id = $5`,
			w.WindowDays, w.Violations, w.Unverifiable, w.OverdueDays, a.ID); err != nil {
			return fmt.Errorf("update warning thresholds: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.warning", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary, stored: []any{a.ID, w}})
	})
}
