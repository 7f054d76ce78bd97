package documents

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// mdBlock is a block of a parsed Markdown document: its kind and text.
type mdBlock struct {
	Kind string
	Text string
}

// parseMarkdown parses with goldmark (CommonMark and GitHub's tables and
// strikethrough) and returns the top-level blocks — list items and table
// rows one by one — with the text goldmark renders for them: tags
// removed (a line break as a newline), entities decoded. Markup other
// than paragraphs, emphasis and line breaks shows as a block of its own
// kind, so a test sees text that turned into markup.
func parseMarkdown(t *testing.T, src []byte) []mdBlock {
	t.Helper()
	doc := markdown.Parser().Parse(text.NewReader(src))
	var out []mdBlock
	render := func(n ast.Node) string {
		var b bytes.Buffer
		if err := markdown.Renderer().Render(&b, src, n); err != nil {
			t.Fatal(err)
		}
		h := b.String()
		for _, tag := range tagRE.FindAllString(h, -1) {
			if !allowedTag.MatchString(tag) {
				out = append(out, mdBlock{"markup", tag})
			}
		}
		h = strings.ReplaceAll(h, "<br />\n", "\n")
		return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(h, "")))
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.List:
			for it := n.FirstChild(); it != nil; it = it.NextSibling() {
				var parts []string
				for c := it.FirstChild(); c != nil; c = c.NextSibling() {
					parts = append(parts, render(c))
				}
				out = append(out, mdBlock{"item", strings.Join(parts, "\n")})
			}
		case *extast.Table:
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				var cells []string
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					var b bytes.Buffer
					for x := c.FirstChild(); x != nil; x = x.NextSibling() {
						markdown.Renderer().Render(&b, src, x)
					}
					cells = append(cells, html.UnescapeString(tagRE.ReplaceAllString(b.String(), "")))
				}
				out = append(out, mdBlock{"row", strings.Join(cells, "|")})
			}
		case *ast.Heading:
			out = append(out, mdBlock{"h" + string(rune('0'+n.Level)), render(n)})
		default:
			out = append(out, mdBlock{n.Kind().String(), render(n)})
		}
	}
	return out
}

var (
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	allowedTag = regexp.MustCompile(`^</?(p|br ?/?|h[1-4]|em|strong|li|ol|ul)( start="\d+")?>$`)
)

// hostile are texts a negotiating text holds that Markdown would take
// for markup.
var hostile = []string{
	"<to be named>",
	"Clause one.\n\n# Not a heading",
	"1990. A year, not a list",
	"- not a bullet\n+ nor this\n> nor a quote",
	"*not emphasis* and _not_ either, a_b_c",
	"[not a link](http://x) ![nor an image](y)",
	"`not code` and ~~not struck~~",
	"&amp; &#65; stay as written",
	"a | pipe \\ backslash",
	"    four spaces, not code",
	"===\n---",
	"<script>alert(1)</script>",
	"2) neither this",
}

func TestEscapeMarkdown(t *testing.T) {
	for _, s := range hostile {
		got := parseMarkdown(t, []byte(EscapeMarkdown(s)))
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.TrimLeft(l, " \t"))
		}
		want := []mdBlock{{"Paragraph", strings.Join(lines, "\n")}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("EscapeMarkdown(%q) = %q reads as (-want +got):\n%s", s, EscapeMarkdown(s), d)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	d := &Document{
		Title:   "Text # 1 <draft>",
		Marking: "Plenary",
		Blocks: []Block{
			Heading{1, "Clauses *all*"},
			List{Ordered: true, Items: [][]Run{{Plain(hostile[1])}, {{Text: "agreed", Bold: true}, Plain(" — "), Plain(hostile[0])}}},
			Table{Header: []string{"a|b", "c"}, Rows: [][]string{{"x\ny", "<z>"}}},
			Paragraph{Note: true, Runs: []Run{Plain("note_here")}},
		},
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, d); err != nil {
		t.Fatal(err)
	}
	want := []mdBlock{
		{"h1", "Text # 1 <draft>"},
		{"Paragraph", "Plenary"},
		{"h2", "Clauses *all*"},
		{"item", "Clause one.\n\n# Not a heading"},
		{"item", "agreed — <to be named>"},
		{"row", "a|b|c"},
		{"row", "x y|<z>"},
		{"Paragraph", "note_here"},
	}
	if diff := cmp.Diff(want, parseMarkdown(t, buf.Bytes())); diff != "" {
		t.Errorf("blocks (-want +got):\n%s\n%s", diff, buf.String())
	}
}

// FuzzEscapeMarkdown: any text, escaped, parses as one paragraph of that
// text (lines without their leading blanks).
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToValidUTF8(s, "")
		if strings.ContainsAny(s, "\x00\r\v\f") {
			return // not text a clause holds; CommonMark changes NUL and line ends
		}
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.TrimRight(strings.TrimLeft(l, " \t"), " \t"))
		}
		want := strings.Join(lines, "\n")
		if strings.TrimSpace(strings.ReplaceAll(want, "\n", "")) == "" {
			return
		}
		got := parseMarkdown(t, []byte(EscapeMarkdown(s)))
		var text strings.Builder
		for _, b := range got {
			if b.Kind != "Paragraph" {
				t.Fatalf("%q escaped as %q reads as %v", s, EscapeMarkdown(s), got)
			}
			text.WriteString(b.Text)
		}
		norm := func(x string) string { return strings.Join(strings.Fields(x), " ") }
		if norm(text.String()) != norm(want) {
			t.Fatalf("%q escaped as %q reads as %q", s, EscapeMarkdown(s), text.String())
		}
	})
}
