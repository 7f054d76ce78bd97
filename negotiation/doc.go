// Package negotiation is Parley's analysis core: outcome spaces, additive
// utilities, red lines, the exact Pareto frontier, the bargaining points, the
// zone of agreement and the red lines that block it.
//
// # Model
//
// A negotiation has issues (themes), each with discrete ordered options; a
// package (an [Outcome]) picks one option per issue, stored as one option index
// per issue. Every party has an additive utility
//
//	u_p(o) = Σ_i w_{p,i} · v_{p,i}(o_i),  Σ_i w_{p,i} = 1,  v_{p,i} ∈ [0,1],
//
// so u_p ∈ [0,1], a reservation value r_p (the disagreement point d_p), and
// red lines: a forbidden option, a required option, a cross-issue rule "if A is
// x then B must be in S", and a minimum utility. Non-additive forms implement
// [Utility] and are served by the brute-force reference ([BruteForce]).
//
// People write scenarios as name-keyed JSON ([Scenario], [DecodeScenario]);
// [Scenario.Compile] checks them and turns them into an index-based [Problem].
//
// # Algorithms
//
// [Problem.Frontier] computes the exact Pareto frontier without enumerating
// the space: only options undominated within their issue can appear, and
//
//	F(1..k) = ND( F(1..k−1) ⊕ issue k ),
//
// where ⊕ adds every option's utility vector to every point and ND keeps the
// undominated points. Red lines that touch one issue remove options first;
// cross-issue rules are handled exactly by splitting on the option
// combinations of the issues they touch and taking the undominated union;
// minimum-utility red lines filter the result (an undominated point of a
// superlevel set {u_p ≥ t} is an undominated point of the whole set that lies
// in it, and conversely). Each point keeps back-pointers (parent point,
// option) per merge level, so witnesses cost two int32 per point.
//
// [Frontier.Bargains] picks the Nash, Kalai–Smorodinsky, utilitarian and
// maximin points among the frontier points every party accepts.
//
// [Problem.CountZone] counts the packages every party accepts exactly, by
// depth-first search that prunes subtrees lying wholly inside or outside the
// zone, and beyond that by meet in the middle over two halves of the issues
// with dominance counting: 2-D for two parties (sort + Fenwick tree, exact to
// about 4·10^12 packages), 3-D for three (divide and conquer, to about
// 10^12). Beyond its reach it returns exact lower and upper bounds (from a
// level-by-level pruned search and from dynamic programmes over utilities
// rounded down and up to a grid) and a sampled estimate, each labelled:
// never an estimate presented as a count.
//
// [Problem.Blockers] ranks the single relaxations — one red line of one
// party dropped, one reservation lowered by a step — by the packages they
// open, and [Problem.Analyze] (or [Analyze] on a Scenario) runs everything
// and returns a [Report], which marshals to the JSON of `parley analyze
// --format json`.
//
// # Exact arithmetic
//
// Utilities are exact. Every input number is a rational: a float64 weight,
// value or reservation is read as the shortest decimal that prints as it
// ("0.3" is 3/10), and a GENIUS file's evaluations are divided by their
// maximum exactly ([ProfileSpec.Exact], [NewAdditive]). Each party's terms
// w_i·v_i(x) are then integers over one common denominator D_p, and each
// utility an integer numerator below 2^127 (exact.go): the merge, the
// filters, the zone count and the bargaining objectives compare exactly,
// with no tolerance, so a package another one beats for everyone is never
// shown as Pareto-optimal, a reservation written 0.3 accepts a package
// worth exactly 0.3 and no less, and ties are ties. Only when D_p would
// need more than 120 bits (not the case for any file of the ANAC
// collection: the largest needs 119) are the terms rounded to multiples of
// 2^−112, and [Additive.Exact] says so. Utilities are shown as the nearest
// float64 (within two ulps); [Frontier.ExactUtility] and
// [Additive.ExactUtility] give the rationals, and [Problem.Reference] is
// the brute-force reference in exact arithmetic the tests compare with.
//
// # Time budgets and cancellation
//
// [Problem.AnalyzeContext], [Problem.FrontierContext] and
// [Problem.CountZoneContext] take a context and a time budget. Every long
// loop polls an atomic flag set when the context is done, so an abandoned
// analysis returns ctx.Err() within milliseconds. Past the budget they
// finish with what is proved: an ε-frontier ([Frontier.Epsilon]: the merge
// thins each further level to a few thousand points, one per grid cell,
// and adds the cell size to ε), exact bounds on the zone with a labelled
// sampled estimate, and the blockers computed the same way; the report
// says so (Report.Complete, Report.Notes). Never nothing.
//
// # Joint analyses
//
// Nothing here assumes that the issues come from one scenario: a Problem
// over the union of several scenarios' issues, each party's utility an
// [Additive] over all of them (weight 0 on the issues of a track it does
// not care about, or weights scaled by how much each track matters to
// it, built exactly with [NewAdditive]), has the same exact frontier,
// bargaining points, zone and reference.
package negotiation
