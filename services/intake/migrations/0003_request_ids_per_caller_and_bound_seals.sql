-- Request ids (AIP-155 retries) belong to the caller who sent them: the same
-- id from another subject is another request, and neither learns of the
-- other. Cases registered before this migration recorded no caller; the
-- official who received the case (by default the caller) stands in.
ALTER TABLE cases ADD COLUMN request_subject text;
UPDATE cases SET request_subject = received_by WHERE request_id IS NOT NULL;
ALTER TABLE cases DROP CONSTRAINT cases_request_id_key;
ALTER TABLE cases ADD CONSTRAINT cases_request_key UNIQUE (request_subject, request_id);
ALTER TABLE cases ADD CONSTRAINT cases_request_has_subject
  CHECK (request_id IS NULL OR request_subject IS NOT NULL);

-- Petitioners sealed from now on (seal_version 2) carry their case id and
-- ordinal as AES-GCM associated data, so a sealed value moved to another row
-- no longer opens. Rows sealed before (version 1) had none and still open.
ALTER TABLE petitioners ADD COLUMN seal_version smallint NOT NULL DEFAULT 1
  CHECK (seal_version IN (1, 2));
ALTER TABLE petitioners ALTER COLUMN seal_version DROP DEFAULT;
