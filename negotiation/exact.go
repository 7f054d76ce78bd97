package negotiation

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// This file holds the exact arithmetic of utilities. Every input number is a
// rational: a float64 is read as the shortest decimal that rounds to it
// (what strconv.FormatFloat(x, 'g', -1, 64) prints, so "0.3" is 3/10), and
// a GENIUS file's evaluations are divided by their maximum exactly. Party p's
// terms w_{p,i}·v_{p,i}(x) are then integers over one common denominator
// D_p (the least common multiple of the terms' denominators), and every
// utility is an integer numerator below 2^127: sums, comparisons and
// dominance are exact, with no tolerance.
//
// When D_p would exceed maxDenBits bits (inputs that are not short
// decimals, e.g. 17-digit values across many issues with distinct
// maxima), the terms are rounded to the nearest multiple of 2^−roundBits
// instead and Additive.Exact reports false; the analysis then carries an
// error of at most K·2^−(roundBits+1) per utility for K issues.

// num is a non-negative integer below 2^128: a utility's numerator over its
// party's denominator.
type num struct{ hi, lo uint64 }

func (a num) add(b num) num {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return num{a.hi + b.hi + c, lo}
}

// satSub returns max(a − b, 0).
func (a num) satSub(b num) num {
	if a.cmp(b) <= 0 {
		return num{}
	}
	lo, c := bits.Sub64(a.lo, b.lo, 0)
	return num{a.hi - b.hi - c, lo}
}

func (a num) cmp(b num) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a num) less(b num) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a num) big() *big.Int {
	x := new(big.Int).SetUint64(a.hi)
	x.Lsh(x, 64)
	return x.Or(x, new(big.Int).SetUint64(a.lo))
}

// float returns a as a float64, within one ulp.
func (a num) float() float64 { return float64(a.hi)*0x1p64 + float64(a.lo) }

// numOf returns x, which must be in [0, 2^128).
func numOf(x *big.Int) num {
	if x.Sign() < 0 || x.BitLen() > 128 {
		panic("negotiation: numerator out of range")
	}
	var lo, hi big.Int
	lo.And(x, maxUint64)
	hi.Rsh(x, 64)
	return num{hi.Uint64(), lo.Uint64()}
}

var maxUint64 = new(big.Int).SetUint64(math.MaxUint64)

// Limits of the exact representation: numerators stay below 2^127, so that
// no sum of terms of one package overflows.
const (
	maxDenBits = 120 // exact while D_p < 2^maxDenBits and every utility ≤ 2^6
	roundBits  = 112 // otherwise terms are rounded to multiples of 2^−roundBits
)

// Rat returns the exact value of x: the shortest decimal that rounds to x.
// It returns nil for NaN and infinities.
func Rat(x float64) *big.Rat {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	if !ok {
		panic("negotiation: unparsable float " + strconv.FormatFloat(x, 'g', -1, 64))
	}
	return r
}

// exactUtility is an additive utility over one common denominator.
type exactUtility struct {
	den   *big.Int // D
	denF  float64
	terms [][]num      // terms[i][x] = D · w_i·v_i(x), rounded when !exact
	rat   [][]*big.Rat // the exact terms w_i·v_i(x)
	exact bool
}

// NewAdditive returns the additive utility with the given weights (one per
// issue, ≥ 0, not all 0; normalised exactly to sum 1) and option values (in
// [0,1]), all exact. Weights and Values of the result hold the nearest
// float64s; the analysis uses the exact values.
func NewAdditive(weights []*big.Rat, values [][]*big.Rat) (*Additive, error) {
	if len(weights) != len(values) {
		return nil, errors.New("negotiation: additive utility: one weight per issue")
	}
	sum := new(big.Rat)
	for i, w := range weights {
		if w == nil || w.Sign() < 0 {
			return nil, fmt.Errorf("negotiation: additive utility: weight %d must be ≥ 0", i)
		}
		sum.Add(sum, w)
	}
	if sum.Sign() <= 0 {
		return nil, errors.New("negotiation: additive utility: at least one weight must be positive")
	}
	a := &Additive{Weights: make([]float64, len(weights)), Values: make([][]float64, len(values))}
	terms := make([][]*big.Rat, len(values))
	one := big.NewRat(1, 1)
	for i, w := range weights {
		nw := new(big.Rat).Quo(w, sum)
		a.Weights[i], _ = nw.Float64()
		a.Values[i] = make([]float64, len(values[i]))
		terms[i] = make([]*big.Rat, len(values[i]))
		for x, v := range values[i] {
			if v == nil || v.Sign() < 0 || v.Cmp(one) > 0 {
				return nil, fmt.Errorf("negotiation: additive utility: value %d of issue %d must be in [0,1]", x, i)
			}
			a.Values[i][x], _ = v.Float64()
			terms[i][x] = new(big.Rat).Mul(nw, v)
		}
	}
	ex, err := newExactUtility(terms)
	if err != nil {
		return nil, err
	}
	a.ex = ex
	a.once.Do(func() {})
	return a, nil
}

