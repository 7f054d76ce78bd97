-- 0003: confidentiality (issue 7). Sealed profiles and meeting notes under
-- per-track data keys, and the audit ledger. Sealed columns hold
-- seal.TrackKey.SealField ciphertexts bound to (table, record, field); data
-- keys are stored only wrapped by the master key, which is never stored:
-- store_meta records its KeyID. Times are unix microseconds, UTC.

-- Named values of the store itself: master_key_id (the KeyID of the master
-- key that wraps the data keys), ledger_key (the ledger's data key, wrapped),
-- ledger_signer (the checkpoint signer key, sealed under ledger_key) and
-- ledger_verifier (the checkpoint verifier key, public).
CREATE TABLE store_meta (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;

-- One data key per track, wrapped by the master key. Deleting the row shreds
-- every value sealed under it.
CREATE TABLE track_keys (
	track_id   INTEGER PRIMARY KEY REFERENCES tracks (id),
	wrapped    BLOB    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

-- Every version of every party's profile; content is the sealed JSON of
-- parley.ProfileContent, record "<track>/<party>/<version>".
CREATE TABLE profiles (
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	party_id   INTEGER NOT NULL REFERENCES parties (id),
	version    INTEGER NOT NULL,
	content    BLOB    NOT NULL,
	updated_by INTEGER REFERENCES users (id),
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (track_id, party_id, version)
) STRICT;

-- Minutes and caucus notes of meetings, each with an audience; text is
-- sealed, record "<id>".
CREATE TABLE meeting_notes (
	id         INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings (id),
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	kind       TEXT    NOT NULL,
	audience   TEXT    NOT NULL,
	text       BLOB    NOT NULL,
	author_id  INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_notes_meeting ON meeting_notes (meeting_id, id);

-- The audit ledger (package ledger). An entry is stored as its leaf data
-- (ledger.Entry.Encode: index, time, actor, action, object, digest, previous
-- checkpoint), which is what the tree hashes, so that nothing of an entry
-- lies outside what verification checks; hashes holds the tlog stored
-- hashes the entry added (1 + trailing ones of idx, 32 bytes each, at
-- stored-hash indexes tlog.StoredHashIndex(0, idx) onwards), so that a
-- whole verification reads one row per entry. track_id and audience say who
-- may see the entry (and ask for its inclusion proof); since leaf version 2
-- the leaf records them too (ledger.Entry.Visibility), and VerifyAudit and
-- ProveInclusion check the columns against it. Version 1 leaves, written
-- before, do not: their columns cannot be checked (legacy entries).
CREATE TABLE audit_entries (
	idx      INTEGER PRIMARY KEY,
	leaf     BLOB NOT NULL,
	hashes   BLOB NOT NULL,
	track_id INTEGER,
	audience TEXT NOT NULL
) STRICT;
CREATE TABLE audit_checkpoints (
	size   INTEGER PRIMARY KEY,
	signed BLOB    NOT NULL
) STRICT;
-- The log's size and latest checkpoint, updated with every append.
CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	size       INTEGER NOT NULL,
	checkpoint INTEGER NOT NULL
) STRICT;
INSERT INTO audit_log (id, size, checkpoint) VALUES (1, 0, 0);
