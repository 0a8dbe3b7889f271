#include "services/supervision/service/supervision_service.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/case_visibility.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/supervision/domain/extension_rule.h"
#include "services/supervision/domain/petitioner_window.h"
#include "services/supervision/domain/policy_validation.h"
#include "services/supervision/service/request_key.h"
#include "services/supervision/store/policy_codec.h"

namespace petition::supervision {
namespace {

// The APPROVAL deadline's limit under `policy`.
Limit ApprovalLimit(const DeadlinePolicy& policy) {
  return Limit{policy.approval.days,
               policy.approval.working_days ? DayUnit::kWorkingDays : DayUnit::kCalendarDays};
}

}  // namespace

absl::StatusOr<SupervisionService::CurrentPolicy> SupervisionService::LoadPolicy(
    const TxOptions& tx_options) {
  return store_->pool()->Read([&](pqxx::transaction_base& tx) { return LoadPolicy(tx); },
                              tx_options);
}

absl::StatusOr<SupervisionService::CurrentPolicy> SupervisionService::LoadPolicy(
    pqxx::transaction_base& tx) {
  auto stored = store_->CurrentPolicy(tx);
  if (!stored.ok()) return stored.status();
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(stored->policy.time_zone, &zone)) {
    return absl::InternalError("the policy's time zone does not load");
  }
  return CurrentPolicy{*std::move(stored), zone};
}

std::optional<SupervisionService::CurrentPolicy> SupervisionService::LastPolicy() {
  absl::MutexLock lock(&policy_mu_);
  return last_policy_;
}

absl::StatusOr<SupervisionService::CurrentPolicy> SupervisionService::SeePolicy(
    StoredPolicy stored) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(stored.policy.time_zone, &zone)) {
    return absl::InternalError("the policy's time zone does not load");
  }
  CurrentPolicy seen{std::move(stored), zone};
  absl::MutexLock lock(&policy_mu_);
  // Versions only grow: a slower call never puts back an older one.
  if (!last_policy_.has_value() || last_policy_->stored.version < seen.stored.version) {
    last_policy_ = seen;
  }
  return seen;
}

absl::StatusOr<DeadlinePolicy> SupervisionService::PolicyOf(pqxx::transaction_base& tx,
                                                            int64_t version) {
  if (version == 0) return DeadlinePolicy::Regulation();
  auto all = store_->AllPolicies(tx);
  if (!all.ok()) return all.status();
  for (const StoredPolicy& p : *all) {
    if (p.version == version) return p.policy;
  }
  return absl::DataLossError("a deadline's policy version is not stored");
}

void SupervisionService::FillDeadline(const DeadlineRecord& d, absl::CivilDay today,
                                      absl::TimeZone zone, v1::Deadline* out) const {
  v1::DeadlineKind kind;
  if (v1::DeadlineKind_Parse(d.kind, &kind)) out->set_kind(kind);
  out->set_start_date(FormatDate(d.start_date));
  out->set_due_date(FormatDate(d.due_date));
  out->set_provisional(d.provisional);
  if (d.met_at.has_value()) *out->mutable_met_at() = ToProtoTimestamp(*d.met_at);
  // The stored state is the scanner's; a pending deadline past its due date
  // reads OVERDUE (a petitioner's window EXPIRED) before the scanner's next pass.
  v1::DeadlineState state = v1::DEADLINE_STATE_UNSPECIFIED;
  v1::DeadlineState_Parse(
      std::string(ShownState(d.kind, d.state, d.met_at.has_value(), d.due_date, today)), &state);
  out->set_state(state);
  out->set_extended_by_days(d.extended_by_days);
  out->set_urgent(d.urgent);
  out->set_policy_version(d.policy_version);
  (void)zone;
}

