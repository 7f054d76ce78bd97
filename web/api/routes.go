package api

import (
	"net/http"
	"reflect"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/route"
)

// Query parameters the routes share.
var (
	pageParams = []route.Param{
		{Name: "offset", Description: "items to skip", Schema: map[string]any{"type": "integer", "minimum": 0, "default": 0}},
		{Name: "limit", Description: "items per page", Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": parley.MaxLimit, "default": parley.DefaultLimit}},
	}
	timelineParams = []route.Param{
		{Name: "limit", Description: "entries per page", Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": parley.MaxLimit, "default": parley.DefaultLimit}},
		{Name: "cursor", Description: "the next of the previous page; absent for the first page", Schema: map[string]any{"type": "string"}},
		{Name: "order", Description: "oldest first or newest first", Schema: map[string]any{"type": "string", "enum": []string{"oldest", "newest"}, "default": "oldest"}},
	}
	trackIDParam = route.Param{Name: "track_id", Description: "only those of this track", Schema: map[string]any{"type": "integer", "format": "int64", "minimum": 1}}
	venueIDParam = route.Param{Name: "venue_id", Description: "only those at this venue", Schema: map[string]any{"type": "integer", "format": "int64", "minimum": 1}}
	statusParam  = route.Param{Name: "status", Description: "only tracks with this status", Schema: map[string]any{"$ref": "#/components/schemas/Status"}}
	formatParam  = route.Param{Name: "format", Description: "genius (GENIUS XML texts in JSON) or parley (Parley's scenario JSON)",
		Schema: map[string]any{"type": "string", "enum": []string{action.FormatGenius, action.FormatParley}, "default": action.FormatParley}}
	sizeParams = []route.Param{
		{Name: "old", Description: "tree size of the older checkpoint", Schema: map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
		{Name: "new", Description: "tree size of the newer checkpoint; without it, the latest (the proof's new_checkpoint is then the one to keep)", Schema: map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	}
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func withPage(ps ...route.Param) []route.Param { return append(ps, pageParams...) }

// Routes is the API's route table, grouped by resource in the order of the
// OpenAPI document's tags. Routes of sealed profiles and of the analysis
// are served only when the store keeps profiles (parley.ProfileService).
func (a *API) Routes() []route.Route {
	const ok, created, noContent = http.StatusOK, http.StatusCreated, http.StatusNoContent
	const (
		public, signedIn, admin, self                  = route.PolicyPublic, route.PolicySignedIn, route.PolicyAdmin, route.PolicySelf
		trackReader, trackEditor                       = route.PolicyTrackReader, route.PolicyTrackEditor
		profileReader, profileEditor                   = route.PolicyProfileReader, route.PolicyProfileEditor
		onTrack, onTheme, onMeeting, onMember, onEvent = route.ScopeTrack, route.ScopeTheme, route.ScopeMeeting, route.ScopeMember, route.ScopeEvent
		inBody                                         = route.ScopeBody
		opener, grantor                                = route.PolicyOpener, route.PolicyGrantor
	)
	s, act := a.store, a.actions
	routes := []route.Route{
		{Method: "GET", Pattern: "/healthz", Policy: public, ID: "health", Summary: "Check that the server and its store answer",
			Handle: a.health, Status: ok, Resp: typeOf[health]()},
		{Method: "GET", Pattern: "/readyz", Policy: public, ID: "ready", Summary: "Check that the store answers and can write (503 if it cannot: a full disk, a read-only file)",
			Handle: a.ready, Status: ok, Resp: typeOf[health]()},
		{Method: "GET", Pattern: "/api/openapi.json", Policy: public, ID: "openapi", Summary: "This OpenAPI document",
			Handle: a.serveOpenAPI, Status: ok, Resp: typeOf[map[string]any]()},

		{Method: "POST", Pattern: "/api/v1/sessions", Policy: public, ID: "signIn", Summary: "Sign in with email and password: a bearer token, or with cookie: true the session cookie and its CSRF token",
			Handle: a.signIn, Body: typeOf[authn.SignInInput](), Status: created, Resp: typeOf[authn.SignInOutput]()},
		{Method: "DELETE", Pattern: "/api/v1/sessions/current", Policy: signedIn, ID: "signOut", Summary: "Sign out: end the session this request is signed with",
			Handle: a.signOut, Status: noContent},
		{Method: "GET", Pattern: "/api/v1/tokens", Policy: signedIn, ID: "listTokens", Summary: "The caller's API tokens (never their secrets)",
			Handle: a.listTokens, Query: pageParams, Status: ok, Resp: typeOf[List[*parley.APIToken]]()},
		{Method: "POST", Pattern: "/api/v1/tokens", Policy: signedIn, ID: "createToken", Summary: "Make an API token for the caller; its secret is shown in this answer only",
			Handle: a.createToken, Body: typeOf[authn.TokenInput](), Status: created, Resp: typeOf[authn.TokenCreated]()},
		{Method: "GET", Pattern: "/api/v1/calendar-feeds", Policy: signedIn, ID: "listCalendarFeeds", Summary: "The caller's calendar feeds (never their secrets), revoked ones too",
			Handle: a.listFeeds, Query: pageParams, Status: ok, Resp: typeOf[List[parley.CalendarFeed]]()},
		{Method: "POST", Pattern: "/api/v1/calendar-feeds", Policy: signedIn, ID: "createCalendarFeed", Summary: "Make a calendar feed of the meetings of every track the caller sees; its secret URL is in this answer only",
			Handle: a.createFeed, Body: typeOf[feedInput](), Status: created, Resp: typeOf[feedCreated]()},
		{Method: "DELETE", Pattern: "/api/v1/calendar-feeds/{id}", Policy: signedIn, ID: "revokeCalendarFeed", Summary: "Revoke one of the caller's calendar feeds: its URL answers 404 from then on",
			Handle: a.revokeFeed, Status: ok, Resp: typeOf[parley.CalendarFeed]()},
		{Method: "GET", Pattern: "/api/v1/calendar/{secret}", Policy: public, ID: "calendarFeed", Summary: "A calendar feed (iCalendar): the meetings of every track its user sees, in their venues' time zones; the secret in the URL is the credential",
			Handle: a.feed, Query: []route.Param{langParam}, Status: ok, Media: export.ICS.MediaType()},
		{Method: "GET", Pattern: "/api/v1/users/me/language", Policy: signedIn, ID: "getLanguage", Summary: "The language the caller chose for pages and downloads (\"\" for none)",
			Handle: a.getLanguage, Status: ok, Resp: typeOf[action.LanguageInput]()},
		{Method: "PUT", Pattern: "/api/v1/users/me/language", Policy: signedIn, ID: "setLanguage", Summary: "Keep the caller's choice of language (en, uk, ru, ar; \"\" forgets it) with the account",
			Handle: a.setLanguage, Body: typeOf[action.LanguageInput](), Status: ok, Resp: typeOf[action.LanguageInput]()},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Policy: signedIn, ID: "revokeToken", Summary: "Revoke one of the caller's API tokens",
			Handle: done(a.revokeToken), Status: noContent},

		{Method: "GET", Pattern: "/api/v1/parties", Policy: signedIn, ID: "listParties", Summary: "List parties",
			Handle: listPage(func(r *http.Request, p parley.Page) ([]*parley.Party, int, error) {
				return s.FindParties(r.Context(), p)
			}),
			Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Party]]()},
		{Method: "POST", Pattern: "/api/v1/parties", Policy: opener, ID: "createParty", Summary: "Create a party",
			Handle: post("/api/v1/parties", func(p *parley.Party) int64 { return p.ID }, act.CreateParty), Body: typeOf[action.PartyInput](), Status: created, Resp: typeOf[parley.Party]()},
		{Method: "GET", Pattern: "/api/v1/parties/{id}", Policy: signedIn, ID: "getParty", Summary: "Get a party",
			Handle: getOne(s.FindPartyByID), Status: ok, Resp: typeOf[parley.Party]()},
		{Method: "PATCH", Pattern: "/api/v1/parties/{id}", Policy: admin, ID: "updateParty", Summary: "Change a party",
			Handle: change(ok, s.UpdateParty), Body: typeOf[parley.PartyUpdate](), Status: ok, Resp: typeOf[parley.Party]()},

		{Method: "GET", Pattern: "/api/v1/venues", Policy: signedIn, ID: "listVenues", Summary: "List venues",
			Handle: listPage(func(r *http.Request, p parley.Page) ([]*parley.Venue, int, error) {
				return s.FindVenues(r.Context(), p)
			}),
			Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Venue]]()},
		{Method: "POST", Pattern: "/api/v1/venues", Policy: opener, ID: "createVenue", Summary: "Create a venue",
			Handle: post("/api/v1/venues", func(v *parley.Venue) int64 { return v.ID }, act.CreateVenue), Body: typeOf[action.VenueInput](), Status: created, Resp: typeOf[parley.Venue]()},
		{Method: "GET", Pattern: "/api/v1/venues/{id}", Policy: signedIn, ID: "getVenue", Summary: "Get a venue",
			Handle: getOne(s.FindVenueByID), Status: ok, Resp: typeOf[parley.Venue]()},
		{Method: "PATCH", Pattern: "/api/v1/venues/{id}", Policy: admin, ID: "updateVenue", Summary: "Change a venue",
			Handle: change(ok, s.UpdateVenue), Body: typeOf[parley.VenueUpdate](), Status: ok, Resp: typeOf[parley.Venue]()},

		{Method: "GET", Pattern: "/api/v1/tracks", Policy: signedIn, ID: "listTracks", Summary: "List tracks, optionally by status",
			Handle: listPage(a.listTracks), Query: withPage(statusParam), Status: ok, Resp: typeOf[List[*parley.Track]]()},
		{Method: "POST", Pattern: "/api/v1/tracks", Policy: opener, ID: "createTrack", Summary: "Open a track (administrators, mediators; a mediator who opens one mediates it)",
			Handle: post("/api/v1/tracks", func(t *parley.Track) int64 { return t.ID }, act.CreateTrack), Body: typeOf[action.TrackInput](), Status: created, Resp: typeOf[parley.Track]()},
		{Method: "GET", Pattern: "/api/v1/tracks/{id}", Policy: trackReader, Scope: onTrack, ID: "getTrack", Summary: "Get a track with its parties, venues and themes",
			Handle: getOne(s.FindTrackByID), Status: ok, Resp: typeOf[parley.Track]()},
		{Method: "PATCH", Pattern: "/api/v1/tracks/{id}", Policy: trackEditor, Scope: onTrack, ID: "updateTrack", Summary: "Change a track (not its status: see transitions)",
			Handle: change(ok, s.UpdateTrack), Body: typeOf[parley.TrackUpdate](), Status: ok, Resp: typeOf[parley.Track]()},
		{Method: "GET", Pattern: "/api/v1/tracks/{id}/transitions", Policy: trackReader, Scope: onTrack, ID: "listTransitions", Summary: "A track's status history, oldest first",
			Handle: listOf(a.listTransitions), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Transition]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/transitions", Policy: trackEditor, Scope: onTrack, ID: "transitionTrack", Summary: "Move a track to a new status",
			Handle: change(created, act.TransitionTrack), Body: typeOf[parley.TransitionRequest](), Status: created, Resp: typeOf[parley.Transition]()},
		{Method: "GET", Pattern: "/api/v1/tracks/{id}/briefing", Policy: trackReader, Scope: onTrack, ID: "exportBriefing", Summary: "The track's briefing pack for the caller, in the reader's language: status and history, latest meetings and events, open proposals and ballots, the current texts, implementation and warnings — only what the caller may read; for the track's mediators also the analysis",
			Handle: a.exportBriefing, Query: []route.Param{{Name: "format", Description: "pdf (not in Arabic), docx, md or html", Schema: export.FormatParam(export.DocumentFormats...)}, langParam}, Status: ok, Media: export.Medias(export.DocumentFormats...)},
		{Method: "GET", Pattern: "/api/v1/tracks/{id}/timeline", Policy: trackReader, Scope: onTrack, ID: "getTimeline", Summary: "A track's transitions, meetings and events in time order",
			Handle: a.timeline, Query: timelineParams, Status: ok, Resp: typeOf[parley.Timeline]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/links", Policy: trackReader, Scope: onTrack, ID: "listTrackLinks", Summary: "A track's links to other tracks, each only if the caller sees both of its tracks, oldest first",
			Handle: listOf(s.FindLinks), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Link]]()},
		{Method: "GET", Pattern: "/api/v1/links", Policy: signedIn, ID: "listLinks", Summary: "Every link between tracks the caller sees both of, oldest first",
			Handle: listPage(a.listLinks), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Link]]()},
		{Method: "POST", Pattern: "/api/v1/links", Policy: signedIn, ID: "createLink", Summary: "Link two tracks (a mediator of both): package — nothing agreed on either until both are; sequence — B opens once A reaches opens_at; condition — A is suspended if B collapses",
			Handle: post("/api/v1/links", func(l *parley.Link) int64 { return l.ID }, act.CreateLink), Body: typeOf[action.LinkInput](), Status: created, Resp: typeOf[parley.Link]()},
		{Method: "GET", Pattern: "/api/v1/links/{id}", Policy: signedIn, ID: "getLink", Summary: "A link with its history, if the caller sees both of its tracks",
			Handle: getOne(s.FindLinkByID), Status: ok, Resp: typeOf[parley.Link]()},
		{Method: "POST", Pattern: "/api/v1/links/{id}/transitions", Policy: signedIn, ID: "transitionLink", Summary: "Dissolve a link or make it active again, with a reason (a mediator of both tracks)",
			Handle: change(ok, act.TransitionLink), Body: typeOf[parley.LinkTransitionRequest](), Status: ok, Resp: typeOf[parley.Link]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/themes", Policy: trackReader, Scope: onTrack, ID: "listThemes", Summary: "A track's themes in agenda order",
			Handle: listOf(s.FindThemes), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Theme]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/themes", Policy: trackEditor, Scope: onTrack, ID: "createTheme", Summary: "Add a theme to a track's agenda",
			Handle: create("/api/v1/themes", func(t *parley.Theme) int64 { return t.ID }, act.CreateTheme), Body: typeOf[action.ThemeInput](), Status: created, Resp: typeOf[parley.Theme]()},
		{Method: "GET", Pattern: "/api/v1/themes/{id}", Policy: trackReader, Scope: onTheme, ID: "getTheme", Summary: "Get a theme with its options; ETag is its version",
			Handle: a.getTheme, Status: ok, Resp: typeOf[parley.Theme]()},
		{Method: "PATCH", Pattern: "/api/v1/themes/{id}", Policy: trackEditor, Scope: onTheme, ID: "updateTheme", Summary: "Change a theme; with If-Match (the ETag GET answered) only if no one changed it since, else 409",
			Handle: a.updateTheme, Body: typeOf[parley.ThemeUpdate](), Status: ok, Resp: typeOf[parley.Theme]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/members", Policy: trackReader, Scope: onTrack, ID: "listMembers", Summary: "A track's members",
			Handle: listOf(s.FindMembers), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Member]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/members", Policy: grantor, Scope: onTrack, ID: "createMember", Summary: "Grant a user a role on a track",
			Handle: create("/api/v1/members", func(m *parley.Member) int64 { return m.ID }, act.CreateMember), Body: typeOf[action.MemberInput](), Status: created, Resp: typeOf[parley.Member]()},
		{Method: "PUT", Pattern: "/api/v1/tracks/{id}/second-factor", Policy: admin, ID: "requireSecondFactor", Summary: "Require a second factor of every member of a track, or no longer: a member without one holds no grant on the track until it sets one up",
			Handle: change(ok, act.RequireSecondFactor), Body: typeOf[action.RequirementInput](), Status: ok, Resp: typeOf[action.SecondFactorRequirement]()},
		{Method: "GET", Pattern: "/api/v1/members/{id}", Policy: trackReader, Scope: onMember, ID: "getMember", Summary: "Get a membership",
			Handle: getOne(s.FindMemberByID), Status: ok, Resp: typeOf[parley.Member]()},
		{Method: "PATCH", Pattern: "/api/v1/members/{id}", Policy: grantor, Scope: onMember, ID: "updateMember", Summary: "Change a member's role or party",
			Handle: change(ok, s.UpdateMember), Body: typeOf[parley.MemberUpdate](), Status: ok, Resp: typeOf[parley.Member]()},
		{Method: "DELETE", Pattern: "/api/v1/members/{id}", Policy: grantor, Scope: onMember, ID: "deleteMember", Summary: "Revoke a membership",
			Handle: done(a.deleteMember), Status: noContent},

		{Method: "GET", Pattern: "/api/v1/meetings", Policy: signedIn, ID: "listMeetings", Summary: "List meetings, optionally of one track or venue",
			Handle: listPage(a.listMeetings), Query: withPage(trackIDParam, venueIDParam), Status: ok, Resp: typeOf[List[*parley.Meeting]]()},
		{Method: "POST", Pattern: "/api/v1/meetings", Policy: trackEditor, Scope: inBody, ID: "createMeeting", Summary: "Record a meeting",
			Handle: post("/api/v1/meetings", func(m *parley.Meeting) int64 { return m.ID }, act.CreateMeeting), Body: typeOf[action.MeetingInput](), Status: created, Resp: typeOf[parley.Meeting]()},
		{Method: "GET", Pattern: "/api/v1/meetings/{id}", Policy: trackReader, Scope: onMeeting, ID: "getMeeting", Summary: "Get a meeting with its attendees",
			Handle: getOne(s.FindMeetingByID), Status: ok, Resp: typeOf[parley.Meeting]()},
		{Method: "GET", Pattern: "/api/v1/meetings/{id}/ics", Policy: trackReader, Scope: onMeeting, ID: "exportMeetingICS", Summary: "A meeting as an iCalendar (.ics) event for a calendar program; a meeting the caller may not see is not found",
			Handle: a.exportMeeting, Query: []route.Param{langParam}, Status: ok, Media: export.ICS.MediaType()},
		{Method: "PATCH", Pattern: "/api/v1/meetings/{id}", Policy: trackEditor, Scope: onMeeting, ID: "updateMeeting", Summary: "Change a meeting (null clears venue_id or ends_at)",
			Handle: change(ok, s.UpdateMeeting), Body: typeOf[parley.MeetingUpdate](), Status: ok, Resp: typeOf[parley.Meeting]()},

		{Method: "GET", Pattern: "/api/v1/events", Policy: signedIn, ID: "listEvents", Summary: "List outside events, optionally linked to one track",
			Handle: listPage(a.listEvents), Query: withPage(trackIDParam), Status: ok, Resp: typeOf[List[*parley.Event]]()},
		{Method: "POST", Pattern: "/api/v1/events", Policy: trackEditor, Scope: inBody, ID: "createEvent", Summary: "Record an outside event",
			Handle: post("/api/v1/events", func(e *parley.Event) int64 { return e.ID }, act.CreateEvent), Body: typeOf[action.EventInput](), Status: created, Resp: typeOf[parley.Event]()},
		{Method: "GET", Pattern: "/api/v1/events/{id}", Policy: trackReader, Scope: onEvent, ID: "getEvent", Summary: "Get an event",
			Handle: getOne(s.FindEventByID), Status: ok, Resp: typeOf[parley.Event]()},
		{Method: "PATCH", Pattern: "/api/v1/events/{id}", Policy: trackEditor, Scope: onEvent, ID: "updateEvent", Summary: "Change an event",
			Handle: change(ok, act.UpdateEvent), Body: typeOf[parley.EventUpdate](), Status: ok, Resp: typeOf[parley.Event]()},

		{Method: "POST", Pattern: "/api/v1/users", Policy: admin, ID: "createUser", Summary: "Create an account with a password",
			Handle: post("/api/v1/users", func(u *parley.User) int64 { return u.ID }, act.CreateUser), Body: typeOf[action.UserInput](), Status: created, Resp: typeOf[parley.User]()},
		{Method: "GET", Pattern: "/api/v1/users/me", Policy: signedIn, ID: "getMe", Summary: "The caller's own account",
			Handle: a.getMe, Status: ok, Resp: typeOf[parley.User]()},
		{Method: "GET", Pattern: "/api/v1/users", Policy: admin, ID: "listUsers", Summary: "List accounts",
			Handle: listPage(func(r *http.Request, p parley.Page) ([]*parley.User, int, error) { return s.FindUsers(r.Context(), p) }),
			Query:  pageParams, Status: ok, Resp: typeOf[List[*parley.User]]()},
		{Method: "GET", Pattern: "/api/v1/users/{id}", Policy: self, ID: "getUser", Summary: "Get an account",
			Handle: getOne(s.FindUserByID), Status: ok, Resp: typeOf[parley.User]()},
		{Method: "PATCH", Pattern: "/api/v1/users/{id}", Policy: admin, ID: "updateUser", Summary: "Change an account's name, admin or disabled flag",
			Handle: change(ok, a.updateUser), Body: typeOf[parley.UserUpdate](), Status: ok, Resp: typeOf[parley.User]()},
		{Method: "GET", Pattern: "/api/v1/users/{id}/memberships", Policy: self, ID: "listMemberships", Summary: "A user's grants on every track",
			Handle: listOf(a.listMemberships), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Member]]()},
	}
	if _, has := s.(parley.ProfileService); has {
		routes = append(routes,
			route.Route{Method: "GET", Pattern: "/api/v1/tracks/{id}/profiles", Policy: trackReader, Scope: onTrack, ID: "listProfiles", Summary: "The latest version of every profile of the track that the caller may read",
				Handle: listOf(a.profiles().FindProfiles), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Profile]]()},
			route.Route{Method: "PUT", Pattern: "/api/v1/tracks/{id}/profiles/{party_id}", Policy: profileEditor, ID: "putProfile", Summary: "Store a new version of a party's profile",
				Handle: a.putProfile, Body: typeOf[parley.ProfileContent](), Status: ok, Resp: typeOf[parley.Profile]()},
			route.Route{Method: "GET", Pattern: "/api/v1/tracks/{id}/profiles/{party_id}", Policy: profileReader, ID: "getProfile", Summary: "A party's sealed profile: its delegates and the mediators only",
				Handle: a.getProfile, Status: ok, Resp: typeOf[parley.Profile]()},
			route.Route{Method: "GET", Pattern: "/api/v1/tracks/{id}/profiles/{party_id}/history", Policy: profileReader, ID: "getProfileHistory", Summary: "Every version of a party's profile, oldest first",
				Handle: a.profileHistory, Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Profile]]()},
		)
	}
	routes = append(routes, []route.Route{
		{Method: "GET", Pattern: "/api/v1/meetings/{id}/notes", Policy: trackReader, Scope: onMeeting, ID: "listNotes", Summary: "A meeting's minutes and caucus notes that the caller may read",
			Handle: listOf(s.FindNotes), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.MeetingNote]]()},
		{Method: "POST", Pattern: "/api/v1/meetings/{id}/notes", Policy: trackEditor, Scope: onMeeting, ID: "createNote", Summary: "Add sealed minutes or a caucus note with its audience",
			Handle: create("/api/v1/notes", func(n *parley.MeetingNote) int64 { return n.ID }, act.AddNote), Body: typeOf[action.NoteInput](), Status: created, Resp: typeOf[parley.MeetingNote]()},
		{Method: "GET", Pattern: "/api/v1/notes/{id}", Policy: signedIn, ID: "getNote", Summary: "A note, if its audience includes the caller",
			Handle: getOne(s.FindNoteByID), Status: ok, Resp: typeOf[parley.MeetingNote]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/proposals", Policy: trackReader, Scope: onTrack, ID: "listProposals", Summary: "The track's proposals that the caller may read",
			Handle: listOf(s.FindProposals), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Proposal]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/proposals", Policy: trackReader, Scope: onTrack, ID: "createProposal", Summary: "Put forward a package on behalf of a party (its delegates, the mediators) or of the mediators",
			Handle: create("/api/v1/proposals", func(p *parley.Proposal) int64 { return p.ID }, act.PutProposal), Body: typeOf[action.ProposalInput](), Status: created, Resp: typeOf[parley.Proposal]()},
		{Method: "GET", Pattern: "/api/v1/proposals/{id}", Policy: signedIn, ID: "getProposal", Summary: "A proposal, if its audience includes the caller",
			Handle: getOne(s.FindProposalByID), Status: ok, Resp: typeOf[parley.Proposal]()},
		{Method: "PATCH", Pattern: "/api/v1/proposals/{id}", Policy: signedIn, ID: "withdrawProposal", Summary: "Withdraw an open proposal: status withdrawn (nothing is deleted)",
			Handle: change(ok, act.WithdrawProposal), Body: typeOf[action.ProposalUpdate](), Status: ok, Resp: typeOf[parley.Proposal]()},
		{Method: "GET", Pattern: "/api/v1/proposals/{id}/package", Policy: signedIn, ID: "getProposalPackage", Summary: "The cross-track package a proposal the caller reads is part of: the parts the caller reads, and only the number of the others (parts on tracks it is not a member of, or audiences it does not read)",
			Handle: getOne(s.FindPackage), Status: ok, Resp: typeOf[parley.ProposalPackage]()},
		{Method: "POST", Pattern: "/api/v1/joint-texts", Policy: signedIn, ID: "joinTexts", Summary: "Join the texts of linked tracks, one per track, into a single negotiating text (mediators of every track); each part keeps its track's audience",
			Handle: a.joinTexts, Body: typeOf[parley.JointTextInput](), Status: created, Resp: typeOf[parley.JointText]()},
		{Method: "GET", Pattern: "/api/v1/texts/{id}/joint", Policy: signedIn, ID: "getJointText", Summary: "The joint text a text the caller reads is part of: the parts (texts and latest versions) the caller reads, the number of the others, and whether every part is agreed",
			Handle: getOne(s.FindJointText), Status: ok, Resp: typeOf[parley.JointText]()},
		{Method: "POST", Pattern: "/api/v1/packages", Policy: signedIn, ID: "createPackage", Summary: "Put a package across linked tracks (mediators of every one of them): a proposal per track, each with that track's audience rules, to parties that are principals of every track; all parts or none",
			Handle: a.createPackage, Body: typeOf[parley.PackageInput](), Status: created, Resp: typeOf[parley.ProposalPackage]()},
		{Method: "GET", Pattern: "/api/v1/proposals/{id}/responses", Policy: signedIn, ID: "listResponses", Summary: "The proposal's responses that the caller may read",
			Handle: listOf(s.FindResponses), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.ProposalResponse]]()},
		{Method: "POST", Pattern: "/api/v1/proposals/{id}/responses", Policy: signedIn, ID: "createResponse", Summary: "Accept, reject or counter a proposal, with reasons and an audience",
			Handle: a.createResponse, Body: typeOf[action.ResponseInput](), Status: created, Resp: typeOf[parley.ProposalResponse]()},
		{Method: "GET", Pattern: "/api/v1/proposals/{id}/utilities", Policy: signedIn, ID: "getProposalUtilities", Summary: "The proposal's utility for each party whose profile the caller reads",
			Handle: getOne(s.ProposalUtilities), Status: ok, Resp: typeOf[[]parley.PartyUtility]()},
		{Method: "GET", Pattern: "/api/v1/proposals/{id}/improvements", Policy: signedIn, ID: "getProposalImprovements", Summary: "Packages better for some party and worse for none than the proposal's, most evenly shared gains first (mediators only)",
			Handle: getOne(a.proposalImprovements), Status: ok, Resp: typeOf[action.Improvements]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/concessions/{party_id}", Policy: profileReader, ID: "listConcessions", Summary: "Each of a party's proposals against its previous one: themes moved, toward whom, worth what to the party (its delegates and the mediators only)",
			Handle: a.listConcessions, Status: ok, Resp: typeOf[[]parley.Concession]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/ballots", Policy: trackReader, Scope: onTrack, ID: "listBallots", Summary: "The track's ballots put to the caller's party (all, for mediators), with outcomes",
			Handle: listOf(s.FindBallots), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Ballot]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/ballots", Policy: trackEditor, Scope: onTrack, ID: "createBallot", Summary: "Put one package to several parties for secret answers",
			Handle: create("/api/v1/ballots", func(b *parley.Ballot) int64 { return b.ID }, act.PutBallot), Body: typeOf[action.BallotInput](), Status: created, Resp: typeOf[parley.Ballot]()},
		{Method: "GET", Pattern: "/api/v1/ballots/{id}", Policy: signedIn, ID: "getBallot", Summary: "A ballot and its outcome: pending, accepted by all, or not accepted",
			Handle: getOne(s.FindBallotByID), Status: ok, Resp: typeOf[parley.Ballot]()},
		{Method: "GET", Pattern: "/api/v1/ballots/{id}/package", Policy: signedIn, ID: "getBallotPackage", Summary: "The cross-track ballot a ballot the caller reads is part of: the parts the caller reads, and only the number of the others (parts on tracks it is not a member of, or put to parties it is not a delegate of)",
			Handle: getOne(s.FindBallotPackage), Status: ok, Resp: typeOf[parley.BallotPackage]()},
		{Method: "POST", Pattern: "/api/v1/ballot-packages", Policy: signedIn, ID: "createBallotPackage", Summary: "Put a ballot across linked tracks (mediators of every one of them): a ballot per track, each under that track's rules, to parties that are principals of every track; all parts or none",
			Handle: a.createBallotPackage, Body: typeOf[parley.BallotPackageInput](), Status: created, Resp: typeOf[parley.BallotPackage]()},
		{Method: "POST", Pattern: "/api/v1/ballots/{id}/answer", Policy: signedIn, ID: "answerBallot", Summary: "Answer a ballot for the caller's party, in secret; the same empty response for either answer",
			Handle: a.answerBallot, Body: typeOf[action.AnswerInput](), Status: noContent},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/texts", Policy: trackReader, Scope: onTrack, ID: "listTexts", Summary: "The track's negotiating texts that the caller may read",
			Handle: listOf(s.FindTexts), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.NegotiatingText]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/texts", Policy: trackEditor, Scope: onTrack, ID: "createText", Summary: "Start a negotiating text with its audience",
			Handle: create("/api/v1/texts", func(t *parley.NegotiatingText) int64 { return t.ID }, act.StartText), Body: typeOf[action.TextInput](), Status: created, Resp: typeOf[parley.NegotiatingText]()},
		{Method: "GET", Pattern: "/api/v1/texts/{id}", Policy: signedIn, ID: "getText", Summary: "A negotiating text, if its audience includes the caller",
			Handle: getOne(s.FindTextByID), Status: ok, Resp: typeOf[parley.NegotiatingText]()},
		{Method: "GET", Pattern: "/api/v1/texts/{id}/versions", Policy: signedIn, ID: "listVersions", Summary: "Every version of a text, oldest first, with its counts of clauses, brackets and options",
			Handle: listOf(s.FindVersions), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.TextVersion]]()},
		{Method: "POST", Pattern: "/api/v1/texts/{id}/versions", Policy: signedIn, ID: "createVersion", Summary: "Start the text's next version, a draft (mediators)",
			Handle: create("/api/v1/versions", func(v *parley.TextVersion) int64 { return v.ID }, act.AddVersion), Body: typeOf[action.ClausesInput](), Status: created, Resp: typeOf[parley.TextVersion]()},
		{Method: "GET", Pattern: "/api/v1/versions/{id}", Policy: signedIn, ID: "getVersion", Summary: "A version of a text",
			Handle: getOne(s.FindVersionByID), Status: ok, Resp: typeOf[parley.TextVersion]()},
		{Method: "PUT", Pattern: "/api/v1/versions/{id}", Policy: signedIn, ID: "putVersion", Summary: "Replace a draft's clauses; a frozen version never changes (mediators)",
			Handle: change(ok, act.ReplaceDraft), Body: typeOf[action.ClausesInput](), Status: ok, Resp: typeOf[parley.TextVersion]()},
		{Method: "PATCH", Pattern: "/api/v1/versions/{id}", Policy: signedIn, ID: "freezeVersion", Summary: "Freeze a draft into an immutable snapshot: frozen true (mediators)",
			Handle: change(ok, act.FreezeVersion), Body: typeOf[action.VersionUpdate](), Status: ok, Resp: typeOf[parley.TextVersion]()},
		{Method: "GET", Pattern: "/api/v1/versions/{id}/diff/{other}", Policy: signedIn, ID: "diffVersions", Summary: "A clause-by-clause diff from one version to another of the same text",
			Handle: a.diffVersions, Status: ok, Resp: typeOf[VersionDiff]()},
		{Method: "GET", Pattern: "/api/v1/versions/{id}/markdown", Policy: signedIn, ID: "exportVersionMarkdown", Summary: "A version as Markdown in the reader's language: brackets and sponsors, or the clean text once agreed",
			Handle: a.exportVersion(export.Markdown), Query: []route.Param{langParam}, Status: ok, Media: export.Markdown.MediaType()},
		{Method: "GET", Pattern: "/api/v1/versions/{id}/html", Policy: signedIn, ID: "exportVersionHTML", Summary: "A version as a printable HTML page in the reader's language: brackets and sponsors, or the clean text once agreed",
			Handle: a.exportVersion(export.HTML), Query: []route.Param{langParam}, Status: ok, Media: export.HTML.MediaType()},
		{Method: "GET", Pattern: "/api/v1/versions/{id}/pdf", Policy: signedIn, ID: "exportVersionPDF", Summary: "A version as PDF in the reader's language (not Arabic), its audience on every page",
			Handle: a.exportVersion(export.PDF), Query: []route.Param{langParam}, Status: ok, Media: export.PDF.MediaType()},
		{Method: "GET", Pattern: "/api/v1/versions/{id}/docx", Policy: signedIn, ID: "exportVersionDOCX", Summary: "A version as a Word document in the reader's language, its audience on every page",
			Handle: a.exportVersion(export.DOCX), Query: []route.Param{langParam}, Status: ok, Media: export.DOCX.MediaType()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/exchanges", Policy: trackReader, Scope: onTrack, ID: "listExchanges", Summary: "The track's prisoner exchanges (map data)",
			Handle: listOf(s.FindExchanges), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Exchange]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/exchanges", Policy: trackEditor, Scope: onTrack, ID: "createExchange", Summary: "Start a prisoner exchange between two principals: all for all, or n for n",
			Handle: create("/api/v1/exchanges", func(e *parley.Exchange) int64 { return e.ID }, act.StartExchange), Body: typeOf[action.ExchangeInput](), Status: created, Resp: typeOf[parley.Exchange]()},
		{Method: "GET", Pattern: "/api/v1/exchanges/{id}", Policy: signedIn, ID: "getExchange", Summary: "A prisoner exchange",
			Handle: getOne(s.FindExchangeByID), Status: ok, Resp: typeOf[parley.Exchange]()},
		{Method: "GET", Pattern: "/api/v1/exchanges/{id}/lists/{party}", Policy: signedIn, ID: "listPrisoners", Summary: "A side's list of persons (its delegates, the mediators and the verifiers)",
			Handle: a.listPrisoners, Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Prisoner]]()},
		{Method: "POST", Pattern: "/api/v1/exchanges/{id}/lists/{party}", Policy: signedIn, ID: "addPrisoners", Summary: "Add persons to a side's list, all or none: as JSON (persons, or a CSV's text; up to 1 MiB) or as the list's file (CSV in any common encoding and delimiter, or .xlsx; up to 16 MiB), whose headers may be English, Ukrainian or Russian; the answer says how the file was read; rejected rows are answered with row, field and reason (the problem's rejections), or as a file",
			Handle: a.addPrisoners, Query: []route.Param{sheetParam, rejectionsParam, langParam}, Body: typeOf[action.PrisonersInput](), Status: created, Resp: typeOf[action.PrisonersAdded](),
			Files: []string{"text/csv", export.XLSX.MediaType()}, MaxBody: limits.MaxCSVBodyBytes},
		{Method: "GET", Pattern: "/api/v1/exchanges/{id}/export", Policy: signedIn, ID: "exportExchange", Summary: "An exchange's tables as the caller reads them, in the reader's language: each list it reads (whole, or its shared persons), the confirmed matches and, for those who read both lists, the reconciliation; all as .xlsx, or one as CSV (table)",
			Handle: a.exportExchange, Query: []route.Param{{Name: "format", Description: "xlsx or csv", Schema: export.FormatParam(tableFormats...)}, tableParam, langParam}, Status: ok, Media: export.Medias(tableFormats...)},
		{Method: "GET", Pattern: "/api/v1/exchanges/{id}/candidates", Policy: signedIn, ID: "listMatchCandidates", Summary: "Proposed matches of the two lists, robust to transliteration and typos, for the mediators to confirm",
			Handle: getOne(a.listCandidates), Status: ok, Resp: typeOf[action.Candidates]()},
		{Method: "POST", Pattern: "/api/v1/exchanges/{id}/matches", Policy: signedIn, ID: "confirmMatch", Summary: "Confirm that a person of side A's list and one of side B's are the same (mediators)",
			Handle: change(created, act.ConfirmMatch), Body: typeOf[action.MatchInput](), Status: created, Resp: typeOf[parley.PrisonerMatch]()},
		{Method: "POST", Pattern: "/api/v1/matches/{id}/verification", Policy: signedIn, ID: "verifyMatch", Summary: "Record the neutral body's verification of a confirmed match (the track's verifiers)",
			Handle: change(ok, act.VerifyMatch), Body: typeOf[action.MatchVerification](), Status: ok, Resp: typeOf[parley.PrisonerMatch]()},
		{Method: "POST", Pattern: "/api/v1/matches/{id}/sharing", Policy: signedIn, ID: "shareMatch", Summary: "Share a confirmed match with both sides: each side's delegates then read the other side's person of that match, and nothing else of its list (mediators)",
			Handle: change(ok, act.ShareMatch), Body: typeOf[action.MatchSharing](), Status: ok, Resp: typeOf[parley.PrisonerMatch]()},
		{Method: "POST", Pattern: "/api/v1/exchanges/{id}/handovers", Policy: signedIn, ID: "recordHandover", Summary: "Record the persons the exchange actually handed over (mediators)",
			Handle: a.recordHandover, Body: typeOf[action.HandoverInput](), Status: noContent},
		{Method: "GET", Pattern: "/api/v1/exchanges/{id}/reconciliation", Policy: signedIn, ID: "reconcileExchange", Summary: "The two sides' counts and exactly which persons explain their difference",
			Handle: getOne(a.reconcileExchange), Status: ok, Resp: typeOf[action.Reconciliation]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/children", Policy: trackReader, Scope: onTrack, ID: "listChildCases", Summary: "The track's children's return cases that the caller may read",
			Handle: listOf(s.FindChildCases), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.ChildCase]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/children", Policy: trackEditor, Scope: onTrack, ID: "createChildCase", Summary: "Open a child's return case at its first stage, identified (mediators)",
			Handle: create("/api/v1/children", func(c *parley.ChildCase) int64 { return c.ID }, act.OpenChildCase), Body: typeOf[action.ChildCaseInput](), Status: created, Resp: typeOf[parley.ChildCase]()},
		{Method: "GET", Pattern: "/api/v1/tracks/{id}/children/counts", Policy: trackReader, Scope: onTrack, ID: "countChildCases", Summary: "The number of the track's cases at each stage, without names",
			Handle: getOne(s.ChildStageCounts), Status: ok, Resp: typeOf[parley.ChildStageCounts]()},
		{Method: "GET", Pattern: "/api/v1/children/{id}", Policy: signedIn, ID: "getChildCase", Summary: "A child's return case, if its audience includes the caller",
			Handle: getOne(s.FindChildCaseByID), Status: ok, Resp: typeOf[parley.ChildCase]()},
		{Method: "POST", Pattern: "/api/v1/children/{id}/stages", Policy: signedIn, ID: "advanceChildCase", Summary: "Record a case's next stage with its date, source and verifier; no stage is skipped (mediators)",
			Handle: change(ok, act.AdvanceChildCase), Body: typeOf[parley.ChildStep](), Status: ok, Resp: typeOf[parley.ChildCase]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/agreements", Policy: trackReader, Scope: onTrack, ID: "listAgreements", Summary: "The track's agreements with their status history and renewals, oldest first",
			Handle: listOf(s.FindAgreements), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Agreement]]()},
		{Method: "POST", Pattern: "/api/v1/tracks/{id}/agreements", Policy: trackEditor, Scope: onTrack, ID: "createAgreement", Summary: "Enter an agreement, in force; with text_version_id it is adopted from a frozen, agreed version of the track's text (mediators)",
			Handle: create("/api/v1/agreements", func(ag *parley.Agreement) int64 { return ag.ID }, act.EnterAgreement), Body: typeOf[action.AgreementInput](), Status: created, Resp: typeOf[parley.Agreement]()},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}", Policy: signedIn, ID: "getAgreement", Summary: "An agreement with its status history and renewals",
			Handle: getOne(s.FindAgreementByID), Status: ok, Resp: typeOf[parley.Agreement]()},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/transitions", Policy: signedIn, ID: "transitionAgreement", Summary: "Move an agreement to a new status with a reason: in force ⇄ suspended, then expired, collapsed or completed, which are final (mediators)",
			Handle: change(ok, act.TransitionAgreement), Body: typeOf[parley.AgreementTransitionRequest](), Status: ok, Resp: typeOf[parley.Agreement]()},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/renewals", Policy: signedIn, ID: "renewAgreement", Summary: "Renew a live agreement to a later expiry (mediators)",
			Handle: change(ok, act.RenewAgreement), Body: typeOf[action.RenewalInput](), Status: ok, Resp: typeOf[parley.Agreement]()},
		{Method: "PUT", Pattern: "/api/v1/agreements/{id}/thresholds", Policy: signedIn, ID: "setWarningThresholds", Summary: "Set the thresholds of the agreement's early warning (mediators)",
			Handle: change(ok, act.SetWarningThresholds), Body: typeOf[parley.WarningThresholds](), Status: ok, Resp: typeOf[parley.Agreement]()},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}/commitments", Policy: signedIn, ID: "listCommitments", Summary: "The agreement's commitments, oldest first",
			Handle: listOf(s.FindCommitments), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Commitment]]()},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/commitments", Policy: signedIn, ID: "createCommitment", Summary: "Add a commitment: obligor and verifier are parties of the track, the clause one of the adopted version (mediators)",
			Handle: a.addCommitment, Body: typeOf[action.CommitmentInput](), Status: created, Resp: typeOf[parley.Commitment]()},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}/reports", Policy: signedIn, ID: "listReports", Summary: "The agreement's monitoring reports, oldest first by date; the evidence only where its audience includes the caller",
			Handle: listOf(s.FindReports), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Report]]()},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/reports", Policy: signedIn, ID: "createReport", Summary: "Record a monitoring report on one of the agreement's commitments, its evidence sealed to its audience (mediators and the track's verifiers)",
			Handle: a.addReport, Body: typeOf[action.ReportInput](), Status: created, Resp: typeOf[parley.Report]()},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}/scores", Policy: signedIn, ID: "listScores", Summary: "Every implementation score of the agreement's commitments, oldest first; a later score for a period supersedes an earlier one",
			Handle: listOf(s.FindScores), Query: pageParams, Status: ok, Resp: typeOf[List[*parley.Score]]()},
		{Method: "POST", Pattern: "/api/v1/agreements/{id}/scores", Policy: signedIn, ID: "createScore", Summary: "Score a commitment's implementation for a period, 0 (not initiated) to 3 (full) (mediators)",
			Handle: a.addScore, Body: typeOf[action.ScoreInput](), Status: created, Resp: typeOf[parley.Score]()},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}/implementation", Policy: signedIn, ID: "getImplementation", Summary: "The agreement's implementation per period from the latest scores, overall and per obligor party (by_party is keyed by party id)",
			Handle: getOne(a.implementation), Status: ok, Resp: typeOf[parley.ImplementationRollup]()},
		{Method: "GET", Pattern: "/api/v1/agreements/{id}/warning", Policy: signedIn, ID: "getEarlyWarning", Summary: "The agreement's early warning as of today: always an object; triggered false and no warning when its thresholds were never met",
			Handle: getOne(a.warning), Status: ok, Resp: typeOf[EarlyWarning]()},
		{Method: "GET", Pattern: "/api/v1/parties/{id}/trust", Policy: signedIn, ID: "getTrustRecord", Summary: "A party's record of kept and broken commitments per quarter, across the agreements of the tracks the caller sees",
			Handle: getOne(s.TrustRecord), Status: ok, Resp: typeOf[parley.TrustRecord]()},

		{Method: "GET", Pattern: "/api/v1/audit/checkpoint", Policy: signedIn, ID: "getLatestCheckpoint", Summary: "The ledger's latest signed checkpoint, of the whole log, and its verifier key: keep it, and later ask for a proof that the log extends it",
			Handle: a.latestCheckpoint, Status: ok, Resp: typeOf[parley.SignedCheckpoint]()},
		{Method: "GET", Pattern: "/api/v1/audit/checkpoints", Policy: signedIn, ID: "listCheckpoints", Summary: "The tree sizes of the ledger's signed checkpoints",
			Handle: a.listCheckpoints, Status: ok, Resp: typeOf[[]int64]()},
		{Method: "GET", Pattern: "/api/v1/audit/entries/{index}/proof", Policy: signedIn, ID: "proveInclusion", Summary: "An audit entry the caller may see, with a proof of its inclusion in the ledger",
			Handle: a.proveInclusion, Status: ok, Resp: typeOf[parley.InclusionProof]()},
		{Method: "GET", Pattern: "/api/v1/audit/consistency", Policy: signedIn, ID: "proveConsistency", Summary: "A proof that one signed checkpoint extends another, or the latest",
			Handle: a.proveConsistency, Query: sizeParams, Status: ok, Resp: typeOf[parley.ConsistencyProof]()},

		{Method: "GET", Pattern: "/api/v1/tracks/{id}/export", Policy: trackReader, Scope: onTrack, ID: "exportTrack", Summary: "A track's scenario (themes and profiles) as GENIUS XML texts or Parley's scenario JSON: mediators only",
			Handle: a.exportTrack, Query: []route.Param{formatParam}, Status: ok, Resp: typeOf[action.ScenarioFiles]()},
	}...)
	routes = append(routes, a.setupRoutes()...) // setup.go
	if _, has := s.(parley.ProfileService); has {
		routes = append(routes,
			route.Route{Method: "GET", Pattern: "/api/v1/tracks/{id}/analysis", Policy: trackReader, Scope: onTrack, ID: "getAnalysis", Summary: "The analysis of a track from its sealed profiles (the `parley analyze --format json` shape): mediators only",
				Handle: getOne(a.getAnalysis), Status: ok, Resp: typeOf[negotiation.Report]()},
			route.Route{Method: "POST", Pattern: "/api/v1/tracks/{id}/analysis", Policy: trackReader, Scope: onTrack, ID: "whatIfAnalysis", Summary: "What-if: the analysis with temporary changes (dropped red lines, other reservations); nothing is saved. Mediators only",
				Handle: change(ok, a.whatIf), Body: typeOf[action.WhatIf](), Status: ok, Resp: typeOf[negotiation.Report]()},
			route.Route{Method: "GET", Pattern: "/api/v1/tracks/{id}/joint-analysis", Policy: trackReader, Scope: onTrack, ID: "getJointAnalysis", Summary: "The joint analysis of the track and every track linked to it, from the sealed profiles and cross-track weights: joint frontier, Nash and Kalai–Smorodinsky points, zone, value of linkage, logrolling trades, blocking red lines. Mediators of every linked track only",
				Handle: getOne(a.getJointAnalysis), Status: ok, Resp: typeOf[action.JointAnalysis]()},
			route.Route{Method: "POST", Pattern: "/api/v1/tracks/{id}/joint-analysis", Policy: trackReader, Scope: onTrack, ID: "whatIfJointAnalysis", Summary: "What-if: the joint analysis with tracks unlinked or cross-track weights moved; nothing is saved. Mediators of every linked track only",
				Handle: change(ok, a.whatIfJoint), Body: typeOf[action.JointWhatIf](), Status: ok, Resp: typeOf[action.JointAnalysis]()},
			route.Route{Method: "POST", Pattern: "/api/v1/tracks/{id}/simulation", Policy: trackReader, Scope: onTrack, ID: "simulateTrack", Summary: "Simulated concessions on the track's sealed profiles: one strategy per party (boulware, linear, conceder, time:E, tit-for-tat), the stacked alternating offers protocol or the mediator's single text, every offer, the agreement or none, its round and its distances to the frontier and the Nash point (the `parley simulate --format json` shape). Mediators only",
				Handle: change(ok, a.simulate), Body: typeOf[action.Simulation](), Status: ok, Resp: typeOf[sim.Trace]()},
			route.Route{Method: "POST", Pattern: "/api/v1/tracks/import", Policy: admin, ID: "importTrack", Summary: "Import a scenario (GENIUS domain + profiles XML, as JSON or multipart/form-data, or Parley's scenario JSON) as a new track with one sealed profile per party",
				Handle: a.importTrack, Query: []route.Param{{Name: "title", Description: "the new track's title, for a zip body (default: the domain's name)", Schema: map[string]any{"type": "string"}}},
				Body: typeOf[action.ScenarioFiles](), Multipart: typeOf[scenarioUpload](), Files: []string{export.ZIP.MediaType()}, MaxBody: limits.MaxScenarioZipBytes, Status: created, Resp: typeOf[action.ImportResult]()},
			route.Route{Method: "GET", Pattern: "/api/v1/tracks/{id}/scenario", Policy: trackReader, Scope: onTrack, ID: "exportScenarioZip", Summary: "A track's scenario as a zip of GENIUS XML files — the domain (its themes) and one profile per party — in GENIUS's layout (files at the root) or NegMAS's (one folder). A mediator gets every party's profile, a delegate its own party's only, anyone else not found; red lines and core demands are left out, each profile file says so in a comment",
				Handle: a.exportScenarioZip, Query: []route.Param{{Name: "layout", Description: "genius (files at the root) or negmas (one folder)", Schema: map[string]any{"type": "string", "enum": []string{"genius", "negmas"}, "default": "genius"}}, langParam}, Status: ok, Media: export.ZIP.MediaType()},
			route.Route{Method: "PUT", Pattern: "/api/v1/tracks/{id}/scenario", Policy: trackEditor, Scope: onTrack, ID: "putScenario", Summary: "Store the profiles of a zip of GENIUS XML files (either layout; or the import's JSON) on the track, all or none: the domain must hold the track's themes, each profile file names a party of the track; weights, values and reservation come from the file, red lines, core demands and notes stay as the party's profile has them. Mediators only",
				Handle: a.putScenarioZip, Body: typeOf[action.ScenarioFiles](), Files: []string{export.ZIP.MediaType()}, MaxBody: limits.MaxScenarioZipBytes, Status: ok, Resp: typeOf[[]action.StoredProfile]()},
		)
	}
	return routes
}
