package parley

import (
	"context"
	"time"
)

// BallotOutcome is all that is ever revealed of a ballot's answers.
type BallotOutcome string

const (
	// BallotPending: some party has not answered and the deadline has not
	// passed. Nothing is revealed, not even a rejection already given.
	BallotPending BallotOutcome = "pending"
	// BallotAccepted: every party answered accept before the deadline.
	BallotAccepted BallotOutcome = "accepted by all"
	// BallotNotAccepted: some party rejected, or did not answer in time.
	BallotNotAccepted BallotOutcome = "not accepted"
)

// Ballot is the mediator's proposal with secret answers: one package put by
// the mediators to several parties, each of which answers accept or reject
// privately. The answers are sealed at rest and never shown to anyone, the
// mediators included; the ballot's Outcome says only "accepted by all" or
// "not accepted", and only once every party has answered or the deadline
// has passed. A party that rejected never learns who else accepted.
//
// A ballot is read by the mediators and by the delegates of the parties it
// is put to (Caller.CanRead with party:<id> for one of PartyIDs).
type Ballot struct {
	ID       int64         `json:"id"`
	TrackID  int64         `json:"track_id"`
	Package  []Choice      `json:"package"` // sealed at rest
	PartyIDs []int64       `json:"party_ids"`
	Deadline time.Time     `json:"deadline"`
	Outcome  BallotOutcome `json:"outcome"` // set by the store on every read
	// YouAnswered says, to a delegate of a party the ballot is put to,
	// whether its own party has answered (never what, and never for
	// another party); nil for everyone else.
	YouAnswered *bool     `json:"you_answered,omitempty"`
	CreatedBy   *int64    `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate checks the fields a caller sets; the store checks the package
// against the track's themes and the parties against its principals.
func (b *Ballot) Validate() error {
	if b.TrackID <= 0 {
		return Errorf(EINVALID, "track_id", "track_id must be a positive id")
	}
	if len(b.Package) == 0 {
		return Errorf(EINVALID, "package", "a package names an option for at least one theme")
	}
	if len(b.PartyIDs) < 2 || len(b.PartyIDs) > MaxLinkedItems {
		return Errorf(EINVALID, "party_ids", "a ballot is put to between 2 and %d parties", MaxLinkedItems)
	}
	seen := map[int64]bool{}
	for _, id := range b.PartyIDs {
		if id <= 0 || seen[id] {
			return Errorf(EINVALID, "party_ids", "party_ids must be distinct positive ids")
		}
		seen[id] = true
	}
	if b.Deadline.IsZero() {
		return Errorf(EINVALID, "deadline", "deadline is required")
	}
	return nil
}

// BallotService keeps ballots. No method returns, or errs differently
// because of, another party's answer.
type BallotService interface {
	// FindBallotByID returns a ballot with its outcome, or ENOTFOUND.
	FindBallotByID(ctx context.Context, id int64) (*Ballot, error)
	// FindBallots returns the track's ballots the caller may read, oldest
	// first; ENOTFOUND if the track is not visible.
	FindBallots(ctx context.Context, trackID int64) ([]*Ballot, error)
	// CreateBallot seals and stores b; the track's mediators only. The
	// parties must be principals of the track and the deadline in the
	// future.
	CreateBallot(ctx context.Context, b *Ballot) error
	// AnswerBallot records the party's sealed answer. Only the party's
	// delegates answer (EFORBIDDEN for anyone else who reads the ballot);
	// ECONFLICT if the party has answered already or the deadline has
	// passed. It returns nothing: the same for an accept as for a reject,
	// whatever the others answered.
	AnswerBallot(ctx context.Context, id, partyID int64, accept bool) error
}
