package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/parley-talks/parley"
)

// Cross-track ballots (parley.BallotPackageService): each part is a ballot
// of its own track, stored by createBallot (sealed under its track's key,
// read under its track's rules), and a row of ballot_parts ties it to the
// cross-track ballot, whose id is its first part's.

// CreateBallotPackage stores every part of a cross-track ballot in one write.
func (s *Store) CreateBallotPackage(ctx context.Context, in parley.BallotPackageInput) (_ *parley.BallotPackage, err error) {
	defer s.mapErr(&err, "create cross-track ballot")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := parley.CallerFromContext(ctx)
	for _, p := range in.Parts {
		if !c.CanSeeTrack(p.TrackID) {
			return nil, parley.Errorf(parley.EINVALID, "parts.track_id", "track %d does not exist", p.TrackID)
		}
	}
	for _, p := range in.Parts {
		if !c.CanEditTrack(p.TrackID) {
			return nil, forbidden("only a mediator of every track of a cross-track ballot may put it (track %d)", p.TrackID)
		}
	}
	bp := &parley.BallotPackage{}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkBallotTracks(ctx, tx, in); err != nil {
			return err
		}
		bp.Parts = bp.Parts[:0]
		for i, part := range in.Parts {
			b := &parley.Ballot{TrackID: part.TrackID, Package: part.Package, PartyIDs: slices.Clone(in.PartyIDs), Deadline: in.Deadline}
			if err := s.createBallot(ctx, tx, b); err != nil {
				return err
			}
			if i == 0 {
				bp.ID = b.ID
			}
			if _, err := tx.insert(ctx, tBallotParts, `ballot_id, package_id, track_id, position`, b.ID, bp.ID, b.TrackID, i); err != nil {
				return fmt.Errorf("insert ballot part: %w", err)
			}
			bp.Parts = append(bp.Parts, b)
		}
		return appendAudit(ctx, tx, auditRecord{action: "ballot.package.create", object: fmt.Sprintf("ballot-package/%d", bp.ID), trackID: in.Parts[0].TrackID, audience: parley.AudienceMediators})
	})
	if err != nil {
		return nil, err
	}
	return bp, nil
}

// checkBallotTracks refuses a cross-track ballot whose tracks are not
// joined by active links, or that is put to a party that is not a
// principal of every one of its tracks (findCrossTrackGap, package.go).
func checkBallotTracks(ctx context.Context, tx *Tx, in parley.BallotPackageInput) error {
	tracks := in.TrackIDs()
	g, err := findCrossTrackGap(ctx, tx, tracks, in.PartyIDs)
	switch {
	case err != nil || g == nil:
		return err
	case g.kind == gapMissing:
		return parley.Errorf(parley.EINVALID, "parts.track_id", "track %d does not exist", g.track)
	case g.kind == gapUnlinked:
		return parley.Errorf(parley.EINVALID, "parts.track_id",
			"tracks %d and %d are not linked: link them before putting a ballot across them", tracks[0], g.track)
	default:
		return parley.Errorf(parley.EINVALID, "party_ids",
			"party %d is not a principal of track %d: a cross-track ballot is put only to parties of every one of its tracks", g.party, g.track)
	}
}

// ballotPart is a row of tBallotParts.
type ballotPart struct{ ballot, pkg, track, position int64 }

func scanBallotPart(row rowScanner) (ballotPart, error) {
	var p ballotPart
	err := row.Scan(&p.ballot, &p.pkg, &p.track, &p.position)
	return p, err
}

// FindBallotPackage returns the cross-track ballot of a ballot the caller reads.
func (s *Store) FindBallotPackage(ctx context.Context, ballotID int64) (_ *parley.BallotPackage, err error) {
	defer s.mapErr(&err, "find cross-track ballot")
	return readTx(ctx, s, func(tx *Tx) (*parley.BallotPackage, error) {
		if _, err := s.findBallot(ctx, tx, ballotID); err != nil {
			return nil, err
		}
		mine, err := queryAll(ctx, tx, tBallotParts, scanBallotPart, `SELECT `+tBallotParts.sel+` FROM ballot_parts WHERE ballot_id = $1`, ballotID)
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			return nil, parley.Errorf(parley.ENOTFOUND, "", "ballot %d is part of no cross-track ballot", ballotID)
		}
		parts, err := queryAll(ctx, tx, tBallotParts, scanBallotPart,
			`SELECT `+tBallotParts.sel+` FROM ballot_parts WHERE package_id = $1 ORDER BY position`, mine[0].pkg)
		if err != nil {
			return nil, err
		}
		bp := &parley.BallotPackage{ID: mine[0].pkg, Parts: []*parley.Ballot{}}
		for _, part := range parts {
			// The one audience check, through the ballots' own read.
			bs, err := s.readBallots(ctx, tx, `id = $1`, part.ballot)
			if err != nil {
				return nil, err
			}
			if len(bs) == 0 {
				bp.Hidden++
				continue
			}
			bp.Parts = append(bp.Parts, bs[0])
		}
		return bp, nil
	})
}
