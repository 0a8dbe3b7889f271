// supervision: deadlines, overdue, supervision orders, accountability.
// Wiring only.
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "common/dates.h"
#include "common/domain_gauges.h"
#include "common/grpc_server.h"
#include "common/service_main.h"
#include "services/supervision/service/calendar_client.h"
#include "services/supervision/service/supervision_service.h"
#include "services/supervision/store/deadline_store.h"

ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052",
          "scheduling's gRPC address (the working-day calendar).");
ABSL_FLAG(std::string, time_zone, "Asia/Shanghai", "The township's time zone.");

int main(int argc, char** argv) {
  petition::ServiceSpec spec;
  spec.name = "supervision";
  spec.default_grpc_port = 50053;
  spec.default_metrics_port = 9103;
  spec.migrations = &SupervisionMigrations();
  spec.statements = petition::supervision::DeadlineStore::Statements();
  return petition::RunService(
      argc, argv, spec,
      [](petition::ServiceContext& ctx) -> absl::StatusOr<petition::ServiceParts> {
        auto policy = petition::supervision::DeadlinePolicy::Regulation();
        policy.time_zone = absl::GetFlag(FLAGS_time_zone);
        auto zone = petition::LoadZone(policy.time_zone);
        if (!zone.ok()) return zone.status();
        auto store = std::make_shared<petition::supervision::DeadlineStore>(ctx.pool);
        auto calendar = std::make_shared<petition::supervision::CalendarClient>(
            petition::MakeChannel(absl::GetFlag(FLAGS_scheduling_addr), ctx.signer));
        ctx.gauges->Add({"petition_deadlines",
                         "Deadlines by kind and state.",
                         {"kind", "state"},
                         petition::DomainGauges::Sql(
                             "SELECT kind, state, count(*) FROM deadlines GROUP BY 1, 2")});
        ctx.gauges->Add(
            {"petition_deadlines_open_by_unit",
             "Open deadlines by handling unit and kind (unit \"unassigned\": none yet).",
             {"unit", "kind"},
             petition::DomainGauges::Sql(
                 "SELECT u.unit, d.kind, count(*) FROM deadlines d JOIN case_tracks c USING "
                 "(case_id), unnest(CASE WHEN cardinality(c.handling_unit_ids) = 0 THEN "
                 "ARRAY['unassigned'] ELSE c.handling_unit_ids END) AS u (unit) "
                 "WHERE d.met_at IS NULL GROUP BY 1, 2")});
        ctx.gauges->Add(
            {"petition_deadlines_due_soon",
             "Open deadlines by kind falling due today or in the next 7 days (township dates).",
             {"kind"},
             [tz = policy.time_zone](pqxx::read_transaction& tx) {
               return tx.exec_params(
                   // Every kind, 0 when none is due: a panel or an alert sees a value.
                   "SELECT k.kind, count(d.case_id) FROM (VALUES ('ACCEPTANCE'), "
                   "('HANDLING'), ('REVIEW_WINDOW'), ('COUNTY')) AS k (kind) "
                   "LEFT JOIN deadlines d ON d.kind = k.kind AND d.met_at IS NULL AND "
                   "d.due_date BETWEEN (now() AT TIME ZONE $1)::date "
                   "AND (now() AT TIME ZONE $1)::date + 7 GROUP BY 1",
                   tz);
             }});
        petition::ServiceParts parts;
        parts.services.push_back(std::make_unique<petition::supervision::SupervisionService>(
            store.get(), calendar.get(), policy, *zone));
        parts.keep_alive = {store, calendar};
        return parts;
      });
}
