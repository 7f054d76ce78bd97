package parley

import (
	"context"
	"time"
)

// ProposalStatus says whether a proposal still stands. Nothing is deleted: a
// proposal taken back is withdrawn, one replaced by a newer one is
// superseded.
type ProposalStatus string

const (
	ProposalOpen       ProposalStatus = "open"
	ProposalWithdrawn  ProposalStatus = "withdrawn"
	ProposalSuperseded ProposalStatus = "superseded"
)

// Proposal is a full or partial package — one option for some or all of the
// track's themes — put forward by a party or by the mediators. Its Package
// and Rationale are sealed at rest under the track's data key; its Audience
// says who reads it (Caller.CanRead on its track).
//
// A party's proposal goes to the mediators (audience party:<author>, which
// the author's delegation reads too) or to everyone (plenary); a mediators'
// proposal may have any audience.
type Proposal struct {
	ID            int64          `json:"id"`
	TrackID       int64          `json:"track_id"`
	AuthorPartyID *int64         `json:"author_party_id,omitempty"` // nil: the mediators
	Audience      Audience       `json:"audience"`
	Package       []Choice       `json:"package"`
	Rationale     string         `json:"rationale"`
	Status        ProposalStatus `json:"status"`
	Supersedes    *int64         `json:"supersedes,omitempty"`    // the proposal this one replaces
	SupersededBy  *int64         `json:"superseded_by,omitempty"` // set by the store
	CreatedBy     *int64         `json:"created_by,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
}

// checkAuthorAudience checks that a record written on behalf of a party (or
// the mediators, nil) has an audience the author itself reads.
func checkAuthorAudience(party *int64, a Audience) error {
	if err := a.Validate("audience"); err != nil {
		return err
	}
	if party == nil || a == AudiencePlenary {
		return nil
	}
	if id, ok := a.PartyID(); ok && id == *party {
		return nil
	}
	return Errorf(EINVALID, "audience", "a party writes to the mediators (party:%d) or to plenary", *party)
}

// Validate checks the fields a caller sets; the store checks the package
// against the track's themes (CheckPackage).
func (p *Proposal) Validate() error {
	if p.TrackID <= 0 {
		return Errorf(EINVALID, "track_id", "track_id must be a positive id")
	}
	if p.AuthorPartyID != nil && *p.AuthorPartyID <= 0 {
		return Errorf(EINVALID, "author_party_id", "author_party_id must be a positive id")
	}
	if err := checkAuthorAudience(p.AuthorPartyID, p.Audience); err != nil {
		return err
	}
	if len(p.Package) == 0 {
		return Errorf(EINVALID, "package", "a package names an option for at least one theme")
	}
	return checkText("rationale", p.Rationale)
}

// CheckPackage checks that a package names each of its themes once, by name,
// with one of that theme's options. Messages name the field, never a value
// of a sealed package.
func CheckPackage(field string, pkg []Choice, themes []*Theme) error {
	if len(pkg) > len(themes) {
		return Errorf(EINVALID, field, "the package names more themes than the track has")
	}
	seen := map[string]bool{}
	for i, c := range pkg {
		var theme *Theme
		for _, t := range themes {
			if t.Name == c.Theme {
				theme = t
			}
		}
		if theme == nil {
			return Errorf(EINVALID, field, "choice %d names a theme that is not on this track's agenda", i+1)
		}
		if seen[c.Theme] {
			return Errorf(EINVALID, field, "choice %d names a theme a second time", i+1)
		}
		seen[c.Theme] = true
		found := false
		for _, o := range theme.Options {
			found = found || o.Label == c.Option
		}
		if !found {
			return Errorf(EINVALID, field, "choice %d names an option that its theme does not have", i+1)
		}
	}
	return nil
}

// ResponseKind is a party's answer to a proposal.
type ResponseKind string

const (
	ResponseAccept  ResponseKind = "accept"
	ResponseReject  ResponseKind = "reject"
	ResponseCounter ResponseKind = "counter" // with a counter-proposal
)

// ProposalResponse is an answer to a proposal by a party (or the mediators,
// nil PartyID), with reasons sealed at rest and an audience of its own, under
// the same rules as a proposal's.
type ProposalResponse struct {
	ID         int64        `json:"id"`
	ProposalID int64        `json:"proposal_id"`
	TrackID    int64        `json:"track_id"` // the proposal's track, set by the store
	PartyID    *int64       `json:"party_id,omitempty"`
	Kind       ResponseKind `json:"kind"`
	CounterID  *int64       `json:"counter_id,omitempty"` // the counter-proposal, for kind counter
	Reasons    string       `json:"reasons"`
	Audience   Audience     `json:"audience"`
	CreatedBy  *int64       `json:"created_by,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
}

