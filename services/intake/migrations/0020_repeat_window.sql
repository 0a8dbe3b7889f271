-- Repeat detection compares a new case with the person's most recent cases
-- only (kRepeatWindow in store/case_store.h), found by this index without reading the
-- cases: a petitioner who has filed hundreds of times costs what one with a
-- handful does. received_at is the case's, kept with each petitioner row.
ALTER TABLE petitioners ADD COLUMN received_at timestamptz;
UPDATE petitioners p SET received_at = c.received_at FROM cases c WHERE c.case_id = p.case_id;
ALTER TABLE petitioners ALTER COLUMN received_at SET NOT NULL;
CREATE INDEX petitioners_person_recent ON petitioners (id_number_hash, received_at DESC);
DROP INDEX petitioners_id_number_hash;
