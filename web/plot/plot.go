// Package plot draws the frontier plot of an analysis as SVG data for the
// desk's templates: for two parties one plot with one utility axis per
// party; for more, a matrix of pairwise plots. It holds no HTTP and reads
// nothing sealed beyond the analysis it is given.
package plot

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
)

// Every package is a faint dot — all of them up
// to MaxCloud, else a uniform sample of MaxCloud packages (fixed seed, so
// the picture is stable), and the page says so — the frontier is a bold
// line, and the disagreement point and the four bargaining points are
// marked.

// MaxCloud is the most packages drawn as faint dots.
const MaxCloud = 5000

const (
	plotSize   = 360.0 // the side of one plot, in SVG units
	plotMargin = 40.0
)

// View is what the templates draw.
type View struct {
	Plots    []Pair
	Drawn    int    // packages drawn as dots
	Total    string // packages in the space
	Sampled  bool   // whether Drawn is a sample of Total
	Size     float64
	Crossing int // drawn packages that cross a red line
}

// Pair is one plot: party X against party Y.
type Pair struct {
	ID             string // the plot's element id
	XParty, YParty string
	Size           float64
	Cloud, Crossed string // SVG path data: one dot per package
	Frontier       string // SVG polyline points
	Dots           []Point
	D              Point // the disagreement point
	Accept         Rect  // the region above d
	Marks          []Mark
	Traces         []Trace // a simulation's offers, one line per proposer
	Agreement      *Point  // where the simulation agreed, if it did
	Ticks          []Tick
	Lo, Hi, Span   float64 // the plot area's edges and side
}

type Point struct{ X, Y string }

// Trace is one proposer's offers in a simulation, in order: an SVG
// polyline, drawn in the proposer's colour (Class "trace-<k>" for party k,
// "trace-mediator" for the single text's mediator).
type Trace struct {
	Name   string
	Class  string
	Points string
}

type Rect struct{ X, Y, W, H string }

type Tick struct {
	X, Y  string // the tick's coordinate along the x axis and along the y axis
	Label string
}

// Mark is a bargaining point on a plot.
type Mark struct {
	Name, Short, Class string
	X, Y               string
	LX, LY             string // the label's position
	Utility            []float64
}

// coord maps a utility in [0,1] to an SVG coordinate along x (or, flipped,
// along y), rounded to 0.1 unit to keep the markup small.
func coord(u float64, flip bool) float64 {
	span := plotSize - 2*plotMargin
	if flip {
		return plotSize - plotMargin - u*span
	}
	return plotMargin + u*span
}

