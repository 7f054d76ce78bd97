package postgres_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/storetest"
)

// TestConfidential runs the visibility, sealing and audit suite on
// PostgreSQL (PARLEY_TEST_POSTGRES).
func TestConfidential(t *testing.T) {
	serverDSN(t)
	storetest.RunConfidential(t, func(t *testing.T) parley.Store {
		t.Helper()
		dsn, schema := newSchema(t)
		db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MaxConns(4), postgres.MasterKey(seal.GenerateMasterKey()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// TestMarkersNotInDump writes a marker into every sealed field and searches
// a pg_dump of the test schema (or, without pg_dump, every row of every
// table as text): no marker may appear.
func TestMarkersNotInDump(t *testing.T) {
	dsn, schema := newSchema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := storetest.NewConfidential(t, db)
	var markers []string
	mark := func() string {
		m := fmt.Sprintf("QZV%04dSEALED", len(markers))
		markers = append(markers, m)
		return m
	}
	for _, tr := range []*parley.Track{f.A, f.B} {
		for _, party := range []*parley.Party{f.UA, f.RU} {
			c := parley.ProfileContent{Weights: map[string]float64{"Ceasefire": 1}, Reservation: 0.3 + float64(len(markers))*0.000137911,
				CoreDemands: []parley.Choice{{Theme: "Ceasefire", Option: "full"}}, Notes: mark()}
			markers = append(markers, fmt.Sprint(c.Reservation))
			if err := db.PutProfile(ctx, &parley.Profile{TrackID: tr.ID, PartyID: party.ID, Content: c}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range []*parley.Meeting{f.MeetingA, f.MeetingB} {
		for _, a := range []parley.Audience{parley.AudiencePlenary, parley.AudienceMediators, parley.PartyAudience(f.UA.ID)} {
			if err := db.CreateNote(ctx, &parley.MeetingNote{MeetingID: m.ID, Kind: parley.NoteMinutes, Audience: a, Text: mark()}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Issue 5's sealed records: report evidence of every audience, persons
	// on an exchange list, a child's case.
	ag := &parley.Agreement{TrackID: f.A.ID, Title: "Corridor", Signatories: []int64{f.UA.ID, f.RU.ID}, Effective: "2023-01-01"}
	if err := ag.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAgreement(ctx, ag); err != nil {
		t.Fatal(err)
	}
	cm := &parley.Commitment{AgreementID: ag.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "Register vessels", Recurrence: parley.RecurDaily}
	if err := db.CreateCommitment(ctx, cm); err != nil {
		t.Fatal(err)
	}
	for _, a := range []parley.Audience{parley.AudiencePlenary, parley.AudienceMediators, parley.PartyAudience(f.UA.ID)} {
		if err := db.CreateReport(ctx, &parley.Report{AgreementID: ag.ID, CommitmentID: cm.ID, Date: "2023-02-01", Source: mark(),
			Reliability: parley.ReliabilityConfirmed, Finding: parley.FindingPartly, Audience: a, Evidence: mark()}); err != nil {
			t.Fatal(err)
		}
	}
	// A text's title, sealed like its clauses.
	for _, a := range []parley.Audience{parley.AudiencePlenary, parley.AudienceMediators, parley.PartyAudience(f.UA.ID)} {
		text := &parley.NegotiatingText{TrackID: f.A.ID, Title: mark(), Audience: a}
		if err := db.CreateText(ctx, text); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateVersion(ctx, text.ID, []parley.Clause{{Text: mark(), Status: parley.ClauseOpen}}); err != nil {
			t.Fatal(err)
		}
	}
	ex := &parley.Exchange{TrackID: f.A.ID, Title: "Exchange", Terms: parley.TermsAllForAll, SideA: f.UA.ID, SideB: f.RU.ID}
	if err := db.CreateExchange(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if err := db.AddPrisoners(ctx, ex.ID, f.UA.ID, []*parley.Prisoner{{Name: mark(), Born: "1990-01-01", Status: parley.PrisonerMilitary,
		Captured: "2023-01-01", ServiceNumber: mark(), NextOfKin: mark()}}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateChildCase(ctx, &parley.ChildCase{TrackID: f.A.ID, Audience: parley.AudienceMediators,
		Child: parley.ChildDetails{Name: mark(), Born: "2012-01-01", Guardian: mark(), Notes: mark()}},
		parley.ChildStep{Stage: parley.ChildIdentified, Date: "2023-01-01", Source: "ombudsman"}); err != nil {
		t.Fatal(err)
	}
	var dump []byte
	if path, err := exec.LookPath("pg_dump"); err == nil {
		dump, err = exec.Command(path, "--schema="+schema, "--no-owner", strings.Split(dsn, "?")[0]+"?sslmode=disable").Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
	} else {
		dump = tableText(t, dsn, schema)
	}
	if !bytes.Contains(dump, []byte("audit_entries")) {
		t.Fatalf("the dump holds no audit table: %.200s", dump)
	}
	for _, m := range markers {
		if bytes.Contains(dump, []byte(m)) {
			t.Errorf("the dump holds the marker %s", m)
		}
	}
	v, ok := any(db).(interface {
		VerifyAudit(context.Context, sqlstore.VerifyOptions) (sqlstore.AuditReport, error)
	})
	if !ok {
		t.Fatal("no VerifyAudit")
	}
	if _, err := v.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}

// tableText returns every row of every table of the schema as text.
func tableText(t *testing.T, dsn, schema string) []byte {
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out bytes.Buffer
	for _, tb := range tables {
		rs, err := raw.Query(`SELECT t::text FROM ` + schema + `.` + tb + ` t`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var s string
			rs.Scan(&s)
			out.WriteString(tb + " " + s + "\n")
		}
		rs.Close()
	}
	return out.Bytes()
}

// TestVisibilityTampering edits the track_id and audience columns of random
// audit entries of a live store (see storetest.RunVisibilityTampering).
func TestVisibilityTampering(t *testing.T) {
	db, raw := openRaw(t)
	storetest.RunVisibilityTampering(t, db, raw, 60)
}

// openRaw returns a keyed store in a fresh schema and a handle on its
// tables behind its back: one connection, with the search_path set.
func openRaw(t *testing.T) (*postgres.DB, *sql.DB) {
	t.Helper()
	dsn, schema := newSchema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	if _, err := raw.ExecContext(ctx, `SET search_path TO `+schema); err != nil {
		t.Fatal(err)
	}
	return db, raw
}
