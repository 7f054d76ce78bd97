package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

// TestBallotAnswersAtRest checks the secret answers in the database file:
// an accept and a reject are sealed to ciphertexts of the same length, and
// an answer moved to another party's row behind the application's back is
// caught by VerifyAudit, which names the row.
func TestBallotAnswersAtRest(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(t.TempDir(), "parley.db")
	key := seal.GenerateMasterKey()
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewConfidential(t, db)
	b := &parley.Ballot{TrackID: f.A.ID, Package: []parley.Choice{{Theme: "Ceasefire", Option: "full"}},
		PartyIDs: []int64{f.UA.ID, f.RU.ID}, Deadline: time.Now().Add(time.Hour)}
	if err := db.CreateBallot(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.AnswerBallot(ctx, b.ID, f.UA.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.AnswerBallot(ctx, b.ID, f.RU.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var ua, ru int
	if err := raw.QueryRow(`SELECT length(answer) FROM ballot_parties WHERE ballot_id = $1 AND party_id = $2`, b.ID, f.UA.ID).Scan(&ua); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT length(answer) FROM ballot_parties WHERE ballot_id = $1 AND party_id = $2`, b.ID, f.RU.ID).Scan(&ru); err != nil {
		t.Fatal(err)
	}
	if ua != ru || ua == 0 {
		t.Errorf("sealed accept is %d bytes, sealed reject %d", ua, ru)
	}
	if _, err := raw.Exec(`UPDATE ballot_parties SET answer = (SELECT answer FROM ballot_parties WHERE ballot_id = $1 AND party_id = $2)
		WHERE ballot_id = $1 AND party_id = $3`, b.ID, f.UA.ID, f.RU.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err = sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.VerifyAudit(ctx, sqlstore.VerifyOptions{})
	want := fmt.Sprintf("ballot_parties %d/%d: edited", b.ID, f.RU.ID)
	if !errors.Is(err, ledger.ErrVerify) || !strings.Contains(err.Error(), want) {
		t.Errorf("moved answer: VerifyAudit = %v, want an error naming %s", err, want)
	}
}
