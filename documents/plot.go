package documents

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Plot is a scatter plot of two parties' utilities, each in [0, 1]: the
// packages as faint dots, the Pareto frontier as a line through its points
// in order, and named points (the disagreement point, the bargaining
// solutions) marked and labelled. A PDF draws it as vectors; a DOCX
// embeds it as a picture (Plot.Image).
type Plot struct {
	XLabel, YLabel string
	Cloud          [][2]float64
	Frontier       [][2]float64
	Marks          []PlotMark
	Width          float64 // a share of the text width; 0 is 0.7
	Caption        string
}

// PlotMark is a named point of a plot.
type PlotMark struct {
	Label string
	X, Y  float64
}

func (Plot) block() {}

func (p Plot) share() float64 {
	if p.Width <= 0 || p.Width > 1 {
		return 0.7
	}
	return p.Width
}

// plotGeometry places a plot of side size: the frame's origin and side,
// leaving room for the tick labels and axis titles.
func plotGeometry(size float64) (inset, side float64) {
	inset = size * 0.12
	return inset, size - 1.6*inset
}

func clamp01(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return min(max(v, 0), 1)
}

// plot draws a plot on the page: a square of Width of the text width.
func (l *layout) plot(p Plot) {
	size := p.share() * textWidth
	l.need(size + 2*sizeNote*lineSpacing)
	x0 := marginSide + (textWidth-size)/2
	y0 := l.y - size // the square's bottom left
	inset, side := plotGeometry(size)
	fx, fy := x0+inset, y0+inset // the frame's bottom left
	px := func(u float64) float64 { return fx + clamp01(u)*side }
	py := func(u float64) float64 { return fy + clamp01(u)*side }
	pg := l.page()
	fmt.Fprintf(pg, "q 0.5 w 0.4 G %s %s %s %s re S\n", num(fx), num(fy), num(side), num(side))
	if len(p.Cloud) > 0 {
		pg.WriteString("0.72 g\n")
		for _, c := range p.Cloud {
			fmt.Fprintf(pg, "%s %s 1.2 1.2 re\n", num(px(c[0])-0.6), num(py(c[1])-0.6))
		}
		pg.WriteString("f\n")
	}
	if len(p.Frontier) > 1 {
		pg.WriteString("0.1 0.25 0.6 RG 1.4 w 1 J 1 j\n")
		for i, c := range p.Frontier {
			op := "l"
			if i == 0 {
				op = "m"
			}
			fmt.Fprintf(pg, "%s %s %s\n", num(px(c[0])), num(py(c[1])), op)
		}
		pg.WriteString("S\n")
	}
	pg.WriteString("0.75 0.1 0.1 rg\n")
	for _, m := range p.Marks {
		x, y := px(m.X), py(m.Y)
		fmt.Fprintf(pg, "%s %s m %s %s l %s %s l %s %s l h f\n", num(x), num(y-2.8), num(x+2.8), num(y), num(x), num(y+2.8), num(x-2.8), num(y))
	}
	pg.WriteString("Q\n")
	const tick = 7.0
	for _, v := range []float64{0, 0.5, 1} {
		label := line{segs: []segment{{regular, strconv.FormatFloat(v, 'g', -1, 64)}}}
		label.width = l.fs[regular].width(label.segs[0].text, tick)
		l.drawLine(px(v)-label.width/2, fy-tick-2, tick, label, 0.35)
		l.drawLine(fx-label.width-3, py(v)-tick/3, tick, label, 0.35)
	}
	for _, m := range p.Marks {
		if m.Label == "" {
			continue
		}
		ln := l.wrap([]Run{{Text: m.Label}}, tick, side)[0]
		x := px(m.X) + 4
		if x+ln.width > fx+side {
			x = px(m.X) - 4 - ln.width
		}
		l.drawLine(x, py(m.Y)+3, tick, ln, 0.2)
	}
	if p.XLabel != "" {
		ln := l.wrap([]Run{{Text: p.XLabel, Bold: true}}, sizeNote, side)[0]
		l.drawLine(fx+(side-ln.width)/2, fy-tick-sizeNote-6, sizeNote, ln, 0)
	}
	if p.YLabel != "" {
		ln := l.wrap([]Run{{Text: p.YLabel, Bold: true}}, sizeNote, side)[0]
		l.drawLine(fx, fy+side+5, sizeNote, ln, 0)
	}
	l.pageHasBody = true
	l.y = y0 - 4
	if p.Caption != "" {
		for _, ln := range l.wrap([]Run{{Text: p.Caption, Italic: true}}, sizeNote, textWidth) {
			l.drawLine(marginSide+(textWidth-ln.width)/2, l.y-sizeNote, sizeNote, ln, 0.35)
			l.y -= sizeNote * lineSpacing
		}
	}
	l.y -= sizeBody
}

