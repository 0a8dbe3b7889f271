// gRPC handlers of petition.supervision.v1.Supervision.
#ifndef PETITION_SERVICES_SUPERVISION_SERVICE_SUPERVISION_SERVICE_H_
#define PETITION_SERVICES_SUPERVISION_SERVICE_SUPERVISION_SERVICE_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "services/supervision/domain/clock.h"
#include "services/supervision/domain/deadline_policy.h"
#include "services/supervision/service/directory_client.h"
#include "services/supervision/store/deadline_store.h"

namespace petition::supervision {

class SupervisionService final : public v1::Supervision::Service {
 public:
  // `outbox_written` is called after a change wrote to the outbox (the relay
  // delivers it now rather than at its next poll); may be empty.
  // `directory` (scheduling's units) is needed by the screening reports;
  // without it they answer UNAVAILABLE.
  SupervisionService(DeadlineStore* store, WorkingDayOracle* calendar, Clock* clock,
                     std::function<void()> outbox_written = {}, UnitDirectory* directory = nullptr)
      : store_(store),
        calendar_(calendar),
        clock_(clock),
        outbox_written_(std::move(outbox_written)),
        directory_(directory) {}

  // The township's time zone, which scheduling owns (common/township_time_zone.h):
  // a deadline policy may not set another. Empty (the default): not checked.
  void set_township_time_zone(std::string time_zone) { township_time_zone_ = std::move(time_zone); }

  grpc::Status ApplyCaseEvents(grpc::ServerContext* context,
                               const v1::ApplyCaseEventsRequest* request,
                               v1::ApplyCaseEventsResponse* response) override;
  grpc::Status GetCaseDeadlines(grpc::ServerContext* context,
                                const v1::GetCaseDeadlinesRequest* request,
                                v1::CaseDeadlines* response) override;
  grpc::Status GetDeadlinePolicy(grpc::ServerContext* context,
                                 const v1::GetDeadlinePolicyRequest* request,
                                 v1::DeadlinePolicy* response) override;
  grpc::Status PutDeadlinePolicy(grpc::ServerContext* context, const v1::DeadlinePolicy* request,
                                 v1::DeadlinePolicy* response) override;
  grpc::Status ListDeadlines(grpc::ServerContext* context, const v1::ListDeadlinesRequest* request,
                             v1::ListDeadlinesResponse* response) override;
  grpc::Status CreateExtension(grpc::ServerContext* context,
                               const v1::CreateExtensionRequest* request,
                               v1::Extension* response) override;
  grpc::Status CheckReviewWindow(grpc::ServerContext* context,
                                 const v1::CheckReviewWindowRequest* request,
                                 v1::CheckReviewWindowResponse* response) override;

  grpc::Status CreateSupervisionOrder(grpc::ServerContext* context,
                                      const v1::SupervisionOrder* request,
                                      v1::SupervisionOrder* response) override;
  grpc::Status ListSupervisionOrders(grpc::ServerContext* context,
                                     const v1::ListSupervisionOrdersRequest* request,
                                     v1::ListSupervisionOrdersResponse* response) override;
  grpc::Status RespondSupervisionOrder(grpc::ServerContext* context,
                                       const v1::RespondSupervisionOrderRequest* request,
                                       v1::SupervisionOrder* response) override;
  grpc::Status CloseSupervisionOrder(grpc::ServerContext* context,
                                     const v1::CloseSupervisionOrderRequest* request,
                                     v1::SupervisionOrder* response) override;
  grpc::Status GetResponsibility(grpc::ServerContext* context,
                                 const v1::GetResponsibilityRequest* request,
                                 v1::Responsibility* response) override;
  grpc::Status PutResponsibility(grpc::ServerContext* context, const v1::Responsibility* request,
                                 v1::Responsibility* response) override;

