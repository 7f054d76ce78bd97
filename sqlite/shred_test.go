package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// Shredding a track deletes its data key for good: its sealed records can
// no longer be opened, and no copy of the wrapped key stays in the database
// file, its free pages or its WAL.
func TestShredLeavesNoKeyBehind(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Load(ctx, db, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	tracks, _, err := db.FindTracks(ctx, parley.TrackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	track := tracks[0]
	profiles, err := db.FindProfiles(ctx, track.ID)
	if err != nil || len(profiles) == 0 {
		t.Fatalf("profiles of %q: %v, %v", track.Title, profiles, err)
	}

	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var wrapped []byte
	if err := raw.QueryRow(`SELECT wrapped FROM track_keys WHERE track_id = $1`, track.ID).Scan(&wrapped); err != nil {
		t.Fatal(err)
	}
	if len(wrapped) != seal.WrappedKeySize {
		t.Fatalf("wrapped key of %d bytes", len(wrapped))
	}
	raw.Close()

	if err := db.ShredTrack(ctx, track.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindProfile(ctx, track.ID, profiles[0].PartyID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a profile of the shredded track: err = %v, want ENOTFOUND", err)
	}
	// The other tracks' sealed records still open.
	if _, err := db.FindProfiles(ctx, tracks[1].ID); err != nil {
		t.Errorf("profiles of another track after the shred: %v", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, wrapped) {
			t.Errorf("parley.db%s still holds the shredded track's wrapped key", suffix)
		}
	}
}
