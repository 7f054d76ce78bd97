-- 0004: proposals, ballots and negotiating texts (issue 4). Sealed columns hold
-- seal.TrackKey.SealField ciphertexts bound to (table, record, field).
-- Nothing is deleted: a proposal is withdrawn or superseded. Times are unix
-- microseconds, UTC.

-- content is the sealed JSON of {package, rationale}, record "<id>".
CREATE TABLE proposals (
	id              INTEGER PRIMARY KEY,
	track_id        INTEGER NOT NULL REFERENCES tracks (id),
	author_party_id INTEGER REFERENCES parties (id),
	audience        TEXT    NOT NULL,
	content         BLOB    NOT NULL,
	status          TEXT    NOT NULL,
	supersedes      INTEGER REFERENCES proposals (id),
	superseded_by   INTEGER REFERENCES proposals (id),
	created_by      INTEGER REFERENCES users (id),
	created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX proposals_track ON proposals (track_id, id);

-- reasons is sealed, record "<id>".
CREATE TABLE proposal_responses (
	id          INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals (id),
	track_id    INTEGER NOT NULL REFERENCES tracks (id),
	party_id    INTEGER REFERENCES parties (id),
	kind        TEXT    NOT NULL,
	counter_id  INTEGER REFERENCES proposals (id),
	reasons     BLOB    NOT NULL,
	audience    TEXT    NOT NULL,
	created_by  INTEGER REFERENCES users (id),
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX proposal_responses_proposal ON proposal_responses (proposal_id, id);

-- The mediator's proposal with secret answers; package is sealed, record
-- "<id>".
CREATE TABLE ballots (
	id         INTEGER PRIMARY KEY,
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	package    BLOB    NOT NULL,
	deadline   INTEGER NOT NULL,
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ballots_track ON ballots (track_id, id);

-- The parties a ballot is put to; answer is NULL until the party answers,
-- then the sealed "accept" or "reject" (equal lengths, so equal ciphertext
-- lengths), record "<ballot>/<party>". No time is kept.
CREATE TABLE ballot_parties (
	ballot_id INTEGER NOT NULL REFERENCES ballots (id),
	party_id  INTEGER NOT NULL REFERENCES parties (id),
	answer    BLOB,
	PRIMARY KEY (ballot_id, party_id)
) STRICT;

-- Single negotiating texts. The title is map data; every version's clauses
-- are the sealed JSON of []parley.Clause, record "<version id>". A version
-- with frozen_at set never changes.
CREATE TABLE texts (
	id         INTEGER PRIMARY KEY,
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	title      TEXT    NOT NULL,
	audience   TEXT    NOT NULL,
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX texts_track ON texts (track_id, id);

CREATE TABLE text_versions (
	id         INTEGER PRIMARY KEY,
	text_id    INTEGER NOT NULL REFERENCES texts (id),
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	number     INTEGER NOT NULL,
	clauses    BLOB    NOT NULL,
	frozen_at  INTEGER,
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL,
	UNIQUE (text_id, number)
) STRICT;
