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
ALTER TABLE parties ADD COLUMN mac BYTEA;
ALTER TABLE venues ADD COLUMN mac BYTEA;
ALTER TABLE users ADD COLUMN mac BYTEA;
ALTER TABLE tracks ADD COLUMN mac BYTEA;
ALTER TABLE track_parties ADD COLUMN mac BYTEA;
ALTER TABLE track_venues ADD COLUMN mac BYTEA;
ALTER TABLE themes ADD COLUMN mac BYTEA;
ALTER TABLE options ADD COLUMN mac BYTEA;
ALTER TABLE members ADD COLUMN mac BYTEA;
ALTER TABLE meetings ADD COLUMN mac BYTEA;
ALTER TABLE meeting_attendees ADD COLUMN mac BYTEA;
ALTER TABLE events ADD COLUMN mac BYTEA;
ALTER TABLE event_tracks ADD COLUMN mac BYTEA;
ALTER TABLE transitions ADD COLUMN mac BYTEA;
ALTER TABLE sessions ADD COLUMN mac BYTEA;
ALTER TABLE api_tokens ADD COLUMN mac BYTEA;
ALTER TABLE track_keys ADD COLUMN mac BYTEA;
ALTER TABLE profiles ADD COLUMN mac BYTEA;
ALTER TABLE meeting_notes ADD COLUMN mac BYTEA;
ALTER TABLE proposals ADD COLUMN mac BYTEA;
ALTER TABLE proposal_responses ADD COLUMN mac BYTEA;
ALTER TABLE ballots ADD COLUMN mac BYTEA;
ALTER TABLE ballot_parties ADD COLUMN mac BYTEA;
ALTER TABLE texts ADD COLUMN mac BYTEA;
ALTER TABLE text_versions ADD COLUMN mac BYTEA;
ALTER TABLE exchanges ADD COLUMN mac BYTEA;
ALTER TABLE prisoners ADD COLUMN mac BYTEA;
ALTER TABLE prisoner_matches ADD COLUMN mac BYTEA;
ALTER TABLE child_cases ADD COLUMN mac BYTEA;
ALTER TABLE agreements ADD COLUMN mac BYTEA;
ALTER TABLE agreement_signatories ADD COLUMN mac BYTEA;
ALTER TABLE agreement_transitions ADD COLUMN mac BYTEA;
ALTER TABLE renewals ADD COLUMN mac BYTEA;
ALTER TABLE commitments ADD COLUMN mac BYTEA;
ALTER TABLE reports ADD COLUMN mac BYTEA;
ALTER TABLE scores ADD COLUMN mac BYTEA;
ALTER TABLE audit_entries ADD COLUMN changed_rows BYTEA;
ALTER TABLE audit_log ADD COLUMN signed BYTEA;
ALTER TABLE texts ADD COLUMN sealed_title BYTEA;
ALTER TABLE reports ADD COLUMN sealed_source BYTEA;
DROP TRIGGER transitions_no_change ON transitions;
CREATE TRIGGER transitions_no_update BEFORE UPDATE OF id, track_id, from_status, to_status, reason, event_id, actor_id, at ON transitions
	FOR EACH ROW EXECUTE FUNCTION transitions_append_only();
CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
	FOR EACH ROW EXECUTE FUNCTION transitions_append_only();
