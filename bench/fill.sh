# Sourced after stack.sh's start_stack: fill_cases <n> registers cases through
# the gateway until there are n (64 clerks, a new petitioner each), then
# writes their ids to $WORK/cases and their query codes to $WORK/query_codes.
# seed_directory adds the unit and leader the accepts name to scheduling's
# directory (as tests/support's SeedDirectory does).
SALT="${SALT:-0}"
next_salt() { SALT=$((SALT + 1)); export PETITION_BENCH_SALT="$SALT"; }
count_cases() { psql_admin -d "$DB" -tAc "SELECT count(*) FROM intake.cases WHERE case_id NOT LIKE 'case\_pgb\_%'"; }
fill_cases() {
  echo "== registering $1 cases through the gateway ($PRINCIPALS clerks, a new petitioner each)"
  while (( $(count_cases) < $1 )); do
    next_salt
    PETITION_BENCH_TOKENS="$CLERK_TOKENS" wrk -t2 -c"$CONNS" -d2s -s bench/register_case.lua \
      "http://127.0.0.1:$HTTP/v1/cases" >/dev/null
  done
  echo "cases: $(count_cases)"
  psql_admin -d "$DB" -c "ANALYZE"
  psql_admin -d "$DB" -tAc "SELECT case_id FROM intake.cases ORDER BY case_id" >"$WORK/cases"
  psql_admin -d "$DB" -tAc "SELECT query_code FROM intake.cases ORDER BY case_id" >"$WORK/query_codes"
}
seed_directory() {
  psql_admin -d "$DB" -c "
    INSERT INTO scheduling.units (unit_id, name, kind) VALUES ('unit_benchtown', '长乐镇人民政府', 'TOWNSHIP');
    INSERT INTO scheduling.units (unit_id, name, kind, parent_id)
      VALUES ('unit_bench', '长乐镇自然资源所', 'DEPARTMENT', 'unit_benchtown');
    INSERT INTO scheduling.officials (official_id, unit_id, name, position, rank)
      VALUES ('off_bench_leader', 'unit_benchtown', '李镇长', '副镇长', 'DEPUTY_SECTION_CHIEF');
    UPDATE scheduling.units SET leader_in_charge_id = 'off_bench_leader' WHERE unit_id = 'unit_bench';"
}
