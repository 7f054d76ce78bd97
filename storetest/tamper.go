package storetest

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/ledger"
)

// TamperHarness is an engine's part of RunTamper.
type TamperHarness struct {
	// Fixture opens a new store with a master key and calls build with it
	// and a raw handle on its tables; the fixture is the database build
	// leaves.
	Fixture func(t *testing.T, build func(s parley.Store, raw *sql.DB))
	// Try runs edit on the fixture's database behind the application's
	// back — on a copy of it, or on it and then undone — and calls check
	// with the store opened read-only on the edited database, or the
	// error of that open. tables names the tables edit may change. The
	// harness also fails t if check (its VerifyAudit and reads) changed the
	// database's files.
	Try func(t *testing.T, tables []string, edit func(raw *sql.DB) error, check func(s parley.Store, openErr error))
}

// RunTamper is the tamper suite: for every authenticated column of every
// table of the registry (sqlstore.Registry), an edit of one row's value —
// to another row's value where there is one (an audience, a role, a
// party, a ciphertext moved), else a value next to it — must make
// VerifyAudit fail naming the row, and the store's read of that row
// (through the service method that serves it) fail as not verifying,
// serving nothing of it. Deleting any row must be named as deleted; a row
// put back to a state the ledger recorded before, or restored after its
// deletion, must be named; so must a tail whose signature was removed or
// a log whose end was cut off.
func RunTamper(t *testing.T, h TamperHarness) {
	var rolledBack, restored []any // rows captured during the build
	var rollbackTable, restoreTable string
	h.Fixture(t, func(s parley.Store, raw *sql.DB) {
		if _, err := demo.Load(ctx, s, "tamper suite"); err != nil {
			t.Fatal(err)
		}
		nobodyFixture(t, s)
		buildTamperExtras(t, s)
		// A track's row as it is, then changed by the application: put
		// back, it is an earlier state of the record.
		rollbackTable, rolledBack = "tracks", captureRow(t, raw, "tracks", int64(1))
		title := "A title of later"
		if _, err := s.UpdateTrack(ctx, 1, parley.TrackUpdate{Title: &title}); err != nil {
			t.Fatal(err)
		}
		// A member's grant, then revoked: put back, it is a deleted row
		// restored.
		restoreTable, restored = "members", captureRow(t, raw, "members", int64(13))
		must2(t, s.DeleteMember(ctx, 13))
	})
	counts := map[string]int{}
	for _, spec := range sqlstore.Registry() {
		if readers[spec.Name] == nil {
			t.Errorf("table %s has no reader in the tamper suite: add one", spec.Name)
			continue
		}
		for _, col := range spec.Columns {
			if !col.Authenticated {
				continue
			}
			t.Run(spec.Name+"."+col.Name, func(t *testing.T) {
				tamperColumn(t, h, spec, col)
				counts["column"]++
			})
		}
		t.Run(spec.Name+" deleted", func(t *testing.T) {
			var key string
			h.Try(t, []string{spec.Name}, func(raw *sql.DB) error {
				rows := tableRows(t, raw, spec)
				if len(rows) == 0 {
					return fmt.Errorf("table %s is empty in the fixture", spec.Name)
				}
				key = keyText(spec, rows[0])
				where, args := keyWhere(spec, rows[0], 1)
				_, err := raw.Exec(`DELETE FROM `+spec.Name+` WHERE `+where, args...)
				return err
			}, func(s parley.Store, openErr error) {
				must2(t, openErr)
				expectVerifyNames(t, s, spec.Name+" "+key+": deleted")
			})
			counts["deletion"]++
		})
	}
	t.Run("rolled back", func(t *testing.T) {
		spec := specOf(t, rollbackTable)
		h.Try(t, []string{rollbackTable}, func(raw *sql.DB) error { return putRow(raw, spec, rolledBack, true) }, func(s parley.Store, openErr error) {
			must2(t, openErr)
			expectVerifyNames(t, s, rollbackTable+" 1: rolled back")
		})
	})
	t.Run("restored", func(t *testing.T) {
		spec := specOf(t, restoreTable)
		h.Try(t, []string{restoreTable}, func(raw *sql.DB) error { return putRow(raw, spec, restored, false) }, func(s parley.Store, openErr error) {
			must2(t, openErr)
			expectVerifyNames(t, s, restoreTable+" 13: restored")
		})
	})
	ledgerTables := []string{"audit_log", "audit_entries", "audit_checkpoints"}
	for name, edit := range map[string]string{
		"tail signature removed":   `UPDATE audit_log SET signed = NULL`,
		"tail size lowered":        `UPDATE audit_log SET checkpoint = checkpoint - 1`,
		"every checkpoint removed": `DELETE FROM audit_checkpoints; UPDATE audit_log SET signed = NULL, checkpoint = 0`,
		"last entry cut off":       `DELETE FROM audit_entries WHERE idx = (SELECT max(idx) FROM audit_entries)`,
		"log cut and resized":      `DELETE FROM audit_entries WHERE idx = (SELECT max(idx) FROM audit_entries); UPDATE audit_log SET size = size - 1`,
		"an entry's rows edited":   `UPDATE audit_entries SET changed_rows = (SELECT changed_rows FROM audit_entries WHERE idx = 3) WHERE idx = 5`,
	} {
		t.Run(name, func(t *testing.T) {
			h.Try(t, ledgerTables, func(raw *sql.DB) error {
				for _, stmt := range strings.Split(edit, "; ") {
					if _, err := raw.Exec(stmt); err != nil {
						return err
					}
				}
				return nil
			}, func(s parley.Store, openErr error) {
				must2(t, openErr)
				if _, err := s.(verifier).VerifyAudit(ctx, sqlstore.VerifyOptions{}); !errors.Is(err, ledger.ErrVerify) {
					t.Fatalf("VerifyAudit after %s: %v, want it not to verify", name, err)
				}
			})
		})
	}
	t.Run("store secrets swapped", func(t *testing.T) {
		h.Try(t, []string{"store_meta"}, func(raw *sql.DB) error {
			_, err := raw.Exec(`UPDATE store_meta SET value = (SELECT value FROM store_meta WHERE name = 'secret:checkpoint-signer') WHERE name = 'secret:row-mac'`)
			return err
		}, func(s parley.Store, openErr error) {
			if openErr == nil {
				s.Close()
				t.Fatal("a store whose row key was replaced opened")
			}
			if !strings.Contains(openErr.Error(), "row key") {
				t.Errorf("open: %v, want it to name the row key", openErr)
			}
		})
	})
	t.Logf("edits: %v", counts)
}

