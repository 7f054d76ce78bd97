-- Authenticated rows (internal/sqlstore/rowauth.go and tables.go).
--
-- Every row of the domain carries mac: HMAC-SHA-256, under a row key that
-- the master key wraps (store_meta "secret:row-mac"), of the row's
-- canonical encoding. Reads fail closed on a row whose columns differ from
-- its MAC. NULL until the store, opened with its master key, binds the
-- rows of a database written before this migration (bind.go): once, after
-- checking the old ledger, it authenticates every row and records it in
-- the ledger.
--
-- audit_entries.changed_rows: the rows an entry's write changed, as
-- (table, key, MAC or deleted); the entry's digest is SHA-256 of them, so
-- parley audit verify replays the ledger to the latest MAC of every row
-- and compares it with every row stored. NULL for the entries written
-- before (versions 1 and 2 of the leaf).
--
-- audit_log.signed: the signed checkpoint of the whole log, renewed at
-- every commit that appends (audit_log.checkpoint is its size).
--
-- texts.sealed_title and reports.sealed_source: a text's title and a
-- report's source, sealed under the track's key like the rest of the
-- record (field "title" and "source"). The plain columns title and source
-- are emptied when the rows are bound and stay empty.
--
-- transitions stay append-only: an UPDATE of any column but mac is refused.
ALTER TABLE parties ADD COLUMN mac BLOB;
ALTER TABLE venues ADD COLUMN mac BLOB;
ALTER TABLE users ADD COLUMN mac BLOB;
ALTER TABLE tracks ADD COLUMN mac BLOB;
ALTER TABLE track_parties ADD COLUMN mac BLOB;
ALTER TABLE track_venues ADD COLUMN mac BLOB;
ALTER TABLE themes ADD COLUMN mac BLOB;
ALTER TABLE options ADD COLUMN mac BLOB;
ALTER TABLE members ADD COLUMN mac BLOB;
ALTER TABLE meetings ADD COLUMN mac BLOB;
ALTER TABLE meeting_attendees ADD COLUMN mac BLOB;
ALTER TABLE events ADD COLUMN mac BLOB;
ALTER TABLE event_tracks ADD COLUMN mac BLOB;
ALTER TABLE transitions ADD COLUMN mac BLOB;
ALTER TABLE sessions ADD COLUMN mac BLOB;
ALTER TABLE api_tokens ADD COLUMN mac BLOB;
ALTER TABLE track_keys ADD COLUMN mac BLOB;
ALTER TABLE profiles ADD COLUMN mac BLOB;
ALTER TABLE meeting_notes ADD COLUMN mac BLOB;
ALTER TABLE proposals ADD COLUMN mac BLOB;
ALTER TABLE proposal_responses ADD COLUMN mac BLOB;
ALTER TABLE ballots ADD COLUMN mac BLOB;
ALTER TABLE ballot_parties ADD COLUMN mac BLOB;
ALTER TABLE texts ADD COLUMN mac BLOB;
ALTER TABLE text_versions ADD COLUMN mac BLOB;
ALTER TABLE exchanges ADD COLUMN mac BLOB;
ALTER TABLE prisoners ADD COLUMN mac BLOB;
ALTER TABLE prisoner_matches ADD COLUMN mac BLOB;
ALTER TABLE child_cases ADD COLUMN mac BLOB;
ALTER TABLE agreements ADD COLUMN mac BLOB;
ALTER TABLE agreement_signatories ADD COLUMN mac BLOB;
ALTER TABLE agreement_transitions ADD COLUMN mac BLOB;
ALTER TABLE renewals ADD COLUMN mac BLOB;
ALTER TABLE commitments ADD COLUMN mac BLOB;
ALTER TABLE reports ADD COLUMN mac BLOB;
ALTER TABLE scores ADD COLUMN mac BLOB;
ALTER TABLE audit_entries ADD COLUMN changed_rows BLOB;
ALTER TABLE audit_log ADD COLUMN signed BLOB;
ALTER TABLE texts ADD COLUMN sealed_title BLOB;
ALTER TABLE reports ADD COLUMN sealed_source BLOB;
DROP TRIGGER transitions_no_update;
CREATE TRIGGER transitions_no_update BEFORE UPDATE OF id, track_id, from_status, to_status, reason, event_id, actor_id, at ON transitions
BEGIN
	SELECT RAISE(ABORT, 'transitions are append-only');
END;