// Validate checks the fields a caller sets.
func (r *ProposalResponse) Validate() error {
	if r.PartyID != nil && *r.PartyID <= 0 {
		return Errorf(EINVALID, "party_id", "party_id must be a positive id")
	}
	switch r.Kind {
	case ResponseAccept, ResponseReject:
		if r.CounterID != nil {
			return Errorf(EINVALID, "counter_id", "only a counter names a counter-proposal")
		}
	case ResponseCounter:
		if r.CounterID == nil || *r.CounterID <= 0 {
			return Errorf(EINVALID, "counter_id", "a counter names its counter-proposal")
		}
	default:
		return Errorf(EINVALID, "kind", "unknown kind %q (want accept, reject or counter)", r.Kind)
	}
	if err := checkAuthorAudience(r.PartyID, r.Audience); err != nil {
		return err
	}
	return checkText("reasons", r.Reasons)
}

// PartyUtility is what a package is worth to one party under its sealed
// profile: Σ weight(theme) · value(theme, chosen option) over the package's
// themes, divided by the sum of all its weights, so 1 is the party's best
// outcome; a theme the package leaves open counts for nothing.
type PartyUtility struct {
	PartyID int64   `json:"party_id"`
	Utility float64 `json:"utility"`
}

// ProposalService keeps proposals and their responses. Reads apply the one
// audience check (Caller.CanRead with the record's track and audience): a
// proposal or response the caller may not read is ENOTFOUND and absent from
// every list. Writes on behalf of a party need CanEditProfile for that party
// (its delegates and the mediators); on behalf of the mediators,
// CanEditTrack.
type ProposalService interface {
	// FindProposalByID returns a proposal, or ENOTFOUND.
	FindProposalByID(ctx context.Context, id int64) (*Proposal, error)
	// FindProposals returns the track's proposals the caller may read,
	// oldest first; ENOTFOUND if the track is not visible.
	FindProposals(ctx context.Context, trackID int64) ([]*Proposal, error)
	// CreateProposal seals and stores p, setting ID, Status, CreatedBy and
	// CreatedAt; EINVALID for a package that names an unknown theme or
	// option. With Supersedes set, the replaced proposal (open, same track
	// and author; the same audience or plenary) becomes superseded in the
	// same transaction.
	CreateProposal(ctx context.Context, p *Proposal) error
	// WithdrawProposal marks an open proposal withdrawn; ECONFLICT if it is
	// not open.
	WithdrawProposal(ctx context.Context, id int64) (*Proposal, error)
	// FindResponses returns the proposal's responses the caller may read,
	// oldest first; ENOTFOUND if the proposal is not readable.
	FindResponses(ctx context.Context, proposalID int64) ([]*ProposalResponse, error)
	// CreateResponse seals and stores a response to a readable, open
	// proposal (ECONFLICT if it is withdrawn or superseded). A counter
	// names a proposal of the same track that the caller may read.
	CreateResponse(ctx context.Context, r *ProposalResponse) error
	// ProposalUtilities returns the proposal's utility for each party whose
	// profile the caller may read (a delegate: its own party; a mediator:
	// every party), ordered by party ID.
	ProposalUtilities(ctx context.Context, id int64) ([]PartyUtility, error)
	// FindConcessions compares each of the party's proposals on the track
	// with its previous one (Concessions), valued under the party's latest
	// profile; ENOTFOUND unless the caller reads that profile (the party's
	// delegates and the mediators).
	FindConcessions(ctx context.Context, trackID, partyID int64) ([]Concession, error)
}
