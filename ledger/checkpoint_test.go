package ledger

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestCheckpointSignOpen(t *testing.T) {
	s, v := testKeys(t)
	m := newTestLog(t, 10, 1, s)
	signed, err := NewCheckpoint(m, 10, s)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := TreeHash(m, 10)
	c, err := OpenCheckpoint(signed, v)
	if err != nil {
		t.Fatalf("OpenCheckpoint: %v", err)
	}
	if c != (Checkpoint{Origin: "parley.test/audit", Size: 10, Root: root}) {
		t.Errorf("OpenCheckpoint = %+v", c)
	}
	text, _, _ := bytes.Cut(signed, []byte("\n\n"))
	if want := "parley.test/audit\n10\n" + root.String(); string(text) != want {
		t.Errorf("checkpoint text = %q, want %q", text, want)
	}
}

func TestCheckpointForgeries(t *testing.T) {
	s, v := testKeys(t)
	otherS, _ := testKeys(t) // same name, another key
	skey3, _, _ := GenerateKey("someone.else/log")
	s3, _ := NewSigner(skey3)
	m := newTestLog(t, 4, 1, s)
	root, _ := TreeHash(m, 4)
	good, err := SignCheckpoint(s, 4, root)
	if err != nil {
		t.Fatal(err)
	}
	forgedByOther, _ := SignCheckpoint(otherS, 4, root)
	otherOrigin, _ := SignCheckpoint(s3, 4, root)
	biggerSize := bytes.Replace(good, []byte("\n4\n"), []byte("\n5\n"), 1)
	flipped := bytes.Clone(good)
	flipped[len("parley.test/audit\n4\n")+3] ^= 1
	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"signed by another key of the same name", forgedByOther},
		{"another origin", otherOrigin},
		{"size changed", biggerSize},
		{"root changed", flipped},
		{"signature removed", bytes.SplitAfter(good, []byte("\n\n"))[0]},
		{"empty", nil},
		{"too long", bytes.Repeat([]byte("a"), maxCheckpointSize+1)},
	} {
		if _, err := OpenCheckpoint(tc.msg, v); err == nil {
			t.Errorf("%s: OpenCheckpoint accepted it", tc.name)
		} else if !strings.HasPrefix(err.Error(), "ledger: ") {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, err)
		}
	}
	if _, err := OpenCheckpoint(forgedByOther, v); !errors.Is(err, ErrVerify) {
		t.Errorf("forged checkpoint: err = %v, want ErrVerify", err)
	}
}

func TestParseCheckpointStrict(t *testing.T) {
	root := Hash{1, 2, 3}
	good := string(Checkpoint{Origin: "o", Size: 7, Root: root}.Text())
	if c, err := parseCheckpoint(good); err != nil || c.Size != 7 || c.Root != root {
		t.Fatalf("parseCheckpoint(Text()) = %+v, %v", c, err)
	}
	for _, text := range []string{
		"o\n7\n" + root.String(),            // no final newline
		"o\n07\n" + root.String() + "\n",    // leading zero
		"o\n+7\n" + root.String() + "\n",    // sign
		"o\n0\n" + root.String() + "\n",     // empty tree
		"o\n-1\n" + root.String() + "\n",    // negative
		"o\n7\n" + root.String()[1:] + "\n", // short hash
		"o\n7\n" + root.String() + "\nx\n",  // extension line
		"o\n7\n" + root.String() + "\n\n",   // blank line
		"o\n9223372036854775808\nAAAA\n",    // overflow
	} {
		if _, err := parseCheckpoint(text); err == nil {
			t.Errorf("parseCheckpoint(%q) accepted it", text)
		}
	}
	if _, err := SignCheckpoint(nil, 0, root); err == nil {
		t.Error("SignCheckpoint of size 0: no error")
	}
}

func TestKeyHelpers(t *testing.T) {
	if _, _, err := GenerateKey("bad name"); err == nil {
		t.Error("GenerateKey with a space in the name: no error")
	}
	skey, vkey, err := GenerateKey("parley.test/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSigner(vkey); err == nil {
		t.Error("NewSigner(verifier key): no error")
	}
	if _, err := NewVerifier(skey); err == nil {
		t.Error("NewVerifier(signer key): no error")
	}
}

// TestKeyFromSeed: a key pair made from the seed of a generated signer key
// is that key pair, and signs checkpoints its verifier opens; a wrong seed
// size is refused.
func TestKeyFromSeed(t *testing.T) {
	skey, vkey, err := GenerateKey("parley.example/audit")
	if err != nil {
		t.Fatal(err)
	}
	seed, err := SeedOfSignerKey(skey)
	if err != nil || len(seed) != SeedSize {
		t.Fatalf("SeedOfSignerKey: %d bytes, %v", len(seed), err)
	}
	signer, verifier, text, err := NewKeyFromSeed("parley.example/audit", seed)
	if err != nil {
		t.Fatal(err)
	}
	if text != vkey {
		t.Errorf("verifier key from the seed = %q, want the generated %q", text, vkey)
	}
	theirs, _ := NewVerifier(vkey)
	cp, err := SignCheckpoint(signer, 3, Hash{1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []note.Verifier{verifier, theirs} {
		if _, err := OpenCheckpoint(cp, v); err != nil {
			t.Errorf("a checkpoint signed from the seed does not open: %v", err)
		}
	}
	other := make([]byte, SeedSize)
	other[0] = 1
	_, otherV, _, _ := NewKeyFromSeed("parley.example/audit", other)
	if _, err := OpenCheckpoint(cp, otherV); err == nil {
		t.Error("another seed's verifier opens the checkpoint")
	}
	for _, n := range []int{0, SeedSize - 1, SeedSize + 1} {
		if _, _, _, err := NewKeyFromSeed("x", make([]byte, n)); err == nil {
			t.Errorf("a seed of %d bytes: no error", n)
		}
	}
	if _, err := SeedOfSignerKey(vkey); err == nil {
		t.Error("SeedOfSignerKey of a verifier key: no error")
	}
}
