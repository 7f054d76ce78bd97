package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
)

// The OpenAPI 3.1 document is generated from the route table: paths and
// operations from the routes, parameters from the path patterns and the
// routes' query lists, and the schemas of request and response bodies from
// the Go types the handlers decode and encode, read through the same
// jsonFields as the decoder. A member without omitempty is required in a
// request body and always present in a response. Every schema is closed
// (additionalProperties: false), as the decoder is.

const openAPIVersion = "3.1.0"

// enums lists the values of the domain's string enumerations.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[parley.Status]():          stringsOf(parley.Statuses),
	reflect.TypeFor[parley.PartyRole]():       stringsOf(parley.PartyRoles),
	reflect.TypeFor[parley.PartyKind]():       {string(parley.PartyState), string(parley.PartyOrganisation), string(parley.PartyDelegation)},
	reflect.TypeFor[parley.MeetingFormat]():   {string(parley.FormatPlenary), string(parley.FormatCaucus), string(parley.FormatShuttle)},
	reflect.TypeFor[parley.MemberRole]():      {string(parley.MemberMediator), string(parley.MemberDelegate), string(parley.MemberObserver), string(parley.MemberVerifier)},
	reflect.TypeFor[parley.TimelineKind]():    {string(parley.TimelineTransition), string(parley.TimelineAgreement), string(parley.TimelineMeeting), string(parley.TimelineEvent)},
	reflect.TypeFor[parley.AgreementStatus](): stringsOf(parley.AgreementStatuses),
	reflect.TypeFor[parley.Finding]():         stringsOf(parley.Findings),
	reflect.TypeFor[parley.Reliability]():     stringsOf(parley.Reliabilities),
	reflect.TypeFor[parley.Recurrence]():      {string(parley.RecurDaily), string(parley.RecurWeekly), string(parley.RecurMonthly), string(parley.RecurQuarterly)},
}

