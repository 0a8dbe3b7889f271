-- One login role per service (cluster-wide). Idempotent and safe to run
-- concurrently. Passwords are set by whoever runs this (./dev sets random ones).
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['intake', 'scheduling', 'supervision'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', r);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
END
$$;
