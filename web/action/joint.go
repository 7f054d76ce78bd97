package action

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation/linked"
)

// The joint analysis of linked tracks combines every party's sealed
// profiles on several tracks, so it is for callers who mediate every one
// of the linked tracks: anyone else gets 404, as for the analysis of one
// track. JointScenario is the one place that turns a track and the tracks
// linked to it into a linked.Input.

// JointTrack is one track of a joint analysis: its id, its name in the
// analysis (its title, unique among the linked tracks) and its parties.
type JointTrack struct {
	ID      int64
	Name    string
	Parties []TrackParty
}

// JointWhatIf is a what-if of the joint analysis, applied to this
// analysis only: nothing is saved.
type JointWhatIf struct {
	// Unlink leaves tracks out, by id (never the track asked about).
	Unlink []int64 `json:"unlink,omitempty" form:"unlink"`
	// Weights replaces parties' cross-track weights.
	Weights []WeightChange `json:"weights,omitempty" form:"weights"`
}

// WeightChange replaces the weight of one track for one party.
type WeightChange struct {
	PartyID int64   `json:"party_id" form:"party_id"`
	TrackID int64   `json:"track_id" form:"track_id"`
	Weight  float64 `json:"weight" form:"weight"`
}

// JointAnalysis is a joint analysis with the tracks it covers.
type JointAnalysis struct {
	Tracks []JointTrack     `json:"-"`
	Report *linked.Report   `json:"report"`
	Links  []*parley.Link   `json:"links"`
	WhatIf *JointWhatIf     `json:"what_if,omitempty"`
	IDs    map[string]int64 `json:"track_ids"` // track name → id
}

// JointInput builds the joint problem of the track and every track joined
// to it by active links that the caller sees: ENOTFOUND unless the caller
// mediates all of them, or when the track is linked to none; EINVALID for
// a track whose profiles do not make a problem. A party's weight on a track is its profile's LinkWeight
// there (1 when it states none).
func (a *Actions) JointInput(ctx context.Context, trackID int64) (*linked.Joint, []JointTrack, []*parley.Link, error) {
	ids, links, err := a.JointTracks(ctx, trackID)
	if err != nil {
		return nil, nil, nil, err
	}
	in := linked.Input{Weights: linked.Weights{}}
	var tracks []JointTrack
	names := map[string]bool{}
	for _, id := range ids {
		sc, parties, err := a.TrackScenario(ctx, id)
		if err != nil {
			return nil, nil, nil, err
		}
		name := sc.Name
		if names[name] {
			name = fmt.Sprintf("%s (%d)", name, id)
		}
		names[name] = true
		p, err := sc.Compile()
		if err != nil {
			return nil, nil, nil, parley.Errorf(parley.EINVALID, "track_id", "track %d: %s", id, parley.ErrorMessage(err))
		}
		in.Tracks = append(in.Tracks, linked.Track{Name: name, Problem: p})
		for _, tp := range parties {
			w := 1.0
			if lw := tp.Profile.Content.LinkWeight; lw != nil {
				w = *lw
			}
			if in.Weights[tp.Name] == nil {
				in.Weights[tp.Name] = map[string]float64{}
			}
			in.Weights[tp.Name][name] = w
		}
		tracks = append(tracks, JointTrack{ID: id, Name: name, Parties: parties})
	}
	j, err := linked.New(in)
	if err != nil {
		return nil, nil, nil, jointError(err)
	}
	return j, tracks, links, nil
}

// JointTracks returns the track and every track joined to it by active
// links that the caller sees, the track first, with those links: the
// tracks of its joint analysis and of what is put across them from it.
// ENOTFOUND unless the caller mediates all of them, or when the track is
// linked to none, as for a track that does not exist.
func (a *Actions) JointTracks(ctx context.Context, trackID int64) ([]int64, []*parley.Link, error) {
	c := parley.CallerFromContext(ctx)
	if !c.IsMediator(trackID) {
		return nil, nil, NotFound("joint analysis of track", trackID)
	}
	all, err := a.Store.FindLinks(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	ids := parley.LinkedTracks(trackID, all)
	for _, id := range ids {
		if !c.IsMediator(id) {
			return nil, nil, NotFound("joint analysis of track", trackID)
		}
	}
	if len(ids) < 2 {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "", "no joint analysis of track %d: it is linked to no other track the caller sees", trackID)
	}
	var links []*parley.Link
	for _, l := range all {
		if l.Status == parley.LinkActive && slices.Contains(ids, l.TrackA) && slices.Contains(ids, l.TrackB) {
			links = append(links, l)
		}
	}
	return ids, links, nil
}

// PutJointPackage puts a package across the track's linked tracks, as the
// joint analysis proposes it or as the mediator changed it: ENOTFOUND as
// JointTracks, EINVALID for a part on a track that is not one of them; the
// store checks the rest (parley.PackageService).
func (a *Actions) PutJointPackage(ctx context.Context, trackID int64, in parley.PackageInput) (*parley.ProposalPackage, error) {
	if err := a.partsInJoint(ctx, trackID, in.TrackIDs()); err != nil {
		return nil, err
	}
	return a.Store.CreatePackage(ctx, in)
}

