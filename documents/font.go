package documents

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontFamily is the family name of the embedded fonts, as their name
// tables give it.
const fontFamily = "Go"

// style indexes the four faces of the family.
type style int

const (
	regular style = iota
	bold
	italic
	boldItalic
)

func styleOf(r Run) style {
	switch {
	case r.Bold && r.Italic:
		return boldItalic
	case r.Bold:
		return bold
	case r.Italic:
		return italic
	}
	return regular
}

// face is one embedded font with the metrics layout needs, in font units.
type face struct {
	postScript  string
	data        []byte
	font        *sfnt.Font
	unitsPerEm  int
	ascent      int
	descent     int // negative
	capHeight   int
	bbox        [4]int
	italicAngle float64

	mu     sync.Mutex
	buf    sfnt.Buffer
	glyphs map[rune]glyph
}

// glyph is a rune's glyph in a face: its id (0, the missing-glyph box, for
// a rune the face lacks) and advance width in font units.
type glyph struct {
	id      uint16
	advance int
}

var (
	facesOnce sync.Once
	faces     [4]*face
	facesErr  error
)

// loadFaces parses the four faces once.
func loadFaces() ([4]*face, error) {
	facesOnce.Do(func() {
		for i, f := range []struct {
			name string
			data []byte
			ital float64
		}{{"Go-Regular", goregular.TTF, 0}, {"Go-Bold", gobold.TTF, 0}, {"Go-Italic", goitalic.TTF, -11}, {"Go-BoldItalic", gobolditalic.TTF, -11}} {
			fc, err := newFace(f.name, f.data, f.ital)
			if err != nil {
				facesErr = err
				return
			}
			faces[i] = fc
		}
	})
	return faces, facesErr
}

func newFace(name string, data []byte, italicAngle float64) (*face, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("documents: font %s: %w", name, err)
	}
	fc := &face{postScript: name, data: data, font: f, unitsPerEm: int(f.UnitsPerEm()), italicAngle: italicAngle, glyphs: map[rune]glyph{}}
	ppem := fixed.I(fc.unitsPerEm)
	m, err := f.Metrics(&fc.buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("documents: font %s: %w", name, err)
	}
	fc.ascent, fc.descent, fc.capHeight = m.Ascent.Round(), -m.Descent.Round(), m.CapHeight.Round()
	b, err := f.Bounds(&fc.buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("documents: font %s: %w", name, err)
	}
	// sfnt's y axis points down; PDF's font box points up.
	fc.bbox = [4]int{b.Min.X.Floor(), -b.Max.Y.Ceil(), b.Max.X.Ceil(), -b.Min.Y.Floor()}
	return fc, nil
}

// glyph is r's glyph; a rune the face lacks gets glyph 0 with its advance.
func (f *face) glyph(r rune) glyph {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	id, err := f.font.GlyphIndex(&f.buf, r)
	if err != nil {
		id = 0
	}
	adv, err := f.font.GlyphAdvance(&f.buf, id, fixed.I(f.unitsPerEm), font.HintingNone)
	if err != nil {
		adv = 0
	}
	g := glyph{id: uint16(id), advance: adv.Round()}
	f.glyphs[r] = g
	return g
}

// has says whether the face has a glyph for r.
func (f *face) has(r rune) bool { return f.glyph(r).id != 0 }

// width is the width of s at size points.
func (f *face) width(s string, size float64) float64 {
	units := 0
	for _, r := range s {
		units += f.glyph(r).advance
	}
	return float64(units) * size / float64(f.unitsPerEm)
}

// TrueType tables (Apple TrueType Reference Manual, OpenType §5).
type ttTable struct {
	tag  string
	data []byte
}

var errFont = errors.New("documents: malformed font")

