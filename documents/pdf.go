package documents

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
)

// WritePDF lays the document out and writes it as PDF 1.7.
func WritePDF(w io.Writer, d *Document) error {
	fs, err := loadFaces()
	if err != nil {
		return err
	}
	l := newLayout(fs)
	l.place(d)
	pw := &pdfWriter{}
	return pw.write(w, d, l)
}

// Unsupported are the characters of the document its font cannot draw
// (sorted, without repeats): a PDF shows the missing-glyph box for them.
func (d *Document) Unsupported() []rune {
	fs, err := loadFaces()
	if err != nil {
		return nil
	}
	seen := map[rune]bool{}
	d.runs(func(r Run) {
		for _, c := range r.Text {
			if c >= 0x20 && !fs[styleOf(r)].has(c) && c != '\u00a0' {
				seen[c] = true
			}
		}
	})
	out := make([]rune, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// pdfWriter numbers objects and records where each starts.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets []int // by object number − 1
	z       bytes.Buffer
	zw      *zlib.Writer // reused: a Flate compressor's state is a megabyte
}

// reserve takes the next object number.
func (p *pdfWriter) reserve() int {
	p.offsets = append(p.offsets, -1)
	return len(p.offsets)
}

// object writes object n with the body.
func (p *pdfWriter) object(n int, body string) {
	p.offsets[n-1] = p.buf.Len()
	fmt.Fprintf(&p.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes object n as a stream compressed with Flate, with the
// extra entries of its dictionary.
func (p *pdfWriter) stream(n int, dict string, data []byte) {
	p.z.Reset()
	if p.zw == nil {
		p.zw, _ = zlib.NewWriterLevel(&p.z, zlib.BestSpeed)
	} else {
		p.zw.Reset(&p.z)
	}
	p.zw.Write(data)
	p.zw.Close()
	p.offsets[n-1] = p.buf.Len()
	fmt.Fprintf(&p.buf, "%d 0 obj\n<< %s /Filter /FlateDecode /Length %d >>\nstream\n", n, dict, p.z.Len())
	p.buf.Write(p.z.Bytes())
	p.buf.WriteString("\nendstream\nendobj\n")
}

func (p *pdfWriter) write(w io.Writer, d *Document, l *layout) error {
	p.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	catalog, pages, info := p.reserve(), p.reserve(), p.reserve()

	// Fonts: one Type 0 font per face used.
	var fontRes strings.Builder
	for st, f := range l.fs {
		if len(l.used[st]) == 0 {
			continue
		}
		ref, err := p.font(f, l.used[st])
		if err != nil {
			return err
		}
		fmt.Fprintf(&fontRes, "/F%d %d 0 R ", st+1, ref)
	}
	var imageRes strings.Builder
	for i, img := range l.images {
		ref := p.image(img.img)
		fmt.Fprintf(&imageRes, "/Im%d %d 0 R ", i+1, ref)
	}
	resources := fmt.Sprintf("<< /Font << %s>> /XObject << %s>> /ProcSet [/PDF /Text /ImageC] >>", fontRes.String(), imageRes.String())

	pageRefs := make([]int, len(l.pages))
	for i := range l.pages {
		pageRefs[i] = p.reserve()
	}
	for i, content := range l.pages {
		c := p.reserve()
		p.stream(c, "", content.Bytes())
		p.object(pageRefs[i], fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %s /Contents %d 0 R >>",
			pages, num(pageWidth), num(pageHeight), resources, c))
	}
	kids := make([]string, len(pageRefs))
	for i, r := range pageRefs {
		kids[i] = fmt.Sprintf("%d 0 R", r)
	}
	p.object(pages, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pageRefs)))

	outlines := p.outlines(l.outline, pageRefs)
	cat := fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /ViewerPreferences << /DisplayDocTitle true >>", pages)
	if d.Lang != "" {
		cat += " /Lang " + pdfText(d.Lang)
	}
	if outlines > 0 {
		cat += fmt.Sprintf(" /Outlines %d 0 R /PageMode /UseOutlines", outlines)
	}
	p.object(catalog, cat+" >>")
	inf := fmt.Sprintf("<< /Title %s /Producer %s", pdfText(d.Title), pdfText("Parley"))
	if d.Author != "" {
		inf += " /Author " + pdfText(d.Author)
	}
	if d.Subtitle != "" {
		inf += " /Subject " + pdfText(d.Subtitle)
	}
	if !d.Created.IsZero() {
		inf += " /CreationDate (D:" + d.Created.UTC().Format("20060102150405") + "Z)"
	}
	p.object(info, inf+" >>")

	xref := p.buf.Len()
	fmt.Fprintf(&p.buf, "xref\n0 %d\n0000000000 65535 f \n", len(p.offsets)+1)
	for _, off := range p.offsets {
		fmt.Fprintf(&p.buf, "%010d 00000 n \n", off)
	}
	id := sha256.Sum256(p.buf.Bytes())
	fmt.Fprintf(&p.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(p.offsets)+1, catalog, info, id[:16], id[:16], xref)
	bw := bufio.NewWriter(w)
	bw.Write(p.buf.Bytes())
	return bw.Flush()
}

