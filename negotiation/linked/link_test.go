package linked

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley/negotiation"
)

func TestDecodeLinkRefuses(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"tracks":[]}`, "list the linked tracks"},
		{`{"tracks":[{"name":"A"}]}`, "tracks[0].scenario: missing"},
		{`{"tracks":[{"scenario":"a.json"},{"scenario":"./a.json"}]}`, "cannot be linked to itself"},
		{`{"tracks":[{"scenario":"a.json"}],"colour":1}`, `unknown field "colour"`},
		{`{"tracks":[{"scenario":"a.json"}]} {}`, "trailing data"},
		{`{"tracks":[{"scenario":"a.json"}],"weights":{"U":{"A":"x"}}}`, "cannot unmarshal"},
	}
	for _, c := range cases {
		_, err := DecodeLink(strings.NewReader(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.body, err, c.want)
		}
	}
}

func FuzzDecodeLink(f *testing.F) {
	f.Add([]byte(`{"name":"x","tracks":[{"name":"A","scenario":"a.json"},{"scenario":"b.json"}],"weights":{"U":{"A":0.5}}}`))
	f.Add([]byte(`{"tracks":[{"scenario":"a.json"},{"scenario":"a.json"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := DecodeLink(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(l.Tracks) == 0 || len(l.Tracks) > MaxTracks {
			t.Fatalf("accepted %d tracks", len(l.Tracks))
		}
		for _, tr := range l.Tracks {
			if tr.Scenario == "" {
				t.Fatal("accepted a track without a scenario")
			}
		}
	})
}

// writeLinkFiles writes the two tracks as scenario files and a link file in
// dir and returns the link file's path.
func writeLinkFiles(t *testing.T, dir string, link string) string {
	t.Helper()
	for name, s := range map[string]*negotiation.Scenario{"energy.json": energyScenario(), "prisoners.json": prisonersScenario()} {
		var b bytes.Buffer
		if err := negotiation.EncodeScenario(&b, s); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "link.json")
	if err := os.WriteFile(path, []byte(link), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadLink(t *testing.T) {
	dir := t.TempDir()
	path := writeLinkFiles(t, dir, `{"name":"Energy for prisoners","tracks":[{"scenario":"energy.json"},{"name":"P","scenario":"prisoners.json"}],
		"weights":{"U":{"Energy":0.3,"P":0.7},"R":{"Energy":0.8,"P":0.2}}}`)
	l, j, err := LoadLink(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "Energy for prisoners" || strings.Join(j.Tracks(), ",") != "Energy,P" {
		t.Errorf("loaded %q with tracks %v", l.Name, j.Tracks())
	}
	bad := writeLinkFiles(t, t.TempDir(), `{"tracks":[{"scenario":"energy.json"},{"scenario":"prisoners.json"}],"weights":{"U":{"Energy":0.3,"Grain":0.7}}}`)
	if _, _, err := LoadLink(bad); err == nil || !strings.Contains(err.Error(), `unknown track "Grain"`) {
		t.Errorf("unknown track: %v", err)
	}
}
