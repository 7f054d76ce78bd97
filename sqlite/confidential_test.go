package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"database/sql"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

func openKeyed(t *testing.T) parley.Store {
	t.Helper()
	db, err := sqlite.Open(parley.NewContextWithCaller(context.Background(), parley.System), filepath.Join(t.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConfidential(t *testing.T) { storetest.RunConfidential(t, openKeyed) }

func TestWrongMasterKeyRefused(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(t.TempDir(), "parley.db")
	k1, k2 := seal.GenerateMasterKey(), seal.GenerateMasterKey()
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(k1))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := fileBytes(t, path)
	_, err = sqlite.Open(ctx, path, sqlite.MasterKey(k2))
	if !errors.Is(err, seal.ErrWrongMasterKey) || !strings.Contains(err.Error(), string(k1.ID())) || !strings.Contains(err.Error(), string(k2.ID())) {
		t.Fatalf("open with the wrong key: %v; want a refusal naming both key ids", err)
	}
	if !bytes.Equal(before, fileBytes(t, path)) {
		t.Error("the refused open changed the database file")
	}
	// Without a key the store opens, to report its key id, and refuses
	// every record clearly: every row is authenticated under a key the
	// master key wraps.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if id, err := db.MasterKeyID(ctx); err != nil || id != k1.ID() {
		t.Errorf("MasterKeyID without a key = %s, %v; want %s", id, err, k1.ID())
	}
	for name, err := range map[string]error{
		"FindProfiles": func() error { _, err := db.FindProfiles(ctx, 1); return err }(),
		"FindParties":  func() error { _, _, err := db.FindParties(ctx, parley.Page{}); return err }(),
		"CreateParty":  db.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}),
	} {
		if parley.ErrorCode(err) != parley.EUNAVAILABLE || !strings.Contains(parley.ErrorMessage(err), "without a master key") {
			t.Errorf("%s without a key: %v, want EUNAVAILABLE saying there is no master key", name, err)
		}
	}
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRotateMasterKey(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(t.TempDir(), "parley.db")
	old, next := seal.GenerateMasterKey(), seal.GenerateMasterKey()
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(old))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	want, err := db.FindProfiles(ctx, 1)
	if err != nil || len(want) == 0 {
		t.Fatalf("profiles before rotation: %v (%d)", err, len(want))
	}
	// An authenticator app's secret, wrapped by the master key, is
	// re-wrapped too.
	users, _, err := db.FindUsers(ctx, parley.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("0123456789abcdefghij")
	if err := db.StartTOTP(parley.NewContextWithCaller(ctx, &parley.Caller{User: users[0]}), users[0].ID, secret); err != nil {
		t.Fatal(err)
	}
	if err := db.RotateMasterKey(ctx, next, next); err == nil {
		t.Fatal("rotation with the wrong old key succeeded")
	}
	if err := db.RotateMasterKey(ctx, old, next); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := sqlite.Open(ctx, path, sqlite.MasterKey(old)); !errors.Is(err, seal.ErrWrongMasterKey) {
		t.Fatalf("open with the old key after rotation: %v, want refusal", err)
	}
	db, err = sqlite.Open(ctx, path, sqlite.MasterKey(next))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.FindProfiles(ctx, 1)
	if err != nil || len(got) != len(want) || got[0].Content.Notes != want[0].Content.Notes {
		t.Fatalf("profiles after rotation: %v", err)
	}
	if f, err := db.FindTOTP(ctx, users[0].ID); err != nil || string(f.Secret) != string(secret) {
		t.Fatalf("the TOTP secret after rotation: %v", err)
	}
	if _, err := db.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}

