package desk

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/route"
)

// Setting up talks in the browser: opening a track, its parties, venues,
// themes and members (invited by one-time link), its start moved back to
// enter earlier history, and a collapsed track revived as a new one; the
// invited person's page, where the link leads.

// newTrackPage is the page that opens a track (and, for administrators,
// invites mediators).
type newTrackPage struct {
	pageBase
	Admin bool
	Link  string // a mediator's invitation link just made, shown this once
}

func (d *Desk) showNewTrack(w http.ResponseWriter, r *http.Request) error {
	return d.renderNewTrack(w, r, nil, 0)
}

func (d *Desk) renderNewTrack(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	data := &newTrackPage{pageBase: newBase(r, i18n.M("Open a track")), Admin: parley.CallerFromContext(r.Context()).IsAdmin()}
	data.Refusal, data.Status = ref, status
	return d.render(w, "newtrack", data)
}

// openTrack opens a track; its opener goes on to set it up.
func (d *Desk) openTrack(r *http.Request, _ int64, in *action.TrackInput) (string, error) {
	t, err := d.actions.CreateTrack(r.Context(), *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/setup", t.ID), "track-opened"), nil
}

// inviteMediator makes a mediator's invitation and shows its link on the
// page it answers with: the link holds the secret, so it is never in a
// redirect's location.
func (d *Desk) inviteMediator(w http.ResponseWriter, r *http.Request) error {
	return d.inviteAndShow(w, r, "invite-mediator", nil, d.renderNewTrack, func(link string) error {
		data := &newTrackPage{pageBase: newBase(r, i18n.M("Open a track")), Admin: true, Link: link}
		return d.render(w, "newtrack", data)
	})
}

// inviteAndShow decodes an invitation form, makes it and shows the page
// with its link; a refusal shows the form again.
func (d *Desk) inviteAndShow(w http.ResponseWriter, r *http.Request, formName string, trackID *int64, again againFunc, show func(link string) error) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var in action.InvitationInput
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return refuse(w, r, formName, again, err)
	}
	ni, err := d.actions.Invite(r.Context(), trackID, in)
	if err != nil {
		return refuse(w, r, formName, again, err)
	}
	return show(export.SiteOf(r, d.actions.PublicOrigin).Origin + ni.Path)
}

// setupPage is a track's setup: who takes part in what role, where, on
// what agenda, who is invited, and its history's start.
type setupPage struct {
	pageBase
	Track       *parley.Track
	Parties     []*parley.Party // every party, for the forms
	Venues      []*parley.Venue // every venue, for the forms
	PartyNames  map[int64]string
	VenueNames  map[int64]string
	Themes      []*parley.Theme
	Members     []memberRow
	Invitations []invitationRow
	Roles       []parley.MemberRole // the roles the caller may invite to
	PartyRoles  []parley.PartyRole
	PartyKinds  []parley.PartyKind
	Start       string // the track's first recorded date, for the form
	Collapsed   bool
	Principals  []profileLink // the sides an exchange may have
	Terms       []parley.ExchangeTerms
	Link        string // an invitation link just made, shown this once
	Now         string
}

func (d *Desk) showSetup(w http.ResponseWriter, r *http.Request) error {
	return d.renderSetup(w, r, nil, 0)
}

func (d *Desk) renderSetup(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	data, err := d.setupData(r)
	if err != nil {
		return err
	}
	data.Refusal, data.Status = ref, status
	return d.render(w, "setup", data)
}

