package desk

import (
	"math"
	"strconv"

	"github.com/parley-talks/parley"
)

// The map's drawing of the links between tracks: every track the caller
// sees that takes part in a link it sees (both of its tracks) as a node on
// a circle, and each link as an edge labelled with its kind. The store
// shows a link only to callers who see both of its tracks, so the drawing
// never names a track the caller may not see.

type linkMap struct {
	Nodes []linkNode
	Edges []linkEdge
}

type linkNode struct {
	Track  *parley.Track
	X, Y   string // centre, in the drawing's 0–600 × 0–360 coordinates
	Anchor string // text-anchor of the label: the side away from the centre
	LX, LY string // the label's position
}

type linkEdge struct {
	Link           *parley.Link
	A, B           *parley.Track
	X1, Y1, X2, Y2 string
	MX, MY         string // the edge's middle, for its label
}

const (
	linkMapW, linkMapH = 600.0, 360.0
	linkMapR           = 120.0 // radius of the circle of nodes
)

// newLinkMap draws the links among tracks; nil when there is none.
func newLinkMap(tracks []*parley.Track, links []*parley.Link) *linkMap {
	byID := map[int64]*parley.Track{}
	for _, t := range tracks {
		byID[t.ID] = t
	}
	linkedIDs := map[int64]bool{}
	var shown []*parley.Link
	for _, l := range links {
		if byID[l.TrackA] != nil && byID[l.TrackB] != nil && l.Status == parley.LinkActive {
			shown = append(shown, l)
			linkedIDs[l.TrackA], linkedIDs[l.TrackB] = true, true
		}
	}
	if len(shown) == 0 {
		return nil
	}
	m := &linkMap{}
	at := map[int64]int{}
	for _, t := range tracks { // tracks are ordered by ID: a stable layout
		if linkedIDs[t.ID] {
			at[t.ID] = len(m.Nodes)
			m.Nodes = append(m.Nodes, linkNode{Track: t})
		}
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
	pos := make([][2]float64, len(m.Nodes))
	for i := range m.Nodes {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(m.Nodes))
		x, y := linkMapW/2+linkMapR*1.6*math.Cos(a), linkMapH/2+linkMapR*math.Sin(a)
		pos[i] = [2]float64{x, y}
		n := &m.Nodes[i]
		n.X, n.Y = f(x), f(y)
		n.Anchor, n.LX, n.LY = "middle", f(x), f(y+26)
		switch {
		case math.Cos(a) > 0.3:
			n.Anchor, n.LX, n.LY = "start", f(x+14), f(y+4)
		case math.Cos(a) < -0.3:
			n.Anchor, n.LX, n.LY = "end", f(x-14), f(y+4)
		case math.Sin(a) < 0:
			n.LY = f(y - 16)
		}
	}
	for _, l := range shown {
		a, b := pos[at[l.TrackA]], pos[at[l.TrackB]]
		m.Edges = append(m.Edges, linkEdge{Link: l, A: byID[l.TrackA], B: byID[l.TrackB],
			X1: f(a[0]), Y1: f(a[1]), X2: f(b[0]), Y2: f(b[1]), MX: f((a[0] + b[0]) / 2), MY: f((a[1]+b[1])/2 - 6)})
	}
	return m
}
