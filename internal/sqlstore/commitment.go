package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// This file keeps an agreement's commitments, the monitoring reports on
// them and their implementation scores (parley.AgreementService), and a
// party's trust record. A report's source and evidence are sealed: table
// reports, record "<id>", fields "source" (column sealed_source) and
// "evidence", read per CanRead with the report's audience.

// scanCommitment reads a row of tCommitments.
func scanCommitment(row rowScanner) (*parley.Commitment, error) {
	c := &parley.Commitment{}
	var clause, at int64
	if err := row.Scan(&c.ID, &c.AgreementID, &c.TrackID, &c.Obligor, &c.Obligation, &c.Due, &c.Recurrence, &c.Verifier, &clause, &at); err != nil {
		return nil, err
	}
	c.Clause, c.CreatedAt = int(clause), fromMicro(at)
	return c, nil
}

func queryCommitments(ctx context.Context, tx *Tx, cond string, args ...any) ([]*parley.Commitment, error) {
	out, err := queryAll(ctx, tx, tCommitments, scanCommitment, `SELECT `+tCommitments.sel+` FROM commitments WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find commitments: %w", err)
	}
	return out, nil
}

// readAgreementRecords runs read in one read transaction after checking
// that the agreement exists on a track the caller sees.
func readAgreementRecords[T any](ctx context.Context, s *Store, agreementID int64, read func(*Tx, *parley.Agreement) (T, error)) (T, error) {
	var zero T
	tx, err := s.beginRead(ctx)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	a, err := findAgreement(ctx, tx, agreementID, false)
	if err != nil {
		return zero, err
	}
	v, err := read(tx, a)
	if err != nil {
		return zero, err
	}
	return v, commit(tx)
}

// CreateCommitment adds a commitment to an agreement: the obligor and the
// verifier take part in the track, and the clause exists in the adopted
// version (0 for an agreement entered directly).
func (s *Store) CreateCommitment(ctx context.Context, c *parley.Commitment) (err error) {
	defer s.mapErr(&err, "create commitment")
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := findAgreement(ctx, tx, c.AgreementID, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, a.TrackID); err != nil {
			return err
		}
		if n, err := count(ctx, tx, `SELECT count(*) FROM commitments WHERE agreement_id = $1`, a.ID); err != nil {
			return err
		} else if n >= parley.MaxCommitments {
			return parley.Errorf(parley.EINVALID, "agreement_id", "an agreement holds at most %d commitments", parley.MaxCommitments)
		}
		if err := requireTrackParty(ctx, tx, "obligor", a.TrackID, c.Obligor); err != nil {
			return err
		}
		if err := requireTrackParty(ctx, tx, "verifier", a.TrackID, c.Verifier); err != nil {
			return err
		}
		if err := s.checkCommitmentClause(ctx, tx, a, c.Clause); err != nil {
			return err
		}
		c.TrackID, c.CreatedAt = a.TrackID, normalTime(tx.now)
		r, err := tx.insert(ctx, tCommitments, `agreement_id, track_id, obligor, obligation, due, recurrence, verifier, clause, created_at`,
			c.AgreementID, c.TrackID, c.Obligor, c.Obligation, c.Due, c.Recurrence, c.Verifier, c.Clause, micro(c.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert commitment: %w", err)
		}
		c.ID = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "commitment.create", object: "commitment/" + strconv.FormatInt(c.ID, 10), trackID: c.TrackID,
			audience: parley.AudiencePlenary})
	})
}

// checkCommitmentClause checks a commitment's clause against the
// agreement's adopted version: the one version opened, and only when a
// clause is named.
func (s *Store) checkCommitmentClause(ctx context.Context, tx *Tx, a *parley.Agreement, clause int) error {
	if clause == 0 {
		return nil
	}
	if a.TextVersionID == nil {
		return parley.Errorf(parley.EINVALID, "clause", "agreement %d was entered directly and has no clauses; clause must be 0", a.ID)
	}
	v, err := s.findVersion(ctx, tx, *a.TextVersionID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return parley.Errorf(parley.EINVALID, "clause", "the adopted text version %d is not readable", *a.TextVersionID)
	}
	if err != nil {
		return err
	}
	if clause > len(v.Clauses) {
		return parley.Errorf(parley.EINVALID, "clause", "the adopted version has %d clauses; there is no clause %d", len(v.Clauses), clause)
	}
	return nil
}

// FindCommitments returns an agreement's commitments, oldest first.
func (s *Store) FindCommitments(ctx context.Context, agreementID int64) (_ []*parley.Commitment, err error) {
	defer s.mapErr(&err, "find commitments")
	return readAgreementRecords(ctx, s, agreementID, func(tx *Tx, a *parley.Agreement) ([]*parley.Commitment, error) {
		return queryCommitments(ctx, tx, `agreement_id = $1`, a.ID)
	})
}

// requireDisjointPeriod refuses a score for a period that overlaps another
// period the commitment is scored for (parley.PeriodsOverlap); the same
// period again is a new score that replaces the last.
func requireDisjointPeriod(ctx context.Context, tx *Tx, sc *parley.Score) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT period FROM scores WHERE commitment_id = $1`, sc.CommitmentID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return err
		}
		if parley.PeriodsOverlap(p, sc.Period) {
			return parley.Errorf(parley.EINVALID, "period", "the commitment is scored for %s, which overlaps %s: score it for periods that do not overlap", p, sc.Period)
		}
	}
	return rows.Err()
}

