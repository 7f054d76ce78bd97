-- 0006: the mediators' sharing of a confirmed match (issue 5).
-- Once a match is shared, the delegates of each side may read the other
-- side's person of that match (parley.Caller.CanReadPerson), and nothing
-- else of the other side's list. A share is never taken back.
ALTER TABLE prisoner_matches ADD COLUMN shared_by BIGINT REFERENCES users (id);
ALTER TABLE prisoner_matches ADD COLUMN shared_at BIGINT;
