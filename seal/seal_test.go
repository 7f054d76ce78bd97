package seal

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// digest names a secret in a failure message without printing it.
func digest(b []byte) string {
	return fmt.Sprintf("%d bytes, sha256 %x", len(b), sha256.Sum256(b))
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := GenerateTrackKey()
	ad := FieldAD("profiles", "42", "red_lines")
	for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 65, 1000, 1 << 16} {
		plaintext := bytes.Repeat([]byte{'x'}, n)
		ct := k.Seal(plaintext, ad)
		if len(ct) != n+Overhead {
			t.Errorf("len(Seal(%d bytes)) = %d, want %d", n, len(ct), n+Overhead)
		}
		if ct[0] != formatVersion {
			t.Errorf("version byte = %#x, want %#x", ct[0], formatVersion)
		}
		if n >= 16 && bytes.Contains(ct, plaintext) {
			t.Errorf("ciphertext of %d bytes contains its plaintext", n)
		}
		got, err := k.Open(ct, ad)
		if err != nil {
			t.Fatalf("Open(Seal(%d bytes)): %v", n, err)
		}
		if !bytes.Equal(got, plaintext) {
			t.Errorf("Open(Seal(p)) = %s, want %s", digest(got), digest(plaintext))
		}
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	k := GenerateTrackKey()
	ad := FieldAD("t", "1", "f")
	seen := map[string]bool{}
	for range 1000 {
		nonce := string(k.Seal([]byte("same"), ad)[1:HeaderSize])
		if seen[nonce] {
			t.Fatal("Seal reused a nonce")
		}
		seen[nonce] = true
	}
}

func TestOpenWrongKey(t *testing.T) {
	ad := FieldAD("profiles", "42", "notes")
	ct := GenerateTrackKey().Seal([]byte("our real priority"), ad)
	if _, err := GenerateTrackKey().Open(ct, ad); err != ErrOpen {
		t.Errorf("Open with another key: err = %v, want ErrOpen", err)
	}
}

func TestOpenWrongAD(t *testing.T) {
	k := GenerateTrackKey()
	ct := k.Seal([]byte("reservation value 0.35"), FieldAD("profiles", "42", "reservation"))
	for _, tc := range []struct {
		name string
		ad   []byte
	}{
		{"another row", FieldAD("profiles", "43", "reservation")},
		{"another field", FieldAD("profiles", "42", "notes")},
		{"another table", FieldAD("minutes", "42", "reservation")},
		{"shifted boundary", FieldAD("profiles", "4", "2reservation")},
		{"no ad", nil},
	} {
		if _, err := k.Open(ct, tc.ad); err != ErrOpen {
			t.Errorf("Open with AD of %s: err = %v, want ErrOpen", tc.name, err)
		}
	}
}

func TestSealField(t *testing.T) {
	k := GenerateTrackKey()
	ct := k.SealField("profiles", "42", "notes", []byte("note"))
	if got, err := k.Open(ct, FieldAD("profiles", "42", "notes")); err != nil || string(got) != "note" {
		t.Errorf("Open(SealField(...)) with FieldAD: %v", err)
	}
	if got, err := k.OpenField("profiles", "42", "notes", ct); err != nil || string(got) != "note" {
		t.Errorf("OpenField(SealField(...)): %v", err)
	}
	if _, err := k.OpenField("profiles", "41", "notes", ct); err != ErrOpen {
		t.Errorf("OpenField of another record: err = %v, want ErrOpen", err)
	}
}

