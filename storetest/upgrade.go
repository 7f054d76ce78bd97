package storetest

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"golang.org/x/mod/sumdb/note"
)

// Schema7DB is a SQLite database as Parley wrote them at schema version 7,
// before rows were authenticated: the demo and a record of every kind it
// lacks, its ledger of version 2 entries, checkpoints signed with the
// checkpoint key in the legacy form. testdata/schema7.go.txt is the
// program that made it, with the code of commit 775d1a4.
//
//go:embed testdata/schema7.db
var Schema7DB []byte

//go:embed testdata/schema7.key
var schema7Key []byte

// Schema7Key returns the master key of Schema7DB.
func Schema7Key(t testing.TB) *seal.MasterKey {
	t.Helper()
	k, err := seal.ParseMasterKey(schema7Key)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Upgrade is what RunUpgrade needs of a store: Load puts Schema7DB, as the
// store's engine would hold it, in a fresh place, runs edit on it ("" for
// none) as someone editing the old database behind the application's back
// would, and returns a function that opens it with key, read-only or not,
// and a raw handle on its tables.
type Upgrade struct {
	Load func(t *testing.T, edit string) (open func(key *seal.MasterKey, readOnly bool) (parley.Store, error), raw *sql.DB)
}

// verifier is a store that verifies itself.
type verifier interface {
	VerifyAudit(ctx context.Context, opts sqlstore.VerifyOptions) (sqlstore.AuditReport, error)
}

// RunUpgrade checks the upgrade of a database written before rows were
// authenticated (sqlstore's bind.go): refused by a read-only open; bound
// once at the first open with the key, after which everything verifies,
// texts' titles and reports' sources are sealed at rest, and checkpoints
// signed before still verify with the store's verifier key; refused if the
// old database does not verify as it stands; and, what it trusts, a
// column the old checks did not cover is bound as it is.
func RunUpgrade(t *testing.T, u Upgrade) {
	key := Schema7Key(t)
	t.Run("read-only open refused", func(t *testing.T) {
		open, _ := u.Load(t, "")
		if s, err := open(key, true); err == nil {
			s.Close()
			t.Fatal("a read-only open of a database from before bound nothing and succeeded")
		} else if !strings.Contains(err.Error(), "migrat") && !strings.Contains(err.Error(), "upgrade") {
			t.Errorf("read-only open: %v, want it to say the database must be upgraded", err)
		}
	})
	t.Run("bound once", func(t *testing.T) {
		open, raw := u.Load(t, "")
		var oldSize int64
		var oldCP []byte
		if err := raw.QueryRowContext(ctx, `SELECT size FROM audit_log`).Scan(&oldSize); err != nil {
			t.Fatal(err)
		}
		if err := raw.QueryRowContext(ctx, `SELECT signed FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&oldCP); err != nil {
			t.Fatal(err)
		}
		s, err := open(key, false)
		if err != nil {
			t.Fatalf("the first open with the key: %v", err)
		}
		rep, err := s.(verifier).VerifyAudit(ctx, sqlstore.VerifyOptions{Since: [][]byte{oldCP}})
		if err != nil {
			t.Fatalf("VerifyAudit after the upgrade: %v", err)
		}
		if rep.Legacy != oldSize || rep.Size <= oldSize || rep.Rows == 0 || len(rep.Since) != 1 {
			t.Errorf("after the upgrade: %d entries, %d legacy (%d before), %d rows, %d kept checkpoints proved", rep.Size, rep.Legacy, oldSize, rep.Rows, len(rep.Since))
		}
		// The checkpoint key is the one the old store signed with.
		cp, err := s.LatestCheckpoint(ctx)
		must2(t, err)
		v, err := note.NewVerifier(cp.VerifierKey)
		must2(t, err)
		if _, err := ledger.OpenCheckpoint(oldCP, v); err != nil {
			t.Errorf("a checkpoint signed before the upgrade does not open with the verifier key after it: %v", err)
		}
		// Titles and sources are sealed at rest and read as before.
		var plainTitles, plainSources, legacyKeys int
		must2(t, raw.QueryRowContext(ctx, `SELECT count(*) FROM texts WHERE title <> '' OR sealed_title IS NULL`).Scan(&plainTitles))
		must2(t, raw.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE source <> '' OR sealed_source IS NULL`).Scan(&plainSources))
		must2(t, raw.QueryRowContext(ctx, `SELECT count(*) FROM store_meta WHERE name IN ('ledger_key', 'ledger_signer', 'ledger_verifier')`).Scan(&legacyKeys))
		if plainTitles+plainSources+legacyKeys != 0 {
			t.Errorf("after the upgrade: %d plain titles, %d plain sources, %d legacy key rows", plainTitles, plainSources, legacyKeys)
		}
		texts, err := s.FindTexts(ctx, 1)
		must2(t, err)
		if len(texts) != 1 || texts[0].Title != "Draft for the first delegation" {
			t.Errorf("the old text after the upgrade: %+v", texts)
		}
		as, err := s.FindAgreements(ctx, 0)
		must2(t, err)
		found := false
		for _, a := range as {
			rs, err := s.FindReports(ctx, a.ID)
			must2(t, err)
			for _, r := range rs {
				found = found || r.Source == "a source only the mediators may know"
			}
		}
		if !found {
			t.Error("the old report's source does not read after the upgrade")
		}
		if _, err := s.FindProfiles(ctx, 1); err != nil {
			t.Errorf("the old profiles after the upgrade: %v", err)
		}
		s.Close()
		// Once: a second open binds nothing more.
		s, err = open(key, false)
		must2(t, err)
		rep2, err := s.(verifier).VerifyAudit(ctx, sqlstore.VerifyOptions{})
		must2(t, err)
		if rep2.Size != rep.Size {
			t.Errorf("the second open appended %d entries", rep2.Size-rep.Size)
		}
		// And it goes on: a write after the upgrade verifies too.
		must2(t, s.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}))
		if _, err := s.(verifier).VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
			t.Errorf("VerifyAudit after a write on the upgraded store: %v", err)
		}
		s.Close()
		if s, err := open(key, true); err != nil {
			t.Errorf("a read-only open of the upgraded database: %v", err)
		} else {
			s.Close()
		}
	})
	t.Run("edited before refused", func(t *testing.T) {
		for name, edit := range map[string]string{
			"an entry's track": `UPDATE audit_entries SET track_id = NULL WHERE idx = (SELECT min(idx) FROM audit_entries WHERE track_id IS NOT NULL AND idx > 30)`,
			"an entry deleted": `DELETE FROM audit_entries WHERE idx = 100`,
			"a profile moved":  `UPDATE profiles SET content = (SELECT content FROM profiles p WHERE p.party_id <> profiles.party_id LIMIT 1) WHERE track_id = 1 AND party_id = 1`,
		} {
			t.Run(name, func(t *testing.T) {
				open, _ := u.Load(t, edit)
				for range 2 {
					s, err := open(key, false)
					if err == nil {
						s.Close()
						t.Fatal("a database edited before the upgrade was upgraded")
					}
					if !errors.Is(err, ledger.ErrVerify) || !strings.Contains(err.Error(), "refusing to upgrade") {
						t.Fatalf("open: %v, want a refusal to upgrade saying what does not verify", err)
					}
				}
			})
		}
	})
	t.Run("what it trusts", func(t *testing.T) {
		// The old checks did not cover a member's role: an edit made before
		// the upgrade is bound as if the application had written it (as
		// the README says), and caught from then on.
		open, raw := u.Load(t, `UPDATE members SET role = 'mediator', party_id = NULL WHERE id = 13`)
		s, err := open(key, false)
		must2(t, err)
		defer s.Close()
		m, err := s.FindMemberByID(ctx, 13)
		must2(t, err)
		if m.Role != parley.MemberMediator {
			t.Fatalf("member 13 is %s", m.Role)
		}
		if _, err := s.(verifier).VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
			t.Fatalf("VerifyAudit: %v", err)
		}
		if _, err := raw.ExecContext(ctx, `UPDATE members SET role = 'observer' WHERE id = 13`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindMemberByID(ctx, 13); !errors.Is(err, ledger.ErrVerify) {
			t.Errorf("a member edited after the upgrade reads: %v", err)
		}
	})
}