// buildTamperExtras adds to the fixture what neither the demo nor
// nobodyFixture holds: a verified match and a frozen version.
func buildTamperExtras(t *testing.T, s parley.Store) {
	t.Helper()
	formatsTamperExtras(t, s)      // formats.go
	secondFactorTamperExtras(t, s) // secondfactor.go
	setupTamperExtras(t, s)        // setup.go
	linkTamperExtras(t, s)         // link.go
	tracks, _, err := s.FindTracks(ctx, parley.TrackFilter{})
	must2(t, err)
	verified, frozen := false, false
	for _, tr := range tracks {
		es, err := s.FindExchanges(ctx, tr.ID)
		must2(t, err)
		for _, e := range es {
			ms, err := s.FindMatches(ctx, e.ID)
			must2(t, err)
			for _, m := range ms {
				if m.VerifiedAt == nil && !verified {
					_, err := s.VerifyMatch(ctx, m.ID)
					must2(t, err)
					verified = true
				}
			}
		}
		texts, err := s.FindTexts(ctx, tr.ID)
		must2(t, err)
		for _, x := range texts {
			vs, err := s.FindVersions(ctx, x.ID)
			must2(t, err)
			if len(vs) > 0 && vs[len(vs)-1].FrozenAt == nil && !frozen {
				_, err := s.FreezeVersion(ctx, vs[len(vs)-1].ID)
				must2(t, err)
				frozen = true
			}
		}
	}
	if !verified || !frozen {
		t.Fatalf("the fixture has no match to verify (%v) or version to freeze (%v)", verified, frozen)
	}
}

