// The reception handlers of SchedulingService: plans, the sessions computed
// from them, substitutions, who is on duty, recusals and who receives a case.
#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/call_deadline.h"
#include "common/clock.h"
#include "common/dates.h"
#include "common/request_context.h"
#include "common/status.h"
#include "services/scheduling/domain/directory.h"
#include "services/scheduling/domain/ical.h"
#include "services/scheduling/domain/reception_plan.h"
#include "services/scheduling/domain/recusal.h"
#include "services/scheduling/domain/rotation.h"
#include "services/scheduling/service/paging.h"
#include "services/scheduling/service/plan_codec.h"
#include "services/scheduling/service/request_fingerprint.h"
#include "services/scheduling/service/scheduling_service.h"

namespace petition::scheduling {
namespace {

using ::petition::scheduling::ToDomain;  // the plan codec's, beside the Official one below

// The longest range of sessions one call computes.
constexpr int kMaxRangeDays = 366;

// What the reception handlers read about a unit.
struct UnitContext {
  v1::Unit unit;
  UnitKind kind = UnitKind::kTownship;
  absl::flat_hash_map<std::string, Official> officials;
  absl::flat_hash_map<std::string, v1::Official> official_protos;
  std::vector<v1::ReceptionPlan> plans;
  std::vector<ReceptionPlan> domain_plans;  // parallel to plans
  std::shared_ptr<const WorkingCalendar> calendar;
};

// A session of one of the unit's plans, with its officials.
struct ComputedSession {
  size_t plan = 0;  // index into UnitContext::plans
  Session session;
  std::vector<std::string> planned;
  std::vector<std::string> receiving;
  std::vector<v1::SessionSubstitution> substitutions;
};

Official ToDomain(const v1::Official& o) {
  Official out;
  out.official_id = o.official_id();
  out.unit_id = o.unit_id();
  out.name = o.name();
  out.position = o.position();
  out.rank = FromProto(o.rank());
  return out;
}

std::string SessionId(const std::string& plan_id, absl::CivilDay day) {
  return absl::StrFormat("%s-%04d%02d%02d", plan_id, day.year(), day.month(), day.day());
}

// The plan and the date of a session id, or nullopt when it is not one.
std::optional<std::pair<std::string, absl::CivilDay>> ParseSessionId(const std::string& id) {
  const size_t dash = id.rfind('-');
  if (dash == std::string::npos || dash == 0 || id.size() - dash != 9) return std::nullopt;
  int ymd = 0;
  if (!absl::SimpleAtoi(id.substr(dash + 1), &ymd)) return std::nullopt;
  const absl::CivilDay day(ymd / 10000, ymd / 100 % 100, ymd % 100);
  if (day.year() != ymd / 10000 || day.month() != ymd / 100 % 100 || day.day() != ymd % 100) {
    return std::nullopt;
  }
  return std::make_pair(id.substr(0, dash), day);
}

bool Overlap(PartOfDay a, PartOfDay b) {
  return a == PartOfDay::kFullDay || b == PartOfDay::kFullDay || a == b;
}

// The instants a session is held, by the unit's duty hours: one interval
// per half of the day it covers.
std::vector<std::pair<absl::Time, absl::Time>> SessionTimes(const Session& session,
                                                            const DutyHours& hours,
                                                            absl::TimeZone zone) {
  std::vector<std::pair<absl::Time, absl::Time>> out;
  const absl::Time midnight = absl::FromCivil(session.date, zone);
  if (session.part != PartOfDay::kAfternoon) {
    out.emplace_back(midnight + hours.morning_start, midnight + hours.morning_end);
  }
  if (session.part != PartOfDay::kMorning) {
    out.emplace_back(midnight + hours.afternoon_start, midnight + hours.afternoon_end);
  }
  return out;
}

bool Overlaps(const std::vector<std::pair<absl::Time, absl::Time>>& times, absl::Time starts,
              absl::Time ends) {
  for (const auto& [from, to] : times) {
    if (starts < to && ends > from) return true;
  }
  return false;
}

v1::PartOfDay ToProto(PartOfDay part) {
  switch (part) {
    case PartOfDay::kMorning:
      return v1::MORNING;
    case PartOfDay::kAfternoon:
      return v1::AFTERNOON;
    case PartOfDay::kFullDay:
      return v1::FULL_DAY;
  }
  return v1::FULL_DAY;
}

absl::StatusOr<absl::CivilDay> DateField(const std::string& text, const char* field) {
  auto day = ParseDate(text);
  if (!day.ok()) return InvalidField(field, "must be a date YYYY-MM-DD");
  return *day;
}

// Who receives, as the session shows them.
v1::SessionOfficial ShowOfficial(const UnitContext& unit, const std::string& id) {
  v1::SessionOfficial out;
  out.set_official_id(id);
  auto it = unit.official_protos.find(id);
  if (it != unit.official_protos.end()) {
    out.set_name(it->second.name());
    out.set_position(it->second.position());
  }
  return out;
}

// The unit, its officials and plans, read in the handler's transaction.
// `calendar` was loaded before it (CalendarStore answers from memory).
absl::StatusOr<UnitContext> LoadUnitView(DirectoryStore* directory_, ReceptionStore* receptions_,
                                         std::shared_ptr<const WorkingCalendar> calendar,
                                         const std::string& unit_id, pqxx::transaction_base& tx) {
  auto unit = directory_->GetUnit(tx, unit_id);
  if (!unit.ok()) return unit.status();
  UnitContext ctx;
  ctx.unit = *std::move(unit);
  ctx.kind = FromProto(ctx.unit.kind());
  Page page;
  page.size = 500;
  for (;;) {
    auto officials = directory_->ListOfficials(tx, unit_id, page);
    if (!officials.ok()) return officials.status();
    for (const v1::Official& o : *officials) {
      ctx.officials.emplace(o.official_id(), ToDomain(o));
      ctx.official_protos.emplace(o.official_id(), o);
    }
    if (static_cast<int>(officials->size()) <= page.size) break;
    page.after = officials->back().official_id();
  }
  auto plans = receptions_->ListPlans(tx, unit_id, kWholeList);
  if (!plans.ok()) return plans.status();
  ctx.plans = *std::move(plans);
  for (const v1::ReceptionPlan& p : ctx.plans) {
    std::vector<std::pair<std::string, std::string>> v;
    auto plan = ToDomain(p, &v);
    if (!plan.has_value()) return absl::DataLossError("a stored reception plan is not valid");
    ctx.domain_plans.push_back(*std::move(plan));
  }
  ctx.calendar = std::move(calendar);
  return ctx;
}

// The unit's sessions dated in [from, to] with their substitutions, by date
// and part of the day.
// `subs`: the unit's substitutions of those days.
absl::StatusOr<std::vector<ComputedSession>> SessionsWith(
    const UnitContext& ctx, absl::CivilDay from, absl::CivilDay to,
    const std::vector<StoredSubstitution>& subs) {
  std::vector<ComputedSession> out;
  for (size_t i = 0; i < ctx.plans.size(); ++i) {
    const ReceptionPlan& plan = ctx.domain_plans[i];
    auto sessions = ExpandPlan(plan, *ctx.calendar, from, to);
    if (!sessions.ok()) return sessions.status();
    for (Session& s : *sessions) {
      ComputedSession c;
      c.plan = i;
      c.planned = PlannedOfficials(plan.rotation, plan.leaders_per_session, s.index);
      std::vector<Substitution> applied;
      for (const StoredSubstitution& stored : subs) {
        if (stored.plan_id != ctx.plans[i].plan_id() || stored.session_date != s.date) continue;
        c.substitutions.push_back(stored.substitution);
        applied.push_back(Substitution{stored.substitution.absent_official_id(),
                                       stored.substitution.substitute_official_id()});
      }
      c.receiving = Receiving(c.planned, applied);
      c.session = std::move(s);
      out.push_back(std::move(c));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ComputedSession& a, const ComputedSession& b) {
    if (a.session.date != b.session.date) return a.session.date < b.session.date;
    return static_cast<int>(a.session.part) < static_cast<int>(b.session.part);
  });
  return out;
}

// The same, reading the substitutions.
absl::StatusOr<std::vector<ComputedSession>> Sessions(ReceptionStore* receptions_,
                                                      const UnitContext& ctx, absl::CivilDay from,
                                                      absl::CivilDay to,
                                                      pqxx::transaction_base& tx) {
  auto subs = receptions_->ListSubstitutions(tx, ctx.unit.unit_id(), from, to);
  if (!subs.ok()) return subs.status();
  return SessionsWith(ctx, from, to, *subs);
}

void ShowSession(const UnitContext& ctx, const ComputedSession& c, v1::ReceptionSession* out);

// The [from, to] of a ListReceptionsRequest, checked.
absl::StatusOr<std::pair<absl::CivilDay, absl::CivilDay>> ReceptionRange(
    const v1::ListReceptionsRequest& request) {
  auto from = DateField(request.from(), "from");
  if (!from.ok()) return from.status();
  auto to = DateField(request.to(), "to");
  if (!to.ok()) return to.status();
  if (*to < *from) return InvalidField("to", "must not be before from");
  if (*to - *from >= kMaxRangeDays) {
    return InvalidField("to", "must be less than 366 days after from");
  }
  return std::make_pair(*from, *to);
}

// The unit and its sessions dated in [from, to], shown, in their stable order.
struct ShownSessions {
  v1::Unit unit;
  std::vector<v1::ReceptionSession> sessions;
};
absl::StatusOr<ShownSessions> ShowSessions(DirectoryStore* directory, ReceptionStore* receptions,
                                           std::shared_ptr<const WorkingCalendar> calendar,
                                           const std::string& unit_id, absl::CivilDay from,
                                           absl::CivilDay to, pqxx::transaction_base& tx) {
  auto view = LoadUnitView(directory, receptions, std::move(calendar), unit_id, tx);
  if (!view.ok()) return view.status();
  auto sessions = Sessions(receptions, *view, from, to, tx);
  if (!sessions.ok()) return sessions.status();
  ShownSessions out;
  out.unit = view->unit;
  out.sessions.reserve(sessions->size());
  for (const ComputedSession& c : *sessions) ShowSession(*view, c, &out.sessions.emplace_back());
  return out;
}

void ShowSession(const UnitContext& ctx, const ComputedSession& c, v1::ReceptionSession* out) {
  const v1::ReceptionPlan& plan = ctx.plans[c.plan];
  out->set_session_id(SessionId(plan.plan_id(), c.session.date));
  out->set_plan_id(plan.plan_id());
  out->set_unit_id(ctx.unit.unit_id());
  out->set_date(FormatDate(c.session.date));
  for (absl::CivilDay d : c.session.planned_dates) out->add_planned_dates(FormatDate(d));
  if (!c.session.planned_dates.empty()) {
    out->set_planned_date(FormatDate(c.session.planned_dates.front()));
  }
  out->set_part(ToProto(c.session.part));
  out->set_location(plan.location().empty() ? ctx.unit.location() : plan.location());
  for (const std::string& id : c.receiving) *out->add_officials() = ShowOfficial(ctx, id);
  for (const std::string& id : c.planned) *out->add_planned_officials() = ShowOfficial(ctx, id);
  for (const v1::SessionSubstitution& s : c.substitutions) *out->add_substitutions() = s;
  out->set_provisional(c.session.provisional);
}

}  // namespace

grpc::Status SchedulingService::CreateReceptionPlan(grpc::ServerContext* context,
                                                    const v1::CreateReceptionPlanRequest* request,
                                                    v1::ReceptionPlan* response) {
  RequestScope scope(*context);  // roles: the call guard, from the method's http option
  const TxOptions tx_options = TxOptionsFor(*context);
  v1::ReceptionPlan plan;
  plan.set_unit_id(request->unit_id());
  *plan.mutable_recurrence() = request->recurrence();
  plan.set_part(request->part() == v1::PART_OF_DAY_UNSPECIFIED ? v1::FULL_DAY : request->part());
  plan.set_holiday_policy(request->holiday_policy() == v1::HOLIDAY_POLICY_UNSPECIFIED
                              ? v1::POSTPONE
                              : request->holiday_policy());
  plan.set_location(request->location());
  *plan.mutable_rotation() = request->rotation();
  plan.set_leaders_per_session(
      request->leaders_per_session() == 0 ? 1 : request->leaders_per_session());
  plan.set_start_date(request->start_date());
  plan.set_end_date(request->end_date());

  std::vector<std::pair<std::string, std::string>> v;
  auto domain = ToDomain(plan, &v);
  if (!domain.has_value()) return ToGrpcStatus(InvalidFields(v));
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  const CreateCall call{RequestSubject(scope), request->request_id(), RequestFingerprint(*request)};
  auto created = receptions_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReceptionPlan> {
        auto view = LoadUnitView(directory_, receptions_, *calendar, request->unit_id(), tx);
        if (!view.ok()) return view.status();
        if (absl::Status s =
                ValidateReceptionPlan(*domain, request->unit_id(), view->kind, view->officials);
            !s.ok()) {
          return s;
        }
        return receptions_->CreatePlan(tx, plan, call);
      },
      tx_options);
  if (!created.ok()) return ToGrpcStatus(created.status());
  *response = *std::move(created);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListReceptionPlans(grpc::ServerContext* context,
                                                   const v1::ListReceptionPlansRequest* request,
                                                   v1::ListReceptionPlansResponse* response) {
  RequestScope scope(*context);
  const auto page = ParsePage(request->page_size(), request->page_token(), "plan");
  auto plans = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<v1::ReceptionPlan>> {
        // An unknown unit first, then a bad token: as they were always checked.
        if (auto unit = directory_->GetUnit(tx, request->unit_id()); !unit.ok()) {
          return unit.status();
        }
        if (!page.ok()) return page.status();
        return receptions_->ListPlans(tx, request->unit_id(), *page);
      },
      TxOptionsFor(*context));
  if (!plans.ok()) return ToGrpcStatus(plans.status());
  response->set_next_page_token(
      NextPageToken(*plans, *page, [](const v1::ReceptionPlan& p) { return p.plan_id(); }));
  for (v1::ReceptionPlan& p : *plans) *response->add_plans() = std::move(p);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListReceptions(grpc::ServerContext* context,
                                               const v1::ListReceptionsRequest* request,
                                               v1::ListReceptionsResponse* response) {
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  auto range = ReceptionRange(*request);
  if (!range.ok()) return ToGrpcStatus(range.status());
  auto page = ParsePage(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  auto computed = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) {
        return ShowSessions(directory_, receptions_, *calendar, request->unit_id(), range->first,
                            range->second, tx);
      },
      tx_options);
  if (!computed.ok()) return ToGrpcStatus(computed.status());
  // Sessions are computed, in a stable order: a page continues after the
  // session whose id the token holds.
  std::vector<v1::ReceptionSession>& shown = computed->sessions;
  auto start = shown.begin();
  if (!page->after.empty()) {
    start = std::find_if(shown.begin(), shown.end(), [&](const v1::ReceptionSession& s) {
      return s.session_id() == page->after;
    });
    if (start == shown.end()) {
      return ToGrpcStatus(InvalidField("pageToken", "is not a page token of this list"));
    }
    ++start;
  }
  std::vector<v1::ReceptionSession> rows(std::make_move_iterator(start),
                                         std::make_move_iterator(shown.end()));
  if (static_cast<int>(rows.size()) > page->size) rows.resize(page->size + 1);
  response->set_next_page_token(
      NextPageToken(rows, *page, [](const v1::ReceptionSession& s) { return s.session_id(); }));
  for (v1::ReceptionSession& s : rows) *response->add_sessions() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::Substitute(grpc::ServerContext* context,
                                           const v1::SubstituteRequest* request,
                                           v1::ReceptionSession* response) {
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  std::vector<std::pair<std::string, std::string>> v;
  if (request->absent_official_id().empty()) v.emplace_back("absentOfficialId", "is required");
  if (request->substitute_official_id().empty()) {
    v.emplace_back("substituteOfficialId", "is required");
  }
  if (!v.empty()) return ToGrpcStatus(InvalidFields(v));
  auto id = ParseSessionId(request->session_id());
  if (!id.has_value()) return ToGrpcStatus(absl::NotFoundError("no such reception session"));
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  const CreateCall call{RequestSubject(scope), request->request_id(), RequestFingerprint(*request)};
  // The session before, the substitution under its locks and the session
  // after: one transaction.
  auto shown = receptions_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReceptionSession> {
        auto plan = receptions_->GetPlan(tx, id->first);
        if (!plan.ok()) {
          if (absl::IsNotFound(plan.status())) {
            return absl::NotFoundError("no such reception session");
          }
          return plan.status();
        }
        auto view = LoadUnitView(directory_, receptions_, *calendar, plan->unit_id(), tx);
        if (!view.ok()) return view.status();
        const UnitContext& ctx = *view;
        const absl::CivilDay day = id->second;
        auto find_session =
            [&](const std::vector<ComputedSession>& sessions) -> const ComputedSession* {
          for (const ComputedSession& c : sessions) {
            if (ctx.plans[c.plan].plan_id() == id->first && c.session.date == day) return &c;
          }
          return nullptr;
        };
        auto before = Sessions(receptions_, *view, day, day, tx);
        if (!before.ok()) return before.status();
        if (find_session(*before) == nullptr) {
          return absl::NotFoundError("no such reception session");
        }
        // The substitute's appointments (约访, 下访) during the session are read
        // under the substitute's lock, inside the transaction that adds it.
        auto zone = LoadZone(time_zone_);
        if (!zone.ok()) return zone.status();
        const auto times = SessionTimes(find_session(*before)->session, HoursOf(ctx.unit), *zone);
        StoredSubstitution stored;
        stored.plan_id = id->first;
        stored.session_date = day;
        stored.substitution.set_absent_official_id(request->absent_official_id());
        stored.substitution.set_substitute_official_id(request->substitute_official_id());
        stored.substitution.set_reason(request->reason());
        absl::Status added = receptions_->AddSubstitution(
            tx, ctx.unit.unit_id(), stored, times.front().first, times.back().second,
            [&](const ReceptionStore::SubstitutionView& seen) -> absl::Status {
              const std::vector<StoredSubstitution>& that_day = seen.that_day;
              // The day's sessions with every substitution made so far.
              std::vector<ComputedSession> sessions = *before;
              for (ComputedSession& c : sessions) {
                std::vector<Substitution> applied;
                for (const StoredSubstitution& s : that_day) {
                  if (s.plan_id != ctx.plans[c.plan].plan_id()) continue;
                  applied.push_back(Substitution{s.substitution.absent_official_id(),
                                                 s.substitution.substitute_official_id()});
                }
                c.receiving = Receiving(c.planned, applied);
              }
              const ComputedSession* target = find_session(sessions);
              absl::Status s = CheckSubstitution(
                  target->receiving,
                  Substitution{request->absent_official_id(), request->substitute_official_id()},
                  ctx.unit.unit_id(), ctx.kind, ctx.officials);
              if (absl::IsFailedPrecondition(s)) return absl::AlreadyExistsError(s.message());
              if (!s.ok()) return s;
              for (const ComputedSession& c : sessions) {
                if (&c == target || !Overlap(c.session.part, target->session.part)) continue;
                if (std::find(c.receiving.begin(), c.receiving.end(),
                              request->substitute_official_id()) != c.receiving.end()) {
                  return absl::AlreadyExistsError(
                      "the substitute already receives another session at that time");
                }
              }
              for (const v1::Appointment& a : seen.substitute_appointments) {
                const absl::Time starts = ToAbslTime(a.at());
                if (Overlaps(times, starts, starts + absl::Minutes(a.duration_minutes()))) {
                  return absl::AlreadyExistsError(
                      "the substitute has an appointment or field visit during the session");
                }
              }
              return absl::OkStatus();
            },
            call);
        if (!added.ok()) return added;
        auto after = Sessions(receptions_, *view, day, day, tx);
        if (!after.ok()) return after.status();
        const ComputedSession* c = find_session(*after);
        if (c == nullptr) return absl::InternalError("the session was not found again");
        v1::ReceptionSession out;
        ShowSession(*view, *c, &out);
        return out;
      },
      tx_options);
  if (!shown.ok()) return ToGrpcStatus(shown.status());
  *response = *std::move(shown);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::GetOnDuty(grpc::ServerContext* context,
                                          const v1::GetOnDutyRequest* request,
                                          v1::ReceptionSession* response) {
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  absl::Time at;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, request->at(), &at, &err)) {
    return ToGrpcStatus(InvalidField("at", "must be an RFC 3339 time"));
  }
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  auto on_duty = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReceptionSession> {
        auto view = LoadUnitView(directory_, receptions_, *calendar, request->unit_id(), tx);
        if (!view.ok()) return view.status();
        auto duty = DutyTimeAt(at, HoursOf(view->unit));
        if (!duty.ok()) return duty.status();
        if (!duty->has_value()) {
          return absl::NotFoundError("nobody receives at that time: outside duty hours");
        }
        auto sessions = Sessions(receptions_, *view, (*duty)->day, (*duty)->day, tx);
        if (!sessions.ok()) return sessions.status();
        for (const ComputedSession& c : *sessions) {
          if (OnDuty(c.session, **duty)) {
            v1::ReceptionSession out;
            ShowSession(*view, c, &out);
            return out;
          }
        }
        return absl::NotFoundError("the unit holds no reception session at that time");
      },
      tx_options);
  if (!on_duty.ok()) return ToGrpcStatus(on_duty.status());
  *response = *std::move(on_duty);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::CreateRecusal(grpc::ServerContext* context,
                                              const v1::CreateRecusalRequest* request,
                                              v1::Recusal* response) {
  RequestScope scope(*context);
  std::vector<std::pair<std::string, std::string>> v;
  if (request->official_id().empty()) v.emplace_back("officialId", "is required");
  if (request->case_id().empty()) v.emplace_back("caseId", "is required");
  if (!v.empty()) return ToGrpcStatus(InvalidFields(v));
  v1::Recusal recusal;
  recusal.set_official_id(request->official_id());
  recusal.set_case_id(request->case_id());
  recusal.set_reason(request->reason());
  const CreateCall call{RequestSubject(scope), request->request_id(), RequestFingerprint(*request)};
  auto created = receptions_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Recusal> {
        auto official = directory_->GetOfficial(tx, request->official_id());
        if (!official.ok()) {
          if (absl::IsNotFound(official.status())) {
            return InvalidField("officialId", "is not an official");
          }
          return official.status();
        }
        return receptions_->CreateRecusal(tx, recusal, call);
      },
      TxOptionsFor(*context));
  if (!created.ok()) return ToGrpcStatus(created.status());
  *response = *std::move(created);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListRecusals(grpc::ServerContext* context,
                                             const v1::ListRecusalsRequest* request,
                                             v1::ListRecusalsResponse* response) {
  RequestScope scope(*context);
  auto page = ParsePage(request->page_size(), request->page_token(), "rec");
  if (!page.ok()) return ToGrpcStatus(page.status());
  auto recusals = receptions_->ListRecusals(request->case_id(), request->official_id(), *page,
                                            TxOptionsFor(*context));
  if (!recusals.ok()) return ToGrpcStatus(recusals.status());
  response->set_next_page_token(
      NextPageToken(*recusals, *page, [](const v1::Recusal& r) { return r.recusal_id(); }));
  for (v1::Recusal& r : *recusals) *response->add_recusals() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::GetAssignee(grpc::ServerContext* context,
                                            const v1::GetAssigneeRequest* request,
                                            v1::Assignee* response) {
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  auto day = DateField(request->date(), "date");
  if (!day.ok()) return ToGrpcStatus(day.status());
  if (request->case_id().empty()) return ToGrpcStatus(InvalidField("caseId", "is required"));
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  auto assignee = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Assignee> {
        auto view = LoadUnitView(directory_, receptions_, *calendar, request->unit_id(), tx);
        if (!view.ok()) return view.status();
        auto recusals = receptions_->ListRecusals(tx, request->case_id(), "", kWholeList);
        if (!recusals.ok()) return recusals.status();
        absl::flat_hash_set<std::string> recused;
        for (const v1::Recusal& r : *recusals) recused.insert(r.official_id());
        auto sessions = Sessions(receptions_, *view, *day, *day, tx);
        if (!sessions.ok()) return sessions.status();
        absl::StatusOr<std::string> who = Assignee(std::nullopt, {}, 1, recused);
        const ComputedSession* from = nullptr;
        for (const ComputedSession& c : *sessions) {
          const ReceptionPlan& plan = view->domain_plans[c.plan];
          DaySession ds;
          ds.index = c.session.index;
          ds.receiving = c.receiving;
          for (const v1::SessionSubstitution& s : c.substitutions)
            ds.absent.push_back(s.absent_official_id());
          who = Assignee(ds, plan.rotation, plan.leaders_per_session, recused);
          from = &c;
          if (who.ok()) break;
        }
        if (!who.ok()) {
          // Nobody can receive the case that day: a conflict with the schedule.
          return absl::AbortedError(who.status().message());
        }
        v1::Assignee out;
        *out.mutable_official() = ShowOfficial(*view, *who);
        out.set_session_id(SessionId(view->plans[from->plan].plan_id(), from->session.date));
        return out;
      },
      tx_options);
  if (!assignee.ok()) return ToGrpcStatus(assignee.status());
  *response = *std::move(assignee);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::GetTimeZone(grpc::ServerContext* context,
                                            const v1::GetTimeZoneRequest* /*request*/,
                                            v1::TimeZoneSetting* response) {
  RequestScope scope(*context);  // the call guard lets only intake and supervision call this
  response->set_time_zone(time_zone_);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::CheckDecider(grpc::ServerContext* context,
                                             const v1::CheckDeciderRequest* request,
                                             v1::CheckDeciderResponse* response) {
  RequestScope scope(*context);  // the call guard lets only intake call this
  std::vector<std::pair<std::string, std::string>> v;
  if (request->case_id().empty()) v.emplace_back("caseId", "is required");
  if (request->official_id().empty()) v.emplace_back("officialId", "is required");
  if (request->decision() != v1::RECEIVE && request->decision() != v1::APPROVE &&
      request->decision() != v1::REVIEW_REPORT) {
    v.emplace_back("decision", "must be RECEIVE, APPROVE or REVIEW_REPORT");
  }
  if (!v.empty()) return ToGrpcStatus(InvalidFields(v));
  // What the rule looks at, in one transaction.
  struct Facts {
    v1::Official official;
    v1::Unit unit;
    std::optional<std::string> recusal_reason;
    bool township_principal = false;
  };
  auto facts = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Facts> {
        Facts f;
        auto official = directory_->GetOfficial(tx, request->official_id());
        if (!official.ok()) return official.status();
        f.official = *std::move(official);
        auto unit = directory_->GetUnit(tx, f.official.unit_id());
        if (!unit.ok()) return unit.status();
        f.unit = *std::move(unit);
        auto recusals =
            receptions_->ListRecusals(tx, request->case_id(), request->official_id(), kWholeList);
        if (!recusals.ok()) return recusals.status();
        if (!recusals->empty()) f.recusal_reason = recusals->front().reason();
        if (request->decision() == v1::REVIEW_REPORT) {
          auto led = directory_->TownshipsLedBy(tx, request->official_id());
          if (!led.ok()) return led.status();
          f.township_principal = !led->empty();
        }
        return f;
      },
      TxOptionsFor(*context));
  if (!facts.ok()) return ToGrpcStatus(facts.status());
  const v1::Official* official = &facts->official;
  const v1::Unit* unit = &facts->unit;
  const std::optional<std::string>& recusal_reason = facts->recusal_reason;
  const bool township_principal = facts->township_principal;
  const UnitKind kind = FromProto(unit->kind());
  const CaseDecision decision = request->decision() == v1::RECEIVE   ? CaseDecision::kReceive
                                : request->decision() == v1::APPROVE ? CaseDecision::kApprove
                                                                     : CaseDecision::kReviewReport;
  auto why = DeciderIneligibleReason(ToDomain(*official), kind, decision, recusal_reason,
                                     township_principal);
  response->set_eligible(!why.has_value());
  if (why.has_value()) response->set_reason(*why);
  response->set_recused(recusal_reason.has_value());
  response->set_rank(official->rank());
  response->set_unit_kind(unit->kind());
  return grpc::Status::OK;
}

}  // namespace petition::scheduling