// markerDB loads the demo, writes a distinct marker into every sealed field
// (every profile field, meeting notes of every audience, a proposal's
// rationale, a response's reasons and a text's clause) and returns the
// database's path, the markers and the master key. The store is closed.
func markerDB(t testing.TB, dir string) (string, []string, *seal.MasterKey) {
	t.Helper()
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(dir, "parley.db")
	key := seal.GenerateMasterKey()
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Load(ctx, db, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	var markers []string
	mark := func(what string) string {
		m := fmt.Sprintf("ZQX%04dMARK-%s", len(markers), what)
		markers = append(markers, m)
		return m
	}
	tracks, _, err := db.FindTracks(ctx, parley.TrackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range tracks {
		ps, err := db.FindProfiles(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			c := p.Content
			c.Notes = mark("notes")
			// Numbers carry no text: give the reservation a distinctive
			// value whose JSON form is searched for too.
			c.Reservation = 0.1 + float64(len(markers))*0.000123457
			markers = append(markers, fmt.Sprint(c.Reservation))
			p2 := &parley.Profile{TrackID: p.TrackID, PartyID: p.PartyID, Content: c}
			if err := db.PutProfile(ctx, p2); err != nil {
				t.Fatal(err)
			}
		}
		themes, err := db.FindThemes(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(themes) > 0 {
			pkg := []parley.Choice{{Theme: themes[0].Name, Option: themes[0].Options[0].Label}}
			p := &parley.Proposal{TrackID: tr.ID, Audience: parley.AudienceMediators, Package: pkg, Rationale: mark("rationale")}
			if err := db.CreateProposal(ctx, p); err != nil {
				t.Fatal(err)
			}
			r := &parley.ProposalResponse{ProposalID: p.ID, Kind: parley.ResponseReject, Reasons: mark("reasons"), Audience: parley.AudienceMediators}
			if err := db.CreateResponse(ctx, r); err != nil {
				t.Fatal(err)
			}
			text := &parley.NegotiatingText{TrackID: tr.ID, Title: mark("text title"), Audience: parley.AudienceMediators}
			if err := db.CreateText(ctx, text); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateVersion(ctx, text.ID, []parley.Clause{{Text: mark("clause"), Status: parley.ClauseOpen}}); err != nil {
				t.Fatal(err)
			}
		}
		ms, _, err := db.FindMeetings(ctx, parley.MeetingFilter{TrackID: tr.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			for _, a := range []parley.Audience{parley.AudiencePlenary, parley.AudienceMediators} {
				n := &parley.MeetingNote{MeetingID: m.ID, Kind: parley.NoteMinutes, Audience: a, Text: mark("note")}
				if err := db.CreateNote(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A prisoner exchange between the first two principals, with a
		// person whose every text field is a marker.
		var principals []int64
		for _, tp := range tr.Parties {
			if tp.Role == parley.RolePrincipal {
				principals = append(principals, tp.PartyID)
			}
		}
		if len(principals) >= 2 {
			e := &parley.Exchange{TrackID: tr.ID, Title: "Exchange", Terms: parley.TermsAllForAll, SideA: principals[0], SideB: principals[1]}
			if err := db.CreateExchange(ctx, e); err != nil {
				t.Fatal(err)
			}
			p := &parley.Prisoner{Name: mark("name"), Transliteration: mark("latin"), Born: "1990-03-04", Status: parley.PrisonerMilitary,
				Rank: mark("rank"), ServiceNumber: mark("number"), CapturePlace: mark("place"), Captured: "2022-05-20", NextOfKin: mark("kin")}
			if err := db.AddPrisoners(ctx, e.ID, principals[0], []*parley.Prisoner{p}); err != nil {
				t.Fatal(err)
			}
		}
		// A monitoring report with marker evidence on every commitment
		// of the track's agreements (the demo's grain corridor and
		// prisoner exchanges).
		as, err := db.FindAgreements(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			cs, err := db.FindCommitments(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				r := &parley.Report{AgreementID: a.ID, CommitmentID: c.ID, Date: "2023-06-01", Source: mark("report source"), Reliability: parley.ReliabilityConfirmed,
					Finding: parley.FindingPartly, Audience: parley.AudienceMediators, Evidence: mark("evidence")}
				if err := db.CreateReport(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return path, markers, key
}

// TestMarkersNeverStored is the proof that no sealed value reaches the
// database file, its WAL and shared memory, or a backup, in plaintext.
func TestMarkersNeverStored(t *testing.T) {
	dir := t.TempDir()
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	// Keep a store open so that the WAL holds recent pages when searched.
	path, markers, key := markerDB(t, dir)
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	backup := filepath.Join(dir, "backup.db")
	if err := sqlite.Backup(ctx, path, backup); err != nil {
		t.Fatal(err)
	}
	files := []string{path, path + "-wal", path + "-shm", backup}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range markers {
			if bytes.Contains(b, []byte(m)) || bytes.Contains(b, []byte("ZQX0")) {
				t.Errorf("%s holds the marker %s in plaintext", filepath.Base(f), m)
			}
		}
	}
	// And the markers do come back through the store.
	ps, err := db.FindProfiles(ctx, 1)
	if err != nil || len(ps) == 0 || !strings.HasPrefix(ps[0].Content.Notes, "ZQX") {
		t.Fatalf("profiles do not read back: %v", err)
	}
	if _, err := db.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}

// edit is one change made behind the application's back.
type edit struct {
	kind string
	sql  string
	args []any
	// what the report must name
	want string
}

// TestTamperingDetected makes 1,000 random edits directly in the database
// file, one per fresh copy, and checks that VerifyAudit detects each and
// names the record it hit.
func TestTamperingDetected(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	dir := t.TempDir()
	path, _, key := markerDB(t, dir)
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	if err := raw.QueryRow(`SELECT size FROM audit_log`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	profiles := queryStrings(t, raw, `SELECT track_id || '/' || party_id || '/' || version FROM profiles`)
	notes := queryStrings(t, raw, `SELECT id FROM meeting_notes`)
	raw.Close()
	orig := fileBytes(t, path)
	rng := rand.New(rand.NewPCG(7, 7))
	counts := map[string]int{}
	for i := range n {
		e := randomEdit(rng, size, profiles, notes)
		counts[e.kind]++
		copyPath := filepath.Join(dir, fmt.Sprintf("copy%d.db", i%4))
		os.Remove(copyPath + "-wal")
		os.Remove(copyPath + "-shm")
		if err := os.WriteFile(copyPath, orig, 0o600); err != nil {
			t.Fatal(err)
		}
		w, err := sql.Open("sqlite", "file:"+copyPath)
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.Exec(e.sql, e.args...)
		if err != nil {
			t.Fatalf("edit %d (%s): %v", i, e.kind, err)
		}
		w.Close()
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatalf("edit %d (%s) changed nothing", i, e.kind)
		}
		db, err := sqlite.Open(ctx, copyPath, sqlite.MasterKey(key), sqlite.ReadOnly())
		if err != nil {
			// Tampering with the keys themselves is caught at open.
			if strings.Contains(err.Error(), e.want) {
				continue
			}
			t.Fatalf("edit %d (%s): open: %v", i, e.kind, err)
		}
		_, err = db.VerifyAudit(ctx, sqlstore.VerifyOptions{})
		db.Close()
		if !errors.Is(err, ledger.ErrVerify) {
			t.Fatalf("edit %d (%s) not detected: %v", i, e.kind, err)
		}
		if !strings.Contains(err.Error(), e.want) {
			t.Fatalf("edit %d (%s): report %q does not name %q", i, e.kind, err, e.want)
		}
	}
	t.Logf("edits: %v", counts)
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func randomEdit(rng *rand.Rand, size int64, profiles, notes []string) edit {
	idx := rng.Int64N(size)
	entry := fmt.Sprintf("audit entry %d", idx)
	switch k := rng.IntN(13); k {
	case 11: // an entry's track changed, added or removed: who may see it
		return edit{"entry track_id", `UPDATE audit_entries SET track_id = CASE WHEN track_id IS NULL THEN 1 WHEN $2 THEN NULL ELSE track_id + 1 END WHERE idx = $1`,
			[]any{idx, rng.IntN(2) == 0}, entry}
	case 12: // an entry's audience widened or narrowed
		return edit{"entry audience", `UPDATE audit_entries SET audience = CASE WHEN audience = 'plenary' THEN 'mediators' ELSE 'plenary' END WHERE idx = $1`,
			[]any{idx}, entry}
	case 0: // a byte of a profile's ciphertext
		p := profiles[rng.IntN(len(profiles))]
		pos := rng.IntN(60)
		return edit{"flip profile byte", `UPDATE profiles SET content = CAST(substr(content, 1, $1) || CASE WHEN substr(content, $1 + 1, 1) = x'00' THEN x'01' ELSE x'00' END || substr(content, $1 + 2) AS BLOB)
			WHERE track_id || '/' || party_id || '/' || version = $2`,
			[]any{pos, p}, "profiles " + p + ": edited"}
	case 1: // a byte of a note's ciphertext, by XOR via randomblob retry-free trick: append and cut
		id := notes[rng.IntN(len(notes))]
		return edit{"truncate note", `UPDATE meeting_notes SET text = substr(text, 1, length(text) - 1) WHERE id = $1`, []any{id}, "meeting_notes " + id + ": edited"}
	case 2: // a ciphertext moved to another row
		a, b := profiles[rng.IntN(len(profiles))], profiles[rng.IntN(len(profiles))]
		for a == b {
			b = profiles[rng.IntN(len(profiles))]
		}
		return edit{"move profile ciphertext", `UPDATE profiles SET content = (SELECT content FROM profiles WHERE track_id || '/' || party_id || '/' || version = $1)
			WHERE track_id || '/' || party_id || '/' || version = $2`, []any{a, b}, "profiles " + b + ": edited"}
	case 3: // a note's ciphertext moved to another note
		a, b := notes[rng.IntN(len(notes))], notes[rng.IntN(len(notes))]
		for a == b {
			b = notes[rng.IntN(len(notes))]
		}
		return edit{"move note ciphertext", `UPDATE meeting_notes SET text = (SELECT text FROM meeting_notes WHERE id = $1) WHERE id = $2`, []any{a, b}, "meeting_notes " + b + ": edited"}
	case 4: // a byte of an audit entry: its index, time, previous
		// checkpoint, digest, actor, action or object (the leaf data)
		pos := rng.IntN(80)
		return edit{"audit entry byte", `UPDATE audit_entries SET leaf = CAST(substr(leaf, 1, $2 % length(leaf)) || CASE WHEN substr(leaf, $2 % length(leaf) + 1, 1) = x'41' THEN x'42' ELSE x'41' END || substr(leaf, $2 % length(leaf) + 2) AS BLOB) WHERE idx = $1`,
			[]any{idx, pos}, entry}
	case 5: // a deleted entry
		return edit{"delete entry", `DELETE FROM audit_entries WHERE idx = $1`, []any{idx}, "audit entry " + fmt.Sprint(idx)}
	case 6: // two entries swapped
		j := idx
		for j == idx {
			j = rng.Int64N(size)
		}
		lo := min(idx, j)
		return edit{"swap entries", fmt.Sprintf(`UPDATE audit_entries SET idx = -1 WHERE idx = %[1]d; UPDATE audit_entries SET idx = %[1]d WHERE idx = %[2]d; UPDATE audit_entries SET idx = %[2]d WHERE idx = -1`, idx, j), nil, "audit entry " + fmt.Sprint(lo)}
	case 9: // a byte of a wrapped track key: no sealed field of it opens
		track := strings.SplitN(profiles[rng.IntN(len(profiles))], "/", 2)[0]
		return edit{"flip track key", `UPDATE track_keys SET wrapped = CAST(substr(wrapped, 1, 10) || CASE WHEN substr(wrapped, 11, 1) = x'00' THEN x'01' ELSE x'00' END || substr(wrapped, 12) AS BLOB) WHERE track_id = $1`,
			[]any{track}, "track_keys " + track + ": edited"}
	case 10: // a track key emptied, as if shredded, without the ledger saying so
		track := strings.SplitN(profiles[rng.IntN(len(profiles))], "/", 2)[0]
		return edit{"empty track key", `UPDATE track_keys SET wrapped = x'' WHERE track_id = $1`, []any{track}, "track_keys " + track + ": edited"}
	case 7: // a stored hash altered
		pos := rng.IntN(32)
		return edit{"stored hash byte", `UPDATE audit_entries SET hashes = CAST(substr(hashes, 1, $2) || CASE WHEN substr(hashes, $2 + 1, 1) = x'41' THEN x'42' ELSE x'41' END || substr(hashes, $2 + 2) AS BLOB) WHERE idx = $1`,
			[]any{idx, pos}, entry}
	default: // a profile byte flipped at the end (the tag)
		p := profiles[rng.IntN(len(profiles))]
		return edit{"profile tag", `UPDATE profiles SET content = CAST(substr(content, 1, length(content) - 1) || CASE WHEN substr(content, -1) = x'00' THEN x'01' ELSE x'00' END AS BLOB)
			WHERE track_id || '/' || party_id || '/' || version = $1`, []any{p}, "profiles " + p + ": edited"}
	}
}

// TestVisibilityTampering edits the track_id and audience columns of random
// audit entries of a live store (see storetest.RunVisibilityTampering).
func TestVisibilityTampering(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(parley.NewContextWithCaller(context.Background(), parley.System), path, sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	storetest.RunVisibilityTampering(t, db, raw, 60)
}
