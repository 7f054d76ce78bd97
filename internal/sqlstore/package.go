package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/parley-talks/parley"
)

// Cross-track packages (parley.PackageService): each part is a proposal of
// its own track, stored by createProposal (sealed under its track's key,
// with its track's audience), and a row of package_parts ties it to the
// package, whose id is its first part's.

// CreatePackage stores every part of a cross-track package in one write.
func (s *Store) CreatePackage(ctx context.Context, in parley.PackageInput) (_ *parley.ProposalPackage, err error) {
	defer s.mapErr(&err, "create package")
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
			return nil, forbidden("only a mediator of every track of a package may put it (track %d)", p.TrackID)
		}
	}
	pkg := &parley.ProposalPackage{}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkPackageTracks(ctx, tx, in); err != nil {
			return err
		}
		pkg.Parts = pkg.Parts[:0]
		for i, part := range in.Parts {
			p := &parley.Proposal{TrackID: part.TrackID, Audience: in.Audience, Package: part.Package, Rationale: part.Rationale}
			if err := p.Validate(); err != nil {
				return err
			}
			if err := s.createProposal(ctx, tx, p); err != nil {
				return err
			}
			if i == 0 {
				pkg.ID = p.ID
			}
			if _, err := tx.insert(ctx, tPackageParts, `proposal_id, package_id, track_id, position`, p.ID, pkg.ID, p.TrackID, i); err != nil {
				return fmt.Errorf("insert package part: %w", err)
			}
			pkg.Parts = append(pkg.Parts, p)
		}
		return appendAudit(ctx, tx, auditRecord{action: "package.create", object: fmt.Sprintf("package/%d", pkg.ID), trackID: in.Parts[0].TrackID, audience: in.Audience})
	})
	if err != nil {
		return nil, err
	}
	return pkg, nil
}

// checkPackageTracks refuses a package whose tracks are not joined by
// active links, or that is put to a party that is not a principal of every
// one of its tracks.
func checkPackageTracks(ctx context.Context, tx *Tx, in parley.PackageInput) error {
	tracks := in.TrackIDs()
	g, err := findCrossTrackGap(ctx, tx, tracks, in.PartyIDs)
	switch {
	case err != nil || g == nil:
		return err
	case g.kind == gapMissing:
		return parley.Errorf(parley.EINVALID, "parts.track_id", "track %d does not exist", g.track)
	case g.kind == gapUnlinked:
		return parley.Errorf(parley.EINVALID, "parts.track_id",
			"tracks %d and %d are not linked: link them before putting a package across them", tracks[0], g.track)
	default:
		return parley.Errorf(parley.EINVALID, "party_ids",
			"party %d is not a principal of track %d: a cross-track package is put only to parties of every one of its tracks", g.party, g.track)
	}
}

// crossTrackGap is what keeps a cross-track package or ballot from its
// tracks; each caller words the refusal for what it puts.
type crossTrackGap struct {
	kind  int   // gapMissing, gapUnlinked or gapNotPrincipal
	track int64 // the track missing, not linked to the first, or the party's
	party int64 // for gapNotPrincipal
}

const (
	gapMissing = iota + 1
	gapUnlinked
	gapNotPrincipal
)

// findCrossTrackGap returns the first gap among tracks (the first track's
// active links must reach every other) and parties (each a principal of
// every track), or nil for none.
func findCrossTrackGap(ctx context.Context, tx *Tx, tracks, parties []int64) (*crossTrackGap, error) {
	for _, t := range tracks {
		if err := requireTrack(ctx, tx, t); err != nil {
			return &crossTrackGap{kind: gapMissing, track: t}, nil
		}
	}
	links, err := activeLinks(ctx, tx)
	if err != nil {
		return nil, err
	}
	joined := parley.LinkedTracks(tracks[0], links)
	for _, t := range tracks[1:] {
		if !slices.Contains(joined, t) {
			return &crossTrackGap{kind: gapUnlinked, track: t}, nil
		}
	}
	for _, party := range parties {
		for _, t := range tracks {
			ok, err := isTrackParty(ctx, tx, t, party, parley.RolePrincipal)
			if err != nil {
				return nil, err
			}
			if !ok {
				return &crossTrackGap{kind: gapNotPrincipal, track: t, party: party}, nil
			}
		}
	}
	return nil, nil
}

// packagePart is a row of tPackageParts.
type packagePart struct{ proposal, pkg, track, position int64 }

func scanPackagePart(row rowScanner) (packagePart, error) {
	var p packagePart
	err := row.Scan(&p.proposal, &p.pkg, &p.track, &p.position)
	return p, err
}

// FindPackage returns the package of a proposal the caller reads.
func (s *Store) FindPackage(ctx context.Context, proposalID int64) (_ *parley.ProposalPackage, err error) {
	defer s.mapErr(&err, "find package")
	return readTx(ctx, s, func(tx *Tx) (*parley.ProposalPackage, error) {
		if _, err := s.findProposal(ctx, tx, proposalID); err != nil {
			return nil, err
		}
		mine, err := queryAll(ctx, tx, tPackageParts, scanPackagePart, `SELECT `+tPackageParts.sel+` FROM package_parts WHERE proposal_id = $1`, proposalID)
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			return nil, parley.Errorf(parley.ENOTFOUND, "", "proposal %d is part of no package", proposalID)
		}
		parts, err := queryAll(ctx, tx, tPackageParts, scanPackagePart,
			`SELECT `+tPackageParts.sel+` FROM package_parts WHERE package_id = $1 ORDER BY position`, mine[0].pkg)
		if err != nil {
			return nil, err
		}
		pkg := &parley.ProposalPackage{ID: mine[0].pkg, Parts: []*parley.Proposal{}}
		for _, part := range parts {
			// The one audience check, through the proposals' own read.
			ps, err := s.readProposals(ctx, tx, `id = $1`, part.proposal)
			if err != nil {
				return nil, err
			}
			if len(ps) == 0 {
				pkg.Hidden++
				continue
			}
			pkg.Parts = append(pkg.Parts, ps[0])
		}
		return pkg, nil
	})
}
