// intake: cases, petitioners, county transfers; the outbox relay to
// supervision. Wiring only.
#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/dates.h"
#include "common/domain_gauges.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/service_main.h"
#include "common/township_time_zone.h"
#include "services/intake/service/county_feedback_relay.h"
#include "services/intake/service/intake_service.h"
#include "services/intake/service/key_rotation.h"
#include "services/intake/service/outbox_relay.h"
#include "services/intake/service/peer_clients.h"
#include "services/intake/store/case_store.h"
#include "services/intake/store/county_store.h"
#include "services/intake/store/lookup_store.h"

ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "supervision's gRPC address.");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052",
          "scheduling's gRPC address (its directory: units and officials).");
ABSL_FLAG(std::string, pii_key, "",
          "64 hex characters: the key sealing petitioners' identity at rest, with key id 1 "
          "(this or --pii_keys is required).");
ABSL_FLAG(std::string, pii_keys, "",
          "The keyring instead of --pii_key: id:hex,id:hex,... (ids of A-Z a-z 0-9 . _ -); every "
          "key still sealing a row must be listed. See README, \"Rotating the PII key\".");
ABSL_FLAG(std::string, pii_key_id, "",
          "With --pii_keys: the id of the current key, which seals new rows (may be left out "
          "when only one key is given).");
ABSL_FLAG(bool, rotate_keys, false,
          "Re-seal every petitioner under the current PII key (--pii_key_id), in batches, then "
          "exit, printing the counts as JSON; resumable: run it again after a stop.");
ABSL_FLAG(int, rotate_batch_size, 500, "Rows re-sealed per transaction by --rotate_keys.");
ABSL_FLAG(std::string, time_zone, "",
          "The township's time zone is scheduling's (read at start-up); when set, this must "
          "agree with it, or intake does not start.");
ABSL_FLAG(
    std::string, township_abbreviation, "镇",
    "The township's abbreviation that starts document numbers (<abbreviation>信〔2026〕N号).");
ABSL_FLAG(std::string, issuing_office, "信访工作机构",
          "The office named under every document the township issues.");
ABSL_FLAG(double, repeat_similarity_threshold, 0.4,
          "How similar (pg_trgm similarity of subject and content, 0 to 1) an earlier case of the "
          "same person must be for a new case to count as a repeat petition; 0 turns it off.");
ABSL_FLAG(int64_t, material_max_file_bytes, 20 << 20,
          "Largest file of a case's materials (bytes); larger is 413. The gateway's "
          "--max_upload_bytes should match.");
ABSL_FLAG(int64_t, material_max_case_bytes, 100 << 20,
          "Largest total of one case's materials (bytes); an upload past it is 413.");
ABSL_FLAG(int, received_at_window_days, 365,
          "How long ago a petition may have been received when it is registered (receivedAt).");
ABSL_FLAG(std::string, county_feedback_url, "",
          "Where results of county cases are POSTed (http or https); empty: results are recorded "
          "in intake.county_feedback but not delivered.");
ABSL_FLAG(std::string, county_feedback_secret, "",
          "The secret shared with the county platform that signs each result (X-Signature: "
          "sha256=<hex HMAC-SHA256 of the body>); at least 16 characters, required with "
          "--county_feedback_url.");
ABSL_FLAG(int, county_feedback_min_backoff_ms, 1000,
          "Wait before the first retry of a result the county did not take; doubles per attempt.");
ABSL_FLAG(int, county_feedback_max_backoff_ms, 600000,
          "The longest wait between two attempts of one result.");
ABSL_FLAG(int, county_feedback_timeout_ms, 10000, "Time limit of one POST to the county.");
ABSL_FLAG(int, county_feedback_poll_ms, 30000,
          "How often the feedback relay looks for results due without being told: a new or "
          "released result notifies it, and it wakes for the retries it scheduled; this is the "
          "safety net.");

