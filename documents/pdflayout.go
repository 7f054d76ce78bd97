package documents

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"strings"
	"unicode"
)

// Page geometry of a PDF, in points: A4 with margins of 2 cm at the sides
// and 2.5 cm at the top and bottom.
const (
	pageWidth   = 595.276
	pageHeight  = 841.89
	marginSide  = 56.693
	marginTop   = 70.866
	marginBot   = 70.866
	textWidth   = pageWidth - 2*marginSide
	lineSpacing = 1.35 // line height as a multiple of the font size
)

// Type sizes, in points.
const (
	sizeBody     = 10.5
	sizeNote     = 9
	sizeTable    = 9.5
	sizeTitle    = 20
	sizeSubtitle = 12
	sizeMarking  = 8.5
)

var headingSize = [4]float64{0, 15, 12.5, 11}

// segment is text in one style on one line.
type segment struct {
	st   style
	text string
}

// line is one line of a paragraph, and its width.
type line struct {
	segs  []segment
	width float64
}

// outlineItem is a heading, for the bookmarks.
type outlineItem struct {
	level int
	title string
	page  int
	y     float64
}

// pdfImage is an image placed in the document.
type pdfImage struct {
	img image.Image
}

// layout places a document on pages.
type layout struct {
	fs          [4]*face
	pages       []*bytes.Buffer
	y           float64 // the top of the next line, from the page's bottom
	used        [4]map[uint16]rune
	missing     map[rune]bool
	outline     []outlineItem
	images      []pdfImage
	pageHasBody bool
}

func newLayout(fs [4]*face) *layout {
	l := &layout{fs: fs, missing: map[rune]bool{}}
	for i := range l.used {
		l.used[i] = map[uint16]rune{}
	}
	l.newPage()
	return l
}

func (l *layout) page() *bytes.Buffer { return l.pages[len(l.pages)-1] }

func (l *layout) newPage() {
	l.pages = append(l.pages, &bytes.Buffer{})
	l.y = pageHeight - marginTop
	l.pageHasBody = false
}

// need starts a new page unless h points fit above the bottom margin.
func (l *layout) need(h float64) {
	if l.y-h < marginBot && l.pageHasBody {
		l.newPage()
	}
}

