// gRPC handlers of petition.intake.v1.Intake: validate, call domain and store,
// map errors to grpc::Status.
#ifndef PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_
#define PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/request_context.h"
#include "petition/v1/intake.grpc.pb.h"
#include "services/intake/domain/approvals.h"
#include "services/intake/domain/document_pdf.h"
#include "services/intake/domain/materials.h"
#include "services/intake/domain/registration.h"
#include "services/intake/service/county_feedback_relay.h"
#include "services/intake/service/outbox_relay.h"
#include "services/intake/service/peer_clients.h"
#include "services/intake/store/case_store.h"
#include "services/intake/store/county_store.h"
#include "services/intake/store/lookup_store.h"

namespace petition::intake {

// The services intake asks before it decides (peer_clients.h). Null only in
// tests that do not reach the steps needing them.
struct IntakePeers {
  LookupStore* lookup = nullptr;
  DirectoryClient* directory = nullptr;
  SupervisionClient* supervision = nullptr;
};

// The CaseRegistered event of a new case (sequence 1).
petition::v1::CaseEvent RegisteredEvent(const v1::Case& c, const std::string& request_id);

class IntakeService final : public v1::Intake::Service {
 public:
  // `relay` may be null (tests without delivery).
  IntakeService(CaseStore* store, OutboxRelay* relay, absl::TimeZone zone,
                RegistrationLimits limits = {}, IntakePeers peers = {})
      : store_(store), relay_(relay), zone_(zone), limits_(limits), peers_(peers) {}

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
  // The same document as an A4 PDF: read (and audited) in the store's
  // transaction, rendered after it, one at a time (DocumentPdfRenderer).
  grpc::Status GetDocumentPdf(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                              petition::v1::HttpBody* response) override;
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
  // :submit: the unit hands its opinion in (HANDLING is met); records the
  // approvals the township's policy requires now.
  grpc::Status SubmitOpinionForApproval(grpc::ServerContext* context,
                                        const v1::SubmitOpinionForApprovalRequest* request,
                                        v1::Opinion* response) override;
  grpc::Status ApproveOpinion(grpc::ServerContext* context,
                              const v1::ApproveOpinionRequest* request,
                              v1::Opinion* response) override;
  grpc::Status AnswerCase(grpc::ServerContext* context, const v1::AnswerCaseRequest* request,
                          v1::Case* response) override;
  grpc::Status DeliverCase(grpc::ServerContext* context, const v1::DeliverCaseRequest* request,
                           v1::Case* response) override;
  grpc::Status RequestReview(grpc::ServerContext* context, const v1::RequestReviewRequest* request,
                             v1::Case* response) override;
  grpc::Status RequestRecheck(grpc::ServerContext* context,
                              const v1::RequestRecheckRequest* request,
                              v1::Case* response) override;
  grpc::Status DecideTransferReview(grpc::ServerContext* context,
                                    const v1::DecideReviewRequest* request,
                                    v1::DecideReviewResponse* response) override;
  grpc::Status DecideCaseReview(grpc::ServerContext* context,
                                const v1::DecideReviewRequest* request,
                                v1::DecideReviewResponse* response) override;
  // :object (A23): a county transfer outside the township's remit, within
  // the objection period supervision keeps (OBJECTION).
  grpc::Status ObjectCase(grpc::ServerContext* context, const v1::ObjectCaseRequest* request,
                          v1::Case* response) override;
  grpc::Status ConcludeCase(grpc::ServerContext* context, const v1::ConcludeCaseRequest* request,
                            v1::Case* response) override;
  grpc::Status WithdrawCase(grpc::ServerContext* context, const v1::WithdrawCaseRequest* request,
                            v1::Case* response) override;
  grpc::Status RateCase(grpc::ServerContext* context, const v1::RateCaseRequest* request,
                        v1::Case* response) override;
  // The petitioner's public view and rating (lookup_handlers.cc).
  grpc::Status LookupCase(grpc::ServerContext* context, const v1::LookupCaseRequest* request,
                          v1::CaseLookup* response) override;
  grpc::Status RateByQueryCode(grpc::ServerContext* context,
                               const v1::RateByQueryCodeRequest* request,
                               v1::CaseLookup* response) override;

  // County transfers (county_transfers.cc). `county` is required for them;
  // `feedback` may be null (no --county_feedback_url: results are recorded,
  // not delivered).
  void EnableCounty(CountyStore* county, CountyFeedbackRelay* feedback) {
    county_ = county;
    county_feedback_ = feedback;
  }
  // The petitioner's materials (material_handlers.cc).
  void SetMaterialLimits(const MaterialLimits& limits) { material_limits_ = limits; }
  grpc::Status UploadMaterial(grpc::ServerContext* context,
                              const v1::UploadMaterialRequest* request,
                              v1::Material* response) override;
  grpc::Status ListMaterials(grpc::ServerContext* context, const v1::ListMaterialsRequest* request,
                             v1::ListMaterialsResponse* response) override;
  grpc::Status GetMaterial(grpc::ServerContext* context, const v1::GetMaterialRequest* request,
                           petition::v1::HttpBody* response) override;

