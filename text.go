package parley

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ClauseStatus is where a clause of a negotiating text stands.
type ClauseStatus string

const (
	ClauseOpen               ClauseStatus = "open"
	ClauseBracketed          ClauseStatus = "bracketed"
	ClauseAgreedAdReferendum ClauseStatus = "agreed ad referendum" // agreed by the delegations, pending their capitals
	ClauseAgreed             ClauseStatus = "agreed"
	ClauseDropped            ClauseStatus = "dropped"
)

// Limits of a negotiating text.
const (
	MaxClauses        = 500 // clauses of one version
	MaxAlternatives   = 20  // alternatives of one clause
	MaxClauseVersions = 5   // languages of one clause beside its own
)

// NegotiatingText is the single negotiating text of a track: a title and
// numbered versions of clauses. Its Audience says who reads it and all its
// versions (Caller.CanRead); only the mediators write it. The title is map
// data, not sealed; the clauses of every version are.
type NegotiatingText struct {
	ID        int64     `json:"id"`
	TrackID   int64     `json:"track_id"`
	Title     string    `json:"title"`
	Audience  Audience  `json:"audience"`
	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the fields a caller sets.
func (t *NegotiatingText) Validate() error {
	if t.TrackID <= 0 {
		return Errorf(EINVALID, "track_id", "track_id must be a positive id")
	}
	if err := checkName("title", t.Title); err != nil {
		return err
	}
	return t.Audience.Validate("audience")
}

// Clause is one clause of a version: plain Text, or bracketed with
// Alternatives (contested language, each with its sponsors and possibly
// bound to a theme's option, so that choosing the option resolves the
// bracket).
//
// A plain clause of a text negotiated in several languages carries its
// parallel versions: Text is in Lang, each of Versions in its own
// language, and Authentic names the language whose wording prevails (one
// of them). A clause with versions has a Lang and an Authentic.
type Clause struct {
	Text         string          `json:"text,omitempty"`
	Alternatives []Alternative   `json:"alternatives,omitempty"`
	Status       ClauseStatus    `json:"status"`
	Lang         string          `json:"lang,omitempty"`      // the language of Text, a BCP 47 tag ("uk")
	Versions     []ClauseVersion `json:"versions,omitempty"`  // the clause in other languages
	Authentic    string          `json:"authentic,omitempty"` // the language whose version is authentic
}

// ClauseVersion is a clause's wording in another language.
type ClauseVersion struct {
	Lang string `json:"lang"` // a BCP 47 tag
	Text string `json:"text"`
}

// InLanguages are the clause's wordings by language, its own first, each
// once: what a page shows side by side.
func (c Clause) InLanguages() []ClauseVersion {
	if c.Lang == "" {
		return nil
	}
	return append([]ClauseVersion{{Lang: c.Lang, Text: c.Text}}, c.Versions...)
}

// languageTag is the shape of a BCP 47 tag: a language and optional
// subtags ("uk", "sr-Latn").
var languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// CheckLanguageTag checks that tag has the shape of a BCP 47 language tag
// ("uk", "ru-UA", "sr-Latn"): EINVALID naming field otherwise.
func CheckLanguageTag(field, tag string) error {
	if len(tag) > 35 || !languageTag.MatchString(tag) {
		return Errorf(EINVALID, field, "%q is not a language tag like uk or ru", tag)
	}
	return nil
}

// checkLanguages checks a clause's languages: a plain clause's, each a tag,
// none twice, and the authentic one among them.
func (c *Clause) checkLanguages(field string) error {
	if c.Lang == "" && len(c.Versions) == 0 && c.Authentic == "" {
		return nil
	}
	if len(c.Alternatives) > 0 {
		return Errorf(EINVALID, field, "a bracketed clause has no versions in other languages; resolve it to one text first")
	}
	if len(c.Versions) > MaxClauseVersions {
		return Errorf(EINVALID, field, "a clause has at most %d versions in other languages", MaxClauseVersions)
	}
	seen := map[string]bool{}
	for _, v := range c.InLanguages() {
		if err := CheckLanguageTag(field, v.Lang); err != nil {
			return err
		}
		switch {
		case seen[v.Lang]:
			return Errorf(EINVALID, field, "the clause is in %s twice", v.Lang)
		case v.Text == "":
			return Errorf(EINVALID, field, "the clause's version in %s needs a text", v.Lang)
		}
		if err := checkText(field, v.Text); err != nil {
			return err
		}
		seen[v.Lang] = true
	}
	if c.Lang == "" {
		return Errorf(EINVALID, field, "a clause with versions in other languages names the language of its text (lang)")
	}
	if len(c.Versions) > 0 && !seen[c.Authentic] {
		return Errorf(EINVALID, field, "authentic must name one of the clause's languages (%s), not %q", c.Lang, c.Authentic)
	}
	if len(c.Versions) == 0 && c.Authentic != "" && c.Authentic != c.Lang {
		return Errorf(EINVALID, field, "authentic must name one of the clause's languages (%s), not %q", c.Lang, c.Authentic)
	}
	return nil
}

// Alternative is one candidate wording of a bracketed clause.
type Alternative struct {
	Text     string  `json:"text"`
	Theme    string  `json:"theme,omitempty"`  // with Option: the theme option it stands for
	Option   string  `json:"option,omitempty"` //
	Sponsors []int64 `json:"sponsors"`         // the parties that put it forward
}

// Validate checks a clause on its own; the store checks themes and sponsors
// against the track (CheckClauses).
func (c *Clause) Validate(field string) error {
	bracketed := len(c.Alternatives) > 0
	switch c.Status {
	case ClauseOpen, ClauseDropped:
	case ClauseBracketed:
		if len(c.Alternatives) < 2 {
			return Errorf(EINVALID, field, "a bracketed clause has at least two alternatives")
		}
	case ClauseAgreed, ClauseAgreedAdReferendum:
		if bracketed {
			return Errorf(EINVALID, field, "a clause with alternatives in brackets cannot be %s; resolve it to one text first", c.Status)
		}
	default:
		return Errorf(EINVALID, field, "unknown status %q (want open, bracketed, agreed ad referendum, agreed or dropped)", c.Status)
	}
	if bracketed == (c.Text != "") {
		return Errorf(EINVALID, field, "a clause is either plain text or alternatives in brackets")
	}
	if len(c.Alternatives) > MaxAlternatives {
		return Errorf(EINVALID, field, "a clause has at most %d alternatives", MaxAlternatives)
	}
	if err := checkText(field, c.Text); err != nil {
		return err
	}
	for _, a := range c.Alternatives {
		if a.Text == "" {
			return Errorf(EINVALID, field, "an alternative needs a text")
		}
		if err := checkText(field, a.Text); err != nil {
			return err
		}
		if (a.Theme == "") != (a.Option == "") {
			return Errorf(EINVALID, field, "an alternative is bound to a theme and an option, or to neither")
		}
	}
	return c.checkLanguages(field)
}

// CheckClauses checks clauses against the track: each one on its own, the
// themes and options alternatives are bound to, and their sponsors among
// the parties given.
func CheckClauses(clauses []Clause, themes []*Theme, parties map[int64]bool) error {
	if len(clauses) > MaxClauses {
		return Errorf(EINVALID, "clauses", "a version has at most %d clauses", MaxClauses)
	}
	for i := range clauses {
		field := fmt.Sprintf("clauses[%d]", i)
		if err := clauses[i].Validate(field); err != nil {
			return err
		}
		for _, a := range clauses[i].Alternatives {
			if a.Theme != "" {
				if err := CheckPackage(field, []Choice{{Theme: a.Theme, Option: a.Option}}, themes); err != nil {
					return err
				}
			}
			for _, p := range a.Sponsors {
				if !parties[p] {
					return Errorf(EINVALID, field, "sponsor %d is not a party of this track", p)
				}
			}
		}
	}
	return nil
}

// TextVersion is one numbered version of a negotiating text. A version is a
// draft until it is frozen; a frozen version is an immutable snapshot, and
// the next change starts the next version.
type TextVersion struct {
	ID        int64      `json:"id"`
	TextID    int64      `json:"text_id"`
	TrackID   int64      `json:"track_id"`
	Number    int        `json:"number"` // 1, 2, …
	Clauses   []Clause   `json:"clauses"`
	FrozenAt  *time.Time `json:"frozen_at,omitempty"`
	CreatedBy *int64     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Counts    TextCounts `json:"counts"` // set by the store
}

// TextCounts are the figures delegations track per version. Under "nothing
// is agreed until everything is agreed" the text is Agreed only when every
// clause that is not dropped is agreed.
type TextCounts struct {
	Clauses  int  `json:"clauses"`
	Brackets int  `json:"brackets"` // clauses with alternatives
	Options  int  `json:"options"`  // alternatives in all brackets
	Agreed   int  `json:"agreed"`   // clauses agreed
	Dropped  int  `json:"dropped"`
	AllAgree bool `json:"text_agreed"`
}

// CountClauses returns the counts of a version's clauses.
func CountClauses(clauses []Clause) TextCounts {
	c := TextCounts{Clauses: len(clauses)}
	for _, cl := range clauses {
		if len(cl.Alternatives) > 0 {
			c.Brackets++
			c.Options += len(cl.Alternatives)
		}
		switch cl.Status {
		case ClauseAgreed:
			c.Agreed++
		case ClauseDropped:
			c.Dropped++
		}
	}
	c.AllAgree = c.Clauses > c.Dropped && c.Agreed == c.Clauses-c.Dropped
	return c
}

// Resolve returns the clauses with every bracket that has an alternative
// bound to a chosen option replaced by that alternative's text, as an open
// clause: choosing the option resolves the bracket.
func Resolve(clauses []Clause, pkg []Choice) []Clause {
	chosen := map[Choice]bool{}
	for _, c := range pkg {
		chosen[c] = true
	}
	out := make([]Clause, len(clauses))
	for i, cl := range clauses {
		out[i] = cl
		for _, a := range cl.Alternatives {
			if a.Theme != "" && chosen[Choice{Theme: a.Theme, Option: a.Option}] {
				out[i] = Clause{Text: a.Text, Status: ClauseOpen}
				break
			}
		}
	}
	return out
}

// ClauseChange is one line of a diff between two versions.
type ClauseChange struct {
	Kind   string  `json:"kind"` // added, removed, changed, unchanged
	From   *int    `json:"from,omitempty"`
	To     *int    `json:"to,omitempty"`
	Before *Clause `json:"before,omitempty"`
	After  *Clause `json:"after,omitempty"`
}

// DiffVersions returns a readable diff of two versions of the same text,
// clause by clause, aligned by a longest common subsequence of clauses
// (equal text and alternatives) and pairing what lies between them as
// changes. EINVALID for versions of different texts. Cost O(m·n) for m and
// n clauses.
func DiffVersions(a, b *TextVersion) ([]ClauseChange, error) {
	if a.TextID != b.TextID {
		return nil, Errorf(EINVALID, "", "versions %d and %d belong to different texts", a.ID, b.ID)
	}
	x, y := a.Clauses, b.Clauses
	same := func(i, j int) bool { return clauseKey(x[i]) == clauseKey(y[j]) }
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if same(i, j) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []ClauseChange
	var dels, adds []int
	flush := func() {
		n := min(len(dels), len(adds))
		for k := range n {
			i, j := dels[k], adds[k]
			out = append(out, ClauseChange{Kind: "changed", From: ptr(i + 1), To: ptr(j + 1), Before: &x[i], After: &y[j]})
		}
		for _, i := range dels[n:] {
			out = append(out, ClauseChange{Kind: "removed", From: ptr(i + 1), Before: &x[i]})
		}
		for _, j := range adds[n:] {
			out = append(out, ClauseChange{Kind: "added", To: ptr(j + 1), After: &y[j]})
		}
		dels, adds = dels[:0], adds[:0]
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && same(i, j):
			flush()
			kind := "unchanged"
			if x[i].Status != y[j].Status {
				kind = "changed"
			}
			out = append(out, ClauseChange{Kind: kind, From: ptr(i + 1), To: ptr(j + 1), Before: &x[i], After: &y[j]})
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			adds = append(adds, j)
			j++
		default:
			dels = append(dels, i)
			i++
		}
	}
	flush()
	return out, nil
}

