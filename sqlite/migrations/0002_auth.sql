-- 0002: sign-in (issue 7). Server-side sessions and API bearer tokens. Only
-- the SHA-256 of a session's or token's secret is stored, never the secret;
-- lookups by that hash are one unique-index read. Times are unix
-- microseconds, UTC.

CREATE TABLE sessions (
	id               INTEGER PRIMARY KEY,
	secret_hash      BLOB    NOT NULL UNIQUE,
	user_id          INTEGER NOT NULL REFERENCES users (id),
	created_at       INTEGER NOT NULL,
	last_seen_at     INTEGER NOT NULL,
	idle_expires_at  INTEGER NOT NULL,
	expires_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	secret_hash  BLOB    NOT NULL UNIQUE,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	name         TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