absl::StatusOr<std::vector<DeadlineStore::Application>> SupervisionService::BuildApplications(
    const v1::ApplyCaseEventsRequest& request, const CurrentPolicy& current) {
  const DeadlinePolicy& policy = current.stored.policy;
  const int64_t version = current.stored.version;
  const absl::TimeZone zone = current.zone;
  std::vector<DeadlineStore::Application> applications;
  applications.reserve(request.events_size());
  // Deadlines opened on the same day under the same limit share their due
  // date: one question to the calendar per distinct pair in the batch.
  absl::flat_hash_map<std::tuple<absl::CivilDay, int, int>, WorkingDayResult> due_memo;
  auto open = [&](const char* kind, absl::CivilDay start, Limit limit,
                  bool urgent) -> absl::StatusOr<DeadlineRecord> {
    DeadlineRecord d;
    d.kind = kind;
    d.start_date = start;
    d.policy_version = version;
    d.limit = limit;
    d.urgent = urgent;
    const auto key = std::make_tuple(start, limit.days, static_cast<int>(limit.unit));
    auto due = due_memo.find(key);
    if (due == due_memo.end()) {
      auto computed = ComputeDueDate(start, limit, 0, policy.roll_to_working_day, *calendar_);
      if (!computed.ok()) return computed.status();
      due = due_memo.emplace(key, *computed).first;
    }
    d.due_date = due->second.date;
    d.provisional = due->second.provisional;
    return d;
  };
  for (int i = 0; i < request.events_size(); ++i) {
    const petition::v1::CaseEvent& event = request.events(i);
    const std::string at = absl::StrCat("events[", i, "]");
    if (event.event_id().empty()) return InvalidField(at + ".eventId", "is required");
    if (event.case_id().empty()) return InvalidField(at + ".caseId", "is required");
    if (event.sequence() < 1) {
      return InvalidField(at + ".sequence", "must be at least 1");
    }
    DeadlineStore::Application app;
    app.event = &event;
    // Events that meet or open a deadline need the moment they happened.
    auto occurred_day = [&]() -> absl::StatusOr<absl::CivilDay> {
      if (!event.has_occurred_at()) return InvalidField(at + ".occurredAt", "is required");
      return DayOf(event.occurred_at(), zone);
    };
    auto meet = [&](std::initializer_list<const char*> kinds) -> absl::Status {
      auto day = occurred_day();
      if (!day.ok()) return day.status();
      for (const char* kind : kinds) app.meet.emplace_back(kind);
      app.met_day = *day;
      return absl::OkStatus();
    };
    auto county = [&](const std::string& text, const std::string& field,
                      absl::CivilDay start) -> absl::StatusOr<std::optional<DeadlineRecord>> {
      if (text.empty()) return std::optional<DeadlineRecord>();
      auto due = ParseDate(text);
      if (!due.ok()) return InvalidField(field, "is not a date YYYY-MM-DD");
      DeadlineRecord d;
      d.kind = "COUNTY";
      d.start_date = start;
      d.due_date = *due;
      d.policy_version = version;
      return std::optional<DeadlineRecord>(d);
    };
    absl::Status valid;
    switch (event.kind_case()) {
      case petition::v1::CaseEvent::kRegistered: {
        const petition::v1::CaseRegistered& r = event.registered();
        if (event.sequence() != 1) {
          return InvalidField(at + ".sequence", "a registration is sequence 1");
        }
        if (!r.has_received_at()) {
          return InvalidField(at + ".registered.receivedAt", "is required");
        }
        const absl::CivilDay start = DayOf(r.received_at(), zone);
        auto acceptance = open("ACCEPTANCE", start, policy.acceptance, r.urgent());
        if (!acceptance.ok()) return acceptance.status();
        app.open.push_back(*acceptance);
        auto c = county(r.county_due_date(), at + ".registered.countyDueDate", start);
        if (!c.ok()) return c.status();
        if (c->has_value()) {
          (*c)->urgent = r.urgent();
          app.open.push_back(**c);
        }
        if (r.source() == "COUNTY_TRANSFER") {
          // 异议 (A23): the township may object to a transfer (转送) outside
          // its remit within 5 working days of receiving it (the policy's
          // objection). Counted from the push, the moment it reached the
          // township (the event's), not from receivedAt, which the county may
          // set to the day it received the petition itself. An assignment
          // (交办) cannot be objected to (intake's CheckObjectable).
          const absl::CivilDay pushed =
              event.has_occurred_at() ? DayOf(event.occurred_at(), zone) : start;
          auto objection = open("OBJECTION", pushed, policy.objection, false);
          if (!objection.ok()) return objection.status();
          app.open.push_back(*objection);
        }
        break;
      }
      case petition::v1::CaseEvent::kUpdated: {
        const petition::v1::CaseUpdated& u = event.updated();
        absl::CivilDay start = absl::CivilDay();
        if (event.has_occurred_at()) start = DayOf(event.occurred_at(), zone);
        auto c = county(u.county_due_date(), at + ".updated.countyDueDate", start);
        if (!c.ok()) return c.status();
        if (c->has_value()) {
          if (!event.has_occurred_at()) {
            return InvalidField(at + ".occurredAt", "is required");
          }
          app.replace.push_back(**c);
        }
        app.urgent = u.urgent();
        if (!u.reported_unit_ids().empty()) {
          app.reported_unit_ids.emplace(u.reported_unit_ids().begin(), u.reported_unit_ids().end());
        }
        break;
      }
      case petition::v1::CaseEvent::kAccepted: {
        const petition::v1::CaseAccepted& a = event.accepted();
        valid = meet({"ACCEPTANCE"});
        if (!valid.ok()) break;
        // Intake always says; an older intake that does not is ORDINARY.
        auto limit = HandlingLimit(policy, a.complexity().empty() ? "ORDINARY" : a.complexity());
        if (!limit.ok()) {
          return InvalidField(at + ".accepted.complexity", "must be SIMPLE, ORDINARY or COMPLEX");
        }
        auto handling = open("HANDLING", app.met_day, *limit, a.urgent());
        if (!handling.ok()) return handling.status();
        app.open.push_back(*handling);
        // Accepting a transfer takes it on: the right to object is gone.
        // EXPIRED, not MET (nobody objected) and not left OPEN (it would
        // show as pending until its due date).
        app.expire.push_back("OBJECTION");
        if (a.urgent()) app.urgent = true;
        if (!a.leader_id().empty()) app.leader_id = a.leader_id();
        if (!a.handling_unit_ids().empty()) {
          app.handling_unit_ids.emplace(a.handling_unit_ids().begin(), a.handling_unit_ids().end());
        }
        break;
      }
      case petition::v1::CaseEvent::kDeclined:
        valid = meet({"ACCEPTANCE", "COUNTY"});
        // The township decided on the transfer itself: no objection now.
        app.expire.push_back("OBJECTION");
        break;
      case petition::v1::CaseEvent::kObjected:
        // 异议 (A23): the objection met its period; it is the township's
        // decision on the transfer, fed back to the county like a decline,
        // so ACCEPTANCE and COUNTY are met by it too (the county decides
        // now; nothing of the case can fall overdue here).
        valid = meet({"OBJECTION", "ACCEPTANCE", "COUNTY"});
        break;
      case petition::v1::CaseEvent::kOpinionSubmitted: {
        // The unit's part is done: HANDLING is met; the leaders' APPROVAL opens.
        valid = meet({"HANDLING"});
        if (!valid.ok()) break;
        auto approval = open("APPROVAL", app.met_day, ApprovalLimit(policy), false);
        if (!approval.ok()) return approval.status();
        app.open.push_back(*approval);
        break;
      }
      case petition::v1::CaseEvent::kOpinionApproved:
        if (event.opinion_approved().complete()) valid = meet({"APPROVAL"});
        break;
      case petition::v1::CaseEvent::kAnswered:
        // An answer needs every approval: APPROVAL too is met by then. The
        // review window opens at delivery (kDelivered), not here.
        valid = meet({"HANDLING", "COUNTY", "APPROVAL"});
        break;
      case petition::v1::CaseEvent::kDelivered: {
        // A35: 30 days from the day the petitioner received the written
        // answer; the day itself is not counted.
        auto day = ParseDate(event.delivered().delivered_on());
        if (!day.ok()) {
          return InvalidField(at + ".delivered.deliveredOn", "is not a date YYYY-MM-DD");
        }
        // The answer given again after a review decision opens the recheck
        // window instead (A36): there is no second review.
        const bool recheck = event.delivered().window() == "RECHECK_WINDOW";
        auto window = open(recheck ? "RECHECK_WINDOW" : "REVIEW_WINDOW", *day,
                           recheck ? policy.recheck_window : policy.review_window, false);
        if (!window.ok()) return window.status();
        app.open.push_back(*window);
        break;
      }
      case petition::v1::CaseEvent::kReviewDecided: {
        const petition::v1::ReviewDecided& r = event.review_decided();
        auto decided = ParseDate(r.decided_on());
        if (!decided.ok()) {
          return InvalidField(at + ".reviewDecided.decidedOn", "is not a date YYYY-MM-DD");
        }
        const bool review = r.stage() == "REVIEW";
        if (!review && r.stage() != "RECHECK") {
          return InvalidField(at + ".reviewDecided.stage", "must be REVIEW or RECHECK");
        }
        if (r.outcome() != "UPHELD" && r.outcome() != "CHANGED" && r.outcome() != "REVOKED") {
          return InvalidField(at + ".reviewDecided.outcome", "must be UPHELD, CHANGED or REVOKED");
        }
        // The body above answered: its deadline is met as the decision
        // arrives (the day the township records it).
        valid = meet({review ? "REVIEW_ANSWER" : "RECHECK_ANSWER"});
        if (!valid.ok()) break;
        app.review_decision =
            DeadlineStore::Application::ReviewDecision{r.stage(), r.outcome(), *decided};
        if (review && r.outcome() == "UPHELD") {
          // A36: 30 days from the review decision to ask for a recheck.
          auto window = open("RECHECK_WINDOW", *decided, policy.recheck_window, false);
          if (!window.ok()) return window.status();
          app.open.push_back(*window);
        } else if (r.reopened()) {
          // The answer was changed or revoked: the unit handles the matter
          // again, under the same limit, from the day the decision arrived;
          // the new opinion is approved afresh.
          auto limit = HandlingLimit(policy, r.complexity().empty() ? "ORDINARY" : r.complexity());
          if (!limit.ok()) {
            return InvalidField(at + ".reviewDecided.complexity",
                                "must be SIMPLE, ORDINARY or COMPLEX");
          }
          auto handling = open("HANDLING", app.met_day, *limit, false);
          if (!handling.ok()) return handling.status();
          app.reopen.push_back(*handling);
          app.drop.emplace_back("APPROVAL");
        }
        break;
      }
      case petition::v1::CaseEvent::kRecheckRequested: {
        // A36: the body a level further up answers within 30 days.
        valid = meet({"RECHECK_WINDOW"});
        if (!valid.ok()) break;
        auto answer = open("RECHECK_ANSWER", app.met_day, policy.recheck_answer, false);
        if (!answer.ok()) return answer.status();
        app.open.push_back(*answer);
        break;
      }
      case petition::v1::CaseEvent::kReviewRequested: {
        // A35: the body one level up answers the review in writing within
        // 30 days of the request (its deadline, never the units').
        valid = meet({"REVIEW_WINDOW"});
        if (!valid.ok()) break;
        auto answer = open("REVIEW_ANSWER", app.met_day, policy.review_answer, false);
        if (!answer.ok()) return answer.status();
        app.open.push_back(*answer);
        break;
      }
      case petition::v1::CaseEvent::kConcluded:
      case petition::v1::CaseEvent::kWithdrawn:
        // The case ends: nothing of it can fall overdue any more.
        valid = meet({"ACCEPTANCE", "HANDLING", "REVIEW_WINDOW", "REVIEW_ANSWER", "RECHECK_WINDOW",
                      "RECHECK_ANSWER", "COUNTY", "APPROVAL"});
        // A transfer withdrawn while it could be objected to: the right lapsed.
        app.expire.push_back("OBJECTION");
        break;
      case petition::v1::CaseEvent::kRated: {
        const std::string& rating = event.rated().rating();
        if (rating != "SATISFIED" && rating != "BASICALLY_SATISFIED" && rating != "DISSATISFIED") {
          return InvalidField(at + ".rated.rating",
                              "must be SATISFIED, BASICALLY_SATISFIED or DISSATISFIED");
        }
        auto day = occurred_day();  // the statistics count it on its day
        valid = day.status();
        break;
      }
      default:
        // Recorded in the case's sequence; no deadline depends on it. An
        // event of a kind this build does not know is recorded the same
        // way, so that the relay never stalls on it.
        break;
    }
    if (!valid.ok()) return valid;
    applications.push_back(std::move(app));
  }
  return applications;
}

