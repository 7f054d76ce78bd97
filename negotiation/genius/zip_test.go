package genius

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
)

// zipOf is a zip of files (name → content), in the order given.
func zipOf(t testing.TB, files ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readZipBytes(b []byte) (*Domain, []*Profile, error) {
	return ReadZip(bytes.NewReader(b), int64(len(b)))
}

// TestZipANAC: every ANAC scenario under ../shared/domains, zipped as it
// lies (files at the root, and in a folder as NegMAS keeps them, with a
// pareto.xml and a README beside), reads as the files read one by one; and
// written by WriteZip in either layout it reads back the same, exactly.
func TestZipANAC(t *testing.T) {
	for _, sf := range listScenarios(t, fixture.GeniusDir(t)) {
		t.Run(filepath.Base(sf.dir), func(t *testing.T) {
			d, ps := load(t, sf)
			var files [][2]string
			for _, p := range append([]string{sf.domain}, sf.profiles...) {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, [2]string{filepath.Base(p), string(data)})
			}
			check := func(what string, gd *Domain, gps []*Profile, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				want := *d
				if want.Name == "" || want.Name == "root" {
					want.Name = gd.Name
				}
				if diff := cmp.Diff(&want, gd); diff != "" {
					t.Fatalf("%s: domain (-files +zip):\n%s", what, diff)
				}
				if diff := cmp.Diff(ps, gps, exactOpts, cmpopts.SortSlices(func(a, b *Profile) bool { return a.Name < b.Name }), cmpopts.IgnoreFields(Profile{}, "Omitted")); diff != "" {
					t.Fatalf("%s: profiles (-files +zip):\n%s", what, diff)
				}
			}
			gd, gps, err := readZipBytes(zipOf(t, files...))
			check("flat zip of the files", gd, gps, err)
			var inFolder [][2]string
			for _, f := range files {
				inFolder = append(inFolder, [2]string{"scenario/" + f[0], f[1]})
			}
			inFolder = append(inFolder, [2]string{"scenario/"}, [2]string{"scenario/x_pareto.xml", "0.5,0.5\n"}, [2]string{"scenario/README.txt", "hello"})
			gd, gps, err = readZipBytes(zipOf(t, inFolder...))
			check("folder zip of the files", gd, gps, err)

			for _, layout := range []string{LayoutGenius, LayoutNegMAS} {
				var b bytes.Buffer
				if err := WriteZip(&b, layout, d, ps); err != nil {
					t.Fatal(err)
				}
				gd, gps, err := readZipBytes(b.Bytes())
				check("WriteZip "+layout, gd, gps, err)
				if want := Scenario(d, ps); !cmp.Equal(want.Issues, Scenario(gd, gps).Issues) {
					t.Fatalf("WriteZip %s: the scenario's issues changed", layout)
				}
			}
		})
	}
}

