package route

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
)

// Guard authenticates and authorises every request of a route before its
// handler runs, and hands any error to Fail.
type Guard struct {
	Store parley.Store
	Auth  Authenticator
	// Fail answers a request that failed: the guard's refusal or the
	// handler's error.
	Fail func(w http.ResponseWriter, r *http.Request, err error)
}

// Wrap runs the Authenticator for rt, then checks rt's policy against the
// caller (Authorize), then runs rt's handler, and hands any error to Fail.
func (g *Guard) Wrap(rt Route) http.Handler {
	info := rt.Info()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, err := g.Auth.Authenticate(r, info)
		if err == nil {
			if ctx != nil {
				r = r.WithContext(ctx)
			}
			err = g.Authorize(r, rt)
		}
		if err == nil {
			err = rt.Handle(w, r)
		}
		if err != nil {
			g.Fail(w, r, err)
		}
	})
}

// ErrSignInFirst refuses a request without credentials.
var ErrSignInFirst = parley.Errorf(parley.EUNAUTHORIZED, "", "sign in first: send Authorization: Bearer <token>, or the session cookie")

// Authorisation: after the Authenticator has established the caller, the
// guard checks the route's policy against it, with the root package's
// Caller methods (CanSeeTrack, CanEditTrack, CanRead, CanEditProfile,
// IsAdmin) — the one place the web layer decides who may call what. The
// stores apply the same rules again to the records they return.

// Scope says where a route finds the track its policy is about.
type Scope int

const (
	ScopeNone    Scope = iota
	ScopeTrack         // {id} is the track
	ScopeTheme         // {id} is a theme of the track
	ScopeMeeting       // {id} is a meeting of the track
	ScopeMember        // {id} is a grant on the track
	ScopeEvent         // {id} is an event linked to any number of tracks
	ScopeBody          // the request body names the track(s); the use case checks them (package action)
)

// Authorize checks rt's policy for the caller of r: a context without a
// signed-in caller (nobody) passes only public routes.
func (g *Guard) Authorize(r *http.Request, rt Route) error {
	if rt.Policy == PolicyPublic {
		return nil
	}
	c := parley.CallerFromContext(r.Context())
	if !c.SignedIn() {
		return ErrSignInFirst
	}
	switch rt.Policy {
	case PolicySignedIn:
		return nil
	case PolicyAdmin:
		if !c.IsAdmin() {
			return parley.Errorf(parley.EFORBIDDEN, "", "only an administrator may do this")
		}
		return nil
	case PolicyOpener:
		if !c.CanOpenTrack() {
			return parley.Errorf(parley.EFORBIDDEN, "", "only administrators and mediators may do this")
		}
		return nil
	case PolicySelf:
		id, err := PathID(r, "id")
		if err != nil {
			return err
		}
		if !c.IsUser(id) && !c.IsAdmin() {
			return action.NotFound("user", id)
		}
		return nil
	case PolicyTrackReader, PolicyTrackEditor, PolicyGrantor:
		return g.authorizeTrack(r, rt, c)
	case PolicyProfileReader, PolicyProfileEditor:
		trackID, err := PathID(r, "id")
		if err != nil {
			return err
		}
		partyID, err := PathID(r, "party_id")
		if err != nil {
			return err
		}
		if rt.Policy == PolicyProfileReader {
			if !c.CanRead(trackID, parley.PartyAudience(partyID)) {
				return action.NotFound("profile", partyID)
			}
			return nil
		}
		if !c.CanSeeTrack(trackID) {
			return action.NotFound("track", trackID)
		}
		if !c.CanEditProfile(trackID, partyID) {
			return g.forbiddenIfExists(r, trackID, "only the party's delegates and the track's mediators may change its profile")
		}
		return nil
	}
	return fmt.Errorf("web: route %s %s: no rule for policy %q", rt.Method, rt.Pattern, rt.Policy)
}

// authorizeTrack applies a track policy to the track(s) the route names.
func (g *Guard) authorizeTrack(r *http.Request, rt Route, c *parley.Caller) error {
	edit := rt.Policy == PolicyTrackEditor
	if rt.Scope == ScopeBody {
		return nil // the handler checks, with checkTrackInBody
	}
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	if rt.Scope == ScopeEvent {
		return g.authorizeEvent(r, c, id, edit)
	}
	trackID, noun := id, "track"
	switch rt.Scope {
	case ScopeTheme:
		noun = "theme"
		t, err := g.Store.FindThemeByID(action.System(r.Context()), id)
		if err != nil {
			return err
		}
		trackID = t.TrackID
	case ScopeMeeting:
		noun = "meeting"
		m, err := g.Store.FindMeetingByID(action.System(r.Context()), id)
		if err != nil {
			return err
		}
		trackID = m.TrackID
	case ScopeMember:
		noun = "member"
		m, err := g.Store.FindMemberByID(action.System(r.Context()), id)
		if err != nil {
			return err
		}
		trackID = m.TrackID
	}
	if !c.CanSeeTrack(trackID) {
		return action.NotFound(noun, id)
	}
	if edit && !c.CanEditTrack(trackID) {
		return g.forbiddenIfExists(r, trackID, "only the track's mediators may change it")
	}
	if rt.Policy == PolicyGrantor && !c.IsAdmin() && !c.IsMediator(trackID) {
		return g.forbiddenIfExists(r, trackID, "only the track's mediators and administrators may grant roles on it")
	}
	return nil
}

// forbiddenIfExists answers a caller who sees the track but may not do
// this: 403, unless the track does not exist (an administrator sees every
// track id), which is 404.
func (g *Guard) forbiddenIfExists(r *http.Request, trackID int64, why string) error {
	if _, err := g.Store.FindTrackByID(action.System(r.Context()), trackID); err != nil {
		return err
	}
	return parley.Errorf(parley.EFORBIDDEN, "", "%s", why)
}

// authorizeEvent: an event linked to no track is the public record of the
// talks, seen by anyone signed in; otherwise a caller sees it if it sees
// any of its tracks, and may change it if it may change all of them. An
// event of no track may be changed by an administrator only.
func (g *Guard) authorizeEvent(r *http.Request, c *parley.Caller, id int64, edit bool) error {
	e, err := g.Store.FindEventByID(action.System(r.Context()), id)
	if err != nil {
		return err
	}
	seen := len(e.TrackIDs) == 0 || c.IsAdmin()
	for _, t := range e.TrackIDs {
		seen = seen || c.CanSeeTrack(t)
	}
	if !seen {
		return action.NotFound("event", id)
	}
	if edit {
		return action.EventEditor(c, e.TrackIDs)
	}
	return nil
}
