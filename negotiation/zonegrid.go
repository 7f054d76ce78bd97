package negotiation

import (
	"math"
	"math/big"
	"math/bits"
)

// gridBounds bounds the branch's count by two dynamic programmes over
// utilities rounded to a grid of step 1/G: with every term rounded down,
// a package whose rounded sums reach ⌈(t_p + ε)·G⌉ for every party is surely
// accepted (its true sums are no smaller), so their number is a lower
// bound; with every term rounded up, every accepted package reaches
// ⌈(t_p − ε)·G⌉, so their number is an upper bound. ε = boundSlack guards
// against the float sums' rounding. The programme keeps one 128-bit count
// per grid state (s_1, …, s_n), s_p ∈ [0, T_p], saturating at T_p, as W
// 64-bit words (enough for the branch's size), and adds one issue at a time:
// O(K · m · S · (n + W)) time for S ≤ cap states. The gap between the
// bounds shrinks like K/G. ok is false when the grid would be too coarse.
func (z *zoneBranch) gridBounds(cap int, st *stopper) (lower, upper *big.Int, ok bool) {
	top := 0.0
	for _, t := range z.thrF {
		top = max(top, t)
	}
	if top <= 0 {
		return nil, nil, false
	}
	side := math.Floor(math.Pow(float64(cap), 1/float64(z.n)))
	G := math.Floor((side - 2) / (top + boundSlack))
	if G < 8 {
		return nil, nil, false
	}
	lower, upper = z.gridCount(G, false, st), z.gridCount(G, true, st)
	return lower, upper, lower != nil && upper != nil
}

// gridCount runs one programme of gridBounds: terms rounded up when up is
// set, down otherwise.
func (z *zoneBranch) gridCount(G float64, up bool, st *stopper) *big.Int {
	n := z.n
	T := make([]int, n)
	stride := make([]int, n)
	S := 1
	for p := n - 1; p >= 0; p-- {
		// Rounded down, sums above (t_p − 1)/D_p (with the slack) prove
		// N_p ≥ t_p; rounded up, every accepted package reaches t_p/D_p.
		t := z.belowF[p] + boundSlack
		if z.thr[p] == (num{}) {
			t = 0
		}
		if up {
			t = z.thrF[p] - 2*boundSlack
		}
		T[p] = max(int(math.Ceil(t*G)), 0)
		stride[p] = S
		S *= T[p] + 1
	}
	W := z.suffix[0].BitLen()/64 + 1
	cur, nxt := make([]uint64, S*W), make([]uint64, S*W)
	cur[0] = 1
	shift := make([]int, n)
	s := make([]int, n)
	for i := range z.opts {
		if st.done() {
			return nil
		}
		clear(nxt)
		for j := range z.opts[i] {
			for p := range n {
				x := z.termsF[i][j*n+p] * G
				if up {
					shift[p] = int(math.Ceil(x))
				} else {
					shift[p] = int(math.Floor(x))
				}
			}
			clear(s)
			for idx := range S {
				from := cur[idx*W : idx*W+W]
				if !allZero(from) {
					to := 0
					for p := range n {
						to += min(s[p]+shift[p], T[p]) * stride[p]
					}
					dst := nxt[to*W : to*W+W]
					var c uint64
					for w := range W {
						dst[w], c = bits.Add64(dst[w], from[w], c)
					}
				}
				// Next state in row-major order (last party fastest).
				for p := n - 1; p >= 0; p-- {
					s[p]++
					if s[p] <= T[p] {
						break
					}
					s[p] = 0
				}
			}
		}
		cur, nxt = nxt, cur
	}
	r := new(big.Int)
	for w := W - 1; w >= 0; w-- {
		r.Lsh(r, 64)
		r.Or(r, new(big.Int).SetUint64(cur[(S-1)*W+w]))
	}
	return r
}

func allZero(x []uint64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}