namespace {

// The PII keyring from --pii_key or --pii_keys and --pii_key_id.
absl::StatusOr<std::unique_ptr<petition::PiiCipher>> CipherFromFlags() {
  const std::string single = absl::GetFlag(FLAGS_pii_key);
  const std::string ring = absl::GetFlag(FLAGS_pii_keys);
  std::string current = absl::GetFlag(FLAGS_pii_key_id);
  if (!single.empty() && !ring.empty()) {
    return absl::InvalidArgumentError(
        "give --pii_key (PETITION_INTAKE_PII_KEY) or --pii_keys (PETITION_INTAKE_PII_KEYS), not "
        "both");
  }
  if (ring.empty()) {
    if (!current.empty() && current != petition::kDefaultPiiKeyId) {
      return absl::InvalidArgumentError(
          absl::StrCat("--pii_key is the key with id ", petition::kDefaultPiiKeyId,
                       "; --pii_key_id names another: give the keys with --pii_keys"));
    }
    auto cipher = petition::PiiCipher::Create(single);
    if (!cipher.ok()) {
      return absl::InvalidArgumentError("--pii_key (PETITION_INTAKE_PII_KEY): " +
                                        std::string(cipher.status().message()));
    }
    return cipher;
  }
  auto keys = petition::PiiCipher::ParseKeys(ring);
  if (!keys.ok()) {
    return absl::InvalidArgumentError("--pii_keys (PETITION_INTAKE_PII_KEYS): " +
                                      std::string(keys.status().message()));
  }
  if (current.empty()) {
    if (keys->size() != 1) {
      return absl::InvalidArgumentError(
          "--pii_key_id (PETITION_INTAKE_PII_KEY_ID) must name the current key of --pii_keys");
    }
    current = keys->front().id;
  }
  auto cipher = petition::PiiCipher::Create(*keys, current);
  if (!cipher.ok()) {
    return absl::InvalidArgumentError("--pii_keys / --pii_key_id: " +
                                      std::string(cipher.status().message()));
  }
  return cipher;
}

}  // namespace

