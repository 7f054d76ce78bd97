package parley

import (
	"context"
	"time"
)

// Theme is an agenda item of a track with discrete, ordered options
// ("energy strikes: none / 30-day moratorium / indefinite with monitoring").
// In the analysis a theme is an issue and its options are the values.
type Theme struct {
	ID          int64     `json:"id"`
	TrackID     int64     `json:"track_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Position    int       `json:"position"` // order on the agenda, from 0
	Options     []Option  `json:"options"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Option is one choice of a theme. Options keep the order in which they
// were given.
type Option struct {
	ID          int64  `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

// Validate checks the fields a caller sets: a name, and between 2 and
// MaxOptions distinct option labels.
func (t *Theme) Validate() error {
	if err := checkName("name", t.Name); err != nil {
		return err
	}
	if err := checkText("description", t.Description); err != nil {
		return err
	}
	return checkOptions(t.Options)
}

func checkOptions(opts []Option) error {
	if len(opts) < 2 || len(opts) > MaxOptions {
		return Errorf(EINVALID, "options", "a theme needs between 2 and %d options, not %d", MaxOptions, len(opts))
	}
	seen := map[string]bool{}
	for _, o := range opts {
		if err := checkName("options.label", o.Label); err != nil {
			return err
		}
		if err := checkText("options.description", o.Description); err != nil {
			return err
		}
		if seen[o.Label] {
			return Errorf(EINVALID, "options.label", "option %q is listed twice", o.Label)
		}
		seen[o.Label] = true
	}
	return nil
}

// ThemeUpdate is a partial change of a theme. Options, when set, replace the
// list; options keep their ids where the label is unchanged.
type ThemeUpdate struct {
	Name        *string   `json:"name,omitempty"`
	Description *string   `json:"description,omitempty"`
	Position    *int      `json:"position,omitempty"`
	Options     *[]Option `json:"options,omitempty"`
	// Version, when set, is the UpdatedAt of the theme the change was made
	// from (the API's If-Match): ECONFLICT if the theme changed since, so
	// that of two mediators editing it the second is told, not overwritten.
	Version *time.Time `json:"-"`
}

// Validate checks the fields that are set.
func (u *ThemeUpdate) Validate() error {
	if u.Name != nil {
		if err := checkName("name", *u.Name); err != nil {
			return err
		}
	}
	if u.Description != nil {
		if err := checkText("description", *u.Description); err != nil {
			return err
		}
	}
	if u.Position != nil && *u.Position < 0 {
		return Errorf(EINVALID, "position", "position must not be negative")
	}
	if u.Options != nil {
		return checkOptions(*u.Options)
	}
	return nil
}

// ThemeService keeps a track's themes.
type ThemeService interface {
	FindThemeByID(ctx context.Context, id int64) (*Theme, error)
	// FindThemes returns the track's themes in agenda order; ENOTFOUND if the
	// track does not exist.
	FindThemes(ctx context.Context, trackID int64) ([]*Theme, error)
	// CreateTheme stores t at the end of its track's agenda unless Position
	// is set; ECONFLICT if the track has a theme of that name.
	CreateTheme(ctx context.Context, t *Theme) error
	UpdateTheme(ctx context.Context, id int64, upd ThemeUpdate) (*Theme, error)
}
