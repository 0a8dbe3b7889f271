// The petitioner's public view (GET /v1/lookup/{queryCode}) and rating
// (POST /v1/lookup/{queryCode}:rate), and the directory check of an
// acceptance: the handlers that ask the other services.
//
// What the view shows is chosen for whoever may hold the code, possibly the
// very unit a report of wrongdoing names: the status, the day of each step,
// the handling units' names, the deadline now running, the kind, title and
// day of each notice, and the rating. Never a petitioner's name, id number,
// phone or address, and no free text at all (subject, content, opinions,
// notes, document text, the channel or the number of people), since any of
// it could tell a reported unit who wrote.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/case_visibility.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/request_context.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "services/intake/domain/case_lifecycle.h"
#include "services/intake/service/intake_service.h"

namespace petition::intake {
namespace {

absl::Status NoSuchCode() { return absl::NotFoundError("no case has this query code"); }

// The deadline kinds that run in a status, the first one supervision has
// being shown (a county's own due date before the township's limit).
std::vector<supervision::v1::DeadlineKind> RunningKinds(v1::CaseStatus status) {
  switch (status) {
    case v1::REGISTERED:
      return {supervision::v1::COUNTY, supervision::v1::ACCEPTANCE};
    case v1::ACCEPTED:
      return {supervision::v1::COUNTY, supervision::v1::HANDLING};
    case v1::ANSWERED:
      // Answered again after a review: the recheck window runs.
      return {supervision::v1::RECHECK_WINDOW, supervision::v1::REVIEW_WINDOW};
    case v1::REVIEW_REQUESTED:
      return {supervision::v1::REVIEW_ANSWER};
    case v1::REVIEW_DECIDED:
      return {supervision::v1::RECHECK_WINDOW};
    case v1::RECHECK_REQUESTED:
      return {supervision::v1::RECHECK_ANSWER};
    case v1::FINAL:
      // Settled by a lapsed window: it shows, and the day after it closed.
      return {supervision::v1::RECHECK_WINDOW, supervision::v1::REVIEW_WINDOW};
    default:
      return {};
  }
}

}  // namespace

v1::CaseLookup IntakeService::BuildLookup(const LookupRow& row, absl::Time deadline) {
  v1::CaseLookup view;
  view.set_status(row.status);
  auto day = [&](absl::Time t) { return FormatDate(absl::ToCivilDay(t, zone_)); };
  view.set_received_date(day(row.received_at));
  for (const auto& [step, at] : row.steps) {
    switch (step) {
      case v1::ACCEPT:
        view.set_accepted_date(day(at));
        break;
      case v1::ANSWER:
        view.set_answered_date(day(at));
        break;
      case v1::REQUEST_REVIEW:
        view.set_review_requested_date(day(at));
        break;
      case v1::CONCLUDE:
      case v1::DECLINE:
      case v1::WITHDRAW:
      case v1::DECIDE_RECHECK:
      case v1::OBJECT:  // handed back to the county (A23): closed here
        view.set_closed_date(day(at));
        break;
      default:
        break;
    }
  }
  for (const LookupDocumentRow& d : row.documents) {
    v1::LookupDocument* doc = view.add_documents();
    doc->set_kind(d.kind);
    doc->set_title(d.title);
    doc->set_issued_date(day(d.issued_at));
  }
  view.set_rating(row.rating);
  view.set_can_rate(NextStatus(row.status, v1::RATE, row.rating != v1::RATING_UNSPECIFIED).ok());

  // The units' names are the directory's (scheduling); a unit it no longer
  // knows is left out rather than shown by its id.
  bool units_ok = peers_.directory != nullptr;
  std::vector<std::string> names;
  for (const std::string& unit_id : row.handling_unit_ids) {
    if (!units_ok) break;
    auto unit = peers_.directory->GetUnit(unit_id, deadline);
    if (unit.ok()) {
      names.push_back(unit->name());
    } else if (!absl::IsNotFound(unit.status())) {
      units_ok = false;
    }
  }
  if (units_ok) {
    for (std::string& n : names) view.add_handling_units(std::move(n));
  } else if (!row.handling_unit_ids.empty()) {
    view.add_unavailable("handlingUnits");
  }

  const std::vector<supervision::v1::DeadlineKind> kinds = RunningKinds(row.status);
  if (!kinds.empty()) {
    absl::StatusOr<supervision::v1::CaseDeadlines> deadlines =
        absl::UnavailableError("supervision is not configured");
    if (peers_.supervision != nullptr) {
      deadlines = peers_.supervision->GetCaseDeadlines(row.case_id, deadline);
    }
    if (deadlines.ok()) {
      const supervision::v1::Deadline* running = nullptr;
      for (supervision::v1::DeadlineKind kind : kinds) {
        for (const supervision::v1::Deadline& d : deadlines->deadlines()) {
          if (running == nullptr && d.kind() == kind) running = &d;
        }
      }
      if (running != nullptr) {
        v1::LookupDeadline* out = view.mutable_deadline();
        out->set_kind(supervision::v1::DeadlineKind_Name(running->kind()));
        out->set_due_date(running->due_date());
        out->set_state(supervision::v1::DeadlineState_Name(running->state()));
        out->set_extended_by_days(running->extended_by_days());
        // The review window ran out unused (EXPIRED): the petitioner's right
        // to a review lapsed and the case is closed from the next day on.
        if ((running->kind() == supervision::v1::REVIEW_WINDOW ||
             running->kind() == supervision::v1::RECHECK_WINDOW) &&
            running->state() == supervision::v1::EXPIRED && view.closed_date().empty()) {
          if (auto due = ParseDate(running->due_date()); due.ok()) {
            view.set_closed_date(FormatDate(*due + 1));
          }
        }
      }
    } else if (!absl::IsNotFound(deadlines.status())) {
      // NOT_FOUND: supervision has not heard of the case yet (its event is
      // on its way): no deadline to show, nothing missing.
      view.add_unavailable("deadline");
    }
  }
  return view;
}

grpc::Status IntakeService::LookupCase(grpc::ServerContext* context,
                                       const v1::LookupCaseRequest* request,
                                       v1::CaseLookup* response) {
  RequestScope scope(*context);  // public: the call guard lets anyone in
  if (peers_.lookup == nullptr) {
    return ToGrpcStatus(absl::UnavailableError("the look-up is not configured"));
  }
  // The shape is the caller's own input, not the secret: refusing a
  // malformed code at once tells nothing about the codes that exist.
  const std::string code = NormalizeQueryCode(request->query_code());
  if (!IsQueryCodeShaped(code)) return ToGrpcStatus(NoSuchCode());
  auto row = peers_.lookup->Find(code, TxOptionsFor(*context));
  if (!row.ok()) return ToGrpcStatus(row.status());
  // An official of the unit a report names, asking with their credentials,
  // learns nothing from a code they should never have held (A30).
  if (HiddenFrom(scope.principal(), CaseUnits{{}, row->reported_unit_ids})) {
    return ToGrpcStatus(NoSuchCode());
  }
  *response = BuildLookup(*row, DeadlineOf(*context));
  return grpc::Status::OK;
}

grpc::Status IntakeService::RateByQueryCode(grpc::ServerContext* context,
                                            const v1::RateByQueryCodeRequest* request,
                                            v1::CaseLookup* response) {
  RequestScope scope(*context);  // public: the code is the petitioner's credential
  if (peers_.lookup == nullptr) {
    return ToGrpcStatus(absl::UnavailableError("the look-up is not configured"));
  }
  const std::string code = NormalizeQueryCode(request->query_code());
  if (!IsQueryCodeShaped(code)) return ToGrpcStatus(NoSuchCode());
  // The clerk's validation, the same fields.
  v1::RateCaseRequest rate;
  rate.set_rating(request->rating());
  rate.set_comment(request->comment());
  if (absl::Status s = ValidateRate(rate); !s.ok()) return ToGrpcStatus(s);
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "must be at most 128 characters"));
  }
  auto row = peers_.lookup->Find(code, TxOptionsFor(*context));
  if (!row.ok()) return ToGrpcStatus(row.status());
  if (HiddenFrom(scope.principal(), CaseUnits{{}, row->reported_unit_ids})) {
    return ToGrpcStatus(NoSuchCode());
  }
  // Request ids belong to the holder of the code: one petitioner's id never
  // meets another's.
  StepRetry retry;
  if (!request->request_id().empty()) {
    retry.subject = "query:" + row->case_id;
    retry.request_id = request->request_id();
    retry.method = "RateByQueryCode";
    retry.request_sha256 = RequestFingerprint(*request);
  }
  auto result =
      RunStep(scope, *context, row->case_id, v1::RATE, v1::Rating_Name(request->rating()),
              RatingFill(request->rating(), request->comment()), &retry, StepActor::kPetitioner);
  if (!result.ok()) return ToGrpcStatus(result.status());
  auto after = peers_.lookup->Find(code, TxOptionsFor(*context));
  if (!after.ok()) return ToGrpcStatus(after.status());
  *response = BuildLookup(*after, DeadlineOf(*context));
  return grpc::Status::OK;
}

