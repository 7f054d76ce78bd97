// Package documents writes documents a principal can read — the
// negotiating text, a track's briefing pack — as PDF, Word (DOCX) and
// Markdown, from one model: a [Document] of headings, paragraphs of styled
// runs, lists, tables and images. It does no I/O beyond the writer it is
// given and depends on nothing of Parley's.
//
// # Fonts
//
// PDF and DOCX carry their font with them: the Go fonts (Regular, Bold,
// Italic, Bold Italic) of golang.org/x/image/font/gofont, made by Bigelow
// & Holmes for the Go project under Go's BSD licence, which allows their
// redistribution inside other works, and whose embedding bits (OS/2
// fsType 0) allow embedding for printing and editing. They cover Latin
// (with the letters of every European language), Greek and Cyrillic
// (WGL4). Each file embeds only the glyphs it uses (the font is subset:
// unused glyphs are emptied, so glyph ids and metrics stay as they are).
// Text in other scripts (Arabic, Georgian, CJK…) is not in the font: the
// PDF writer draws the font's missing-glyph box for it but keeps the
// character in the text layer, and [Document.Unsupported] lists such
// characters so a caller can choose another format.
//
// # PDF
//
// [WritePDF] lays the document out on A4 pages itself — words measured
// with the font's advances, lines broken at spaces (a word wider than the
// line at any character), headings kept with what follows, tables with
// their header repeated on every page, a marking line at the top of every
// page and page numbers at the foot — and writes PDF 1.7 with Type 0 fonts
// (Identity-H encoding, ToUnicode maps, so text can be searched and
// copied), the document's language (/Lang), title and bookmarks of its
// headings. Cost: linear in the document's text.
//
// # DOCX
//
// [WriteDOCX] writes WordprocessingML (ECMA-376) with styles (Title,
// Heading 1–3, lists, a table style), the language on every run, a header
// with the marking, page numbers in the footer, and the fonts embedded
// (obfuscated as ECMA-376 Part 1 §17.8.1 requires), so that Word and
// LibreOffice show the same letters.
//
// # Markdown
//
// [WriteMarkdown] writes CommonMark in which the text of the document is
// never read as markup: every character that Markdown could take for
// syntax is escaped ([EscapeMarkdown]).
package documents

import (
	"image"
	"time"
)

// Document is a document to write.
type Document struct {
	Title    string
	Subtitle string
	Lang     string    // BCP 47 tag of the text's language: "en", "uk", "ru"
	Author   string    // the producer's name, for the file's properties
	Created  time.Time // zero: not stated
	// Marking is the line printed at the top of every page: the audience
	// the document was made for ("Confidential — mediators only").
	Marking string
	Blocks  []Block
}

// Block is one element of a document's body: [Heading], [Paragraph],
// [List], [Table], [Image], [Plot] or [PageBreak].
type Block interface{ block() }

// Heading is a section title; Level 1 to 3.
type Heading struct {
	Level int
	Text  string
}

// Paragraph is a paragraph of runs. A line break inside a run's text
// breaks the line.
type Paragraph struct {
	Runs []Run
	Note bool // a smaller, grey paragraph: a caption, a source, a remark
}

// Run is text in one style.
type Run struct {
	Text         string
	Bold, Italic bool
}

// List is a bulleted or numbered list; each item a paragraph of runs.
type List struct {
	Ordered bool
	Start   int // the first number of an ordered list; 0 is 1
	Items   [][]Run
}

// Table is a table of text cells under a header row. Widths are the
// columns' relative widths; nil shares the width evenly.
type Table struct {
	Header []string
	Rows   [][]string
	Widths []float64
}

// Image is a picture, scaled to Width (a share of the text width, 0 is
// all of it) with its aspect kept, and a caption under it.
type Image struct {
	Image   image.Image
	Width   float64
	Caption string
}

// PageBreak starts a new page.
type PageBreak struct{}

func (Heading) block()   {}
func (Paragraph) block() {}
func (List) block()      {}
func (Table) block()     {}
func (Image) block()     {}
func (PageBreak) block() {}

// Text is a paragraph of one plain run.
func Text(s string) Paragraph { return Paragraph{Runs: []Run{{Text: s}}} }

// Plain is a run of plain text; Bold and Italic runs are made by Run
// literals.
func Plain(s string) Run { return Run{Text: s} }

// runs calls fn with every run of text the document holds, headings, table
// cells and captions included.
func (d *Document) runs(fn func(Run)) {
	fn(Run{Text: d.Title})
	fn(Run{Text: d.Subtitle})
	fn(Run{Text: d.Marking, Bold: true})
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			fn(Run{Text: b.Text, Bold: true})
		case Paragraph:
			for _, r := range b.Runs {
				fn(r)
			}
		case List:
			for _, it := range b.Items {
				for _, r := range it {
					fn(r)
				}
			}
		case Table:
			for _, h := range b.Header {
				fn(Run{Text: h, Bold: true})
			}
			for _, row := range b.Rows {
				for _, c := range row {
					fn(Run{Text: c})
				}
			}
		case Image:
			fn(Run{Text: b.Caption, Italic: true})
		case Plot:
			fn(Run{Text: b.Caption, Italic: true})
			fn(Run{Text: b.XLabel + b.YLabel, Bold: true})
			for _, m := range b.Marks {
				fn(Run{Text: m.Label})
			}
		}
	}
}
