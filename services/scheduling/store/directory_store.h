// All SQL of the directory (units and officials): named statements, prepared
// once per connection.
#ifndef PETITION_SERVICES_SCHEDULING_STORE_DIRECTORY_STORE_H_
#define PETITION_SERVICES_SCHEDULING_STORE_DIRECTORY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg_pool.h"
#include "petition/v1/scheduling.pb.h"

namespace petition::scheduling {

struct Page {
  int size = 100;
  std::string after;  // the last id of the previous page; empty: from the start
};

// Who asks to create, and the retry key (AIP-155): the same caller's request
// id with the same fingerprint returns the first result, with another
// fingerprint ALREADY_EXISTS. An empty request_id creates every time.
struct CreateCall {
  std::string subject;
  std::string request_id;
  std::string request_sha256;
};

// Which of a unit's leaders SetLeader names.
enum class UnitLeader { kLeaderInCharge, kPrincipal };

class DirectoryStore {
 public:
  static const std::vector<PgStatement>& Statements();

  explicit DirectoryStore(PgPool* pool) : pool_(pool) {}

  // The methods that take `tx` read inside the caller's transaction (one per
  // handler); the others run a transaction of their own.

  // Stores a new unit (unit_id and created_at are set here). INVALID_ARGUMENT
  // (parentId) when the parent is not a township unit.
  absl::StatusOr<v1::Unit> CreateUnit(const v1::Unit& unit, const CreateCall& call,
                                      const TxOptions& tx_options = {});
  // Names the unit's leader in charge (分管领导) or, for a TOWNSHIP unit
  // only, its principal leader (主要领导); an empty id clears it.
  // INVALID_ARGUMENT (leaderInChargeId / principalLeaderId) when no such
  // official, FAILED_PRECONDITION (unitId) naming a principal for another
  // kind of unit, NOT_FOUND when no such unit. Also checked at CreateUnit.
  absl::StatusOr<v1::Unit> SetLeader(const std::string& unit_id, UnitLeader leader,
                                     const std::string& official_id,
                                     const TxOptions& tx_options = {});
  // The TOWNSHIP units whose principal leader the official is.
  absl::StatusOr<std::vector<std::string>> TownshipsLedBy(const std::string& official_id,
                                                          const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<std::string>> TownshipsLedBy(pqxx::transaction_base& tx,
                                                          const std::string& official_id);
  absl::StatusOr<v1::Unit> GetUnit(const std::string& unit_id,
                                   const TxOptions& tx_options = {});  // NOT_FOUND
  absl::StatusOr<v1::Unit> GetUnit(pqxx::transaction_base& tx, const std::string& unit_id);
  // In id order after `page.after`, filtered when kind / parent_id are set;
  // one more than asked tells that there is a next page.
  absl::StatusOr<std::vector<v1::Unit>> ListUnits(v1::UnitKind kind, const std::string& parent_id,
                                                  const Page& page,
                                                  const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<v1::Unit>> ListUnits(pqxx::transaction_base& tx, v1::UnitKind kind,
                                                  const std::string& parent_id, const Page& page);

  // The same for officials; INVALID_ARGUMENT (unitId) when the unit does not
  // exist, (rank) when the rank does not fit the unit.
  absl::StatusOr<v1::Official> CreateOfficial(const v1::Official& official, const CreateCall& call,
                                              const TxOptions& tx_options = {});
  absl::StatusOr<v1::Official> GetOfficial(const std::string& official_id,
                                           const TxOptions& tx_options = {});
  absl::StatusOr<v1::Official> GetOfficial(pqxx::transaction_base& tx,
                                           const std::string& official_id);
  absl::StatusOr<std::vector<v1::Official>> ListOfficials(const std::string& unit_id,
                                                          const Page& page,
                                                          const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<v1::Official>> ListOfficials(pqxx::transaction_base& tx,
                                                          const std::string& unit_id,
                                                          const Page& page);

  // The pool the store's own transactions run on (a handler's too).
  PgPool* pool() const { return pool_; }

 private:
  PgPool* pool_;
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_STORE_DIRECTORY_STORE_H_
