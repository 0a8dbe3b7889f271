#include "services/intake/service/intake_service.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/request_context.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/utf8.h"
#include "services/intake/domain/approvals.h"
#include "services/intake/domain/case_lifecycle.h"
#include "services/intake/domain/case_list.h"
#include "services/intake/domain/confidentiality.h"
#include "services/intake/domain/county_transfer.h"
#include "services/intake/domain/documents.h"
#include "services/intake/domain/registration.h"
#include "services/intake/domain/review_chain.h"

namespace petition::intake {

petition::v1::CaseEvent RegisteredEvent(const v1::Case& c, const std::string& request_id) {
  petition::v1::CaseEvent event;
  event.set_event_id(NewId("evt"));
  event.set_case_id(c.case_id());
  event.set_sequence(1);
  *event.mutable_occurred_at() = NowTimestamp();
  event.set_request_id(request_id);
  petition::v1::CaseRegistered* r = event.mutable_registered();
  r->set_channel(v1::Channel_Name(c.channel()));
  r->set_category(v1::Category_Name(c.category()));
  r->set_urgent(c.urgent());
  r->set_source(v1::CaseSource_Name(c.source()));
  *r->mutable_received_at() = c.received_at();
  *r->mutable_handling_unit_ids() = c.handling_unit_ids();
  *r->mutable_reported_unit_ids() = c.reported_unit_ids();
  r->set_repeat(c.repeat_of_case_ids_size() > 0);  // the store adds what it detects
  r->set_collective(c.collective());
  r->set_headcount(c.headcount());
  return event;
}

grpc::Status IntakeService::RegisterCase(grpc::ServerContext* context,
                                         const v1::RegisterCaseRequest* request,
                                         v1::Case* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "must be at most 128 characters"));
  }
  const Principal& principal = scope.principal();
  auto c = BuildRegisteredCase(*request, Registrar{principal.subject, principal.HasRole("clerk")},
                               petition::Now(), zone_, limits_);
  if (!c.ok()) return ToGrpcStatus(c.status());
  c->set_case_id(NewId("case"));
  c->set_query_code(NewQueryCode());
  RegisterCall call;
  call.caller = &principal;
  call.call_request_id = scope.request_id();
  call.request_id = request->request_id();
  call.request_sha256 = request->request_id().empty() ? "" : RequestFingerprint(*request);
  call.repeat_similarity = limits_.repeat_similarity;
  // A retry is answered as a read of the first case: the same rules, audited.
  call.reveal = [&](const v1::Case& first) {
    return MayReadCase(principal, first) && MaySeeIdentity(principal, first);
  };
  auto result =
      store_->Register(*c, call, RegisteredEvent(*c, scope.request_id()), TxOptionsFor(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  if (result->created && relay_ != nullptr) relay_->Wake();
  if (!result->created && !result->identity_revealed) MaskIdentity(result->stored);
  OmitHiddenRepeatLinks(principal, {&result->stored}, TxOptionsFor(*context));
  *response = std::move(result->stored);
  return grpc::Status::OK;
}

grpc::Status IntakeService::GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                                    v1::Case* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  const Principal& principal = scope.principal();
  auto c = store_->Get(
      request->case_id(), principal, scope.request_id(),
      [&](const v1::Case& c) { return MayReadCase(principal, c) && MaySeeIdentity(principal, c); },
      TxOptionsFor(*context));
  if (!c.ok()) return ToGrpcStatus(c.status());
  if (!MayReadCase(principal, *c)) {
    // Not "permission denied": a unit must not learn which cases exist.
    return ToGrpcStatus(absl::NotFoundError("no such case"));
  }
  if (!MaySeeIdentity(principal, *c)) MaskIdentity(*c);
  OmitHiddenRepeatLinks(principal, {&*c}, TxOptionsFor(*context));
  *response = *std::move(c);
  return grpc::Status::OK;
}

void IntakeService::OmitHiddenRepeatLinks(const Principal& reader,
                                          const std::vector<v1::Case*>& cases,
                                          const TxOptions& tx_options) {
  const std::string& unit = HiddenReportsUnit(reader);
  if (unit.empty()) return;
  std::vector<std::string> linked;
  for (const v1::Case* c : cases) {
    linked.insert(linked.end(), c->repeat_of_case_ids().begin(), c->repeat_of_case_ids().end());
  }
  if (linked.empty()) return;
  auto hidden = store_->CasesReporting(linked, unit, tx_options);
  for (v1::Case* c : cases) {
    if (hidden.ok()) {
      OmitRepeatLinks(*c, *hidden);
    } else {
      c->clear_repeat_of_case_ids();
    }
  }
}

}  // namespace petition::intake

