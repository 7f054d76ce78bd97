package parley

import "context"

// ProposalPackage is one package put across linked tracks: a part per
// track, each a Proposal of its own track — sealed under that track's key,
// with that track's audience rules — tied together so that "nothing is
// agreed until everything is agreed" spans them. The mediators of every
// track put it, to parties that are principals of every one of them.
//
// What a caller sees of it: the parts it may read (Caller.CanRead on each
// part's track and audience), and only the number of the others. A
// delegate who is a member of one of the tracks only reads its own
// track's part and learns that the package has parts on tracks it is not
// a member of — never which tracks, their themes or their options.
type ProposalPackage struct {
	ID     int64       `json:"id"` // the id of its first part
	Parts  []*Proposal `json:"parts"`
	Hidden int         `json:"hidden"` // parts on tracks or audiences the caller does not read
}

// PackageInput is a cross-track package: a part per track (TrackID,
// Package, Rationale; the mediators author every part), its audience on
// each track (mediators or plenary) and the parties it is put to.
type PackageInput struct {
	Parts    []PackagePart `json:"parts"`
	Audience Audience      `json:"audience"`
	PartyIDs []int64       `json:"party_ids"`
}

// PackagePart is a package's options on one track.
type PackagePart struct {
	TrackID   int64    `json:"track_id"`
	Package   []Choice `json:"package"`
	Rationale string   `json:"rationale"`
}

// TrackIDs returns the tracks of the parts, in their order.
func (in *PackageInput) TrackIDs() []int64 {
	ids := make([]int64, len(in.Parts))
	for i, p := range in.Parts {
		ids[i] = p.TrackID
	}
	return ids
}

// Validate checks the fields on their own; the store checks the tracks,
// their links, their themes and the parties.
func (in *PackageInput) Validate() error {
	if len(in.Parts) < 2 {
		return Errorf(EINVALID, "parts", "a cross-track package has a part on each of at least two tracks")
	}
	if len(in.Parts) > MaxLinkedItems {
		return Errorf(EINVALID, "parts", "at most %d parts", MaxLinkedItems)
	}
	seen := map[int64]bool{}
	for _, p := range in.Parts {
		if p.TrackID <= 0 {
			return Errorf(EINVALID, "parts.track_id", "each part names its track")
		}
		if seen[p.TrackID] {
			return Errorf(EINVALID, "parts.track_id", "track %d has two parts; a package has one part per track", p.TrackID)
		}
		seen[p.TrackID] = true
	}
	if in.Audience != AudienceMediators && in.Audience != AudiencePlenary {
		return Errorf(EINVALID, "audience", "a cross-track package goes to the mediators or to plenary on each track")
	}
	if len(in.PartyIDs) == 0 {
		return Errorf(EINVALID, "party_ids", "a cross-track package is put to the parties of its tracks")
	}
	return checkIDs("party_ids", in.PartyIDs)
}

// PackageService keeps cross-track packages.
type PackageService interface {
	// CreatePackage stores every part, all or none. EINVALID when a track
	// does not exist or is not visible, when the tracks are not joined by
	// active links, when a part names a theme or option its track does
	// not have, or when a party it is put to is not a principal of every
	// one of its tracks; EFORBIDDEN unless the caller mediates every track.
	CreatePackage(ctx context.Context, in PackageInput) (*ProposalPackage, error)
	// FindPackage returns the package a proposal the caller reads is part
	// of, with the parts the caller reads; ENOTFOUND for a proposal it
	// does not read or that is part of no package.
	FindPackage(ctx context.Context, proposalID int64) (*ProposalPackage, error)
}