  grpc::Status PutScreeningReport(grpc::ServerContext* context, const v1::ScreeningReport* request,
                                  v1::ScreeningReport* response) override;
  grpc::Status ListScreeningReports(grpc::ServerContext* context,
                                    const v1::ListScreeningReportsRequest* request,
                                    v1::ListScreeningReportsResponse* response) override;
  grpc::Status CreateEscalation(grpc::ServerContext* context, const v1::Escalation* request,
                                v1::Escalation* response) override;
  grpc::Status ListEscalations(grpc::ServerContext* context,
                               const v1::ListEscalationsRequest* request,
                               v1::ListEscalationsResponse* response) override;
  grpc::Status CreateHearing(grpc::ServerContext* context, const v1::Hearing* request,
                             v1::Hearing* response) override;
  grpc::Status ListHearings(grpc::ServerContext* context, const v1::ListHearingsRequest* request,
                            v1::ListHearingsResponse* response) override;
  grpc::Status GetUnitStats(grpc::ServerContext* context, const v1::GetUnitStatsRequest* request,
                            v1::GetUnitStatsResponse* response) override;
  grpc::Status PutAssessmentTargets(grpc::ServerContext* context,
                                    const v1::AssessmentTargets* request,
                                    v1::AssessmentTargets* response) override;
  grpc::Status GetAssessmentTargets(grpc::ServerContext* context,
                                    const v1::GetAssessmentTargetsRequest* request,
                                    v1::AssessmentTargets* response) override;
  grpc::Status GetAssessment(grpc::ServerContext* context, const v1::GetAssessmentRequest* request,
                             v1::Assessment* response) override;

 private:
  // NOT_FOUND unless the principal may read the case (common/case_visibility.h).
  absl::Status CheckCaseVisible(const std::string& case_id, const Principal& principal,
                                const TxOptions& tx_options);
  absl::Status CheckCaseVisible(pqxx::transaction_base& tx, const std::string& case_id,
                                const Principal& principal);
  // NOT_FOUND ("no such supervision order") when the order's case is hidden
  // from the principal (it reports their unit, A30).
  absl::Status CheckOrderVisible(pqxx::transaction_base& tx, const OrderRecord& order,
                                 const Principal& principal);
  // A30: INVALID_ARGUMENT (leaderId) when `leader_id` is an official of a
  // unit the case reports; `leader_unit` is the official's unit as
  // scheduling's directory answered before the transaction.
  absl::Status LeaderNotAccused(pqxx::transaction_base& tx, const std::string& case_id,
                                const std::string& leader_id,
                                const absl::StatusOr<std::string>& leader_unit);
  struct CurrentPolicy {
    StoredPolicy stored;
    absl::TimeZone zone;
  };
  absl::StatusOr<CurrentPolicy> LoadPolicy(const TxOptions& tx_options);
  // The same inside the handler's transaction.
  absl::StatusOr<CurrentPolicy> LoadPolicy(pqxx::transaction_base& tx);
  // Handlers that ask the calendar (scheduling) count under the policy last
  // seen, before their transaction; the transaction checks that it is still
  // the current one and hands back the current one when not, which
  // SeePolicy() remembers for the next round (at most kPolicyRounds).
  static constexpr int kPolicyRounds = 3;
  std::optional<CurrentPolicy> LastPolicy();
  absl::StatusOr<CurrentPolicy> SeePolicy(StoredPolicy stored);
  // What applying the request's events does under `policy` (the calendar is
  // asked here: never inside a transaction).
  absl::StatusOr<std::vector<DeadlineStore::Application>> BuildApplications(
      const v1::ApplyCaseEventsRequest& request, const CurrentPolicy& policy);
  // The policy a deadline was opened under (version 0: the regulation's).
  absl::StatusOr<DeadlinePolicy> PolicyOf(pqxx::transaction_base& tx, int64_t version);
  void FillDeadline(const DeadlineRecord& d, absl::CivilDay today, absl::TimeZone zone,
                    v1::Deadline* out) const;

  DeadlineStore* store_;
  WorkingDayOracle* calendar_;
  Clock* clock_;
  std::function<void()> outbox_written_;
  UnitDirectory* directory_;
  std::string township_time_zone_;
  // The policy last seen (LastPolicy).
  absl::Mutex policy_mu_;
  std::optional<CurrentPolicy> last_policy_ ABSL_GUARDED_BY(policy_mu_);
};

}  // namespace petition::supervision

#endif  // PETITION_SERVICES_SUPERVISION_SERVICE_SUPERVISION_SERVICE_H_
