-- Cross-track ballots.
--
-- ballot_parts: the parts of a cross-track ballot, each a ballot of its
-- own track; package_id is the id of its first part.
--
-- Each row is authenticated (mac), as every row of the domain.
CREATE TABLE ballot_parts (
	ballot_id  BIGINT PRIMARY KEY REFERENCES ballots (id),
	package_id BIGINT NOT NULL REFERENCES ballots (id),
	track_id   BIGINT NOT NULL REFERENCES tracks (id),
	position   BIGINT NOT NULL,
	mac        BYTEA
);
CREATE INDEX ballot_parts_package ON ballot_parts (package_id, position);
