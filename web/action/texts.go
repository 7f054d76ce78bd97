package action

import (
	"context"
	"strings"

	"github.com/parley-talks/parley"
)

// The single negotiating text: texts of a track and their numbered
// versions, drafts until frozen. The store applies the text's audience to
// every version and lets only the track's mediators write.

// TextInput starts a negotiating text.
type TextInput struct {
	Title    string          `json:"title"`
	Audience parley.Audience `json:"audience"`
}

// StartText starts a negotiating text on a track with its audience.
func (a *Actions) StartText(ctx context.Context, trackID int64, in TextInput) (*parley.NegotiatingText, error) {
	t := &parley.NegotiatingText{TrackID: trackID, Title: strings.TrimSpace(in.Title), Audience: in.Audience}
	return t, a.Store.CreateText(ctx, t)
}

// ClausesInput is a version's clauses.
type ClausesInput struct {
	Clauses []parley.Clause `json:"clauses"`
}

// AddVersion starts a text's next version, a draft.
func (a *Actions) AddVersion(ctx context.Context, textID int64, in ClausesInput) (*parley.TextVersion, error) {
	return a.Store.CreateVersion(ctx, textID, in.Clauses)
}

// ReplaceDraft replaces a draft's clauses; a frozen version never changes.
func (a *Actions) ReplaceDraft(ctx context.Context, versionID int64, in ClausesInput) (*parley.TextVersion, error) {
	return a.Store.UpdateVersion(ctx, versionID, in.Clauses)
}

// VersionUpdate freezes a draft.
type VersionUpdate struct {
	Frozen bool `json:"frozen"` // true
}

// FreezeVersion freezes a draft into an immutable snapshot.
func (a *Actions) FreezeVersion(ctx context.Context, versionID int64, in VersionUpdate) (*parley.TextVersion, error) {
	if !in.Frozen {
		return nil, parley.Errorf(parley.EINVALID, "frozen", "a version can only be frozen (frozen true); a frozen one never thaws")
	}
	return a.Store.FreezeVersion(ctx, versionID)
}

// MarkupInput is a version's clauses in the text page's markup (see
// ParseClauses).
type MarkupInput struct {
	Clauses string `json:"clauses"`
}

// WriteMarkup writes the clauses of the markup into the text's draft, or
// starts the next version when the latest one is frozen (or there is
// none). Sponsors are named by the track's party names, options by its
// themes' (Markup).
func (a *Actions) WriteMarkup(ctx context.Context, textID int64, in MarkupInput) (*parley.TextVersion, error) {
	text, err := a.Store.FindTextByID(ctx, textID)
	if err != nil {
		return nil, err
	}
	if !parley.CallerFromContext(ctx).CanEditTrack(text.TrackID) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "", "only the track's mediators write its texts")
	}
	t, err := a.Store.FindTrackByID(ctx, text.TrackID)
	if err != nil {
		return nil, err
	}
	names, err := a.PartyNames(ctx)
	if err != nil {
		return nil, err
	}
	themes, err := a.Store.FindThemes(ctx, text.TrackID)
	if err != nil {
		return nil, err
	}
	m := Markup{Parties: map[string]int64{}, Options: map[string]map[string]bool{}}
	for _, p := range t.Parties {
		m.Parties[names[p.PartyID]] = p.PartyID
	}
	for _, th := range themes {
		m.Options[th.Name] = map[string]bool{}
		for _, o := range th.Options {
			m.Options[th.Name][o.Label] = true
		}
	}
	clauses, err := m.Parse(in.Clauses)
	if err != nil {
		return nil, err
	}
	versions, err := a.Store.FindVersions(ctx, textID)
	if err != nil {
		return nil, err
	}
	n := len(versions)
	if n > 0 {
		keepLanguages(clauses, versions[n-1].Clauses)
	}
	if n > 0 && versions[n-1].FrozenAt == nil {
		return a.Store.UpdateVersion(ctx, versions[n-1].ID, clauses)
	}
	return a.Store.CreateVersion(ctx, textID, clauses)
}

// keepLanguages gives each plain clause of the markup the versions in
// other languages that the same clause (the same text) had in base: the
// markup writes one language, and an edit of other clauses must not drop
// a clause's parallel versions. A clause whose text changed loses them:
// its versions no longer say the same thing.
func keepLanguages(clauses, base []parley.Clause) {
	byText := map[string]*parley.Clause{}
	for i := range base {
		if len(base[i].Versions) > 0 {
			byText[base[i].Text] = &base[i]
		}
	}
	for i := range clauses {
		c := &clauses[i]
		if b := byText[c.Text]; b != nil && c.Text != "" && c.Lang == "" {
			c.Lang, c.Authentic = b.Lang, b.Authentic
			c.Versions = append([]parley.ClauseVersion(nil), b.Versions...)
		}
	}
}

// PartyNames returns every party's name by ID.
func (a *Actions) PartyNames(ctx context.Context) (map[int64]string, error) {
	names := map[int64]string{}
	for offset := 0; ; offset += parley.MaxLimit {
		ps, total, err := a.Store.FindParties(ctx, parley.Page{Offset: offset, Limit: parley.MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			names[p.ID] = p.Name
		}
		if offset+parley.MaxLimit >= total {
			return names, nil
		}
	}
}