// newExactUtility puts terms over their least common denominator, or
// rounds them (see the file comment).
func newExactUtility(terms [][]*big.Rat) (*exactUtility, error) {
	den := big.NewInt(1)
	var g big.Int
	maxSum := new(big.Rat)
	for _, ts := range terms {
		var top *big.Rat
		for _, t := range ts {
			if t.Sign() < 0 {
				return nil, errors.New("negotiation: additive utility: negative term")
			}
			if top == nil || t.Cmp(top) > 0 {
				top = t
			}
			d := t.Denom()
			g.GCD(nil, nil, den, d)
			den.Mul(den, new(big.Int).Quo(d, &g))
		}
		if top != nil {
			maxSum.Add(maxSum, top)
		}
	}
	if maxSum.Cmp(big.NewRat(64, 1)) > 0 {
		return nil, errors.New("negotiation: additive utility: utilities above 64")
	}
	e := &exactUtility{den: den, rat: terms, exact: den.BitLen() <= maxDenBits}
	if !e.exact {
		e.den = new(big.Int).Lsh(big.NewInt(1), roundBits)
	}
	e.denF, _ = new(big.Float).SetInt(e.den).Float64()
	e.terms = make([][]num, len(terms))
	var n big.Int
	var r big.Rat
	for i, ts := range terms {
		e.terms[i] = make([]num, len(ts))
		for x, t := range ts {
			r.Mul(t, new(big.Rat).SetInt(e.den))
			if e.exact {
				n.Set(r.Num()) // the denominator is 1
			} else {
				roundRat(&n, &r)
			}
			e.terms[i][x] = numOf(&n)
		}
	}
	return e, nil
}

// roundRat sets n to r rounded to the nearest integer (r ≥ 0).
func roundRat(n *big.Int, r *big.Rat) {
	num2 := new(big.Int).Lsh(r.Num(), 1)
	num2.Add(num2, r.Denom())
	n.Quo(num2, new(big.Int).Lsh(r.Denom(), 1))
}

// exact returns a's exact form, building it on first use from the float64
// Weights and Values read as decimals (taken as they are, not normalised:
// a Problem built by hand means what it says).
func (a *Additive) exact() *exactUtility {
	a.once.Do(func() {
		terms := make([][]*big.Rat, len(a.Values))
		for i, vs := range a.Values {
			terms[i] = make([]*big.Rat, len(vs))
			w := Rat(a.Weights[i])
			for x, v := range vs {
				rv := Rat(v)
				if w == nil || rv == nil {
					a.err = fmt.Errorf("negotiation: additive utility: issue %d: weights and values must be finite", i)
					return
				}
				terms[i][x] = new(big.Rat).Mul(w, rv)
			}
		}
		a.ex, a.err = newExactUtility(terms)
	})
	return a.ex
}

// check builds the exact form and reports why it cannot be built.
func (a *Additive) check() error {
	a.exact()
	return a.err
}

// Exact reports whether a's utilities are exact; false when its terms had
// to be rounded (see the package documentation).
func (a *Additive) Exact() bool {
	e := a.exact()
	return e != nil && e.exact
}

// Denominator returns the common denominator D of a's utilities: every
// utility is an integer over D (exactly when Exact).
func (a *Additive) Denominator() *big.Int { return new(big.Int).Set(a.exact().den) }

// Term returns the exact contribution w_i·v_i(x) of option x of issue i.
func (a *Additive) Term(i, x int) *big.Rat { return new(big.Rat).Set(a.exact().rat[i][x]) }

// ExactUtility returns u(o) as an exact rational (rounded as the analysis
// rounds when not Exact).
func (a *Additive) ExactUtility(o Outcome) *big.Rat {
	e := a.exact()
	return new(big.Rat).SetFrac(e.sum(o).big(), e.den)
}

func (e *exactUtility) sum(o Outcome) num {
	var s num
	for i, x := range o {
		s = s.add(e.terms[i][x])
	}
	return s
}

// toFloat returns the numerator n over e's denominator as a float64 (within
// two ulps; exact division when both fit in 53 bits).
func (e *exactUtility) toFloat(n num) float64 { return n.float() / e.denF }

// ceilScaled returns ⌈r·D⌉ for r ≥ 0 given as a float64 read as a decimal,
// clamped to [0, 2^127): the smallest numerator that reaches r.
func (e *exactUtility) ceilScaled(r float64) num {
	c, _ := e.ceilScaledExact(r)
	return c
}

// ceilScaledExact is ceilScaled that also reports whether r·D is an
// integer (so that a numerator above it is exactly the ones above r).
func (e *exactUtility) ceilScaledExact(r float64) (num, bool) {
	if !(r > 0) {
		return num{}, r == 0
	}
	q := Rat(r)
	if q == nil {
		return num{}, false
	}
	q.Mul(q, new(big.Rat).SetInt(e.den))
	c := new(big.Int).Quo(q.Num(), q.Denom())
	isInt := q.IsInt()
	if !isInt {
		c.Add(c, big.NewInt(1))
	}
	if c.BitLen() > 127 {
		c.Lsh(big.NewInt(1), 127)
	}
	return numOf(c), isInt
}

// scaledRat returns n/D as a rational.
func (e *exactUtility) scaledRat(n num) *big.Rat { return new(big.Rat).SetFrac(n.big(), e.den) }
