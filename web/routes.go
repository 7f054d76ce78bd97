package web

import (
	"net/http"
	"reflect"

	"github.com/parley-talks/parley"
)

// handlerFunc is a route's handler. It writes the response on success and
// returns the error otherwise; the guard writes errors as problems.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one row of the route table. The mux and the OpenAPI document are
// both built from the table, so the two cannot drift apart.
type route struct {
	method  string
	pattern string // ServeMux path pattern, e.g. /api/v1/tracks/{id}
	policy  Policy
	scope   trackScope // where a track policy finds its track
	id      string     // OpenAPI operationId
	summary string
	handle  handlerFunc

	query  []queryParam // documented query parameters
	body   reflect.Type // request body; nil if none
	status int          // status on success
	resp   reflect.Type // response body on success; nil if none
	media  string       // a page's or asset's media type (text/html…); "" for JSON. A page's body is a form
	csv    bool         // the body may be a CSV list (exchange.Columns): a text/csv body beside JSON, or a page's multipart/form-data upload

	maxBody int64 // a larger bound than MaxRequestBodyBytes for the route's bodies (CSV); 0 if none
}

func (rt route) info() RouteInfo {
	return RouteInfo{Method: rt.method, Pattern: rt.pattern, Policy: rt.policy, Summary: rt.summary}
}

// queryParam documents a query parameter.
type queryParam struct {
	name        string
	description string
	schema      map[string]any
}

