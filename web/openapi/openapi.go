// Package openapi generates the OpenAPI 3.1 document of the JSON API from
// its route table (package api): paths and operations from the routes,
// parameters from the path patterns and the routes' query lists, and the
// schemas of request and response bodies from the Go types the handlers
// decode and encode, read through the same field reader (jsonfield) as
// the decoders. A member without omitempty is required in a request body
// and always present in a response. Every schema is closed
// (additionalProperties: false), as the decoder is; every enumerated
// string lists its values (enums, fieldSchemas).
//
// The document describes the API only: the desk's pages and their assets
// are not in it.
package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/internal/jsonfield"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

const openAPIVersion = "3.1.0"

// enums lists the values of the domain's string enumerations.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[parley.Status]():          stringsOf(parley.Statuses),
	reflect.TypeFor[parley.PartyRole]():       stringsOf(parley.PartyRoles),
	reflect.TypeFor[parley.PartyKind]():       stringsOf([]parley.PartyKind{parley.PartyState, parley.PartyOrganisation, parley.PartyDelegation}),
	reflect.TypeFor[parley.MeetingFormat]():   stringsOf([]parley.MeetingFormat{parley.FormatPlenary, parley.FormatCaucus, parley.FormatShuttle}),
	reflect.TypeFor[parley.MemberRole]():      stringsOf(parley.MemberRoles),
	reflect.TypeFor[parley.TimelineKind]():    stringsOf([]parley.TimelineKind{parley.TimelineTransition, parley.TimelineAgreement, parley.TimelineMeeting, parley.TimelineEvent}),
	reflect.TypeFor[parley.AgreementStatus](): stringsOf(parley.AgreementStatuses),
	reflect.TypeFor[parley.Finding]():         stringsOf(parley.Findings),
	reflect.TypeFor[parley.Reliability]():     stringsOf(parley.Reliabilities),
	reflect.TypeFor[parley.Recurrence]():      stringsOf([]parley.Recurrence{parley.RecurDaily, parley.RecurWeekly, parley.RecurMonthly, parley.RecurQuarterly}),
	reflect.TypeFor[parley.BallotOutcome]():   stringsOf([]parley.BallotOutcome{parley.BallotPending, parley.BallotAccepted, parley.BallotNotAccepted}),
	reflect.TypeFor[parley.ChildStage]():      stringsOf(parley.ChildStages),
	reflect.TypeFor[parley.NoteKind]():        stringsOf([]parley.NoteKind{parley.NoteMinutes, parley.NoteCaucus}),
	reflect.TypeFor[parley.ExchangeTerms]():   stringsOf([]parley.ExchangeTerms{parley.TermsAllForAll, parley.TermsNForN}),
	reflect.TypeFor[parley.PrisonerStatus]():  stringsOf([]parley.PrisonerStatus{parley.PrisonerMilitary, parley.PrisonerCivilian}),
	reflect.TypeFor[parley.ProposalStatus]():  stringsOf([]parley.ProposalStatus{parley.ProposalOpen, parley.ProposalWithdrawn, parley.ProposalSuperseded}),
	reflect.TypeFor[parley.ResponseKind]():    stringsOf([]parley.ResponseKind{parley.ResponseAccept, parley.ResponseReject, parley.ResponseCounter}),
	reflect.TypeFor[parley.ClauseStatus]():    stringsOf([]parley.ClauseStatus{parley.ClauseOpen, parley.ClauseBracketed, parley.ClauseAgreedAdReferendum, parley.ClauseAgreed, parley.ClauseDropped}),
	reflect.TypeFor[action.Answer]():          stringsOf(action.Answers),
}

// audienceSchema is an audience: the mediators, everyone on the track, or
// one party and the mediators ("party:<id>"). A pattern says it exactly;
// an enum cannot, for the party's id.
var audienceSchema = object{"type": "string", "pattern": "^(" + string(parley.AudienceMediators) + "|" + string(parley.AudiencePlenary) + "|party:[1-9][0-9]*)$",
	"description": "who may read the record: mediators, plenary (everyone on the track) or party:<id> (the party's delegates and the mediators)"}

