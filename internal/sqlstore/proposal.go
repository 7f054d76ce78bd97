package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// proposalContent is the sealed part of a proposal.
type proposalContent struct {
	Package   []parley.Choice `json:"package"`
	Rationale string          `json:"rationale"`
}

// requireWriteAs is ENOTFOUND for a track the caller may not see and
// EFORBIDDEN unless the caller may write on behalf of the party (nil: the
// mediators): CanEditProfile for a party, CanEditTrack for the mediators.
func requireWriteAs(ctx context.Context, trackID int64, party *int64) error {
	c := parley.CallerFromContext(ctx)
	if !c.CanSeeTrack(trackID) {
		return notFound("track", trackID)
	}
	if party == nil {
		if !c.CanEditTrack(trackID) {
			return forbidden("only the track's mediators write on behalf of the mediators")
		}
		return nil
	}
	if !c.CanEditProfile(trackID, *party) {
		return forbidden("you may not write on behalf of party %d", *party)
	}
	return nil
}

// requirePrincipal is EINVALID unless the party is a principal of the track.
func requirePrincipal(ctx context.Context, tx *Tx, field string, trackID, partyID int64) error {
	ok, err := isTrackParty(ctx, tx, trackID, partyID, parley.RolePrincipal)
	if err != nil {
		return err
	}
	if !ok {
		return parley.Errorf(parley.EINVALID, field, "party %d is not a principal of track %d", partyID, trackID)
	}
	return nil
}

// lockTrack locks the track's row (PostgreSQL) or checks that it exists.
func lockTrack(ctx context.Context, tx *Tx, trackID int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM tracks WHERE id = $1`+tx.d.ForUpdate, trackID).Scan(&one)
	if isNoRows(err) {
		return notFound("track", trackID)
	}
	if err != nil {
		return fmt.Errorf("find track %d: %w", trackID, err)
	}
	return nil
}

// sealedProposal is a proposal as read, before its content is opened.
type sealedProposal struct {
	p       *parley.Proposal
	content []byte
}

// scanProposal reads a row of tProposals.
func scanProposal(row rowScanner) (sealedProposal, error) {
	r := sealedProposal{p: &parley.Proposal{}}
	var author, sup, supBy, by sql.NullInt64
	var at int64
	if err := row.Scan(&r.p.ID, &r.p.TrackID, &author, &r.p.Audience, &r.content, &r.p.Status, &sup, &supBy, &by, &at); err != nil {
		return r, err
	}
	r.p.AuthorPartyID, r.p.Supersedes, r.p.SupersededBy, r.p.CreatedBy = nullableID(author), nullableID(sup), nullableID(supBy), nullableID(by)
	r.p.CreatedAt = fromMicro(at)
	return r, nil
}

// readProposals reads the proposals matching cond, keeps those the caller
// may read and opens them.
func (s *Store) readProposals(ctx context.Context, tx *Tx, cond string, arg int64) ([]*parley.Proposal, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tProposals.sel+` FROM proposals WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("find proposals: %w", err)
	}
	defer rows.Close()
	var found []sealedProposal
	checked := tx.scanner(tProposals, rows)
	for rows.Next() {
		r, err := scanProposal(checked)
		if err != nil {
			return nil, err
		}
		if canRead(ctx, r.p.TrackID, r.p.Audience) {
			found = append(found, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.Proposal, 0, len(found))
	for _, r := range found {
		if err := s.openProposal(ctx, tx, r); err != nil {
			return nil, err
		}
		out = append(out, r.p)
	}
	return out, nil
}

func (s *Store) openProposal(ctx context.Context, tx *Tx, r sealedProposal) error {
	k, err := s.trackKey(ctx, tx, r.p.TrackID, false)
	if err != nil {
		return err
	}
	rec := strconv.FormatInt(r.p.ID, 10)
	plain, err := k.OpenField("proposals", rec, "content", r.content)
	if err != nil {
		return &SealedError{Table: "proposals", Record: rec, Field: "content", Err: err}
	}
	var c proposalContent
	if err := json.Unmarshal(plain, &c); err != nil {
		return fmt.Errorf("proposals record %s: content does not decode", rec)
	}
	r.p.Package, r.p.Rationale = c.Package, c.Rationale
	return nil
}

// findProposal returns a proposal the caller may read, or ENOTFOUND.
func (s *Store) findProposal(ctx context.Context, tx *Tx, id int64) (*parley.Proposal, error) {
	ps, err := s.readProposals(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, notFound("proposal", id)
	}
	return ps[0], nil
}

// FindProposalByID returns a proposal the caller may read, or ENOTFOUND.
func (s *Store) FindProposalByID(ctx context.Context, id int64) (_ *parley.Proposal, err error) {
	defer s.mapErr(&err, "find proposal")
	return readTx(ctx, s, func(tx *Tx) (*parley.Proposal, error) { return s.findProposal(ctx, tx, id) })
}

// FindProposals returns the track's proposals the caller may read.
func (s *Store) FindProposals(ctx context.Context, trackID int64) (_ []*parley.Proposal, err error) {
	defer s.mapErr(&err, "find proposals")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.Proposal, error) {
		return s.readProposals(ctx, tx, `track_id = $1`, trackID)
	})
}

