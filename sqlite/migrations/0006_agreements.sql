-- 0006: agreements, their commitments, monitoring reports and
-- implementation scores (issue 5). Everything is map data except a
-- report's evidence: the sealed text, record "<id>", field "evidence" of
-- table reports, read per the report's audience. Transitions, renewals,
-- reports and scores are append-only; an agreement's status, expiry and
-- warning thresholds are the only columns ever updated. Dates are
-- YYYY-MM-DD text ('' for none); times are unix microseconds, UTC.
CREATE TABLE agreements (
	id                INTEGER PRIMARY KEY,
	track_id          INTEGER NOT NULL REFERENCES tracks (id),
	title             TEXT    NOT NULL,
	text_version_id   INTEGER REFERENCES text_versions (id),
	effective         TEXT    NOT NULL,
	duration_days     INTEGER NOT NULL,
	renewal_terms     TEXT    NOT NULL,
	notice_days       INTEGER NOT NULL,
	warn_window_days  INTEGER NOT NULL,
	warn_violations   INTEGER NOT NULL,
	warn_unverifiable INTEGER NOT NULL,
	warn_overdue_days INTEGER NOT NULL,
	status            TEXT    NOT NULL,
	expires           TEXT    NOT NULL,
	created_by        INTEGER REFERENCES users (id),
	created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX agreements_track ON agreements (track_id, id);

CREATE TABLE agreement_signatories (
	agreement_id INTEGER NOT NULL REFERENCES agreements (id),
	party_id     INTEGER NOT NULL REFERENCES parties (id),
	position     INTEGER NOT NULL,
	PRIMARY KEY (agreement_id, party_id)
) STRICT;

CREATE TABLE agreement_transitions (
	id           INTEGER PRIMARY KEY,
	agreement_id INTEGER NOT NULL REFERENCES agreements (id),
	from_status  TEXT    NOT NULL,
	to_status    TEXT    NOT NULL,
	reason       TEXT    NOT NULL,
	event_id     INTEGER REFERENCES events (id),
	actor_id     INTEGER REFERENCES users (id),
	at           INTEGER NOT NULL
) STRICT;
CREATE INDEX agreement_transitions_agreement ON agreement_transitions (agreement_id, id);

CREATE TABLE renewals (
	id           INTEGER PRIMARY KEY,
	agreement_id INTEGER NOT NULL REFERENCES agreements (id),
	date         TEXT    NOT NULL,
	expires      TEXT    NOT NULL,
	note         TEXT    NOT NULL,
	actor_id     INTEGER REFERENCES users (id),
	at           INTEGER NOT NULL
) STRICT;
CREATE INDEX renewals_agreement ON renewals (agreement_id, id);

CREATE TABLE commitments (
	id           INTEGER PRIMARY KEY,
	agreement_id INTEGER NOT NULL REFERENCES agreements (id),
	track_id     INTEGER NOT NULL REFERENCES tracks (id),
	obligor      INTEGER NOT NULL REFERENCES parties (id),
	obligation   TEXT    NOT NULL,
	due          TEXT    NOT NULL,
	recurrence   TEXT    NOT NULL,
	verifier     INTEGER NOT NULL REFERENCES parties (id),
	clause       INTEGER NOT NULL,
	created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX commitments_agreement ON commitments (agreement_id, id);
CREATE INDEX commitments_obligor ON commitments (obligor, id);

CREATE TABLE reports (
	id            INTEGER PRIMARY KEY,
	commitment_id INTEGER NOT NULL REFERENCES commitments (id),
	agreement_id  INTEGER NOT NULL REFERENCES agreements (id),
	track_id      INTEGER NOT NULL REFERENCES tracks (id),
	date          TEXT    NOT NULL,
	source        TEXT    NOT NULL,
	reliability   TEXT    NOT NULL,
	finding       TEXT    NOT NULL,
	audience      TEXT    NOT NULL,
	evidence      BLOB    NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX reports_agreement ON reports (agreement_id, date, id);
CREATE INDEX reports_commitment ON reports (commitment_id, id);

CREATE TABLE scores (
	id            INTEGER PRIMARY KEY,
	commitment_id INTEGER NOT NULL REFERENCES commitments (id),
	agreement_id  INTEGER NOT NULL REFERENCES agreements (id),
	period        TEXT    NOT NULL,
	value         INTEGER NOT NULL,
	note          TEXT    NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX scores_agreement ON scores (agreement_id, id);