// PutJointBallot puts a ballot across the track's linked tracks: ENOTFOUND
// as JointTracks, EINVALID for a part on a track that is not one of them;
// the store checks the rest (parley.BallotPackageService).
func (a *Actions) PutJointBallot(ctx context.Context, trackID int64, in parley.BallotPackageInput) (*parley.BallotPackage, error) {
	if err := a.partsInJoint(ctx, trackID, in.TrackIDs()); err != nil {
		return nil, err
	}
	return a.Store.CreateBallotPackage(ctx, in)
}

// partsInJoint checks that the caller may put something across the
// track's linked tracks (JointTracks) and that every part's track is one
// of them.
func (a *Actions) partsInJoint(ctx context.Context, trackID int64, parts []int64) error {
	ids, _, err := a.JointTracks(ctx, trackID)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if err := inJoint(ids, "parts.track_id", p); err != nil {
			return err
		}
	}
	return nil
}

// JoinJointTexts joins texts of the track's linked tracks, one per track:
// ENOTFOUND as JointTracks, EINVALID for a text the caller does not read
// or of a track that is not one of them; the store checks the rest
// (parley.JointTextService).
func (a *Actions) JoinJointTexts(ctx context.Context, trackID int64, in parley.JointTextInput) (*parley.JointText, error) {
	ids, _, err := a.JointTracks(ctx, trackID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	for _, id := range in.TextIDs {
		t, err := a.Store.FindTextByID(ctx, id)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, parley.Errorf(parley.EINVALID, "text_ids", "text %d does not exist", id)
		}
		if err != nil {
			return nil, err
		}
		if err := inJoint(ids, "text_ids", t.TrackID); err != nil {
			return nil, err
		}
	}
	return a.Store.JoinTexts(ctx, in)
}

// inJoint refuses, as EINVALID of field, a track that is not one of the
// joint tracks ids.
func inJoint(ids []int64, field string, track int64) error {
	if !slices.Contains(ids, track) {
		return parley.Errorf(parley.EINVALID, field, "track %d is not one of the linked tracks", track)
	}
	return nil
}

// jointError is the engine's refusal as EINVALID: its messages name tracks
// and parties but never a sealed number.
func jointError(err error) error {
	if parley.ErrorCode(err) != parley.EINTERNAL {
		return err
	}
	return parley.Errorf(parley.EINVALID, "", "%s", strings.TrimPrefix(err.Error(), "linked: "))
}

// AnalyzeJoint runs the joint analysis of the track's linked tracks, with
// the what-if applied if wi is not nil.
func (a *Actions) AnalyzeJoint(ctx context.Context, trackID int64, wi *JointWhatIf) (*JointAnalysis, error) {
	j, tracks, links, err := a.JointInput(ctx, trackID)
	if err != nil {
		return nil, err
	}
	if wi != nil {
		if j, tracks, err = wi.apply(j, tracks, trackID); err != nil {
			return nil, err
		}
	}
	rep, err := j.Analyze(ctx, linked.Options{Budget: a.analysisBudget(), Blockers: true})
	if err != nil {
		return nil, jointError(err)
	}
	ja := &JointAnalysis{Tracks: tracks, Report: rep, Links: links, WhatIf: wi, IDs: map[string]int64{}}
	for _, t := range tracks {
		ja.IDs[t.Name] = t.ID
	}
	return ja, nil
}

// apply unlinks tracks and moves weights; its errors name tracks and
// parties by id, never a sealed value.
func (w *JointWhatIf) apply(j *linked.Joint, tracks []JointTrack, asked int64) (*linked.Joint, []JointTrack, error) {
	track := func(id int64) (JointTrack, bool) {
		k := slices.IndexFunc(tracks, func(t JointTrack) bool { return t.ID == id })
		if k < 0 {
			return JointTrack{}, false
		}
		return tracks[k], true
	}
	for _, c := range w.Weights {
		t, ok := track(c.TrackID)
		if !ok {
			return nil, nil, parley.Errorf(parley.EINVALID, "weights.track_id", "track %d is not one of the linked tracks", c.TrackID)
		}
		k := slices.IndexFunc(t.Parties, func(p TrackParty) bool { return p.ID == c.PartyID })
		if k < 0 {
			return nil, nil, parley.Errorf(parley.EINVALID, "weights.party_id", "party %d has no profile on track %d", c.PartyID, c.TrackID)
		}
		if !(c.Weight >= 0 && c.Weight <= parley.MaxLinkWeight) {
			return nil, nil, parley.Errorf(parley.EINVALID, "weights.weight", "a cross-track weight must be a number from 0 to %d", parley.MaxLinkWeight)
		}
		var err error
		if j, err = j.WithWeight(t.Parties[k].Name, t.Name, c.Weight); err != nil {
			return nil, nil, jointError(err)
		}
	}
	for _, id := range w.Unlink {
		t, ok := track(id)
		switch {
		case !ok:
			return nil, nil, parley.Errorf(parley.EINVALID, "unlink", "track %d is not one of the linked tracks", id)
		case id == asked:
			return nil, nil, parley.Errorf(parley.EINVALID, "unlink", "the analysis is of track %d; unlink the others", id)
		}
		var err error
		if j, err = j.Unlink(t.Name); err != nil {
			return nil, nil, jointError(err)
		}
		tracks = slices.DeleteFunc(slices.Clone(tracks), func(o JointTrack) bool { return o.ID == id })
	}
	return j, tracks, nil
}