grpc::Status SupervisionService::ApplyCaseEvents(grpc::ServerContext* context,
                                                 const v1::ApplyCaseEventsRequest* request,
                                                 v1::ApplyCaseEventsResponse* response) {
  RequestScope scope(*context);  // the call guard lets only intake call this
  constexpr int kMaxBatch = 1000;
  if (request->events_size() > kMaxBatch) {
    return ToGrpcStatus(InvalidField("events", absl::StrCat("at most ", kMaxBatch, " per call")));
  }
  std::optional<CurrentPolicy> policy = LastPolicy();
  // One transaction per call: the applications are built under the policy
  // last seen, and the transaction applies them only while it is still the
  // current one. A policy changed meanwhile (or none seen yet) comes back
  // from the transaction, and the events are built again under it.
  struct Outcome {
    std::optional<int> applied;
    std::optional<StoredPolicy> current;  // when `policy` was not the current one
  };
  for (int round = 0; round < kPolicyRounds; ++round) {
    std::vector<DeadlineStore::Application> applications;
    if (policy.has_value()) {
      auto built = BuildApplications(*request, *policy);
      if (!built.ok()) return ToGrpcStatus(built.status());
      applications = *std::move(built);
    }
    auto outcome = store_->pool()->Transact(
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Outcome> {
          auto current = store_->CurrentPolicy(tx);
          if (!current.ok()) return current.status();
          if (!policy.has_value() || current->version != policy->stored.version) {
            return Outcome{std::nullopt, *std::move(current)};
          }
          auto applied = store_->ApplyEvents(tx, applications);
          if (!applied.ok()) return applied.status();
          return Outcome{*applied, std::nullopt};
        },
        TxOptionsFor(*context));
    if (!outcome.ok()) return ToGrpcStatus(outcome.status());
    if (outcome->current.has_value()) {
      auto seen = SeePolicy(*std::move(outcome->current));
      if (!seen.ok()) return ToGrpcStatus(seen.status());
      policy = *std::move(seen);
      continue;
    }
    response->set_applied(*outcome->applied);
    response->set_duplicates(request->events_size() - *outcome->applied);
    for (const petition::v1::CaseEvent& event : request->events()) {
      RequestScope event_scope(event.request_id());  // the request that caused it
      log::Debug("case event applied",
                 {{"eventId", event.event_id()}, {"caseId", event.case_id()}});
    }
    return grpc::Status::OK;
  }
  return ToGrpcStatus(absl::AbortedError("the deadline policy kept changing; try again"));
}

