package desk

import (
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/web/plot"
	"github.com/parley-talks/parley/web/problem"
)

// TestLocalPath: a sign-in leads to a path of this site only.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/tracks/1?x=2":        "/tracks/1?x=2",
		"//evil.example/x":     "/map",
		"/\\evil.example":      "/map",
		"https://evil.example": "/map",
		"":                     "/map",
		"tracks/1":             "/map",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTemplatesParse: every page's template parses with the layout, in
// every language.
func TestTemplatesParse(t *testing.T) {
	ts, err := templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Supported {
		for _, name := range []string{"agreement", "analysis", "ballot", "children", "joint", "error", "exchange", "map", "profile", "profiles", "proposals", "signin", "text", "track", "trust"} {
			if ts[l][name] == nil {
				t.Errorf("%s: no template %q", l, name)
			}
		}
	}
}

var (
	templateAction   = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	templateVerbatim = regexp.MustCompile(`(?s)<(code|pre)\b.*?</(code|pre)>`)
	htmlTag          = regexp.MustCompile(`(?s)<[^>]*>`)
	shownAttribute   = regexp.MustCompile(`\b(aria-label|title|placeholder|alt|label)="([^"]*)"`)
	letters          = regexp.MustCompile(`\p{L}+`)
)

// templateWords are the words a template may write as they are, in every
// language: the product's name, the bargaining points' marks on the plot
// and the names of file formats.
var templateWords = []string{"Parley", "N", "KS", "U", "M", "d", "PDF", "Markdown", "HTML"}

// TestTemplatesSayNothingUntranslated: every word a template writes goes
// through the printer (t, n, word…): outside the actions, a template holds
// markup, punctuation and the few words of templateWords only — in text
// and in the attributes a reader sees or hears. Code samples (<code>,
// <pre>) are syntax, not words.
func TestTemplatesSayNothingUntranslated(t *testing.T) {
	names, err := fs.Glob(templateFS, "ui/templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		data, err := templateFS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		s := templateAction.ReplaceAllString(string(data), " ")
		s = templateVerbatim.ReplaceAllString(s, " ")
		for _, m := range shownAttribute.FindAllStringSubmatch(s, -1) {
			for _, w := range letters.FindAllString(m[2], -1) {
				if !slices.Contains(templateWords, w) {
					t.Errorf("%s: attribute %s says %q untranslated", n, m[1], m[2])
				}
			}
		}
		for _, line := range strings.Split(htmlTag.ReplaceAllString(s, "\n"), "\n") {
			for _, w := range letters.FindAllString(line, -1) {
				if !slices.Contains(templateWords, w) {
					t.Errorf("%s: %q untranslated", n, strings.TrimSpace(line))
					break
				}
			}
		}
	}
}

// TestWordsCoverTheDomain: every value of the domain a page shows has its
// word (i18n.DomainWords and the desk's own lists), and every word is
// translated into Ukrainian and Russian.
func TestWordsCoverTheDomain(t *testing.T) {
	declared := map[string]bool{}
	for _, list := range append(slices.Clone(i18n.DomainWords), bargainingPoints, errorWords, httpTitles, strategyWords, linkStatusWords) {
		for _, k := range list {
			declared[k] = true
		}
	}
	want := func(context string, values ...string) {
		for _, v := range values {
			if !declared[context+"::"+v] {
				t.Errorf("no word for %s %q", context, v)
			}
		}
	}
	each := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	want(i18n.TrackStatus, each(len(parley.Statuses), func(i int) string { return string(parley.Statuses[i]) })...)
	want(i18n.PartyRole, each(len(parley.PartyRoles), func(i int) string { return string(parley.PartyRoles[i]) })...)
	want(i18n.AgreementStatus, each(len(parley.AgreementStatuses), func(i int) string { return string(parley.AgreementStatuses[i]) })...)
	want(i18n.Finding, each(len(parley.Findings), func(i int) string { return string(parley.Findings[i]) })...)
	want(i18n.Reliability, each(len(parley.Reliabilities), func(i int) string { return string(parley.Reliabilities[i]) })...)
	want(i18n.ChildStage, each(len(parley.ChildStages), func(i int) string { return string(parley.ChildStages[i]) })...)
	want(i18n.Score, parley.ScoreNames[:]...)
	want(i18n.MemberRole, string(parley.MemberMediator), string(parley.MemberDelegate), string(parley.MemberObserver), string(parley.MemberVerifier))
	want(i18n.MeetingFormat, string(parley.FormatPlenary), string(parley.FormatCaucus), string(parley.FormatShuttle))
	want(i18n.BallotOutcome, string(parley.BallotPending), string(parley.BallotAccepted), string(parley.BallotNotAccepted))
	want(i18n.ClauseStatus, string(parley.ClauseOpen), string(parley.ClauseBracketed), string(parley.ClauseAgreedAdReferendum), string(parley.ClauseAgreed), string(parley.ClauseDropped))
	want(i18n.Recurrence, string(parley.RecurDaily), string(parley.RecurWeekly), string(parley.RecurMonthly), string(parley.RecurQuarterly))
	want(i18n.PrisonerStatus, string(parley.PrisonerMilitary), string(parley.PrisonerCivilian))
	want(i18n.ExchangeTerms, string(parley.TermsAllForAll), string(parley.TermsNForN))
	want(i18n.ProposalStatus, string(parley.ProposalOpen), string(parley.ProposalWithdrawn), string(parley.ProposalSuperseded))
	want(i18n.ResponseKind, string(parley.ResponseAccept), string(parley.ResponseReject), string(parley.ResponseCounter))
	want(i18n.LinkKind, string(parley.LinkPackage), string(parley.LinkSequence), string(parley.LinkCondition))
	want("link status", string(parley.LinkActive), string(parley.LinkDissolved))
	want("strategy", StrategyChoices...)
	for _, m := range plot.Marks(&negotiation.Report{}) {
		want("bargaining point", m.Name)
	}
	for _, code := range []string{parley.EINVALID, parley.ENOTFOUND, parley.ECONFLICT, parley.EUNAUTHORIZED, parley.EFORBIDDEN,
		parley.ETOOMANYREQUEST, parley.EUNAVAILABLE, parley.EINTERNAL} {
		want("http status", http.StatusText(problem.StatusOf(code)))
	}
	for k := range declared {
		for _, l := range []i18n.Lang{i18n.Ukrainian, i18n.Russian} {
			if !i18n.Has(l, k) {
				t.Errorf("%s: no translation of %q", l, k)
			}
		}
	}
}
