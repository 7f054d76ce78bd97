package route

import (
	"context"
	"net/http"
)

// Policy says who may call a route. Every route in a route table has one,
// and the one guard (Guard.Wrap) consults the Authenticator with it before
// the route's handler runs, then checks the policy against the caller it
// established (Guard.Authorize); there is no other way onto the mux. The policies follow the root package's "who may do what" table.
//
// A route whose track the caller may not see answers 404, exactly as for a
// track that does not exist, so that no status reveals that a track (or a
// record of it) exists; a write to a track the caller sees but may not
// change answers 403.
type Policy string

const (
	// PolicyPublic routes answer anyone: GET /healthz, the OpenAPI
	// document and signing in.
	PolicyPublic Policy = "public"
	// PolicySignedIn routes need a signed-in user and nothing more. Lists
	// of track records are filtered below the web layer, per record.
	PolicySignedIn Policy = "signed_in"
	// PolicyAdmin routes are for administrators, who manage accounts,
	// memberships, parties, venues and the creation of tracks.
	PolicyAdmin Policy = "admin"
	// PolicyOpener routes open tracks and create the parties and venues
	// they need (Caller.CanOpenTrack: administrators and mediators).
	PolicyOpener Policy = "track_opener"
	// PolicyGrantor routes grant roles on the track in the path, or of the
	// grant in the path (Caller.CanGrant: administrators, and the track's
	// mediators for every role but mediator, which the store checks): 404
	// if the caller may not see the track, 403 if it may only see it.
	PolicyGrantor Policy = "track_grantor"
	// PolicySelf routes read an account: the account itself or an
	// administrator; anyone else gets 404.
	PolicySelf Policy = "self_or_admin"
	// PolicyTrackReader routes read a track's map (Caller.CanSeeTrack) —
	// the track in the path, or the track of the record in the path.
	PolicyTrackReader Policy = "track_reader"
	// PolicyTrackEditor routes change a track's map (Caller.CanEditTrack):
	// 404 if the caller may not see the track, 403 if it may only see it.
	PolicyTrackEditor Policy = "track_editor"
	// PolicyProfileReader routes read the sealed profile of the party in
	// the path (Caller.CanRead with the party's audience), else 404.
	PolicyProfileReader Policy = "profile_reader"
	// PolicyProfileEditor routes store a party's profile
	// (Caller.CanEditProfile): 404 if the caller may not see the track, 403
	// if it may not edit that party's profile.
	PolicyProfileEditor Policy = "profile_editor"
)

// Policies lists every policy.
var Policies = []Policy{PolicyPublic, PolicySignedIn, PolicyAdmin, PolicyOpener, PolicyGrantor, PolicySelf,
	PolicyTrackReader, PolicyTrackEditor, PolicyProfileReader, PolicyProfileEditor}

// Valid reports whether p is a known policy.
func (p Policy) Valid() bool {
	for _, q := range Policies {
		if p == q {
			return true
		}
	}
	return false
}

// Info describes a route: what the Authenticator and the tests that walk
// the route tables see of it.
type Info struct {
	Method  string // GET, POST, PATCH, DELETE
	Pattern string // the ServeMux path pattern, e.g. /api/v1/tracks/{id}
	Policy  Policy
	Summary string
}

// Authenticator establishes who is calling and whether they may call the
// route at all. The server calls Authenticate exactly once per request to a
// route, before the route's handler and after the request id, panic
// recovery, security headers and body limit are in place.
//
// Authenticate returns the context the handler runs with, typically carrying
// the caller's identity (parley.NewContextWithActor and whatever the
// confidentiality work adds), or an error: a *parley.Error with code
// EUNAUTHORIZED (no or bad credentials; 401), EFORBIDDEN (403) or
// ETOOMANYREQUEST (429); any other error is a 500. An implementation must
// not read the request body.
type Authenticator interface {
	Authenticate(r *http.Request, route Info) (context.Context, error)
}
