// Package ledger is Parley's tamper-evident audit log: every write appends
// an [Entry] to a Merkle tree with RFC 6962 hashing, and the tree's root is
// signed from time to time in a [Checkpoint].
//
// # What it protects against
//
// Anyone who edits the stored log behind the application's back — changes a
// field of an entry, deletes, duplicates or reorders entries, alters a
// stored hash, or forges a checkpoint — is detected by [Verify], which names
// the first bad entry. An attacker who also recomputes every stored hash is
// caught by the next signed checkpoint, whose root no longer matches, as long
// as the checkpoint signer key is not theirs. Truncating the log's tail is
// caught only by a checkpoint beyond the truncation, so a store should sign
// checkpoints often and keep them (or hand them to auditors). The ledger does
// not hide what it records: actor, action, object and time are stored in
// the clear; a change itself is recorded only as a digest.
//
// # Entries and their encoding
//
// An entry's leaf data is its canonical binary encoding (see
// [Entry.AppendEncoding]): fixed-size fields and length-prefixed strings, so
// distinct entries have distinct encodings. Times are Unix microseconds
// ([TimePrecision]). The change digest is SHA-256 of the change's canonical
// bytes as stored — sealed fields in their sealed form — never of a
// plaintext, which could be guessed from its digest.
//
// # Visibility and versions
//
// An entry also records its visibility ([Entry.Visibility]): who may see it
// through the store's read path, in a canonical form the store chooses. A
// store that keeps a copy of it beside the leaf, to filter on, must check
// that copy against the leaf when it verifies, since Verify sees only the
// entries.
//
// The encoding's first byte is its version. Version 3, the only one
// [Entry.Encode] writes, carries a salt ([Entry.Salt], [SaltSize] fresh
// random bytes) and four length-prefixed fields: actor, action, object and
// visibility. The salt makes every leaf hash unguessable: an inclusion
// proof hands its holder the leaf hashes of neighbouring entries it may not
// see, and without a salt an entry that digests only guessable values (who
// matched which person, when) could be recovered by enumerating plausible
// entries until one hashes alike.
//
// [DecodeEntry] still reads the older versions, and sets [Entry.Version]:
// version 2 (no salt) and version 1 (no salt and no visibility, written
// before entries recorded it). An older entry hashes to its own encoding,
// so logs that began before still verify, but nothing vouches for a
// version 1 entry's visibility and neither hides its content from
// enumeration. [Append] refuses them.
//
// # Hashing and storage
//
// The tree is the one of golang.org/x/mod/sumdb/tlog: leaf hash
// SHA-256(0x00 || leaf data), interior node SHA-256(0x01 || left || right)
// (RFC 6962 §2.1). A store keeps the tlog "stored hashes": every complete
// subtree's hash, under 2 per entry, at the indexes tlog.StoredHashIndex
// gives. [Append] computes the hashes to add for new entries from a
// [HashReader] over the ones already stored; [TreeHash], [ProveInclusion]
// and [ProveConsistency] read them. A store therefore implements one method,
// ReadHashes, and yields its entries in index order for [Verify]; a store
// that keeps each entry's stored hashes beside it may instead yield them
// with the entries, in one scan, for [VerifyStored].
//
// Verify also needs the log's size as the store recorded it (a row updated
// in the same transaction as each append), so that entries deleted from the
// end are noticed. A suggested table shape (SQLite; in PostgreSQL use
// BIGINT and BYTEA, and keep the time as integer microseconds so that it
// round-trips exactly):
//
//	CREATE TABLE audit_entries (
//	    idx             INTEGER PRIMARY KEY,  -- Entry.Index, from 0
//	    time_us         INTEGER NOT NULL,     -- Entry.Time as Unix microseconds
//	    actor           TEXT NOT NULL,
//	    action          TEXT NOT NULL,
//	    object          TEXT NOT NULL,
//	    digest          BLOB NOT NULL,        -- 32 bytes
//	    prev_checkpoint INTEGER NOT NULL,     -- 0 if none
//	    visibility      TEXT NOT NULL,        -- "" if none
//	    legacy          INTEGER NOT NULL      -- 1 for a version 1 entry
//	);
//	CREATE TABLE audit_hashes (
//	    id   INTEGER PRIMARY KEY,             -- stored-hash index
//	    hash BLOB NOT NULL                    -- 32 bytes
//	);
//	CREATE TABLE audit_checkpoints (
//	    size   INTEGER PRIMARY KEY,           -- tree size
//	    signed BLOB NOT NULL                  -- the signed note
//	);
//
// # Checkpoints
//
// A checkpoint is the C2SP tlog-checkpoint text (origin, size, base64 root)
// signed as a golang.org/x/mod/sumdb/note with an Ed25519 key; the key's name
// is the log's origin. [GenerateKey] makes a key pair; the signer key is a
// secret, the verifier key is published. A store that keeps its key as a
// secret seed makes the pair with [NewKeyFromSeed], computing the verifier
// from the seed: it never reads a verifier key from where an attacker could
// put their own.
//
// A checkpoint kept outside the store — by an auditor, a delegation's
// browser, the operator off the host — anchors the log: given to [Verify]
// beside the store's own, it fails a log that was rolled back to an older
// copy (fewer entries than the checkpoint signs) or rewritten (another root
// at its size), which nothing inside a copied database can reveal.
//
// # Proofs
//
// [ProveInclusion] and [CheckInclusion] prove that an entry is in a tree
// (RFC 6962 §2.1.1); [ProveConsistency] and [CheckConsistency] prove that an
// older tree is a prefix of a newer one (§2.1.2). Proofs are lists of
// hashes; a tlog.Hash marshals to JSON as a base64 string.
//
// # Errors
//
// Bad caller input returns an error prefixed "ledger:". Anything that does
// not verify wraps [ErrVerify]; Verify's findings are [*VerifyError] values
// with the first bad entry's index and a [Problem]. A broken internal
// invariant panics.
package ledger