grpc::Status SupervisionService::GetCaseDeadlines(grpc::ServerContext* context,
                                                  const v1::GetCaseDeadlinesRequest* request,
                                                  v1::CaseDeadlines* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  if (request->case_id().empty() || request->case_id().size() > 64) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  // Intake, calling as itself (the petitioner's public view), may read
  // every case's deadlines; people through the gateway, the cases they see.
  const bool intake = scope.caller() == "intake";
  struct View {
    CurrentPolicy policy;
    std::vector<DeadlineRecord> deadlines;
    std::vector<DueDateChangeRecord> changes;
  };
  // One snapshot: the case's units, the policy, its deadlines and their changes.
  auto view = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<View> {
        // Exactly where GetCase would say NOT_FOUND: the same rule, the same answer.
        auto units = store_->UnitsOfCase(tx, request->case_id());
        if (!units.ok() && !absl::IsNotFound(units.status())) return units.status();
        if (!units.ok() || (!intake && !MayReadCase(scope.principal(), *units))) {
          return absl::NotFoundError("no such case");
        }
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        auto deadlines = store_->ListForCase(tx, request->case_id());
        if (!deadlines.ok()) return deadlines.status();
        auto changes = store_->DueDateChanges(tx, request->case_id());
        if (!changes.ok()) return changes.status();
        return View{*std::move(current), *std::move(deadlines), *std::move(changes)};
      },
      TxOptionsFor(*context));
  if (!view.ok()) return ToGrpcStatus(view.status());
  const CurrentPolicy* current = &view->policy;
  const absl::CivilDay today = absl::ToCivilDay(clock_->Now(), current->zone);
  response->set_case_id(request->case_id());
  for (const DeadlineRecord& d : view->deadlines) {
    v1::Deadline* out = response->add_deadlines();
    FillDeadline(d, today, current->zone, out);
    for (const DueDateChangeRecord& c : view->changes) {
      if (c.kind != d.kind) continue;
      v1::DueDateChange* change = out->add_due_date_changes();
      change->set_old_due_date(FormatDate(c.old_due_date));
      change->set_new_due_date(FormatDate(c.new_due_date));
      change->set_old_provisional(c.old_provisional);
      change->set_new_provisional(c.new_provisional);
      change->set_calendar_year(c.calendar_year);
      *change->mutable_at() = ToProtoTimestamp(c.at);
    }
  }
  return grpc::Status::OK;
}

