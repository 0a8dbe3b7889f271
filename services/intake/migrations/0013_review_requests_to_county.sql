-- A review request (复查, A35) goes to the county, the body one level up, for
-- every case: a township's own case has no county id, so its rows in
-- county_feedback have county_case_id NULL (and the case's id in the body).
-- GET /v1/transfers/{countyCaseId} reads the rows of the transfer's case, so
-- a township case's rows never show there.
ALTER TABLE county_feedback ALTER COLUMN county_case_id DROP NOT NULL;
