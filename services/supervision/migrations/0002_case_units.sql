-- The units of each case that decide who may read its deadlines: the same
-- rule intake applies to the case (common/case_visibility.h). Cases applied
-- before this migration have none: only roles that read every case see them.
ALTER TABLE case_tracks
  ADD COLUMN handling_unit_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN reported_unit_ids text[] NOT NULL DEFAULT '{}';
