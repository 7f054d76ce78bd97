package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// Authorisation: after the Authenticator has established the caller, the
// guard checks the route's policy against it, with the root package's
// Caller methods (CanSeeTrack, CanEditTrack, CanRead, CanEditProfile,
// IsAdmin) — the one place the web layer decides who may call what. The
// stores apply the same rules again to the records they return.

// trackScope says where a route finds the track its policy is about.
type trackScope int

const (
	scopeNone    trackScope = iota
	scopeTrack              // {id} is the track
	scopeTheme              // {id} is a theme of the track
	scopeMeeting            // {id} is a meeting of the track
	scopeMember             // {id} is a grant on the track
	scopeEvent              // {id} is an event linked to any number of tracks
	scopeBody               // the request body names the track(s); the handler checks
)

// trusted returns the request's context with parley.System as its caller,
// for lookups the authorisation itself needs. The actor stays, so that a
// change is still recorded as the user's.
func trusted(r *http.Request) context.Context {
	return parley.NewContextWithCaller(r.Context(), parley.System)
}

// authorize checks rt's policy for the caller of r: a context without a
// signed-in caller (nobody) passes only public routes.
func (s *Server) authorize(r *http.Request, rt route) error {
	if rt.policy == PolicyPublic {
		return nil
	}
	c := parley.CallerFromContext(r.Context())
	if !c.SignedIn() {
		return errSignInFirst
	}
	switch rt.policy {
	case PolicySignedIn:
		return nil
	case PolicyAdmin:
		if !c.IsAdmin() {
			return parley.Errorf(parley.EFORBIDDEN, "", "only an administrator may do this")
		}
		return nil
	case PolicySelf:
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if !c.IsUser(id) && !c.IsAdmin() {
			return notFound("user", id)
		}
		return nil
	case PolicyTrackReader, PolicyTrackEditor:
		return s.authorizeTrack(r, rt, c)
	case PolicyProfileReader, PolicyProfileEditor:
		trackID, err := pathID(r, "id")
		if err != nil {
			return err
		}
		partyID, err := pathID(r, "party_id")
		if err != nil {
			return err
		}
		if rt.policy == PolicyProfileReader {
			if !c.CanRead(trackID, parley.PartyAudience(partyID)) {
				return notFound("profile", partyID)
			}
			return nil
		}
		if !c.CanSeeTrack(trackID) {
			return notFound("track", trackID)
		}
		if !c.CanEditProfile(trackID, partyID) {
			return s.forbiddenIfExists(r, trackID, "only the party's delegates and the track's mediators may change its profile")
		}
		return nil
	}
	return fmt.Errorf("web: route %s %s: no rule for policy %q", rt.method, rt.pattern, rt.policy)
}

// authorizeTrack applies a track policy to the track(s) the route names.
func (s *Server) authorizeTrack(r *http.Request, rt route, c *parley.Caller) error {
	edit := rt.policy == PolicyTrackEditor
	if rt.scope == scopeBody {
		return nil // the handler checks, with checkTrackInBody
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if rt.scope == scopeEvent {
		return s.authorizeEvent(r, c, id, edit)
	}
	trackID, noun := id, "track"
	switch rt.scope {
	case scopeTheme:
		noun = "theme"
		t, err := s.store.FindThemeByID(trusted(r), id)
		if err != nil {
			return err
		}
		trackID = t.TrackID
	case scopeMeeting:
		noun = "meeting"
		m, err := s.store.FindMeetingByID(trusted(r), id)
		if err != nil {
			return err
		}
		trackID = m.TrackID
	case scopeMember:
		noun = "member"
		m, err := s.store.FindMemberByID(trusted(r), id)
		if err != nil {
			return err
		}
		trackID = m.TrackID
	}
	if !c.CanSeeTrack(trackID) {
		return notFound(noun, id)
	}
	if edit && !c.CanEditTrack(trackID) {
		return s.forbiddenIfExists(r, trackID, "only the track's mediators may change it")
	}
	return nil
}

// forbiddenIfExists answers a caller who sees the track but may not do
// this: 403, unless the track does not exist (an administrator sees every
// track id), which is 404.
func (s *Server) forbiddenIfExists(r *http.Request, trackID int64, why string) error {
	if _, err := s.store.FindTrackByID(trusted(r), trackID); err != nil {
		return err
	}
	return parley.Errorf(parley.EFORBIDDEN, "", "%s", why)
}

// authorizeEvent: an event linked to no track is the public record of the
// talks, seen by anyone signed in; otherwise a caller sees it if it sees
// any of its tracks, and may change it if it may change all of them. An
// event of no track may be changed by an administrator only.
func (s *Server) authorizeEvent(r *http.Request, c *parley.Caller, id int64, edit bool) error {
	e, err := s.store.FindEventByID(trusted(r), id)
	if err != nil {
		return err
	}
	seen := len(e.TrackIDs) == 0 || c.IsAdmin()
	for _, t := range e.TrackIDs {
		seen = seen || c.CanSeeTrack(t)
	}
	if !seen {
		return notFound("event", id)
	}
	if edit {
		return checkEventEditor(c, e.TrackIDs)
	}
	return nil
}

// checkEventEditor refuses a caller who may not change every one of the
// tracks, or, for an event of no track, is no administrator.
func checkEventEditor(c *parley.Caller, trackIDs []int64) error {
	if len(trackIDs) == 0 {
		if c.IsAdmin() {
			return nil
		}
		return parley.Errorf(parley.EFORBIDDEN, "", "only an administrator may record or change an event of no track")
	}
	for _, t := range trackIDs {
		if !c.CanEditTrack(t) {
			return parley.Errorf(parley.EFORBIDDEN, "track_ids", "only the mediators of every linked track may change an event")
		}
	}
	return nil
}

// checkTracksInBody applies PolicyTrackEditor to tracks named in a request
// body: a track the caller may not see (or that does not exist) is
// EINVALID on field, as a missing reference is; one it sees but may not
// change is 403.
func (s *Server) checkTracksInBody(r *http.Request, field string, trackIDs []int64) error {
	c := parley.CallerFromContext(r.Context())
	for _, t := range trackIDs {
		if !c.CanSeeTrack(t) {
			return parley.Errorf(parley.EINVALID, field, "track %d does not exist", t)
		}
	}
	for _, t := range trackIDs {
		if _, err := s.store.FindTrackByID(trusted(r), t); parley.ErrorCode(err) == parley.ENOTFOUND {
			return parley.Errorf(parley.EINVALID, field, "track %d does not exist", t)
		} else if err != nil {
			return err
		}
	}
	if field == "track_ids" {
		return checkEventEditor(c, trackIDs)
	}
	for _, t := range trackIDs {
		if !c.CanEditTrack(t) {
			return parley.Errorf(parley.EFORBIDDEN, field, "only the track's mediators may change it")
		}
	}
	return nil
}

// notFound is the store's answer for a missing record, used word for word
// for a record the caller may not see.
func notFound(noun string, id int64) error {
	return parley.Errorf(parley.ENOTFOUND, "", "%s %d not found", noun, id)
}
