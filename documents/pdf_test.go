package documents

import (
	"bytes"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"rsc.io/pdf"
)

// pdfPage is one page read back: its text, line by line (each text
// object a line), and the fonts it uses.
type pdfPage struct {
	lines []string
	fonts map[string]pdf.Value
}

// readPDF parses a PDF with rsc.io/pdf — cross-reference table, objects,
// compressed streams — and turns each page's text back into characters
// through the fonts' ToUnicode maps (and the ActualText of a glyph the font
// lacks).
func readPDF(t *testing.T, data []byte) (*pdf.Reader, []pdfPage) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("rsc.io/pdf cannot read the file: %v", err)
	}
	var pages []pdfPage
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		fonts := map[string]pdf.Value{}
		maps := map[string]map[string]string{}
		fontDict := p.Resources().Key("Font")
		for _, name := range fontDict.Keys() {
			f := fontDict.Key(name)
			fonts[name] = f
			maps[name] = readCMap(t, f.Key("ToUnicode"))
		}
		content, err := io.ReadAll(p.V.Key("Contents").Reader())
		if err != nil {
			t.Fatalf("page %d: content: %v", i, err)
		}
		pages = append(pages, pdfPage{lines: pageLines(t, string(content), maps), fonts: fonts})
	}
	return r, pages
}

var (
	cmapEntry = regexp.MustCompile(`<([0-9A-F]{4})> <([0-9A-F]+)>`)
	contentOp = regexp.MustCompile(`/ActualText <FEFF([0-9A-F]*)>>> BDC <(?:0000)+> Tj EMC|<([0-9A-F]*)> Tj|/(F\d) [\d.]+ Tf|\bET\b`)
)

func readCMap(t *testing.T, v pdf.Value) map[string]string {
	data, err := io.ReadAll(v.Reader())
	if err != nil {
		t.Fatalf("ToUnicode: %v", err)
	}
	m := map[string]string{}
	for _, e := range cmapEntry.FindAllStringSubmatch(string(data), -1) {
		m[e[1]] = utf16Text(t, e[2])
	}
	return m
}