// redLineKinds are the kinds of a red line.
var redLineKinds = object{"type": "string", "enum": []string{"forbid", "require", "rule", "min_utility"}}

// fieldSchemas overrides the schema of fields whose Go type says less than
// the domain does, by Go type name and JSON member.
var fieldSchemas = map[string]object{
	// The first transition of a track comes from no status.
	"Transition.from": {"description": "the status before; empty for a track's first status",
		"type": "string", "enum": append([]string{""}, stringsOf(parley.Statuses)...)},
	// The first transition of an agreement likewise.
	"AgreementTransition.from": {"description": "the status before; empty for an agreement's first status",
		"type": "string", "enum": append([]string{""}, stringsOf(parley.AgreementStatuses)...)},
	"RedLine.kind":         redLineKinds,
	"ClauseChange.kind":    {"type": "string", "enum": []string{"added", "removed", "changed", "unchanged"}},
	"Blocker.kind":         {"type": "string", "enum": []string{"red_line", "reservation"}},
	"ScenarioFiles.format": {"type": "string", "enum": []string{action.FormatParley, action.FormatGenius}},
	"PrisonersInput.csv":   csvSchema,
}

// The analysis's JSON has members that are null when nothing is accepted
// (the bargaining points, the zone's count when inexact, a blocker's
// points), and so has a simulation's.
func init() {
	point := object{"oneOf": []any{ref("NegotiationPoint"), object{"type": "null"}}}
	vector := object{"oneOf": []any{object{"type": "array", "items": object{"type": "number"}}, object{"type": "null"}}}
	for _, f := range []string{"nash", "kalai_smorodinsky", "utilitarian", "maximin"} {
		fieldSchemas["Report."+f] = point
		fieldSchemas["Blocker."+f] = vector
	}
	fieldSchemas["Zone.count"] = object{"oneOf": []any{object{"type": "string"}, object{"type": "null"}}}
	// The joint analysis's points are null when its zone is empty.
	jointPoint := object{"oneOf": []any{ref("JointJointPoint"), object{"type": "null"}}}
	fieldSchemas["JointReport.nash"], fieldSchemas["JointReport.kalai_smorodinsky"] = jointPoint, jointPoint
	fieldSchemas["JointTrackReport.nash"] = object{"oneOf": []any{ref("JointTrackPoint"), object{"type": "null"}}}
	fieldSchemas["JointZone.count"] = fieldSchemas["Zone.count"]
	fieldSchemas["JointBlocker.nash"] = vector
	// A simulation's agreement and distances are null without an agreement.
	number := object{"oneOf": []any{object{"type": "number"}, object{"type": "null"}}}
	fieldSchemas["Trace.agreement"] = object{"oneOf": []any{ref("TraceAgreement"), object{"type": "null"}}}
	fieldSchemas["Trace.distance_to_frontier"] = number
	fieldSchemas["Trace.distance_to_nash"] = number
}

// csvSchema is a CSV list: a body of text/csv, or the file of a page's
// upload form.
var csvSchema = object{"type": "string", "contentMediaType": "text/csv",
	"description": "a CSV list in UTF-8, one person a row, with a header row naming the columns " +
		strings.Join(exchange.Columns, ", ") + " in any order; name, born, status and captured are required, dates are YYYY-MM-DD"}

