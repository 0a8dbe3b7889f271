// Intake's calls to the services that own what it must not decide alone:
// scheduling's directory (which units and officials exist, and their names)
// and supervision's deadlines (the review window, the deadline now running).
// Each call carries the request id and ends no later than the call that
// caused it (its deadline, capped by a timeout of its own).
#ifndef PETITION_SERVICES_INTAKE_SERVICE_PEER_CLIENTS_H_
#define PETITION_SERVICES_INTAKE_SERVICE_PEER_CLIENTS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"

namespace petition::intake {

// Scheduling's directory. NOT_FOUND when it has no such unit or official;
// UNAVAILABLE when it cannot answer now (down, or past the deadline).
class DirectoryClient {
 public:
  explicit DirectoryClient(std::shared_ptr<grpc::Channel> scheduling,
                           absl::Duration timeout = absl::Seconds(3));

  absl::StatusOr<scheduling::v1::Unit> GetUnit(const std::string& unit_id, absl::Time deadline);
  absl::StatusOr<scheduling::v1::Official> GetOfficial(const std::string& official_id,
                                                       absl::Time deadline);
  // Whether the official may take `decision` on the case (recusal; the rank
  // of a township's receiving leader): scheduling owns both rules.
  absl::StatusOr<scheduling::v1::CheckDeciderResponse> CheckDecider(
      const std::string& case_id, const std::string& official_id,
      scheduling::v1::CaseDecision decision, absl::Time deadline);

 private:
  std::unique_ptr<scheduling::v1::Scheduling::Stub> stub_;
  absl::Duration timeout_;
};

// Supervision's deadlines. UNAVAILABLE when it cannot answer now.
class SupervisionClient {
 public:
  explicit SupervisionClient(std::shared_ptr<grpc::Channel> supervision,
                             absl::Duration timeout = absl::Seconds(3));

  // Whether the case's window of `kind` (the petitioner's REVIEW_WINDOW or
  // RECHECK_WINDOW, the township's OBJECTION period) is open at `at`
  // (supervision owns it).
  absl::StatusOr<supervision::v1::CheckReviewWindowResponse> CheckReviewWindow(
      const std::string& case_id, absl::Time at, absl::Time deadline,
      supervision::v1::DeadlineKind kind = supervision::v1::REVIEW_WINDOW);
  // The case's deadlines (NOT_FOUND: supervision has not heard of the case yet).
  absl::StatusOr<supervision::v1::CaseDeadlines> GetCaseDeadlines(const std::string& case_id,
                                                                  absl::Time deadline);
  // The township's deadline policy now (the approvals an opinion needs).
  absl::StatusOr<supervision::v1::DeadlinePolicy> GetDeadlinePolicy(absl::Time deadline);

 private:
  std::unique_ptr<supervision::v1::Supervision::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_PEER_CLIENTS_H_