grpc::Status SupervisionService::GetDeadlinePolicy(grpc::ServerContext* context,
                                                   const v1::GetDeadlinePolicyRequest* /*request*/,
                                                   v1::DeadlinePolicy* response) {
  RequestScope scope(*context);
  auto current = LoadPolicy(TxOptionsFor(*context));
  if (!current.ok()) return ToGrpcStatus(current.status());
  *response = PolicyToProto(current->stored.policy);
  response->set_version(current->stored.version);
  *response->mutable_updated_at() = ToProtoTimestamp(current->stored.created_at);
  return grpc::Status::OK;
}

grpc::Status SupervisionService::PutDeadlinePolicy(grpc::ServerContext* context,
                                                   const v1::DeadlinePolicy* request,
                                                   v1::DeadlinePolicy* response) {
  RequestScope scope(*context);
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  v1::DeadlinePolicy given = *request;
  if (!township_time_zone_.empty()) {
    // One township time zone, one owner (scheduling): absent means the township's.
    if (given.time_zone().empty()) given.set_time_zone(township_time_zone_);
    if (given.time_zone() != township_time_zone_) {
      return ToGrpcStatus(FailedPreconditionField(
          "timeZone", absl::StrCat("the township's time zone is ", township_time_zone_,
                                   ", which scheduling owns (its --time_zone); a deadline policy "
                                   "cannot set another")));
    }
  }
  auto policy = PolicyFromProto(given);
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  if (absl::Status s = ValidatePolicy(*policy); !s.ok()) return ToGrpcStatus(s);
  auto stored = store_->PutPolicy(*policy, request->request_id(), TxOptionsFor(*context));
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  *response = PolicyToProto(stored->policy);
  response->set_version(stored->version);
  *response->mutable_updated_at() = ToProtoTimestamp(stored->created_at);
  log::Info("deadline policy changed", {{"version", std::to_string(stored->version)}});
  return grpc::Status::OK;
}

