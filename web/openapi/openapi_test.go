package openapi_test

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/openapi"
)

// profileStore is a store, with profiles, that the document never calls.
type profileStore struct{ parley.Store }

func document(t *testing.T) map[string]any {
	t.Helper()
	var s profileStore
	routes := api.New(s, action.New(s, password.InsecureTestParams), nil, slog.New(slog.DiscardHandler)).Routes()
	b, err := openapi.Document(routes)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestEnums: every enumerated field of the API's bodies lists its values
// (an audience, whose party ids no list holds, its pattern).
func TestEnums(t *testing.T) {
	schemas := document(t)["components"].(map[string]any)["schemas"].(map[string]any)
	prop := func(schema, member string) map[string]any {
		s, ok := schemas[schema].(map[string]any)
		if !ok {
			t.Fatalf("no schema %s", schema)
		}
		p, ok := s["properties"].(map[string]any)[member].(map[string]any)
		if !ok {
			t.Fatalf("schema %s has no member %s", schema, member)
		}
		if ref, ok := p["$ref"].(string); ok {
			return schemas[ref[len("#/components/schemas/"):]].(map[string]any)
		}
		return p
	}
	for _, f := range []struct{ schema, member string }{
		{"Track", "status"}, {"TrackParty", "role"}, {"Party", "kind"}, {"Meeting", "format"}, {"Member", "role"},
		{"TimelineEntry", "kind"}, {"Transition", "from"}, {"Transition", "to"}, {"Agreement", "status"},
		{"AgreementTransition", "from"}, {"Report", "finding"}, {"Report", "reliability"}, {"Commitment", "recurrence"},
		{"Proposal", "status"}, {"ProposalResponse", "kind"}, {"Ballot", "outcome"}, {"MeetingNote", "kind"},
		{"Exchange", "terms"}, {"Prisoner", "status"}, {"ChildCase", "stage"}, {"ChildStep", "stage"},
		{"Clause", "status"}, {"ClauseChange", "kind"}, {"RedLine", "kind"}, {"AnswerInput", "answer"},
		{"ScenarioFiles", "format"}, {"NegotiationBlocker", "kind"},
	} {
		p := prop(f.schema, f.member)
		if vals, ok := p["enum"].([]any); !ok || len(vals) < 2 {
			t.Errorf("%s.%s lists no values: %v", f.schema, f.member, p)
		}
	}
	if p := prop("Proposal", "audience"); p["pattern"] == nil {
		t.Errorf("Proposal.audience has no pattern: %v", p)
	}
}

// TestDocumentDescribesTheAPI: servers, licence and a described tag for
// every operation; no page.
func TestDocumentDescribesTheAPI(t *testing.T) {
	doc := document(t)
	if servers, _ := doc["servers"].([]any); len(servers) == 0 {
		t.Error("no servers")
	}
	if lic, _ := doc["info"].(map[string]any)["license"].(map[string]any); lic == nil || lic["name"] != "Apache-2.0" || lic["identifier"] != "Apache-2.0" {
		t.Errorf("licence %v, want Apache-2.0 (the LICENSE file)", doc["info"].(map[string]any)["license"])
	}
	tags := map[string]bool{}
	for _, tg := range doc["tags"].([]any) {
		tg := tg.(map[string]any)
		if tg["description"] == "" {
			t.Errorf("tag %v has no description", tg["name"])
		}
		tags[tg["name"].(string)] = true
	}
	for path, item := range doc["paths"].(map[string]any) {
		if len(path) < 5 || (path[:5] != "/api/" && path != "/healthz" && path != "/readyz") {
			t.Errorf("%s is not the API's", path)
		}
		for method, op := range item.(map[string]any) {
			for _, tg := range op.(map[string]any)["tags"].([]any) {
				if !tags[tg.(string)] {
					t.Errorf("%s %s: tag %v is not described", method, path, tg)
				}
			}
		}
	}
}
