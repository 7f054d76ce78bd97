package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/parley-talks/parley/web/route"
)

// loadOpenAPI fetches the document the server serves and loads it with
// kin-openapi.
func loadOpenAPI(t *testing.T, h http.Handler) *openapi3.T {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatalf("load OpenAPI document: %v", err)
	}
	return doc
}

// TestOpenAPIValid validates the document with kin-openapi, which knows
// OpenAPI 3.1 (JSON Schema 2020-12 type arrays, const, examples…) since
// v0.13x. Validation covers the document's structure, every $ref, the
// schemas and the examples; kin-openapi does not check a 3.1 document
// against the official meta-schema, so that gap remains.
func TestOpenAPIValid(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, s)
	if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	ctx := openapi3.WithValidationOptions(context.Background(), openapi3.EnableSchemaFormatValidation(), openapi3.EnableSchemaPatternValidation())
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
}

// TestOpenAPIMatchesRoutes: every route of the API is documented, with its
// method and policy, every documented operation is a route of the API, and
// no page or asset is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, s)
	routes := s.APIRoutes()
	for _, rt := range s.Routes() {
		isAPI := slices.Contains(routes, rt)
		if item := doc.Paths.Value(rt.Pattern); !isAPI && item != nil && item.GetOperation(rt.Method) != nil {
			t.Errorf("page route %s %s is documented in the API's document", rt.Method, rt.Pattern)
		}
	}
	for _, rt := range routes {
		item := doc.Paths.Value(rt.Pattern)
		if item == nil {
			t.Errorf("route %s %s is not documented", rt.Method, rt.Pattern)
			continue
		}
		op := item.GetOperation(rt.Method)
		if op == nil {
			t.Errorf("route %s %s is not documented", rt.Method, rt.Pattern)
			continue
		}
		if op.Extensions["x-parley-policy"] != string(rt.Policy) {
			t.Errorf("%s %s: documented policy %v, want %s", rt.Method, rt.Pattern, op.Extensions["x-parley-policy"], rt.Policy)
		}
		for _, name := range pathParamRE.FindAllString(rt.Pattern, -1) {
			name = strings.Trim(name, "{}")
			if p := op.Parameters.GetByInAndName("path", name); p == nil {
				t.Errorf("%s %s: path parameter %s is not documented", rt.Method, rt.Pattern, name)
			}
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !slices.ContainsFunc(routes, func(rt route.Info) bool { return rt.Pattern == path && rt.Method == method }) {
				t.Errorf("documented %s %s is no route", method, path)
			}
		}
	}
	if len(doc.Paths.Map()) < 20 {
		t.Errorf("only %d paths documented", len(doc.Paths.Map()))
	}
}

// TestOpenAPIValidationBites makes sure the validation above is not
// vacuous: a dangling $ref and a wrong type are caught.
func TestOpenAPIValidationBites(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, breakIt := range []func(string) string{
		func(d string) string {
			return strings.Replace(d, `"#/components/schemas/Party"`, `"#/components/schemas/Nonesuch"`, 1)
		},
		func(d string) string { return strings.Replace(d, `"type": "boolean"`, `"type": "boolish"`, 1) },
	} {
		broken := breakIt(string(s.openapi))
		if broken == string(s.openapi) {
			t.Fatal("the mutation changed nothing")
		}
		doc, err := openapi3.NewLoader().LoadFromData([]byte(broken))
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err == nil {
			t.Errorf("a broken document passed validation")
		}
	}
}