  grpc::Status PushTransfer(grpc::ServerContext* context, const v1::PushTransferRequest* request,
                            v1::PushTransferResponse* response) override;
  grpc::Status GetTransfer(grpc::ServerContext* context, const v1::GetTransferRequest* request,
                           v1::Transfer* response) override;
  grpc::Status ReviewTransferReport(grpc::ServerContext* context,
                                    const v1::ReviewTransferReportRequest* request,
                                    v1::Transfer* response) override;

 private:
  // Fills the step-specific part of a change (fields of the case, the
  // opinion, the event's kind) from the case as it stands under its lock;
  // the status, the history entry and the event's envelope are already set.
  using Fill = std::function<absl::Status(const v1::Case& current, StepChange& change)>;
  // Runs one lifecycle step: the case must be readable by the caller and the
  // step allowed in its status (common rules), then `fill`.
  // Who does a step, and so which visibility rule applies.
  enum class StepActor {
    // An official of the township: the case visibility rule.
    kOfficial,
    // The petitioner, by query code: the case was found by its code, so no
    // official's visibility rule applies, and the history names the
    // petitioner (never by name).
    kPetitioner,
    // The body above deciding a review or recheck it was asked for (role
    // county): it sees no case, and the step's status rule is its check.
    kBodyAbove,
    // Supervision applying the rules (a petitioner's window lapsed).
    kRules,
  };
  // With `retry` the step is idempotent on its request id (AIP-155).
  absl::StatusOr<StepResult> RunStep(const RequestScope& scope, grpc::ServerContext& context,
                                     const std::string& case_id, v1::Step step,
                                     const std::string& note, const Fill& fill,
                                     const StepRetry* retry = nullptr,
                                     StepActor by = StepActor::kOfficial);
  // A step allowed only while a window supervision keeps is open (the
  // review and recheck windows, the objection period): supervision is asked
  // before the case is locked (its policy and calendar count the window; no
  // local count stands in when it cannot answer: UNAVAILABLE, nothing
  // written). A retry answers first, whatever the window says now. Under
  // the lock `check` is the step's own rule on the case, then the window's
  // answer is applied (`closed` makes the refusal once it has closed, given
  // its last day), then `fill`.
  struct Window {
    supervision::v1::DeadlineKind kind;
    const char* words;  // "review window"
    std::function<absl::Status(const v1::Case& current, const std::string& due)> closed;
  };
  absl::StatusOr<StepResult> RunWindowStep(
      const RequestScope& scope, grpc::ServerContext& context, const std::string& case_id,
      v1::Step step, const std::string& note, const StepRetry& retry, const Window& window,
      const std::function<absl::Status(const v1::Case&)>& check, const Fill& fill);
  // The petitioner asks the body above (a review, a recheck) within its
  // window; `event` marks the step's event.
  grpc::Status AskBodyAbove(grpc::ServerContext& context, const std::string& case_id,
                            const std::string& reason, const std::string& request_id,
                            const google::protobuf::Message& request, const char* method,
                            v1::Step step, supervision::v1::DeadlineKind window_kind,
                            const std::function<absl::Status(const v1::Case&)>& check,
                            const std::function<void(petition::v1::CaseEvent&)>& event,
                            v1::Case* response);
  // A review or recheck decision of the body above, for either of its paths.
  grpc::Status DecideReview(grpc::ServerContext& context, const v1::DecideReviewRequest& request,
                            v1::DecideReviewResponse* response);
  // A petitioner's window lapsed (supervision's event): the case becomes
  // FINAL when that window is still its running one; otherwise nothing.
  absl::Status ApplyWindowLapsed(grpc::ServerContext& context,
                                 const petition::v1::SupervisionEvent& event);
  // The retry key of a step request: the caller, the method, the request's
  // fingerprint. INVALID_ARGUMENT (requestId) when the id is too long.
  static absl::StatusOr<StepRetry> RetryOf(const RequestScope& scope,
                                           const google::protobuf::Message& request,
                                           const std::string& request_id, const char* method,
                                           bool answers_opinion = false);
  // The rating step, one rule for the clerk's RateCase and the petitioner's
  // RateByQueryCode.
  Fill RatingFill(v1::Rating rating, const std::string& comment) const;
  // Checks the handling units and the receiving leader of an acceptance
  // against scheduling's directory (before the case is locked); their names
  // as the directory gives them, for the notices.
  struct DirectoryNames {
    std::vector<std::string> units;  // in the request's order
    std::string leader;
    std::string leader_unit_id;  // the leader's unit in the directory
  };
  absl::StatusOr<DirectoryNames> CheckDirectory(const v1::AcceptCaseRequest& request,
                                                absl::Time deadline);
  // Who decides on a case, asked of scheduling (which owns recusal and the
  // rank rule) before the case is locked (decider_checks.cc):
  // - the receiving leader named at :accept: INVALID_ARGUMENT naming
  //   leaderId with the reason (recused; below the rank a township-level
  //   reception requires);
  // - the approver of an opinion (the caller): FAILED_PRECONDITION naming
  //   approvedBy when recused from the case. A caller who is not in the
  //   directory cannot be recused.
  // UNAVAILABLE when scheduling cannot answer.
  absl::Status CheckReceivingLeader(const std::string& case_id, const std::string& leader_id,
                                    absl::Time deadline);
  absl::Status CheckApprover(const std::string& case_id, const std::string& approver,
                             absl::Time deadline);
  // A step's retry answered before any other service is asked (AIP-155): the
  // first answer when `retry` names a request already made, nullopt when not.
  absl::StatusOr<std::optional<StepResult>> ReplayFirst(grpc::ServerContext& context,
                                                        const std::string& case_id,
                                                        const StepRetry& retry);
  // The approvals an opinion submitted now needs: the policy's, asked of
  // supervision (UNAVAILABLE when it cannot say).
  absl::StatusOr<ApprovalRoles> RequiredApprovalsNow(absl::Time deadline);
  // The leader in charge of the unit of the case's opinion, as the
  // directory names him now ("" for none, or no such opinion or unit).
  absl::StatusOr<std::string> LeaderInChargeOf(const std::string& case_id,
                                               const std::string& opinion_id, absl::Time deadline);
  // The roles `approver` fills on `opinion` of `current` (approvals.h);
  // UNAVAILABLE when the leader in charge is needed and the directory could
  // not say who he is.
  static absl::StatusOr<ApprovalRoles> ApprovalFill(
      const v1::Opinion& opinion, const v1::Case& current, const std::string& approver,
      const absl::StatusOr<std::string>& leader_in_charge);
  // A30 at :accept: no unit the case reports handles it, none of its
  // officials receives it (INVALID_ARGUMENT naming handlingUnitIds[i],
  // leaderId).
  static absl::Status KeepReportFromAccused(const v1::Case& current,
                                            const v1::AcceptCaseRequest& request,
                                            const DirectoryNames& names);
  // The public view of a found case, with unit names and the running
  // deadline asked of their owners (a part they cannot give now is listed
  // in `unavailable`).
  v1::CaseLookup BuildLookup(const LookupRow& row, absl::Time deadline);
  // The case's documents (or one), names filled in as the caller may see them.
  absl::StatusOr<std::vector<v1::Document>> ReadDocuments(const RequestScope& scope,
                                                          grpc::ServerContext& context,
                                                          const std::string& case_id,
                                                          const std::string& document_id);
  // One document as the caller may see it (GetDocument, GetDocumentPdf).
  absl::StatusOr<v1::Document> ReadDocument(const RequestScope& scope, grpc::ServerContext& context,
                                            const v1::GetDocumentRequest& request);
  // A step that moves a county case to a status the county hears about
  // records the result in its transaction (county_transfers.cc), held for
  // the principal leader's review when `review_policy` says so.
  void AttachCountyFeedback(const v1::Case& current, StepChange& change, bool review_policy) const;
  // The policy's countyFeedbackReview now, asked of supervision before a
  // step that may record a result for the county (decline, answer,
  // conclusion). When supervision cannot say: true, the rule book's default
  // (S2 §6). A result held needlessly waits for a review the principal
  // leader can give; one sent unreviewed cannot be called back.
  bool CountyFeedbackReviewNow(v1::Step step, absl::Time deadline);
  // Whether the caller may review a county case's report: the township's
  // principal leader, not recused (scheduling owns both). PERMISSION_DENIED
  // naming the rule; UNAVAILABLE when scheduling cannot answer.
  absl::Status CheckReportReviewer(const std::string& case_id, const std::string& reviewer,
                                   absl::Time deadline);
  // The case of a step's result as the caller may see it (identity masked).
  static void Answer(StepResult& result, v1::Case* response);
  // A30: the links of `cases` to earlier cases hidden from `reader` are
  // dropped (all of them when that cannot be told now: never a leak).
  void OmitHiddenRepeatLinks(const Principal& reader, const std::vector<v1::Case*>& cases,
                             const TxOptions& tx_options);

  CaseStore* store_;
  OutboxRelay* relay_;
  absl::TimeZone zone_;
  RegistrationLimits limits_;
  IntakePeers peers_;
  DocumentPdfRenderer pdf_renderer_;
  CountyStore* county_ = nullptr;
  CountyFeedbackRelay* county_feedback_ = nullptr;
  MaterialLimits material_limits_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_SERVICE_INTAKE_SERVICE_H_