func ptr(n int) *int { return &n }

// clauseKey is a clause's wording: text, alternatives and versions in
// other languages, not its status.
func clauseKey(c Clause) string {
	var b strings.Builder
	b.WriteString(c.Text)
	fmt.Fprintf(&b, "\x01%s\x01%s", c.Lang, c.Authentic)
	for _, v := range c.Versions {
		fmt.Fprintf(&b, "\x01%s\x01%s", v.Lang, v.Text)
	}
	for _, a := range c.Alternatives {
		fmt.Fprintf(&b, "\x00%s\x00%s\x00%s\x00%v", a.Text, a.Theme, a.Option, a.Sponsors)
	}
	return b.String()
}

// TextService keeps negotiating texts and their versions. Reads apply the
// one audience check with the text's audience: a text the caller may not
// read is ENOTFOUND, with all its versions. Only the track's mediators
// write.
type TextService interface {
	FindTextByID(ctx context.Context, id int64) (*NegotiatingText, error)
	// FindTexts returns the track's texts the caller may read.
	FindTexts(ctx context.Context, trackID int64) ([]*NegotiatingText, error)
	CreateText(ctx context.Context, t *NegotiatingText) error
	// FindVersions returns every version of a text, oldest first.
	FindVersions(ctx context.Context, textID int64) ([]*TextVersion, error)
	// FindVersionByID returns a version by its ID.
	FindVersionByID(ctx context.Context, id int64) (*TextVersion, error)
	// CreateVersion starts the text's next version, a draft; ECONFLICT
	// while the latest version is a draft still.
	CreateVersion(ctx context.Context, textID int64, clauses []Clause) (*TextVersion, error)
	// UpdateVersion replaces a draft's clauses; ECONFLICT for a frozen
	// version, which never changes.
	UpdateVersion(ctx context.Context, id int64, clauses []Clause) (*TextVersion, error)
	// FreezeVersion makes a draft an immutable snapshot; ECONFLICT if it
	// is frozen already.
	FreezeVersion(ctx context.Context, id int64) (*TextVersion, error)
}
