package negotiation

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecodeScenario: any input either fails with a "negotiation: " error
// or decodes to a scenario that compiles, survives an encode/decode round
// trip, and (when small) analyses without error.
func FuzzDecodeScenario(f *testing.F) {
	var b bytes.Buffer
	if err := EncodeScenario(&b, validScenario()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"name":"x","issues":[{"name":"A","options":["a","b"]}],"profiles":[{"name":"P","weights":{"A":1},"values":{"A":{"a":1}},"reservation":0.5},{"name":"Q","weights":{"A":1},"values":{"A":{"b":1}},"reservation":0,"red_lines":[{"kind":"forbid","issue":"A","option":"a"}]}]}`))
	f.Add([]byte(`{"name":"x","issues":[],"profiles":[]}`))
	f.Add([]byte(`{`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeScenario(bytes.NewReader(data))
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("negotiation: ")) {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		p, err := s.Compile()
		if err != nil {
			t.Fatalf("decoded scenario does not compile: %v", err)
		}
		var out bytes.Buffer
		if err := EncodeScenario(&out, s); err != nil {
			t.Fatal(err)
		}
		s2, err := DecodeScenario(&out)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if diff := cmp.Diff(s, s2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip:\n%s", diff)
		}
		if len(p.Parties) >= 2 && p.Size().IsInt64() && p.Size().Int64() <= 4096 {
			if _, err := p.Analyze(AnalyzeOptions{}); err != nil {
				t.Fatalf("analyze: %v", err)
			}
		}
	})
}
