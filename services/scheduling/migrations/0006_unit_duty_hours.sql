-- A unit's own on-duty hours, "HH:MM" in the township time zone; all four or
-- none (none: the defaults, morning 08:30-12:00, afternoon 14:30-17:30). The
-- service checks the order of the times before it stores them.
ALTER TABLE units
  ADD COLUMN duty_morning_start text CHECK (duty_morning_start ~ '^[0-9]{2}:[0-9]{2}$'),
  ADD COLUMN duty_morning_end text CHECK (duty_morning_end ~ '^[0-9]{2}:[0-9]{2}$'),
  ADD COLUMN duty_afternoon_start text CHECK (duty_afternoon_start ~ '^[0-9]{2}:[0-9]{2}$'),
  ADD COLUMN duty_afternoon_end text CHECK (duty_afternoon_end ~ '^[0-9]{2}:[0-9]{2}$'),
  ADD CONSTRAINT units_duty_hours_whole CHECK (
    (duty_morning_start IS NULL) = (duty_morning_end IS NULL)
    AND (duty_morning_start IS NULL) = (duty_afternoon_start IS NULL)
    AND (duty_morning_start IS NULL) = (duty_afternoon_end IS NULL));
