package sqlite_test

import (
	"context"
	"testing"

	"github.com/parley-talks/parley"
)

// PutProfile validates against the track's themes, which the store caches
// under group commit (sqlstore's theme_cache.go): a change of the themes
// must be seen by the very next profile write.
func TestProfileValidationFollowsThemeChanges(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db := openKeyed(t)
	ua := &parley.Party{Name: "Ukraine", Kind: parley.PartyState}
	if err := db.CreateParty(ctx, ua); err != nil {
		t.Fatal(err)
	}
	tr := &parley.Track{Title: "Energy", Parties: []parley.TrackParty{{PartyID: ua.ID, Role: parley.RolePrincipal}}, VenueIDs: []int64{}}
	if err := db.CreateTrack(ctx, tr); err != nil {
		t.Fatal(err)
	}
	th := &parley.Theme{TrackID: tr.ID, Name: "Duration", Options: []parley.Option{{Label: "30 days"}, {Label: "Indefinite"}}}
	if err := db.CreateTheme(ctx, th); err != nil {
		t.Fatal(err)
	}
	put := func(option string) error {
		p := &parley.Profile{TrackID: tr.ID, PartyID: ua.ID, Content: parley.ProfileContent{
			Weights: map[string]float64{"Duration": 1}, Values: map[string]map[string]float64{"Duration": {option: 1}}}}
		return db.(parley.ProfileService).PutProfile(ctx, p)
	}
	if err := put("Indefinite"); err != nil {
		t.Fatal(err)
	}
	if err := put("Indefinite"); err != nil { // from the cache
		t.Fatal(err)
	}
	opts := []parley.Option{{Label: "30 days"}, {Label: "90 days"}}
	if _, err := db.UpdateTheme(ctx, th.ID, parley.ThemeUpdate{Options: &opts}); err != nil {
		t.Fatal(err)
	}
	if err := put("Indefinite"); parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("a profile naming a removed option: %v, want EINVALID", err)
	}
	if err := put("90 days"); err != nil {
		t.Fatalf("a profile naming a new option: %v", err)
	}
}
