-- 公示: a unit's roster for a month, frozen when published.
CREATE TABLE roster_publications (
  unit_id text NOT NULL REFERENCES units (unit_id),
  month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
  published_at timestamptz NOT NULL DEFAULT now(),
  late boolean NOT NULL,
  -- The sessions as published (petition.scheduling.v1.Roster in proto3
  -- JSON, its published_sessions only).
  snapshot jsonb NOT NULL,
  PRIMARY KEY (unit_id, month)
);

-- 约访 and 下访, and the officials each one takes (one row per official, so
-- that clashes are found by official and time).
CREATE TABLE appointments (
  appointment_id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('APPOINTMENT', 'FIELD_VISIT')),
  case_id text NOT NULL DEFAULT '',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  place text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);

CREATE TABLE appointment_officials (
  appointment_id text NOT NULL REFERENCES appointments (appointment_id),
  official_id text NOT NULL REFERENCES officials (official_id),
  position int NOT NULL,
  PRIMARY KEY (appointment_id, official_id)
);
CREATE INDEX appointment_officials_official ON appointment_officials (official_id);
