package parley

import "context"

// NameService tells the people on a track who the others are: the members
// of a track know one another by name (the track's page lists them), while
// a user's account (its email, its other grants) stays the user's and the
// administrators' business.
type NameService interface {
	// MemberNames returns the names of the track's members by user id;
	// ENOTFOUND if the caller may not see the track.
	MemberNames(ctx context.Context, trackID int64) (map[int64]string, error)
}