// CreateProposal seals and stores a proposal (see parley.ProposalService).
func (s *Store) CreateProposal(ctx context.Context, p *parley.Proposal) (err error) {
	defer s.mapErr(&err, "create proposal")
	if err := p.Validate(); err != nil {
		return err
	}
	if err := requireWriteAs(ctx, p.TrackID, p.AuthorPartyID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error { return s.createProposal(ctx, tx, p) })
}

// createProposal checks, seals and stores a proposal in tx, with its audit
// entry; the caller has validated it and checked the caller's right.
func (s *Store) createProposal(ctx context.Context, tx *Tx, p *parley.Proposal) error {
	plain, err := json.Marshal(proposalContent{Package: p.Package, Rationale: p.Rationale})
	if err != nil {
		return fmt.Errorf("encode proposal: %w", err)
	}
	if err := lockTrack(ctx, tx, p.TrackID); err != nil {
		return err
	}
	if p.AuthorPartyID != nil {
		if err := requirePrincipal(ctx, tx, "author_party_id", p.TrackID, *p.AuthorPartyID); err != nil {
			return err
		}
	}
	if id, ok := p.Audience.PartyID(); ok {
		if err := requirePrincipal(ctx, tx, "audience", p.TrackID, id); err != nil {
			return err
		}
	}
	themes, err := s.trackThemes(ctx, tx, p.TrackID)
	if err != nil {
		return err
	}
	if err := parley.CheckPackage("package", p.Package, themes); err != nil {
		return err
	}
	if p.Supersedes != nil {
		if err := s.checkSupersede(ctx, tx, p); err != nil {
			return err
		}
	}
	k, err := s.trackKey(ctx, tx, p.TrackID, true)
	if err != nil {
		return err
	}
	by, err := actor(ctx, tx)
	if err != nil {
		return err
	}
	p.Status, p.SupersededBy, p.CreatedBy, p.CreatedAt = parley.ProposalOpen, nil, by, normalTime(tx.now)
	row, err := tx.insertSealed(ctx, tProposals, `track_id, author_party_id, audience, content, status, supersedes, created_by, created_at`,
		[]any{p.TrackID, nullInt64(p.AuthorPartyID), p.Audience, []byte{}, p.Status, nullInt64(p.Supersedes), nullInt64(by), micro(p.CreatedAt)},
		func(r rowVals) (string, []any) {
			return `content = $1`, []any{k.SealField("proposals", strconv.FormatInt(r.id(), 10), "content", plain)}
		})
	if err != nil {
		return fmt.Errorf("insert proposal: %w", err)
	}
	p.ID = row.id()
	rec := strconv.FormatInt(p.ID, 10)
	if p.Supersedes != nil {
		if _, err := tx.update(ctx, tProposals, []any{*p.Supersedes}, `status = $1, superseded_by = $2`,
			parley.ProposalSuperseded, p.ID); err != nil {
			return fmt.Errorf("supersede proposal: %w", err)
		}
	}
	return appendAudit(ctx, tx, auditRecord{action: "proposal.create", object: "proposal/" + rec, trackID: p.TrackID, audience: p.Audience})
}