namespace {

std::string PageToken(const DeadlineRecord& d) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(FormatDate(d.due_date), "|", d.case_id, "|", d.kind));
}

absl::StatusOr<std::tuple<absl::CivilDay, std::string, std::string>> ParsePageToken(
    const std::string& token) {
  std::string raw;
  const absl::Status bad = InvalidField("pageToken", "is not a token from this list");
  if (!absl::WebSafeBase64Unescape(token, &raw)) return bad;
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  if (parts.size() != 3) return bad;
  auto due = ParseDate(parts[0]);
  if (!due.ok()) return bad;
  return std::make_tuple(*due, parts[1], parts[2]);
}

}  // namespace

grpc::Status SupervisionService::ListDeadlines(grpc::ServerContext* context,
                                               const v1::ListDeadlinesRequest* request,
                                               v1::ListDeadlinesResponse* response) {
  RequestScope scope(*context);
  DeadlineFilter filter;
  if (request->page_size() < 0 || request->page_size() > 500) {
    return ToGrpcStatus(InvalidField("pageSize", "must be 0..500 (0: 50)"));
  }
  filter.page_size = request->page_size() == 0 ? 50 : request->page_size();
  if (request->state() != v1::DEADLINE_STATE_UNSPECIFIED) {
    filter.state = v1::DeadlineState_Name(request->state());
  }
  if (request->kind() != v1::DEADLINE_KIND_UNSPECIFIED) {
    filter.kind = v1::DeadlineKind_Name(request->kind());
  }
  if (request->unit_id().size() > 64) return ToGrpcStatus(InvalidField("unitId", "is too long"));
  filter.unit_id = request->unit_id();
  // The visibility rule of common/case_visibility.h, as a filter: a unit's
  // staff see only the deadlines of cases assigned to their unit, and no
  // one those of a case that reports their unit.
  const Principal& principal = scope.principal();
  filter.hidden_unit = HiddenReportsUnit(principal);
  if (!principal.HasAnyRole({"admin", "clerk", "leader", "supervisor"})) {
    if (!principal.HasRole("handler") || principal.unit_id.empty() ||
        (!filter.unit_id.empty() && filter.unit_id != principal.unit_id)) {
      return grpc::Status::OK;  // nothing they may see
    }
    filter.unit_id = principal.unit_id;
  }
  if (!request->page_token().empty()) {
    auto after = ParsePageToken(request->page_token());
    if (!after.ok()) return ToGrpcStatus(after.status());
    filter.after = *after;
  }
  const int wanted = filter.page_size;
  filter.page_size = wanted + 1;
  struct Listed {
    CurrentPolicy policy;
    absl::CivilDay today;
    std::vector<DeadlineRecord> rows;
  };
  // The policy (whose time zone makes today) and the page, in one snapshot.
  auto listed = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Listed> {
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        DeadlineFilter f = filter;
        f.today = absl::ToCivilDay(clock_->Now(), current->zone);
        auto rows = store_->ListDeadlines(tx, f);
        if (!rows.ok()) return rows.status();
        return Listed{*std::move(current), f.today, *std::move(rows)};
      },
      TxOptionsFor(*context));
  if (!listed.ok()) return ToGrpcStatus(listed.status());
  const CurrentPolicy* current = &listed->policy;
  const std::vector<DeadlineRecord>* rows = &listed->rows;
  const absl::CivilDay today = absl::ToCivilDay(clock_->Now(), current->zone);
  const int n = std::min<int>(wanted, static_cast<int>(rows->size()));
  for (int i = 0; i < n; ++i) {
    v1::Deadline* out = response->add_deadlines();
    FillDeadline((*rows)[i], today, current->zone, out);
    out->set_case_id((*rows)[i].case_id);
  }
  if (static_cast<int>(rows->size()) > wanted) {
    response->set_next_page_token(PageToken((*rows)[wanted - 1]));
  }
  return grpc::Status::OK;
}

