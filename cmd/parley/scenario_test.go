package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley/internal/analysiscmd"
	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation/genius"
)

// writeZip writes files (name in the zip → path on disk) as a zip at path.
func writeZip(t *testing.T, path string, files [][2]string) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		data, err := os.ReadFile(f[1])
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestScenarioCommand: an ANAC scenario from ../shared, zipped as NegMAS
// keeps it, is imported as a track, exported in both layouts (a file, and
// standard output) and put back; the zip analyses as its files do; bad
// zips and command lines are refused, naming the file.
func TestScenarioCommand(t *testing.T) {
	db := newDatabase(t)
	src := filepath.Join(fixture.GeniusDir(t), "y2010", "EnglandZimbabwe")
	dir := t.TempDir()
	in := filepath.Join(dir, "ez.zip")
	domain, england, zimbabwe := filepath.Join(src, "EnglandZimbabwe_domain.xml"), filepath.Join(src, "England.xml"), filepath.Join(src, "Zimbabwe.xml")
	writeZip(t, in, [][2]string{{"EnglandZimbabwe/EnglandZimbabwe_domain.xml", domain}, {"EnglandZimbabwe/England.xml", england}, {"EnglandZimbabwe/Zimbabwe.xml", zimbabwe}})

	// The zip analyses as the files do.
	code, fromFiles, errs := runWithStdin(t, "", "analyze", "--format", "json", domain, england, zimbabwe)
	if code != 0 {
		t.Fatalf("analyze the files: %d %s", code, errs)
	}
	code, fromZip, errs := runWithStdin(t, "", "analyze", "--format", "json", in)
	if code != 0 || fromZip != fromFiles {
		t.Fatalf("analyze the zip: %d %s; same report as the files: %v", code, errs, fromZip == fromFiles)
	}

	code, out, errs := runWithStdin(t, "", "scenario", "import", "--db", db, "--title", "England and Zimbabwe", in)
	if code != 0 || !strings.Contains(out, "Created track 1: England and Zimbabwe") || !strings.Contains(out, "England → party") || !strings.Contains(out, "(new)") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	want, err := genius.LoadFiles(domain, england, zimbabwe)
	if err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(dir, "out.zip")
	code, out, errs = runWithStdin(t, "", "scenario", "export", "--db", db, "--layout", "negmas", "-o", exported, "1")
	if code != 0 || out != "" || !strings.Contains(errs, "2 profile(s)") {
		t.Fatalf("export to a file: %d %q %q", code, out, errs)
	}
	got, err := analysiscmd.LoadScenarioZip(exported)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Issues) != len(want.Issues) || len(got.Profiles) != 2 || got.Profiles[0].Name != "England" || got.Profiles[1].Reservation != want.Profiles[1].Reservation {
		t.Errorf("exported: %d issues, profiles %+v", len(got.Issues), got.Profiles)
	}
	for k, p := range want.Profiles {
		for is, vals := range p.Values {
			for o, v := range vals {
				if g := got.Profiles[k].Values[is][o]; g != v {
					t.Fatalf("%s: %s=%s: %v exported, %v read", p.Name, is, o, g, v)
				}
			}
		}
	}
	code, out, _ = runWithStdin(t, "", "scenario", "export", "--db", db, "1")
	if code != 0 || !strings.HasPrefix(out, "PK") {
		t.Fatalf("export to stdout: %d, %d bytes", code, len(out))
	}
	if err := os.WriteFile(filepath.Join(dir, "stdout.zip"), []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runWithStdin(t, "", "scenario", "put", "--db", db, "1", filepath.Join(dir, "stdout.zip"))
	if code != 0 || !strings.Contains(out, "Stored England as party") || !strings.Contains(out, "version 2") {
		t.Fatalf("put: %d %q %q", code, out, errs)
	}

	// Refusals.
	bad := filepath.Join(dir, "bad.zip")
	writeZip(t, bad, [][2]string{{"../England.xml", england}})
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"scenario", "import", "--db", db, bad}, 1, `../England.xml: zip: the path element ".."`},
		{[]string{"scenario", "put", "--db", db, "1", domain}, 1, "not a zip archive"},
		{[]string{"scenario", "export", "--db", db, "7"}, 1, "not found"},
		{[]string{"scenario", "export", "--db", db, "--layout", "yaml", "1"}, 2, "unknown --layout"},
		{[]string{"scenario", "export", "--db", db, "one"}, 2, "TRACK-ID must be"},
		{[]string{"scenario", "unzip", "--db", db, "1"}, 2, "unknown subcommand"},
		{[]string{"scenario", "put", "--db", db, "1"}, 2, "takes 2 argument(s)"},
		{[]string{"analyze", bad}, 1, "../England.xml"},
	} {
		code, _, errs := runWithStdin(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: %d %q, want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}