var (
	labelFaceOnce sync.Once
	labelFont     *opentype.Font
)

// Image draws the plot as a picture of px × px pixels (DOCX embeds it so).
func (p Plot) Image(px int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	size := float64(px)
	inset, side := plotGeometry(size)
	// Image y grows downwards: the frame's top left is (inset, size−inset−side).
	top := size - inset - side
	X := func(u float64) float32 { return float32(inset + clamp01(u)*side) }
	Y := func(u float64) float32 { return float32(top + (1-clamp01(u))*side) }
	scale := size / 400 // strokes and dots sized as on a 400-pixel plot
	fill := func(c color.Color, paint func(r *vector.Rasterizer)) {
		r := vector.NewRasterizer(px, px)
		paint(r)
		r.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
	}
	segment := func(r *vector.Rasterizer, x1, y1, x2, y2, w float32) {
		dx, dy := x2-x1, y2-y1
		n := float32(math.Hypot(float64(dx), float64(dy)))
		if n == 0 {
			return
		}
		ox, oy := -dy/n*w/2, dx/n*w/2
		r.MoveTo(x1+ox, y1+oy)
		r.LineTo(x2+ox, y2+oy)
		r.LineTo(x2-ox, y2-oy)
		r.LineTo(x1-ox, y1-oy)
		r.ClosePath()
	}
	fill(color.Gray{0x66}, func(r *vector.Rasterizer) {
		w := float32(scale)
		for _, e := range [][4]float64{{0, 0, 1, 0}, {1, 0, 1, 1}, {1, 1, 0, 1}, {0, 1, 0, 0}} {
			segment(r, X(e[0]), Y(e[1]), X(e[2]), Y(e[3]), w)
		}
	})
	fill(color.Gray{0xB8}, func(r *vector.Rasterizer) {
		d := float32(1.2 * scale)
		for _, c := range p.Cloud {
			x, y := X(c[0]), Y(c[1])
			r.MoveTo(x-d/2, y-d/2)
			r.LineTo(x+d/2, y-d/2)
			r.LineTo(x+d/2, y+d/2)
			r.LineTo(x-d/2, y+d/2)
			r.ClosePath()
		}
	})
	fill(color.RGBA{0x1A, 0x40, 0x99, 0xFF}, func(r *vector.Rasterizer) {
		for i := 1; i < len(p.Frontier); i++ {
			a, b := p.Frontier[i-1], p.Frontier[i]
			segment(r, X(a[0]), Y(a[1]), X(b[0]), Y(b[1]), float32(2*scale))
		}
	})
	fill(color.RGBA{0xBF, 0x1A, 0x1A, 0xFF}, func(r *vector.Rasterizer) {
		d := float32(4 * scale)
		for _, m := range p.Marks {
			x, y := X(m.X), Y(m.Y)
			r.MoveTo(x, y-d)
			r.LineTo(x+d, y)
			r.LineTo(x, y+d)
			r.LineTo(x-d, y)
			r.ClosePath()
		}
	})
	labelFaceOnce.Do(func() { labelFont, _ = opentype.Parse(goregular.TTF) })
	if labelFont == nil {
		return img
	}
	face, err := opentype.NewFace(labelFont, &opentype.FaceOptions{Size: 11 * scale, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return img
	}
	defer face.Close()
	text := func(s string, x, y float64, c color.Color) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(int(x), int(y))}
		d.DrawString(s)
	}
	width := func(s string) float64 { return float64(font.MeasureString(face, s)) / 64 }
	gray := color.Gray{0x55}
	for _, v := range []float64{0, 0.5, 1} {
		s := strconv.FormatFloat(v, 'g', -1, 64)
		text(s, float64(X(v))-width(s)/2, float64(Y(0))+14*scale, gray)
		text(s, float64(X(0))-width(s)-5*scale, float64(Y(v))+4*scale, gray)
	}
	for _, m := range p.Marks {
		x := float64(X(m.X)) + 6*scale
		if x+width(m.Label) > float64(X(1)) {
			x = float64(X(m.X)) - 6*scale - width(m.Label)
		}
		text(m.Label, x, float64(Y(m.Y))-5*scale, color.Gray{0x33})
	}
	text(p.XLabel, float64(X(0.5))-width(p.XLabel)/2, float64(Y(0))+30*scale, color.Black)
	text(p.YLabel, float64(X(0)), float64(Y(1))-8*scale, color.Black)
	return img
}
