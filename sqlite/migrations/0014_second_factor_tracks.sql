-- Tracks whose members must have a second factor: a member without one
-- holds no grant on the track (its memberships are kept, and count again
-- once a second factor is set up). required_by is the administrator who
-- required it. Each row is authenticated (mac), as every row of the domain.
CREATE TABLE second_factor_tracks (
	track_id    INTEGER PRIMARY KEY REFERENCES tracks (id),
	required_by INTEGER REFERENCES users (id),
	required_at INTEGER NOT NULL,
	mac         BLOB
) STRICT;
