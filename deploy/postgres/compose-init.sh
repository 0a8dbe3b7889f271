#!/usr/bin/env bash
# docker-entrypoint-initdb.d step (after roles.sql and database.sql, see docker-compose.yml):
# sets each service role's password from the environment and limits who may connect.
# Runs once, when the data volume is first initialised.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v intake_pw="$INTAKE_DB_PASSWORD" -v scheduling_pw="$SCHEDULING_DB_PASSWORD" \
  -v supervision_pw="$SUPERVISION_DB_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
ALTER ROLE intake PASSWORD :'intake_pw';
ALTER ROLE scheduling PASSWORD :'scheduling_pw';
ALTER ROLE supervision PASSWORD :'supervision_pw';
REVOKE CONNECT, TEMPORARY ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO intake, scheduling, supervision;
SQL
