package main

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/parley-talks/parley/storetest"
)

// TestAuditVerifyLegacy: entries written before entries recorded their
// visibility (version 1) verify, and the summary counts them as legacy.
func TestAuditVerifyLegacy(t *testing.T) {
	db, key := sealedDB(t)
	code, out, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key)
	if code != 0 || strings.Contains(out, "legacy") {
		t.Fatalf("audit verify of a log without legacy entries: code %d, out %q, err %q", code, out, errs)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	storetest.AppendLegacyEntries(t, raw, 3)
	raw.Close()
	code, out, errs = runCLI(t, "audit", "verify", "--db", db, "--key-file", key)
	if code != 0 || !strings.HasPrefix(out, "ok: ") || !strings.Contains(out, "; 3 legacy entries") {
		t.Fatalf("audit verify with 3 legacy entries: code %d, out %q, err %q", code, out, errs)
	}
	t.Logf("%s", out)
}
