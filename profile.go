package parley

import (
	"context"
	"math"
	"slices"
	"time"
)

// Profile is one party's confidential position on one track: what its
// delegation tells the mediator in caucus. Its audience is always
// party:<PartyID>: that delegation and the track's mediators read it, nobody
// else does. Every field of Content is sealed at rest. Each change stores a
// new version; earlier versions stay as history.
type Profile struct {
	TrackID   int64          `json:"track_id"`
	PartyID   int64          `json:"party_id"`
	Version   int            `json:"version"` // 1 for the first, +1 per change
	Content   ProfileContent `json:"content"`
	UpdatedBy *int64         `json:"updated_by,omitempty"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// Audience returns the profile's audience.
func (p *Profile) Audience() Audience { return PartyAudience(p.PartyID) }

// ProfileContent is the sealed part of a profile, in the analysis's terms
// (package negotiation's ProfileSpec, keyed by theme and option names):
// utility = Σ weight(theme) · value(theme, option).
type ProfileContent struct {
	Weights     map[string]float64            `json:"weights"`
	Values      map[string]map[string]float64 `json:"values"`
	Reservation float64                       `json:"reservation"`
	RedLines    []RedLine                     `json:"red_lines"`
	CoreDemands []Choice                      `json:"core_demands"`
	Notes       string                        `json:"notes"`
	// LinkWeight is how much this track matters to the party relative to
	// the tracks it is linked with: the joint analysis normalises a
	// party's weights over the linked tracks. Nil counts as 1. It is
	// sealed with the rest, under this track's key, so that no mediator
	// of another track reads what this one is worth to the party.
	LinkWeight *float64 `json:"link_weight,omitempty"`
}

// MaxLinkWeight bounds a cross-track weight: weights are relative, so a
// larger one only says "everything else is worth nothing", which a 0 on
// the other tracks says plainly.
const MaxLinkWeight = 1000

// RedLine is a constraint a party will not cross, with negotiation.RedLine's
// fields: forbid (Issue must not be Option), require (Issue must be Option),
// rule (if Issue is Option then Then must be in In), min_utility (Min).
type RedLine struct {
	Kind   string   `json:"kind"`
	Issue  string   `json:"issue,omitempty"`
	Option string   `json:"option,omitempty"`
	Then   string   `json:"then,omitempty"`
	In     []string `json:"in,omitempty"`
	Min    float64  `json:"min,omitempty"`
}

// Choice is one option of one theme, by name.
type Choice struct {
	Theme  string `json:"theme"`
	Option string `json:"option"`
}

// Validate checks the content against the track's themes. Its messages name
// fields and themes but never quote a sealed number.
func (c *ProfileContent) Validate(themes []*Theme) error {
	options := make(map[string]map[string]bool, len(themes))
	for _, t := range themes {
		options[t.Name] = make(map[string]bool, len(t.Options))
		for _, o := range t.Options {
			options[t.Name][o.Label] = true
		}
	}
	// An unknown name came from the sealed content and is not quoted back
	// (error messages reach logs); a known theme name is map data.
	known := func(field, theme, option string) error {
		opts, ok := options[theme]
		if !ok {
			return Errorf(EINVALID, field, "%s names a theme that is not on this track's agenda", field)
		}
		if option != "" && !opts[option] {
			return Errorf(EINVALID, field, "%s names an option that theme %q does not have", field, theme)
		}
		return nil
	}
	for theme, w := range c.Weights {
		if err := known("weights", theme, ""); err != nil {
			return err
		}
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return Errorf(EINVALID, "weights", "the weight of %q must be a finite number ≥ 0", theme)
		}
	}
	for theme, vs := range c.Values {
		for option, v := range vs {
			if err := known("values", theme, option); err != nil {
				return err
			}
			if !(v >= 0 && v <= 1) {
				return Errorf(EINVALID, "values", "the value of %q: %q must lie in [0, 1]", theme, option)
			}
		}
	}
	if !(c.Reservation >= 0 && c.Reservation <= 1) {
		return Errorf(EINVALID, "reservation", "reservation must lie in [0, 1]")
	}
	for _, r := range c.RedLines {
		switch r.Kind {
		case "forbid", "require":
			if err := known("red_lines", r.Issue, r.Option); err != nil {
				return err
			}
		case "rule":
			if err := known("red_lines", r.Issue, r.Option); err != nil {
				return err
			}
			for _, o := range r.In {
				if err := known("red_lines", r.Then, o); err != nil {
					return err
				}
			}
		case "min_utility":
			if !(r.Min >= 0 && r.Min <= 1) {
				return Errorf(EINVALID, "red_lines", "min_utility must lie in [0, 1]")
			}
		default:
			return Errorf(EINVALID, "red_lines", "unknown red line kind %q (want forbid, require, rule or min_utility)", r.Kind)
		}
	}
	for _, d := range c.CoreDemands {
		if err := known("core_demands", d.Theme, d.Option); err != nil {
			return err
		}
	}
	if w := c.LinkWeight; w != nil && !(*w >= 0 && *w <= MaxLinkWeight) {
		return Errorf(EINVALID, "link_weight", "the weight of this track among its linked tracks must be a number from 0 to %d", MaxLinkWeight)
	}
	if err := c.checkWeighted(themes); err != nil {
		return err
	}
	return checkText("notes", c.Notes)
}

// checkWeighted refuses a profile whose weights are all 0 on a track with
// themes: under it every package is worth the same, so no analysis can
// rank one above another.
func (c *ProfileContent) checkWeighted(themes []*Theme) error {
	if len(themes) == 0 {
		return nil
	}
	for _, w := range c.Weights {
		if w > 0 {
			return nil
		}
	}
	return Errorf(EINVALID, "weights", "at least one theme must weigh more than 0: with every weight at 0, no package is better than another")
}

// ProfileService keeps sealed profiles. Every method applies the caller's
// audience check (Caller.CanRead with the profile's audience): a profile the
// caller may not read is ENOTFOUND, and absent from every list.
type ProfileService interface {
	// FindProfile returns the latest version of a party's profile on a track.
	FindProfile(ctx context.Context, trackID, partyID int64) (*Profile, error)
	// FindProfiles returns the latest version of every profile on the track
	// that the caller may read, ordered by party ID.
	FindProfiles(ctx context.Context, trackID int64) ([]*Profile, error)
	// FindProfileHistory returns every version, oldest first.
	FindProfileHistory(ctx context.Context, trackID, partyID int64) ([]*Profile, error)
	// PutProfile stores a new version. The caller must be a delegate of the
	// party or a mediator of the track; EINVALID if the content does not fit
	// the track's themes or the party is not a principal of the track.
	PutProfile(ctx context.Context, p *Profile) error
}

// Utility is what a (possibly partial) package is worth under the content:
// Σ weight(theme) · value(theme, option) over the package's choices, divided
// by the sum of all weights (0 when every weight is 0). A theme the package
// leaves open counts for nothing.
func (c *ProfileContent) Utility(pkg []Choice) float64 {
	var total, u float64
	for _, w := range c.Weights {
		total += w
	}
	if total == 0 {
		return 0
	}
	for _, ch := range pkg {
		u += c.Weights[ch.Theme] * c.Values[ch.Theme][ch.Option]
	}
	return u / total
}

// Crossed returns the red lines of the content that the (possibly
// partial) package crosses: a forbidden option chosen, a required theme
// settled on another option, a rule's condition met with its consequence
// settled outside the allowed options, a utility below a minimum. A theme
// the package leaves open crosses nothing.
func (c *ProfileContent) Crossed(pkg []Choice) []RedLine {
	chosen := make(map[string]string, len(pkg))
	for _, ch := range pkg {
		chosen[ch.Theme] = ch.Option
	}
	var out []RedLine
	for _, r := range c.RedLines {
		o, settled := chosen[r.Issue]
		crossed := false
		switch r.Kind {
		case "forbid":
			crossed = settled && o == r.Option
		case "require":
			crossed = settled && o != r.Option
		case "rule":
			then, thenSettled := chosen[r.Then]
			crossed = settled && o == r.Option && thenSettled && !slices.Contains(r.In, then)
		case "min_utility":
			crossed = c.Utility(pkg) < r.Min
		}
		if crossed {
			out = append(out, r)
		}
	}
	return out
}
