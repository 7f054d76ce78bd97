-- Setting up talks: mediators an administrator made, invitations by
-- one-time link, and a collapsed track revived as a new one.
--
-- mediator_accounts: the users an administrator made mediators; they may
-- open tracks (and mediate each one they open).
--
-- invitations: a one-time link to join, kept as the SHA-256 of its
-- secret (as sessions are); a role on a track, or with no track a
-- mediator; used once (accepted_at, user_id), until expires_at.
--
-- track_revivals: a collapsed track (track_id) succeeded by a new one
-- (successor_id) that continues its talks.
--
-- Each row is authenticated (mac), as every row of the domain.
CREATE TABLE mediator_accounts (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id),
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL,
	mac        BLOB
) STRICT;

CREATE TABLE invitations (
	id          INTEGER PRIMARY KEY,
	secret_hash BLOB    NOT NULL UNIQUE,
	email       TEXT    NOT NULL,
	name        TEXT    NOT NULL,
	track_id    INTEGER REFERENCES tracks (id),
	role        TEXT    NOT NULL,
	party_id    INTEGER REFERENCES parties (id),
	created_by  INTEGER REFERENCES users (id),
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	accepted_at INTEGER,
	user_id     INTEGER REFERENCES users (id),
	mac         BLOB
) STRICT;
CREATE INDEX invitations_track ON invitations (track_id, id);

CREATE TABLE track_revivals (
	track_id     INTEGER PRIMARY KEY REFERENCES tracks (id),
	successor_id INTEGER NOT NULL UNIQUE REFERENCES tracks (id),
	reason       TEXT    NOT NULL,
	actor_id     INTEGER REFERENCES users (id),
	at           INTEGER NOT NULL,
	mac          BLOB
) STRICT;

-- transitions stay append-only but for the time of a track's first one
-- (from_status ''), its start, which a mediator moves to enter earlier
-- history.
DROP TRIGGER transitions_no_update;
CREATE TRIGGER transitions_no_update BEFORE UPDATE OF id, track_id, from_status, to_status, reason, event_id, actor_id ON transitions
BEGIN
	SELECT RAISE(ABORT, 'transitions are append-only');
END;
CREATE TRIGGER transitions_start_only BEFORE UPDATE OF at ON transitions WHEN OLD.from_status <> ''
BEGIN
	SELECT RAISE(ABORT, 'transitions are append-only');
END;
