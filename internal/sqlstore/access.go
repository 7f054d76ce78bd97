package sqlstore

import (
	"context"

	"github.com/parley-talks/parley"
)

// This file applies the "who may do what" table of package parley to the
// context's caller, through the Caller's methods only: parley.System may
// do everything, a context without a caller is nobody and may do nothing.

// scope is the set of tracks the context's caller may see.
type scope struct {
	all    bool    // System or an administrator: every track
	tracks []int64 // otherwise, the tracks it is a member of
}

func scopeOf(ctx context.Context) scope {
	c := parley.CallerFromContext(ctx)
	if c.IsAdmin() {
		return scope{all: true}
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
	return parley.CallerFromContext(ctx).CanSeeTrack(trackID)
}

// canRead applies the one audience check, Caller.CanRead.
func canRead(ctx context.Context, trackID int64, a parley.Audience) bool {
	return parley.CallerFromContext(ctx).CanRead(trackID, a)
}

// signedIn reports whether the context's caller is System or a signed-in,
// enabled user.
func signedIn(ctx context.Context) bool {
	return parley.CallerFromContext(ctx).SignedIn()
}

// isAdmin reports whether the context's caller is System or an
// administrator.
func isAdmin(ctx context.Context) bool {
	return parley.CallerFromContext(ctx).IsAdmin()
}

// isSelf reports whether the caller is the user with the id.
func isSelf(ctx context.Context, userID int64) bool {
	return parley.CallerFromContext(ctx).IsUser(userID)
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

// requireOpenTrack refuses callers who may not open tracks
// (Caller.CanOpenTrack), nor so create the parties and venues they need.
func requireOpenTrack(ctx context.Context) error {
	if !parley.CallerFromContext(ctx).CanOpenTrack() {
		return forbidden("only administrators and mediators may do this")
	}
	return nil
}

// requireSystem refuses every caller but parley.System: the
// authenticator's own lookups and bookkeeping (a session found by its
// secret's hash, a use recorded).
func requireSystem(ctx context.Context) error {
	if !parley.CallerFromContext(ctx).IsSystem() {
		return forbidden("only the system may do this")
	}
	return nil
}

// requireSelfOrAdmin is ENOTFOUND for a user's records (sessions, tokens)
// unless the caller is that user or an administrator.
func requireSelfOrAdmin(ctx context.Context, noun string, userID int64) error {
	if !isAdmin(ctx) && !isSelf(ctx, userID) {
		return parley.Errorf(parley.ENOTFOUND, "", "%s of user %d not found", noun, userID)
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
	if !c.CanSeeTrack(trackID) {
		return notFound("track", trackID)
	}
	if !c.CanEditTrack(trackID) {
		return forbidden("only the track's mediators may change track %d", trackID)
	}
	return nil
}
