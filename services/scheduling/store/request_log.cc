#include "services/scheduling/store/request_log.h"

namespace petition::scheduling {
namespace {

constexpr char kClaim[] = "request_log_claim";
constexpr char kSelect[] = "request_log_select";
constexpr char kRecord[] = "request_log_record";

}  // namespace

const std::vector<PgStatement>& RequestLog::Statements() {
  static const auto* kStatements = new std::vector<PgStatement>{
      {kClaim,
       "INSERT INTO request_results (request_subject, method, request_id, request_sha256) "
       "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING request_id"},
      {kSelect,
       "SELECT request_sha256, result_key FROM request_results WHERE request_subject = $1 "
       "AND method = $2 AND request_id = $3"},
      {kRecord,
       "UPDATE request_results SET result_key = $4 WHERE request_subject = $1 AND method = $2 "
       "AND request_id = $3"},
  };
  return *kStatements;
}

absl::StatusOr<std::optional<std::string>> RequestLog::Claim(pqxx::transaction_base& tx,
                                                             const CreateCall& call,
                                                             const std::string& method) {
  if (call.request_id.empty()) return std::nullopt;
  // Waits for a concurrent transaction holding the same key, then sees its row.
  if (!tx.exec_prepared(kClaim, call.subject, method, call.request_id, call.request_sha256)
           .empty()) {
    return std::nullopt;
  }
  pqxx::row prior = tx.exec_prepared1(kSelect, call.subject, method, call.request_id);
  if (prior["request_sha256"].as<std::string>() != call.request_sha256) {
    return absl::AlreadyExistsError("requestId was already used with a different request");
  }
  return prior["result_key"].as<std::string>();
}

void RequestLog::Record(pqxx::transaction_base& tx, const CreateCall& call,
                        const std::string& method, const std::string& result_key) {
  if (call.request_id.empty()) return;
  tx.exec_prepared(kRecord, call.subject, method, call.request_id, result_key);
}

}  // namespace petition::scheduling
