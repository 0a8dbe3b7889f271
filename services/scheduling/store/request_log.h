// AIP-155 retries of the mutations whose own rows carry no request key
// (substitutions, recusals, roster publications, appointments): the table
// request_results, used inside the store's transaction that makes the change,
// so the record and the change commit together or not at all.
#ifndef PETITION_SERVICES_SCHEDULING_STORE_REQUEST_LOG_H_
#define PETITION_SERVICES_SCHEDULING_STORE_REQUEST_LOG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg_pool.h"
#include "services/scheduling/store/directory_store.h"

namespace petition::scheduling {

class RequestLog {
 public:
  static const std::vector<PgStatement>& Statements();

  // Claims `call`'s request id for `method` (first in the transaction that
  // makes the change). nullopt: a first request (or no request id): go on,
  // then Record() its result. A string: the result key Record() stored for
  // the same caller, id and body (a retry: answer that result, change
  // nothing). ALREADY_EXISTS when the id came with another body. A
  // concurrent first request with the same id is waited for.
  static absl::StatusOr<std::optional<std::string>> Claim(pqxx::transaction_base& tx,
                                                          const CreateCall& call,
                                                          const std::string& method);
  // What a retry finds (e.g. the created row's id); nothing without a request id.
  static void Record(pqxx::transaction_base& tx, const CreateCall& call, const std::string& method,
                     const std::string& result_key);
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_STORE_REQUEST_LOG_H_
