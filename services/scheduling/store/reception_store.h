// All SQL of reception plans, substitutions and recusals: named statements,
// prepared once per connection. Sessions are never stored (they are computed
// from plan + calendar + substitutions).
#ifndef PETITION_SERVICES_SCHEDULING_STORE_RECEPTION_STORE_H_
#define PETITION_SERVICES_SCHEDULING_STORE_RECEPTION_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/pg_pool.h"
#include "petition/v1/scheduling.pb.h"
#include "services/scheduling/store/directory_store.h"

namespace petition::scheduling {

struct RosterPublication {
  absl::Time published_at;
  bool late = false;
  v1::Roster snapshot;  // its published_sessions
};

struct StoredSubstitution {
  std::string plan_id;
  absl::CivilDay session_date;
  v1::SessionSubstitution substitution;  // created_at set when read
};

// What the service reads for its own rules (every recusal of a case, every
// appointment of an official): one page as large as the lists ever were.
inline const Page kWholeList{1000, ""};

class ReceptionStore {
 public:
  // The pool also needs RequestLog::Statements().
  static const std::vector<PgStatement>& Statements();

  explicit ReceptionStore(PgPool* pool) : pool_(pool) {}

  // Stores a validated plan (plan_id and created_at are set here); retries
  // as in DirectoryStore.
  absl::StatusOr<v1::ReceptionPlan> CreatePlan(const v1::ReceptionPlan& plan,
                                               const CreateCall& call,
                                               const TxOptions& tx_options = {});
  absl::StatusOr<v1::ReceptionPlan> CreatePlan(pqxx::transaction_base& tx,
                                               const v1::ReceptionPlan& plan,
                                               const CreateCall& call);
  absl::StatusOr<v1::ReceptionPlan> GetPlan(const std::string& plan_id,
                                            const TxOptions& tx_options = {});  // NOT_FOUND
  absl::StatusOr<v1::ReceptionPlan> GetPlan(pqxx::transaction_base& tx, const std::string& plan_id);
  // The unit's plans, oldest first: up to page.size + 1 after the plan
  // page.after (one more than asked tells that there is a next page).
  absl::StatusOr<std::vector<v1::ReceptionPlan>> ListPlans(const std::string& unit_id,
                                                           const Page& page = kWholeList,
                                                           const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<v1::ReceptionPlan>> ListPlans(pqxx::transaction_base& tx,
                                                           const std::string& unit_id,
                                                           const Page& page = kWholeList);
  // Every unit's plans (for the reception gauges), oldest first.
  absl::StatusOr<std::vector<v1::ReceptionPlan>> ListAllPlans(const TxOptions& tx_options = {});

  // The substitutions of the unit's sessions dated in [from, to], in the
  // order they were made.
  absl::StatusOr<std::vector<StoredSubstitution>> ListSubstitutions(
      const std::string& unit_id, absl::CivilDay from, absl::CivilDay to,
      const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<StoredSubstitution>> ListSubstitutions(pqxx::transaction_base& tx,
                                                                    const std::string& unit_id,
                                                                    absl::CivilDay from,
                                                                    absl::CivilDay to);

  // Adds a substitution when `check` accepts it, given what it sees under
  // two locks: the unit's plans (one substitution of a unit at a time, so the
  // check sees every earlier one) and the substitute's directory row (the
  // lock CreateAppointment takes too, so a booking of the substitute made
  // meanwhile is seen, or waits for this one). A retry of `call`
  // (RequestLog) adds nothing and checks nothing.
  struct SubstitutionView {
    std::vector<StoredSubstitution> that_day;  // the unit's substitutions that day
    // The substitute's appointments overlapping [busy_from, busy_to).
    std::vector<v1::Appointment> substitute_appointments;
  };
  using SubstitutionCheck = std::function<absl::Status(const SubstitutionView& view)>;
  absl::Status AddSubstitution(const std::string& unit_id, const StoredSubstitution& substitution,
                               absl::Time busy_from, absl::Time busy_to,
                               const SubstitutionCheck& check, const CreateCall& call = {},
                               const TxOptions& tx_options = {});
  absl::Status AddSubstitution(pqxx::transaction_base& tx, const std::string& unit_id,
                               const StoredSubstitution& substitution, absl::Time busy_from,
                               absl::Time busy_to, const SubstitutionCheck& check,
                               const CreateCall& call = {});

  // Records a recusal; the same official and case again returns the first,
  // and so does a retry of `call`.
  absl::StatusOr<v1::Recusal> CreateRecusal(const v1::Recusal& recusal, const CreateCall& call = {},
                                            const TxOptions& tx_options = {});
  absl::StatusOr<v1::Recusal> CreateRecusal(pqxx::transaction_base& tx, const v1::Recusal& recusal,
                                            const CreateCall& call = {});
  // Filtered when case_id / official_id are set; oldest first, paged as ListPlans.
  absl::StatusOr<std::vector<v1::Recusal>> ListRecusals(const std::string& case_id,
                                                        const std::string& official_id,
                                                        const Page& page = kWholeList,
                                                        const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<v1::Recusal>> ListRecusals(pqxx::transaction_base& tx,
                                                        const std::string& case_id,
                                                        const std::string& official_id,
                                                        const Page& page = kWholeList);

  // The month's publication, or nullopt before it is published.
  absl::StatusOr<std::optional<RosterPublication>> GetPublication(const std::string& unit_id,
                                                                  const std::string& month,
                                                                  const TxOptions& tx_options = {});
  absl::StatusOr<std::optional<RosterPublication>> GetPublication(pqxx::transaction_base& tx,
                                                                  const std::string& unit_id,
                                                                  const std::string& month);
  // Publishes once: a second call returns the first publication unchanged.
  // `call`'s request id with another body is ALREADY_EXISTS.
  absl::StatusOr<RosterPublication> Publish(const std::string& unit_id, const std::string& month,
                                            bool late, const v1::Roster& snapshot,
                                            const CreateCall& call = {},
                                            const TxOptions& tx_options = {});
  absl::StatusOr<RosterPublication> Publish(pqxx::transaction_base& tx, const std::string& unit_id,
                                            const std::string& month, bool late,
                                            const v1::Roster& snapshot,
                                            const CreateCall& call = {});

  // Stores an appointment (appointment_id and created_at set here) when
  // `check` accepts it and none of its officials has another appointment
  // overlapping it (ALREADY_EXISTS). Both are decided under a lock on each
  // official's directory row (taken in id order: no deadlock), the lock
  // AddSubstitution takes on a substitute: two bookings of one official
  // never both pass. `check` is given the substitutions of `unit_ids`'
  // sessions dated in [first, last], by unit, read under those locks.
  // A retry of `call` returns the appointment it made and checks nothing.
  using SubstitutionsByUnit = absl::flat_hash_map<std::string, std::vector<StoredSubstitution>>;
  using AppointmentCheck = std::function<absl::Status(const SubstitutionsByUnit& substitutions)>;
  absl::StatusOr<v1::Appointment> CreateAppointment(const v1::Appointment& appointment,
                                                    const std::vector<std::string>& unit_ids,
                                                    absl::CivilDay first, absl::CivilDay last,
                                                    const AppointmentCheck& check,
                                                    const CreateCall& call = {},
                                                    const TxOptions& tx_options = {});
  absl::StatusOr<v1::Appointment> CreateAppointment(pqxx::transaction_base& tx,
                                                    const v1::Appointment& appointment,
                                                    const std::vector<std::string>& unit_ids,
                                                    absl::CivilDay first, absl::CivilDay last,
                                                    const AppointmentCheck& check,
                                                    const CreateCall& call = {});
  // By start time, paged as ListPlans.
  absl::StatusOr<std::vector<v1::Appointment>> ListAppointments(const std::string& official_id,
                                                                const std::string& case_id,
                                                                const Page& page = kWholeList,
                                                                const TxOptions& tx_options = {});
  absl::StatusOr<std::vector<v1::Appointment>> ListAppointments(pqxx::transaction_base& tx,
                                                                const std::string& official_id,
                                                                const std::string& case_id,
                                                                const Page& page = kWholeList);

  PgPool* pool() const { return pool_; }

 private:
  PgPool* pool_;
};

}  // namespace petition::scheduling

#endif  // PETITION_SERVICES_SCHEDULING_STORE_RECEPTION_STORE_H_
