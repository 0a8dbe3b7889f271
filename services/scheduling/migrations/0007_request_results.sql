-- AIP-155 retries of the mutations whose own rows have no request key
-- (substitutions, recusals, roster publications, appointments, calendars):
-- the first request of a caller's request_id for a method, written in the
-- same transaction as the change. The same id and body again returns the
-- first result (found by result_key); another body is ALREADY_EXISTS.
CREATE TABLE request_results (
  request_subject text NOT NULL,
  method text NOT NULL,
  request_id text NOT NULL CHECK (request_id <> ''),
  request_sha256 text NOT NULL,
  result_key text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_subject, method, request_id)
);