// requireReport refuses a caller who may not report on the track's
// implementation (Caller.CanReport: its mediators, verifiers and
// guarantors): ENOTFOUND if it does not see the track, EFORBIDDEN
// otherwise.
func requireReport(ctx context.Context, trackID int64) error {
	c := parley.CallerFromContext(ctx)
	if !c.CanSeeTrack(trackID) {
		return notFound("track", trackID)
	}
	if !c.CanReport(trackID) {
		return forbidden("only the track's mediators, verifiers and guarantors may report on track %d", trackID)
	}
	return nil
}

// CreateReport records a monitoring report, its evidence sealed to its
// audience; EINVALID naming commitment_id when the commitment is not one
// of the report's agreement.
func (s *Store) CreateReport(ctx context.Context, r *parley.Report) (err error) {
	defer s.mapErr(&err, "create report")
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := r.Validate(tx.now); err != nil {
			return err
		}
		a, err := findAgreement(ctx, tx, r.AgreementID, true)
		if err != nil {
			return err
		}
		if err := requireReport(ctx, a.TrackID); err != nil {
			return err
		}
		cs, err := queryCommitments(ctx, tx, `id = $1`, r.CommitmentID)
		if err != nil {
			return err
		}
		if len(cs) == 0 || cs[0].AgreementID != a.ID {
			return parley.Errorf(parley.EINVALID, "commitment_id", "commitment %d is not a commitment of agreement %d", r.CommitmentID, a.ID)
		}
		if id, ok := r.Audience.PartyID(); ok {
			if err := requireTrackParty(ctx, tx, "audience", a.TrackID, id); err != nil {
				return err
			}
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		k, err := s.trackKey(ctx, tx, a.TrackID, true)
		if err != nil {
			return err
		}
		r.TrackID, r.CreatedBy, r.CreatedAt = a.TrackID, by, normalTime(tx.now)
		row, err := tx.insertSealed(ctx, tReports, `commitment_id, agreement_id, track_id, date, source, sealed_source, reliability, finding, audience, evidence, created_by, created_at`,
			[]any{r.CommitmentID, r.AgreementID, r.TrackID, r.Date, "", []byte{}, r.Reliability, r.Finding, r.Audience, []byte{}, nullInt64(by), micro(r.CreatedAt)},
			func(x rowVals) (string, []any) {
				rec := strconv.FormatInt(x.id(), 10)
				return `sealed_source = $1, evidence = $2`, []any{k.SealField("reports", rec, "source", []byte(r.Source)), k.SealField("reports", rec, "evidence", []byte(r.Evidence))}
			})
		if err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
		r.ID = row.id()
		rec := strconv.FormatInt(r.ID, 10)
		r.EvidenceSealed = false
		return appendAudit(ctx, tx, auditRecord{action: "report.create", object: "report/" + rec, trackID: r.TrackID, audience: r.Audience})
	})
}

