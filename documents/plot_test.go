package documents

import (
	"image/color"
	"testing"
)

// TestPlotImage checks the picture a DOCX embeds: white background, the
// frontier in blue, a mark in red, where the plot's geometry puts them.
func TestPlotImage(t *testing.T) {
	p := Plot{Frontier: [][2]float64{{0, 1}, {1, 0}}, Marks: []PlotMark{{"m", 0.25, 0.25}}}
	const px = 400
	img := p.Image(px)
	inset, side := plotGeometry(px)
	top := px - inset - side
	at := func(u, v float64) color.RGBA {
		return color.RGBAModel.Convert(img.At(int(inset+u*side), int(top+(1-v)*side))).(color.RGBA)
	}
	if c := at(0.5, 0.5); c.B < 0x80 || c.R > 0x60 {
		t.Errorf("the frontier's middle is %v, want blue", c)
	}
	if c := at(0.25, 0.25); c.R < 0xA0 || c.G > 0x40 {
		t.Errorf("the mark is %v, want red", c)
	}
	if c := at(0.8, 0.8); c != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
		t.Errorf("the empty corner is %v, want white", c)
	}
	if b := img.Bounds(); b.Dx() != px || b.Dy() != px {
		t.Errorf("bounds %v", b)
	}
}
