package parley

import (
	"slices"
	"strings"
)

// Concession compares one of a party's proposals with its previous one on
// the same track: the themes that moved, and what the moves are worth in the
// party's own utility (its latest profile, ProfileContent.Utility's scale).
// A negative change is something given up, a positive one something gained
// in return. Concessions are shown to the party and the mediators only;
// Toward names only the parties whose profiles the caller reads, so a
// delegate sees its own utility and never another party's.
type Concession struct {
	PartyID        int64       `json:"party_id"`
	FromProposalID int64       `json:"from_proposal_id"`
	ToProposalID   int64       `json:"to_proposal_id"`
	Moves          []ThemeMove `json:"moves"`
	Change         float64     `json:"change"` // Σ of the moves' changes
}

// ThemeMove is one theme whose option changed between two proposals. From
// or To is "" where the proposal left the theme open.
type ThemeMove struct {
	Theme  string  `json:"theme"`
	From   string  `json:"from"`
	To     string  `json:"to"`
	Change float64 `json:"change"` // in the moving party's own utility
	// Toward lists the other parties whose utility on the theme rises with
	// the move, by ID, among the profiles the caller may read.
	Toward []int64 `json:"toward"`
}

// Concessions compares each of the party's proposals in proposals (in
// order, those of other authors skipped) with its previous one, valuing the
// moves under the profiles given; own must be the party's profile. Pure:
// the store supplies what the caller may read.
func Concessions(partyID int64, proposals []*Proposal, own *ProfileContent, others []*Profile) []Concession {
	out := []Concession{}
	var prev *Proposal
	for _, p := range proposals {
		if p.AuthorPartyID == nil || *p.AuthorPartyID != partyID {
			continue
		}
		if prev != nil {
			out = append(out, compareProposals(partyID, prev, p, own, others))
		}
		prev = p
	}
	return out
}

func compareProposals(partyID int64, from, to *Proposal, own *ProfileContent, others []*Profile) Concession {
	c := Concession{PartyID: partyID, FromProposalID: from.ID, ToProposalID: to.ID, Moves: []ThemeMove{}}
	options := func(pkg []Choice) map[string]string {
		m := make(map[string]string, len(pkg))
		for _, ch := range pkg {
			m[ch.Theme] = ch.Option
		}
		return m
	}
	a, b := options(from.Package), options(to.Package)
	var themes []string
	for t := range a {
		themes = append(themes, t)
	}
	for t := range b {
		if _, ok := a[t]; !ok {
			themes = append(themes, t)
		}
	}
	slices.SortFunc(themes, strings.Compare)
	// worth is what one theme's option adds to a profile's utility.
	worth := func(pc *ProfileContent, theme, option string) float64 {
		if option == "" {
			return 0
		}
		return pc.Utility([]Choice{{Theme: theme, Option: option}})
	}
	for _, t := range themes {
		if a[t] == b[t] {
			continue
		}
		m := ThemeMove{Theme: t, From: a[t], To: b[t], Change: worth(own, t, b[t]) - worth(own, t, a[t]), Toward: []int64{}}
		for _, o := range others {
			if o.PartyID != partyID && worth(&o.Content, t, b[t]) > worth(&o.Content, t, a[t]) {
				m.Toward = append(m.Toward, o.PartyID)
			}
		}
		c.Moves = append(c.Moves, m)
		c.Change += m.Change
	}
	return c
}
