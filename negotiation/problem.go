package negotiation

import (
	"fmt"
	"math/big"
	"strconv"
	"sync"
)

// Issue is one theme with its ordered options.
type Issue struct {
	Name    string
	Options []string
}

// Outcome is a package: Outcome[i] is the index of the option chosen for
// issue i.
type Outcome []int

// Utility is a party's utility over packages, in [0,1]. Additive implements
// it; other forms may, and are then analysed by the brute-force reference.
type Utility interface {
	Utility(o Outcome) float64
}

// Additive is an additive utility: u(o) = Σ_i Weights[i] · Values[i][o[i]],
// computed exactly (see exact.go): the float64 weights and values are read
// as the decimals they print as, unless the utility was built by
// NewAdditive from exact rationals. An Additive is used through a pointer
// and must not be changed once an analysis has used it.
type Additive struct {
	Weights []float64   // per issue, ≥ 0, summing to 1
	Values  [][]float64 // per issue and option, in [0,1]

	once sync.Once
	ex   *exactUtility
	err  error
}

// Utility returns u(o), computed exactly and rounded to a float64 (within
// two ulps), in O(len(o)).
func (a *Additive) Utility(o Outcome) float64 {
	e := a.exact()
	return e.toFloat(e.sum(o))
}

// ConstraintKind says what a Constraint forbids.
type ConstraintKind uint8

// Constraint kinds; see RedLine for their meaning.
const (
	Forbid ConstraintKind = iota + 1
	Require
	Rule
	MinUtility
)

// Constraint is a compiled red line of one party.
type Constraint struct {
	Kind   ConstraintKind
	Issue  int     // Forbid, Require; Rule: the "if" issue
	Option int     // Forbid, Require; Rule: the "if" option
	Then   int     // Rule: the issue that is then restricted
	In     []bool  // Rule: In[x] reports whether option x of Then is allowed
	Min    float64 // MinUtility
}

// Party is one compiled profile.
type Party struct {
	Name        string
	Utility     *Additive
	Reservation float64
	RedLines    []Constraint
}

// Problem is a compiled scenario: issues and parties by index.
type Problem struct {
	Name    string
	Issues  []Issue
	Parties []Party
}

// Size returns the number of packages, Π_i |options_i| (before red lines).
func (p *Problem) Size() *big.Int {
	n := big.NewInt(1)
	for _, is := range p.Issues {
		n.Mul(n, big.NewInt(int64(len(is.Options))))
	}
	return n
}

// Reservations returns the disagreement point d (each party's reservation).
func (p *Problem) Reservations() []float64 {
	d := make([]float64, len(p.Parties))
	for i, pa := range p.Parties {
		d[i] = pa.Reservation
	}
	return d
}

// Describe returns a human description of c in p's names, e.g.
// `forbid Energy = none`. It quotes no sealed number except a min_utility
// threshold, which the caller shows to mediators only.
func (p *Problem) Describe(c Constraint) string {
	name := func(i, x int) string { return p.Issues[i].Name + " = " + p.Issues[i].Options[x] }
	switch c.Kind {
	case Forbid:
		return "forbid " + name(c.Issue, c.Option)
	case Require:
		return "require " + name(c.Issue, c.Option)
	case Rule:
		s := "if " + name(c.Issue, c.Option) + " then " + p.Issues[c.Then].Name + " in {"
		first := true
		for x, ok := range c.In {
			if ok {
				if !first {
					s += ", "
				}
				s += p.Issues[c.Then].Options[x]
				first = false
			}
		}
		return s + "}"
	case MinUtility:
		return "minimum utility " + strconv.FormatFloat(c.Min, 'g', -1, 64)
	}
	panic(fmt.Sprintf("negotiation: unknown constraint kind %d", c.Kind))
}

// Feasible reports whether o crosses no red line of any party (reservation
// values aside), comparing utilities exactly. Cost O(red lines +
// parties·issues), plus the exact thresholds of minimum-utility red lines.
func (p *Problem) Feasible(o Outcome) bool {
	for _, pa := range p.Parties {
		e := pa.Utility.exact()
		for _, c := range pa.RedLines {
			switch c.Kind {
			case Forbid:
				if o[c.Issue] == c.Option {
					return false
				}
			case Require:
				if o[c.Issue] != c.Option {
					return false
				}
			case Rule:
				if o[c.Issue] == c.Option && !c.In[o[c.Then]] {
					return false
				}
			case MinUtility:
				if e.sum(o).less(e.ceilScaled(c.Min)) {
					return false
				}
			}
		}
	}
	return true
}

// Accepts reports whether every party accepts o: no red line crossed and
// u_p(o) ≥ r_p for every party, exactly.
func (p *Problem) Accepts(o Outcome) bool { return p.acceptor()(o) }

// acceptor returns Accepts with the parties' exact thresholds computed once.
func (p *Problem) acceptor() func(Outcome) bool {
	thr := p.thresholds()
	return func(o Outcome) bool {
		if !p.Feasible(o) {
			return false
		}
		for k, pa := range p.Parties {
			if pa.Utility.exact().sum(o).less(thr[k]) {
				return false
			}
		}
		return true
	}
}

// validate checks the invariants Compile establishes, for Problems built by
// hand. It returns an error prefixed with the package name.
func (p *Problem) validate() error {
	if len(p.Issues) == 0 {
		return fmt.Errorf("negotiation: problem has no issues")
	}
	if len(p.Parties) == 0 {
		return fmt.Errorf("negotiation: problem has no parties")
	}
	for i, is := range p.Issues {
		if len(is.Options) == 0 {
			return fmt.Errorf("negotiation: issue %d (%q) has no options", i, is.Name)
		}
	}
	for k, pa := range p.Parties {
		a := pa.Utility
		if a == nil || len(a.Weights) != len(p.Issues) || len(a.Values) != len(p.Issues) {
			return fmt.Errorf("negotiation: party %d (%q): utility does not match the issues", k, pa.Name)
		}
		for i := range p.Issues {
			if len(a.Values[i]) != len(p.Issues[i].Options) {
				return fmt.Errorf("negotiation: party %d (%q): values of issue %d do not match its options", k, pa.Name, i)
			}
		}
		if err := a.check(); err != nil {
			return fmt.Errorf("negotiation: party %d (%q): %w", k, pa.Name, err)
		}
		if Rat(pa.Reservation) == nil {
			return fmt.Errorf("negotiation: party %d (%q): reservation must be finite", k, pa.Name)
		}
		for r, c := range pa.RedLines {
			bad := false
			switch c.Kind {
			case Forbid, Require:
				bad = c.Issue < 0 || c.Issue >= len(p.Issues) || c.Option < 0 || c.Option >= len(p.Issues[c.Issue].Options)
			case Rule:
				bad = c.Issue < 0 || c.Issue >= len(p.Issues) || c.Option < 0 || c.Option >= len(p.Issues[c.Issue].Options) ||
					c.Then < 0 || c.Then >= len(p.Issues) || c.Then == c.Issue || len(c.In) != len(p.Issues[c.Then].Options)
			case MinUtility:
				bad = Rat(c.Min) == nil
			default:
				bad = true
			}
			if bad {
				return fmt.Errorf("negotiation: party %d (%q): red line %d is malformed", k, pa.Name, r)
			}
		}
	}
	return nil
}
