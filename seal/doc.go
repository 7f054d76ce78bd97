// Package seal encrypts Parley's confidential fields at rest.
//
// # What it protects against
//
// A thief of the database file, its WAL, a backup or a table dump, and an
// operator reading the database directly, learn nothing of a sealed field but
// its length. Someone who edits the database behind the application's back —
// flips a byte, or moves a ciphertext to another row or another field — is
// detected: [TrackKey.Open] returns [ErrOpen]. Seal does not protect against an
// attacker who holds the master key, nor against a compromised running server,
// and it does not hide lengths, record counts or access patterns.
//
// # Keys
//
// The master key is 32 random bytes ([MasterKeySize]) held outside the
// database: in a key file or in the environment variable [EnvMasterKey]. It
// never encrypts data directly. Each track has its own data key, a
// [TrackKey] of 32 random bytes ([TrackKeySize]), which the store keeps only
// in wrapped form: encrypted under the master key with XChaCha20-Poly1305,
// the associated data binding the wrap to the track's id and to the version
// label "parley seal track key v1". A wrapped key moved to another track
// does not unwrap.
//
// A store keeps a few secrets of its own besides the track keys — the key
// that authenticates its rows and the seed of the key that signs its
// ledger's checkpoints — each [SecretSize] random bytes wrapped under the
// master key like a track key, with associated data that binds the wrap to
// the secret's purpose ("parley seal store secret v1" and the purpose,
// length-prefixed): [MasterKey.NewSecret], [MasterKey.UnwrapSecret]. A
// wrapped secret given for another purpose does not unwrap. Random secrets
// rather than ones derived from the master key, so that a rotation re-wraps
// them and they stay the same: rows need not be authenticated anew and
// checkpoints exported before stay verifiable.
//
// A master key is named by its [KeyID], a fingerprint
// HMAC-SHA-256(master key, "parley seal key id v1") truncated to 128 bits.
// The fingerprint reveals nothing of the key. A store records the KeyID of the
// master key that wrapped its data keys and calls [MasterKey.CheckID] at
// start, so that a wrong master key is refused with a clear error before
// anything is read or overwritten.
//
// # Key file and environment
//
// A key file holds the master key as one line of standard base64 with
// padding (44 characters), optionally followed by a newline; this is what
// [WriteKeyFile] writes. A file of exactly 32 bytes is read as the raw key.
// The two forms cannot be confused: they differ in length. On Unix,
// [LoadKeyFile] refuses a key file that its group or other users may read,
// write or execute (mode must be 0600 or stricter). [WriteKeyFile] creates the
// file with mode 0600 and never overwrites an existing file. The environment
// variable [EnvMasterKey] holds the same base64 text.
//
// # Ciphertext format
//
// A sealed value and a wrapped data key share one format:
//
//	version (1 byte, 0x01) || nonce (24 bytes) || XChaCha20-Poly1305 ciphertext || tag (16 bytes)
//
// so a ciphertext is exactly [Overhead] = 41 bytes longer than its plaintext.
// Nonces are 192-bit random values from crypto/rand; at that size random
// nonces are safe for any number of messages a track will ever hold. The
// version byte is authenticated too: it is part of the associated data
// passed to the AEAD.
//
// # Associated data
//
// [FieldAD] builds the associated data for a sealed field from the table, the
// record id and the field name, each prefixed by its length as a 4-byte
// big-endian integer after the label "parley seal field v1", so no two
// distinct triples give the same bytes ("ab","c" and "a","bc" differ). A
// ciphertext opened with the AD of another row or field fails with
// [ErrOpen]. [TrackKey.SealField] and [TrackKey.OpenField] build it for you.
//
// Test vectors for both formats, made with fixed keys and nonces, are in
// testdata/vectors.json.
//
// # Rotation
//
// [Rewrap] unwraps a data key with the old master key and wraps it again under
// the new one ([RewrapSecret] a store secret). Sealed data is untouched: it is encrypted under the data keys,
// which do not change. A store rotates by rewrapping every track's key in one
// transaction and recording the new KeyID.
//
// # Crypto-shredding
//
// Once a track's wrapped data key is deleted from the store, and the backups
// that still hold it have aged out, every value sealed under it is
// unreadable, even to a holder of the master key: the data key existed
// nowhere else. Seal provides no delete function; shredding is the store
// deleting the wrapped key row.
//
// # Errors
//
// Every failure to authenticate — wrong key, wrong associated data, a flipped
// byte, a truncated or extended ciphertext, an unknown version — returns
// [ErrOpen], never a hint of which byte was wrong. Errors never carry keys or
// plaintexts; keys print as their KeyID (master keys) or as a fixed string.
package seal