namespace petition::scheduling {
namespace {

// The roster of `month` (YYYY-MM) as it is now, with its publication.
absl::StatusOr<v1::Roster> BuildRoster(ReceptionStore* receptions, const UnitContext& ctx,
                                       absl::CivilMonth month, pqxx::transaction_base& tx) {
  v1::Roster roster;
  roster.set_unit_id(ctx.unit.unit_id());
  roster.set_month(absl::StrFormat("%04d-%02d", month.year(), month.month()));
  const absl::CivilDay first(month);
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  roster.set_first_working_day(FormatDate(ctx.calendar->NextWorkingDayOnOrAfter(first).date));
  auto sessions = Sessions(receptions, ctx, first, last, tx);
  if (!sessions.ok()) return sessions.status();
  for (const ComputedSession& c : *sessions) ShowSession(ctx, c, roster.add_sessions());
  auto publication = receptions->GetPublication(tx, ctx.unit.unit_id(), roster.month());
  if (!publication.ok()) return publication.status();
  if (publication->has_value()) {
    const RosterPublication& p = **publication;
    roster.set_published(true);
    *roster.mutable_published_at() = ToProtoTimestamp(p.published_at);
    roster.set_late(p.late);
    *roster.mutable_published_sessions() = p.snapshot.published_sessions();
    for (const v1::ReceptionSession& s : roster.sessions()) {
      for (const v1::SessionSubstitution& sub : s.substitutions()) {
        if (ToAbslTime(sub.created_at()) <= p.published_at) continue;
        v1::RosterChange* change = roster.add_changes_since_publication();
        change->set_session_id(s.session_id());
        change->set_date(s.date());
        *change->mutable_substitution() = sub;
      }
    }
  }
  return roster;
}

absl::StatusOr<absl::CivilMonth> MonthField(const std::string& text) {
  absl::CivilMonth month;
  if (text.size() != 7 || !absl::ParseCivilTime(text, &month) || month.year() < 2000 ||
      month.year() > 2099) {
    return InvalidField("month", "must be a month YYYY-MM between 2000 and 2099");
  }
  return month;
}

}  // namespace

grpc::Status SchedulingService::GetRoster(grpc::ServerContext* context,
                                          const v1::GetRosterRequest* request,
                                          v1::Roster* response) {
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  auto month = MonthField(request->month());
  if (!month.ok()) return ToGrpcStatus(month.status());
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  auto roster = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Roster> {
        auto view = LoadUnitView(directory_, receptions_, *calendar, request->unit_id(), tx);
        if (!view.ok()) return view.status();
        return BuildRoster(receptions_, *view, *month, tx);
      },
      tx_options);
  if (!roster.ok()) return ToGrpcStatus(roster.status());
  *response = *std::move(roster);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::PublishRoster(grpc::ServerContext* context,
                                              const v1::PublishRosterRequest* request,
                                              v1::Roster* response) {
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  auto month = MonthField(request->month());
  if (!month.ok()) return ToGrpcStatus(month.status());
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  const CreateCall call{RequestSubject(scope), request->request_id(), RequestFingerprint(*request)};
  auto roster = receptions_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Roster> {
        auto view = LoadUnitView(directory_, receptions_, *calendar, request->unit_id(), tx);
        if (!view.ok()) return view.status();
        auto roster = BuildRoster(receptions_, *view, *month, tx);
        if (!roster.ok()) return roster.status();
        if (roster->published() && call.request_id.empty()) return roster;
        auto zone = LoadZone(time_zone_);
        if (!zone.ok()) return zone.status();
        const std::string today = FormatDate(absl::ToCivilDay(petition::Now(), *zone));
        const bool late = today > roster->first_working_day();  // YYYY-MM-DD sorts as dates
        v1::Roster snapshot;
        *snapshot.mutable_published_sessions() = roster->sessions();
        // Once published, this only checks the request id (a second publish changes nothing).
        auto published =
            receptions_->Publish(tx, request->unit_id(), roster->month(), late, snapshot, call);
        if (!published.ok()) return published.status();
        return BuildRoster(receptions_, *view, *month, tx);
      },
      tx_options);
  if (!roster.ok()) return ToGrpcStatus(roster.status());
  *response = *std::move(roster);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::CreateAppointment(grpc::ServerContext* context,
                                                  const v1::CreateAppointmentRequest* request,
                                                  v1::Appointment* response) {
  RequestScope scope(*context);
  std::vector<std::pair<std::string, std::string>> v;
  if (request->kind() != v1::APPOINTMENT && request->kind() != v1::FIELD_VISIT) {
    v.emplace_back("kind", "must be APPOINTMENT or FIELD_VISIT");
  }
  if (request->official_ids().empty()) v.emplace_back("officialIds", "must name an official");
  {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < request->official_ids_size(); ++i) {
      if (!seen.insert(request->official_ids(i)).second) {
        v.emplace_back(absl::StrCat("officialIds[", i, "]"), "is listed more than once");
      }
    }
  }
  if (!request->has_at()) v.emplace_back("at", "is required");
  const int minutes = request->duration_minutes() == 0 ? 60 : request->duration_minutes();
  if (minutes < 1 || minutes > 720) {
    v.emplace_back("durationMinutes", "must be between 1 and 720");
  }
  if (!v.empty()) return ToGrpcStatus(InvalidFields(v));
  const absl::Time starts = ToAbslTime(request->at());
  const absl::Time ends = starts + absl::Minutes(minutes);
  auto zone = LoadZone(time_zone_);
  if (!zone.ok()) return ToGrpcStatus(zone.status());
  const absl::CivilDay first = absl::ToCivilDay(starts, *zone);
  const absl::CivilDay last = absl::ToCivilDay(ends, *zone);
  auto calendar = calendars_->Load(TxOptionsFor(*context));
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  const CreateCall call{RequestSubject(scope), request->request_id(), RequestFingerprint(*request)};
  // The officials, their units' views and the booking: one transaction.
  auto created = receptions_->pool()->Transact(
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Appointment> {
        absl::flat_hash_map<std::string, UnitContext> units;
        std::vector<std::string> unit_ids;  // the officials' units, in the order first met
        std::vector<std::string> unit_of;   // each official's unit, parallel to official_ids
        for (int i = 0; i < request->official_ids_size(); ++i) {
          const std::string& id = request->official_ids(i);
          auto official = directory_->GetOfficial(tx, id);
          if (!official.ok()) {
            if (absl::IsNotFound(official.status())) {
              return InvalidField(absl::StrCat("officialIds[", i, "]"), "is not an official");
            }
            return official.status();
          }
          // A unit's staff (handler) book only their own unit's officials; the
          // petition office, leaders and administrators book anyone.
          if (const Principal& principal = scope.principal();
              !principal.HasAnyRole({"admin", "clerk", "leader"}) &&
              (principal.unit_id.empty() || official->unit_id() != principal.unit_id)) {
            return absl::PermissionDeniedError(
                absl::StrCat("officialIds[", i,
                             "] is not of your unit: a handler books its own unit's officials"));
          }
          unit_of.push_back(official->unit_id());
          if (!units.contains(official->unit_id())) {
            auto view = LoadUnitView(directory_, receptions_, *calendar, official->unit_id(), tx);
            if (!view.ok()) return view.status();
            units.emplace(official->unit_id(), *std::move(view));
            unit_ids.push_back(official->unit_id());
          }
        }
        // Officials receiving a session that overlaps the appointment, with the
        // substitutions the store reads under the officials' locks.
        auto session_clash =
            [&](const ReceptionStore::SubstitutionsByUnit& substitutions) -> absl::Status {
          for (int i = 0; i < request->official_ids_size(); ++i) {
            const std::string& id = request->official_ids(i);
            const UnitContext& unit = units.at(unit_of[i]);
            auto subs = substitutions.find(unit_of[i]);
            auto sessions = SessionsWith(
                unit, first, last,
                subs == substitutions.end() ? std::vector<StoredSubstitution>{} : subs->second);
            if (!sessions.ok()) return sessions.status();
            for (const ComputedSession& c : *sessions) {
              if (std::find(c.receiving.begin(), c.receiving.end(), id) == c.receiving.end())
                continue;
              if (Overlaps(SessionTimes(c.session, HoursOf(unit.unit), *zone), starts, ends)) {
                return absl::AlreadyExistsError(
                    absl::StrCat("officialIds[", i, "] receives a reception session at that time"));
              }
            }
          }
          return absl::OkStatus();
        };
        v1::Appointment appointment;
        appointment.set_kind(request->kind());
        *appointment.mutable_official_ids() = request->official_ids();
        appointment.set_case_id(request->case_id());
        *appointment.mutable_at() = request->at();
        appointment.set_duration_minutes(minutes);
        appointment.set_place(request->place());
        return receptions_->CreateAppointment(tx, appointment, unit_ids, first, last, session_clash,
                                              call);
      },
      TxOptionsFor(*context));
  if (!created.ok()) return ToGrpcStatus(created.status());
  *response = *std::move(created);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ListAppointments(grpc::ServerContext* context,
                                                 const v1::ListAppointmentsRequest* request,
                                                 v1::ListAppointmentsResponse* response) {
  RequestScope scope(*context);
  auto page = ParsePage(request->page_size(), request->page_token(), "appt");
  if (!page.ok()) return ToGrpcStatus(page.status());
  auto appointments = receptions_->ListAppointments(request->official_id(), request->case_id(),
                                                    *page, TxOptionsFor(*context));
  if (!appointments.ok()) return ToGrpcStatus(appointments.status());
  response->set_next_page_token(NextPageToken(
      *appointments, *page, [](const v1::Appointment& a) { return a.appointment_id(); }));
  for (v1::Appointment& a : *appointments) *response->add_appointments() = std::move(a);
  return grpc::Status::OK;
}

grpc::Status SchedulingService::ExportReceptions(grpc::ServerContext* context,
                                                 const v1::ListReceptionsRequest* request,
                                                 petition::v1::HttpBody* response) {
  // A calendar is the whole range: no pages.
  if (request->page_size() != 0 || !request->page_token().empty()) {
    return ToGrpcStatus(InvalidField(request->page_size() != 0 ? "pageSize" : "pageToken",
                                     "the calendar export has no pages"));
  }
  RequestScope scope(*context);
  const TxOptions tx_options = TxOptionsFor(*context);
  auto range = ReceptionRange(*request);
  if (!range.ok()) return ToGrpcStatus(range.status());
  auto calendar = calendars_->Load(tx_options);
  if (!calendar.ok()) return ToGrpcStatus(calendar.status());
  // Every session of the range and the unit, from one snapshot.
  auto shown = receptions_->pool()->Read(
      [&](pqxx::transaction_base& tx) {
        return ShowSessions(directory_, receptions_, *calendar, request->unit_id(), range->first,
                            range->second, tx);
      },
      tx_options);
  if (!shown.ok()) return ToGrpcStatus(shown.status());
  const v1::Unit& unit = shown->unit;
  response->set_content_type("text/calendar; charset=utf-8");
  response->set_data(ReceptionsCalendar(absl::StrCat(unit.name(), " 信访接待"), shown->sessions,
                                        HoursOf(unit), petition::Now()));
  return grpc::Status::OK;
}

}  // namespace petition::scheduling
