package seal_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parley-talks/parley/seal"
)

// The life of a store's keys: load the master key, check it against the
// KeyID the store recorded, make and wrap a track key, seal a field, and
// refuse a ciphertext moved to another row.
func Example() {
	dir, _ := os.MkdirTemp("", "seal-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "master.key")

	// parley keys init
	if err := seal.WriteKeyFile(path, seal.GenerateMasterKey()); err != nil {
		panic(err)
	}
	master, err := seal.LoadMasterKey(path, func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	recorded := master.ID() // the store saves this beside its wrapped keys
	if err := master.CheckID(recorded); err != nil {
		panic(err)
	}

	// A new track: keep only the wrapped key.
	_, wrapped := master.NewTrackKey("42")

	// Later: unwrap, seal and open a field.
	key, err := master.Unwrap("42", wrapped)
	if err != nil {
		panic(err)
	}
	ct := key.SealField("profiles", "7", "red_lines", []byte("no withdrawal"))
	pt, err := key.OpenField("profiles", "7", "red_lines", ct)
	fmt.Println(string(pt), err)

	_, err = key.OpenField("profiles", "8", "red_lines", ct)
	fmt.Println(errors.Is(err, seal.ErrOpen))

	// parley keys rotate: rewrap with a new master key; data is untouched.
	next := seal.GenerateMasterKey()
	rewrapped, err := seal.Rewrap(master, next, "42", wrapped)
	if err != nil {
		panic(err)
	}
	key2, _ := next.Unwrap("42", rewrapped)
	pt, err = key2.OpenField("profiles", "7", "red_lines", ct)
	fmt.Println(string(pt), err)
	fmt.Println(errors.Is(master.CheckID(next.ID()), seal.ErrWrongMasterKey))
	// Output:
	// no withdrawal <nil>
	// true
	// no withdrawal <nil>
	// true
}
