package documents

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// TestWriteHTML parses the page back with an HTML5 parser: the language
// and direction, and each block as the element it should be, its text as
// written — markup in the text stays text.
func TestWriteHTML(t *testing.T) {
	d := &Document{Title: "Заява <to be named>", Lang: "uk", Marking: "Для: посередників & сторін", Blocks: []Block{
		Heading{Level: 1, Text: "Пункти"},
		Paragraph{Runs: []Run{{Text: "Жирний", Bold: true}, Plain(" і "), {Text: "<script>alert(1)</script>", Italic: true}, Plain("\nрядок")}},
		List{Ordered: true, Start: 3, Items: [][]Run{{Plain("[30 днів]")}, {Plain("# не заголовок")}}},
		Table{Header: []string{"Сторона", "Статус"}, Rows: [][]string{{"Україна", "a < b"}}},
		Plot{XLabel: "U", YLabel: "R", Marks: []PlotMark{{Label: "N", X: 0.5, Y: 0.25}}, Caption: "Межа"},
		PageBreak{},
	}}
	var b bytes.Buffer
	if err := WriteHTML(&b, d); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var root *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				root = n
			case "script", "img", "style":
				t.Errorf("the page has a <%s>", n.Data)
			case "title", "h1", "h2", "p", "li", "th", "td", "hr":
				got = append(got, n.Data+": "+nodeText(n))
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if attr(root, "lang") != "uk" || attr(root, "dir") != "ltr" {
		t.Errorf("<html lang=%q dir=%q>", attr(root, "lang"), attr(root, "dir"))
	}
	want := []string{
		"title: Заява <to be named>",
		"p: Для: посередників & сторін",
		"h1: Заява <to be named>",
		"h2: Пункти",
		"p: Жирний і <script>alert(1)</script>\nрядок",
		"li: [30 днів]", "li: # не заголовок",
		"th: Сторона", "th: Статус", "td: Україна", "td: a < b",
		"li: N: U 0.50, R 0.25", "p: Межа",
		"hr: ",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("blocks (-want +got):\n%s", d)
	}
	if !strings.Contains(b.String(), `<ol start="3">`) {
		t.Error("the list does not start at 3")
	}
	b.Reset()
	if err := WriteHTML(&b, &Document{Title: "بيان", Lang: "ar"}); err != nil || !strings.Contains(b.String(), `<html lang="ar" dir="rtl">`) {
		t.Errorf("Arabic: %v\n%s", err, b.String())
	}
}

// nodeText is a node's text, a <br> as a newline.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