// tamperColumn edits one column of one row and checks that verify and the
// read that serves the row both refuse it.
func tamperColumn(t *testing.T, h TamperHarness, spec sqlstore.TableSpec, col sqlstore.ColumnSpec) {
	var before, after []any
	h.Try(t, []string{spec.Name}, func(raw *sql.DB) error {
		rows := tableRows(t, raw, spec)
		i := columnIndex(spec, col.Name)
		target := -1
		for j, r := range rows { // a row whose value is there, if any
			if r[i] != nil {
				target = j
				break
			}
		}
		if target < 0 {
			target = 0
		}
		if len(rows) == 0 {
			return fmt.Errorf("table %s is empty in the fixture", spec.Name)
		}
		before = rows[target]
		where, keyArgs := keyWhere(spec, before, 2)
		for _, v := range candidates(col, before[i], rows, i) {
			res, err := raw.Exec(`UPDATE `+spec.Name+` SET `+col.Name+` = $1 WHERE `+where, append([]any{v}, keyArgs...)...)
			if err != nil {
				continue // a constraint: try the next value
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("the edit changed %d rows", n)
			}
			after = append([]any(nil), before...)
			after[i] = v
			return nil
		}
		return fmt.Errorf("no value of %s.%s could be stored in place of the row's", spec.Name, col.Name)
	}, func(s parley.Store, openErr error) {
		must2(t, openErr)
		expectVerifyNames(t, s, spec.Name+" "+keyText(spec, after)+": edited")
		// The row is served by the reads of the record it now belongs to;
		// for an edit of the column that ties it to one (its key, its
		// parent), the record it belonged to may be read instead. One of
		// them must refuse it — unless it was moved to a record that does
		// not exist, where nothing serves it (its old record reads without
		// it: a deletion, which VerifyAudit names).
		var errs []error
		for _, vals := range [][]any{after, before} {
			row := map[string]any{}
			for i, c := range spec.Columns {
				row[c.Name] = vals[i]
			}
			errs = append(errs, readers[spec.Name](s, row))
		}
		refused := errors.Is(errs[0], ledger.ErrVerify) || errors.Is(errs[1], ledger.ErrVerify)
		if !refused && parley.ErrorCode(errs[0]) != parley.ENOTFOUND {
			t.Errorf("the reads that serve the edited row of %s: %v (as edited), %v (as it was); want a refusal as not verifying", spec.Name, errs[0], errs[1])
		}
		for _, err := range errs { // a record is named by its key, never by its content
			if v, ok := after[columnIndex(spec, col.Name)].(string); ok && len(v) > 3 && err != nil && strings.Contains(err.Error(), v) && !slices.Contains(spec.Key, col.Name) {
				t.Errorf("the refusal quotes the edited value: %v", err)
			}
		}
	})
}

// candidates returns the values to try in place of old in column i: the
// other rows' values first (a realistic edit: an audience, a role, a
// party, another row's ciphertext), then values next to old.
func candidates(col sqlstore.ColumnSpec, old any, rows [][]any, i int) []any {
	var out []any
	seen := map[string]bool{fmt.Sprintf("%#v", old): true}
	for _, r := range rows {
		if k := fmt.Sprintf("%#v", r[i]); !seen[k] && (r[i] != nil || col.Null) {
			seen[k] = true
			out = append(out, r[i])
		}
	}
	switch v := old.(type) {
	case int64:
		if col.Kind == "bool" {
			out = append(out, 1-v)
		}
		out = append(out, v+1, v-1, v+1000003)
	case bool:
		out = append(out, !v)
	case string:
		out = append(out, v+"~", "~")
	case []byte:
		flipped := bytes.Clone(v)
		if len(flipped) > 0 {
			flipped[len(flipped)-1] ^= 1
		} else {
			flipped = []byte{0}
		}
		out = append(out, flipped)
	case nil:
		switch col.Kind {
		case "int":
			out = append(out, int64(1), int64(2))
		case "bytes":
			out = append(out, []byte{1})
		default:
			out = append(out, "~")
		}
	}
	if col.Null && old != nil {
		out = append(out, nil)
	}
	return out
}

