package action

import (
	"context"

	"github.com/parley-talks/parley"
)

// SaveProfile stores a new version of a party's sealed profile (its
// delegates and the track's mediators). The store checks the content
// against the track's themes and seals it to the party's audience.
func (a *Actions) SaveProfile(ctx context.Context, trackID, partyID int64, in parley.ProfileContent) (*parley.Profile, error) {
	ps, err := a.profiles()
	if err != nil {
		return nil, err
	}
	if in.Weights == nil {
		in.Weights = map[string]float64{}
	}
	if in.Values == nil {
		in.Values = map[string]map[string]float64{}
	}
	if in.RedLines == nil {
		in.RedLines = []parley.RedLine{}
	}
	if in.CoreDemands == nil {
		in.CoreDemands = []parley.Choice{}
	}
	p := &parley.Profile{TrackID: trackID, PartyID: partyID, Content: in}
	if err := ps.PutProfile(ctx, p); err != nil {
		return nil, trackInPath(err, trackID)
	}
	return p, nil
}
