-- A user's language, a venue's time zone, and users' calendar feeds.
--
-- user_languages: the language a user chose for the pages and downloads
-- (a BCP 47 tag of package i18n's languages); a user without a row has
-- chosen none.
--
-- venue_time_zones: a venue's time zone as an IANA name ("Europe/Istanbul");
-- a venue without a row has none, and its meetings are given in UTC.
--
-- calendar_feeds: the secret URLs of users' calendar feeds, each kept as
-- the SHA-256 of its secret (as API tokens are), revoked by setting
-- revoked_at.
--
-- Each row is authenticated (mac), as every row of the domain.
CREATE TABLE user_languages (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id),
	language   TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	mac        BLOB
) STRICT;

CREATE TABLE venue_time_zones (
	venue_id  INTEGER PRIMARY KEY REFERENCES venues (id),
	time_zone TEXT    NOT NULL,
	mac       BLOB
) STRICT;

CREATE TABLE calendar_feeds (
	id          INTEGER PRIMARY KEY,
	secret_hash BLOB    NOT NULL UNIQUE,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	created_at  INTEGER NOT NULL,
	revoked_at  INTEGER,
	mac         BLOB
) STRICT;
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id, id);