func (d *Desk) setupData(r *http.Request) (*setupPage, error) {
	id, err := route.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return nil, err
	}
	data := &setupPage{pageBase: newBase(r, i18n.M("Set up {title}", "title", t.Title)), Track: t,
		PartyNames: map[int64]string{}, VenueNames: map[int64]string{}, PartyRoles: parley.PartyRoles,
		PartyKinds: []parley.PartyKind{parley.PartyState, parley.PartyOrganisation, parley.PartyDelegation},
		Collapsed:  t.Status == parley.StatusCollapsed && t.RevivedAs == nil, Now: parley.Now().UTC().Format("2006-01-02T15:04")}
	if data.Parties, _, err = d.store.FindParties(ctx, parley.Page{Limit: parley.MaxLimit}); err != nil {
		return nil, err
	}
	for _, p := range data.Parties {
		data.PartyNames[p.ID] = p.Name
	}
	if data.Venues, _, err = d.store.FindVenues(ctx, parley.Page{Limit: parley.MaxLimit}); err != nil {
		return nil, err
	}
	for _, v := range data.Venues {
		data.VenueNames[v.ID] = v.Name
	}
	themes, err := d.store.FindThemes(ctx, id)
	if err != nil {
		return nil, err
	}
	data.Themes = action.SortedThemes(themes)
	invitations, err := d.actions.Invitations(ctx, &id)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{} // an account's name as its invitation gave it
	now := parley.Now()
	for _, inv := range invitations {
		if inv.UserID != nil {
			names[*inv.UserID] = inv.Name
		}
		row := invitationRow{Invitation: inv, Pending: inv.Pending(now)}
		if inv.PartyID != nil {
			row.Party = data.PartyNames[*inv.PartyID]
		}
		data.Invitations = append(data.Invitations, row)
	}
	members, err := d.store.FindMembers(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		row := memberRow{Role: m.Role, Name: names[m.UserID]}
		if u, err := d.store.FindUserByID(ctx, m.UserID); err == nil {
			row.Name = u.Name
		}
		if row.Name == "" {
			row.Name = data.T("Member {id}", "id", strconv.FormatInt(m.ID, 10))
		}
		if m.PartyID != nil {
			row.Party = data.PartyNames[*m.PartyID]
		}
		data.Members = append(data.Members, row)
	}
	for _, p := range t.Parties {
		if p.Role == parley.RolePrincipal {
			data.Principals = append(data.Principals, profileLink{PartyID: p.PartyID, Party: data.PartyNames[p.PartyID]})
		}
	}
	data.Terms = []parley.ExchangeTerms{parley.TermsAllForAll, parley.TermsNForN}
	c := parley.CallerFromContext(ctx)
	for _, role := range parley.MemberRoles {
		if c.CanGrant(id, role) {
			data.Roles = append(data.Roles, role)
		}
	}
	trs, err := d.store.FindTransitions(ctx, id)
	if err != nil {
		return nil, err
	}
	data.Start = trs[0].At.UTC().Format("2006-01-02T15:04")
	return data, nil
}

// invitationRow is an invitation as the setup page lists it.
type invitationRow struct {
	*parley.Invitation
	Pending bool
	Party   string // the party a delegate speaks for
}

// inviteToTrack makes an invitation to the track and shows its link.
func (d *Desk) inviteToTrack(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.inviteAndShow(w, r, "invite", &id, d.renderSetup, func(link string) error {
		data, err := d.setupData(r)
		if err != nil {
			return err
		}
		data.Link = link
		return d.render(w, "setup", data)
	})
}

// trackPartyForm adds a party to the track in a role; a new party is
// created first when its name is given.
type trackPartyForm struct {
	PartyID *int64           `json:"party_id,omitempty"`
	Name    string           `json:"name,omitempty"`
	Kind    parley.PartyKind `json:"kind,omitempty"`
	Role    parley.PartyRole `json:"role"`
}