// font writes a face as a Type 0 font with its subset embedded, and
// returns the font's object number.
func (p *pdfWriter) font(f *face, used map[uint16]rune) (int, error) {
	ids := make(map[uint16]bool, len(used))
	for id := range used {
		ids[id] = true
	}
	data, err := subsetTTF(f.data, ids)
	if err != nil {
		return 0, fmt.Errorf("documents: subset %s: %w", f.postScript, err)
	}
	gids := make([]uint16, 0, len(used))
	for id := range used {
		gids = append(gids, id)
	}
	slices.Sort(gids)
	// The subset's tag: six capital letters from the glyph set (ISO
	// 32000-1 §9.6.4).
	h := sha256.Sum256(fmt.Append(nil, f.postScript, gids))
	var tag [6]byte
	for i := range tag {
		tag[i] = 'A' + h[i]%26
	}
	name := string(tag[:]) + "+" + f.postScript
	scale := func(units int) string { return num(float64(units) * 1000 / float64(f.unitsPerEm)) }

	file := p.reserve()
	p.stream(file, fmt.Sprintf("/Length1 %d", len(data)), data)
	desc := p.reserve()
	flags := 32 // nonsymbolic
	if f.italicAngle != 0 {
		flags |= 64
	}
	p.object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%s %s %s %s] /ItalicAngle %s /Ascent %s /Descent %s /CapHeight %s /StemV 80 /FontFile2 %d 0 R >>",
		name, flags, scale(f.bbox[0]), scale(f.bbox[1]), scale(f.bbox[2]), scale(f.bbox[3]), num(f.italicAngle),
		scale(f.ascent), scale(f.descent), scale(f.capHeight), file))

	var widths strings.Builder
	advance := map[uint16]int{}
	for id, r := range used {
		advance[id] = f.glyph(r).advance
	}
	for i := 0; i < len(gids); {
		j := i
		for j+1 < len(gids) && gids[j+1] == gids[j]+1 {
			j++
		}
		fmt.Fprintf(&widths, "%d [", gids[i])
		for k := i; k <= j; k++ {
			if k > i {
				widths.WriteByte(' ')
			}
			widths.WriteString(scale(advance[gids[k]]))
		}
		widths.WriteString("] ")
		i = j + 1
	}
	cid := p.reserve()
	p.object(cid, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 0 /W [%s] /CIDToGIDMap /Identity >>",
		name, desc, widths.String()))

	toUnicode := p.reserve()
	p.stream(toUnicode, "", toUnicodeCMap(used, gids))
	font := p.reserve()
	p.object(font, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		name, cid, toUnicode))
	return font, nil
}

// toUnicodeCMap maps each glyph id used to its character (ISO 32000-1
// §9.10.3), at most 100 mappings to a bfchar block.
func toUnicodeCMap(used map[uint16]rune, gids []uint16) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(gids); i += 100 {
		chunk := gids[i:min(i+100, len(gids))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, id := range chunk {
			fmt.Fprintf(&b, "<%04X> <%s>\n", id, utf16Hex(string(used[id])))
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// image writes an image as an RGB XObject (transparency composited on
// white) and returns its object number.
func (p *pdfWriter) image(img image.Image) int {
	b := img.Bounds()
	rgb := make([]byte, 0, 3*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			a := uint32(c.A)
			blend := func(v uint8) byte { return byte((uint32(v)*a + 255*(255-a)) / 255) }
			rgb = append(rgb, blend(c.R), blend(c.G), blend(c.B))
		}
	}
	n := p.reserve()
	p.stream(n, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", b.Dx(), b.Dy()), rgb)
	return n
}

// outlines writes the bookmarks of the headings, nested by level, and
// returns the outline dictionary's object number (0 for none).
func (p *pdfWriter) outlines(items []outlineItem, pageRefs []int) int {
	if len(items) == 0 {
		return 0
	}
	root := p.reserve()
	refs := make([]int, len(items))
	for i := range items {
		refs[i] = p.reserve()
	}
	// parent[i] is the index of the nearest earlier item of a lower level,
	// or -1 for the root.
	parent := make([]int, len(items))
	children := map[int][]int{}
	var stack []int
	for i, it := range items {
		for len(stack) > 0 && items[stack[len(stack)-1]].level >= it.level {
			stack = stack[:len(stack)-1]
		}
		parent[i] = -1
		if len(stack) > 0 {
			parent[i] = stack[len(stack)-1]
		}
		children[parent[i]] = append(children[parent[i]], i)
		stack = append(stack, i)
	}
	ref := func(i int) int {
		if i < 0 {
			return root
		}
		return refs[i]
	}
	for i, it := range items {
		sib := children[parent[i]]
		k := slices.Index(sib, i)
		var b strings.Builder
		fmt.Fprintf(&b, "<< /Title %s /Parent %d 0 R /Dest [%d 0 R /XYZ 0 %s null]", pdfText(it.title), ref(parent[i]), pageRefs[it.page], num(it.y))
		if k > 0 {
			fmt.Fprintf(&b, " /Prev %d 0 R", refs[sib[k-1]])
		}
		if k+1 < len(sib) {
			fmt.Fprintf(&b, " /Next %d 0 R", refs[sib[k+1]])
		}
		if c := children[i]; len(c) > 0 {
			fmt.Fprintf(&b, " /First %d 0 R /Last %d 0 R /Count %d", refs[c[0]], refs[c[len(c)-1]], len(c))
		}
		p.object(refs[i], b.String()+" >>")
	}
	top := children[-1]
	p.object(root, fmt.Sprintf("<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>", refs[top[0]], refs[top[len(top)-1]], len(top)))
	return root
}

// pdfText is a text string: UTF-16BE with its byte order mark, in hex
// (ISO 32000-1 §7.9.2.2), so any character and no delimiter can break it.
func pdfText(s string) string { return "<FEFF" + utf16Hex(s) + ">" }

// utf16Hex is s in UTF-16BE as hexadecimal digits.
func utf16Hex(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}
