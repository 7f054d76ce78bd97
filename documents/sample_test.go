package documents

import (
	"image"
	"image/color"
	"strings"
)

// sample is a document with every kind of block, in Ukrainian and
// English, long enough to run over several pages.
func sample() *Document {
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{uint8(2 * x), uint8(3 * y), 200, 255})
		}
	}
	d := &Document{
		Title:    "Енергетичний мораторій — briefing pack",
		Subtitle: "Трек 1 · 20 червня 2024 р.",
		Lang:     "uk",
		Author:   "Parley",
		Marking:  "Конфіденційно — лише для посередників",
		Blocks: []Block{
			Heading{1, "Статус та історія"},
			Paragraph{Runs: []Run{{Text: "Поточний статус: "}, {Text: "призупинено", Bold: true}, {Text: " після подій у Курській області. "}, {Text: "Nothing is agreed until everything is agreed.", Italic: true}}},
			List{Items: [][]Run{{Plain("10 травня 2024 р.: розпочато")}, {Plain("18 червня 2024 р.: активний")}, {{Text: "7 серпня 2024 р.: ", Bold: true}, Plain("призупинено")}}},
			Heading{2, "Зустрічі"},
			Table{Header: []string{"Дата", "Місце", "Формат"}, Widths: []float64{1, 2, 1},
				Rows: [][]string{{"20.06.2024", "Доха, Катар", "кокус"}, {"16.07.2024", "Доха, Катар — готель з дуже довгою назвою, що не вміщується в один рядок клітинки", "пленарне"}}},
			Heading{1, "Текст"},
			List{Ordered: true, Items: [][]Run{{Plain("Сторони утримуються від ударів по енергетичній інфраструктурі.")}, {Plain("[30 днів] [безстроково з моніторингом] <to be named>")}}},
			Image{Image: img, Width: 0.5, Caption: "Фронт Парето"},
			samplePlot(),
			Paragraph{Note: true, Runs: []Run{Plain("Джерело: Parley. Ελληνικά: Παπαδόπουλος. ქართული: ბერიძე.")}},
			Heading{3, "Σημειώσεις"},
		},
	}
	for i := range 60 {
		d.Blocks = append(d.Blocks, Paragraph{Runs: []Run{Plain(strings.Repeat("Довгий абзац тексту для перевірки перенесення рядків. ", 3+i%5))}})
	}
	d.Blocks = append(d.Blocks, Paragraph{Runs: []Run{Plain(strings.Repeat("Надзвичайнодовгесловобезпробілів", 8))}})
	return d
}

// samplePlot is a frontier plot of two parties: a cloud, the frontier and
// the bargaining points.
func samplePlot() Plot {
	p := Plot{XLabel: "Україна", YLabel: "Росія", Caption: "Межа Парето і точки торгу", Width: 0.6}
	for i := range 40 {
		for j := range 10 {
			p.Cloud = append(p.Cloud, [2]float64{float64(i) / 40, float64(j) / 10 * (1 - float64(i)/80)})
		}
	}
	for i := range 11 {
		x := float64(i) / 10
		p.Frontier = append(p.Frontier, [2]float64{x, 1 - x*x})
	}
	p.Marks = []PlotMark{{"Nash", 0.58, 0.66}, {"Kalai–Smorodinsky", 0.62, 0.62}, {"d", 0.2, 0.25}}
	return p
}