int main(int argc, char** argv) {
  petition::ServiceSpec spec;
  spec.name = "intake";
  spec.default_grpc_port = 50051;
  spec.default_metrics_port = 9101;
  spec.migrations = &IntakeMigrations();
  spec.statements = petition::intake::CaseStore::Statements();
  for (const petition::PgStatement& s : petition::intake::LookupStore::Statements()) {
    spec.statements.push_back(s);
  }
  spec.command_wanted = [] { return absl::GetFlag(FLAGS_rotate_keys); };
  spec.command = [](petition::PgPool& pool) -> absl::Status {
    auto cipher = CipherFromFlags();
    if (!cipher.ok()) return cipher.status();
    petition::intake::CaseStore store(&pool, cipher->get());
    petition::intake::KeyRotationReport report =
        petition::intake::RotateKeys(store, absl::GetFlag(FLAGS_rotate_batch_size));
    std::cout << report.Json() << std::endl;
    return report.status;
  };
  for (const petition::PgStatement& s : petition::intake::CountyStore::Statements()) {
    spec.statements.push_back(s);
  }
  return petition::RunService(
      argc, argv, spec,
      [](petition::ServiceContext& ctx) -> absl::StatusOr<petition::ServiceParts> {
        auto cipher = CipherFromFlags();
        if (!cipher.ok()) return cipher.status();
        // The township's time zone is scheduling's: read once, kept.
        auto scheduling = petition::MakeChannel(absl::GetFlag(FLAGS_scheduling_addr), ctx.signer);
        auto owner_zone = petition::FetchTownshipTimeZone(scheduling, absl::Seconds(30));
        if (!owner_zone.ok()) return owner_zone.status();
        auto time_zone =
            petition::AgreeTimeZone("intake", absl::GetFlag(FLAGS_time_zone), *owner_zone);
        if (!time_zone.ok()) return time_zone.status();
        auto zone = petition::LoadZone(*time_zone);
        if (!zone.ok()) return zone.status();
        std::shared_ptr<petition::PiiCipher> shared_cipher = *std::move(cipher);
        petition::intake::DocumentOffice office;
        office.abbreviation = absl::GetFlag(FLAGS_township_abbreviation);
        office.office = absl::GetFlag(FLAGS_issuing_office);
        office.zone = *zone;
        if (office.abbreviation.empty() || office.office.empty()) {
          return absl::InvalidArgumentError(
              "--township_abbreviation and --issuing_office must not be empty");
        }
        auto store =
            std::make_shared<petition::intake::CaseStore>(ctx.pool, shared_cipher.get(), office);
        auto relay = std::make_shared<petition::intake::OutboxRelay>(
            store.get(), petition::MakeChannel(absl::GetFlag(FLAGS_supervision_addr), ctx.signer),
            ctx.metrics, petition::intake::OutboxRelay::Options{});
        const int window_days = absl::GetFlag(FLAGS_received_at_window_days);
        if (window_days < 1) {
          return absl::InvalidArgumentError("--received_at_window_days must be at least 1");
        }
        petition::intake::RegistrationLimits limits;
        limits.received_at_window = absl::Hours(24) * window_days;
        limits.repeat_similarity = absl::GetFlag(FLAGS_repeat_similarity_threshold);
        if (!(limits.repeat_similarity >= 0 && limits.repeat_similarity <= 1)) {
          return absl::InvalidArgumentError("--repeat_similarity_threshold must be within 0..1");
        }
        auto lookup = std::make_shared<petition::intake::LookupStore>(ctx.pool);
        auto directory = std::make_shared<petition::intake::DirectoryClient>(scheduling);
        auto supervision = std::make_shared<petition::intake::SupervisionClient>(
            petition::MakeChannel(absl::GetFlag(FLAGS_supervision_addr), ctx.signer));
        auto county = std::make_shared<petition::intake::CountyStore>(ctx.pool, store.get());
        std::shared_ptr<petition::intake::CountyFeedbackRelay> feedback;
        petition::intake::CountyFeedbackRelay::Options feedback_options;
        feedback_options.url = absl::GetFlag(FLAGS_county_feedback_url);
        feedback_options.secret = absl::GetFlag(FLAGS_county_feedback_secret);
        const int min_backoff = absl::GetFlag(FLAGS_county_feedback_min_backoff_ms);
        const int max_backoff = absl::GetFlag(FLAGS_county_feedback_max_backoff_ms);
        const int feedback_timeout = absl::GetFlag(FLAGS_county_feedback_timeout_ms);
        const int feedback_poll = absl::GetFlag(FLAGS_county_feedback_poll_ms);
        if (min_backoff < 1 || max_backoff < min_backoff || feedback_timeout < 1 ||
            feedback_poll < 1) {
          return absl::InvalidArgumentError(
              "--county_feedback_min_backoff_ms, _timeout_ms and _poll_ms must be at least 1, "
              "--county_feedback_max_backoff_ms at least the minimum");
        }
        if (!feedback_options.url.empty()) {
          if (!absl::StartsWith(feedback_options.url, "http://") &&
              !absl::StartsWith(feedback_options.url, "https://")) {
            return absl::InvalidArgumentError(
                "--county_feedback_url (PETITION_INTAKE_COUNTY_FEEDBACK_URL) must be an http:// or "
                "https:// URL");
          }
          if (feedback_options.secret.size() < 16) {
            return absl::InvalidArgumentError(
                "--county_feedback_secret (PETITION_INTAKE_COUNTY_FEEDBACK_SECRET) must have at "
                "least 16 characters when --county_feedback_url is set");
          }
          feedback_options.min_backoff = absl::Milliseconds(min_backoff);
          feedback_options.max_backoff = absl::Milliseconds(max_backoff);
          feedback_options.timeout = absl::Milliseconds(feedback_timeout);
          feedback_options.idle_poll = absl::Milliseconds(feedback_poll);
          feedback = std::make_shared<petition::intake::CountyFeedbackRelay>(
              county.get(), ctx.metrics, feedback_options);
        } else {
          petition::log::Warn(
              "--county_feedback_url is not set: results of county cases are recorded but not "
              "delivered",
              {});
        }
        petition::ServiceParts parts;
        auto service = std::make_unique<petition::intake::IntakeService>(
            store.get(), relay.get(), *zone, limits,
            petition::intake::IntakePeers{lookup.get(), directory.get(), supervision.get()});
        service->EnableCounty(county.get(), feedback.get());
        petition::intake::MaterialLimits material_limits;
        material_limits.max_file_bytes = absl::GetFlag(FLAGS_material_max_file_bytes);
        material_limits.max_case_bytes = absl::GetFlag(FLAGS_material_max_case_bytes);
        if (material_limits.max_file_bytes < 1 || material_limits.max_file_bytes > (1 << 30) ||
            material_limits.max_case_bytes < material_limits.max_file_bytes) {
          return absl::InvalidArgumentError(
              "--material_max_file_bytes must be 1..1 GiB and --material_max_case_bytes at least "
              "that");
        }
        service->SetMaterialLimits(material_limits);
        // A material comes in one message: the file and its envelope.
        parts.max_receive_message_bytes =
            static_cast<int>(material_limits.max_file_bytes + (1 << 20));
        parts.services.push_back(std::move(service));
        // Domain gauges (common/domain_gauges.h): refreshed by the runner on an interval.
        ctx.gauges->Add({"petition_cases",
                         "Cases by status and category.",
                         {"status", "category"},
                         petition::DomainGauges::Sql(
                             "SELECT status, category, count(*) FROM cases GROUP BY 1, 2")});
        ctx.gauges->Add(
            {"petition_cases_received_today",
             "Cases received since midnight in the township's time zone, by channel.",
             {"channel"},
             [tz = *time_zone](pqxx::transaction_base& tx) {
               return tx.exec_params(
                   "SELECT channel, count(*) FROM cases WHERE received_at >= "
                   "date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 GROUP BY 1",
                   tz);
             }});
        ctx.gauges->Add(
            {"petition_outbox_oldest_pending_age_seconds",
             "Age of the oldest case event not yet delivered to supervision (0: none waits).",
             {},
             petition::DomainGauges::Sql(
                 "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox "
                 "WHERE delivered_at IS NULL AND parked_at IS NULL")});
        // County feedback: the backlog, what waits for an operator, and how long the oldest waits.
        ctx.gauges->Add({"petition_county_feedback_pending",
                         "Results of county cases recorded but not yet delivered to the county "
                         "(those held for the principal leader's review aside).",
                         {},
                         petition::DomainGauges::Sql(
                             "SELECT count(*) FROM county_feedback WHERE delivered_at IS NULL "
                             "AND parked_at IS NULL AND NOT (review_required AND reviewed_at IS "
                             "NULL)")});
        ctx.gauges->Add({"petition_county_feedback_awaiting_review",
                         "Results of county cases held for the principal leader's review.",
                         {},
                         petition::DomainGauges::Sql(
                             "SELECT count(*) FROM county_feedback WHERE review_required "
                             "AND reviewed_at IS NULL")});
        ctx.gauges->Add({"petition_county_feedback_parked",
                         "Results the county refused for good (4xx), kept for an operator.",
                         {},
                         petition::DomainGauges::Sql(
                             "SELECT count(*) FROM county_feedback WHERE parked_at IS NOT NULL "
                             "AND delivered_at IS NULL")});
        ctx.gauges->Add(
            {"petition_county_feedback_oldest_pending_age_seconds",
             "Age of the oldest result not yet delivered to the county (0: none waits).",
             {},
             petition::DomainGauges::Sql(
                 "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                 "FROM county_feedback WHERE delivered_at IS NULL AND parked_at IS NULL")});
        parts.start = [relay, feedback] {
          relay->Start();
          if (feedback != nullptr) feedback->Start();
        };
        parts.stop = [relay, feedback] {
          if (feedback != nullptr) feedback->Stop();
          relay->Stop();
        };
        parts.keep_alive = {shared_cipher, store,       relay,  lookup,
                            directory,     supervision, county, feedback};
        return parts;
      });
}
