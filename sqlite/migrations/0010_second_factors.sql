-- Users' second factors: an authenticator app's TOTP secret and the
-- recovery codes that come with it.
--
-- totp_factors: one per user; secret is the TOTP secret wrapped by the
-- master key for the user (seal.MasterKey.WrapSecret, purpose
-- "totp/<user id>"); last_step is the step of the last code accepted (-1
-- for none), so that no code is accepted twice; confirmed_at is NULL
-- until the user has typed a code from the app, and the factor counts for
-- nothing until then.
--
-- recovery_codes: the SHA-256 of each code shown at enrolment; used_at
-- strikes one out.
--
-- Each row is authenticated (mac), as every row of the domain.
CREATE TABLE totp_factors (
	user_id      INTEGER PRIMARY KEY REFERENCES users (id),
	secret       BLOB    NOT NULL,
	last_step    INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	confirmed_at INTEGER,
	mac          BLOB
) STRICT;

CREATE TABLE recovery_codes (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	code_hash  BLOB    NOT NULL,
	created_at INTEGER NOT NULL,
	used_at    INTEGER,
	mac        BLOB
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_hash);