func utf16Text(t *testing.T, h string) string {
	b, err := hex.DecodeString(h)
	if err != nil || len(b)%2 != 0 {
		t.Fatalf("bad UTF-16 hex %q", h)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

func pageLines(t *testing.T, content string, maps map[string]map[string]string) []string {
	var lines []string
	var cur strings.Builder
	font := ""
	for _, m := range contentOp.FindAllStringSubmatch(content, -1) {
		switch {
		case m[3] != "":
			font = m[3]
		case m[0] == "ET":
			lines = append(lines, cur.String())
			cur.Reset()
		case strings.HasPrefix(m[0], "/ActualText"):
			cur.WriteString(utf16Text(t, m[1]))
		default:
			for i := 0; i+4 <= len(m[2]); i += 4 {
				s, ok := maps[font][m[2][i:i+4]]
				if !ok {
					t.Fatalf("glyph %s of %s has no ToUnicode entry", m[2][i:i+4], font)
				}
				cur.WriteString(s)
			}
		}
	}
	return lines
}

func allText(pages []pdfPage) string {
	var b strings.Builder
	for _, p := range pages {
		for _, l := range p.lines {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func TestPDFReadsBack(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	r, pages := readPDF(t, buf.Bytes())
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the sample to run over at least 3", len(pages))
	}
	trailer := r.Trailer()
	if got := trailer.Key("Info").Key("Title").Text(); got != d.Title {
		t.Errorf("Info Title = %q", got)
	}
	if got := trailer.Key("Root").Key("Lang").Text(); got != "uk" {
		t.Errorf("Lang = %q, want uk", got)
	}
	var outline []string
	var walk func(o pdf.Outline, depth int)
	walk = func(o pdf.Outline, depth int) {
		for _, c := range o.Child {
			outline = append(outline, strings.Repeat("  ", depth)+c.Title)
			walk(c, depth+1)
		}
	}
	walk(r.Outline(), 0)
	want := []string{"Статус та історія", "  Зустрічі", "Текст", "  Σημειώσεις"}
	if d := cmp.Diff(want, outline); d != "" {
		t.Errorf("bookmarks (-want +got):\n%s", d)
	}
	for i, p := range pages {
		if p.lines[0] != d.Marking {
			t.Errorf("page %d starts with %q, want the marking", i+1, p.lines[0])
		}
		if foot := p.lines[1]; foot != strconv.Itoa(i+1)+" / "+strconv.Itoa(len(pages)) {
			t.Errorf("page %d: footer %q", i+1, foot)
		}
		for name, f := range p.fonts {
			desc := f.Key("DescendantFonts").Index(0)
			if f.Key("Subtype").Name() != "Type0" || f.Key("Encoding").Name() != "Identity-H" || desc.Key("FontDescriptor").Key("FontFile2").Kind() != pdf.Stream {
				t.Errorf("page %d: font %s is not an embedded Type 0 font", i+1, name)
			}
		}
	}
	text := allText(pages)
	for _, s := range []string{
		d.Title, d.Subtitle, "Поточний статус: призупинено після подій у Курській області.",
		"10 травня 2024 р.: розпочато", "7 серпня 2024 р.: призупинено",
		"Дата", "Місце", "Формат", "Доха, Катар — готель з дуже довгою назвою,",
		"[30 днів] [безстроково з моніторингом] <to be named>", "Фронт Парето",
		"Ελληνικά: Παπαδόπουλος. ქართული: ბერიძე.", // Georgian through ActualText
		"Nash", "Kalai–Smorodinsky", "Україна", "Росія", "Межа Парето і точки торгу", // the plot's labels
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the text does not hold %q", s)
		}
	}
	// Nothing of the text is lost to line breaking.
	flat := strings.Join(strings.Fields(text), "")
	for _, b := range d.Blocks {
		if p, ok := b.(Paragraph); ok {
			for _, run := range p.Runs {
				if w := strings.Join(strings.Fields(run.Text), ""); !strings.Contains(flat, w) {
					t.Errorf("run %.40q is not in the text", run.Text)
				}
			}
		}
	}
	img := pages[0].fonts // the image is on the first page
	_ = img
	xo := r.Page(1).Resources().Key("XObject").Key("Im1")
	if xo.Key("Width").Int64() != 120 || xo.Key("Height").Int64() != 80 || xo.Key("ColorSpace").Name() != "DeviceRGB" {
		t.Errorf("image XObject %v", xo)
	}
	if u := d.Unsupported(); string(u) != "აბეთილრუქძ" {
		t.Errorf("Unsupported() = %q", string(u))
	}
	var again bytes.Buffer
	WritePDF(&again, d)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same document made different bytes")
	}
}

// TestPDFPoppler reads the file with poppler's pdftotext and pdfinfo, as
// a reader's viewer would, when they are installed (.ci/run installs
// them).
func TestPDFPoppler(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/sample.pdf"
	os.WriteFile(path, buf.Bytes(), 0o600)
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || bytes.Contains(info, []byte("Syntax Error")) || !bytes.Contains(info, []byte("Page size:       595.276 x 841.89 pts (A4)")) {
		t.Errorf("pdfinfo: %v\n%s", err, info)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, s := range []string{"Енергетичний мораторій — briefing pack", "Поточний статус: призупинено", "<to be named>", "Παπαδόπουλος", "ბერიძე"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("pdftotext does not find %q", s)
		}
	}
}

func TestWrap(t *testing.T) {
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	l := newLayout(fs)
	for _, tc := range []struct {
		text  string
		width float64
		want  []string
	}{
		{"one two three", 1000, []string{"one two three"}},
		{"one two three", l.fs[regular].width("one two", sizeBody) + 0.01, []string{"one two", "three"}},
		{"one two three", l.fs[regular].width("one two", sizeBody) - 0.01, []string{"one", "two", "three"}},
		{"first\nsecond  line", 1000, []string{"first", "second  line"}},
		{"abcdefgh", l.fs[regular].width("abc", sizeBody) + 0.01, []string{"abc", "def", "gh"}},
		{"", 100, []string{""}},
		{"   ", 100, []string{""}},
	} {
		var got []string
		for _, ln := range l.wrap([]Run{{Text: tc.text}}, sizeBody, tc.width) {
			var s string
			for _, seg := range ln.segs {
				s += seg.text
			}
			got = append(got, s)
			if ln.width > tc.width+1e-9 {
				t.Errorf("%q: a line of %v points in %v", tc.text, ln.width, tc.width)
			}
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("wrap(%q, %v) (-want +got):\n%s", tc.text, tc.width, d)
		}
	}
}

// FuzzWrap: wrapping never loses or reorders a letter and never makes a
// line wider than the width, unless one letter is wider.
func FuzzWrap(f *testing.F) {
	f.Add("Поточний статус: призупинено після подій", 80.0, true)
	f.Add("a\n\nb  c\td", 3.0, false)
	fs, err := loadFaces()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, width float64, bold bool) {
		if width < 1 || width > 1000 || width != width {
			return
		}
		l := newLayout(fs)
		var b strings.Builder
		for _, ln := range l.wrap([]Run{{Text: text, Bold: bold}}, sizeBody, width) {
			line := ""
			for _, s := range ln.segs {
				line += s.text
			}
			if ln.width > width+1e-9 && len([]rune(line)) > 1 {
				t.Fatalf("line %q is %v wide, more than %v", line, ln.width, width)
			}
			b.WriteString(line)
		}
		squash := func(s string) string {
			return strings.Join(strings.Fields(strings.ReplaceAll(s, "\t", "    ")), "")
		}
		if got, want := squash(b.String()), squash(strings.ToValidUTF8(text, "\uFFFD")); got != want {
			t.Fatalf("wrapped %q into %q", want, got)
		}
	})
}

// readPDFFonts is the page count of a PDF made by another program and the
// names of its fonts.
func readPDFFonts(t *testing.T, data []byte) (int, string) {
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := 1; i <= r.NumPage(); i++ {
		fonts := r.Page(i).Resources().Key("Font")
		for _, k := range fonts.Keys() {
			names = append(names, fonts.Key(k).Key("BaseFont").Name())
		}
	}
	return r.NumPage(), strings.Join(names, " ")
}
