package action

import (
	"context"

	"github.com/parley-talks/parley"
)

// LinkInput links two tracks: the JSON body of POST /api/v1/links and the
// map's form.
type LinkInput struct {
	TrackA  int64           `json:"track_a" form:"track_a"`
	TrackB  int64           `json:"track_b" form:"track_b"`
	Kind    parley.LinkKind `json:"kind" form:"kind"`
	OpensAt parley.Status   `json:"opens_at,omitempty" form:"opens_at"`
	Reason  string          `json:"reason" form:"reason"`
}

// CreateLink links two tracks; the store checks that the caller mediates
// both and refuses self-links and sequence cycles.
func (a *Actions) CreateLink(ctx context.Context, in LinkInput) (*parley.Link, error) {
	l := &parley.Link{TrackA: in.TrackA, TrackB: in.TrackB, Kind: in.Kind, OpensAt: in.OpensAt, Reason: in.Reason}
	if err := a.Store.CreateLink(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// TransitionLink dissolves a link or makes it active again.
func (a *Actions) TransitionLink(ctx context.Context, id int64, in parley.LinkTransitionRequest) (*parley.Link, error) {
	return a.Store.TransitionLink(ctx, id, in)
}
