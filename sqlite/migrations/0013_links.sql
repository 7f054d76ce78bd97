-- Links between tracks and their history.
--
-- links: two tracks bound by a kind (package, sequence, condition), with
-- opens_at for a sequence link ('' otherwise), a reason and a status
-- (active, dissolved). link_steps: each change of a link's status, as
-- transitions are a track's.
--
-- Each row is authenticated (mac), as every row of the domain.
CREATE TABLE links (
	id         INTEGER PRIMARY KEY,
	track_a    INTEGER NOT NULL REFERENCES tracks (id),
	track_b    INTEGER NOT NULL REFERENCES tracks (id),
	kind       TEXT    NOT NULL,
	opens_at   TEXT    NOT NULL,
	reason     TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL,
	mac        BLOB
) STRICT;
CREATE INDEX links_track_a ON links (track_a, id);
CREATE INDEX links_track_b ON links (track_b, id);

CREATE TABLE link_steps (
	id          INTEGER PRIMARY KEY,
	link_id     INTEGER NOT NULL REFERENCES links (id),
	from_status TEXT    NOT NULL,
	to_status   TEXT    NOT NULL,
	reason      TEXT    NOT NULL,
	event_id    INTEGER REFERENCES events (id),
	actor_id    INTEGER REFERENCES users (id),
	at          INTEGER NOT NULL,
	mac         BLOB
) STRICT;
CREATE INDEX link_steps_link ON link_steps (link_id, id);