// checkSupersede checks that p may replace the proposal it names: one the
// caller reads, of the same track and author, still open.
func (s *Store) checkSupersede(ctx context.Context, tx *Tx, p *parley.Proposal) error {
	old, err := s.lockProposal(ctx, tx, *p.Supersedes)
	if err != nil {
		return err
	}
	if old.TrackID != p.TrackID || !sameParty(old.AuthorPartyID, p.AuthorPartyID) {
		return parley.Errorf(parley.EINVALID, "supersedes", "a proposal replaces one of the same track and author")
	}
	// Whoever read the old proposal reads the new one, so that its
	// superseded_by names nothing they cannot see.
	if p.Audience != old.Audience && p.Audience != parley.AudiencePlenary {
		return parley.Errorf(parley.EINVALID, "audience", "a proposal that replaces another keeps its audience (%s) or widens it to plenary", old.Audience)
	}
	if old.Status != parley.ProposalOpen {
		return parley.Errorf(parley.ECONFLICT, "supersedes", "proposal %d is %s", old.ID, old.Status)
	}
	return nil
}

// lockProposal reads a proposal's row for update, without opening its
// content; ENOTFOUND unless the caller reads it.
func (s *Store) lockProposal(ctx context.Context, tx *Tx, id int64) (*parley.Proposal, error) {
	r, err := scanProposal(tx.scanner(tProposals, tx.QueryRowContext(ctx, `SELECT `+tProposals.sel+` FROM proposals WHERE id = $1`+tx.d.ForUpdate, id)))
	if isNoRows(err) || (err == nil && !canRead(ctx, r.p.TrackID, r.p.Audience)) {
		return nil, notFound("proposal", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find proposal %d: %w", id, err)
	}
	return r.p, nil
}

func sameParty(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// WithdrawProposal marks an open proposal withdrawn.
func (s *Store) WithdrawProposal(ctx context.Context, id int64) (_ *parley.Proposal, err error) {
	defer s.mapErr(&err, "withdraw proposal")
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		p, err := s.lockProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := requireWriteAs(ctx, p.TrackID, p.AuthorPartyID); err != nil {
			return err
		}
		if p.Status != parley.ProposalOpen {
			return parley.Errorf(parley.ECONFLICT, "", "proposal %d is %s", id, p.Status)
		}
		if _, err := tx.update(ctx, tProposals, []any{id}, `status = $1`, parley.ProposalWithdrawn); err != nil {
			return fmt.Errorf("withdraw proposal: %w", err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "proposal.withdraw", object: "proposal/" + strconv.FormatInt(id, 10),
			trackID: p.TrackID, audience: p.Audience})
	})
	if err != nil {
		return nil, err
	}
	return s.FindProposalByID(ctx, id)
}

