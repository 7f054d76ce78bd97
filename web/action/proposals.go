package action

import (
	"context"
	"strings"
	"time"

	"github.com/parley-talks/parley"
)

// Proposals, their responses and ballots (the mediators' proposal with
// secret answers). The store applies the audience check to every record
// and decides who writes on behalf of whom.

// ProposalInput puts a proposal forward.
type ProposalInput struct {
	AuthorPartyID *int64          `json:"author_party_id,omitempty"`
	Audience      parley.Audience `json:"audience"`
	Package       []parley.Choice `json:"package"`
	Rationale     string          `json:"rationale"`
	Supersedes    *int64          `json:"supersedes,omitempty"`
}

// PutProposal puts a proposal forward on a track, for a party (its
// delegates, the mediators) or for the mediators.
func (a *Actions) PutProposal(ctx context.Context, trackID int64, in ProposalInput) (*parley.Proposal, error) {
	p := &parley.Proposal{TrackID: trackID, AuthorPartyID: in.AuthorPartyID, Audience: in.Audience, Package: in.Package,
		Rationale: strings.TrimSpace(in.Rationale), Supersedes: in.Supersedes}
	if p.Package == nil {
		p.Package = []parley.Choice{}
	}
	return p, a.Store.CreateProposal(ctx, p)
}

// ProposalUpdate is the one change a proposal admits: its withdrawal.
type ProposalUpdate struct {
	Status parley.ProposalStatus `json:"status"` // withdrawn
}

// WithdrawProposal withdraws an open proposal (nothing is deleted).
func (a *Actions) WithdrawProposal(ctx context.Context, id int64, in ProposalUpdate) (*parley.Proposal, error) {
	if in.Status != parley.ProposalWithdrawn {
		return nil, parley.Errorf(parley.EINVALID, "status", "a proposal can only be withdrawn (status withdrawn); to change it, supersede it")
	}
	return a.Store.WithdrawProposal(ctx, id)
}

// ResponseInput answers a proposal.
type ResponseInput struct {
	PartyID   *int64              `json:"party_id,omitempty"`
	Kind      parley.ResponseKind `json:"kind"`
	CounterID *int64              `json:"counter_id,omitempty"`
	Reasons   string              `json:"reasons"`
	Audience  parley.Audience     `json:"audience"`
}

// Respond accepts, rejects or counters a proposal for a party or the
// mediators.
func (a *Actions) Respond(ctx context.Context, proposalID int64, in ResponseInput) (*parley.ProposalResponse, error) {
	resp := &parley.ProposalResponse{ProposalID: proposalID, PartyID: in.PartyID, Kind: in.Kind, CounterID: in.CounterID,
		Reasons: strings.TrimSpace(in.Reasons), Audience: in.Audience}
	return resp, a.Store.CreateResponse(ctx, resp)
}

// BallotInput puts one package to several parties for secret answers.
type BallotInput struct {
	Package  []parley.Choice `json:"package"`
	PartyIDs []int64         `json:"party_ids"`
	Deadline time.Time       `json:"deadline"`
}

// PutBallot puts a ballot to the parties of a track (mediators).
func (a *Actions) PutBallot(ctx context.Context, trackID int64, in BallotInput) (*parley.Ballot, error) {
	b := &parley.Ballot{TrackID: trackID, Package: in.Package, PartyIDs: in.PartyIDs, Deadline: in.Deadline}
	if b.Package == nil {
		b.Package = []parley.Choice{}
	}
	return b, a.Store.CreateBallot(ctx, b)
}

// Answer is a party's secret answer to a ballot.
type Answer string

// The answers to a ballot.
const (
	Accept Answer = "accept"
	Reject Answer = "reject"
)

// Answers lists the answers to a ballot.
var Answers = []Answer{Accept, Reject}

// AnswerInput answers a ballot.
type AnswerInput struct {
	Answer Answer `json:"answer"`
}

// AnswerBallot answers a ballot in secret for the caller's party on the
// ballot's track: a delegate answers for its own party only, and nothing
// in the answer's effects tells an accept from a reject.
func (a *Actions) AnswerBallot(ctx context.Context, ballotID int64, in AnswerInput) error {
	if in.Answer != Accept && in.Answer != Reject {
		return parley.Errorf(parley.EINVALID, "answer", "answer must be accept or reject")
	}
	b, err := a.Store.FindBallotByID(ctx, ballotID)
	if err != nil {
		return err
	}
	var party int64
	if g := parley.CallerFromContext(ctx).Grant(b.TrackID); g != nil && g.Role == parley.MemberDelegate && g.PartyID != nil {
		party = *g.PartyID
	}
	if party == 0 {
		return parley.Errorf(parley.EFORBIDDEN, "", "only a delegate of a party the ballot is put to answers it")
	}
	return a.Store.AnswerBallot(ctx, ballotID, party, in.Answer == Accept)
}

// NoteInput adds sealed minutes or a caucus note to a meeting.
type NoteInput struct {
	Kind     parley.NoteKind `json:"kind"`
	Audience parley.Audience `json:"audience"`
	Text     string          `json:"text"`
}

// AddNote adds a note to a meeting, sealed to its audience.
func (a *Actions) AddNote(ctx context.Context, meetingID int64, in NoteInput) (*parley.MeetingNote, error) {
	n := &parley.MeetingNote{MeetingID: meetingID, Kind: in.Kind, Audience: in.Audience, Text: in.Text}
	return n, a.Store.CreateNote(ctx, n)
}
