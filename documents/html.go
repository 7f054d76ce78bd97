package documents

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
)

// WriteHTML writes the document as one HTML page to print or save: the
// language and its direction on <html> (Document.Lang; Arabic right to
// left), the title, the marking above the text, and the blocks as HTML's
// own elements, with no script, style sheet or picture — a picture and a
// plot are given by their caption and a plot's marks as a list, as in
// Markdown. Every text is escaped.
func WriteHTML(w io.Writer, d *Document) error {
	bw := bufio.NewWriter(w)
	lang := d.Lang
	if lang == "" {
		lang = "en"
	}
	dir := "ltr"
	if base, _, _ := strings.Cut(lang, "-"); base == "ar" || base == "he" || base == "fa" || base == "ur" {
		dir = "rtl"
	}
	esc := html.EscapeString
	fmt.Fprintf(bw, "<!doctype html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n</head>\n<body>\n",
		esc(lang), dir, esc(d.Title))
	if d.Marking != "" {
		fmt.Fprintf(bw, "<p><strong>%s</strong></p>\n", esc(d.Marking))
	}
	fmt.Fprintf(bw, "<h1>%s</h1>\n", esc(d.Title))
	if d.Subtitle != "" {
		fmt.Fprintf(bw, "<p>%s</p>\n", esc(d.Subtitle))
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			level := min(max(b.Level, 1), 3) + 1
			fmt.Fprintf(bw, "<h%d>%s</h%d>\n", level, esc(b.Text), level)
		case Paragraph:
			if b.Note {
				fmt.Fprintf(bw, "<p><small>%s</small></p>\n", htmlRuns(b.Runs))
			} else {
				fmt.Fprintf(bw, "<p>%s</p>\n", htmlRuns(b.Runs))
			}
		case List:
			tag := "ul"
			if b.Ordered {
				tag = "ol"
			}
			bw.WriteString("<" + tag)
			if b.Ordered && b.Start > 1 {
				fmt.Fprintf(bw, " start=\"%d\"", b.Start)
			}
			bw.WriteString(">\n")
			for _, it := range b.Items {
				fmt.Fprintf(bw, "<li>%s</li>\n", htmlRuns(it))
			}
			bw.WriteString("</" + tag + ">\n")
		case Table:
			bw.WriteString("<table>\n<thead><tr>")
			for _, h := range b.Header {
				fmt.Fprintf(bw, "<th scope=\"col\">%s</th>", esc(h))
			}
			bw.WriteString("</tr></thead>\n<tbody>\n")
			for _, row := range b.Rows {
				bw.WriteString("<tr>")
				for i := range b.Header {
					c := ""
					if i < len(row) {
						c = row[i]
					}
					fmt.Fprintf(bw, "<td>%s</td>", esc(c))
				}
				bw.WriteString("</tr>\n")
			}
			bw.WriteString("</tbody>\n</table>\n")
		case Image:
			if b.Caption != "" {
				fmt.Fprintf(bw, "<p><em>%s</em></p>\n", esc(b.Caption))
			}
		case Plot:
			if len(b.Marks) > 0 {
				bw.WriteString("<ul>\n")
				for _, m := range b.Marks {
					fmt.Fprintf(bw, "<li>%s: %s %s, %s %s</li>\n", esc(m.Label), esc(b.XLabel),
						strconv.FormatFloat(m.X, 'f', 2, 64), esc(b.YLabel), strconv.FormatFloat(m.Y, 'f', 2, 64))
				}
				bw.WriteString("</ul>\n")
			}
			if b.Caption != "" {
				fmt.Fprintf(bw, "<p><em>%s</em></p>\n", esc(b.Caption))
			}
		case PageBreak:
			bw.WriteString("<hr>\n")
		}
	}
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}

// htmlRuns writes runs with their emphasis; a line break inside a run
// breaks the line.
func htmlRuns(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		text := strings.ReplaceAll(html.EscapeString(strings.ReplaceAll(r.Text, "\r\n", "\n")), "\n", "<br>")
		switch {
		case r.Bold && r.Italic:
			text = "<strong><em>" + text + "</em></strong>"
		case r.Bold:
			text = "<strong>" + text + "</strong>"
		case r.Italic:
			text = "<em>" + text + "</em>"
		}
		b.WriteString(text)
	}
	return b.String()
}