// subsetTTF returns the font with only the glyphs used (and those their
// composite glyphs are built of, and glyph 0) kept in 'glyf'; every other
// glyph is emptied, so glyph ids, the 'hmtx' metrics and 'cmap' stay valid.
// 'loca' is rewritten in the long format. Tables of layout features
// (GSUB, GPOS, kern…) are kept as they are: they only refer to glyph ids.
func subsetTTF(data []byte, used map[uint16]bool) ([]byte, error) {
	if len(data) < 12 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	tables := map[string][]byte{}
	var order []string
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			return nil, errFont
		}
		tag := string(data[rec : rec+4])
		off, length := binary.BigEndian.Uint32(data[rec+8:]), binary.BigEndian.Uint32(data[rec+12:])
		if uint64(off)+uint64(length) > uint64(len(data)) {
			return nil, errFont
		}
		tables[tag] = data[off : off+length]
		order = append(order, tag)
	}
	head, maxp, loca, glyf := tables["head"], tables["maxp"], tables["loca"], tables["glyf"]
	if len(head) < 54 || len(maxp) < 6 || loca == nil || glyf == nil {
		return nil, errFont
	}
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	long := binary.BigEndian.Uint16(head[50:]) == 1
	offset := func(i int) (int, error) {
		if long {
			if 4*i+4 > len(loca) {
				return 0, errFont
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), nil
		}
		if 2*i+2 > len(loca) {
			return 0, errFont
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), nil
	}
	glyphData := func(id int) ([]byte, error) {
		start, err := offset(id)
		if err != nil {
			return nil, err
		}
		end, err := offset(id + 1)
		if err != nil || start > end || end > len(glyf) {
			return nil, errFont
		}
		return glyf[start:end], nil
	}
	keep := map[int]bool{0: true}
	queue := []int{0}
	for id := range used {
		if int(id) < numGlyphs && !keep[int(id)] {
			keep[int(id)] = true
			queue = append(queue, int(id))
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		g, err := glyphData(id)
		if err != nil {
			return nil, err
		}
		comps, err := components(g)
		if err != nil {
			return nil, err
		}
		for _, c := range comps {
			if c < numGlyphs && !keep[c] {
				keep[c] = true
				queue = append(queue, c)
			}
		}
	}
	var newGlyf []byte
	newLoca := make([]byte, 4*(numGlyphs+1))
	for id := range numGlyphs {
		binary.BigEndian.PutUint32(newLoca[4*id:], uint32(len(newGlyf)))
		if !keep[id] {
			continue
		}
		g, err := glyphData(id)
		if err != nil {
			return nil, err
		}
		newGlyf = append(newGlyf, g...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	binary.BigEndian.PutUint32(newLoca[4*numGlyphs:], uint32(len(newGlyf)))
	newHead := slices.Clone(head)
	binary.BigEndian.PutUint16(newHead[50:], 1)
	binary.BigEndian.PutUint32(newHead[8:], 0) // checkSumAdjustment, set below
	tables["glyf"], tables["loca"], tables["head"] = newGlyf, newLoca, newHead
	var list []ttTable
	for _, tag := range order {
		list = append(list, ttTable{tag, tables[tag]})
	}
	out := writeTTF(binary.BigEndian.Uint32(data), list)
	headAt := -1
	for i, t := range sortedTables(list) {
		if t.tag == "head" {
			headAt = int(binary.BigEndian.Uint32(out[12+16*i+8:]))
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out, nil
}

// components are the glyph ids a composite glyph is built of (none for a
// simple glyph).
func components(g []byte) ([]int, error) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil, nil
	}
	const (
		argsAreWords = 0x0001
		haveScale    = 0x0008
		moreComps    = 0x0020
		haveXYScale  = 0x0040
		haveTwoByTwo = 0x0080
	)
	var out []int
	for p := 10; ; {
		if p+4 > len(g) {
			return nil, errFont
		}
		flags := binary.BigEndian.Uint16(g[p:])
		out = append(out, int(binary.BigEndian.Uint16(g[p+2:])))
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			return out, nil
		}
	}
}

func sortedTables(list []ttTable) []ttTable {
	s := slices.Clone(list)
	slices.SortFunc(s, func(a, b ttTable) int {
		switch {
		case a.tag < b.tag:
			return -1
		case a.tag > b.tag:
			return 1
		}
		return 0
	})
	return s
}

// writeTTF writes an sfnt file of the tables, sorted by tag, each padded
// to four bytes, with its checksum.
func writeTTF(version uint32, list []ttTable) []byte {
	list = sortedTables(list)
	n := len(list)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, version)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-searchRange))
	for i, t := range list {
		rec := out[12+16*i:]
		copy(rec, t.tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t.data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t.data)))
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// checksum is the sum of the big-endian 32-bit words of b, zero-padded.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