// readReports reads the reports matching cond, oldest first by date. With
// open, the source and evidence of each report the caller may read are
// opened (one key per track); the others come with EvidenceSealed and no
// source. Without, nothing is opened.
func (s *Store) readReports(ctx context.Context, tx *Tx, open bool, cond string, args ...any) ([]*parley.Report, error) {
	type sealedRow struct {
		r                *parley.Report
		source, evidence []byte
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+tReports.sel+` FROM reports WHERE `+cond+` ORDER BY date, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find reports: %w", err)
	}
	defer rows.Close()
	var found []sealedRow
	out := []*parley.Report{}
	checked := tx.scanner(tReports, rows)
	for rows.Next() {
		f := sealedRow{r: &parley.Report{}}
		r := f.r
		var by sql.NullInt64
		var at int64
		var empty string
		if err := checked.Scan(&r.ID, &r.CommitmentID, &r.AgreementID, &r.TrackID, &r.Date, &empty, &f.source, &r.Reliability, &r.Finding, &r.Audience,
			&f.evidence, &by, &at); err != nil {
			return nil, err
		}
		r.CreatedBy, r.CreatedAt = nullableID(by), fromMicro(at)
		r.EvidenceSealed = true
		out = append(out, r)
		if open && canRead(ctx, r.TrackID, r.Audience) {
			found = append(found, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, f := range found {
		k, err := s.trackKey(ctx, tx, f.r.TrackID, false)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue // shredded: the source and evidence are gone, the map data stays
		}
		if err != nil {
			return nil, err
		}
		rec := strconv.FormatInt(f.r.ID, 10)
		source, err := k.OpenField("reports", rec, "source", f.source)
		if err != nil {
			return nil, &SealedError{Table: "reports", Record: rec, Field: "source", Err: err}
		}
		evidence, err := k.OpenField("reports", rec, "evidence", f.evidence)
		if err != nil {
			return nil, &SealedError{Table: "reports", Record: rec, Field: "evidence", Err: err}
		}
		f.r.Source, f.r.Evidence, f.r.EvidenceSealed = string(source), string(evidence), false
	}
	return out, nil
}

// FindReports returns an agreement's reports, oldest first by date, each
// with its evidence only if the caller may read it.
func (s *Store) FindReports(ctx context.Context, agreementID int64) (_ []*parley.Report, err error) {
	defer s.mapErr(&err, "find reports")
	return readAgreementRecords(ctx, s, agreementID, func(tx *Tx, a *parley.Agreement) ([]*parley.Report, error) {
		return s.readReports(ctx, tx, true, `agreement_id = $1`, a.ID)
	})
}

// CreateScore appends a commitment's score for a period; a later score for
// the same period supersedes the earlier one, which stays.
func (s *Store) CreateScore(ctx context.Context, sc *parley.Score) (err error) {
	defer s.mapErr(&err, "create score")
	if err := sc.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		// With the agreement named, it must be visible (ENOTFOUND) and
		// the commitment one of its own (EINVALID).
		if sc.AgreementID != 0 {
			a, err := findAgreement(ctx, tx, sc.AgreementID, false)
			if err != nil {
				return err
			}
			if err := requireEditTrack(ctx, a.TrackID); err != nil {
				return err
			}
		}
		cs, err := queryCommitments(ctx, tx, `id = $1`, sc.CommitmentID)
		if err != nil {
			return err
		}
		if len(cs) == 0 || !canSeeTrack(ctx, cs[0].TrackID) || (sc.AgreementID != 0 && cs[0].AgreementID != sc.AgreementID) {
			return parley.Errorf(parley.EINVALID, "commitment_id", "commitment %d is not a commitment of the agreement", sc.CommitmentID)
		}
		c := cs[0]
		if err := requireEditTrack(ctx, c.TrackID); err != nil {
			return err
		}
		if err := requireDisjointPeriod(ctx, tx, sc); err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		sc.AgreementID, sc.CreatedBy, sc.CreatedAt = c.AgreementID, by, normalTime(tx.now)
		r, err := tx.insert(ctx, tScores, `commitment_id, agreement_id, period, value, note, created_by, created_at`,
			sc.CommitmentID, sc.AgreementID, sc.Period, sc.Value, sc.Note, nullInt64(by), micro(sc.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert score: %w", err)
		}
		sc.ID = r.id()
		return appendAudit(ctx, tx, auditRecord{action: "score.create", object: "score/" + strconv.FormatInt(sc.ID, 10), trackID: c.TrackID,
			audience: parley.AudiencePlenary})
	})
}

// FindScores returns an agreement's scores, every one, oldest first.
func (s *Store) FindScores(ctx context.Context, agreementID int64) (_ []*parley.Score, err error) {
	defer s.mapErr(&err, "find scores")
	return readAgreementRecords(ctx, s, agreementID, func(tx *Tx, a *parley.Agreement) ([]*parley.Score, error) {
		rows, err := tx.QueryContext(ctx, `SELECT `+tScores.sel+` FROM scores WHERE agreement_id = $1 ORDER BY id`, a.ID)
		if err != nil {
			return nil, fmt.Errorf("find scores: %w", err)
		}
		defer rows.Close()
		out := []*parley.Score{}
		checked := tx.scanner(tScores, rows)
		for rows.Next() {
			sc := &parley.Score{}
			var by sql.NullInt64
			var v, at int64
			if err := checked.Scan(&sc.ID, &sc.CommitmentID, &sc.AgreementID, &sc.Period, &v, &sc.Note, &by, &at); err != nil {
				return nil, err
			}
			sc.Value, sc.CreatedBy, sc.CreatedAt = int(v), nullableID(by), fromMicro(at)
			out = append(out, sc)
		}
		return out, rows.Err()
	})
}

// TrustRecord returns a party's record over the commitments it owes on the
// tracks the caller sees: two queries, no evidence read.
func (s *Store) TrustRecord(ctx context.Context, partyID int64) (_ *parley.TrustRecord, err error) {
	defer s.mapErr(&err, "trust record")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ok, err := exists(ctx, tx, "parties", partyID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("party", partyID)
	}
	cond, args := scopeOf(ctx).filter("track_id", 2)
	where := `obligor = $1`
	if cond != "" {
		where += ` AND ` + cond
	}
	args = append([]any{partyID}, args...)
	cs, err := queryCommitments(ctx, tx, where, args...)
	if err != nil {
		return nil, err
	}
	rs, err := s.readReports(ctx, tx, false, `commitment_id IN (SELECT id FROM commitments WHERE `+where+`)`, args...)
	if err != nil {
		return nil, err
	}
	return parley.BuildTrustRecord(partyID, cs, rs), commit(tx)
}
