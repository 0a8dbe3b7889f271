// gRPC handlers of petition.intake.v1.Intake: validate, call domain and store,
// map errors to grpc::Status.
#ifndef PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_
#define PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/request_context.h"
#include "petition/v1/intake.grpc.pb.h"
#include "services/intake/domain/registration.h"
#include "services/intake/service/outbox_relay.h"
#include "services/intake/store/case_store.h"

namespace petition::intake {

// Whether a case's review window (复查申请期限) is still open. Supervision
// owns that deadline; until it answers the question, intake counts it itself
// (CalendarReviewWindow). Called inside the step's transaction: an
// implementation must answer from what it is given, without blocking.
class ReviewWindow {
 public:
  virtual ~ReviewWindow() = default;
  virtual bool IsOpen(const v1::Case& answered_case, absl::Time now) const = 0;
};

// 30 calendar days after the day of the answer, in the township's time zone.
class CalendarReviewWindow final : public ReviewWindow {
 public:
  explicit CalendarReviewWindow(absl::TimeZone zone, int days = 30) : zone_(zone), days_(days) {}
  bool IsOpen(const v1::Case& answered_case, absl::Time now) const override;

 private:
  absl::TimeZone zone_;
  int days_;
};

class IntakeService final : public v1::Intake::Service {
 public:
  // `relay` may be null (tests without delivery).
  IntakeService(CaseStore* store, OutboxRelay* relay, absl::TimeZone zone,
                RegistrationLimits limits = {})
      : store_(store),
        relay_(relay),
        zone_(zone),
        limits_(limits),
        default_review_window_(zone),
        review_window_(&default_review_window_) {}

  grpc::Status RegisterCase(grpc::ServerContext* context, const v1::RegisterCaseRequest* request,
                            v1::Case* response) override;
  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                       v1::Case* response) override;

  grpc::Status ListCases(grpc::ServerContext* context, const v1::ListCasesRequest* request,
                         v1::ListCasesResponse* response) override;
  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::Document* response) override;
  grpc::Status ApplySupervisionEvents(grpc::ServerContext* context,
                                      const v1::ApplySupervisionEventsRequest* request,
                                      v1::ApplySupervisionEventsResponse* response) override;
  grpc::Status ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override;
  grpc::Status AcceptCase(grpc::ServerContext* context, const v1::AcceptCaseRequest* request,
                          v1::Case* response) override;
  grpc::Status DeclineCase(grpc::ServerContext* context, const v1::DeclineCaseRequest* request,
                           v1::Case* response) override;
  grpc::Status SubmitOpinion(grpc::ServerContext* context, const v1::SubmitOpinionRequest* request,
                             v1::Opinion* response) override;
  grpc::Status ApproveOpinion(grpc::ServerContext* context,
                              const v1::ApproveOpinionRequest* request,
                              v1::Opinion* response) override;
  grpc::Status AnswerCase(grpc::ServerContext* context, const v1::AnswerCaseRequest* request,
                          v1::Case* response) override;
  grpc::Status RequestReview(grpc::ServerContext* context, const v1::RequestReviewRequest* request,
                             v1::Case* response) override;
  grpc::Status ConcludeCase(grpc::ServerContext* context, const v1::ConcludeCaseRequest* request,
                            v1::Case* response) override;
  grpc::Status WithdrawCase(grpc::ServerContext* context, const v1::WithdrawCaseRequest* request,
                            v1::Case* response) override;
  grpc::Status RateCase(grpc::ServerContext* context, const v1::RateCaseRequest* request,
                        v1::Case* response) override;

 private:
  // Fills the step-specific part of a change (fields of the case, the
  // opinion, the event's kind) from the case as it stands under its lock;
  // the status, the history entry and the event's envelope are already set.
  using Fill = std::function<absl::Status(const v1::Case& current, StepChange& change)>;
  // Runs one lifecycle step: the case must be readable by the caller and the
  // step allowed in its status (common rules), then `fill`.
  absl::StatusOr<StepResult> RunStep(const RequestScope& scope, grpc::ServerContext& context,
                                     const std::string& case_id, v1::Step step,
                                     const std::string& note, const Fill& fill);
  // The case's documents (or one), names filled in as the caller may see them.
  absl::StatusOr<std::vector<v1::Document>> ReadDocuments(const RequestScope& scope,
                                                          grpc::ServerContext& context,
                                                          const std::string& case_id,
                                                          const std::string& document_id);
  // The case of a step's result as the caller may see it (identity masked).
  static void Answer(StepResult& result, v1::Case* response);

  CaseStore* store_;
  OutboxRelay* relay_;
  absl::TimeZone zone_;
  RegistrationLimits limits_;
  CalendarReviewWindow default_review_window_;
  const ReviewWindow* review_window_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_