func stringsOf[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// schemaSet collects the named schemas of components/schemas.
type schemaSet struct {
	defs  map[string]any
	types map[string]reflect.Type
}

type object = map[string]any

func ref(name string) object { return object{"$ref": "#/components/schemas/" + name} }

// schema returns the schema of t, registering named structs and enums as
// components and referring to them.
func (ss *schemaSet) schema(t reflect.Type) (object, error) {
	if t.Kind() == reflect.Pointer {
		if t.Elem().Kind() == reflect.Pointer { // **T in an update: null clears
			s, err := ss.schema(t.Elem().Elem())
			if err != nil {
				return nil, err
			}
			return object{"oneOf": []any{s, object{"type": "null"}}}, nil
		}
		return ss.schema(t.Elem())
	}
	if t == reflect.TypeFor[time.Time]() {
		return object{"type": "string", "format": "date-time"}, nil
	}
	if t == reflect.TypeFor[parley.Audience]() {
		return ss.named(t, func() (object, error) { return audienceSchema, nil })
	}
	if vals, ok := enums[t]; ok {
		return ss.named(t, func() (object, error) { return object{"type": "string", "enum": vals}, nil })
	}
	if it, ok := listItemType(t); ok {
		items, err := ss.schema(it)
		if err != nil {
			return nil, err
		}
		return object{
			"type":                 "object",
			"required":             []string{"items", "total", "offset", "limit"},
			"additionalProperties": false,
			"properties": object{
				"items":  object{"type": "array", "items": items},
				"total":  object{"type": "integer", "minimum": 0},
				"offset": object{"type": "integer", "minimum": 0},
				"limit":  object{"type": "integer", "minimum": 1, "maximum": parley.MaxLimit},
			},
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return object{"type": "string"}, nil
	case reflect.Bool:
		return object{"type": "boolean"}, nil
	case reflect.Int64:
		return object{"type": "integer", "format": "int64"}, nil
	case reflect.Int:
		return object{"type": "integer"}, nil
	case reflect.Float64:
		return object{"type": "number"}, nil
	case reflect.Slice:
		items, err := ss.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return object{"type": "array", "items": items}, nil
	case reflect.Map:
		return object{"type": "object"}, nil
	case reflect.Struct:
		return ss.named(t, func() (object, error) { return ss.structSchema(t) })
	}
	return nil, fmt.Errorf("no schema for Go type %s", t)
}

// schemaNames names the schemas whose Go type's name would be ambiguous
// (Option is a word every client generator uses for its own optional
// values).
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[parley.Option](): "ThemeOption",
}

func (ss *schemaSet) named(t reflect.Type, build func() (object, error)) (object, error) {
	name, ok := schemaNames[t]
	if !ok {
		name = strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	}
	if strings.HasSuffix(t.PkgPath(), "/negotiation") {
		name = "Negotiation" + name // the analysis's own types: Report, RedLine…
	}
	if strings.HasSuffix(t.PkgPath(), "/negotiation/linked") {
		name = "Joint" + name // the joint analysis's: Report, Zone, Theme…
	}
	if prev, ok := ss.types[name]; ok {
		if prev != t {
			return nil, fmt.Errorf("schema name %s used by %s and %s", name, prev, t)
		}
		return ref(name), nil
	}
	ss.types[name] = t
	s, err := build()
	if err != nil {
		return nil, err
	}
	ss.defs[name] = s
	return ref(name), nil
}

// fieldKey names a struct in fieldSchemas' keys: its name, with the joint
// analysis's types prefixed as their schemas are ("JointReport").
func fieldKey(t reflect.Type) string {
	if strings.HasSuffix(t.PkgPath(), "/negotiation/linked") {
		return "Joint" + t.Name()
	}
	return t.Name()
}

func (ss *schemaSet) structSchema(t reflect.Type) (object, error) {
	props := object{}
	required := []string{}
	for _, f := range jsonfield.Of(t) {
		s, err := ss.schema(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		if o, ok := fieldSchemas[fieldKey(t)+"."+f.Name]; ok {
			s = o
		}
		props[f.Name] = s
		if !f.OmitEmpty {
			required = append(required, f.Name)
		}
	}
	s := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}

// listItemType reports whether t is the API's list envelope, List[T]
// (package api), and returns T.
func listItemType(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || !strings.HasSuffix(t.PkgPath(), "/web/api") || !strings.HasPrefix(t.Name(), "List[") {
		return nil, false
	}
	f, _ := t.FieldByName("Items")
	return f.Type.Elem(), true
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// tags describes the document's tags, in order: each operation's tag is
// the first segment of its path under /api/v1 (tagOf).
var tags = []struct{ name, description string }{
	{"service", "The server itself: health and this document"},
	{"sessions", "Signing in and out"},
	{"tokens", "API tokens of the caller"},
	{"calendar-feeds", "The caller's calendar feeds: secret URLs of the meetings of every track the caller sees"},
	{"calendar", "Calendar feeds (iCalendar) at their secret URLs, for calendar programs"},
	{"parties", "Parties to the talks, and their trust records"},
	{"venues", "Venues of meetings"},
	{"tracks", "Tracks: status history, themes, members, sealed profiles, proposals, ballots, texts, exchanges, children's return, agreements, analysis"},
	{"themes", "Themes of a track's agenda and their options"},
	{"members", "Grants of a role on a track"},
	{"invitations", "One-time links that invite a person to a role on a track, or to be a mediator"},
	{"meetings", "Meetings of a track and their sealed notes"},
	{"events", "Outside events linked to tracks"},
	{"links", "Links between tracks (package, sequence, condition) with their history, and the joint analysis of linked tracks"},
	{"users", "Accounts and their grants"},
	{"notes", "Sealed meeting notes"},
	{"proposals", "Proposals, responses, utilities and improvements"},
	{"packages", "Packages across linked tracks: a proposal per track, under each track's audience rules"},
	{"joint-texts", "Single negotiating texts across linked tracks: a text per track, under each track's audience rules"},
	{"ballots", "The mediators' proposals with secret answers"},
	{"ballot-packages", "Ballots across linked tracks: a ballot per track, under each track's rules"},
	{"texts", "Negotiating texts and their versions"},
	{"versions", "Versions of a text: clauses, diffs, exports"},
	{"exchanges", "Prisoner exchanges: sealed lists, matches, handovers, reconciliation"},
	{"matches", "Confirmed matches of two exchange lists"},
	{"children", "Children's return cases"},
	{"agreements", "Agreements and their implementation"},
	{"audit", "Proofs of the audit ledger"},
}

// Document builds the OpenAPI document of the API's routes.
func Document(routes []route.Route) ([]byte, error) {
	ss := &schemaSet{defs: map[string]any{}, types: map[string]reflect.Type{}}
	prob, err := ss.schema(reflect.TypeFor[problem.Problem]())
	if err != nil {
		return nil, err
	}
	paths := object{}
	used := map[string]bool{}
	for _, rt := range routes {
		op, err := operation(ss, rt)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.Method, rt.Pattern, err)
		}
		item, _ := paths[rt.Pattern].(object)
		if item == nil {
			item = object{}
			paths[rt.Pattern] = item
		}
		item[strings.ToLower(rt.Method)] = op
		used[tagOf(rt.Pattern)] = true
	}
	var tagList []any
	for _, t := range tags {
		if used[t.name] {
			tagList = append(tagList, object{"name": t.name, "description": t.description})
			delete(used, t.name)
		}
	}
	if len(used) > 0 {
		return nil, fmt.Errorf("operations tagged %v, which have no description", sortedKeys(used))
	}
	doc := object{
		"openapi": openAPIVersion,
		"info": object{
			"title":   "Parley API",
			"version": "1",
			"summary": "The map of second-track talks and their confidential work: parties, venues, tracks and their status history, themes, members, meetings and outside events; sealed profiles, proposals, ballots, texts, prisoner exchanges, children's return, agreements and the audit ledger.",
			"description": "Errors are application/problem+json documents (RFC 9457) whose `instance` is the request id " +
				"and whose extension member `field` names the offending input. Every route except /healthz, this document " +
				"and signing in (POST /api/v1/sessions) requires a session or bearer token; x-parley-policy names who may call " +
				"each route (public, signed_in, admin, self_or_admin, track_reader, track_editor, profile_reader, profile_editor). " +
				"A track the caller may not see answers 404, as a missing one does. Lists are paged with ?offset= and ?limit=.",
			"license": object{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"servers": []any{object{"url": "/", "description": "the server that serves this document"}},
		"tags":    tagList,
		"paths":   paths,
		"components": object{
			"schemas": ss.defs,
			"securitySchemes": object{
				"bearer": object{"type": "http", "scheme": "bearer",
					"description": "a session token from POST /api/v1/sessions, or an API token"},
				"cookie": object{"type": "apiKey", "in": "cookie", "name": authn.SessionCookieName,
					"description": "the browser's session; requests that change something also need the X-CSRF-Token header"},
			},
			"responses": object{
				"Problem": object{
					"description": "An error, as a problem document",
					"content":     object{problem.ContentType: object{"schema": prob}},
				},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func operation(ss *schemaSet, rt route.Route) (object, error) {
	op := object{
		"operationId":     rt.ID,
		"summary":         rt.Summary,
		"tags":            []string{tagOf(rt.Pattern)},
		"x-parley-policy": string(rt.Policy),
	}
	if rt.Policy == route.PolicyPublic {
		op["security"] = []any{}
	} else {
		op["security"] = []any{object{"bearer": []string{}}, object{"cookie": []string{}}}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
		params = append(params, object{"name": m[1], "in": "path", "required": true,
			"schema": object{"type": "integer", "format": "int64", "minimum": 1}})
	}
	for _, q := range rt.Query {
		params = append(params, object{"name": q.Name, "in": "query", "required": false, "description": q.Description, "schema": q.Schema})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.Body != nil {
		s, err := ss.schema(rt.Body)
		if err != nil {
			return nil, err
		}
		content := object{"application/json": object{"schema": s}}
		for _, m := range rt.Files {
			if m == "text/csv" {
				content[m] = object{"schema": csvSchema}
			} else {
				content[m] = object{"schema": object{"type": "string", "format": "binary"}}
			}
		}
		if rt.Multipart != nil {
			m, err := ss.schema(rt.Multipart)
			if err != nil {
				return nil, err
			}
			content["multipart/form-data"] = object{"schema": m, "encoding": multipartEncoding(rt.Multipart)}
		}
		op["requestBody"] = object{"required": true, "content": content}
	}
	ok := object{"description": http.StatusText(rt.Status)}
	if rt.Resp != nil {
		s, err := ss.schema(rt.Resp)
		if err != nil {
			return nil, err
		}
		ok["content"] = object{"application/json": object{"schema": s}}
	}
	if rt.Media != "" {
		content := object{}
		for _, m := range strings.Split(rt.Media, ", ") {
			if strings.HasPrefix(m, "text/") {
				content[m] = object{"schema": object{"type": "string"}}
			} else {
				content[m] = object{"schema": object{"type": "string", "format": "binary"}}
			}
		}
		ok["content"] = content
	}
	op["responses"] = object{
		fmt.Sprint(rt.Status): ok,
		"default":             object{"$ref": "#/components/responses/Problem"},
	}
	return op, nil
}

// tagOf groups operations by resource: /api/v1/tracks/{id}/themes → tracks;
// /healthz and /api/openapi.json → service.
func tagOf(pattern string) string {
	parts := strings.Split(strings.TrimPrefix(pattern, "/api/v1/"), "/")
	if strings.HasPrefix(pattern, "/api/v1/") {
		return parts[0]
	}
	return "service"
}

// multipartEncoding gives the media type of each file part of a multipart
// body: a field tagged `media:"…"`.
func multipartEncoding(t reflect.Type) object {
	enc := object{}
	for i := range t.NumField() {
		f := t.Field(i)
		if m := f.Tag.Get("media"); m != "" {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			enc[name] = object{"contentType": m}
		}
	}
	return enc
}
