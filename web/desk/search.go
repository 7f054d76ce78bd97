package desk

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
)

// Search across everything the caller may read: the titles and mandates
// of its tracks, their meetings (titles and outcomes), the notes of those
// meetings, proposals (their rationale), texts (titles and the latest
// version's clauses), and agreements. Every record comes from the store
// under the caller's context, which applies the audience check: a record
// the caller may not read is never fetched, so it can never match.

// Search limits: the words of a query, and the results one page lists.
const (
	maxQueryRunes = 200
	maxResults    = 100
	snippetRunes  = 80
)

type searchPage struct {
	pageBase
	Query   string
	Results []searchResult
	More    bool // more than maxResults matched
	Problem string
}

type searchResult struct {
	Kind    string // in words
	Title   string
	Snippet string
	Path    string
}

func (d *Desk) showSearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := &searchPage{pageBase: newBase(r, i18n.M("Search")), Query: q}
	switch {
	case q == "":
	case utf8.RuneCountInString(q) > maxQueryRunes:
		data.Problem = data.T("A search is at most {n} characters.", "n", maxQueryRunes)
		data.Status = http.StatusBadRequest
	default:
		if err := d.search(r.Context(), data, strings.ToLower(q)); err != nil {
			return err
		}
	}
	return d.render(w, "search", data)
}

// search fills data with the records that contain q (in lower case).
func (d *Desk) search(ctx context.Context, data *searchPage, q string) error {
	add := func(kind, title, text, path string) bool {
		if len(data.Results) == maxResults {
			data.More = true
			return false
		}
		lower := strings.ToLower(text)
		i := strings.Index(lower, q)
		if i < 0 && !strings.Contains(strings.ToLower(title), q) {
			return true
		}
		r := searchResult{Kind: kind, Title: title, Path: path}
		if i >= 0 && text != title {
			r.Snippet = snippet(text, i, len(q))
		}
		data.Results = append(data.Results, r)
		return true
	}
	tracks, _, err := d.store.FindTracks(ctx, parley.TrackFilter{Page: parley.Page{Limit: parley.MaxLimit}})
	if err != nil {
		return err
	}
	for _, t := range tracks {
		tp := fmt.Sprintf("/tracks/%d", t.ID)
		if !add(data.T("Track"), t.Title, t.Title+" "+t.Mandate, tp) {
			return nil
		}
		meetings, _, err := d.store.FindMeetings(ctx, parley.MeetingFilter{TrackID: t.ID, Page: parley.Page{Limit: parley.MaxLimit}})
		if err != nil {
			return err
		}
		for _, m := range meetings {
			if !add(data.T("Meeting"), m.Title, m.Title+" "+m.Outcome, tp) {
				return nil
			}
			notes, err := d.store.FindNotes(ctx, m.ID)
			if err != nil {
				return err
			}
			for _, n := range notes {
				if !add(data.T("Meeting note"), m.Title, n.Text, fmt.Sprintf("%s/notes#meeting-%d", tp, m.ID)) {
					return nil
				}
			}
		}
		proposals, err := d.store.FindProposals(ctx, t.ID)
		if err != nil {
			return err
		}
		for _, p := range proposals {
			title := data.T("Proposal {id}", "id", fmt.Sprint(p.ID))
			if !add(data.T("Proposal"), title, p.Rationale, fmt.Sprintf("%s/proposals#proposal-%d", tp, p.ID)) {
				return nil
			}
		}
		texts, err := d.store.FindTexts(ctx, t.ID)
		if err != nil {
			return err
		}
		for _, x := range texts {
			var words []string
			versions, err := d.store.FindVersions(ctx, x.ID)
			if err != nil {
				return err
			}
			if n := len(versions); n > 0 {
				for _, c := range versions[n-1].Clauses {
					words = append(words, clauseText(c))
				}
			}
			if !add(data.T("Text"), x.Title, x.Title+" "+strings.Join(words, " "), fmt.Sprintf("/texts/%d", x.ID)) {
				return nil
			}
		}
		agreements, err := d.store.FindAgreements(ctx, t.ID)
		if err != nil {
			return err
		}
		for _, a := range agreements {
			if !add(data.T("Agreement"), a.Title, a.Title, fmt.Sprintf("/agreements/%d", a.ID)) {
				return nil
			}
		}
	}
	return nil
}

// snippet is the words around a match at byte i of length n in text.
func snippet(text string, i, n int) string {
	start, end := i, i+n
	for k := 0; k < snippetRunes/2 && start > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	for k := 0; k < snippetRunes/2 && end < len(text); k++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	out := text[start:end]
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}