absl::StatusOr<IntakeService::DirectoryNames> IntakeService::CheckDirectory(
    const v1::AcceptCaseRequest& request, absl::Time deadline) {
  if (peers_.directory == nullptr) {
    return absl::UnavailableError("scheduling's directory is not configured");
  }
  DirectoryNames names;
  std::vector<std::pair<std::string, std::string>> violations;
  for (int i = 0; i < request.handling_unit_ids_size(); ++i) {
    auto unit = peers_.directory->GetUnit(request.handling_unit_ids(i), deadline);
    if (absl::IsNotFound(unit.status())) {
      violations.emplace_back(absl::StrCat("handlingUnitIds[", i, "]"),
                              "is not a unit of the directory");
    } else if (!unit.ok()) {
      return unit.status();
    } else {
      names.units.push_back(unit->name());
    }
  }
  auto leader = peers_.directory->GetOfficial(request.leader_id(), deadline);
  if (absl::IsNotFound(leader.status())) {
    violations.emplace_back("leaderId", "is not an official of the directory");
  } else if (!leader.ok()) {
    return leader.status();
  } else {
    names.leader = leader->position().empty() ? leader->name()
                                              : absl::StrCat(leader->position(), leader->name());
    names.leader_unit_id = leader->unit_id();
  }
  if (!violations.empty()) return InvalidFields(violations);
  return names;
}

}  // namespace petition::intake
