-- Run as a superuser inside the service database. Each service's role owns its
-- own schema and may touch nothing else: no one may create in `public`, and no
-- role has any right on another service's schema.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS intake AUTHORIZATION intake;
CREATE SCHEMA IF NOT EXISTS scheduling AUTHORIZATION scheduling;
CREATE SCHEMA IF NOT EXISTS supervision AUTHORIZATION supervision;
REVOKE ALL ON SCHEMA intake, scheduling, supervision FROM PUBLIC;
-- intake finds repeat petitions by trigram similarity: the extension lives in
-- `public`, which intake may use (call its functions) but not create in.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
GRANT USAGE ON SCHEMA public TO intake;
