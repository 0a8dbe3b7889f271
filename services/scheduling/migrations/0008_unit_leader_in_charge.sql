-- The leader in charge of each unit (分管领导): with the case's receiving
-- leader, he approves the unit's handling opinions [S1]. NULL: none named.
ALTER TABLE units ADD COLUMN leader_in_charge_id text REFERENCES officials (official_id);
