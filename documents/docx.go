package documents

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"image/png"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Page geometry of a DOCX, in twentieths of a point: A4 with margins of
// 2 cm at the sides and 2.5 cm at the top and bottom.
const (
	docxPageWidth  = 11906
	docxPageHeight = 16838
	docxMarginSide = 1134
	docxMarginTop  = 1418
	docxTextWidth  = docxPageWidth - 2*docxMarginSide
	emuPerTwip     = 635 // English Metric Units per twentieth of a point
)

// zipTime is the time written into every part, so the same document makes
// the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteDOCX writes the document as a Word file.
func WriteDOCX(w io.Writer, d *Document) error {
	fs, err := loadFaces()
	if err != nil {
		return err
	}
	x := &docxWriter{doc: d}
	x.body()
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", x.contentTypes()},
		{"_rels/.rels", rels(
			rel{"rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "word/document.xml"},
			rel{"rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"},
			rel{"rId3", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "docProps/app.xml"})},
		{"docProps/core.xml", x.core()},
		{"docProps/app.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Parley</Application></Properties>`},
		{"word/document.xml", x.document()},
		{"word/_rels/document.xml.rels", x.documentRels()},
		{"word/styles.xml", x.styles()},
		{"word/settings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<w:settings xmlns:w="` + nsW + `"><w:embedTrueTypeFonts/><w:defaultTabStop w:val="708"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`},
		{"word/numbering.xml", x.numbering()},
		{"word/header1.xml", x.header()},
		{"word/footer1.xml", x.footer()},
	}
	fontTable, fontRels, fonts := x.fonts(fs)
	parts = append(parts, struct{ name, body string }{"word/fontTable.xml", fontTable},
		struct{ name, body string }{"word/_rels/fontTable.xml.rels", fontRels})
	z := zip.NewWriter(w)
	add := func(name string, body []byte, method uint16) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	for _, p := range parts {
		if err := add(p.name, []byte(p.body), zip.Deflate); err != nil {
			return err
		}
	}
	for i, f := range fonts {
		if err := add(fmt.Sprintf("word/fonts/font%d.odttf", i+1), f, zip.Deflate); err != nil {
			return err
		}
	}
	for i, img := range x.images {
		if err := add(fmt.Sprintf("word/media/image%d.png", i+1), img, zip.Store); err != nil {
			return err
		}
	}
	return z.Close()
}

const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsWP  = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
	nsA   = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsPic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
)

type docxWriter struct {
	doc      *Document
	b        strings.Builder // the body
	images   [][]byte        // PNG files, in order
	imageIDs []string
	lists    []List // numbered lists, each its own w:num
}

type rel struct{ id, kind, target string }

func rels(rs ...rel) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for _, r := range rs {
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"/>`, r.id, r.kind, r.target)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func (x *docxWriter) contentTypes() string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="png" ContentType="image/png"/>` +
		`<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
		`<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>` +
		`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
		`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
		`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
		`</Types>`
}

func (x *docxWriter) core() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	fmt.Fprintf(&b, `<dc:title>%s</dc:title>`, xmlEscape(x.doc.Title))
	if x.doc.Author != "" {
		fmt.Fprintf(&b, `<dc:creator>%s</dc:creator>`, xmlEscape(x.doc.Author))
	}
	if x.doc.Lang != "" {
		fmt.Fprintf(&b, `<dc:language>%s</dc:language>`, xmlEscape(x.doc.Lang))
	}
	if !x.doc.Created.IsZero() {
		fmt.Fprintf(&b, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>`, x.doc.Created.UTC().Format(time.RFC3339))
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

func (x *docxWriter) documentRels() string {
	rs := []rel{
		{"rIdStyles", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles", "styles.xml"},
		{"rIdSettings", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings", "settings.xml"},
		{"rIdNumbering", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering", "numbering.xml"},
		{"rIdFonts", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable", "fontTable.xml"},
		{"rIdHeader", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header", "header1.xml"},
		{"rIdFooter", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer", "footer1.xml"},
	}
	for i, id := range x.imageIDs {
		rs = append(rs, rel{id, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image", fmt.Sprintf("media/image%d.png", i+1)})
	}
	return rels(rs...)
}

func (x *docxWriter) document() string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `" xmlns:wp="` + nsWP + `" xmlns:a="` + nsA + `" xmlns:pic="` + nsPic + `"><w:body>` +
		x.b.String() +
		fmt.Sprintf(`<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/>`+
			`<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>`,
			docxPageWidth, docxPageHeight, docxMarginTop, docxMarginSide, docxMarginTop, docxMarginSide) +
		`</w:body></w:document>`
}

// body writes the document's blocks.
func (x *docxWriter) body() {
	x.para("Title", nil, []Run{{Text: x.doc.Title}})
	if x.doc.Subtitle != "" {
		x.para("Subtitle", nil, []Run{{Text: x.doc.Subtitle}})
	}
	for _, b := range x.doc.Blocks {
		switch b := b.(type) {
		case Heading:
			x.para(fmt.Sprintf("Heading%d", min(max(b.Level, 1), 3)), nil, []Run{{Text: singleLine(b.Text)}})
		case Paragraph:
			style := ""
			if b.Note {
				style = "Note"
			}
			x.para(style, nil, b.Runs)
		case List:
			numID := 1 // the bullets
			if b.Ordered {
				x.lists = append(x.lists, b)
				numID = 1 + len(x.lists)
			}
			for _, it := range b.Items {
				x.para("ListParagraph", func(b *strings.Builder) {
					fmt.Fprintf(b, `<w:numPr><w:ilvl w:val="0"/><w:numId w:val="%d"/></w:numPr>`, numID)
				}, it)
			}
		case Table:
			x.table(b)
		case Image:
			x.image(b)
		case Plot:
			x.image(Image{Image: b.Image(800), Width: b.share(), Caption: b.Caption})
		case PageBreak:
			x.b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
		}
	}
}

// para writes a paragraph of the style ("" for Normal), with more
// paragraph properties from props.
func (x *docxWriter) para(style string, props func(*strings.Builder), runs []Run) {
	b := &x.b
	b.WriteString(`<w:p>`)
	if style != "" || props != nil {
		b.WriteString(`<w:pPr>`)
		if style != "" {
			fmt.Fprintf(b, `<w:pStyle w:val="%s"/>`, style)
		}
		if props != nil {
			props(b)
		}
		b.WriteString(`</w:pPr>`)
	}
	writeRuns(b, runs)
	b.WriteString(`</w:p>`)
}

// writeRuns writes runs; a line break in the text is a w:br, a tab a
// w:tab.
func writeRuns(b *strings.Builder, runs []Run) {
	for _, r := range runs {
		text := strings.ReplaceAll(r.Text, "\r\n", "\n")
		if text == "" {
			continue
		}
		b.WriteString(`<w:r>`)
		if r.Bold || r.Italic {
			b.WriteString(`<w:rPr>`)
			if r.Bold {
				b.WriteString(`<w:b/><w:bCs/>`)
			}
			if r.Italic {
				b.WriteString(`<w:i/><w:iCs/>`)
			}
			b.WriteString(`</w:rPr>`)
		}
		for i, line := range strings.Split(text, "\n") {
			if i > 0 {
				b.WriteString(`<w:br/>`)
			}
			for j, part := range strings.Split(line, "\t") {
				if j > 0 {
					b.WriteString(`<w:tab/>`)
				}
				if part != "" {
					fmt.Fprintf(b, `<w:t xml:space="preserve">%s</w:t>`, xmlEscape(part))
				}
			}
		}
		b.WriteString(`</w:r>`)
	}
}

func (x *docxWriter) table(t Table) {
	cols := len(t.Header)
	if cols == 0 {
		return
	}
	widths := columnShares(t.Widths, cols)
	b := &x.b
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, int(w*docxTextWidth))
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header bool) {
		b.WriteString(`<w:tr>`)
		if header {
			b.WriteString(`<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>`)
		}
		for i := range cols {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, int(widths[i]*docxTextWidth))
			if header {
				b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="E6E6E6"/>`)
			}
			b.WriteString(`</w:tcPr><w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>`)
			writeRuns(b, []Run{{Text: c, Bold: header}})
			b.WriteString(`</w:p></w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	row(t.Header, true)
	for _, r := range t.Rows {
		row(r, false)
	}
	b.WriteString(`</w:tbl><w:p/>`)
}

// columnShares are the columns' shares of the width, summing to 1.
func columnShares(widths []float64, cols int) []float64 {
	out := make([]float64, cols)
	sum := 0.0
	for i := range cols {
		out[i] = 1
		if i < len(widths) && widths[i] > 0 {
			out[i] = widths[i]
		}
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func (x *docxWriter) image(img Image) {
	if img.Image == nil {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img.Image); err != nil {
		return
	}
	x.images = append(x.images, buf.Bytes())
	n := len(x.images)
	id := fmt.Sprintf("rIdImage%d", n)
	x.imageIDs = append(x.imageIDs, id)
	share := img.Width
	if share <= 0 || share > 1 {
		share = 1
	}
	bounds := img.Image.Bounds()
	cx := int64(share * docxTextWidth * emuPerTwip)
	cy := cx * int64(bounds.Dy()) / int64(max(bounds.Dx(), 1))
	fmt.Fprintf(&x.b, `<w:p><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">`+
		`<wp:extent cx="%d" cy="%d"/><wp:docPr id="%d" name="Picture %d" descr="%s"/>`+
		`<a:graphic><a:graphicData uri="%s"><pic:pic><pic:nvPicPr><pic:cNvPr id="%d" name="image%d.png"/><pic:cNvPicPr/></pic:nvPicPr>`+
		`<pic:blipFill><a:blip r:embed="%s"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`+
		`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`,
		cx, cy, n, n, xmlEscape(img.Caption), nsPic, n, n, id, cx, cy)
	if img.Caption != "" {
		x.para("Caption", nil, []Run{{Text: img.Caption}})
	}
}

func (x *docxWriter) styles() string {
	lang := x.doc.Lang
	if lang == "" {
		lang = "en"
	}
	bidi := ""
	if strings.HasPrefix(lang, "ar") {
		bidi = `<w:bidi/>`
	}
	fonts := fmt.Sprintf(`<w:rFonts w:ascii="%[1]s" w:hAnsi="%[1]s" w:eastAsia="%[1]s" w:cs="%[1]s"/>`, fontFamily)
	style := func(id, name, based, ppr, rpr string) string {
		s := fmt.Sprintf(`<w:style w:type="paragraph" w:styleId="%s"><w:name w:val="%s"/>`, id, name)
		if based != "" {
			s += fmt.Sprintf(`<w:basedOn w:val="%s"/><w:next w:val="Normal"/>`, based)
		}
		return s + `<w:qFormat/><w:pPr>` + ppr + `</w:pPr><w:rPr>` + rpr + `</w:rPr></w:style>`
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:styles xmlns:w="` + nsW + `">` +
		`<w:docDefaults><w:rPrDefault><w:rPr>` + fonts + `<w:sz w:val="21"/><w:szCs w:val="21"/>` +
		fmt.Sprintf(`<w:lang w:val="%[1]s" w:eastAsia="%[1]s" w:bidi="%[1]s"/>`, xmlEscape(lang)) +
		`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>` + bidi + `<w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
		style("Title", "Title", "Normal", `<w:spacing w:after="240"/>`, `<w:b/><w:bCs/><w:sz w:val="40"/><w:szCs w:val="40"/>`) +
		style("Subtitle", "Subtitle", "Normal", `<w:spacing w:after="240"/>`, `<w:color w:val="595959"/><w:sz w:val="24"/><w:szCs w:val="24"/>`) +
		style("Heading1", "heading 1", "Normal", `<w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/>`, `<w:b/><w:bCs/><w:sz w:val="30"/><w:szCs w:val="30"/>`) +
		style("Heading2", "heading 2", "Normal", `<w:keepNext/><w:spacing w:before="240" w:after="100"/><w:outlineLvl w:val="1"/>`, `<w:b/><w:bCs/><w:sz w:val="25"/><w:szCs w:val="25"/>`) +
		style("Heading3", "heading 3", "Normal", `<w:keepNext/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="2"/>`, `<w:b/><w:bCs/><w:i/><w:iCs/><w:sz w:val="22"/><w:szCs w:val="22"/>`) +
		style("ListParagraph", "List Paragraph", "Normal", `<w:spacing w:after="60"/><w:ind w:left="720"/>`, ``) +
		style("Note", "Note", "Normal", ``, `<w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/>`) +
		style("Caption", "caption", "Normal", `<w:jc w:val="center"/>`, `<w:i/><w:iCs/><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/>`) +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`<w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>` +
		`<w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/>` +
		`</w:tblBorders></w:tblPr></w:style>` +
		`</w:styles>`
}

func (x *docxWriter) numbering() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:numbering xmlns:w="` + nsW + `">`)
	b.WriteString(`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>`)
	b.WriteString(`<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>`)
	b.WriteString(`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`)
	for i, l := range x.lists {
		fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="%d"/></w:lvlOverride></w:num>`, i+2, max(l.Start, 1))
	}
	b.WriteString(`</w:numbering>`)
	return b.String()
}

func (x *docxWriter) header() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:hdr xmlns:w="` + nsW + `"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>`)
	writeRuns(&b, []Run{{Text: x.doc.Marking, Bold: true}})
	b.WriteString(`</w:p></w:hdr>`)
	return b.String()
}

func (x *docxWriter) footer() string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:ftr xmlns:w="` + nsW + `"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
		`<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> / </w:t></w:r><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>` +
		`</w:p></w:ftr>`
}

// fonts writes the font table, its relationships and the obfuscated fonts
// (ECMA-376 Part 1 §17.8.1: the first 32 bytes XORed with the font key, a
// GUID, its bytes reversed). The fonts are embedded whole: Word and
// LibreOffice draw every letter of the family from the embedded file, so a
// subset would show a letter typed later, or in another style, as blank.
func (x *docxWriter) fonts(fs [4]*face) (table, tableRels string, files [][]byte) {
	var t strings.Builder
	t.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:fonts xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:font w:name="` + fontFamily + `"><w:charset w:val="CC"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>`)
	var rs []rel
	for i, kind := range []string{"embedRegular", "embedBold", "embedItalic", "embedBoldItalic"} {
		key := fontKey(fs[i].postScript, fs[i].data)
		files = append(files, obfuscate(fs[i].data, key))
		id := fmt.Sprintf("rIdFont%d", i+1)
		fmt.Fprintf(&t, `<w:%s r:id="%s" w:fontKey="%s"/>`, kind, id, guidString(key))
		rs = append(rs, rel{id, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font", fmt.Sprintf("fonts/font%d.odttf", i+1)})
	}
	t.WriteString(`</w:font></w:fonts>`)
	return t.String(), rels(rs...), files
}

// fontKey derives the obfuscation key of an embedded font from its name
// and bytes, so the same document makes the same file.
func fontKey(name string, data []byte) [16]byte {
	h := sha256.Sum256(append([]byte(name), data...))
	var k [16]byte
	copy(k[:], h[:])
	return k
}

// guidString writes the key as a GUID: {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}
// of the key's bytes in order.
func guidString(k [16]byte) string {
	h := fmt.Sprintf("%X", k[:])
	return "{" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32] + "}"
}

// obfuscate XORs the first 32 bytes of the font with the GUID's bytes in
// reverse order (the last byte of the GUID string first).
func obfuscate(data []byte, k [16]byte) []byte {
	out := bytes.Clone(data)
	for i := 0; i < 32 && i < len(out); i++ {
		out[i] ^= k[15-i%16]
	}
	return out
}

// xmlEscape escapes text for XML content or attributes; characters XML
// 1.0 cannot carry and invalid UTF-8 are dropped.
func xmlEscape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000:
			b.WriteRune(r)
		}
	}
	return b.String()
}
