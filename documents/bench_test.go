package documents

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// textOfClauses is a negotiating text of n clauses in Ukrainian, every
// third bracketed: the largest text a version holds is 500 clauses.
func textOfClauses(n int) *Document {
	d := &Document{Title: "Декларація принципів", Lang: "uk", Marking: "Пленарне"}
	list := List{Ordered: true}
	for i := range n {
		text := fmt.Sprintf("Сторони погоджуються, що пункт %d %s", i+1, strings.Repeat("визначає порядок дій сторін у перехідний період; ", 1+i%4))
		if i%3 == 0 {
			list.Items = append(list.Items, []Run{Plain("[30 днів] "), {Text: "(автори: Україна)", Italic: true}, Plain(" [безстроково] "), {Text: "(автори: Росія)", Italic: true}, {Text: " — у дужках", Italic: true}})
			continue
		}
		list.Items = append(list.Items, []Run{Plain(text), {Text: " — погоджено", Italic: true}})
	}
	d.Blocks = []Block{Heading{1, "Текст"}, list}
	return d
}

// BenchmarkWritePDF writes texts of 50 and 500 clauses: the cost grows
// with the text (words measured once per glyph, lines broken greedily).
func BenchmarkWritePDF(b *testing.B) {
	for _, n := range []int{50, 500} {
		d := textOfClauses(n)
		b.Run(fmt.Sprintf("clauses=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := WritePDF(io.Discard, d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteDOCX(b *testing.B) {
	d := textOfClauses(500)
	for b.Loop() {
		if err := WriteDOCX(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
