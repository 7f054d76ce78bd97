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
	id      string // OpenAPI operationId
	summary string
	handle  handlerFunc

	query  []queryParam // documented query parameters
	body   reflect.Type // request body; nil if none
	status int          // status on success
	resp   reflect.Type // response body on success; nil if none
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
	return []route{
		{method: "GET", pattern: "/healthz", policy: PolicyPublic, id: "health", summary: "Check that the server and its store answer",
			handle: s.health, status: ok, resp: typeOf[health]()},
		{method: "GET", pattern: "/api/openapi.json", policy: PolicyPublic, id: "openapi", summary: "This OpenAPI document",
			handle: s.serveOpenAPI, status: ok, resp: typeOf[map[string]any]()},

		{method: "GET", pattern: "/api/v1/parties", policy: PolicyMember, id: "listParties", summary: "List parties",
			handle: s.listParties, query: pageParams, status: ok, resp: typeOf[List[*parley.Party]]()},
		{method: "POST", pattern: "/api/v1/parties", policy: PolicyMember, id: "createParty", summary: "Create a party",
			handle: s.createParty, body: typeOf[partyInput](), status: created, resp: typeOf[parley.Party]()},
		{method: "GET", pattern: "/api/v1/parties/{id}", policy: PolicyMember, id: "getParty", summary: "Get a party",
			handle: s.getParty, status: ok, resp: typeOf[parley.Party]()},
		{method: "PATCH", pattern: "/api/v1/parties/{id}", policy: PolicyMember, id: "updateParty", summary: "Change a party",
			handle: s.updateParty, body: typeOf[parley.PartyUpdate](), status: ok, resp: typeOf[parley.Party]()},

		{method: "GET", pattern: "/api/v1/venues", policy: PolicyMember, id: "listVenues", summary: "List venues",
			handle: s.listVenues, query: pageParams, status: ok, resp: typeOf[List[*parley.Venue]]()},
		{method: "POST", pattern: "/api/v1/venues", policy: PolicyMember, id: "createVenue", summary: "Create a venue",
			handle: s.createVenue, body: typeOf[venueInput](), status: created, resp: typeOf[parley.Venue]()},
		{method: "GET", pattern: "/api/v1/venues/{id}", policy: PolicyMember, id: "getVenue", summary: "Get a venue",
			handle: s.getVenue, status: ok, resp: typeOf[parley.Venue]()},
		{method: "PATCH", pattern: "/api/v1/venues/{id}", policy: PolicyMember, id: "updateVenue", summary: "Change a venue",
			handle: s.updateVenue, body: typeOf[parley.VenueUpdate](), status: ok, resp: typeOf[parley.Venue]()},

		{method: "GET", pattern: "/api/v1/tracks", policy: PolicyMember, id: "listTracks", summary: "List tracks, optionally by status",
			handle: s.listTracks, query: withPage(statusParam), status: ok, resp: typeOf[List[*parley.Track]]()},
		{method: "POST", pattern: "/api/v1/tracks", policy: PolicyMember, id: "createTrack", summary: "Create a track",
			handle: s.createTrack, body: typeOf[trackInput](), status: created, resp: typeOf[parley.Track]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}", policy: PolicyMember, id: "getTrack", summary: "Get a track with its parties, venues and themes",
			handle: s.getTrack, status: ok, resp: typeOf[parley.Track]()},
		{method: "PATCH", pattern: "/api/v1/tracks/{id}", policy: PolicyMember, id: "updateTrack", summary: "Change a track (not its status: see transitions)",
			handle: s.updateTrack, body: typeOf[parley.TrackUpdate](), status: ok, resp: typeOf[parley.Track]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/transitions", policy: PolicyMember, id: "listTransitions", summary: "A track's status history, oldest first",
			handle: s.listTransitions, query: pageParams, status: ok, resp: typeOf[List[*parley.Transition]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/transitions", policy: PolicyMember, id: "transitionTrack", summary: "Move a track to a new status",
			handle: s.transitionTrack, body: typeOf[parley.TransitionRequest](), status: created, resp: typeOf[parley.Transition]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/timeline", policy: PolicyMember, id: "getTimeline", summary: "A track's transitions, meetings and events in time order",
			handle: s.timeline, query: pageParams, status: ok, resp: typeOf[List[*parley.TimelineEntry]]()},

		{method: "GET", pattern: "/api/v1/tracks/{id}/themes", policy: PolicyMember, id: "listThemes", summary: "A track's themes in agenda order",
			handle: s.listThemes, query: pageParams, status: ok, resp: typeOf[List[*parley.Theme]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/themes", policy: PolicyMember, id: "createTheme", summary: "Add a theme to a track's agenda",
			handle: s.createTheme, body: typeOf[themeInput](), status: created, resp: typeOf[parley.Theme]()},
		{method: "GET", pattern: "/api/v1/themes/{id}", policy: PolicyMember, id: "getTheme", summary: "Get a theme with its options",
			handle: s.getTheme, status: ok, resp: typeOf[parley.Theme]()},
		{method: "PATCH", pattern: "/api/v1/themes/{id}", policy: PolicyMember, id: "updateTheme", summary: "Change a theme",
			handle: s.updateTheme, body: typeOf[parley.ThemeUpdate](), status: ok, resp: typeOf[parley.Theme]()},

		{method: "GET", pattern: "/api/v1/tracks/{id}/members", policy: PolicyMember, id: "listMembers", summary: "A track's members",
			handle: s.listMembers, query: pageParams, status: ok, resp: typeOf[List[*parley.Member]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/members", policy: PolicyMember, id: "createMember", summary: "Grant a user a role on a track",
			handle: s.createMember, body: typeOf[memberInput](), status: created, resp: typeOf[parley.Member]()},
		{method: "GET", pattern: "/api/v1/members/{id}", policy: PolicyMember, id: "getMember", summary: "Get a membership",
			handle: s.getMember, status: ok, resp: typeOf[parley.Member]()},
		{method: "PATCH", pattern: "/api/v1/members/{id}", policy: PolicyMember, id: "updateMember", summary: "Change a member's role or party",
			handle: s.updateMember, body: typeOf[parley.MemberUpdate](), status: ok, resp: typeOf[parley.Member]()},
		{method: "DELETE", pattern: "/api/v1/members/{id}", policy: PolicyMember, id: "deleteMember", summary: "Revoke a membership",
			handle: s.deleteMember, status: noContent},

		{method: "GET", pattern: "/api/v1/meetings", policy: PolicyMember, id: "listMeetings", summary: "List meetings, optionally of one track or venue",
			handle: s.listMeetings, query: withPage(trackIDParam, venueIDParam), status: ok, resp: typeOf[List[*parley.Meeting]]()},
		{method: "POST", pattern: "/api/v1/meetings", policy: PolicyMember, id: "createMeeting", summary: "Record a meeting",
			handle: s.createMeeting, body: typeOf[meetingInput](), status: created, resp: typeOf[parley.Meeting]()},
		{method: "GET", pattern: "/api/v1/meetings/{id}", policy: PolicyMember, id: "getMeeting", summary: "Get a meeting with its attendees",
			handle: s.getMeeting, status: ok, resp: typeOf[parley.Meeting]()},
		{method: "PATCH", pattern: "/api/v1/meetings/{id}", policy: PolicyMember, id: "updateMeeting", summary: "Change a meeting (null clears venue_id or ends_at)",
			handle: s.updateMeeting, body: typeOf[parley.MeetingUpdate](), status: ok, resp: typeOf[parley.Meeting]()},

		{method: "GET", pattern: "/api/v1/events", policy: PolicyMember, id: "listEvents", summary: "List outside events, optionally linked to one track",
			handle: s.listEvents, query: withPage(trackIDParam), status: ok, resp: typeOf[List[*parley.Event]]()},
		{method: "POST", pattern: "/api/v1/events", policy: PolicyMember, id: "createEvent", summary: "Record an outside event",
			handle: s.createEvent, body: typeOf[eventInput](), status: created, resp: typeOf[parley.Event]()},
		{method: "GET", pattern: "/api/v1/events/{id}", policy: PolicyMember, id: "getEvent", summary: "Get an event",
			handle: s.getEvent, status: ok, resp: typeOf[parley.Event]()},
		{method: "PATCH", pattern: "/api/v1/events/{id}", policy: PolicyMember, id: "updateEvent", summary: "Change an event",
			handle: s.updateEvent, body: typeOf[parley.EventUpdate](), status: ok, resp: typeOf[parley.Event]()},

		{method: "GET", pattern: "/api/v1/users", policy: PolicyMember, id: "listUsers", summary: "List accounts",
			handle: s.listUsers, query: pageParams, status: ok, resp: typeOf[List[*parley.User]]()},
		{method: "GET", pattern: "/api/v1/users/{id}", policy: PolicyMember, id: "getUser", summary: "Get an account",
			handle: s.getUser, status: ok, resp: typeOf[parley.User]()},
		{method: "PATCH", pattern: "/api/v1/users/{id}", policy: PolicyMember, id: "updateUser", summary: "Change an account's name, admin or disabled flag",
			handle: s.updateUser, body: typeOf[parley.UserUpdate](), status: ok, resp: typeOf[parley.User]()},
		{method: "GET", pattern: "/api/v1/users/{id}/memberships", policy: PolicyMember, id: "listMemberships", summary: "A user's grants on every track",
			handle: s.listMemberships, query: pageParams, status: ok, resp: typeOf[List[*parley.Member]]()},
	}
}