var (
	pageParams = []queryParam{
		{"offset", "items to skip", map[string]any{"type": "integer", "minimum": 0, "default": 0}},
		{"limit", "items per page", map[string]any{"type": "integer", "minimum": 1, "maximum": parley.MaxLimit, "default": parley.DefaultLimit}},
	}
	trackIDParam = queryParam{"track_id", "only those of this track", map[string]any{"type": "integer", "format": "int64", "minimum": 1}}
	venueIDParam = queryParam{"venue_id", "only those at this venue", map[string]any{"type": "integer", "format": "int64", "minimum": 1}}
	statusParam  = queryParam{"status", "only tracks with this status", map[string]any{"$ref": "#/components/schemas/Status"}}
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func withPage(ps ...queryParam) []queryParam { return append(ps, pageParams...) }

// routeTable is the API. Keep it grouped by resource, in the order of the
// OpenAPI document's tags.
func (s *Server) routeTable() []route {
	const ok, created, noContent = http.StatusOK, http.StatusCreated, http.StatusNoContent
	routes := []route{
		{method: "GET", pattern: "/healthz", policy: PolicyPublic, id: "health", summary: "Check that the server and its store answer",
			handle: s.health, status: ok, resp: typeOf[health]()},
		{method: "GET", pattern: "/api/openapi.json", policy: PolicyPublic, id: "openapi", summary: "This OpenAPI document",
			handle: s.serveOpenAPI, status: ok, resp: typeOf[map[string]any]()},

		{method: "POST", pattern: "/api/v1/sessions", policy: PolicyPublic, id: "signIn", summary: "Sign in with email and password: a bearer token, or with cookie: true the session cookie and its CSRF token",
			handle: s.signIn, body: typeOf[signInInput](), status: created, resp: typeOf[signInOutput]()},
		{method: "DELETE", pattern: "/api/v1/sessions/current", policy: PolicySignedIn, id: "signOut", summary: "Sign out: end the session this request is signed with",
			handle: s.signOut, status: noContent},
		{method: "GET", pattern: "/api/v1/tokens", policy: PolicySignedIn, id: "listTokens", summary: "The caller's API tokens (never their secrets)",
			handle: s.listTokens, query: pageParams, status: ok, resp: typeOf[List[*parley.APIToken]]()},
		{method: "POST", pattern: "/api/v1/tokens", policy: PolicySignedIn, id: "createToken", summary: "Make an API token for the caller; its secret is shown in this answer only",
			handle: s.createToken, body: typeOf[tokenInput](), status: created, resp: typeOf[tokenCreated]()},
		{method: "DELETE", pattern: "/api/v1/tokens/{id}", policy: PolicySignedIn, id: "revokeToken", summary: "Revoke one of the caller's API tokens",
			handle: s.revokeToken, status: noContent},

		{method: "GET", pattern: "/api/v1/parties", policy: PolicySignedIn, id: "listParties", summary: "List parties",
			handle: s.listParties, query: pageParams, status: ok, resp: typeOf[List[*parley.Party]]()},
		{method: "POST", pattern: "/api/v1/parties", policy: PolicyAdmin, id: "createParty", summary: "Create a party",
			handle: s.createParty, body: typeOf[partyInput](), status: created, resp: typeOf[parley.Party]()},
		{method: "GET", pattern: "/api/v1/parties/{id}", policy: PolicySignedIn, id: "getParty", summary: "Get a party",
			handle: s.getParty, status: ok, resp: typeOf[parley.Party]()},
		{method: "PATCH", pattern: "/api/v1/parties/{id}", policy: PolicyAdmin, id: "updateParty", summary: "Change a party",
			handle: s.updateParty, body: typeOf[parley.PartyUpdate](), status: ok, resp: typeOf[parley.Party]()},

		{method: "GET", pattern: "/api/v1/venues", policy: PolicySignedIn, id: "listVenues", summary: "List venues",
			handle: s.listVenues, query: pageParams, status: ok, resp: typeOf[List[*parley.Venue]]()},
		{method: "POST", pattern: "/api/v1/venues", policy: PolicyAdmin, id: "createVenue", summary: "Create a venue",
			handle: s.createVenue, body: typeOf[venueInput](), status: created, resp: typeOf[parley.Venue]()},
		{method: "GET", pattern: "/api/v1/venues/{id}", policy: PolicySignedIn, id: "getVenue", summary: "Get a venue",
			handle: s.getVenue, status: ok, resp: typeOf[parley.Venue]()},
		{method: "PATCH", pattern: "/api/v1/venues/{id}", policy: PolicyAdmin, id: "updateVenue", summary: "Change a venue",
			handle: s.updateVenue, body: typeOf[parley.VenueUpdate](), status: ok, resp: typeOf[parley.Venue]()},

		{method: "GET", pattern: "/api/v1/tracks", policy: PolicySignedIn, id: "listTracks", summary: "List tracks, optionally by status",
			handle: s.listTracks, query: withPage(statusParam), status: ok, resp: typeOf[List[*parley.Track]]()},
		{method: "POST", pattern: "/api/v1/tracks", policy: PolicyAdmin, id: "createTrack", summary: "Create a track",
			handle: s.createTrack, body: typeOf[trackInput](), status: created, resp: typeOf[parley.Track]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}", policy: PolicyTrackReader, scope: scopeTrack, id: "getTrack", summary: "Get a track with its parties, venues and themes",
			handle: s.getTrack, status: ok, resp: typeOf[parley.Track]()},
		{method: "PATCH", pattern: "/api/v1/tracks/{id}", policy: PolicyTrackEditor, scope: scopeTrack, id: "updateTrack", summary: "Change a track (not its status: see transitions)",
			handle: s.updateTrack, body: typeOf[parley.TrackUpdate](), status: ok, resp: typeOf[parley.Track]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/transitions", policy: PolicyTrackReader, scope: scopeTrack, id: "listTransitions", summary: "A track's status history, oldest first",
			handle: s.listTransitions, query: pageParams, status: ok, resp: typeOf[List[*parley.Transition]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/transitions", policy: PolicyTrackEditor, scope: scopeTrack, id: "transitionTrack", summary: "Move a track to a new status",
			handle: s.transitionTrack, body: typeOf[parley.TransitionRequest](), status: created, resp: typeOf[parley.Transition]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/timeline", policy: PolicyTrackReader, scope: scopeTrack, id: "getTimeline", summary: "A track's transitions, meetings and events in time order",
			handle: s.timeline, query: pageParams, status: ok, resp: typeOf[List[*parley.TimelineEntry]]()},

		{method: "GET", pattern: "/api/v1/tracks/{id}/themes", policy: PolicyTrackReader, scope: scopeTrack, id: "listThemes", summary: "A track's themes in agenda order",
			handle: s.listThemes, query: pageParams, status: ok, resp: typeOf[List[*parley.Theme]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/themes", policy: PolicyTrackEditor, scope: scopeTrack, id: "createTheme", summary: "Add a theme to a track's agenda",
			handle: s.createTheme, body: typeOf[themeInput](), status: created, resp: typeOf[parley.Theme]()},
		{method: "GET", pattern: "/api/v1/themes/{id}", policy: PolicyTrackReader, scope: scopeTheme, id: "getTheme", summary: "Get a theme with its options",
			handle: s.getTheme, status: ok, resp: typeOf[parley.Theme]()},
		{method: "PATCH", pattern: "/api/v1/themes/{id}", policy: PolicyTrackEditor, scope: scopeTheme, id: "updateTheme", summary: "Change a theme",
			handle: s.updateTheme, body: typeOf[parley.ThemeUpdate](), status: ok, resp: typeOf[parley.Theme]()},

		{method: "GET", pattern: "/api/v1/tracks/{id}/members", policy: PolicyTrackReader, scope: scopeTrack, id: "listMembers", summary: "A track's members",
			handle: s.listMembers, query: pageParams, status: ok, resp: typeOf[List[*parley.Member]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/members", policy: PolicyAdmin, id: "createMember", summary: "Grant a user a role on a track",
			handle: s.createMember, body: typeOf[memberInput](), status: created, resp: typeOf[parley.Member]()},
		{method: "GET", pattern: "/api/v1/members/{id}", policy: PolicyTrackReader, scope: scopeMember, id: "getMember", summary: "Get a membership",
			handle: s.getMember, status: ok, resp: typeOf[parley.Member]()},
		{method: "PATCH", pattern: "/api/v1/members/{id}", policy: PolicyAdmin, id: "updateMember", summary: "Change a member's role or party",
			handle: s.updateMember, body: typeOf[parley.MemberUpdate](), status: ok, resp: typeOf[parley.Member]()},
		{method: "DELETE", pattern: "/api/v1/members/{id}", policy: PolicyAdmin, id: "deleteMember", summary: "Revoke a membership",
			handle: s.deleteMember, status: noContent},

		{method: "GET", pattern: "/api/v1/meetings", policy: PolicySignedIn, id: "listMeetings", summary: "List meetings, optionally of one track or venue",
			handle: s.listMeetings, query: withPage(trackIDParam, venueIDParam), status: ok, resp: typeOf[List[*parley.Meeting]]()},
		{method: "POST", pattern: "/api/v1/meetings", policy: PolicyTrackEditor, scope: scopeBody, id: "createMeeting", summary: "Record a meeting",
			handle: s.createMeeting, body: typeOf[meetingInput](), status: created, resp: typeOf[parley.Meeting]()},
		{method: "GET", pattern: "/api/v1/meetings/{id}", policy: PolicyTrackReader, scope: scopeMeeting, id: "getMeeting", summary: "Get a meeting with its attendees",
			handle: s.getMeeting, status: ok, resp: typeOf[parley.Meeting]()},
		{method: "PATCH", pattern: "/api/v1/meetings/{id}", policy: PolicyTrackEditor, scope: scopeMeeting, id: "updateMeeting", summary: "Change a meeting (null clears venue_id or ends_at)",
			handle: s.updateMeeting, body: typeOf[parley.MeetingUpdate](), status: ok, resp: typeOf[parley.Meeting]()},

		{method: "GET", pattern: "/api/v1/events", policy: PolicySignedIn, id: "listEvents", summary: "List outside events, optionally linked to one track",
			handle: s.listEvents, query: withPage(trackIDParam), status: ok, resp: typeOf[List[*parley.Event]]()},
		{method: "POST", pattern: "/api/v1/events", policy: PolicyTrackEditor, scope: scopeBody, id: "createEvent", summary: "Record an outside event",
			handle: s.createEvent, body: typeOf[eventInput](), status: created, resp: typeOf[parley.Event]()},
		{method: "GET", pattern: "/api/v1/events/{id}", policy: PolicyTrackReader, scope: scopeEvent, id: "getEvent", summary: "Get an event",
			handle: s.getEvent, status: ok, resp: typeOf[parley.Event]()},
		{method: "PATCH", pattern: "/api/v1/events/{id}", policy: PolicyTrackEditor, scope: scopeEvent, id: "updateEvent", summary: "Change an event",
			handle: s.updateEvent, body: typeOf[parley.EventUpdate](), status: ok, resp: typeOf[parley.Event]()},

		{method: "POST", pattern: "/api/v1/users", policy: PolicyAdmin, id: "createUser", summary: "Create an account with a password",
			handle: s.createUser, body: typeOf[userInput](), status: created, resp: typeOf[parley.User]()},
		{method: "GET", pattern: "/api/v1/users/me", policy: PolicySignedIn, id: "getMe", summary: "The caller's own account",
			handle: s.getMe, status: ok, resp: typeOf[parley.User]()},
		{method: "GET", pattern: "/api/v1/users", policy: PolicyAdmin, id: "listUsers", summary: "List accounts",
			handle: s.listUsers, query: pageParams, status: ok, resp: typeOf[List[*parley.User]]()},
		{method: "GET", pattern: "/api/v1/users/{id}", policy: PolicySelf, id: "getUser", summary: "Get an account",
			handle: s.getUser, status: ok, resp: typeOf[parley.User]()},
		{method: "PATCH", pattern: "/api/v1/users/{id}", policy: PolicyAdmin, id: "updateUser", summary: "Change an account's name, admin or disabled flag",
			handle: s.updateUser, body: typeOf[parley.UserUpdate](), status: ok, resp: typeOf[parley.User]()},
		{method: "GET", pattern: "/api/v1/users/{id}/memberships", policy: PolicySelf, id: "listMemberships", summary: "A user's grants on every track",
			handle: s.listMemberships, query: pageParams, status: ok, resp: typeOf[List[*parley.Member]]()},
	}
	routes = append(routes, s.profileRoutes()...)
	routes = append(routes, s.noteRoutes()...)
	routes = append(routes, s.proposalRoutes()...)
	routes = append(routes, s.improvementRoutes()...)
	routes = append(routes, s.textRoutes()...)
	routes = append(routes, s.exchangeRoutes()...)
	routes = append(routes, s.childRoutes()...)
	routes = append(routes, s.agreementRoutes()...)
	routes = append(routes, s.auditRoutes()...)
	return append(routes, s.deskRoutes()...) // pages_routes.go
}

// profileRoutes are the routes of sealed profiles, served when the store
// keeps them (parley.ProfileService). The store applies the audience check
// to every profile it returns; the route policies apply it first.
func (s *Server) profileRoutes() []route {
	if _, ok := s.store.(parley.ProfileService); !ok {
		return nil
	}
	const ok = http.StatusOK
	return []route{
		{method: "GET", pattern: "/api/v1/tracks/{id}/profiles", policy: PolicyTrackReader, scope: scopeTrack, id: "listProfiles", summary: "The latest version of every profile of the track that the caller may read",
			handle: s.listProfiles, query: pageParams, status: ok, resp: typeOf[List[*parley.Profile]]()},
		{method: "PUT", pattern: "/api/v1/tracks/{id}/profiles/{party_id}", policy: PolicyProfileEditor, id: "putProfile", summary: "Store a new version of a party's profile",
			handle: s.putProfile, body: typeOf[parley.ProfileContent](), status: ok, resp: typeOf[parley.Profile]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/profiles/{party_id}", policy: PolicyProfileReader, id: "getProfile", summary: "A party's sealed profile: its delegates and the mediators only",
			handle: s.getProfile, status: ok, resp: typeOf[parley.Profile]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/profiles/{party_id}/history", policy: PolicyProfileReader, id: "getProfileHistory", summary: "Every version of a party's profile, oldest first",
			handle: s.profileHistory, query: pageParams, status: ok, resp: typeOf[List[*parley.Profile]]()},
	}
}
