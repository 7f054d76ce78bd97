package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley/negotiation/linked"
)

// Two tracks, neither with a zone alone, that a link opens.
const (
	energyTrack = `{"name":"Energy moratorium","issues":[{"name":"Strikes on energy","options":["continue","partial halt","halt"]},{"name":"Duration","options":["30 days","90 days","open-ended"]}],
"profiles":[
{"name":"Ukraine","weights":{"Strikes on energy":0.8,"Duration":0.2},"values":{"Strikes on energy":{"partial halt":0.5,"halt":1},"Duration":{"30 days":0.2,"90 days":0.6,"open-ended":1}},"reservation":0.6},
{"name":"Russia","weights":{"Strikes on energy":0.7,"Duration":0.3},"values":{"Strikes on energy":{"continue":1,"partial halt":0.5,"halt":0.2},"Duration":{"30 days":1,"90 days":0.5,"open-ended":0}},"reservation":0.55,"red_lines":[{"kind":"forbid","issue":"Duration","option":"open-ended"}]}]}`
	prisonersTrack = `{"name":"Prisoner exchanges","issues":[{"name":"Exchange","options":["none","partial","all for all"]},{"name":"Civilians","options":["excluded","included"]}],
"profiles":[
{"name":"Ukraine","weights":{"Exchange":0.7,"Civilians":0.3},"values":{"Exchange":{"none":0,"partial":0.5,"all for all":1},"Civilians":{"included":1}},"reservation":0.5},
{"name":"Russia","weights":{"Exchange":0.6,"Civilians":0.4},"values":{"Exchange":{"none":1,"partial":0.6,"all for all":0.2},"Civilians":{"excluded":1,"included":0.3}},"reservation":0.6}]}`
	goodLink = `{"name":"Energy for prisoners","tracks":[{"scenario":"energy.json"},{"scenario":"prisoners.json"}],
"weights":{"Ukraine":{"Energy moratorium":0.3,"Prisoner exchanges":0.7},"Russia":{"Energy moratorium":0.8,"Prisoner exchanges":0.2}}}`
)

// linkDir writes the two tracks and the given link files into a new
// directory and returns it.
func linkDir(t *testing.T, links map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"energy.json": energyTrack, "prisoners.json": prisonersTrack}
	for k, v := range links {
		files[k] = v
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAnalyzeLinkText(t *testing.T) {
	dir := linkDir(t, map[string]string{"link.json": goodLink})
	code, out, errOut := runCLI(t, "analyze", "--link", filepath.Join(dir, "link.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Link: Energy for prisoners",
		"Packages: 54 jointly",
		"Energy moratorium: no agreement",
		"Prisoner exchanges: no agreement",
		"Nash               (0.712, 0.848)",
		"Joint zone: 5 joint packages (exact), 3 of them on the frontier",
		"Linking opens: Energy moratorium, Prisoner exchanges",
		"Ukraine: 0.712 linked, 0.530 alone, +0.182",
		"Energy moratorium: Strikes on energy = continue — Ukraine 0.240",
		"Prisoner exchanges: Exchange = all for all — Russia 0.096",
		"Ukraine gives on Energy moratorium: Strikes on energy, Energy moratorium: Duration to Russia, for Prisoner exchanges: Exchange, Prisoner exchanges: Civilians (across tracks)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestAnalyzeLinkJSON: the CLI's JSON is the library's report, and the
// what-ifs are the library's.
func TestAnalyzeLinkJSON(t *testing.T) {
	dir := linkDir(t, map[string]string{"link.json": goodLink})
	path := filepath.Join(dir, "link.json")
	_, j, err := linked.LoadLink(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err = j.WithWeight("Ukraine", "Energy moratorium", 0.7)
	if err != nil {
		t.Fatal(err)
	}
	want, err := j.Analyze(context.Background(), linked.Options{Zone: true, Blockers: true})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "analyze", "--format", "json", "--weight", "Ukraine:Energy moratorium=0.7", "--link", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got linked.Report
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("CLI and library differ (-library +cli):\n%s", diff)
	}
	if got.Weights[0][0] != 0.5 {
		t.Errorf("Ukraine's weights 0.7 and 0.7 normalise to 0.5, got %v", got.Weights[0])
	}
	code, out, _ = runCLI(t, "analyze", "--format", "json", "--unlink", "Prisoner exchanges", "--link", path)
	if code != 0 || !strings.Contains(out, `"packages": "9"`) {
		t.Errorf("unlink: exit %d, %s", code, out)
	}
}

func TestAnalyzeLinkBadInput(t *testing.T) {
	dir := linkDir(t, map[string]string{
		"self.json":     `{"tracks":[{"scenario":"energy.json"},{"scenario":"energy.json"}],"weights":{}}`,
		"samename.json": `{"tracks":[{"name":"A","scenario":"energy.json"},{"name":"A","scenario":"prisoners.json"}],"weights":{}}`,
		"negative.json": `{"tracks":[{"scenario":"energy.json"},{"scenario":"prisoners.json"}],"weights":{"Ukraine":{"Energy moratorium":-1,"Prisoner exchanges":1},"Russia":{"Energy moratorium":1}}}`,
		"zero.json":     `{"tracks":[{"scenario":"energy.json"},{"scenario":"prisoners.json"}],"weights":{"Ukraine":{"Energy moratorium":0,"Prisoner exchanges":0},"Russia":{"Energy moratorium":1}}}`,
		"party.json":    `{"tracks":[{"scenario":"energy.json"},{"scenario":"prisoners.json"}],"weights":{"Belarus":{"Energy moratorium":1}}}`,
		"track.json":    `{"tracks":[{"scenario":"energy.json"},{"scenario":"prisoners.json"}],"weights":{"Ukraine":{"Grain corridor":1}}}`,
		"missing.json":  `{"tracks":[{"scenario":"energy.json"},{"scenario":"nope.json"}],"weights":{}}`,
		"link.json":     goodLink,
	})
	at := func(name string) string { return filepath.Join(dir, name) }
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"self link", []string{"--link", at("self.json")}, 1, "a track cannot be linked to itself"},
		{"same track name", []string{"--link", at("samename.json")}, 1, `track "A" is linked to itself`},
		{"negative weight", []string{"--link", at("negative.json")}, 1, `the weight of track "Energy moratorium" must be a finite number ≥ 0`},
		{"all zero", []string{"--link", at("zero.json")}, 1, `weights of "Ukraine" are all zero`},
		{"unknown party", []string{"--link", at("party.json")}, 1, `unknown party "Belarus"`},
		{"unknown track", []string{"--link", at("track.json")}, 1, `unknown track "Grain corridor"`},
		{"missing scenario", []string{"--link", at("missing.json")}, 1, "nope.json"},
		{"bad weight flag", []string{"--weight", "Ukraine=0.5", "--link", at("link.json")}, 2, "want PARTY:TRACK=W"},
		{"weight on unknown track", []string{"--weight", "Ukraine:Grain=0.5", "--link", at("link.json")}, 1, `unknown track "Grain"`},
		{"unlink unknown", []string{"--unlink", "Grain", "--link", at("link.json")}, 1, `unknown track "Grain"`},
		{"unlink without link", []string{"--unlink", "Grain", at("energy.json")}, 2, "need --link"},
		{"link and scenario", []string{"--link", at("link.json"), at("energy.json")}, 2, "takes no scenario files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"analyze"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty on error: %q", out)
			}
			if !strings.Contains(errOut, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, errOut)
			}
		})
	}
}