func (d *Desk) addTrackParty(r *http.Request, id int64, in *trackPartyForm) (string, error) {
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return "", err
	}
	if !in.Role.Valid() {
		return "", parley.Errorf(parley.EINVALID, "role", "choose the party's role")
	}
	var partyID int64
	switch {
	case strings.TrimSpace(in.Name) != "":
		p, err := d.actions.CreateParty(ctx, action.PartyInput{Name: strings.TrimSpace(in.Name), Kind: in.Kind})
		if err != nil {
			return "", err
		}
		partyID = p.ID
	case in.PartyID != nil:
		partyID = *in.PartyID
	default:
		return "", parley.Errorf(parley.EINVALID, "party_id", "choose a party, or give a new party's name")
	}
	parties := append(slices.Clone(t.Parties), parley.TrackParty{PartyID: partyID, Role: in.Role})
	if _, err := d.store.UpdateTrack(ctx, id, parley.TrackUpdate{Parties: &parties}); err != nil {
		if parley.ErrorField(err) == "parties.party_id" {
			return "", parley.Errorf(parley.EINVALID, "party_id", "party %d does not exist", partyID)
		}
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/setup", id), "saved", "parties"), nil
}

// trackVenueForm adds a venue to the track; a new venue is created first
// when its name is given.
type trackVenueForm struct {
	VenueID *int64 `json:"venue_id,omitempty"`
	Name    string `json:"name,omitempty"`
	City    string `json:"city,omitempty"`
	Country string `json:"country,omitempty"`
}

func (d *Desk) addTrackVenue(r *http.Request, id int64, in *trackVenueForm) (string, error) {
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return "", err
	}
	var venueID int64
	switch {
	case strings.TrimSpace(in.Name) != "":
		v, err := d.actions.CreateVenue(ctx, action.VenueInput{Name: strings.TrimSpace(in.Name), City: strings.TrimSpace(in.City), Country: strings.TrimSpace(in.Country)})
		if err != nil {
			return "", err
		}
		venueID = v.ID
	case in.VenueID != nil:
		venueID = *in.VenueID
	default:
		return "", parley.Errorf(parley.EINVALID, "venue_id", "choose a venue, or give a new venue's name")
	}
	if slices.Contains(t.VenueIDs, venueID) {
		return "", parley.Errorf(parley.EINVALID, "venue_id", "the track has this venue already")
	}
	venues := append(slices.Clone(t.VenueIDs), venueID)
	if _, err := d.store.UpdateTrack(ctx, id, parley.TrackUpdate{VenueIDs: &venues}); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/setup", id), "saved", "venues"), nil
}

// themeForm adds a theme; its options are the lines of one field.
type themeForm struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Options     string `json:"options"`
}

func (d *Desk) addTheme(r *http.Request, id int64, in *themeForm) (string, error) {
	ti := action.ThemeInput{Name: strings.TrimSpace(in.Name), Description: in.Description}
	for _, line := range strings.Split(in.Options, "\n") {
		if l := strings.TrimSpace(line); l != "" {
			ti.Options = append(ti.Options, action.OptionInput{Label: l})
		}
	}
	if _, err := d.actions.CreateTheme(r.Context(), id, ti); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/setup", id), "saved", "themes"), nil
}