namespace petition::intake {

absl::StatusOr<StepRetry> IntakeService::RetryOf(const RequestScope& scope,
                                                 const google::protobuf::Message& request,
                                                 const std::string& request_id, const char* method,
                                                 bool answers_opinion) {
  if (request_id.size() > 128) return InvalidField("requestId", "must be at most 128 characters");
  StepRetry retry;
  if (request_id.empty()) return retry;
  retry.subject = scope.principal().subject;
  retry.request_id = request_id;
  retry.method = method;
  retry.request_sha256 = RequestFingerprint(request);
  retry.answers_opinion = answers_opinion;
  return retry;
}

absl::StatusOr<StepResult> IntakeService::RunStep(const RequestScope& scope,
                                                  grpc::ServerContext& context,
                                                  const std::string& case_id, v1::Step step,
                                                  const std::string& note, const Fill& fill,
                                                  const StepRetry* retry, StepActor by) {
  if (!IsValidId(case_id, "case")) return InvalidField("caseId", "is not a case id");
  const Principal& principal = scope.principal();
  const bool petitioner = by == StepActor::kPetitioner;
  const std::string actor = petitioner                ? "petitioner"
                            : by == StepActor::kRules ? "supervision"
                                                      : principal.subject;
  const std::string roles = petitioner                ? "query_code"
                            : by == StepActor::kRules ? "rules"
                                                      : absl::StrJoin(principal.roles, ",");
  const bool review_policy = CountyFeedbackReviewNow(step, DeadlineOf(context));
  auto result = store_->ApplyStep(
      case_id,
      [&](const v1::Case& current) -> absl::StatusOr<StepChange> {
        // Not "permission denied": a unit must not learn which cases exist.
        if (by == StepActor::kOfficial && !MayReadCase(principal, current)) {
          return absl::NotFoundError("no such case");
        }
        auto next = NextStatus(current.status(), step, current.rating() != v1::RATING_UNSPECIFIED);
        if (!next.ok()) return next.status();
        StepChange change;
        change.updated = current;
        change.updated.set_status(*next);
        change.step.set_step(step);
        change.step.set_status(*next);
        change.step.set_actor(actor);
        change.step.set_actor_roles(roles);
        change.step.set_note(note);
        change.event.set_event_id(NewId("evt"));
        *change.event.mutable_occurred_at() = NowTimestamp();
        change.event.set_request_id(scope.request_id());
        if (absl::Status s = fill(current, change); !s.ok()) return s;
        AttachCountyFeedback(current, change, review_policy);
        return change;
      },
      TxOptionsFor(context), retry);
  if (result.ok() && !result->replayed && relay_ != nullptr) relay_->Wake();
  if (result.ok() && !petitioner) {
    OmitHiddenRepeatLinks(principal, {&result->stored}, TxOptionsFor(context));
  }
  if (result.ok() && !result->replayed && county_feedback_ != nullptr &&
      SendsToCounty(result->stored, result->stored.status())) {
    county_feedback_->Wake();
  }
  return result;
}

namespace {

const char kPetitioners[] = "{{petitioner}}";

// The facts of `c` every document may name.
std::map<std::string, std::string> CaseFields(const v1::Case& c, absl::TimeZone zone) {
  return {{"subject", c.subject()},
          {"query_code", c.query_code()},
          {"received_date", ChineseDate(DayOf(c.received_at(), zone))},
          {"handling_units", absl::StrJoin(c.handling_unit_ids(), "、")},
          {"leader", c.leader_id()},
          {"complexity", ComplexityWords(c.complexity())}};
}

DocumentDraft Draft(const std::string& template_id, const std::string& recipient,
                    std::map<std::string, std::string> fields) {
  return DocumentDraft{template_id, recipient, std::move(fields)};
}

}  // namespace

grpc::Status IntakeService::ListCases(grpc::ServerContext* context,
                                      const v1::ListCasesRequest* request,
                                      v1::ListCasesResponse* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  const Principal& principal = scope.principal();
  auto query = ParseCaseListRequest(*request, zone_, petition::Now());
  if (!query.ok()) return ToGrpcStatus(query.status());
  // Looking a person up by id number links them to their cases: only for
  // those who may see identity at all.
  if (!query->id_number.empty() && !principal.HasAnyRole({"admin", "clerk", "leader"})) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        "petitionerIdNumber: only the petition office, leaders and administrators search by "
        "identity"));
  }
  // The one visibility rule decides the scope: who reads every case lists
  // every case; a unit's staff only its unit's (in SQL, so pages stay full).
  std::string scope_unit;
  if (!MayReadCase(principal, CaseUnits{})) {
    if (principal.unit_id.empty()) return grpc::Status::OK;  // sees no case
    scope_unit = principal.unit_id;
  }
  auto visible = [&](const v1::Case& c) {
    return MayReadCase(principal, c) && MaySeeIdentity(principal, c);
  };
  // A30: the reports of the caller's own unit are not listed, in SQL, so
  // that neither the page nor its token shows that one exists.
  auto cases = store_->List(*query, scope_unit, HiddenReportsUnit(principal), principal,
                            scope.request_id(), visible, TxOptionsFor(*context));
  if (!cases.ok()) return ToGrpcStatus(cases.status());
  const size_t shown = std::min(cases->size(), static_cast<size_t>(query->page_size));
  if (cases->size() > shown) {
    const v1::Case& last = (*cases)[shown - 1];
    response->set_next_page_token(
        CasePageToken(*query, CaseListPosition{ToAbslTime(last.received_at()), last.case_id()}));
  }
  for (size_t i = 0; i < shown; ++i) {
    v1::Case& c = (*cases)[i];
    if (!MayReadCase(principal, c)) continue;
    if (!visible(c)) MaskIdentity(c);
    *response->add_cases() = std::move(c);
  }
  std::vector<v1::Case*> listed;
  for (v1::Case& c : *response->mutable_cases()) listed.push_back(&c);
  OmitHiddenRepeatLinks(principal, listed, TxOptionsFor(*context));
  return grpc::Status::OK;
}

void IntakeService::Answer(StepResult& result, v1::Case* response) {
  // A step answers with the case as it now stands, identity masked: who the
  // petitioners are is read (and audited) through GetCase. The steps that
  // answer a case are the office's and leaders' (their http roles), who
  // hand the query code to the petitioner: it stays.
  const std::string code = result.stored.query_code();
  MaskIdentity(result.stored);
  result.stored.set_query_code(code);
  *response = std::move(result.stored);
}

