-- The directory: units (the township, its departments, its villages) and
-- their officials. Rows are added, never renumbered; ids are opaque.
CREATE TABLE units (
  unit_id text PRIMARY KEY,
  name text NOT NULL CHECK (name <> ''),
  kind text NOT NULL CHECK (kind IN ('TOWNSHIP', 'DEPARTMENT', 'VILLAGE')),
  parent_id text REFERENCES units (unit_id),
  location text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- AIP-155 retries: the same caller's request_id with the same body returns
  -- this row.
  request_subject text,
  request_id text,
  request_sha256 text,
  CONSTRAINT units_request_key UNIQUE (request_subject, request_id),
  CHECK (request_id IS NULL OR request_subject IS NOT NULL),
  CHECK ((kind = 'TOWNSHIP') = (parent_id IS NULL))
);
CREATE INDEX units_parent ON units (parent_id, unit_id);

CREATE TABLE officials (
  official_id text PRIMARY KEY,
  unit_id text NOT NULL REFERENCES units (unit_id),
  name text NOT NULL CHECK (name <> ''),
  position text NOT NULL DEFAULT '',
  rank text NOT NULL
    CHECK (rank IN ('SECTION_CHIEF', 'DEPUTY_SECTION_CHIEF', 'STAFF', 'VILLAGE_LEADER')),
  created_at timestamptz NOT NULL DEFAULT now(),
  request_subject text,
  request_id text,
  request_sha256 text,
  CONSTRAINT officials_request_key UNIQUE (request_subject, request_id),
  CHECK (request_id IS NULL OR request_subject IS NOT NULL)
);
CREATE INDEX officials_unit ON officials (unit_id, official_id);
