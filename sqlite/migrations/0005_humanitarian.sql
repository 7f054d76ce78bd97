-- 0005: prisoner exchanges and children's return cases (issue 5). An exchange's title, terms and sides
-- are map data; each person on a side's list is the sealed JSON of the
-- art. 122 fields, record "<id>", field "person", with the side's party
-- audience; handed_over_at records the exchange's handover of the person.
-- Nothing is deleted. Times are unix microseconds, UTC.
CREATE TABLE exchanges (
	id         INTEGER PRIMARY KEY,
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	title      TEXT    NOT NULL,
	terms      TEXT    NOT NULL,
	n          INTEGER NOT NULL,
	side_a     INTEGER NOT NULL REFERENCES parties (id),
	side_b     INTEGER NOT NULL REFERENCES parties (id),
	created_by INTEGER REFERENCES users (id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX exchanges_track ON exchanges (track_id, id);

CREATE TABLE prisoners (
	id          INTEGER PRIMARY KEY,
	exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
	track_id    INTEGER NOT NULL REFERENCES tracks (id),
	party_id    INTEGER NOT NULL REFERENCES parties (id),
	person      BLOB    NOT NULL,
	created_at  INTEGER NOT NULL,
	handed_over_at INTEGER
) STRICT;
CREATE INDEX prisoners_list ON prisoners (exchange_id, party_id, id);

-- A person is matched at most once on each side.
CREATE TABLE prisoner_matches (
	id           INTEGER PRIMARY KEY,
	exchange_id  INTEGER NOT NULL REFERENCES exchanges (id),
	prisoner_a   INTEGER NOT NULL UNIQUE REFERENCES prisoners (id),
	prisoner_b   INTEGER NOT NULL UNIQUE REFERENCES prisoners (id),
	confirmed_by INTEGER REFERENCES users (id),
	confirmed_at INTEGER NOT NULL,
	verified_by  INTEGER REFERENCES users (id),
	verified_at  INTEGER
) STRICT;
CREATE INDEX prisoner_matches_exchange ON prisoner_matches (exchange_id, id);

-- Children's return cases. content is the sealed JSON of the child's
-- personal data and the history of stages, record "<id>", field "content",
-- read per the audience; stage is map data, counted for the plenary.
CREATE TABLE child_cases (
	id         INTEGER PRIMARY KEY,
	track_id   INTEGER NOT NULL REFERENCES tracks (id),
	audience   TEXT NOT NULL,
	content    BLOB NOT NULL,
	stage      TEXT NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX child_cases_track ON child_cases (track_id, id);