// FindResponses returns the proposal's responses the caller may read.
func (s *Store) FindResponses(ctx context.Context, proposalID int64) (_ []*parley.ProposalResponse, err error) {
	defer s.mapErr(&err, "find responses")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := s.findProposal(ctx, tx, proposalID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+tResponses.sel+` FROM proposal_responses WHERE proposal_id = $1 ORDER BY id`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("find responses: %w", err)
	}
	defer rows.Close()
	type row struct {
		r       *parley.ProposalResponse
		reasons []byte
	}
	var found []row
	checked := tx.scanner(tResponses, rows)
	for rows.Next() {
		x := row{r: &parley.ProposalResponse{}}
		var party, counter, by sql.NullInt64
		var at int64
		if err := checked.Scan(&x.r.ID, &x.r.ProposalID, &x.r.TrackID, &party, &x.r.Kind, &counter, &x.reasons, &x.r.Audience, &by, &at); err != nil {
			return nil, err
		}
		x.r.PartyID, x.r.CounterID, x.r.CreatedBy, x.r.CreatedAt = nullableID(party), nullableID(counter), nullableID(by), fromMicro(at)
		if canRead(ctx, x.r.TrackID, x.r.Audience) {
			found = append(found, x)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.ProposalResponse, 0, len(found))
	for _, x := range found {
		k, err := s.trackKey(ctx, tx, x.r.TrackID, false)
		if err != nil {
			return nil, err
		}
		rec := strconv.FormatInt(x.r.ID, 10)
		plain, err := k.OpenField("proposal_responses", rec, "reasons", x.reasons)
		if err != nil {
			return nil, &SealedError{Table: "proposal_responses", Record: rec, Field: "reasons", Err: err}
		}
		x.r.Reasons = string(plain)
		out = append(out, x.r)
	}
	return out, commit(tx)
}

// CreateResponse seals and stores a response (see parley.ProposalService).
func (s *Store) CreateResponse(ctx context.Context, r *parley.ProposalResponse) (err error) {
	defer s.mapErr(&err, "create response")
	if err := r.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		p, err := s.lockProposal(ctx, tx, r.ProposalID)
		if err != nil {
			return err
		}
		if err := requireWriteAs(ctx, p.TrackID, r.PartyID); err != nil {
			return err
		}
		if p.Status != parley.ProposalOpen {
			return parley.Errorf(parley.ECONFLICT, "proposal_id", "proposal %d is %s", p.ID, p.Status)
		}
		if r.PartyID != nil {
			if err := requirePrincipal(ctx, tx, "party_id", p.TrackID, *r.PartyID); err != nil {
				return err
			}
		}
		if id, ok := r.Audience.PartyID(); ok {
			if err := requirePrincipal(ctx, tx, "audience", p.TrackID, id); err != nil {
				return err
			}
		}
		if r.CounterID != nil {
			c, err := s.lockProposal(ctx, tx, *r.CounterID)
			if err != nil || c.TrackID != p.TrackID || c.ID == p.ID {
				return parley.Errorf(parley.EINVALID, "counter_id", "the counter-proposal must be another proposal of the same track that you can read")
			}
		}
		k, err := s.trackKey(ctx, tx, p.TrackID, true)
		if err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		r.TrackID, r.CreatedBy, r.CreatedAt = p.TrackID, by, normalTime(tx.now)
		row, err := tx.insertSealed(ctx, tResponses, `proposal_id, track_id, party_id, kind, counter_id, reasons, audience, created_by, created_at`,
			[]any{r.ProposalID, r.TrackID, nullInt64(r.PartyID), r.Kind, nullInt64(r.CounterID), []byte{}, r.Audience, nullInt64(by), micro(r.CreatedAt)},
			func(x rowVals) (string, []any) {
				return `reasons = $1`, []any{k.SealField("proposal_responses", strconv.FormatInt(x.id(), 10), "reasons", []byte(r.Reasons))}
			})
		if err != nil {
			return fmt.Errorf("insert response: %w", err)
		}
		r.ID = row.id()
		rec := strconv.FormatInt(r.ID, 10)
		return appendAudit(ctx, tx, auditRecord{action: "proposal.respond", object: "response/" + rec, trackID: r.TrackID, audience: r.Audience})
	})
}

// ProposalUtilities returns the proposal's utility for each party whose
// profile the caller may read: the profiles are read with the caller's
// context, so the audience check decides whose utilities are shown.
func (s *Store) ProposalUtilities(ctx context.Context, id int64) (_ []parley.PartyUtility, err error) {
	defer s.mapErr(&err, "proposal utilities")
	p, err := s.FindProposalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	profiles, err := s.FindProfiles(ctx, p.TrackID)
	if err != nil {
		return nil, err
	}
	out := make([]parley.PartyUtility, 0, len(profiles))
	for _, pr := range profiles {
		out = append(out, parley.PartyUtility{PartyID: pr.PartyID, Utility: pr.Content.Utility(p.Package)})
	}
	return out, nil
}

// FindConcessions compares the party's proposals with their predecessors
// (see parley.ProposalService): the proposals and profiles are read with
// the caller's context, so the audience check decides what is compared
// and whose utilities show.
func (s *Store) FindConcessions(ctx context.Context, trackID, partyID int64) (_ []parley.Concession, err error) {
	defer s.mapErr(&err, "find concessions")
	own, err := s.FindProfile(ctx, trackID, partyID)
	if err != nil {
		return nil, err
	}
	proposals, err := s.FindProposals(ctx, trackID)
	if err != nil {
		return nil, err
	}
	profiles, err := s.FindProfiles(ctx, trackID)
	if err != nil {
		return nil, err
	}
	return parley.Concessions(partyID, proposals, &own.Content, profiles), nil
}