func fmtCoord(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// cloud returns the utility vectors of the packages drawn as dots (all of
// them, or a sample) and whether each crosses a red line.
func cloud(p *negotiation.Problem) (us [][]float64, crossed []bool, sampled bool) {
	sizes := make([]int, len(p.Issues))
	for i, is := range p.Issues {
		sizes[i] = len(is.Options)
	}
	total := p.Size()
	n := MaxCloud
	if total.Cmp(big.NewInt(MaxCloud)) <= 0 {
		n = int(total.Int64())
	} else {
		sampled = true
	}
	rng := rand.New(rand.NewPCG(1, 2))
	o := make(negotiation.Outcome, len(sizes))
	for k := range n {
		if sampled {
			for i, m := range sizes {
				o[i] = rng.IntN(m)
			}
		} else {
			x := k // mixed radix, last issue fastest
			for i := len(sizes) - 1; i >= 0; i-- {
				o[i] = x % sizes[i]
				x /= sizes[i]
			}
		}
		u := make([]float64, len(p.Parties))
		for j, pa := range p.Parties {
			u[j] = pa.Utility.Utility(o)
		}
		us = append(us, u)
		crossed = append(crossed, !p.Feasible(o))
	}
	return us, crossed, sampled
}

// New draws the analysis of p, whose report is rep.
func New(p *negotiation.Problem, rep *negotiation.Report) *View {
	us, crossed, sampled := cloud(p)
	v := &View{Drawn: len(us), Total: rep.Outcomes, Sampled: sampled, Size: plotSize}
	for _, c := range crossed {
		if c {
			v.Crossing++
		}
	}
	n := len(p.Parties)
	for x := 0; x < n; x++ {
		for y := x + 1; y < n; y++ {
			v.Plots = append(v.Plots, pairOf(rep, x, y, us, crossed))
		}
	}
	return v
}

func pairOf(rep *negotiation.Report, x, y int, us [][]float64, crossed []bool) Pair {
	pp := Pair{ID: "plot-" + strconv.Itoa(x) + "-" + strconv.Itoa(y), XParty: rep.Parties[x], YParty: rep.Parties[y], Size: plotSize, Lo: plotMargin, Hi: plotSize - plotMargin, Span: plotSize - 2*plotMargin}
	var cloud, cross strings.Builder
	for k, u := range us {
		b := &cloud
		if crossed[k] {
			b = &cross
		}
		b.WriteString("M")
		b.WriteString(fmtCoord(coord(u[x], false)))
		b.WriteString(" ")
		b.WriteString(fmtCoord(coord(u[y], true)))
		b.WriteString("h0")
	}
	pp.Cloud, pp.Crossed = cloud.String(), cross.String()

	// The frontier, projected on the two axes, ordered along x.
	type xy struct{ x, y float64 }
	var pts []xy
	for _, f := range rep.Frontier {
		pts = append(pts, xy{f.Utility[x], f.Utility[y]})
	}
	slices.SortFunc(pts, func(a, b xy) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		case a.y > b.y:
			return -1
		case a.y < b.y:
			return 1
		}
		return 0
	})
	var line strings.Builder
	for i, q := range pts {
		if i > 0 {
			line.WriteString(" ")
		}
		cx, cy := fmtCoord(coord(q.x, false)), fmtCoord(coord(q.y, true))
		line.WriteString(cx + "," + cy)
		pp.Dots = append(pp.Dots, Point{cx, cy})
	}
	pp.Frontier = line.String()

	d := rep.Reservation
	dx, dy := coord(d[x], false), coord(d[y], true)
	pp.D = Point{fmtCoord(dx), fmtCoord(dy)}
	pp.Accept = Rect{X: fmtCoord(dx), Y: fmtCoord(plotMargin), W: fmtCoord(plotSize - plotMargin - dx), H: fmtCoord(dy - plotMargin)}

	for i, m := range Marks(rep) {
		if m.Utility == nil {
			continue
		}
		mx, my := coord(m.Utility[x], false), coord(m.Utility[y], true)
		m.X, m.Y = fmtCoord(mx), fmtCoord(my)
		// Labels fan out so that coinciding points stay readable.
		m.LX, m.LY = fmtCoord(mx+8), fmtCoord(my-6+float64(i)*11)
		pp.Marks = append(pp.Marks, m)
	}
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		pp.Ticks = append(pp.Ticks, Tick{X: fmtCoord(coord(t, false)), Y: fmtCoord(coord(t, true)), Label: strconv.FormatFloat(t, 'g', -1, 64)})
	}
	return pp
}

// Marks are the four bargaining points of a report, in the order
// the page lists them. A point nobody accepts has a nil Utility.
func Marks(rep *negotiation.Report) []Mark {
	marks := []Mark{
		{Name: "Nash", Short: "N", Class: "nash"},
		{Name: "Kalai–Smorodinsky", Short: "KS", Class: "ks"},
		{Name: "Utilitarian", Short: "U", Class: "util"},
		{Name: "Maximin", Short: "M", Class: "maximin"},
	}
	for i, pt := range []*negotiation.Point{rep.Nash, rep.KalaiSmorodinsky, rep.Utilitarian, rep.Maximin} {
		if pt != nil {
			marks[i].Utility = pt.Utility
		}
	}
	return marks
}

// AddTrace draws the offers of a simulation on every plot of v: one line
// per proposer (a party or the mediator), in the order of the offers, and
// the agreement, if any. parties names the parties in the problem's order.
func AddTrace(v *View, parties []string, tr *sim.Trace) {
	index := map[string]int{}
	for k, name := range parties {
		index[name] = k
	}
	for pi := range v.Plots {
		pp := &v.Plots[pi]
		x, y := index[pp.XParty], index[pp.YParty]
		lines := map[string]*strings.Builder{}
		var order []string
		for _, o := range tr.Offers {
			b, ok := lines[o.Party]
			if !ok {
				b = &strings.Builder{}
				lines[o.Party] = b
				order = append(order, o.Party)
			} else {
				b.WriteString(" ")
			}
			b.WriteString(fmtCoord(coord(o.Utility[x], false)) + "," + fmtCoord(coord(o.Utility[y], true)))
		}
		for _, name := range order {
			class := "trace-mediator"
			if k, ok := index[name]; ok && name != sim.Mediator {
				class = "trace-" + strconv.Itoa(k)
			}
			pp.Traces = append(pp.Traces, Trace{Name: name, Class: class, Points: lines[name].String()})
		}
		if a := tr.Agreement; a != nil {
			pp.Agreement = &Point{fmtCoord(coord(a.Utility[x], false)), fmtCoord(coord(a.Utility[y], true))}
		}
	}
}
