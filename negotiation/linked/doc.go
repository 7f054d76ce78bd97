// Package linked is the joint analysis of linked tracks: several tracks'
// scenarios analysed as one negotiation, with each party's cross-track
// weights, exactly and without enumerating the product of their spaces.
//
// # Model
//
// A joint package picks one package per track. Party p's joint utility is
//
//	U_p = Σ_t ŵ_{p,t} · u_{p,t},   ŵ_{p,t} = w_{p,t} / Σ_s w_{p,s},
//
// where u_{p,t} is its utility on track t (0 on a track it is not on) and
// w_{p,t} ≥ 0 says how much track t matters to it ([Weights]). Every red
// line of every track holds in the joint analysis (each speaks of one
// track's themes; a minimum utility bounds u_{p,t}, not U_p). A party's
// track reservations combine into its joint disagreement value
// d_p = Σ_t ŵ_{p,t}·r_{p,t}: no agreement on any track. The joint zone is
// the joint packages that cross no red line with U_p ≥ d_p for all p —
// a party may fall below its reservation on one track for more on another,
// which is how linking opens a zone that no track has alone.
//
// # Algorithms
//
// The joint frontier is the max-plus merge of the tracks' exact frontiers,
// ND(F_1 ⊕ … ⊕ F_T) (formula, proof sketch, the two routes that compute it
// and their cost in frontier.go), and
// the Nash and Kalai–Smorodinsky points are chosen on it with
// negotiation.Frontier.Bargains, exactly. The value of linkage compares
// each party's U_p at the joint Nash point with settling each track alone
// (its own Nash point, or no agreement where it has no zone); the
// logrolling report says who concedes on which theme for which
// ([Report.Themes], [Report.Trades], [Report.Shares]); [Joint.Unlink] and
// [Joint.WithWeight] are the what-ifs. The zone's count, when asked, is
// negotiation.Problem.CountZone over the union of the tracks' themes
// (zone.go), and [Blocker] lists the red lines whose dropping opens the
// joint zone or raises the joint Nash product.
//
// Two parties or more: the merge is negotiation's, O(N) per step in the
// candidates for two parties, O(N log N) for three and O(N·K) beyond, where
// N is the product of the merged frontiers' sizes — small next to the
// product of the spaces (two tracks of 10⁶ packages with frontiers of
// 20 to 550 points: 10³ to 3·10⁵ candidates against 10¹²).
//
// [Joint.Reference] is the brute-force reference in exact arithmetic that
// the tests compare with on every small random linked scenario.
package linked