func TestFieldADUnambiguous(t *testing.T) {
	triples := [][3]string{
		{"ab", "c", "d"}, {"a", "bc", "d"}, {"a", "b", "cd"}, {"abc", "", "d"},
		{"", "abc", "d"}, {"", "", "abcd"}, {"abcd", "", ""}, {"", "", ""},
		{"a\x00\x00\x00\x01b", "", ""}, {"a", "b", ""},
	}
	seen := map[string][3]string{}
	for _, tr := range triples {
		ad := string(FieldAD(tr[0], tr[1], tr[2]))
		if prev, ok := seen[ad]; ok {
			t.Errorf("FieldAD%q = FieldAD%q", tr, prev)
		}
		seen[ad] = tr
	}
	want := fieldLabel + "\x00\x00\x00\x01t\x00\x00\x00\x027x\x00\x00\x00\x00"
	if got := string(FieldAD("t", "7x", "")); got != want {
		t.Errorf("FieldAD(t, 7x, \"\") = %q, want %q", got, want)
	}
}

func TestOpenEveryByteFlip(t *testing.T) {
	k := GenerateTrackKey()
	ad := FieldAD("minutes", "9", "body")
	ct := k.Seal([]byte("caucus minutes, 3 May"), ad)
	for i := range ct {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(ct)
			bad[i] ^= mask
			if _, err := k.Open(bad, ad); err != ErrOpen {
				t.Errorf("byte %d ^ %#x: err = %v, want ErrOpen", i, mask, err)
			}
		}
	}
}

func TestOpenBoundaryLengths(t *testing.T) {
	k := GenerateTrackKey()
	ad := FieldAD("t", "1", "f")
	empty := k.Seal(nil, ad) // exactly Overhead bytes
	if len(empty) != Overhead {
		t.Fatalf("len(Seal(empty)) = %d, want %d", len(empty), Overhead)
	}
	if got, err := k.Open(empty, ad); err != nil || len(got) != 0 {
		t.Fatalf("Open(Seal(empty)) = %d bytes, %v; want 0 bytes, nil", len(got), err)
	}
	one := k.Seal([]byte{'a'}, ad) // Overhead+1 bytes
	for _, n := range []int{0, 1, 2, HeaderSize - 1, HeaderSize, HeaderSize + 1, Overhead - 1, Overhead} {
		if _, err := k.Open(one[:n], ad); err != ErrOpen {
			t.Errorf("Open(first %d of %d bytes): err = %v, want ErrOpen", n, len(one), err)
		}
	}
	for _, n := range []int{HeaderSize - 1, HeaderSize, HeaderSize + 1, Overhead - 1} {
		if _, err := k.Open(empty[:n], ad); err != ErrOpen {
			t.Errorf("Open(first %d of empty ciphertext): err = %v, want ErrOpen", n, err)
		}
	}
	for _, extra := range [][]byte{{0}, {0, 0}, empty[1:2]} {
		if _, err := k.Open(append(bytes.Clone(empty), extra...), ad); err != ErrOpen {
			t.Errorf("Open(ciphertext + %d bytes): err = %v, want ErrOpen", len(extra), err)
		}
	}
	for _, n := range []int{Overhead - 1, Overhead, Overhead + 1} {
		junk := make([]byte, n)
		junk[0] = formatVersion
		if _, err := k.Open(junk, ad); err != ErrOpen {
			t.Errorf("Open(%d zero bytes): err = %v, want ErrOpen", n, err)
		}
	}
}

func TestOpenUnknownVersion(t *testing.T) {
	k := GenerateTrackKey()
	ad := FieldAD("t", "1", "f")
	ct := k.Seal([]byte("x"), ad)
	for _, v := range []byte{0x00, 0x02, 0xff} {
		bad := bytes.Clone(ct)
		bad[0] = v
		if _, err := k.Open(bad, ad); err != ErrOpen {
			t.Errorf("version %#x: err = %v, want ErrOpen", v, err)
		}
	}
}

