-- The petitioner's public view (GET /v1/lookup/{queryCode}) finds a case by a
-- keyed hash of its query code, never by comparing the code itself: an index
-- search on the code would take longer the more leading characters of a
-- guess match a real code, a clock to guess codes by. The hash of a guess
-- shares no structure with the codes it is near, and without the key (a
-- random secret that stays in this schema) no one can choose guesses whose
-- hashes come near a stored one. The key is the database's own, not the PII
-- key: rotating that key must not move every case's look-up.
CREATE TABLE lookup_secret (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  secret bytea NOT NULL
);
-- gen_random_uuid() reads the server's strong random source: 2 x 122 bits.
INSERT INTO lookup_secret (secret)
  VALUES (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

-- Codes are case-insensitive: the key is over the upper-case form.
CREATE FUNCTION query_code_key(code text) RETURNS bytea
  LANGUAGE sql STABLE SET search_path FROM CURRENT
  AS $$ SELECT sha256(secret || convert_to(upper(code), 'UTF8')) FROM lookup_secret $$;

ALTER TABLE cases ADD COLUMN query_code_key bytea;
UPDATE cases SET query_code_key = query_code_key(query_code);

-- Every way a case is written (registration, county transfers) gets its key
-- here, in the same statement.
CREATE FUNCTION cases_set_query_code_key() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT
  AS $$
BEGIN
  NEW.query_code_key := query_code_key(NEW.query_code);
  RETURN NEW;
END
$$;
CREATE TRIGGER cases_query_code_key BEFORE INSERT OR UPDATE OF query_code ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_set_query_code_key();
ALTER TABLE cases ALTER COLUMN query_code_key SET NOT NULL;
CREATE UNIQUE INDEX cases_by_query_code_key ON cases (query_code_key);

-- Retries (AIP-155) of the lifecycle steps and of ratings: the first answer
-- to a caller's request id, written in the step's own transaction. The answer
-- is stored without its petitioners (a retry masks them afresh from the case),
-- so no identity is kept here.
CREATE TABLE step_requests (
  request_subject text NOT NULL,
  request_id text NOT NULL,
  method text NOT NULL,
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  request_sha256 text NOT NULL,
  response bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_subject, request_id)
);
