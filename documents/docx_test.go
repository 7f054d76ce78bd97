package documents

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/font/sfnt"
)

// docxFile is a DOCX read back: its parts by name.
type docxFile map[string][]byte

func readDOCX(t *testing.T, data []byte) docxFile {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f := docxFile{}
	for _, e := range z.File {
		rc, _ := e.Open()
		f[e.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return f
}

// docxPara is a paragraph of document.xml: its style, list numbering and
// text (w:br as a line break, w:tab as a tab).
type docxPara struct {
	Style string
	NumID string
	Text  string
}

// paragraphs reads document.xml's paragraphs in order, table cells among
// them with the style "cell".
func paragraphs(t *testing.T, doc []byte) []docxPara {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []docxPara
	var cur *docxPara
	inCell, inText := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			val := ""
			for _, a := range e.Attr {
				if a.Name.Local == "val" {
					val = a.Value
				}
			}
			switch e.Name.Local {
			case "tc":
				inCell = true
			case "p":
				cur = &docxPara{}
				if inCell {
					cur.Style = "cell"
				}
			case "pStyle":
				cur.Style = val
			case "numId":
				cur.NumID = val
			case "t":
				inText = true
			case "br":
				if cur != nil {
					cur.Text += "\n"
				}
			case "tab":
				cur.Text += "\t"
			}
		case xml.CharData:
			if inText {
				cur.Text += string(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inText = false
			case "tc":
				inCell = false
			case "p":
				out = append(out, *cur)
			}
		}
	}
}

func TestDOCXReadsBack(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	f := readDOCX(t, buf.Bytes())
	// Every part is well-formed XML, every relationship's target exists
	// and every part has a content type.
	types := string(f["[Content_Types].xml"])
	for name, data := range f {
		switch path.Ext(name) {
		case ".xml", ".rels":
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
		if name != "[Content_Types].xml" && !strings.Contains(types, `PartName="/`+name+`"`) && !strings.Contains(types, `Extension="`+strings.TrimPrefix(path.Ext(name), ".")+`"`) {
			t.Errorf("%s has no content type", name)
		}
		if strings.HasSuffix(name, ".rels") {
			var rels struct {
				Rel []struct {
					Target     string `xml:"Target,attr"`
					TargetMode string `xml:"TargetMode,attr"`
				} `xml:"Relationship"`
			}
			xml.Unmarshal(data, &rels)
			base := path.Dir(path.Dir(name))
			for _, r := range rels.Rel {
				if target := path.Join(base, r.Target); f[target] == nil {
					t.Errorf("%s points to %s, which is not in the file", name, target)
				}
			}
		}
	}
	got := paragraphs(t, f["word/document.xml"])
	want := []docxPara{
		{"Title", "", d.Title},
		{"Subtitle", "", d.Subtitle},
		{"Heading1", "", "Статус та історія"},
		{"", "", "Поточний статус: призупинено після подій у Курській області. Nothing is agreed until everything is agreed."},
		{"ListParagraph", "1", "10 травня 2024 р.: розпочато"},
		{"ListParagraph", "1", "18 червня 2024 р.: активний"},
		{"ListParagraph", "1", "7 серпня 2024 р.: призупинено"},
		{"Heading2", "", "Зустрічі"},
		{"cell", "", "Дата"}, {"cell", "", "Місце"}, {"cell", "", "Формат"},
		{"cell", "", "20.06.2024"}, {"cell", "", "Доха, Катар"}, {"cell", "", "кокус"},
		{"cell", "", "16.07.2024"}, {"cell", "", "Доха, Катар — готель з дуже довгою назвою, що не вміщується в один рядок клітинки"}, {"cell", "", "пленарне"},
		{"", "", ""},
		{"Heading1", "", "Текст"},
		{"ListParagraph", "2", "Сторони утримуються від ударів по енергетичній інфраструктурі."},
		{"ListParagraph", "2", "[30 днів] [безстроково з моніторингом] <to be named>"},
		{"", "", ""}, // the picture
		{"Caption", "", "Фронт Парето"},
		{"", "", ""}, // the plot, as a picture
		{"Caption", "", "Межа Парето і точки торгу"},
		{"Note", "", "Джерело: Parley. Ελληνικά: Παπαδόπουλος. ქართული: ბერიძე."},
		{"Heading3", "", "Σημειώσεις"},
	}
	if diff := cmp.Diff(want, got[:len(want)]); diff != "" {
		t.Errorf("paragraphs (-want +got):\n%s", diff)
	}
	for _, s := range []string{`<w:b/>`, `<w:i/>`, `<w:tblHeader/>`, `<a:blip r:embed="rIdImage1"/>`} {
		if !bytes.Contains(f["word/document.xml"], []byte(s)) {
			t.Errorf("document.xml has no %s", s)
		}
	}
	if !bytes.Contains(f["word/styles.xml"], []byte(`<w:lang w:val="uk" w:eastAsia="uk" w:bidi="uk"/>`)) {
		t.Error("the styles do not set the language")
	}
	if !bytes.Contains(f["docProps/core.xml"], []byte("<dc:language>uk</dc:language>")) {
		t.Error("the core properties do not state the language")
	}
	if !bytes.Contains(f["word/header1.xml"], []byte(d.Marking)) || !bytes.Contains(f["word/footer1.xml"], []byte(`w:instr=" PAGE "`)) {
		t.Error("no marking in the header or page number in the footer")
	}
	// The embedded fonts, their obfuscation undone with the key the font
	// table names, are the Go fonts.
	var table struct {
		Font struct {
			Name  string `xml:"name,attr"`
			Embed []struct {
				XMLName xml.Name
				ID      string `xml:"id,attr"`
				Key     string `xml:"fontKey,attr"`
			} `xml:",any"`
		} `xml:"font"`
	}
	if err := xml.Unmarshal(f["word/fontTable.xml"], &table); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range table.Font.Embed {
		if !strings.HasPrefix(e.XMLName.Local, "embed") {
			continue
		}
		n++
		file := f["word/fonts/font"+strings.TrimPrefix(e.ID, "rIdFont")+".odttf"]
		hexKey := strings.NewReplacer("{", "", "}", "", "-", "").Replace(e.Key)
		var key [16]byte
		for i := range key {
			var b byte
			for _, c := range hexKey[2*i : 2*i+2] {
				b = b<<4 | byte(strings.IndexRune("0123456789ABCDEF", c))
			}
			key[i] = b
		}
		font, err := sfnt.Parse(obfuscate(file, key))
		if err != nil {
			t.Fatalf("%s: %v", e.XMLName.Local, err)
		}
		if name, _ := font.Name(nil, sfnt.NameIDFamily); name != table.Font.Name {
			t.Errorf("%s: family %q, the table says %q", e.XMLName.Local, name, table.Font.Name)
		}
	}
	if n != 4 {
		t.Errorf("%d fonts embedded, want 4", n)
	}
}

// TestDOCXLibreOffice converts the file with LibreOffice, when
// PARLEY_TEST_LIBREOFFICE names its soffice, and reads the PDF it makes:
// the file opens, and LibreOffice draws the text with the embedded fonts.
func TestDOCXLibreOffice(t *testing.T) {
	soffice := os.Getenv("PARLEY_TEST_LIBREOFFICE")
	if soffice == "" {
		t.Skip("set PARLEY_TEST_LIBREOFFICE=/usr/bin/soffice (apt-get install libreoffice-writer-nogui) to convert the DOCX with LibreOffice")
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dir+"/sample.docx", buf.Bytes(), 0o600)
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+dir+"/profile", "--convert-to", "pdf", "--outdir", dir, dir+"/sample.docx")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	out, err := os.ReadFile(dir + "/sample.pdf")
	if err != nil {
		t.Fatalf("LibreOffice made no PDF: %v", err)
	}
	r, pages := readPDFFonts(t, out)
	if r < 3 {
		t.Errorf("LibreOffice laid the sample out on %d pages", r)
	}
	for _, f := range []string{"Go-Bold", "GoRegular", "Go-Italic"} {
		if !strings.Contains(pages, f) {
			t.Errorf("LibreOffice did not use the embedded font %s (fonts: %s)", f, pages)
		}
	}
}
