-- The working-day calendar: one row per loaded year, one row per special day.
-- Days not listed are weekdays (working) or weekends (not working).
CREATE TABLE calendar_years (
  year integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendar_days (
  day date PRIMARY KEY,
  year integer NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('HOLIDAY', 'MAKEUP_WORKDAY')),
  name text NOT NULL DEFAULT '',
  CHECK (extract(year FROM day) = year)
);
CREATE INDEX calendar_days_year ON calendar_days (year);
