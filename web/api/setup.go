package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/route"
)

// invitationCreated answers the making of an invitation: its record and
// its one-time link, shown in this answer only.
type invitationCreated struct {
	Invitation *parley.Invitation `json:"invitation"`
	URL        string             `json:"url"`
}

// inviteToTrack invites a person to a role on the track in the path.
func (a *API) inviteToTrack(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return a.invite(w, r, &id)
}

// inviteMediator invites a mediator of no track.
func (a *API) inviteMediator(w http.ResponseWriter, r *http.Request) error {
	return a.invite(w, r, nil)
}

func (a *API) invite(w http.ResponseWriter, r *http.Request, trackID *int64) error {
	var in action.InvitationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ni, err := a.actions.Invite(r.Context(), trackID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeCreated(w, "/api/v1/invitations", ni.Invitation.ID,
		invitationCreated{Invitation: ni.Invitation, URL: export.SiteOf(r, a.actions.PublicOrigin).Origin + ni.Path})
}

// listInvitations lists the invitations of the track in the path.
func (a *API) listInvitations(ctx context.Context, id int64) ([]*parley.Invitation, error) {
	return a.actions.Invitations(ctx, &id)
}

// acceptInvitation uses an invitation's link: the account it makes or
// adds the grant to.
func (a *API) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	var in action.AcceptInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := a.actions.AcceptInvitation(r.Context(), in)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/users", u.ID, u)
}

func (a *API) revokeInvitation(ctx context.Context, id int64) error {
	return a.store.RevokeInvitation(ctx, id)
}

// setupRoutes are the routes of setting up talks: invitations, a track's
// start, a collapsed track's revival.
func (a *API) setupRoutes() []route.Route {
	const ok, created, noContent = http.StatusOK, http.StatusCreated, http.StatusNoContent
	const onTrack = route.ScopeTrack
	act := a.actions
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/tracks/{id}/invitations", Policy: route.PolicyGrantor, Scope: onTrack, ID: "listInvitations", Summary: "A track's invitations, newest first (its mediators, administrators)",
			Handle: listOf(a.listInvitations), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Invitation]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/invitations", Policy: route.PolicyGrantor, Scope: onTrack, ID: "inviteToTrack", Summary: "Invite a person to a role on the track (a delegate of a party, an observer, a verifier, a guarantor; a mediator: administrators only) by a one-time link, in this answer only",
			Handle: a.inviteToTrack, Body: typeOf[action.InvitationInput](), Status: created, Resp: typeOf[invitationCreated]()},
		{Method: "POST", Pattern: "/api/v1/invitations", Policy: route.PolicyAdmin, ID: "inviteMediator", Summary: "Invite a mediator, who may open tracks, by a one-time link, in this answer only (administrators)",
			Handle: a.inviteMediator, Body: typeOf[action.InvitationInput](), Status: created, Resp: typeOf[invitationCreated]()},
		{Method: "DELETE", Pattern: "/api/v1/invitations/{id}", Policy: route.PolicySignedIn, ID: "revokeInvitation", Summary: "Revoke a pending invitation: its link no longer works (who may make it)",
			Handle: done(a.revokeInvitation), Status: noContent},
		{Method: "POST", Pattern: "/api/v1/invitations/accept", Policy: route.PolicyPublic, ID: "acceptInvitation", Summary: "Accept an invitation with its link's secret: set a password (or give the password of the address's account) and take the role; once",
			Handle: a.acceptInvitation, Body: typeOf[action.AcceptInput](), Status: created, Resp: typeOf[parley.User]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/start", Policy: route.PolicyTrackEditor, Scope: onTrack, ID: "moveTrackStart", Summary: "Move the date of a track's first recorded status, to enter earlier history (not after its next status change)",
			Handle: change(ok, act.MoveTrackStart), Body: typeOf[action.StartInput](), Status: ok, Resp: typeOf[parley.Transition]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/revival", Policy: route.PolicyTrackEditor, Scope: onTrack, ID: "reviveTrack", Summary: "Open the track that continues a collapsed one, linked both ways (revived as)",
			Handle: create("/api/v1/tracks", func(t *parley.Track) int64 { return t.ID }, act.ReviveTrack), Body: typeOf[action.RevivalInput](), Status: created, Resp: typeOf[parley.Track]()},
	}
}

// A theme's entity tag is its version: the time it last changed, in
// microseconds. GET answers it (ETag); PATCH with If-Match changes the
// theme only if it is still that version, else 409, so that of two
// mediators editing one theme the second is told rather than overwriting.

func themeETag(t *parley.Theme) string {
	return `"` + strconv.FormatInt(t.UpdatedAt.UnixMicro(), 10) + `"`
}

// themeVersion reads If-Match: nil without one (or "*").
func themeVersion(r *http.Request) (*time.Time, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) {
		return nil, parley.Errorf(parley.EINVALID, "If-Match", "If-Match must be the theme's ETag as GET answered it")
	}
	v := time.UnixMicro(n).UTC()
	return &v, nil
}

func (a *API) getTheme(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := a.store.FindThemeByID(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", themeETag(t))
	return writeJSON(w, http.StatusOK, t)
}

func (a *API) updateTheme(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	var upd parley.ThemeUpdate
	if err := decode(r, &upd); err != nil {
		return err
	}
	if err := upd.Validate(); err != nil {
		return err
	}
	if upd.Version, err = themeVersion(r); err != nil {
		return err
	}
	t, err := a.store.UpdateTheme(r.Context(), id, upd)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", themeETag(t))
	return writeJSON(w, http.StatusOK, t)
}
