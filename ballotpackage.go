package parley

import (
	"context"
	"time"
)

// BallotPackage is one ballot put across linked tracks: a part per track,
// each a Ballot of its own track — sealed under that track's key, read
// under that track's rules — tied together so that the parties answer a
// package that spans them. The mediators of every track put it, to
// parties that are principals of every one of them.
//
// What a caller sees of it: the parts it may read, and only the number of
// the others. A delegate who is a member of one of the tracks only reads
// its own track's part and learns that the ballot has parts on tracks it
// is not a member of — never which tracks, their themes or their options.
type BallotPackage struct {
	ID     int64     `json:"id"` // the id of its first part
	Parts  []*Ballot `json:"parts"`
	Hidden int       `json:"hidden"` // parts on tracks the caller does not read
}

// BallotPackageInput is a cross-track ballot: a part per track (TrackID,
// Package), the parties it is put to and its deadline, the same on every
// track.
type BallotPackageInput struct {
	Parts    []BallotPart `json:"parts"`
	PartyIDs []int64      `json:"party_ids"`
	Deadline time.Time    `json:"deadline"`
}

// BallotPart is a cross-track ballot's options on one track.
type BallotPart struct {
	TrackID int64    `json:"track_id"`
	Package []Choice `json:"package"`
}

// TrackIDs returns the tracks of the parts, in their order.
func (in *BallotPackageInput) TrackIDs() []int64 {
	ids := make([]int64, len(in.Parts))
	for i, p := range in.Parts {
		ids[i] = p.TrackID
	}
	return ids
}

// Validate checks the fields on their own; the store checks the tracks,
// their links, their themes and the parties.
func (in *BallotPackageInput) Validate() error {
	if len(in.Parts) < 2 {
		return Errorf(EINVALID, "parts", "a cross-track ballot has a part on each of at least two tracks")
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
			return Errorf(EINVALID, "parts.track_id", "track %d has two parts; a cross-track ballot has one part per track", p.TrackID)
		}
		seen[p.TrackID] = true
		b := Ballot{TrackID: p.TrackID, Package: p.Package, PartyIDs: in.PartyIDs, Deadline: in.Deadline}
		if err := b.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// BallotPackageService keeps cross-track ballots.
type BallotPackageService interface {
	// CreateBallotPackage stores every part, all or none. EINVALID when a
	// track does not exist or is not visible, when the tracks are not
	// joined by active links, when a part names a theme or option its
	// track does not have, or when a party it is put to is not a principal
	// of every one of its tracks; EFORBIDDEN unless the caller mediates
	// every track.
	CreateBallotPackage(ctx context.Context, in BallotPackageInput) (*BallotPackage, error)
	// FindBallotPackage returns the cross-track ballot a ballot the caller
	// reads is part of, with the parts the caller reads; ENOTFOUND for a
	// ballot it does not read or that is part of no cross-track ballot.
	FindBallotPackage(ctx context.Context, ballotID int64) (*BallotPackage, error)
}
