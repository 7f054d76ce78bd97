-- 0001: the map of the talks (issue 2). Times are unix microseconds, UTC.

CREATE TABLE parties (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL UNIQUE,
	kind       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE venues (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL UNIQUE,
	city       TEXT    NOT NULL,
	country    TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL,
	admin         INTEGER NOT NULL DEFAULT 0,
	disabled      INTEGER NOT NULL DEFAULT 0,
	password_hash TEXT    NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE tracks (
	id         INTEGER PRIMARY KEY,
	title      TEXT    NOT NULL UNIQUE,
	mandate    TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tracks_status ON tracks (status, id);

CREATE TABLE track_parties (
	track_id INTEGER NOT NULL REFERENCES tracks (id),
	party_id INTEGER NOT NULL REFERENCES parties (id),
	role     TEXT    NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (track_id, party_id, role)
) STRICT;
CREATE INDEX track_parties_party ON track_parties (party_id);

CREATE TABLE track_venues (
	track_id INTEGER NOT NULL REFERENCES tracks (id),
	venue_id INTEGER NOT NULL REFERENCES venues (id),
	position INTEGER NOT NULL,
	PRIMARY KEY (track_id, venue_id)
) STRICT;
CREATE INDEX track_venues_venue ON track_venues (venue_id);

CREATE TABLE themes (
	id          INTEGER PRIMARY KEY,
	track_id    INTEGER NOT NULL REFERENCES tracks (id),
	name        TEXT    NOT NULL,
	description TEXT    NOT NULL,
	position    INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	UNIQUE (track_id, name)
) STRICT;

-- Options are replaced on update; AUTOINCREMENT keeps a deleted option's id
-- from being handed out again.
CREATE TABLE options (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	theme_id    INTEGER NOT NULL REFERENCES themes (id),
	position    INTEGER NOT NULL,
	label       TEXT    NOT NULL,
	description TEXT    NOT NULL,
	UNIQUE (theme_id, label)
) STRICT;

-- Members are deleted when a grant is revoked; AUTOINCREMENT keeps ids unique
-- over time, as the audit log refers to them.
CREATE TABLE members (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	user_id    INTEGER NOT NULL REFERENCES users (id),
	role       TEXT    NOT NULL,
	party_id   INTEGER REFERENCES parties (id),
	created_at INTEGER NOT NULL,
	UNIQUE (track_id, user_id)
) STRICT;
CREATE INDEX members_user ON members (user_id);
CREATE INDEX members_party ON members (party_id);

CREATE TABLE meetings (
	id         INTEGER PRIMARY KEY,
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	venue_id   INTEGER REFERENCES venues (id),
	title      TEXT    NOT NULL,
	format     TEXT    NOT NULL,
	starts_at  INTEGER NOT NULL,
	ends_at    INTEGER,
	outcome    TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX meetings_track ON meetings (track_id, starts_at, id);
CREATE INDEX meetings_venue ON meetings (venue_id, starts_at, id);
CREATE INDEX meetings_starts ON meetings (starts_at, id);

CREATE TABLE meeting_attendees (
	meeting_id INTEGER NOT NULL REFERENCES meetings (id),
	position   INTEGER NOT NULL,
	party_id   INTEGER NOT NULL REFERENCES parties (id),
	name       TEXT    NOT NULL,
	PRIMARY KEY (meeting_id, position)
) STRICT;
CREATE INDEX meeting_attendees_party ON meeting_attendees (party_id);

CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	occurred_at INTEGER NOT NULL,
	title       TEXT    NOT NULL,
	description TEXT    NOT NULL,
	source      TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX events_occurred ON events (occurred_at, id);

CREATE TABLE event_tracks (
	event_id INTEGER NOT NULL REFERENCES events (id),
	track_id INTEGER NOT NULL REFERENCES tracks (id),
	position INTEGER NOT NULL,
	PRIMARY KEY (event_id, track_id)
) STRICT;
CREATE INDEX event_tracks_track ON event_tracks (track_id, event_id);

-- A track's status history is append-only.
CREATE TABLE transitions (
	id          INTEGER PRIMARY KEY,
	track_id    INTEGER NOT NULL REFERENCES tracks (id),
	from_status TEXT    NOT NULL,
	to_status   TEXT    NOT NULL,
	reason      TEXT    NOT NULL,
	event_id    INTEGER REFERENCES events (id),
	actor_id    INTEGER REFERENCES users (id),
	at          INTEGER NOT NULL
) STRICT;
CREATE INDEX transitions_track ON transitions (track_id, id);
CREATE INDEX transitions_event ON transitions (event_id);
CREATE INDEX transitions_actor ON transitions (actor_id);

CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions
BEGIN
	SELECT RAISE(ABORT, 'transitions are append-only');
END;
CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
BEGIN
	SELECT RAISE(ABORT, 'transitions are append-only');
END;