namespace {

void FillExtension(const DeadlineStore::ExtensionRecord& e, v1::Extension* out) {
  out->set_case_id(e.case_id);
  out->set_days(e.days);
  out->set_reason(e.reason);
  out->set_new_due_date(FormatDate(e.new_due_date));
  out->set_granted_by(e.granted_by);
  *out->mutable_granted_at() = ToProtoTimestamp(e.granted_at);
}

}  // namespace

grpc::Status SupervisionService::CreateExtension(grpc::ServerContext* context,
                                                 const v1::CreateExtensionRequest* request,
                                                 v1::Extension* response) {
  RequestScope scope(*context);
  if (request->case_id().empty() || request->case_id().size() > 64) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  if (request->reason().empty()) return ToGrpcStatus(InvalidField("reason", "is required"));
  if (request->reason().size() > 2000) {
    return ToGrpcStatus(InvalidField("reason", "is at most 2000 bytes"));
  }
  if (request->request_id().size() > 128) {
    return ToGrpcStatus(InvalidField("requestId", "is at most 128 characters"));
  }
  const TxOptions tx_options = TxOptionsFor(*context);
  const RequestKey key = RequestKeyFor(scope, "CreateExtension", *request, request->request_id());
  const absl::Time now = clock_->Now();
  // What the calendar is asked is read first, in one snapshot; the calendar
  // (scheduling) is asked between the transactions, never inside one; the
  // write checks again under the deadline's lock that nothing moved.
  struct Plan {
    std::optional<DeadlineStore::ExtensionRecord> replay;
    DeadlineRecord handling;
    DeadlinePolicy policy;  // the one the deadline was opened under
    absl::CivilDay today;
  };
  auto plan = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Plan> {
        Plan p;
        // A retry (this caller's request id) gets its first answer before
        // anything that may have changed since is looked at: the case, the
        // calendar, the date.
        auto replay = store_->ExtensionOfRequest(tx, key);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) {
          p.replay = **replay;
          return p;
        }
        auto units = store_->UnitsOfCase(tx, request->case_id());
        if (!units.ok() && !absl::IsNotFound(units.status())) return units.status();
        if (!units.ok() || !MayReadCase(scope.principal(), *units)) {
          return absl::NotFoundError("no such case");
        }
        if (!MayActFor(scope.principal(), units->handling)) {
          return absl::PermissionDeniedError(
              "the case is handled by other units: an official of one of them, or of the "
              "township, extends it");
        }
        auto handling = store_->GetDeadline(tx, request->case_id(), "HANDLING");
        if (absl::IsNotFound(handling.status())) {
          return absl::FailedPreconditionError("the case is not accepted: no HANDLING deadline");
        }
        if (!handling.ok()) return handling.status();
        if (handling->met_at.has_value()) {
          return absl::FailedPreconditionError("the HANDLING deadline is met already");
        }
        auto policy = PolicyOf(tx, handling->policy_version);
        if (!policy.ok()) return policy.status();
        auto complexity = store_->CaseComplexity(tx, request->case_id());
        if (!complexity.ok()) return complexity.status();
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        p.today = absl::ToCivilDay(now, current->zone);
        if (absl::Status s =
                CheckExtension(*policy, *complexity, handling->due_date, p.today, request->days());
            !s.ok()) {
          return s;
        }
        p.handling = *std::move(handling);
        p.policy = *std::move(policy);
        return p;
      },
      tx_options);
  if (!plan.ok()) return ToGrpcStatus(plan.status());
  if (plan->replay.has_value()) {
    FillExtension(*plan->replay, response);
    return grpc::Status::OK;
  }
  const DeadlineRecord* handling = &plan->handling;
  const DeadlinePolicy* policy = &plan->policy;
  const absl::CivilDay today = plan->today;
  const Limit limit = handling->limit.value_or(policy->handling_ordinary);
  auto extended = ExtendedDueDate(handling->start_date, limit, request->days(),
                                  policy->extension_max, policy->roll_to_working_day, *calendar_);
  if (!extended.ok()) return ToGrpcStatus(extended.status());
  DeadlineStore::ExtensionRecord ext;
  ext.case_id = request->case_id();
  ext.days = request->days();
  ext.reason = request->reason();
  ext.old_due_date = handling->due_date;
  ext.new_due_date = extended->date;
  ext.granted_by = scope.principal().subject;
  ext.request_id = request->request_id();
  ext.granted_at = now;
  // The notice intake issues (延长办理期限告知书) carries the reason given.
  petition::v1::SupervisionEvent event;
  event.set_event_id(NewId("sev"));
  event.set_case_id(ext.case_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  event.set_request_id(scope.request_id());
  event.mutable_extension_granted()->set_days(ext.days);
  event.mutable_extension_granted()->set_reason(ext.reason);
  event.mutable_extension_granted()->set_new_due_date(FormatDate(ext.new_due_date));
  const std::string payload = event.SerializeAsString();
  auto granted = store_->pool()->Transact(
      [&](pqxx::transaction_base& tx) {
        return store_->GrantExtension(tx, ext, handling->due_date, today, key, payload);
      },
      tx_options);
  if (!granted.ok()) return ToGrpcStatus(granted.status());
  if (outbox_written_) outbox_written_();
  FillExtension(*granted, response);
  return grpc::Status::OK;
}

