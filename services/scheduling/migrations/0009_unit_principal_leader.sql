-- The township's principal leader (主要领导, 第一责任人): he reviews the
-- report of a county case before its result goes back to the county [S2 §6].
-- Named on the TOWNSHIP unit only; NULL: none named.
ALTER TABLE units ADD COLUMN principal_leader_id text REFERENCES officials (official_id);
ALTER TABLE units ADD CONSTRAINT units_principal_leader_of_township
  CHECK (principal_leader_id IS NULL OR kind = 'TOWNSHIP');
CREATE INDEX units_principal_leader ON units (principal_leader_id)
  WHERE principal_leader_id IS NOT NULL;
