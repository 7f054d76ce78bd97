-- Tracks whose members must have a second factor: a member without one
-- holds no grant on the track (its memberships are kept, and count again
-- once a second factor is set up). required_by is the administrator who
-- required it. Each row is authenticated (mac), as every row of the domain.
CREATE TABLE second_factor_tracks (
	track_id    BIGINT PRIMARY KEY REFERENCES tracks (id),
	required_by BIGINT REFERENCES users (id),
	required_at BIGINT NOT NULL,
	mac         BYTEA
);
