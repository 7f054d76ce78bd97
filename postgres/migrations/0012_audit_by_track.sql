-- The audit entries of a track, newest first, for its audit trail.
CREATE INDEX audit_entries_track ON audit_entries (track_id, idx);
