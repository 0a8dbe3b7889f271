#include "services/supervision/store/policy_codec.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/json_util.h"

namespace petition::supervision {
namespace {

v1::Limit LimitToProto(const Limit& limit) {
  v1::Limit out;
  out.set_days(limit.days);
  out.set_unit(limit.unit == DayUnit::kWorkingDays ? v1::WORKING_DAYS : v1::CALENDAR_DAYS);
  return out;
}

absl::StatusOr<Limit> LimitFromProto(bool present, const v1::Limit& limit,
                                     const std::string& field) {
  if (!present) return InvalidField(field, "is required");
  Limit out;
  out.days = limit.days();
  switch (limit.unit()) {
    case v1::CALENDAR_DAYS:
      out.unit = DayUnit::kCalendarDays;
      break;
    case v1::WORKING_DAYS:
      out.unit = DayUnit::kWorkingDays;
      break;
    default:
      return InvalidField(field + ".unit", "must be CALENDAR_DAYS or WORKING_DAYS");
  }
  return out;
}

// Leader approval (approval_policy.h): optional in the message, so that a
// policy stored or sent before it existed reads with the defaults.
void ApprovalToProto(const ApprovalPolicy& approval, v1::DeadlinePolicy& out) {
  out.mutable_approval()->set_days(approval.days);
  out.mutable_approval()->set_unit(approval.working_days ? v1::WORKING_DAYS : v1::CALENDAR_DAYS);
  for (const std::string& role : approval.roles) {
    petition::v1::ApprovalRole r;
    if (petition::v1::ApprovalRole_Parse(role, &r)) out.add_approvals(r);
  }
}

absl::StatusOr<ApprovalPolicy> ApprovalFromProto(const v1::DeadlinePolicy& m) {
  ApprovalPolicy out;
  if (m.has_approval()) {
    auto limit = LimitFromProto(true, m.approval(), "approval");
    if (!limit.ok()) return limit.status();
    out.days = limit->days;
    out.working_days = limit->unit == DayUnit::kWorkingDays;
  }
  if (!m.approvals().empty()) {
    out.roles.clear();
    for (int i = 0; i < m.approvals_size(); ++i) {
      const auto role = static_cast<petition::v1::ApprovalRole>(m.approvals(i));
      if (role != petition::v1::RECEIVING_LEADER && role != petition::v1::LEADER_IN_CHARGE) {
        return InvalidField(absl::StrCat("approvals[", i, "]"),
                            "must be RECEIVING_LEADER or LEADER_IN_CHARGE");
      }
      out.roles.push_back(petition::v1::ApprovalRole_Name(role));
    }
  }
  return out;
}

}  // namespace

const char* DayUnitName(DayUnit unit) {
  return unit == DayUnit::kWorkingDays ? "WORKING_DAYS" : "CALENDAR_DAYS";
}

absl::StatusOr<DayUnit> DayUnitFromName(const std::string& name) {
  if (name == "WORKING_DAYS") return DayUnit::kWorkingDays;
  if (name == "CALENDAR_DAYS") return DayUnit::kCalendarDays;
  return absl::DataLossError("unknown day unit");
}

v1::DeadlinePolicy PolicyToProto(const DeadlinePolicy& policy) {
  v1::DeadlinePolicy out;
  out.set_time_zone(policy.time_zone);
  *out.mutable_acceptance() = LimitToProto(policy.acceptance);
  (*out.mutable_handling())["SIMPLE"] = LimitToProto(policy.handling_simple);
  (*out.mutable_handling())["ORDINARY"] = LimitToProto(policy.handling_ordinary);
  (*out.mutable_handling())["COMPLEX"] = LimitToProto(policy.handling_complex);
  *out.mutable_extension_max() = LimitToProto(policy.extension_max);
  *out.mutable_review_window() = LimitToProto(policy.review_window);
  *out.mutable_due_soon() = LimitToProto(policy.due_soon);
  out.set_roll_to_working_day(policy.roll_to_working_day);
  for (const std::string& c : policy.extendable) out.add_extendable(c);
  auto& orders = *out.mutable_order_response();
  orders["REMINDER"] = LimitToProto(policy.order_response.reminder);
  orders["ORDER"] = LimitToProto(policy.order_response.order);
  orders["LISTED"] = LimitToProto(policy.order_response.listed);
  orders["SUMMONS"] = LimitToProto(policy.order_response.summons);
  ApprovalToProto(policy.approval, out);
  out.set_county_feedback_review(policy.county_feedback_review);
  *out.mutable_review_answer() = LimitToProto(policy.review_answer);
  *out.mutable_recheck_window() = LimitToProto(policy.recheck_window);
  *out.mutable_recheck_answer() = LimitToProto(policy.recheck_answer);
  *out.mutable_objection() = LimitToProto(policy.objection);
  return out;
}

absl::StatusOr<DeadlinePolicy> PolicyFromProto(const v1::DeadlinePolicy& m) {
  DeadlinePolicy p;
  if (m.time_zone().empty()) return InvalidField("timeZone", "is required");
  p.time_zone = m.time_zone();
  for (const auto& [key, unused] : m.handling()) {
    if (key != "SIMPLE" && key != "ORDINARY" && key != "COMPLEX") {
      return InvalidField("handling", "keys must be SIMPLE, ORDINARY and COMPLEX");
    }
  }
  struct Field {
    bool present;
    const v1::Limit* limit;
    std::string name;
    Limit* out;
  };
  auto handling = [&](const char* key) -> const v1::Limit* {
    auto it = m.handling().find(key);
    return it == m.handling().end() ? &v1::Limit::default_instance() : &it->second;
  };
  const Field fields[] = {
      {m.has_acceptance(), &m.acceptance(), "acceptance", &p.acceptance},
      {m.handling().contains("SIMPLE"), handling("SIMPLE"), "handling.SIMPLE", &p.handling_simple},
      {m.handling().contains("ORDINARY"), handling("ORDINARY"), "handling.ORDINARY",
       &p.handling_ordinary},
      {m.handling().contains("COMPLEX"), handling("COMPLEX"), "handling.COMPLEX",
       &p.handling_complex},
      {m.has_extension_max(), &m.extension_max(), "extensionMax", &p.extension_max},
      {m.has_review_window(), &m.review_window(), "reviewWindow", &p.review_window},
      {m.has_due_soon(), &m.due_soon(), "dueSoon", &p.due_soon},
  };
  for (const Field& f : fields) {
    auto limit = LimitFromProto(f.present, *f.limit, f.name);
    if (!limit.ok()) return limit.status();
    *f.out = *limit;
  }
  p.roll_to_working_day = m.roll_to_working_day();
  // Absent (a client or a stored policy from before these fields): the
  // defaults.
  if (!m.extendable().empty()) p.extendable.assign(m.extendable().begin(), m.extendable().end());
  for (const auto& [key, unused] : m.order_response()) {
    if (key != "REMINDER" && key != "ORDER" && key != "LISTED" && key != "SUMMONS") {
      return InvalidField("orderResponse", "keys must be REMINDER, ORDER, LISTED and SUMMONS");
    }
  }
  const std::pair<const char*, Limit*> windows[] = {
      {"REMINDER", &p.order_response.reminder},
      {"ORDER", &p.order_response.order},
      {"LISTED", &p.order_response.listed},
      {"SUMMONS", &p.order_response.summons},
  };
  for (const auto& [key, out] : windows) {
    auto it = m.order_response().find(key);
    if (it == m.order_response().end()) continue;
    auto limit = LimitFromProto(true, it->second, absl::StrCat("orderResponse.", key));
    if (!limit.ok()) return limit.status();
    *out = *limit;
  }
  auto approval = ApprovalFromProto(m);
  if (!approval.ok()) return approval.status();
  p.approval = *std::move(approval);
  if (m.has_county_feedback_review()) p.county_feedback_review = m.county_feedback_review();
  // Limits added after the first policies: absent (a client or a stored
  // policy from before them), each keeps the regulation's value: 30 calendar
  // days for the review's answer and the recheck's window and answer
  // (A35, A36), 5 working days for the objection period (A23).
  const Field optional_fields[] = {
      {m.has_review_answer(), &m.review_answer(), "reviewAnswer", &p.review_answer},
      {m.has_recheck_window(), &m.recheck_window(), "recheckWindow", &p.recheck_window},
      {m.has_recheck_answer(), &m.recheck_answer(), "recheckAnswer", &p.recheck_answer},
      {m.has_objection(), &m.objection(), "objection", &p.objection},
  };
  for (const Field& f : optional_fields) {
    if (!f.present) continue;
    auto limit = LimitFromProto(true, *f.limit, f.name);
    if (!limit.ok()) return limit.status();
    *f.out = *limit;
  }
  return p;
}

std::string PolicyToJson(const DeadlinePolicy& policy) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(PolicyToProto(policy), &out, options);
  return out;
}

absl::StatusOr<DeadlinePolicy> PolicyFromJson(const std::string& json) {
  v1::DeadlinePolicy m;
  if (!google::protobuf::util::JsonStringToMessage(json, &m).ok()) {
    return absl::DataLossError("a stored deadline policy does not parse");
  }
  // Decoded, not judged again: a policy stored under older rules keeps
  // counting the deadlines opened under it.
  auto p = PolicyFromProto(m);
  if (!p.ok()) return absl::DataLossError("a stored deadline policy is not valid");
  return p;
}

}  // namespace petition::supervision
