package ledger_test

import (
	"fmt"
	"iter"
	"time"

	"github.com/parley-talks/parley/ledger"
)

// hashes is a store's table of stored hashes, here a slice.
type hashes []ledger.Hash

func (h hashes) ReadHashes(indexes []int64) ([]ledger.Hash, error) {
	out := make([]ledger.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(h)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = h[x]
	}
	return out, nil
}

// A store appends entries, signs a checkpoint, proves an entry's inclusion
// and verifies the whole log.
func Example() {
	skey, vkey, _ := ledger.GenerateKey("parley.example/audit")
	signer, _ := ledger.NewSigner(skey)
	verifier, _ := ledger.NewVerifier(vkey)

	var entries []ledger.Entry
	var stored hashes
	for i := range int64(5) {
		e := ledger.Entry{
			Index:  i,
			Time:   ledger.NewEntryTime(time.Date(2026, 11, 29, 16, 0, int(i), 0, time.UTC)),
			Actor:  "user/1",
			Action: "profile.update",
			Object: "track/42",
			Digest: ledger.DigestOf([]byte("the change as stored, sealed fields sealed")),
			Salt:   ledger.NewSalt(),
		}
		// In one transaction: insert the entry and its stored hashes.
		first, hs, err := ledger.Append(stored, int64(len(entries)), e)
		if err != nil || first != int64(len(stored)) {
			panic(err)
		}
		entries, stored = append(entries, e), append(stored, hs...)
	}
	checkpoint, _ := ledger.NewCheckpoint(stored, 5, signer)

	// An inclusion proof for entry 3, checked against the signed root.
	cp, _ := ledger.OpenCheckpoint(checkpoint, verifier)
	proof, _ := ledger.ProveInclusion(stored, 3, cp.Size)
	leaf, _ := entries[3].LeafHash()
	fmt.Println(ledger.CheckInclusion(proof, 3, cp.Size, cp.Root, leaf))

	// parley audit verify
	all := func(yield func(ledger.Entry, error) bool) {
		for _, e := range entries {
			if !yield(e, nil) {
				return
			}
		}
	}
	tree, err := ledger.Verify(5, iter.Seq2[ledger.Entry, error](all), stored, [][]byte{checkpoint}, verifier)
	fmt.Println(tree.N, tree.Hash == cp.Root, err)

	entries[2].Actor = "user/2" // an edit behind the application's back
	_, err = ledger.Verify(5, iter.Seq2[ledger.Entry, error](all), stored, [][]byte{checkpoint}, verifier)
	fmt.Println(err)
	// Output:
	// <nil>
	// 5 true <nil>
	// ledger: entry 2: entry does not match its stored hash: the entry or stored hash 3 was altered
}
