package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// TestProofSiblingNotEnumerable: an inclusion proof that a delegate may
// ask for carries the leaf hash of a neighbouring entry it may not see
// (its sibling in the tree). Even an attacker who knows everything about
// that hidden entry but its salt — its index, previous checkpoint, action,
// object, visibility and digest exactly, its time to within 5 ms and its
// actor among every account — finds no candidate whose leaf hash is the
// sibling's: the salt's 128 random bits are not enumerable. The same
// enumeration with the salt finds it, so what defeats it is the salt alone;
// and without the salt (the unsalted encoding of version 2) it finds
// nothing either, since the leaf commits to the salt.
func TestProofSiblingNotEnumerable(t *testing.T) {
	sys := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(sys, path, sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Load(sys, db, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	ua, err := db.FindUserByEmail(sys, "ua@demo.parley")
	if err != nil {
		t.Fatal(err)
	}
	grants, err := db.FindMembershipsOfUser(sys, ua.ID)
	if err != nil {
		t.Fatal(err)
	}
	delegate := parley.NewContextWithCaller(context.Background(), &parley.Caller{User: ua, Grants: grants})

	// What the attacker is granted: the hidden entry itself, read behind
	// the store's back, less its salt.
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	entryAt := func(i int64) ledger.Entry {
		var leaf []byte
		if err := raw.QueryRow(`SELECT leaf FROM audit_entries WHERE idx = ?`, i).Scan(&leaf); err != nil {
			t.Fatal(err)
		}
		e, err := ledger.DecodeEntry(leaf)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	// An entry the delegate sees whose sibling, of a track, it does not:
	// the first of the prisoner exchange's, which digest guessable values.
	cp, err := db.LatestCheckpoint(sys)
	if err != nil {
		t.Fatal(err)
	}
	visible := func(i int64) bool {
		_, err := db.ProveInclusion(delegate, i)
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatal(err)
		}
		return err == nil
	}
	var seen, hidden int64 = -1, -1
	var truth ledger.Entry
	for i := int64(0); i+1 < cp.Size && seen < 0; i += 2 {
		for _, pair := range [][2]int64{{i, i + 1}, {i + 1, i}} {
			if !visible(pair[0]) || visible(pair[1]) {
				continue
			}
			if e := entryAt(pair[1]); e.Visibility != "" && strings.HasPrefix(e.Action, "prisoner") {
				seen, hidden, truth = pair[0], pair[1], e
			}
		}
	}
	if seen < 0 {
		t.Fatal("no entry the delegate sees beside a prisoner's entry it does not")
	}
	if truth.Version != 0 {
		t.Fatalf("the hidden entry %d is of version %d, want the current one", hidden, truth.Version)
	}
	p, err := db.ProveInclusion(delegate, seen)
	if err != nil {
		t.Fatal(err)
	}
	sibling, err := base64.StdEncoding.DecodeString(p.Proof[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("entry %d (%s %s, %s) beside the delegate's entry %d", hidden, truth.Action, truth.Object, truth.Visibility, seen)
	actors := []string{"system"}
	for id := 1; id <= 40; id++ {
		actors = append(actors, fmt.Sprintf("user/%d", id))
	}
	const window = 5 * time.Millisecond
	enumerate := func(salt *[ledger.SaltSize]byte) (tried int, found bool) {
		for _, actor := range actors {
			for dt := -window; dt <= window; dt += ledger.TimePrecision {
				e := truth
				e.Actor, e.Time = actor, truth.Time.Add(dt)
				if salt == nil {
					e.Version, e.Salt = 2, [ledger.SaltSize]byte{}
				} else {
					e.Salt = *salt
				}
				h, err := e.LeafHash()
				if err != nil {
					t.Fatal(err)
				}
				tried++
				if bytes.Equal(h[:], sibling) {
					return tried, true
				}
			}
		}
		return tried, false
	}
	guess := ledger.NewSalt()
	for name, salt := range map[string]*[ledger.SaltSize]byte{"unsalted": nil, "a guessed salt": &guess} {
		if tried, found := enumerate(salt); found {
			t.Errorf("%s: the hidden entry %d (%s %s) was matched by enumeration", name, hidden, truth.Action, truth.Object)
		} else if tried < 400_000 {
			t.Errorf("%s: only %d candidates tried", name, tried)
		}
	}
	if _, found := enumerate(&truth.Salt); !found {
		t.Fatalf("the enumeration with the true salt does not find the hidden entry %d: the test enumerates the wrong space", hidden)
	}
}