// wrap breaks runs into lines of at most width points at size: at spaces,
// at line breaks in the text, and inside a word wider than a line.
func (l *layout) wrap(runs []Run, size, width float64) []line {
	var lines []line
	var cur line
	var pending []segment // spaces waiting for the next word
	pendingW := 0.0
	flush := func() {
		lines = append(lines, cur)
		cur, pending, pendingW = line{}, nil, 0
	}
	add := func(s segment, w float64) {
		if n := len(cur.segs); n > 0 && cur.segs[n-1].st == s.st {
			cur.segs[n-1].text += s.text
		} else {
			cur.segs = append(cur.segs, s)
		}
		cur.width += w
	}
	for _, r := range runs {
		st := styleOf(r)
		f := l.fs[st]
		text := strings.ReplaceAll(strings.ReplaceAll(strings.ToValidUTF8(r.Text, "\uFFFD"), "\r\n", "\n"), "\t", "    ")
		for i, part := range strings.Split(text, "\n") {
			if i > 0 {
				flush()
			}
			for _, tok := range splitSpaces(part) {
				w := f.width(tok, size)
				if strings.TrimSpace(tok) == "" {
					if len(cur.segs) > 0 {
						pending = append(pending, segment{st, tok})
						pendingW += w
					}
					continue
				}
				if cur.width+pendingW+w <= width || len(cur.segs) == 0 && w <= width {
					for _, p := range pending {
						add(p, l.fs[p.st].width(p.text, size))
					}
					pending, pendingW = nil, 0
					add(segment{st, tok}, w)
					continue
				}
				if len(cur.segs) > 0 {
					flush()
				}
				// A word wider than the line: break it at any letter.
				for tok != "" {
					n, w := fitPrefix(f, tok, size, width-cur.width)
					if n == 0 {
						if len(cur.segs) > 0 {
							flush()
							continue
						}
						_, n = firstRune(tok)
						w = f.width(tok[:n], size)
					}
					add(segment{st, tok[:n]}, w)
					tok = tok[n:]
					if tok != "" {
						flush()
					}
				}
			}
		}
	}
	if len(cur.segs) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// fitPrefix is the longest prefix of s (in bytes, at a rune boundary) no
// wider than width, and its width.
func fitPrefix(f *face, s string, size, width float64) (int, float64) {
	w := 0.0
	for i, r := range s {
		rw := float64(f.glyph(r).advance) * size / float64(f.unitsPerEm)
		if w+rw > width {
			return i, w
		}
		w += rw
	}
	return len(s), w
}

// splitSpaces splits s into words and runs of spaces, in order.
func splitSpaces(s string) []string {
	var out []string
	start := 0
	space := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if i > start && sp != space {
			out = append(out, s[start:i])
			start = i
		}
		space = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// drawLine draws a line with its baseline at y.
func (l *layout) drawLine(x, y, size float64, ln line, gray float64) {
	if len(ln.segs) == 0 {
		return
	}
	p := l.page()
	fmt.Fprintf(p, "BT %s g 1 0 0 1 %s %s Tm\n", num(gray), num(x), num(y))
	for _, s := range ln.segs {
		fmt.Fprintf(p, "/F%d %s Tf ", int(s.st)+1, num(size))
		l.showText(p, s)
	}
	p.WriteString("ET\n")
	l.pageHasBody = true
}

// showText writes a Tj of the segment's glyphs. A rune the font lacks is
// drawn as the missing-glyph box inside a span whose ActualText keeps the
// character for search and copy.
func (l *layout) showText(p *bytes.Buffer, s segment) {
	f := l.fs[s.st]
	var hex strings.Builder
	var missing []rune
	flush := func() {
		if hex.Len() > 0 {
			fmt.Fprintf(p, "<%s> Tj ", hex.String())
			hex.Reset()
		}
		if len(missing) > 0 {
			fmt.Fprintf(p, "/Span <</ActualText %s>> BDC <%s> Tj EMC ", pdfText(string(missing)), strings.Repeat("0000", len(missing)))
			missing = missing[:0]
		}
	}
	for _, r := range s.text {
		g := f.glyph(r)
		if g.id == 0 && !unicode.IsControl(r) {
			if hex.Len() > 0 {
				flush()
			}
			l.missing[r] = true
			missing = append(missing, r)
			continue
		}
		if len(missing) > 0 {
			flush()
		}
		l.used[s.st][g.id] = r
		const digits = "0123456789ABCDEF"
		hex.WriteByte(digits[g.id>>12])
		hex.WriteByte(digits[g.id>>8&0xF])
		hex.WriteByte(digits[g.id>>4&0xF])
		hex.WriteByte(digits[g.id&0xF])
	}
	flush()
	p.WriteString("\n")
}

// paragraph places wrapped lines at x, a page break before any line that
// does not fit.
func (l *layout) paragraph(runs []Run, x, width, size, gray, after float64) {
	lh := size * lineSpacing
	for _, ln := range l.wrap(runs, size, width) {
		l.need(lh)
		l.drawLine(x, l.y-size, size, ln, gray)
		l.y -= lh
	}
	l.y -= after
}

// heading places a heading, on a new page unless it fits with two lines
// of body text under it, and records it for the bookmarks.
func (l *layout) heading(h Heading) {
	level := min(max(h.Level, 1), 3)
	size := headingSize[level]
	st := bold
	if level == 3 {
		st = boldItalic
	}
	lines := l.wrap([]Run{{Text: singleLine(h.Text), Bold: true, Italic: st == boldItalic}}, size, textWidth)
	before := size * 0.9
	height := before + float64(len(lines))*size*lineSpacing + 2*sizeBody*lineSpacing
	l.need(height)
	if l.pageHasBody {
		l.y -= before
	}
	l.outline = append(l.outline, outlineItem{level: level, title: singleLine(h.Text), page: len(l.pages) - 1, y: l.y})
	for _, ln := range lines {
		l.drawLine(marginSide, l.y-size, size, ln, 0)
		l.y -= size * lineSpacing
	}
	l.y -= size * 0.3
}

func (l *layout) list(ls List) {
	n := max(ls.Start, 1)
	indent := 18.0
	for _, it := range ls.Items {
		marker := "•"
		if ls.Ordered {
			marker = fmt.Sprintf("%d.", n)
			n++
		}
		lines := l.wrap(it, sizeBody, textWidth-indent)
		lh := sizeBody * lineSpacing
		for i, ln := range lines {
			l.need(lh)
			if i == 0 {
				l.drawLine(marginSide, l.y-sizeBody, sizeBody, line{segs: []segment{{regular, marker}}}, 0)
			}
			l.drawLine(marginSide+indent, l.y-sizeBody, sizeBody, ln, 0)
			l.y -= lh
		}
		l.y -= 2
	}
	l.y -= sizeBody * 0.5
}

// table places a table: the header row shaded and repeated at the top of
// every page it runs on, cells wrapped, a row taller than the room left
// continued on the next page.
func (l *layout) table(t Table) {
	cols := len(t.Header)
	if cols == 0 {
		return
	}
	shares := columnShares(t.Widths, cols)
	widths := make([]float64, cols)
	for i, s := range shares {
		widths[i] = s * textWidth
	}
	const pad = 3.0
	lh := sizeTable * 1.25
	cellLines := func(cells []string, header bool) [][]line {
		out := make([][]line, cols)
		for i := range cols {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			out[i] = l.wrap([]Run{{Text: c, Bold: header}}, sizeTable, widths[i]-2*pad)
		}
		return out
	}
	header := cellLines(t.Header, true)
	drawRow := func(lines [][]line, from, count int, shade bool) {
		h := float64(count)*lh + 2*pad
		p := l.page()
		x := marginSide
		if shade {
			fmt.Fprintf(p, "0.9 g %s %s %s %s re f\n", num(x), num(l.y-h), num(textWidth), num(h))
		}
		for i := range cols {
			fmt.Fprintf(p, "0.5 G 0.5 w %s %s %s %s re S\n", num(x), num(l.y-h), num(widths[i]), num(h))
			for k := from; k < from+count && k < len(lines[i]); k++ {
				l.drawLine(x+pad, l.y-pad-float64(k-from)*lh-sizeTable, sizeTable, lines[i][k], 0)
			}
			x += widths[i]
		}
		l.y -= h
		l.pageHasBody = true
	}
	rowsOf := func(lines [][]line) int {
		n := 1
		for _, c := range lines {
			n = max(n, len(c))
		}
		return n
	}
	headRows := rowsOf(header)
	headHeight := float64(headRows)*lh + 2*pad
	l.need(headHeight + lh + 2*pad)
	drawRow(header, 0, headRows, true)
	for _, r := range t.Rows {
		lines := cellLines(r, false)
		total := rowsOf(lines)
		for from := 0; from < total; {
			room := int(math.Floor((l.y - marginBot - 2*pad) / lh))
			if room < 1 || room < total-from && room < 3 {
				l.newPage()
				drawRow(header, 0, headRows, true)
				continue
			}
			count := min(room, total-from)
			drawRow(lines, from, count, false)
			from += count
		}
	}
	l.y -= sizeBody
}

func (l *layout) image(img Image) {
	if img.Image == nil {
		return
	}
	b := img.Image.Bounds()
	share := img.Width
	if share <= 0 || share > 1 {
		share = 1
	}
	w := share * textWidth
	h := w * float64(b.Dy()) / float64(max(b.Dx(), 1))
	if maxH := pageHeight - marginTop - marginBot - 3*sizeNote; h > maxH {
		w, h = w*maxH/h, maxH
	}
	l.need(h + 2*sizeNote*lineSpacing)
	l.images = append(l.images, pdfImage{img.Image})
	x := marginSide + (textWidth-w)/2
	fmt.Fprintf(l.page(), "q %s 0 0 %s %s %s cm /Im%d Do Q\n", num(w), num(h), num(x), num(l.y-h), len(l.images))
	l.pageHasBody = true
	l.y -= h + 4
	if img.Caption != "" {
		for _, ln := range l.wrap([]Run{{Text: img.Caption, Italic: true}}, sizeNote, textWidth) {
			l.drawLine(marginSide+(textWidth-ln.width)/2, l.y-sizeNote, sizeNote, ln, 0.35)
			l.y -= sizeNote * lineSpacing
		}
	}
	l.y -= sizeBody
}

// place lays the whole document out.
func (l *layout) place(d *Document) {
	for _, ln := range l.wrap([]Run{{Text: d.Title, Bold: true}}, sizeTitle, textWidth) {
		l.drawLine(marginSide, l.y-sizeTitle, sizeTitle, ln, 0)
		l.y -= sizeTitle * 1.25
	}
	if d.Subtitle != "" {
		l.y -= 2
		l.paragraph([]Run{{Text: d.Subtitle}}, marginSide, textWidth, sizeSubtitle, 0.35, 0)
	}
	l.y -= sizeBody
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			l.heading(b)
		case Paragraph:
			size, gray := sizeBody, 0.0
			if b.Note {
				size, gray = sizeNote, 0.35
			}
			l.paragraph(b.Runs, marginSide, textWidth, size, gray, size*0.6)
		case List:
			l.list(b)
		case Table:
			l.table(b)
		case Image:
			l.image(b)
		case Plot:
			l.plot(b)
		case PageBreak:
			if l.pageHasBody {
				l.newPage()
			}
		}
	}
	// The marking at the top and the page number at the foot of each page.
	for i, p := range l.pages {
		var extra bytes.Buffer
		if d.Marking != "" {
			for k, ln := range l.wrap([]Run{{Text: d.Marking, Bold: true}}, sizeMarking, textWidth) {
				l.drawOn(&extra, (pageWidth-ln.width)/2, pageHeight-marginTop/2-float64(k)*sizeMarking*lineSpacing, sizeMarking, ln, 0.35)
			}
		}
		ln := l.wrap([]Run{{Text: fmt.Sprintf("%d / %d", i+1, len(l.pages))}}, sizeMarking, textWidth)[0]
		l.drawOn(&extra, (pageWidth-ln.width)/2, marginBot/2, sizeMarking, ln, 0.35)
		extra.Write(p.Bytes())
		*p = extra
	}
}

// drawOn draws a line into a buffer other than the current page's.
func (l *layout) drawOn(b *bytes.Buffer, x, y, size float64, ln line, gray float64) {
	pages := l.pages
	l.pages = []*bytes.Buffer{b}
	l.drawLine(x, y, size, ln, gray)
	l.pages = pages
}

// num writes a number for a content stream: at most three decimals, no
// exponent.
func num(f float64) string {
	s := fmt.Sprintf("%.3f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}