// TestZipLayouts: the file names of each layout, and a Parley scenario
// with awkward names that round-trips through both.
func TestZipLayouts(t *testing.T) {
	s := &negotiation.Scenario{
		Name:   "Energy: talks / 2024",
		Issues: []negotiation.IssueSpec{{Name: "Ceasefire", Options: []string{"none", "30 days"}}},
		Profiles: []negotiation.ProfileSpec{
			{Name: "Україна", Weights: map[string]float64{"Ceasefire": 1}, Values: map[string]map[string]float64{"Ceasefire": {"none": 0, "30 days": 1}}, Reservation: 0.25},
			{Name: `A\B "party"`, Weights: map[string]float64{"Ceasefire": 1}, Values: map[string]map[string]float64{"Ceasefire": {"none": 1, "30 days": 0}}},
			{Name: `A/B "party"`, Weights: map[string]float64{"Ceasefire": 1}, Values: map[string]map[string]float64{"Ceasefire": {"none": 1, "30 days": 0.5}}},
		},
	}
	d, ps, err := FromScenario(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		layout string
		names  []string
	}{
		{LayoutGenius, []string{"Energy_ talks _ 2024_domain.xml", "Україна.xml", `A_B _party_.xml`, `A_B _party_ (2).xml`}},
		{LayoutNegMAS, []string{"Energy_ talks _ 2024/", "Energy_ talks _ 2024/Energy_ talks _ 2024_domain.xml", "Energy_ talks _ 2024/Україна.xml", `Energy_ talks _ 2024/A_B _party_.xml`, `Energy_ talks _ 2024/A_B _party_ (2).xml`}},
	} {
		var b bytes.Buffer
		if err := WriteZip(&b, tc.layout, d, ps); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if diff := cmp.Diff(tc.names, names); diff != "" {
			t.Errorf("%s: file names (-want +got):\n%s", tc.layout, diff)
		}
		gd, gps, err := readZipBytes(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		got := Scenario(gd, gps)
		if got.Name != "Energy: talks / 2024" || got.Profiles[2].Name != "Україна" || got.Profiles[2].Reservation != 0.25 {
			t.Errorf("%s: read back %q with profiles %q, %q, %q", tc.layout, got.Name, got.Profiles[0].Name, got.Profiles[1].Name, got.Profiles[2].Name)
		}
	}
	if err := WriteZip(&bytes.Buffer{}, "yaml", d, ps); err == nil {
		t.Error("WriteZip with an unknown layout: no error")
	}
}

// TestZipRefused: each bad archive is refused with an error naming the
// file in the archive, and nothing is returned.
func TestZipRefused(t *testing.T) {
	const domain = `<negotiation_template><utility_space><objective index="0" name="x"><issue index="1" name="a" type="discrete"><item index="1" value="p"/><item index="2" value="q"/></issue></objective></utility_space></negotiation_template>`
	const profile = `<utility_space><objective index="0"><issue index="1" name="a"><item index="1" value="p" evaluation="1"/><item index="2" value="q" evaluation="0"/></issue><weight index="1" value="1"/></objective></utility_space>`
	zeros := strings.Repeat("\x00", MaxZipFileBytes+1)
	// lying is a zip whose one file's header claims 100 bytes but which
	// expands to 20 MiB.
	lying := func() []byte {
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestCompression)
		big := make([]byte, 20<<20)
		fw.Write(big)
		fw.Close()
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "bomb.xml", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(big),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: 100})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
		zw.Close()
		return b.Bytes()
	}
	link := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		h := &zip.FileHeader{Name: "evil.xml"}
		h.SetMode(fs.ModeSymlink | 0o777)
		w, _ := zw.CreateHeader(h)
		w.Write([]byte("/etc/passwd"))
		zw.Close()
		return b.Bytes()
	}
	many := func() []byte {
		var files [][2]string
		for i := range MaxZipFiles + 1 {
			files = append(files, [2]string{strings.Repeat("a", i%50+1) + string(rune('a'+i/50)) + ".txt", ""})
		}
		return zipOf(t, files...)
	}
	for _, tc := range []struct {
		name string
		zip  []byte
		want string // in the error: the file and the problem
	}{
		{"not a zip", []byte("domain.xml,profile.xml"), "genius: zip: archive: not a zip archive"},
		{"empty", zipOf(t), "no domain file"},
		{"path traversal", zipOf(t, [2]string{"../evil.xml", domain}), `genius: ../evil.xml: zip: the path element ".."`},
		{"traversal inside", zipOf(t, [2]string{"a/../../evil.xml", domain}), `genius: a/../../evil.xml: zip: the path element ".."`},
		{"absolute path", zipOf(t, [2]string{"/etc/evil.xml", domain}), "genius: /etc/evil.xml: zip: an absolute path"},
		{"backslash", zipOf(t, [2]string{`..\evil.xml`, domain}), `genius: ..\evil.xml: zip: a backslash`},
		{"drive letter", zipOf(t, [2]string{"C:evil.xml", domain}), "genius: C:evil.xml: zip: a drive letter"},
		{"control character", zipOf(t, [2]string{"a\nb.xml", domain}), "a control character"},
		{"link", link(), "genius: evil.xml: zip: a link or special file"},
		{"two files of one name", zipOf(t, [2]string{"d.xml", domain}, [2]string{"d.xml", profile}), "genius: d.xml: zip: the archive holds two files"},
		{"too many files", many(), "257 files, more than the 256"},
		{"bomb, honest header", zipOf(t, [2]string{"d.xml", domain}, [2]string{"bomb.xml", zeros}), "genius: bomb.xml: zip: expands to 16777217 bytes, more than 16777216"},
		{"bomb, lying header", lying(), "genius: bomb.xml: zip: "},
		{"bombs in all", zipOf(t, [2]string{"a.xml", zeros[:MaxZipFileBytes]}, [2]string{"b.xml", zeros[:MaxZipFileBytes]}, [2]string{"c.xml", zeros[:MaxZipFileBytes]}, [2]string{"d.xml", zeros[:MaxZipFileBytes]}, [2]string{"e.xml", zeros[:MaxZipFileBytes]}), "genius: e.xml: zip: the files expand beyond 67108864 bytes in all"},
		{"no domain", zipOf(t, [2]string{"a.xml", profile}, [2]string{"b.xml", profile}), "genius: zip: archive: no domain file"},
		{"two domains", zipOf(t, [2]string{"a.xml", domain}, [2]string{"b.xml", domain}, [2]string{"c.xml", profile}), "genius: b.xml: <negotiation_template>: a second domain file (the first is a.xml)"},
		{"no profile", zipOf(t, [2]string{"x/d.xml", domain}, [2]string{"x/notes.txt", "no"}), "genius: zip: archive: no profile file (an XML file whose root is <utility_space>) beside the domain x/d.xml"},
		{"broken profile XML", zipOf(t, [2]string{"d.xml", domain}, [2]string{"North.xml", `<utility_space><objective>`}), "genius: North.xml: xml: "},
		{"broken domain XML", zipOf(t, [2]string{"d.xml", `<negotiation_template><utility_space>`}, [2]string{"North.xml", profile}), "genius: d.xml: xml: "},
		{"not GENIUS XML", zipOf(t, [2]string{"d.xml", domain}, [2]string{"North.xml", `<html><body/></html>`}), "genius: North.xml: <html>: root must be"},
		{"a profile of another domain", zipOf(t, [2]string{"d.xml", domain}, [2]string{"North.xml", strings.ReplaceAll(profile, `name="a"`, `name="b"`)}), "genius: North.xml: "},
		{"two folders", zipOf(t, [2]string{"a/d.xml", domain}, [2]string{"b/North.xml", profile}), "genius: zip: archive: XML files in 2 folders (a, b)"},
		{"too deep", zipOf(t, [2]string{"a/b/d.xml", domain}, [2]string{"a/b/North.xml", profile}), "genius: a/b: zip: a scenario's files lie at the archive's root or in one folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ps, err := readZipBytes(tc.zip)
			var ge *Error
			if err == nil || !errors.As(err, &ge) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a *genius.Error containing %q", err, tc.want)
			}
			if d != nil || ps != nil {
				t.Fatalf("refused, yet returned %v, %v", d, ps)
			}
		})
	}
	// The same files, well formed, are read.
	if _, ps, err := readZipBytes(zipOf(t, [2]string{"d.xml", domain}, [2]string{"North.xml", profile}, [2]string{"South.xml", profile})); err != nil || len(ps) != 2 || ps[0].Name != "North" {
		t.Fatalf("a good zip: %v, %d profiles", err, len(ps))
	}
}

// FuzzReadZip: no archive makes ReadZip panic, and what it reads
// round-trips.
func FuzzReadZip(f *testing.F) {
	f.Add(zipOf(f, [2]string{"d.xml", `<negotiation_template><utility_space><objective index="0"><issue index="1" name="a"><item index="1" value="p"/></issue></objective></utility_space></negotiation_template>`},
		[2]string{"p.xml", `<utility_space><objective index="0"><issue index="1" name="a"><item index="1" value="p" evaluation="1"/></issue><weight index="1" value="1"/></objective></utility_space>`}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, ps, err := readZipBytes(b)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteZip(&out, LayoutNegMAS, d, ps); err != nil {
			t.Fatalf("write what was read: %v", err)
		}
		if _, _, err := readZipBytes(out.Bytes()); err != nil {
			t.Fatalf("reread what was written: %v", err)
		}
	})
}