// expectVerifyNames checks that VerifyAudit fails naming want.
func expectVerifyNames(t *testing.T, s parley.Store, want string) {
	t.Helper()
	_, err := s.(verifier).VerifyAudit(ctx, sqlstore.VerifyOptions{})
	if !errors.Is(err, ledger.ErrVerify) {
		t.Fatalf("VerifyAudit: %v, want it to fail naming %q", err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("VerifyAudit: %v\nwant it to name %q", err, want)
	}
}

// tableRows reads every row of the table (its columns in scan order, then
// its MAC), ordered by key.
func tableRows(t *testing.T, raw *sql.DB, spec sqlstore.TableSpec) [][]any {
	t.Helper()
	names := make([]string, 0, len(spec.Columns)+1)
	for _, c := range spec.Columns {
		names = append(names, c.Name)
	}
	names = append(names, sqlstore.MACColumn)
	rows, err := raw.Query(`SELECT ` + strings.Join(names, ", ") + ` FROM ` + spec.Name + ` ORDER BY ` + strings.Join(spec.Key, ", "))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	return out
}

// captureRow reads the row of the table whose single-column key is key.
func captureRow(t *testing.T, raw *sql.DB, table string, key any) []any {
	t.Helper()
	spec := specOf(t, table)
	for _, r := range tableRows(t, raw, spec) {
		if r[columnIndex(spec, spec.Key[0])] == key {
			return r
		}
	}
	t.Fatalf("no row %v in %s", key, table)
	return nil
}

// putRow writes a row captured with tableRows back, over the row of the
// same key (update) or as a new row.
func putRow(raw *sql.DB, spec sqlstore.TableSpec, row []any, update bool) error {
	names := make([]string, 0, len(spec.Columns)+1)
	for _, c := range spec.Columns {
		names = append(names, c.Name)
	}
	names = append(names, sqlstore.MACColumn)
	if !update {
		ps := make([]string, len(names))
		for i := range ps {
			ps[i] = "$" + strconv.Itoa(i+1)
		}
		_, err := raw.Exec(`INSERT INTO `+spec.Name+` (`+strings.Join(names, ", ")+`) VALUES (`+strings.Join(ps, ", ")+`)`, row...)
		return err
	}
	sets := make([]string, len(names))
	for i, n := range names {
		sets[i] = n + " = $" + strconv.Itoa(i+1)
	}
	where, args := keyWhere(spec, row, len(names)+1)
	_, err := raw.Exec(`UPDATE `+spec.Name+` SET `+strings.Join(sets, ", ")+` WHERE `+where, append(append([]any(nil), row...), args...)...)
	return err
}

func specOf(t *testing.T, name string) sqlstore.TableSpec {
	for _, s := range sqlstore.Registry() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no table %s in the registry", name)
	return sqlstore.TableSpec{}
}

func columnIndex(spec sqlstore.TableSpec, name string) int {
	for i, c := range spec.Columns {
		if c.Name == name {
			return i
		}
	}
	panic("no column " + name)
}

// keyWhere returns the condition on the row's key, with arguments from
// $from on.
func keyWhere(spec sqlstore.TableSpec, row []any, from int) (string, []any) {
	var conds []string
	var args []any
	for i, k := range spec.Key {
		conds = append(conds, k+" = $"+strconv.Itoa(from+i))
		args = append(args, row[columnIndex(spec, k)])
	}
	return strings.Join(conds, " AND "), args
}

// keyText names a row as VerifyAudit does: its key's values joined by "/",
// text quoted.
func keyText(spec sqlstore.TableSpec, row []any) string {
	var parts []string
	for _, k := range spec.Key {
		switch v := row[columnIndex(spec, k)].(type) {
		case string:
			parts = append(parts, strconv.Quote(v))
		case []byte:
			parts = append(parts, strconv.Quote(string(v)))
		default:
			parts = append(parts, fmt.Sprint(v))
		}
	}
	return strings.Join(parts, "/")
}

func rowInt(row map[string]any, col string) int64 {
	switch v := row[col].(type) {
	case int64:
		return v
	case nil:
		return 0
	}
	panic(fmt.Sprintf("column %s holds a %T", col, row[col]))
}

// readers serve each table's rows through the store, as System: the read
// that a row edited behind the application's back must make fail.
var readers = map[string]func(s parley.Store, row map[string]any) error{
	"parties": func(s parley.Store, r map[string]any) error {
		_, err := s.FindPartyByID(ctx, rowInt(r, "id"))
		return err
	},
	"venues": func(s parley.Store, r map[string]any) error {
		_, err := s.FindVenueByID(ctx, rowInt(r, "id"))
		return err
	},
	"users": func(s parley.Store, r map[string]any) error {
		_, err := s.FindUserByID(ctx, rowInt(r, "id"))
		return err
	},
	"tracks": func(s parley.Store, r map[string]any) error {
		_, err := s.FindTrackByID(ctx, rowInt(r, "id"))
		return err
	},
	"track_parties": func(s parley.Store, r map[string]any) error {
		_, err := s.FindTrackByID(ctx, rowInt(r, "track_id"))
		return err
	},
	"track_venues": func(s parley.Store, r map[string]any) error {
		_, err := s.FindTrackByID(ctx, rowInt(r, "track_id"))
		return err
	},
	"themes": func(s parley.Store, r map[string]any) error {
		_, err := s.FindThemeByID(ctx, rowInt(r, "id"))
		return err
	},
	"options": func(s parley.Store, r map[string]any) error {
		_, err := s.FindThemeByID(ctx, rowInt(r, "theme_id"))
		return err
	},
	"members": func(s parley.Store, r map[string]any) error {
		_, err := s.FindMemberByID(ctx, rowInt(r, "id"))
		return err
	},
	"meetings": func(s parley.Store, r map[string]any) error {
		_, err := s.FindMeetingByID(ctx, rowInt(r, "id"))
		return err
	},
	"meeting_attendees": func(s parley.Store, r map[string]any) error {
		_, err := s.FindMeetingByID(ctx, rowInt(r, "meeting_id"))
		return err
	},
	"events": func(s parley.Store, r map[string]any) error {
		_, err := s.FindEventByID(ctx, rowInt(r, "id"))
		return err
	},
	"event_tracks": func(s parley.Store, r map[string]any) error {
		_, err := s.FindEventByID(ctx, rowInt(r, "event_id"))
		return err
	},
	"transitions": func(s parley.Store, r map[string]any) error {
		_, err := s.FindTransitions(ctx, rowInt(r, "track_id"))
		return err
	},
	"sessions": func(s parley.Store, r map[string]any) error {
		h, _ := r["secret_hash"].([]byte)
		_, err := s.FindSessionByHash(ctx, h)
		return err
	},
	"api_tokens": func(s parley.Store, r map[string]any) error {
		_, err := s.FindTokenByID(ctx, rowInt(r, "id"))
		return err
	},
	"track_keys": func(s parley.Store, r map[string]any) error {
		// Every read of the track's sealed records reads its key.
		track := rowInt(r, "track_id")
		_, err := s.FindProfiles(ctx, track)
		if err == nil {
			_, err = s.FindTexts(ctx, track)
		}
		if err == nil {
			_, err = s.FindProposals(ctx, track)
		}
		if err == nil {
			_, err = s.FindChildCases(ctx, track)
		}
		return err
	},
	"profiles": func(s parley.Store, r map[string]any) error {
		_, err := s.FindProfileHistory(ctx, rowInt(r, "track_id"), rowInt(r, "party_id"))
		return err
	},
	"meeting_notes": func(s parley.Store, r map[string]any) error {
		_, err := s.FindNoteByID(ctx, rowInt(r, "id"))
		return err
	},
	"proposals": func(s parley.Store, r map[string]any) error {
		_, err := s.FindProposalByID(ctx, rowInt(r, "id"))
		return err
	},
	"proposal_responses": func(s parley.Store, r map[string]any) error {
		_, err := s.FindResponses(ctx, rowInt(r, "proposal_id"))
		return err
	},
	"ballots": func(s parley.Store, r map[string]any) error {
		_, err := s.FindBallotByID(ctx, rowInt(r, "id"))
		return err
	},
	"ballot_parties": func(s parley.Store, r map[string]any) error {
		_, err := s.FindBallotByID(ctx, rowInt(r, "ballot_id"))
		return err
	},
	"texts": func(s parley.Store, r map[string]any) error {
		_, err := s.FindTextByID(ctx, rowInt(r, "id"))
		return err
	},
	"text_versions": func(s parley.Store, r map[string]any) error {
		_, err := s.FindVersionByID(ctx, rowInt(r, "id"))
		return err
	},
	"exchanges": func(s parley.Store, r map[string]any) error {
		_, err := s.FindExchangeByID(ctx, rowInt(r, "id"))
		return err
	},
	"prisoners": func(s parley.Store, r map[string]any) error {
		_, err := s.FindPrisoners(ctx, rowInt(r, "exchange_id"), rowInt(r, "party_id"))
		return err
	},
	"prisoner_matches": func(s parley.Store, r map[string]any) error {
		_, err := s.FindMatches(ctx, rowInt(r, "exchange_id"))
		return err
	},
	"child_cases": func(s parley.Store, r map[string]any) error {
		_, err := s.FindChildCaseByID(ctx, rowInt(r, "id"))
		return err
	},
	"agreements": func(s parley.Store, r map[string]any) error {
		_, err := s.FindAgreementByID(ctx, rowInt(r, "id"))
		return err
	},
	"agreement_signatories": func(s parley.Store, r map[string]any) error {
		_, err := s.FindAgreementByID(ctx, rowInt(r, "agreement_id"))
		return err
	},
	"agreement_transitions": func(s parley.Store, r map[string]any) error {
		_, err := s.FindAgreementByID(ctx, rowInt(r, "agreement_id"))
		return err
	},
	"renewals": func(s parley.Store, r map[string]any) error {
		_, err := s.FindAgreementByID(ctx, rowInt(r, "agreement_id"))
		return err
	},
	"commitments": func(s parley.Store, r map[string]any) error {
		_, err := s.FindCommitments(ctx, rowInt(r, "agreement_id"))
		return err
	},
	"reports": func(s parley.Store, r map[string]any) error {
		_, err := s.FindReports(ctx, rowInt(r, "agreement_id"))
		return err
	},
	"scores": func(s parley.Store, r map[string]any) error {
		_, err := s.FindScores(ctx, rowInt(r, "agreement_id"))
		return err
	},
}
