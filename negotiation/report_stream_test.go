package negotiation

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestWriteJSON: a lazy report streamed by WriteJSON is byte for byte the
// eager report as a json.Encoder writes it, and FrontierEntry agrees with
// Frontier.
func TestWriteJSON(t *testing.T) {
	for _, s := range []*Scenario{Generate(1, 2, 5, 4), Generate(2, 3, 4, 4), validScenario()} {
		p, err := s.Compile()
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Parties) < 2 {
			continue
		}
		eager, err := p.Analyze(AnalyzeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		lazy, err := p.Analyze(AnalyzeOptions{LazyFrontier: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(lazy.Frontier) != 0 || lazy.FrontierLen() != len(eager.Frontier) {
			t.Fatalf("lazy report holds %d entries, reports %d; eager %d", len(lazy.Frontier), lazy.FrontierLen(), len(eager.Frontier))
		}
		var want, got, eagerStream bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(eager); err != nil {
			t.Fatal(err)
		}
		if err := lazy.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if err := eager.WriteJSON(&eagerStream); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() || eagerStream.String() != want.String() {
			t.Fatalf("streamed JSON differs:\n%s\nwant:\n%s", got.String(), want.String())
		}
	}
}