func TestWrapUnwrap(t *testing.T) {
	m := GenerateMasterKey()
	k, wrapped := m.NewTrackKey("42")
	if len(wrapped) != WrappedKeySize {
		t.Fatalf("len(wrapped) = %d, want %d", len(wrapped), WrappedKeySize)
	}
	if bytes.Contains(wrapped, k.key[:]) {
		t.Fatal("wrapped key contains the key")
	}
	ad := FieldAD("profiles", "1", "notes")
	ct := k.Seal([]byte("sealed"), ad)

	k2, err := m.Unwrap("42", wrapped)
	if err != nil {
		t.Fatalf("Unwrap: %v", err)
	}
	if got, err := k2.Open(ct, ad); err != nil || string(got) != "sealed" {
		t.Fatalf("unwrapped key does not open: %v", err)
	}

	if _, err := m.Unwrap("43", wrapped); !errors.Is(err, ErrOpen) {
		t.Errorf("Unwrap for another track: err = %v, want ErrOpen", err)
	}
	if _, err := GenerateMasterKey().Unwrap("42", wrapped); !errors.Is(err, ErrOpen) {
		t.Errorf("Unwrap with another master key: err = %v, want ErrOpen", err)
	}
	for i := range wrapped {
		bad := bytes.Clone(wrapped)
		bad[i] ^= 0x01
		if _, err := m.Unwrap("42", bad); !errors.Is(err, ErrOpen) {
			t.Errorf("Unwrap with byte %d flipped: err = %v, want ErrOpen", i, err)
		}
	}
	for _, n := range []int{0, HeaderSize, WrappedKeySize - 1, WrappedKeySize + 1} {
		bad := make([]byte, n)
		copy(bad, wrapped)
		if _, err := m.Unwrap("42", bad); !errors.Is(err, ErrOpen) {
			t.Errorf("Unwrap of %d bytes: err = %v, want ErrOpen", n, err)
		}
	}
}

func TestRewrap(t *testing.T) {
	oldKey, newKey := GenerateMasterKey(), GenerateMasterKey()
	k, wrapped := oldKey.NewTrackKey("7")
	ad := FieldAD("profiles", "3", "weights")
	ct := k.Seal([]byte("weights"), ad)

	rewrapped, err := Rewrap(oldKey, newKey, "7", wrapped)
	if err != nil {
		t.Fatalf("Rewrap: %v", err)
	}
	if _, err := oldKey.Unwrap("7", rewrapped); !errors.Is(err, ErrOpen) {
		t.Errorf("old master key unwraps the rewrapped key: err = %v", err)
	}
	k2, err := newKey.Unwrap("7", rewrapped)
	if err != nil {
		t.Fatalf("Unwrap after Rewrap: %v", err)
	}
	if got, err := k2.Open(ct, ad); err != nil || string(got) != "weights" {
		t.Errorf("data sealed before rotation does not open after: %v", err)
	}
	if _, err := Rewrap(newKey, oldKey, "7", wrapped); !errors.Is(err, ErrOpen) {
		t.Errorf("Rewrap with the wrong old key: err = %v, want ErrOpen", err)
	}
}

func TestKeysNeverPrint(t *testing.T) {
	m := GenerateMasterKey()
	k := GenerateTrackKey()
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q"} {
		for _, tc := range []struct {
			name   string
			value  any
			secret []byte
		}{{"master", m, m.key[:]}, {"track", k, k.key[:]}} {
			out := fmt.Sprintf(format, tc.value)
			for _, enc := range []string{string(tc.secret), fmt.Sprintf("%x", tc.secret), fmt.Sprintf("%X", tc.secret), strings.TrimSpace(string((&MasterKey{key: [32]byte(tc.secret)}).Encode()))} {
				if strings.Contains(out, enc) || strings.Contains(out, enc[:16]) {
					t.Errorf("Sprintf(%q, %s key) reveals the key (output of %d bytes)", format, tc.name, len(out))
				}
			}
		}
	}
	if got := fmt.Sprint(m); !strings.Contains(got, string(m.ID())) {
		t.Errorf("master key prints as %q, want its KeyID", got)
	}
}

