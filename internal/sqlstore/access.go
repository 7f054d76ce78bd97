package sqlstore

import (
	"context"

	"github.com/parley-talks/parley"
)

// This file applies the "who may do what" table of package parley to the
// context's caller, through the Caller's methods only. A context without a
// caller is the trusted command line or system and may do everything.

// scope is the set of tracks the context's caller may see.
type scope struct {
	all    bool    // no caller, or an administrator: every track
	tracks []int64 // otherwise, the tracks it is a member of
}

func scopeOf(ctx context.Context) scope {
	c := parley.CallerFromContext(ctx)
	if c == nil || c.IsAdmin() {
		return scope{all: c == nil || c.IsAdmin()}
	}
	sc := scope{tracks: []int64{}}
	for _, g := range c.Grants {
		if c.CanSeeTrack(g.TrackID) {
			sc.tracks = append(sc.tracks, g.TrackID)
		}
	}
	return sc
}

// filter returns a condition on col that keeps the visible tracks, with its
// arguments numbered from $next; "" if every track is visible.
func (sc scope) filter(col string, next int) (string, []any) {
	if sc.all {
		return "", nil
	}
	if len(sc.tracks) == 0 {
		return "1 = 0", nil
	}
	return col + ` IN (` + placeholders(next, len(sc.tracks)) + `)`, int64Args(sc.tracks)
}

// canSeeTrack applies Caller.CanSeeTrack.
func canSeeTrack(ctx context.Context, trackID int64) bool {
	c := parley.CallerFromContext(ctx)
	return c == nil || c.CanSeeTrack(trackID)
}

// canRead applies the one audience check, Caller.CanRead.
func canRead(ctx context.Context, trackID int64, a parley.Audience) bool {
	c := parley.CallerFromContext(ctx)
	return c == nil || c.CanRead(trackID, a)
}

// signedIn reports whether the context is the system or a signed-in,
// enabled user.
func signedIn(ctx context.Context) bool {
	c := parley.CallerFromContext(ctx)
	return c == nil || (c.User != nil && !c.User.Disabled)
}

// isAdmin reports whether the context is the system or an administrator.
func isAdmin(ctx context.Context) bool {
	c := parley.CallerFromContext(ctx)
	return c == nil || c.IsAdmin()
}

// isSelf reports whether the caller is the user with the id.
func isSelf(ctx context.Context, userID int64) bool {
	c := parley.CallerFromContext(ctx)
	return c != nil && c.User != nil && !c.User.Disabled && c.User.ID == userID
}

func forbidden(format string, args ...any) error {
	return parley.Errorf(parley.EFORBIDDEN, "", format, args...)
}

// requireAdmin refuses callers that are not administrators.
func requireAdmin(ctx context.Context) error {
	if !isAdmin(ctx) {
		return forbidden("only administrators may do this")
	}
	return nil
}

// requireSignedIn refuses callers that are not signed in.
func requireSignedIn(ctx context.Context) error {
	if !signedIn(ctx) {
		return parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first")
	}
	return nil
}

// requireSeeTrack is ENOTFOUND for a track the caller may not see.
func requireSeeTrack(ctx context.Context, trackID int64) error {
	if !canSeeTrack(ctx, trackID) {
		return notFound("track", trackID)
	}
	return nil
}

// requireEditTrack is ENOTFOUND for a track the caller may not see and
// EFORBIDDEN for one it sees but may not change (Caller.CanEditTrack).
func requireEditTrack(ctx context.Context, trackID int64) error {
	c := parley.CallerFromContext(ctx)
	if c == nil {
		return nil
	}
	if !c.CanSeeTrack(trackID) {
		return notFound("track", trackID)
	}
	if !c.CanEditTrack(trackID) {
		return forbidden("only the track's mediators may change track %d", trackID)
	}
	return nil
}
