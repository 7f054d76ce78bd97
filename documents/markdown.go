package documents

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// markdownPunctuation are the characters EscapeMarkdown escapes wherever
// they stand: those CommonMark reads as emphasis, code, links, images,
// HTML, entities, autolinks, tables and strikethrough.
const markdownPunctuation = "`*_[]<>&|~!"

// EscapeMarkdown escapes s so that CommonMark (and GitHub's tables and
// strikethrough) shows it as the text it is: punctuation that starts
// markup is backslash-escaped (CommonMark §2.4), a backslash written as
// the entity &#92; (§2.5), and what would start a
// block at the beginning of a line — #, >, +, -, =, a number followed by
// . or ), indentation — is escaped or removed there. Line breaks are
// kept as hard breaks within the paragraph; blank lines, which would end
// it, are written as empty hard breaks; blank lines around the text are
// dropped.
func EscapeMarkdown(s string) string { return escapeBlocks(escapeInline(s)) }

// escapeInline backslash-escapes the punctuation that starts inline
// markup.
// GitHub's extended autolinks (a bare "http://…", "www.…" or e-mail
// address) are defused too: the colon of "://", the dot after "www" and
// the "@" are escaped.
func escapeInline(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r == '\\' {
			// As an entity, so that no run of backslashes can be read as an
			// escape or a line break.
			b.WriteString("&#92;")
			continue
		}
		switch {
		case strings.ContainsRune(markdownPunctuation, r),
			r == '@',
			r == ':' && strings.HasPrefix(s[i:], "://"),
			r == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeBlocks makes each line of inline-escaped text unable to start a
// block, and joins the lines with hard breaks.
func escapeBlocks(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	// Blank lines before and after the text carry nothing, and a break at
	// a paragraph's end is no break.
	lines := strings.Split(strings.Trim(s, " \t\n"), "\n")
	for i, line := range lines {
		lines[i] = escapeLineStart(line)
	}
	return strings.Join(lines, "\\\n")
}

func escapeLineStart(line string) string {
	// Leading whitespace would make an indented code block or continue a
	// list; it carries no meaning in the text.
	out := strings.TrimLeft(line, " \t")
	if out == "" {
		return out
	}
	switch out[0] {
	case '#', '>', '+', '-', '=':
		return "\\" + out
	}
	// An ordered list marker: up to nine digits then . or ).
	digits := 0
	for digits < len(out) && out[digits] >= '0' && out[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits <= 9 && digits < len(out) && (out[digits] == '.' || out[digits] == ')') {
		return out[:digits] + "\\" + out[digits:]
	}
	return out
}

// WriteMarkdown writes the document as CommonMark; Document.Lang is not
// carried (Markdown has no place for it).
func WriteMarkdown(w io.Writer, d *Document) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", EscapeMarkdown(singleLine(d.Title)))
	if d.Subtitle != "" {
		fmt.Fprintf(bw, "%s\n\n", EscapeMarkdown(d.Subtitle))
	}
	if d.Marking != "" {
		fmt.Fprintf(bw, "**%s**\n\n", EscapeMarkdown(d.Marking))
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			level := min(max(b.Level, 1), 3) + 1
			fmt.Fprintf(bw, "%s %s\n\n", strings.Repeat("#", level), EscapeMarkdown(singleLine(b.Text)))
		case Paragraph:
			text := markdownRuns(b.Runs)
			if b.Note {
				text = "*" + text + "*"
			}
			fmt.Fprintf(bw, "%s\n\n", text)
		case List:
			n := max(b.Start, 1)
			for _, it := range b.Items {
				marker := "-"
				if b.Ordered {
					marker = fmt.Sprintf("%d.", n)
					n++
				}
				indent := strings.Repeat(" ", len(marker)+1)
				text := strings.ReplaceAll(markdownRuns(it), "\\\n", "\\\n"+indent)
				fmt.Fprintf(bw, "%s %s\n", marker, text)
			}
			bw.WriteString("\n")
		case Table:
			if len(b.Header) == 0 {
				continue
			}
			cells := func(row []string) {
				bw.WriteString("|")
				for i := range b.Header {
					c := ""
					if i < len(row) {
						c = row[i]
					}
					fmt.Fprintf(bw, " %s |", EscapeMarkdown(singleLine(c)))
				}
				bw.WriteString("\n")
			}
			cells(b.Header)
			bw.WriteString("|" + strings.Repeat(" --- |", len(b.Header)) + "\n")
			for _, row := range b.Rows {
				cells(row)
			}
			bw.WriteString("\n")
		case Image:
			if b.Caption != "" {
				fmt.Fprintf(bw, "*%s*\n\n", EscapeMarkdown(b.Caption))
			}
		case Plot:
			for _, m := range b.Marks {
				fmt.Fprintf(bw, "- %s: %s %s, %s %s\n", EscapeMarkdown(m.Label), EscapeMarkdown(b.XLabel),
					strconv.FormatFloat(m.X, 'f', 2, 64), EscapeMarkdown(b.YLabel), strconv.FormatFloat(m.Y, 'f', 2, 64))
			}
			if len(b.Marks) > 0 {
				bw.WriteString("\n")
			}
			if b.Caption != "" {
				fmt.Fprintf(bw, "*%s*\n\n", EscapeMarkdown(b.Caption))
			}
		case PageBreak:
			bw.WriteString("---\n\n")
		}
	}
	return bw.Flush()
}

// markdownRuns writes runs with their emphasis. Emphasis markers are put
// around the run's text without its outer spaces, which would stop
// CommonMark from reading them as emphasis.
func markdownRuns(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		text := escapeInline(strings.ReplaceAll(r.Text, "\r\n", "\n"))
		core := strings.TrimSpace(text)
		if core == "" || !r.Bold && !r.Italic || strings.Contains(core, "\n") {
			b.WriteString(text)
			continue
		}
		mark := "*"
		if r.Bold {
			mark = "**"
		}
		if r.Bold && r.Italic {
			mark = "***"
		}
		lead := text[:len(text)-len(strings.TrimLeft(text, " "))]
		trail := text[len(strings.TrimRight(text, " ")):]
		b.WriteString(lead + mark + core + mark + trail)
	}
	return escapeBlocks(b.String())
}

// singleLine joins the lines of s with spaces, for a heading or a cell.
func singleLine(s string) string { return strings.Join(strings.Fields(s), " ") }