// FuzzOpen checks that Open never panics and never accepts a ciphertext it
// did not produce: any input that opens must be one of the seeds, unchanged.
func FuzzOpen(f *testing.F) {
	var k [TrackKeySize]byte
	for i := range k {
		k[i] = byte(i)
	}
	key := newTrackKey(k)
	valid := map[string]string{} // ciphertext → ad
	for i, pt := range []string{"", "a", "red line: no troop withdrawal"} {
		ad := FieldAD("t", fmt.Sprint(i), "f")
		// Fixed nonces: every fuzzing worker must build the same seeds.
		ct := sealWithNonce(key.aead, [NonceSize]byte(fixedBytes(NonceSize, byte(i))), []byte(pt), ad)
		valid[string(ct)] = string(ad)
		f.Add(ct, ad)
	}
	f.Add([]byte{}, []byte{})
	f.Add(make([]byte, Overhead), []byte("x"))
	f.Fuzz(func(t *testing.T, ct, ad []byte) {
		pt, err := key.Open(ct, ad)
		if err != nil {
			if err != ErrOpen {
				t.Fatalf("Open error %v is not ErrOpen", err)
			}
			return
		}
		if wantAD, ok := valid[string(ct)]; !ok || wantAD != string(ad) {
			t.Fatalf("Open accepted a forged ciphertext of %d bytes (plaintext %s)", len(ct), digest(pt))
		}
	})
}

func BenchmarkSeal1KiB(b *testing.B) {
	k := GenerateTrackKey()
	ad := FieldAD("profiles", "42", "notes")
	pt := make([]byte, 1024)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		k.Seal(pt, ad)
	}
}

func BenchmarkOpen1KiB(b *testing.B) {
	k := GenerateTrackKey()
	ad := FieldAD("profiles", "42", "notes")
	ct := k.Seal(make([]byte, 1024), ad)
	b.SetBytes(1024)
	for b.Loop() {
		if _, err := k.Open(ct, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrap(b *testing.B) {
	m := GenerateMasterKey()
	_, wrapped := m.NewTrackKey("42")
	for b.Loop() {
		if _, err := m.Unwrap("42", wrapped); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSecrets(t *testing.T) {
	m, other := GenerateMasterKey(), GenerateMasterKey()
	secret, wrapped := m.NewSecret("row-mac")
	if len(secret) != SecretSize || len(wrapped) != SecretSize+Overhead {
		t.Fatalf("NewSecret: %d and %d bytes", len(secret), len(wrapped))
	}
	got, err := m.UnwrapSecret("row-mac", wrapped)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("UnwrapSecret = %s, %v", digest(got), err)
	}
	if s2, _ := m.NewSecret("row-mac"); bytes.Equal(s2, secret) {
		t.Error("NewSecret repeats a secret")
	}
	for name, try := range map[string]func() ([]byte, error){
		"another purpose":    func() ([]byte, error) { return m.UnwrapSecret("checkpoint-signer", wrapped) },
		"another master key": func() ([]byte, error) { return other.UnwrapSecret("row-mac", wrapped) },
		"one byte short":     func() ([]byte, error) { return m.UnwrapSecret("row-mac", wrapped[:len(wrapped)-1]) },
		"a track key's wrap": func() ([]byte, error) { _, w := m.NewTrackKey("row-mac"); return m.UnwrapSecret("row-mac", w) },
	} {
		if _, err := try(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
	for i := range wrapped {
		flipped := bytes.Clone(wrapped)
		flipped[i] ^= 1
		if _, err := m.UnwrapSecret("row-mac", flipped); !errors.Is(err, ErrOpen) {
			t.Fatalf("byte %d flipped: err = %v, want ErrOpen", i, err)
		}
	}
	rewrapped, err := RewrapSecret(m, other, "row-mac", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := other.UnwrapSecret("row-mac", rewrapped); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("after RewrapSecret: %s, %v; want the same secret", digest(got), err)
	}
	if _, err := m.UnwrapSecret("row-mac", rewrapped); !errors.Is(err, ErrOpen) {
		t.Errorf("the old key unwraps the rewrapped secret: %v", err)
	}
}
