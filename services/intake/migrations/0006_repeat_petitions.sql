-- Repeat petitions (重复信访): an earlier case of the same person (keyed hash
-- of the id number) on the same matter (trigram similarity of subject and
-- content). deploy/postgres/database.sql installs pg_trgm in `public` as a
-- superuser; this only does it where intake may (a scratch database in
-- tests) and is a no-op where it is installed.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