// fieldSchemas overrides the schema of fields whose Go type says less than
// the domain does.
var fieldSchemas = map[string]object{
	// The first transition of a track comes from no status.
	"Transition.from": {"description": "the status before; empty for a track's first status",
		"oneOf": []any{ref("Status"), object{"const": ""}}},
	// The first transition of an agreement likewise.
	"AgreementTransition.from": {"description": "the status before; empty for an agreement's first status",
		"oneOf": []any{ref("AgreementStatus"), object{"const": ""}}},
	"listUploadForm.csv": csvSchema,
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
	if t == timeType {
		return object{"type": "string", "format": "date-time"}, nil
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

func (ss *schemaSet) named(t reflect.Type, build func() (object, error)) (object, error) {
	name := t.Name()
	name = strings.ToUpper(name[:1]) + name[1:]
	if strings.HasSuffix(t.PkgPath(), "/negotiation") {
		name = "Negotiation" + name // the analysis's own types: Report, RedLine…
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

func (ss *schemaSet) structSchema(t reflect.Type) (object, error) {
	props := object{}
	required := []string{}
	for _, f := range jsonFields(t) {
		s, err := ss.schema(f.typ)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.name, err)
		}
		if o, ok := fieldSchemas[t.Name()+"."+f.name]; ok {
			s = o
		}
		props[f.name] = s
		if !f.omitempty {
			required = append(required, f.name)
		}
	}
	s := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}

// listItemType reports whether t is a List[T] and returns T.
func listItemType(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeFor[Problem]().PkgPath() || !strings.HasPrefix(t.Name(), "List[") {
		return nil, false
	}
	f, _ := t.FieldByName("Items")
	return f.Type.Elem(), true
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPIDocument builds the document for routes.
func openAPIDocument(routes []route) ([]byte, error) {
	ss := &schemaSet{defs: map[string]any{}, types: map[string]reflect.Type{}}
	problem, err := ss.schema(reflect.TypeFor[Problem]())
	if err != nil {
		return nil, err
	}
	paths := object{}
	for _, rt := range routes {
		op, err := operation(ss, rt)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.method, rt.pattern, err)
		}
		item, _ := paths[rt.pattern].(object)
		if item == nil {
			item = object{}
			paths[rt.pattern] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	doc := object{
		"openapi": openAPIVersion,
		"info": object{
			"title":   "Parley API",
			"version": "1",
			"summary": "The map of second-track talks: parties, venues, tracks and their status history, themes, members, meetings and outside events.",
			"description": "Errors are application/problem+json documents (RFC 9457) whose `instance` is the request id " +
				"and whose extension member `field` names the offending input. Every route except /healthz, this document " +
				"and signing in (POST /api/v1/sessions) requires a session or bearer token; x-parley-policy names who may call " +
				"each route (public, signed_in, admin, self_or_admin, track_reader, track_editor, profile_reader, profile_editor). " +
				"A track the caller may not see answers 404, as a missing one does. Lists are paged with ?offset= and ?limit=.",
		},
		"paths": paths,
		"components": object{
			"schemas": ss.defs,
			"securitySchemes": object{
				"bearer": object{"type": "http", "scheme": "bearer",
					"description": "a session token from POST /api/v1/sessions, or an API token"},
				"cookie": object{"type": "apiKey", "in": "cookie", "name": SessionCookieName,
					"description": "the browser's session; requests that change something also need the X-CSRF-Token header"},
			},
			"responses": object{
				"Problem": object{
					"description": "An error, as a problem document",
					"content":     object{problemContentType: object{"schema": problem}},
				},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func operation(ss *schemaSet, rt route) (object, error) {
	op := object{
		"operationId":     rt.id,
		"summary":         rt.summary,
		"tags":            []string{tagOf(rt.pattern)},
		"x-parley-policy": string(rt.policy),
	}
	if rt.policy == PolicyPublic {
		op["security"] = []any{}
	} else {
		op["security"] = []any{object{"bearer": []string{}}, object{"cookie": []string{}}}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.pattern, -1) {
		params = append(params, object{"name": m[1], "in": "path", "required": true,
			"schema": object{"type": "integer", "format": "int64", "minimum": 1}})
	}
	for _, q := range rt.query {
		params = append(params, object{"name": q.name, "in": "query", "required": false, "description": q.description, "schema": q.schema})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.body != nil {
		s, err := ss.schema(rt.body)
		if err != nil {
			return nil, err
		}
		content := object{}
		switch {
		case rt.media != "" && rt.csv: // a page's file upload
			content["multipart/form-data"] = object{"schema": s}
		case rt.media != "":
			content["application/x-www-form-urlencoded"] = object{"schema": s} // pages post forms
		default:
			content["application/json"] = object{"schema": s}
		}
		if rt.csv && rt.media == "" {
			content["text/csv"] = object{"schema": csvSchema}
		}
		op["requestBody"] = object{"required": true, "content": content}
	}
	ok := object{"description": http.StatusText(rt.status)}
	if rt.resp != nil {
		s, err := ss.schema(rt.resp)
		if err != nil {
			return nil, err
		}
		ok["content"] = object{"application/json": object{"schema": s}}
	}
	if rt.media != "" {
		ok["content"] = object{rt.media: object{"schema": object{"type": "string"}}}
	}
	op["responses"] = object{
		fmt.Sprint(rt.status): ok,
		"default":             object{"$ref": "#/components/responses/Problem"},
	}
	return op, nil
}

// tagOf groups operations by resource: /api/v1/tracks/{id}/themes → tracks.
func tagOf(pattern string) string {
	parts := strings.Split(strings.TrimPrefix(pattern, "/api/v1/"), "/")
	if strings.HasPrefix(pattern, "/api/v1/") {
		return parts[0]
	}
	return "service"
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "openapi.json", time.Time{}, strings.NewReader(string(s.openapi)))
	return nil
}
