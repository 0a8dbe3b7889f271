// supervision: deadlines, overdue, supervision orders, accountability.
// Wiring only.
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "common/dates.h"
#include "common/domain_gauges.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/service_main.h"
#include "common/township_time_zone.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "services/supervision/domain/clock.h"
#include "services/supervision/domain/policy_validation.h"
#include "services/supervision/service/calendar_client.h"
#include "services/supervision/service/deadline_scanner.h"
#include "services/supervision/service/directory_client.h"
#include "services/supervision/service/outbox_relay.h"
#include "services/supervision/service/supervision_service.h"
#include "services/supervision/store/deadline_store.h"

ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052",
          "scheduling's gRPC address (the working-day calendar).");
ABSL_FLAG(std::string, intake_addr, "127.0.0.1:50051",
          "intake's gRPC address (supervision's outbox relay delivers there).");
ABSL_FLAG(std::string, time_zone, "",
          "The township's time zone is scheduling's (read at start-up; the deadline policy's "
          "timeZone follows it); when set, this must agree with it, or supervision does not "
          "start.");
ABSL_FLAG(absl::Duration, scan_interval, absl::Minutes(1),
          "How often the deadline scanner moves states (OPEN, DUE_SOON, OVERDUE).");

namespace {

// The scanner's own metrics: when it last finished a pass (the "scanner
// stalled" alert), how long passes take, and what they moved.
petition::supervision::DeadlineScanner::PassHook ScannerMetrics(prometheus::Registry& registry) {
  auto& last_success =
      prometheus::BuildGauge()
          .Name("petition_deadline_scanner_last_success_timestamp_seconds")
          .Help("Unix time at which the deadline scanner last finished a pass without error.")
          .Register(registry)
          .Add({});
  auto& duration = prometheus::BuildHistogram()
                       .Name("petition_deadline_scanner_pass_seconds")
                       .Help("How long one pass of the deadline scanner took.")
                       .Register(registry)
                       .Add({}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.05, 0.1, 0.5,
                                                                        1, 5, 30, 120});
  auto& moved = prometheus::BuildCounter()
                    .Name("petition_deadline_scanner_moved_total")
                    .Help("Deadlines the scanner moved, by the state they moved to.")
                    .Register(registry);
  auto& to_due_soon = moved.Add({{"state", "DUE_SOON"}});
  auto& to_overdue = moved.Add({{"state", "OVERDUE"}});
  auto& failures = prometheus::BuildCounter()
                       .Name("petition_deadline_scanner_failures_total")
                       .Help("Passes of the deadline scanner that failed.")
                       .Register(registry)
                       .Add({});
  return [&](const absl::StatusOr<petition::supervision::DeadlineScanner::Totals>& totals,
             absl::Duration took) {
    duration.Observe(absl::ToDoubleSeconds(took));
    if (!totals.ok()) {
      failures.Increment();
      return;
    }
    to_due_soon.Increment(totals->due_soon);
    to_overdue.Increment(totals->overdue);
    last_success.Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  };
}

}  // namespace

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
        namespace sup = petition::supervision;
        // The township's time zone is scheduling's: read once, kept.
        auto scheduling = petition::MakeChannel(absl::GetFlag(FLAGS_scheduling_addr), ctx.signer);
        auto owner_zone = petition::FetchTownshipTimeZone(scheduling, absl::Seconds(30));
        if (!owner_zone.ok()) return owner_zone.status();
        auto time_zone =
            petition::AgreeTimeZone("supervision", absl::GetFlag(FLAGS_time_zone), *owner_zone);
        if (!time_zone.ok()) return time_zone.status();
        auto policy = sup::DeadlinePolicy::Regulation();
        policy.time_zone = *time_zone;
        if (absl::Status s = sup::ValidatePolicy(policy); !s.ok()) return s;
        auto store = std::make_shared<sup::DeadlineStore>(ctx.pool);
        auto stored = store->EnsurePolicy(policy);
        if (!stored.ok()) return stored.status();
        if (stored->policy.time_zone != *time_zone) {
          // Stored before scheduling owned the zone, or scheduling's changed: the policy
          // follows it (a new version), as its PUT is refused any other.
          sup::DeadlinePolicy follows = stored->policy;
          follows.time_zone = *time_zone;
          auto updated = store->PutPolicy(follows, "");
          if (!updated.ok()) return updated.status();
          petition::log::Warn("the deadline policy's timeZone now follows scheduling's",
                              {{"was", stored->policy.time_zone}, {"timeZone", *time_zone}});
        }
        auto calendar = std::make_shared<sup::CalendarClient>(scheduling);
        auto directory = std::make_shared<sup::DirectoryClient>(scheduling);
        ctx.gauges->Add({"petition_deadlines",
                         "Deadlines by kind and state.",
                         {"kind", "state"},
                         petition::DomainGauges::Sql(
                             "SELECT kind, state, count(*) FROM deadlines GROUP BY 1, 2")});
        // 急事急办: urgent cases' deadlines, watched on their own.
        ctx.gauges->Add({"petition_deadlines_urgent",
                         "Deadlines of urgent cases (急事急办) by kind and state.",
                         {"kind", "state"},
                         petition::DomainGauges::Sql("SELECT kind, state, count(*) FROM deadlines "
                                                     "WHERE urgent GROUP BY 1, 2")});
        ctx.gauges->Add({"petition_supervision_orders",
                         "Supervision orders (督办) that are not closed, by level and state.",
                         {"level", "state"},
                         petition::DomainGauges::Sql(
                             // Every level, 0 when none: panels and alerts see a value.
                             "SELECT l.level, s.state, count(o.order_id) FROM (VALUES "
                             "('REMINDER'), ('ORDER'), ('LISTED'), ('SUMMONS')) AS l (level) "
                             "CROSS JOIN (VALUES ('OPEN'), ('RESPONDED')) AS s (state) "
                             "LEFT JOIN supervision_orders o ON o.level = l.level AND "
                             "o.state = s.state GROUP BY 1, 2")});
        ctx.gauges->Add(
            {"petition_deadlines_open_by_unit",
             "Open deadlines by handling unit and kind (unit \"unassigned\": none yet).",
             {"unit", "kind"},
             petition::DomainGauges::Sql(
                 "SELECT u.unit, d.kind, count(*) FROM deadlines d JOIN case_tracks c USING "
                 "(case_id), unnest(CASE WHEN cardinality(c.handling_unit_ids) = 0 THEN "
                 "ARRAY['unassigned'] ELSE c.handling_unit_ids END) AS u (unit) "
                 "WHERE d.met_at IS NULL AND d.state <> 'EXPIRED' GROUP BY 1, 2")});
        ctx.gauges->Add(
            {"petition_deadlines_due_soon",
             "Open deadlines by kind falling due today or in the next 7 days (township dates).",
             {"kind"},
             [tz = policy.time_zone](pqxx::transaction_base& tx) {
               return tx.exec_params(
                   // Every kind, 0 when none is due: a panel or an alert sees a value.
                   "SELECT k.kind, count(d.case_id) FROM (VALUES ('ACCEPTANCE'), "
                   "('HANDLING'), ('REVIEW_WINDOW'), ('COUNTY')) AS k (kind) "
                   "LEFT JOIN deadlines d ON d.kind = k.kind AND d.met_at IS NULL AND "
                   "d.due_date BETWEEN (now() AT TIME ZONE $1)::date "
                   "AND (now() AT TIME ZONE $1)::date + 7 GROUP BY 1",
                   tz);
             }});
        ctx.gauges->Add(
            {"petition_screening_reports_missing",
             "Villages and departments without a screening report (排查) for the current or the "
             "previous month (township time), among the units scheduling's directory listed "
             "when the reports were last read.",
             {"kind", "month"},
             [tz = policy.time_zone](pqxx::transaction_base& tx) {
               return tx.exec_params(
                   // Every kind and month, 0 when none is missing: an alert sees a value.
                   "WITH m (month, yyyymm) AS (VALUES ('current', to_char(now() AT TIME ZONE $1, "
                   "'YYYY-MM')), ('previous', to_char((now() AT TIME ZONE $1) - interval '1 "
                   "month', 'YYYY-MM'))) SELECT k.kind, m.month, count(u.unit_id) FROM (VALUES "
                   "('DEPARTMENT'), ('VILLAGE')) AS k (kind) CROSS JOIN m LEFT JOIN known_units u "
                   "ON u.kind = k.kind AND NOT EXISTS (SELECT 1 FROM screening_reports r WHERE "
                   "r.unit_id = u.unit_id AND r.month = m.yyyymm) GROUP BY 1, 2",
                   tz);
             }});
        auto clock = std::make_shared<sup::SystemClock>();
        auto relay = std::make_shared<sup::OutboxRelay>(
            store.get(), petition::MakeChannel(absl::GetFlag(FLAGS_intake_addr), ctx.signer),
            sup::OutboxRelay::Options{});
        sup::DeadlineScanner::Options scan_options;
        scan_options.interval = absl::GetFlag(FLAGS_scan_interval);
        scan_options.on_pass = ScannerMetrics(ctx.metrics->registry());
        scan_options.calendar_versions = directory.get();
        auto scanner = std::make_shared<sup::DeadlineScanner>(store.get(), calendar.get(),
                                                              clock.get(), scan_options);
        petition::ServiceParts parts;
        auto service = std::make_unique<sup::SupervisionService>(
            store.get(), calendar.get(), clock.get(), [relay] { relay->Wake(); }, directory.get());
        service->set_township_time_zone(*time_zone);
        parts.services.push_back(std::move(service));
        parts.start = [relay, scanner] {
          relay->Start();
          scanner->Start();
        };
        parts.stop = [relay, scanner] {
          scanner->Stop();
          relay->Stop();
        };
        parts.keep_alive = {store, calendar, directory, clock, relay, scanner};
        return parts;
      });
}
