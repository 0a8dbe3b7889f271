-- The petitioner's materials (提供的有关材料, S3): the file sealed at rest as
-- petitioner identity is (AES-256-GCM under the PII key, bound to its case
-- and id), with what may be listed beside it. The same bytes on one case are
-- one material.
CREATE TABLE materials (
  material_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  file_name text NOT NULL,
  media_type text NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  sha256 text NOT NULL,
  sealed bytea NOT NULL,
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, sha256)
);

CREATE INDEX materials_by_case ON materials (case_id, uploaded_at, material_id);
