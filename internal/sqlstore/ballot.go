package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// A ballot's answers are sealed as one of two plaintexts of equal length,
// so that neither the ciphertext nor its length tells them apart.
var (
	answerAccept = []byte("accept")
	answerReject = []byte("reject")
)

func ballotAnswerRecord(ballotID, partyID int64) string {
	return fmt.Sprintf("%d/%d", ballotID, partyID)
}

// ballotVisible applies the one audience check: the caller reads a ballot
// if it reads the audience of one of the parties it is put to (the
// mediators read them all).
func ballotVisible(ctx context.Context, b *parley.Ballot) bool {
	for _, p := range b.PartyIDs {
		if canRead(ctx, b.TrackID, parley.PartyAudience(p)) {
			return true
		}
	}
	return false
}

// readBallots reads the ballots matching cond that the caller may read,
// with their outcomes.
func (s *Store) readBallots(ctx context.Context, tx *Tx, cond string, arg int64) ([]*parley.Ballot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tBallots.sel+` FROM ballots WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("find ballots: %w", err)
	}
	defer rows.Close()
	type row struct {
		b   *parley.Ballot
		pkg []byte
	}
	var all []row
	checked := tx.scanner(tBallots, rows)
	for rows.Next() {
		r := row{b: &parley.Ballot{}}
		var by sql.NullInt64
		var deadline, at int64
		if err := checked.Scan(&r.b.ID, &r.b.TrackID, &r.pkg, &deadline, &by, &at); err != nil {
			return nil, err
		}
		r.b.Deadline, r.b.CreatedBy, r.b.CreatedAt = fromMicro(deadline), nullableID(by), fromMicro(at)
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := []*parley.Ballot{}
	for _, r := range all {
		answers, err := ballotAnswers(ctx, tx, r.b)
		if err != nil {
			return nil, err
		}
		if !ballotVisible(ctx, r.b) {
			continue
		}
		k, err := s.trackKey(ctx, tx, r.b.TrackID, false)
		if err != nil {
			return nil, err
		}
		rec := strconv.FormatInt(r.b.ID, 10)
		plain, err := k.OpenField("ballots", rec, "package", r.pkg)
		if err != nil {
			return nil, &SealedError{Table: "ballots", Record: rec, Field: "package", Err: err}
		}
		if err := json.Unmarshal(plain, &r.b.Package); err != nil {
			return nil, fmt.Errorf("ballots record %s: package does not decode", rec)
		}
		r.b.YouAnswered = ownAnswered(ctx, r.b, answers)
		r.b.Outcome = parley.BallotPending
		if len(answers) == len(r.b.PartyIDs) || !tx.now.Before(r.b.Deadline) {
			accepted := len(answers) == len(r.b.PartyIDs)
			// Every answer is opened, whatever the first ones say.
			for party, sealed := range answers {
				rec := ballotAnswerRecord(r.b.ID, party)
				a, err := k.OpenField("ballot_parties", rec, "answer", sealed)
				if err != nil {
					return nil, &SealedError{Table: "ballot_parties", Record: rec, Field: "answer", Err: err}
				}
				accepted = accepted && string(a) == string(answerAccept)
			}
			r.b.Outcome = parley.BallotNotAccepted
			if accepted {
				r.b.Outcome = parley.BallotAccepted
			}
		}
		out = append(out, r.b)
	}
	return out, nil
}

// ballotAnswers sets b.PartyIDs and returns the sealed answers given so
// far, by party.
func ballotAnswers(ctx context.Context, tx *Tx, b *parley.Ballot) (map[int64][]byte, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tBallotAnswer.sel+` FROM ballot_parties WHERE ballot_id = $1 ORDER BY party_id`, b.ID)
	if err != nil {
		return nil, fmt.Errorf("find ballot parties: %w", err)
	}
	defer rows.Close()
	answers := map[int64][]byte{}
	b.PartyIDs = []int64{}
	checked := tx.scanner(tBallotAnswer, rows)
	for rows.Next() {
		var ballot, party int64
		var answer []byte
		if err := checked.Scan(&ballot, &party, &answer); err != nil {
			return nil, err
		}
		b.PartyIDs = append(b.PartyIDs, party)
		if answer != nil {
			answers[party] = answer
		}
	}
	return answers, rows.Err()
}

func (s *Store) findBallot(ctx context.Context, tx *Tx, id int64) (*parley.Ballot, error) {
	bs, err := s.readBallots(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, notFound("ballot", id)
	}
	return bs[0], nil
}

// FindBallotByID returns a ballot the caller may read, with its outcome.
func (s *Store) FindBallotByID(ctx context.Context, id int64) (_ *parley.Ballot, err error) {
	defer s.mapErr(&err, "find ballot")
	return readTx(ctx, s, func(tx *Tx) (*parley.Ballot, error) { return s.findBallot(ctx, tx, id) })
}

// FindBallots returns the track's ballots the caller may read.
func (s *Store) FindBallots(ctx context.Context, trackID int64) (_ []*parley.Ballot, err error) {
	defer s.mapErr(&err, "find ballots")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.Ballot, error) {
		return s.readBallots(ctx, tx, `track_id = $1`, trackID)
	})
}

// CreateBallot seals and stores a ballot (see parley.BallotService).
func (s *Store) CreateBallot(ctx context.Context, b *parley.Ballot) (err error) {
	defer s.mapErr(&err, "create ballot")
	if err := b.Validate(); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, b.TrackID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error { return s.createBallot(ctx, tx, b) })
}

// createBallot checks, seals and stores a ballot in tx, with its parties
// and audit entry; the caller has validated it and checked the caller's
// right.
func (s *Store) createBallot(ctx context.Context, tx *Tx, b *parley.Ballot) error {
	plain, err := json.Marshal(b.Package)
	if err != nil {
		return fmt.Errorf("encode ballot: %w", err)
	}
	{
		if err := lockTrack(ctx, tx, b.TrackID); err != nil {
			return err
		}
		for _, p := range b.PartyIDs {
			if err := requirePrincipal(ctx, tx, "party_ids", b.TrackID, p); err != nil {
				return err
			}
		}
		themes, err := s.trackThemes(ctx, tx, b.TrackID)
		if err != nil {
			return err
		}
		if err := parley.CheckPackage("package", b.Package, themes); err != nil {
			return err
		}
		if !b.Deadline.After(tx.now) {
			return parley.Errorf(parley.EINVALID, "deadline", "the deadline must lie in the future")
		}
		k, err := s.trackKey(ctx, tx, b.TrackID, true)
		if err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		b.Deadline, b.CreatedBy, b.CreatedAt, b.Outcome = normalTime(b.Deadline), by, normalTime(tx.now), parley.BallotPending
		r, err := tx.insertSealed(ctx, tBallots, `track_id, package, deadline, created_by, created_at`,
			[]any{b.TrackID, []byte{}, micro(b.Deadline), nullInt64(by), micro(b.CreatedAt)},
			func(r rowVals) (string, []any) {
				return `package = $1`, []any{k.SealField("ballots", strconv.FormatInt(r.id(), 10), "package", plain)}
			})
		if err != nil {
			return fmt.Errorf("insert ballot: %w", err)
		}
		b.ID = r.id()
		rec := strconv.FormatInt(b.ID, 10)
		for _, p := range b.PartyIDs {
			if _, err := tx.insert(ctx, tBallotAnswer, `ballot_id, party_id, answer`, b.ID, p, nil); err != nil {
				return fmt.Errorf("insert ballot party: %w", err)
			}
		}
		return appendAudit(ctx, tx, auditRecord{action: "ballot.create", object: "ballot/" + rec, trackID: b.TrackID, audience: parley.AudienceMediators})
	}
}

// AnswerBallot seals and records a party's answer. Its work and its result
// are the same for an accept and a reject, and do not depend on the other
// parties' answers, which it never opens.
func (s *Store) AnswerBallot(ctx context.Context, id, partyID int64, accept bool) (err error) {
	defer s.mapErr(&err, "answer ballot")
	answer := answerReject
	if accept {
		answer = answerAccept
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		b := &parley.Ballot{}
		var pkg []byte
		var by sql.NullInt64
		var deadline, at int64
		err := tx.scanner(tBallots, tx.QueryRowContext(ctx, `SELECT `+tBallots.sel+` FROM ballots WHERE id = $1`+tx.d.ForUpdate, id)).
			Scan(&b.ID, &b.TrackID, &pkg, &deadline, &by, &at)
		if isNoRows(err) {
			return notFound("ballot", id)
		}
		if err != nil {
			return fmt.Errorf("find ballot %d: %w", id, err)
		}
		answers, err := ballotAnswers(ctx, tx, b)
		if err != nil {
			return err
		}
		if !ballotVisible(ctx, b) {
			return notFound("ballot", id)
		}
		if !parley.CallerFromContext(ctx).CanAnswerBallot(b.TrackID, partyID) {
			return forbidden("only a delegate of party %d answers for it", partyID)
		}
		addressed := false
		for _, p := range b.PartyIDs {
			addressed = addressed || p == partyID
		}
		if !addressed {
			return parley.Errorf(parley.EINVALID, "party_id", "ballot %d is not put to party %d", id, partyID)
		}
		if !tx.now.Before(fromMicro(deadline)) {
			return parley.Errorf(parley.ECONFLICT, "", "the deadline of ballot %d has passed", id)
		}
		if _, ok := answers[partyID]; ok {
			return parley.Errorf(parley.ECONFLICT, "", "party %d has already answered ballot %d", partyID, id)
		}
		k, err := s.trackKey(ctx, tx, b.TrackID, true)
		if err != nil {
			return err
		}
		rec := ballotAnswerRecord(id, partyID)
		sealed := k.SealField("ballot_parties", rec, "answer", answer)
		if _, err := tx.update(ctx, tBallotAnswer, []any{id, partyID}, `answer = $1`, sealed); err != nil {
			return fmt.Errorf("record answer: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "ballot.answer", object: "ballot/" + strconv.FormatInt(id, 10),
			trackID: b.TrackID, audience: parley.PartyAudience(partyID)})
	})
}

// ownAnswered says whether the caller's own party has answered, for a
// delegate of a party the ballot is put to; nil for anyone else.
func ownAnswered(ctx context.Context, b *parley.Ballot, answers map[int64][]byte) *bool {
	g := parley.CallerFromContext(ctx).Grant(b.TrackID)
	if g == nil || g.Role != parley.MemberDelegate || g.PartyID == nil {
		return nil
	}
	for _, p := range b.PartyIDs {
		if p == *g.PartyID {
			_, ok := answers[p]
			return &ok
		}
	}
	return nil
}