// startExchange starts a prisoner exchange between two of the track's
// principals and goes to its page.
func (d *Desk) startExchange(r *http.Request, id int64, in *action.ExchangeInput) (string, error) {
	e, err := d.actions.StartExchange(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", e.ID), "saved"), nil
}

func (d *Desk) revokeInvitation(r *http.Request, id int64, _ *buttonForm) (string, error) {
	if err := d.store.RevokeInvitation(r.Context(), id); err != nil {
		return "", err
	}
	return localPath(pagePath(r)), nil
}

func (d *Desk) moveStart(r *http.Request, id int64, in *action.StartInput) (string, error) {
	if _, err := d.actions.MoveTrackStart(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/setup", id), "saved", "history"), nil
}

func (d *Desk) revive(r *http.Request, id int64, in *action.RevivalInput) (string, error) {
	t, err := d.actions.ReviveTrack(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/setup", t.ID), "track-opened"), nil
}

// invitationPage is where an invitation's link leads: who is invited to
// what, and the form that accepts it.
type invitationPage struct {
	pageBase
	Token      string
	Invitation *parley.Invitation
	Track      string
	Party      string
	HasAccount bool
	Message    string
	// MinPassword is the shortest password accepted.
	MinPassword int
}

func (d *Desk) showInvitation(w http.ResponseWriter, r *http.Request) error {
	return d.renderInvitation(w, r, r.PathValue("token"), "", 0)
}

func (d *Desk) renderInvitation(w http.ResponseWriter, r *http.Request, token, message string, status int) error {
	data := &invitationPage{pageBase: newBase(r, i18n.M("Invitation")), Token: token, Message: message, MinPassword: password.MinPasswordLen}
	data.Status = status
	inv, exists, err := d.actions.PendingInvitation(r.Context(), token)
	if err != nil {
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			return err
		}
		data.Message, data.Status = errorText(data.p, err), http.StatusNotFound
		return d.render(w, "invitation", data)
	}
	data.Invitation, data.HasAccount = inv, exists
	sys := action.System(r.Context())
	if inv.TrackID != nil {
		if t, err := d.store.FindTrackByID(sys, *inv.TrackID); err == nil {
			data.Track = t.Title
		}
	}
	if inv.PartyID != nil {
		if p, err := d.store.FindPartyByID(sys, *inv.PartyID); err == nil {
			data.Party = p.Name
		}
	}
	return d.render(w, "invitation", data)
}

// acceptForm is the invitation page's form.
type acceptForm struct {
	Name     string `json:"name,omitempty"`
	Password string `json:"password"`
}

// acceptInvitation accepts the invitation, signs the person in and takes
// a new account on to set its second factor, an existing one to the track
// (or the map).
func (d *Desk) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if d.auth == nil {
		return parley.Errorf(parley.EUNAVAILABLE, "", "this server runs without accounts")
	}
	token := r.PathValue("token")
	if err := parseForm(r); err != nil {
		return err
	}
	if err := d.auth.CheckSignInOrigin(r); err != nil {
		return err
	}
	var in acceptForm
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return err
	}
	inv, exists, err := d.actions.PendingInvitation(r.Context(), token)
	if err == nil {
		_, err = d.actions.AcceptInvitation(r.Context(), action.AcceptInput{Token: token, Name: in.Name, Password: in.Password})
	}
	if err != nil {
		if c := parley.ErrorCode(err); c != parley.EINVALID && c != parley.ENOTFOUND {
			return err
		}
		return d.renderInvitation(w, r, token, errorText(i18n.New(languageOf(r)), err), http.StatusBadRequest)
	}
	in2 := signInForm{}
	in2.Email, in2.Password, in2.Cookie = inv.Email, in.Password, true
	if _, err := d.auth.SignIn(w, r, in2.SignInInput); err != nil {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape("/map"), http.StatusSeeOther)
		return nil
	}
	next := "/map"
	switch {
	case !exists: // a new account goes on to set its second factor
		next = seeOther("/account/security", "welcome")
	case inv.TrackID != nil:
		next = fmt.Sprintf("/tracks/%d", *inv.TrackID)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// submitNew is submit for a form whose path names no record (act gets id
// zero).
func submitNew[In any](d *Desk, name string, again againFunc, act func(r *http.Request, id int64, in *In) (string, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		var in In
		if err := d.forms.Decode(r.PostForm, &in); err != nil {
			return refuse(w, r, name, again, err)
		}
		next, err := act(r, 0, &in)
		if err != nil {
			return refuse(w, r, name, again, err)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
}

// setupRoutes are the pages of setting up talks.
func (d *Desk) setupRoutes() []route.Route {
	const ok, seeOther = http.StatusOK, http.StatusSeeOther
	const html = "text/html"
	const (
		opener, grantor, editor = route.PolicyOpener, route.PolicyGrantor, route.PolicyTrackEditor
		onTrack                 = route.ScopeTrack
	)
	return []route.Route{
		{Method: "GET", Pattern: "/tracks/new", Policy: opener, ID: "pageNewTrack", Summary: "Page: open a track (administrators, mediators); for administrators, invite a mediator",
			Handle: d.showNewTrack, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks", Policy: opener, ID: "pageOpenTrack", Summary: "Page form: open a track; a mediator who opens it mediates it",
			Handle: submitNew(d, "track", d.renderNewTrack, d.openTrack), Body: typeOf[action.TrackInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/invitations", Policy: route.PolicyAdmin, ID: "pageInviteMediator", Summary: "Page form: invite a mediator; the page answers with the one-time link, shown once (administrators)",
			Handle: d.inviteMediator, Body: typeOf[action.InvitationInput](), Status: ok, Media: html},
		{Method: "GET", Pattern: "/tracks/{id}/setup", Policy: grantor, Scope: onTrack, ID: "pageSetup", Summary: "Page: set up a track: its parties and their roles, venues, themes, members and invitations, its start and revival (its mediators, administrators)",
			Handle: d.showSetup, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/parties", Policy: editor, Scope: onTrack, ID: "pageAddTrackParty", Summary: "Page form: add a party to the track in a role, creating it if new (mediators)",
			Handle: submit(d, "party", d.renderSetup, d.addTrackParty), Body: typeOf[trackPartyForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/venues", Policy: editor, Scope: onTrack, ID: "pageAddTrackVenue", Summary: "Page form: add a venue to the track, creating it if new (mediators)",
			Handle: submit(d, "venue", d.renderSetup, d.addTrackVenue), Body: typeOf[trackVenueForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/themes", Policy: editor, Scope: onTrack, ID: "pageAddTheme", Summary: "Page form: add a theme and its options (one a line) to the track's agenda (mediators)",
			Handle: submit(d, "theme", d.renderSetup, d.addTheme), Body: typeOf[themeForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/exchanges", Policy: editor, Scope: onTrack, ID: "pageStartExchange", Summary: "Page form: start a prisoner exchange between two of the track's principals (mediators)",
			Handle: submit(d, "exchange", d.renderSetup, d.startExchange), Body: typeOf[action.ExchangeInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/invitations", Policy: grantor, Scope: onTrack, ID: "pageInvite", Summary: "Page form: invite a person to a role on the track; the page answers with the one-time link, shown once",
			Handle: d.inviteToTrack, Body: typeOf[action.InvitationInput](), Status: ok, Media: html},
		{Method: "POST", Pattern: "/invitations/{id}/revoke", Policy: route.PolicySignedIn, ID: "pageRevokeInvitation", Summary: "Page form: revoke a pending invitation (who may make it)",
			Handle: submit(d, "revoke-invitation-{id}", nil, d.revokeInvitation), Body: typeOf[buttonForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/start", Policy: editor, Scope: onTrack, ID: "pageMoveStart", Summary: "Page form: move the track's first recorded date back, to enter earlier history (mediators)",
			Handle: submit(d, "start", d.renderSetup, d.moveStart), Body: typeOf[action.StartInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/revival", Policy: editor, Scope: onTrack, ID: "pageReviveTrack", Summary: "Page form: open the track that continues a collapsed one (mediators)",
			Handle: submit(d, "revival", d.renderSetup, d.revive), Body: typeOf[action.RevivalInput](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/invitations/{token}", Policy: route.PolicyPublic, ID: "pageInvitation", Summary: "Page: an invitation's one-time link: who is invited to what, and the form that accepts it",
			Handle: d.showInvitation, Status: ok, Media: html},
		{Method: "POST", Pattern: "/invitations/{token}", Policy: route.PolicyPublic, ID: "pageAcceptInvitation", Summary: "Page form: accept an invitation (set a password, or give the account's), sign in and go to the track",
			Handle: d.acceptInvitation, Body: typeOf[acceptForm](), Status: seeOther, Media: html},
	}
}
