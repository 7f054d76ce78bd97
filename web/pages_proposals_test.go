package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// TestProposalPages checks the proposals page of a track.
func TestProposalPages(t *testing.T) { testProposalPages(t, newDesk(t)) }

// testProposalPages: proposals of every audience and a response for
// Ukraine's ears; each delegate's page shows what its audience reads and
// its own party's utility only, the mediator's page everything.
func testProposalPages(t *testing.T, d *testDesk) {
	ctx := sysCtx
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	themes, err := d.store.FindThemes(ctx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	pkg := []parley.Choice{{Theme: themes[0].Name, Option: themes[0].Options[0].Label}}
	rationale := map[parley.Audience]string{
		parley.AudienceMediators: "QXM mediators only",
		parley.PartyAudience(ua): "QXM for Ukraine",
		parley.PartyAudience(ru): "QXM for Russia",
		parley.AudiencePlenary:   "QXM for everyone",
	}
	var plenary *parley.Proposal
	for a, text := range rationale {
		p := &parley.Proposal{TrackID: energy.ID, Audience: a, Package: pkg, Rationale: text}
		if err := d.store.CreateProposal(ctx, p); err != nil {
			t.Fatal(err)
		}
		if a == parley.AudiencePlenary {
			plenary = p
		}
	}
	if err := d.store.CreateResponse(ctx, &parley.ProposalResponse{ProposalID: plenary.ID, PartyID: &ua, Kind: parley.ResponseReject,
		Reasons: "QXM Kyiv's reasons", Audience: parley.PartyAudience(ua)}); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/tracks/%d/proposals", energy.ID)
	for _, tc := range []struct {
		email     string
		see, hide []string
	}{
		{"mediator@demo.parley", []string{"QXM mediators only", "QXM for Ukraine", "QXM for Russia", "QXM for everyone", "QXM Kyiv&#39;s reasons", "Ukraine 0.", "Russia 0."}, nil},
		{"ua@demo.parley", []string{"QXM for Ukraine", "QXM for everyone", "QXM Kyiv&#39;s reasons", "Worth: Ukraine 0."}, []string{"QXM mediators only", "QXM for Russia", "Russia 0."}},
		{"ru@demo.parley", []string{"QXM for Russia", "QXM for everyone", "Worth: Russia 0."}, []string{"QXM mediators only", "QXM for Ukraine", "Kyiv", "Ukraine 0."}},
	} {
		b := d.signIn(t, tc.email)
		status, body := b.get(page)
		if status != http.StatusOK {
			t.Fatalf("%s: GET %s: %d", tc.email, page, status)
		}
		for _, s := range tc.see {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the page lacks %q", tc.email, s)
			}
		}
		for _, s := range tc.hide {
			if strings.Contains(body, s) {
				t.Errorf("%s: the page shows %q", tc.email, s)
			}
		}
	}
}
