package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
)

// This file keeps agreements and their history and renewals
// (parley.AgreementService); commitment.go keeps their commitments,
// reports and scores. Everything here is map data: read per CanSeeTrack,
// written per CanEditTrack.

// scanAgreement reads a row of tAgreements.
func scanAgreement(row rowScanner) (*parley.Agreement, error) {
	a := &parley.Agreement{}
	var version, by sql.NullInt64
	var dur, notice, ww, wv, wu, wo, at int64
	if err := row.Scan(&a.ID, &a.TrackID, &a.Title, &version, &a.Effective, &dur, &a.RenewalTerms, &notice,
		&ww, &wv, &wu, &wo, &a.Status, &a.Expires, &by, &at); err != nil {
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
	all, err := queryAll(ctx, tx, tAgreements, scanAgreement, `SELECT `+tAgreements.sel+` FROM agreements WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find agreements: %w", err)
	}
	out := []*parley.Agreement{}
	byID := map[int64]*parley.Agreement{}
	for _, a := range all {
		if !canSeeTrack(ctx, a.TrackID) {
			continue
		}
		a.Signatories, a.History, a.Renewals = []int64{}, []parley.AgreementTransition{}, []parley.Renewal{}
		out = append(out, a)
		byID[a.ID] = a
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, a := range out {
		ids[i] = a.ID
	}
	in := `agreement_id IN (` + inList + `)`
	if err := eachRowIn(ctx, tx, tSignatories, `SELECT `+tSignatories.sel+` FROM agreement_signatories WHERE `+in+` ORDER BY agreement_id, position`, ids, func(r rowScanner) error {
		var aid, pid, position int64
		if err := r.Scan(&aid, &pid, &position); err != nil {
			return err
		}
		byID[aid].Signatories = append(byID[aid].Signatories, pid)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRowIn(ctx, tx, tAgreementTr, `SELECT `+tAgreementTr.sel+` FROM agreement_transitions WHERE `+in+` ORDER BY id`, ids, func(r rowScanner) error {
		var aid, at int64
		var event, actor sql.NullInt64
		var tr parley.AgreementTransition
		if err := r.Scan(&tr.ID, &aid, &tr.From, &tr.To, &tr.Reason, &event, &actor, &at); err != nil {
			return err
		}
		tr.EventID, tr.ActorID, tr.At = nullableID(event), nullableID(actor), fromMicro(at)
		byID[aid].History = append(byID[aid].History, tr)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRowIn(ctx, tx, tRenewals, `SELECT `+tRenewals.sel+` FROM renewals WHERE `+in+` ORDER BY id`, ids, func(r rowScanner) error {
		var aid, at int64
		var actor sql.NullInt64
		var rn parley.Renewal
		if err := r.Scan(&rn.ID, &aid, &rn.Date, &rn.Expires, &rn.Note, &actor, &at); err != nil {
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

// findAgreement returns an agreement on a track the caller sees, or
// ENOTFOUND. With forUpdate the row is locked (PostgreSQL).
func findAgreement(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Agreement, error) {
	if forUpdate {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM agreements WHERE id = $1`+tx.d.ForUpdate, id).Scan(&one) // the lock; the row is read below
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
	ok, err := isTrackParty(ctx, tx, trackID, partyID, roles...)
	if err != nil {
		return err
	}
	if !ok {
		return parley.Errorf(parley.EINVALID, field, "party %d is not a party of track %d", partyID, trackID)
	}
	return nil
}

// isTrackParty reports whether the party holds one of roles (any role if
// none is given) on the track, from the rows of track_parties, verified.
func isTrackParty(ctx context.Context, tx *Tx, trackID, partyID int64, roles ...parley.PartyRole) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tTrackParties.sel+` FROM track_parties WHERE track_id = $1 AND party_id = $2`, trackID, partyID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	checked := tx.scanner(tTrackParties, rows)
	found := false
	for rows.Next() {
		var t, p, position int64
		var role parley.PartyRole
		if err := checked.Scan(&t, &p, &role, &position); err != nil {
			return false, err
		}
		if len(roles) == 0 || slices.Contains(roles, role) {
			found = true
		}
	}
	return found, rows.Err()
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
		if err := s.checkPackageAgreed(ctx, tx, a.TrackID); err != nil {
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
		r, err := tx.insert(ctx, tAgreements, `track_id, title, text_version_id, effective, duration_days, renewal_terms, `+
			`notice_days, warn_window_days, warn_violations, warn_unverifiable, warn_overdue_days, status, expires, created_by, created_at`,
			a.TrackID, a.Title, nullInt64(a.TextVersionID), a.Effective, a.DurationDays, a.RenewalTerms, a.NoticeDays,
			w.WindowDays, w.Violations, w.Unverifiable, w.OverdueDays, a.Status, a.Expires, nullInt64(by), micro(a.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert agreement: %w", err)
		}
		a.ID = r.id()
		for i, p := range a.Signatories {
			if _, err := tx.insert(ctx, tSignatories, `agreement_id, party_id, position`, a.ID, p, i); err != nil {
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
			audience: parley.AudiencePlenary})
	})
}

func insertAgreementTransition(ctx context.Context, tx *Tx, agreementID int64, tr *parley.AgreementTransition) error {
	r, err := tx.insert(ctx, tAgreementTr, `agreement_id, from_status, to_status, reason, event_id, actor_id, at`,
		agreementID, tr.From, tr.To, tr.Reason, nullInt64(tr.EventID), nullInt64(tr.ActorID), micro(tr.At))
	if err != nil {
		return fmt.Errorf("insert agreement transition: %w", err)
	}
	tr.ID = r.id()
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
		if _, err := tx.update(ctx, tAgreements, []any{a.ID}, `status = $1`, req.To); err != nil {
			return fmt.Errorf("update agreement status: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.transition", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary})
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
		row, err := tx.insert(ctx, tRenewals, `agreement_id, date, expires, note, actor_id, at`,
			a.ID, r.Date, r.Expires, r.Note, nullInt64(by), micro(r.At))
		if err != nil {
			return fmt.Errorf("insert renewal: %w", err)
		}
		r.ID = row.id()
		if _, err := tx.update(ctx, tAgreements, []any{a.ID}, `expires = $1`, r.Expires); err != nil {
			return fmt.Errorf("update agreement expiry: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.renew", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary})
	})
}

// SetWarningThresholds replaces an agreement's early-warning thresholds.
func (s *Store) SetWarningThresholds(ctx context.Context, id int64, w parley.WarningThresholds) (_ *parley.Agreement, err error) {
	defer s.mapErr(&err, "set warning thresholds")
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return s.editAgreement(ctx, id, func(tx *Tx, a *parley.Agreement) error {
		if _, err := tx.update(ctx, tAgreements, []any{a.ID}, `warn_window_days = $1, warn_violations = $2, warn_unverifiable = $3, warn_overdue_days = $4`,
			w.WindowDays, w.Violations, w.Unverifiable, w.OverdueDays); err != nil {
			return fmt.Errorf("update warning thresholds: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "agreement.warning", object: agreementObject(a.ID), trackID: a.TrackID,
			audience: parley.AudiencePlenary})
	})
}