grpc::Status SupervisionService::CheckReviewWindow(grpc::ServerContext* context,
                                                   const v1::CheckReviewWindowRequest* request,
                                                   v1::CheckReviewWindowResponse* response) {
  RequestScope scope(*context);  // the call guard lets only intake call this
  if (request->case_id().empty() || request->case_id().size() > 64) {
    return ToGrpcStatus(InvalidField("caseId", "is not a case id"));
  }
  // The window asked about: the petitioner's review window unless said.
  const v1::DeadlineKind kind =
      request->kind() == v1::DEADLINE_KIND_UNSPECIFIED ? v1::REVIEW_WINDOW : request->kind();
  const std::string kind_name = v1::DeadlineKind_Name(kind);
  if (!v1::DeadlineKind_IsValid(kind) || !IsWindow(kind_name)) {
    return ToGrpcStatus(InvalidField(
        "kind",
        "must be a window: REVIEW_WINDOW, RECHECK_WINDOW or OBJECTION (a deadline is no "
        "right to be asked about)"));
  }
  struct Found {
    CurrentPolicy policy;
    std::optional<DeadlineRecord> window;  // none: not opened (yet), or unknown here
  };
  auto found = store_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Found> {
        auto current = LoadPolicy(tx);
        if (!current.ok()) return current.status();
        auto window = store_->GetDeadline(tx, request->case_id(), kind_name);
        if (absl::IsNotFound(window.status())) return Found{*std::move(current), std::nullopt};
        if (!window.ok()) return window.status();
        return Found{*std::move(current), *std::move(window)};
      },
      TxOptionsFor(*context));
  if (!found.ok()) return ToGrpcStatus(found.status());
  if (!found->window.has_value()) {
    response->set_open(false);  // not opened (yet), or unknown here
    return grpc::Status::OK;
  }
  const CurrentPolicy* current = &found->policy;
  const DeadlineRecord* window = &*found->window;
  const absl::Time at = request->has_at() ? ToAbslTime(request->at()) : clock_->Now();
  response->set_open(absl::ToCivilDay(at, current->zone) <= window->due_date);
  response->set_due_date(FormatDate(window->due_date));
  return grpc::Status::OK;
}

}  // namespace petition::supervision