absl::Status IntakeService::KeepReportFromAccused(const v1::Case& current,
                                                  const v1::AcceptCaseRequest& request,
                                                  const DirectoryNames& names) {
  return CheckAccusedNotAssigned(current.reported_unit_ids(), request.handling_unit_ids(),
                                 "handlingUnitIds", names.leader_unit_id);
}

grpc::Status IntakeService::AcceptCase(grpc::ServerContext* context,
                                       const v1::AcceptCaseRequest* request, v1::Case* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateAccept(*request); !s.ok()) return ToGrpcStatus(s);
  auto retry = RetryOf(scope, *request, request->request_id(), "AcceptCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  // A retry gets its first answer, whatever scheduling would say now.
  auto replay = ReplayFirst(*context, request->case_id(), *retry);
  if (!replay.ok()) return ToGrpcStatus(replay.status());
  if (replay->has_value()) {
    Answer(**replay, response);
    return grpc::Status::OK;
  }
  // Asked before the case is locked: no row lock is held across a call.
  auto names = CheckDirectory(*request, DeadlineOf(*context));
  if (!names.ok()) return ToGrpcStatus(names.status());
  if (absl::Status s =
          CheckReceivingLeader(request->case_id(), request->leader_id(), DeadlineOf(*context));
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto result = RunStep(
      scope, *context, request->case_id(), v1::ACCEPT,
      absl::StrCat(v1::Complexity_Name(request->complexity()), " ",
                   absl::StrJoin(request->handling_unit_ids(), ",")),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        if (absl::Status s = KeepReportFromAccused(current, *request, *names); !s.ok()) return s;
        *change.updated.mutable_handling_unit_ids() = request->handling_unit_ids();
        change.updated.set_complexity(request->complexity());
        change.updated.set_leader_id(request->leader_id());
        change.updated.set_instruction(request->instruction());
        petition::v1::CaseAccepted* e = change.event.mutable_accepted();
        *e->mutable_handling_unit_ids() = request->handling_unit_ids();
        e->set_complexity(v1::Complexity_Name(request->complexity()));
        e->set_leader_id(request->leader_id());
        e->set_urgent(current.urgent());
        auto fields = CaseFields(change.updated, zone_);
        // The notices name units and the leader as the directory does.
        fields["handling_units"] = absl::StrJoin(names->units, "、");
        fields["leader"] = names->leader;
        fields["instruction_line"] = InstructionLine(request->instruction());
        change.documents.push_back(Draft("ACCEPTANCE_NOTICE", kPetitioners, fields));
        for (const std::string& unit : request->handling_unit_ids()) {
          change.documents.push_back(Draft("ASSIGNMENT_NOTICE", unit, fields));
        }
        change.documents.push_back(Draft("ASSIGNMENT_NOTICE_PETITIONER", kPetitioners, fields));
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::DeclineCase(grpc::ServerContext* context,
                                        const v1::DeclineCaseRequest* request, v1::Case* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateDecline(*request); !s.ok()) return ToGrpcStatus(s);
  auto retry = RetryOf(scope, *request, request->request_id(), "DeclineCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  auto result = RunStep(
      scope, *context, request->case_id(), v1::DECLINE,
      absl::StrCat(v1::DeclineRoute_Name(request->route()), " ", request->authority(), ": ",
                   request->reason()),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        if (absl::Status s = CheckFinalDecline(current, request->route()); !s.ok()) return s;
        change.updated.set_decline_route(request->route());
        change.updated.set_decline_authority(request->authority());
        change.event.mutable_declined()->set_route(v1::DeclineRoute_Name(request->route()));
        auto fields = CaseFields(change.updated, zone_);
        fields["reason"] = request->reason();
        if (request->route() == v1::FINAL_DECISION) {
          fields["final_words"] = "已经复核或者复查、复核期限届满，处理意见已经确定";
          fields["final_cases"] = absl::StrJoin(current.final_case_ids(), "、");
          change.documents.push_back(
              Draft("NOT_ACCEPTED_AGAIN_NOTICE", kPetitioners, std::move(fields)));
          return absl::OkStatus();
        }
        fields["route"] = RouteWords(request->route());
        fields["authority"] = request->authority();
        change.documents.push_back(Draft("NON_ACCEPTANCE_NOTICE", kPetitioners, std::move(fields)));
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::SubmitOpinion(grpc::ServerContext* context,
                                          const v1::SubmitOpinionRequest* request,
                                          v1::Opinion* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateOpinion(*request); !s.ok()) return ToGrpcStatus(s);
  auto retry = RetryOf(scope, *request, request->request_id(), "SubmitOpinion",
                       /*answers_opinion=*/true);
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  const Principal& principal = scope.principal();
  const std::string opinion_id = NewId("op");
  auto result = RunStep(
      scope, *context, request->case_id(), v1::SUBMIT_OPINION,
      absl::StrCat(opinion_id, " ", request->unit_id(), " ", v1::Outcome_Name(request->outcome())),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        bool handling = false;
        for (const std::string& u : current.handling_unit_ids())
          handling |= u == request->unit_id();
        if (!handling) {
          return InvalidField("unitId", "is not a handling unit of this case");
        }
        // The one visibility rule, applied to the unit the opinion speaks
        // for: a handler acts only for the unit it belongs to.
        if (!MayReadCase(principal, CaseUnits{{request->unit_id()}, {}})) {
          return absl::PermissionDeniedError("a handler submits opinions only for its own unit");
        }
        v1::Opinion& o = change.opinion.emplace();
        o.set_opinion_id(opinion_id);
        o.set_unit_id(request->unit_id());
        o.set_outcome(request->outcome());
        o.set_facts(request->facts());
        o.set_basis(request->basis());
        o.set_decision(request->decision());
        o.set_submitted_by(principal.subject);
        petition::v1::OpinionDrafted* e = change.event.mutable_opinion_drafted();
        e->set_opinion_id(opinion_id);
        e->set_unit_id(request->unit_id());
        e->set_outcome(v1::Outcome_Name(request->outcome()));
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result->opinion);
  return grpc::Status::OK;
}

namespace {

const v1::Opinion* FindOpinion(const v1::Case& c, const std::string& opinion_id) {
  for (const v1::Opinion& o : c.opinions()) {
    if (o.opinion_id() == opinion_id) return &o;
  }
  return nullptr;
}

}  // namespace

grpc::Status IntakeService::SubmitOpinionForApproval(
    grpc::ServerContext* context, const v1::SubmitOpinionForApprovalRequest* request,
    v1::Opinion* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (!IsValidId(request->opinion_id(), "op")) {
    return ToGrpcStatus(InvalidField("opinionId", "is not an opinion id"));
  }
  auto retry = RetryOf(scope, *request, request->request_id(), "SubmitOpinionForApproval",
                       /*answers_opinion=*/true);
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  // The approvals it will need are the township's policy, supervision's to
  // say; asked before the case is locked, used only if the step may happen.
  auto required = RequiredApprovalsNow(DeadlineOf(*context));
  const Principal& principal = scope.principal();
  auto result = RunStep(
      scope, *context, request->case_id(), v1::SUBMIT_FOR_APPROVAL, request->opinion_id(),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        const v1::Opinion* o = FindOpinion(current, request->opinion_id());
        if (o == nullptr) return absl::NotFoundError("no such opinion");
        // A handler submits only for the unit it belongs to.
        if (!MayReadCase(principal, CaseUnits{{o->unit_id()}, {}})) {
          return absl::PermissionDeniedError("a handler submits opinions only for its own unit");
        }
        if (absl::Status s = CheckSubmittable(*o); !s.ok()) return s;
        if (!required.ok()) {
          return absl::UnavailableError(absl::StrCat(
              "cannot tell which approvals the opinion needs: ", required.status().message()));
        }
        v1::Opinion& submitted = change.opinion.emplace(*o);
        change.opinion_write = OpinionWrite::kSubmit;
        submitted.set_submitted_for_approval_by(principal.subject);
        petition::v1::OpinionSubmitted* e = change.event.mutable_opinion_submitted();
        e->set_opinion_id(o->opinion_id());
        e->set_unit_id(o->unit_id());
        e->set_outcome(v1::Outcome_Name(o->outcome()));
        for (petition::v1::ApprovalRole r : *required) {
          submitted.add_required_approvals(r);
          e->add_required_approvals(petition::v1::ApprovalRole_Name(r));
        }
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result->opinion);
  return grpc::Status::OK;
}

absl::StatusOr<ApprovalRoles> IntakeService::RequiredApprovalsNow(absl::Time deadline) {
  if (peers_.supervision == nullptr) {
    return absl::UnavailableError("supervision is not configured");
  }
  auto policy = peers_.supervision->GetDeadlinePolicy(deadline);
  if (!policy.ok()) return policy.status();
  std::vector<petition::v1::ApprovalRole> listed;
  for (int r : policy->approvals()) listed.push_back(static_cast<petition::v1::ApprovalRole>(r));
  return RequiredApprovals(listed);
}

absl::StatusOr<std::string> IntakeService::LeaderInChargeOf(const std::string& case_id,
                                                            const std::string& opinion_id,
                                                            absl::Time deadline) {
  auto unit_id = store_->OpinionUnit(case_id, opinion_id);
  // No such opinion: the step says so, under the lock, after the read rules.
  if (absl::IsNotFound(unit_id.status())) return std::string();
  if (!unit_id.ok()) return unit_id.status();
  if (peers_.directory == nullptr) return absl::UnavailableError("the directory is not configured");
  auto unit = peers_.directory->GetUnit(*unit_id, deadline);
  if (absl::IsNotFound(unit.status())) return std::string();  // no unit: nobody in charge
  if (!unit.ok()) return unit.status();
  return unit->leader_in_charge_id();
}

grpc::Status IntakeService::ApproveOpinion(grpc::ServerContext* context,
                                           const v1::ApproveOpinionRequest* request,
                                           v1::Opinion* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (!IsValidId(request->opinion_id(), "op")) {
    return ToGrpcStatus(InvalidField("opinionId", "is not an opinion id"));
  }
  auto retry = RetryOf(scope, *request, request->request_id(), "ApproveOpinion",
                       /*answers_opinion=*/true);
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  // Who is in charge of the opinion's unit is the directory's to say: asked
  // before the case is locked, used only if the step may happen.
  auto in_charge =
      LeaderInChargeOf(request->case_id(), request->opinion_id(), DeadlineOf(*context));
  const Principal& principal = scope.principal();
  auto replay = ReplayFirst(*context, request->case_id(), *retry);
  if (!replay.ok()) return ToGrpcStatus(replay.status());
  if (replay->has_value()) {
    *response = std::move((*replay)->opinion);
    return grpc::Status::OK;
  }
  if (absl::Status s = CheckApprover(request->case_id(), principal.subject, DeadlineOf(*context));
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto result = RunStep(
      scope, *context, request->case_id(), v1::APPROVE_OPINION, request->opinion_id(),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        const v1::Opinion* o = FindOpinion(current, request->opinion_id());
        if (o == nullptr) return absl::NotFoundError("no such opinion");
        auto roles = ApprovalFill(*o, current, principal.subject, in_charge);
        if (!roles.ok()) return roles.status();
        v1::Opinion& approved = change.opinion.emplace(*o);
        change.opinion_write = OpinionWrite::kApprove;
        petition::v1::OpinionApproved* e = change.event.mutable_opinion_approved();
        e->set_opinion_id(o->opinion_id());
        e->set_leader_id(principal.subject);
        for (petition::v1::ApprovalRole r : *roles) {
          v1::OpinionApproval* a = approved.add_approvals();
          a->set_role(r);
          a->set_leader_id(principal.subject);
          e->add_roles(petition::v1::ApprovalRole_Name(r));
        }
        if (MissingApprovals(approved).empty()) {
          approved.set_approved_by(principal.subject);
          e->set_complete(true);
        }
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result->opinion);
  return grpc::Status::OK;
}

absl::StatusOr<ApprovalRoles> IntakeService::ApprovalFill(
    const v1::Opinion& opinion, const v1::Case& current, const std::string& approver,
    const absl::StatusOr<std::string>& leader_in_charge) {
  const ApprovalRoles missing = MissingApprovals(opinion);
  const bool needs_directory =
      std::find(missing.begin(), missing.end(), petition::v1::LEADER_IN_CHARGE) != missing.end();
  if (IsSubmitted(opinion) && needs_directory && !leader_in_charge.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot tell who is in charge of unit ",
                                               opinion.unit_id(), ": ",
                                               leader_in_charge.status().message()));
  }
  return RolesFilledBy(
      opinion, approver,
      ApprovalHolders{current.leader_id(), leader_in_charge.ok() ? *leader_in_charge : ""});
}

grpc::Status IntakeService::AnswerCase(grpc::ServerContext* context,
                                       const v1::AnswerCaseRequest* request, v1::Case* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (!IsValidId(request->opinion_id(), "op")) {
    return ToGrpcStatus(InvalidField("opinionId", "is not an opinion id"));
  }
  auto retry = RetryOf(scope, *request, request->request_id(), "AnswerCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  auto result = RunStep(
      scope, *context, request->case_id(), v1::ANSWER, request->opinion_id(),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        const v1::Opinion* o = FindOpinion(current, request->opinion_id());
        if (o == nullptr) return InvalidField("opinionId", "is not an opinion of this case");
        if (absl::Status s = CheckAnswerable(*o); !s.ok()) return s;
        if (absl::Status s = CheckAnswerAfterReview(current, o->opinion_id()); !s.ok()) return s;
        change.updated.set_answer_opinion_id(o->opinion_id());
        change.set_answered_at = true;
        // A new answer is delivered anew: its review window has not started.
        change.updated.clear_delivered_on();
        change.updated.clear_delivery_method();
        change.updated.clear_delivery_receipt_number();
        petition::v1::CaseAnswered* e = change.event.mutable_answered();
        e->set_opinion_id(o->opinion_id());
        e->set_outcome(v1::Outcome_Name(o->outcome()));
        auto fields = CaseFields(change.updated, zone_);
        fields["unit"] = o->unit_id();
        fields["facts"] = o->facts();
        fields["basis"] = o->basis();
        fields["decision"] = o->decision();
        fields["outcome"] = OutcomeWords(o->outcome());
        change.documents.push_back(Draft("HANDLING_OPINION", kPetitioners, std::move(fields)));
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::DeliverCase(grpc::ServerContext* context,
                                        const v1::DeliverCaseRequest* request, v1::Case* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateDeliver(*request); !s.ok()) return ToGrpcStatus(s);
  const absl::CivilDay delivered_on = *ParseDate(request->delivered_on());
  auto retry = RetryOf(scope, *request, request->request_id(), "DeliverCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  auto result = RunStep(
      scope, *context, request->case_id(), v1::DELIVER, request->delivered_on(),
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        const absl::CivilDay today = absl::ToCivilDay(petition::Now(), zone_);
        if (absl::Status s =
                CheckDelivery(current, delivered_on, DayOf(current.answered_at(), zone_), today);
            !s.ok()) {
          return s;
        }
        change.updated.set_delivered_on(FormatDate(delivered_on));
        change.updated.set_delivery_method(request->method());
        change.updated.set_delivery_receipt_number(request->receipt_number());
        petition::v1::CaseDelivered* e = change.event.mutable_delivered();
        e->set_delivered_on(FormatDate(delivered_on));
        e->set_method(v1::DeliveryMethod_Name(request->method()));
        // The first answer opens the review window; one given again after a
        // review decision opens the recheck window (A36).
        if (const std::string window = WindowOpenedByDelivery(current); window != "REVIEW_WINDOW") {
          e->set_window(window);
        }
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::RequestReview(grpc::ServerContext* context,
                                          const v1::RequestReviewRequest* request,
                                          v1::Case* response) {
  return AskBodyAbove(
      *context, request->case_id(), request->reason(), request->request_id(), *request,
      "RequestReview", v1::REQUEST_REVIEW, supervision::v1::REVIEW_WINDOW, CheckReviewable,
      [](petition::v1::CaseEvent& e) { e.mutable_review_requested(); }, response);
}

grpc::Status IntakeService::RequestRecheck(grpc::ServerContext* context,
                                           const v1::RequestRecheckRequest* request,
                                           v1::Case* response) {
  return AskBodyAbove(
      *context, request->case_id(), request->reason(), request->request_id(), *request,
      "RequestRecheck", v1::REQUEST_RECHECK, supervision::v1::RECHECK_WINDOW, CheckRecheckable,
      [](petition::v1::CaseEvent& e) { e.mutable_recheck_requested(); }, response);
}

absl::StatusOr<StepResult> IntakeService::RunWindowStep(
    const RequestScope& scope, grpc::ServerContext& context, const std::string& case_id,
    v1::Step step, const std::string& note, const StepRetry& retry, const Window& window,
    const std::function<absl::Status(const v1::Case&)>& check, const Fill& fill) {
  auto replay = ReplayFirst(context, case_id, retry);
  if (!replay.ok()) return replay.status();
  if (replay->has_value()) return **std::move(replay);
  // Its answer (or that it could not give one) is used only for a case the
  // step may happen to under the lock, so that a case in another status is
  // refused for its status. A clerk told "try again" loses nothing, while a
  // step accepted after the window closed cannot be taken back.
  absl::StatusOr<supervision::v1::CheckReviewWindowResponse> answer =
      absl::UnavailableError("supervision is not configured");
  if (peers_.supervision != nullptr) {
    answer = peers_.supervision->CheckReviewWindow(case_id, petition::Now(), DeadlineOf(context),
                                                   window.kind);
  }
  return RunStep(
      scope, context, case_id, step, note,
      [&](const v1::Case& current, StepChange& change) -> absl::Status {
        if (absl::Status s = check(current); !s.ok()) return s;
        if (!answer.ok()) {
          return absl::UnavailableError(absl::StrCat("cannot tell whether the ", window.words,
                                                     " is open: ", answer.status().message()));
        }
        if (answer->due_date().empty()) {
          // Supervision has not recorded what opens the window yet (its
          // event is on its way): a moment later it can say.
          return absl::UnavailableError(absl::StrCat("supervision has not yet opened the ",
                                                     window.words, " of this case; try again"));
        }
        if (!answer->open()) return window.closed(current, answer->due_date());
        return fill(current, change);
      },
      &retry);
}

grpc::Status IntakeService::AskBodyAbove(grpc::ServerContext& context, const std::string& case_id,
                                         const std::string& reason, const std::string& request_id,
                                         const google::protobuf::Message& request,
                                         const char* method, v1::Step step,
                                         supervision::v1::DeadlineKind window_kind,
                                         const std::function<absl::Status(const v1::Case&)>& check,
                                         const std::function<void(petition::v1::CaseEvent&)>& event,
                                         v1::Case* response) {
  RequestScope scope(context);
  if (!IsValidId(case_id, "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (!IsValidUtf8(reason) || Utf8Length(reason) > 4000) {
    return ToGrpcStatus(InvalidField("reason", "must be UTF-8, at most 4000 characters"));
  }
  auto retry = RetryOf(scope, request, request_id, method);
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  const char* words =
      window_kind == supervision::v1::RECHECK_WINDOW ? "recheck window" : "review window";
  const Window window{window_kind, words, [words](const v1::Case& current, const std::string& due) {
                        return absl::FailedPreconditionError(
                            absl::StrCat("the case is ", v1::CaseStatus_Name(current.status()),
                                         ": the ", words, " has closed (it ended on ", due, ")"));
                      }};
  auto result = RunWindowStep(scope, context, case_id, step, reason, *retry, window, check,
                              [&](const v1::Case&, StepChange& change) {
                                event(change.event);
                                return absl::OkStatus();
                              });
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::ObjectCase(grpc::ServerContext* context,
                                       const v1::ObjectCaseRequest* request, v1::Case* response) {
  RequestScope scope(*context);  // roles: the call guard (admin, clerk, leader; as :decline)
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateObject(*request); !s.ok()) return ToGrpcStatus(s);
  auto retry = RetryOf(scope, *request, request->request_id(), "ObjectCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  // 409 once the period is over: the request is well-formed and the case
  // still REGISTERED, but the right to object has lapsed; the township now
  // decides on the case itself (accept, or decline with the notice).
  const Window period{
      supervision::v1::OBJECTION, "objection period", [](const v1::Case&, const std::string& due) {
        return absl::AbortedError(absl::StrCat("the objection period ended on ", due,
                                               " (A23): the case can no longer be objected to"));
      }};
  const std::string actor = scope.principal().subject;
  auto result = RunWindowStep(scope, *context, request->case_id(), v1::OBJECT,
                              absl::StrCat(request->competent_authority(), ": ", request->reason()),
                              *retry, period, CheckObjectable,
                              [&](const v1::Case&, StepChange& change) -> absl::Status {
                                v1::Objection* o = change.updated.mutable_objection();
                                o->set_reason(request->reason());
                                o->set_competent_authority(request->competent_authority());
                                o->set_objected_by(actor);
                                *o->mutable_objected_at() = change.event.occurred_at();
                                petition::v1::CaseObjected* e = change.event.mutable_objected();
                                e->set_reason(request->reason());
                                e->set_competent_authority(request->competent_authority());
                                return absl::OkStatus();
                              });
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::ConcludeCase(grpc::ServerContext* context,
                                         const v1::ConcludeCaseRequest* request,
                                         v1::Case* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  auto retry = RetryOf(scope, *request, request->request_id(), "ConcludeCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  auto result = RunStep(
      scope, *context, request->case_id(), v1::CONCLUDE, "",
      [&](const v1::Case&, StepChange& change) {
        change.event.mutable_concluded();
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

grpc::Status IntakeService::WithdrawCase(grpc::ServerContext* context,
                                         const v1::WithdrawCaseRequest* request,
                                         v1::Case* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateWithdraw(*request); !s.ok()) return ToGrpcStatus(s);
  auto retry = RetryOf(scope, *request, request->request_id(), "WithdrawCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  auto result = RunStep(
      scope, *context, request->case_id(), v1::WITHDRAW, request->reason(),
      [&](const v1::Case&, StepChange& change) {
        change.event.mutable_withdrawn()->set_reason(request->reason());
        return absl::OkStatus();
      },
      &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

IntakeService::Fill IntakeService::RatingFill(v1::Rating rating, const std::string& comment) const {
  // Whether a rating may be given now (once, after the answer) is
  // NextStatus's rule, applied by RunStep for every rating alike.
  return [rating, comment](const v1::Case&, StepChange& change) {
    change.updated.set_rating(rating);
    change.updated.set_rating_comment(comment);
    change.event.mutable_rated()->set_rating(v1::Rating_Name(rating));
    return absl::OkStatus();
  };
}

grpc::Status IntakeService::RateCase(grpc::ServerContext* context,
                                     const v1::RateCaseRequest* request, v1::Case* response) {
  RequestScope scope(*context);
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (absl::Status s = ValidateRate(*request); !s.ok()) return ToGrpcStatus(s);
  auto retry = RetryOf(scope, *request, request->request_id(), "RateCase");
  if (!retry.ok()) return ToGrpcStatus(retry.status());
  auto result =
      RunStep(scope, *context, request->case_id(), v1::RATE, v1::Rating_Name(request->rating()),
              RatingFill(request->rating(), request->comment()), &*retry);
  if (!result.ok()) return ToGrpcStatus(result.status());
  Answer(*result, response);
  return grpc::Status::OK;
}

}  // namespace petition::intake

namespace petition::intake {

grpc::Status IntakeService::ListDocuments(grpc::ServerContext* context,
                                          const v1::ListDocumentsRequest* request,
                                          v1::ListDocumentsResponse* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (request->page_size() < 0 || request->page_size() > kMaxCasePageSize) {
    return ToGrpcStatus(
        InvalidField("pageSize", absl::StrCat("must be between 1 and ", kMaxCasePageSize)));
  }
  const size_t limit = request->page_size() == 0 ? kDefaultCasePageSize : request->page_size();
  // A case has a handful of notices, issued in order and never removed: the
  // position in that order continues the list.
  size_t after = 0;
  if (!request->page_token().empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(request->page_token(), &raw) ||
        !absl::StartsWith(raw, "d1|") || !absl::SimpleAtoi(raw.substr(3), &after)) {
      return ToGrpcStatus(InvalidField("pageToken", "is not a page token of this list"));
    }
  }
  auto docs = ReadDocuments(scope, *context, request->case_id(), "");
  if (!docs.ok()) return ToGrpcStatus(docs.status());
  const size_t end = std::min(docs->size(), after + limit);
  for (size_t i = std::min(after, end); i < end; ++i) {
    *response->add_documents() = std::move((*docs)[i]);
  }
  if (end < docs->size()) {
    response->set_next_page_token(absl::WebSafeBase64Escape(absl::StrCat("d1|", end)));
  }
  return grpc::Status::OK;
}

grpc::Status IntakeService::GetDocument(grpc::ServerContext* context,
                                        const v1::GetDocumentRequest* request,
                                        v1::Document* response) {
  RequestScope scope(*context);
  auto document = ReadDocument(scope, *context, *request);
  if (!document.ok()) return ToGrpcStatus(document.status());
  *response = *std::move(document);
  return grpc::Status::OK;
}

grpc::Status IntakeService::GetDocumentPdf(grpc::ServerContext* context,
                                           const v1::GetDocumentRequest* request,
                                           petition::v1::HttpBody* response) {
  RequestScope scope(*context);
  auto document = ReadDocument(scope, *context, *request);
  if (!document.ok()) return ToGrpcStatus(document.status());
  // After the transaction: rendering holds no connection and no lock.
  auto pdf = pdf_renderer_.Render(ToPrintable(*document), absl::FromChrono(context->deadline()));
  if (!pdf.ok()) return ToGrpcStatus(pdf.status());
  response->set_content_type("application/pdf");
  response->set_data(*std::move(pdf));
  return grpc::Status::OK;
}

absl::StatusOr<v1::Document> IntakeService::ReadDocument(const RequestScope& scope,
                                                         grpc::ServerContext& context,
                                                         const v1::GetDocumentRequest& request) {
  if (!IsValidId(request.document_id(), "doc")) {
    return InvalidField("documentId", "is not a document id");
  }
  auto docs = ReadDocuments(scope, context, request.case_id(), request.document_id());
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1) return absl::NotFoundError("no such document");
  return std::move(docs->front());
}

absl::StatusOr<std::vector<v1::Document>> IntakeService::ReadDocuments(
    const RequestScope& scope, grpc::ServerContext& context, const std::string& case_id,
    const std::string& document_id) {
  if (!IsValidId(case_id, "case")) return InvalidField("caseId", "is not a case id");
  const Principal& principal = scope.principal();
  auto visible = [&](const v1::Case& c) {
    return MayReadCase(principal, c) && MaySeeIdentity(principal, c);
  };
  auto read = store_->Documents(case_id, document_id, principal, scope.request_id(), visible,
                                TxOptionsFor(context));
  if (!read.ok()) return read.status();
  // Not "permission denied": a unit must not learn which cases exist.
  if (!MayReadCase(principal, read->c)) return absl::NotFoundError("no such case");
  const bool shown = visible(read->c);
  const std::string code = read->c.query_code();
  if (!shown) MaskIdentity(read->c);
  // The petitioners' names as the reader may see them (opened, or masked);
  // the anonymous writer for an anonymous petition.
  const std::string names = PetitionerAddressee(read->c);
  for (v1::Document& d : read->documents) {
    if (!shown) d.set_text(MaskQueryCode(d.text(), code));
    d.set_text(FillPetitioner(d.text(), names));
    d.set_recipient(FillPetitioner(d.recipient(), names));
  }
  return std::move(read->documents);
}

grpc::Status IntakeService::ApplySupervisionEvents(grpc::ServerContext* context,
                                                   const v1::ApplySupervisionEventsRequest* request,
                                                   v1::ApplySupervisionEventsResponse* response) {
  RequestScope scope(*context);  // callers: the call guard (internal_callers: supervision)
  // Extensions issue their notice in one transaction for the batch; a
  // lapsed window is a step of its case of its own (ApplyWindowLapsed),
  // idempotent on the event's id.
  std::vector<petition::v1::SupervisionEvent> events;
  std::vector<const petition::v1::SupervisionEvent*> lapses;
  for (int i = 0; i < request->events_size(); ++i) {
    const auto& e = request->events(i);
    const std::string at = absl::StrCat("events[", i, "]");
    if (e.event_id().empty() || e.event_id().size() > 128) {
      return ToGrpcStatus(InvalidField(at + ".eventId", "is required"));
    }
    if (!IsValidId(e.case_id(), "case")) {
      return ToGrpcStatus(InvalidField(at + ".caseId", "is not a case id"));
    }
    if (e.kind_case() == petition::v1::SupervisionEvent::kExtensionGranted) {
      events.push_back(e);
    } else if (e.kind_case() == petition::v1::SupervisionEvent::kWindowLapsed) {
      lapses.push_back(&e);
    } else {
      // An event this build does not know: refused for good, not retried.
      return ToGrpcStatus(InvalidField(at, "is an event kind intake does not apply"));
    }
  }
  for (const petition::v1::SupervisionEvent* e : lapses) {
    if (absl::Status s = ApplyWindowLapsed(*context, *e); !s.ok()) return ToGrpcStatus(s);
  }
  if (events.empty()) {
    response->set_applied(static_cast<int>(lapses.size()));
    return grpc::Status::OK;
  }
  auto counts = store_->ApplySupervisionEvents(
      events,
      [&](const v1::Case& c,
          const petition::v1::SupervisionEvent& e) -> absl::StatusOr<std::vector<DocumentDraft>> {
        const petition::v1::ExtensionGranted& x = e.extension_granted();
        auto fields = CaseFields(c, zone_);
        fields["days"] = absl::StrCat(x.days());
        fields["reason"] = x.reason();
        auto due = ParseDate(x.new_due_date());
        fields["new_due_date"] = due.ok() ? ChineseDate(*due) : x.new_due_date();
        return std::vector<DocumentDraft>{Draft("EXTENSION_NOTICE", kPetitioners, fields)};
      },
      TxOptionsFor(*context));
  if (!counts.ok()) return ToGrpcStatus(counts.status());
  response->set_applied(counts->applied + static_cast<int>(lapses.size()));
  response->set_duplicates(counts->duplicates);
  return grpc::Status::OK;
}

}  // namespace petition::intake

namespace petition::intake {

grpc::Status IntakeService::ListAudit(grpc::ServerContext* context,
                                      const v1::ListAuditRequest* request,
                                      v1::ListAuditResponse* response) {
  RequestScope scope(*context);  // roles: the call guard (admin only)
  if (!IsValidId(request->case_id(), "case")) {
    return ToGrpcStatus(InvalidField("caseId", "a case id is required"));
  }
  if (request->page_size() < 0 || request->page_size() > kMaxCasePageSize) {
    return ToGrpcStatus(
        InvalidField("pageSize", absl::StrCat("must be between 1 and ", kMaxCasePageSize)));
  }
  const int limit = request->page_size() == 0 ? kDefaultCasePageSize : request->page_size();
  int64_t after = 0;
  if (!request->page_token().empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(request->page_token(), &raw) ||
        !absl::StartsWith(raw, "a1|") || !absl::SimpleAtoi(raw.substr(3), &after) || after < 0) {
      return ToGrpcStatus(InvalidField("pageToken", "is not a page token of this list"));
    }
  }
  // A30: the reads of a case that reports the caller's unit are listed as
  // those of an unknown case: none.
  if (const std::string& unit = HiddenReportsUnit(scope.principal()); !unit.empty()) {
    auto hidden = store_->CasesReporting({request->case_id()}, unit, TxOptionsFor(*context));
    if (!hidden.ok()) return ToGrpcStatus(hidden.status());
    if (!hidden->empty()) return grpc::Status::OK;
  }
  auto reads = store_->IdentityReads(request->case_id(), after, limit + 1, TxOptionsFor(*context));
  if (!reads.ok()) return ToGrpcStatus(reads.status());
  const size_t shown = std::min(reads->size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < shown; ++i) *response->add_reads() = std::move((*reads)[i].second);
  if (reads->size() > shown) {
    response->set_next_page_token(
        absl::WebSafeBase64Escape(absl::StrCat("a1|", (*reads)[shown - 1].first)));
  }
  return grpc::Status::OK;
}

}  // namespace petition::intake
