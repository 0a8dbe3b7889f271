#include "services/intake/domain/confidentiality.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "common/utf8.h"

namespace petition::intake {
namespace {

std::string MaskMiddle(std::string_view s, size_t keep_front, size_t keep_back) {
  if (s.size() <= keep_front + keep_back) return std::string(s.size(), '*');
  return std::string(s.substr(0, keep_front)) +
         std::string(s.size() - keep_front - keep_back, '*') +
         std::string(s.substr(s.size() - keep_back));
}

}  // namespace

CaseUnits UnitsOf(const v1::Case& c) {
  return CaseUnits{{c.handling_unit_ids().begin(), c.handling_unit_ids().end()},
                   {c.reported_unit_ids().begin(), c.reported_unit_ids().end()}};
}

bool MayReadCase(const Principal& principal, const v1::Case& c) {
  return petition::MayReadCase(principal, UnitsOf(c));
}

bool MaySeeIdentity(const Principal& principal, const v1::Case& c) {
  return petition::MaySeeIdentity(principal, UnitsOf(c));
}

bool HiddenFrom(const Principal& principal, const v1::Case& c) {
  return petition::HiddenFrom(principal, UnitsOf(c));
}

absl::Status CheckAccusedNotAssigned(
    const google::protobuf::RepeatedPtrField<std::string>& reported_unit_ids,
    const google::protobuf::RepeatedPtrField<std::string>& handling_unit_ids,
    const std::string& handling_field, const std::string& leader_unit_id) {
  const CaseUnits units{{}, {reported_unit_ids.begin(), reported_unit_ids.end()}};
  std::vector<std::pair<std::string, std::string>> violations;
  for (int i = 0; i < handling_unit_ids.size(); ++i) {
    if (ReportsUnit(units, handling_unit_ids[i])) {
      violations.emplace_back(absl::StrCat(handling_field, "[", i, "]"),
                              "is a unit this case reports: it cannot handle it (A30)");
    }
  }
  if (ReportsUnit(units, leader_unit_id)) {
    violations.emplace_back("leaderId",
                            "is an official of a unit this case reports: they cannot receive it "
                            "(A30)");
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidFields(violations);
}

void OmitRepeatLinks(v1::Case& c, const std::vector<std::string>& hidden) {
  if (hidden.empty()) return;
  auto* links = c.mutable_repeat_of_case_ids();
  links->erase(std::remove_if(links->begin(), links->end(),
                              [&](const std::string& id) {
                                return std::find(hidden.begin(), hidden.end(), id) != hidden.end();
                              }),
               links->end());
}

std::string MaskName(std::string_view name) {
  size_t len = petition::Utf8Length(name);
  if (len == 0) return "";
  return std::string(petition::Utf8Prefix(name, 1)) +
         std::string(std::max<size_t>(len - 1, 1), '*');
}

void MaskIdentity(v1::Case& c) {
  for (v1::Petitioner& p : *c.mutable_petitioners()) {
    p.set_name(MaskName(p.name()));
    p.set_id_number(MaskMiddle(p.id_number(), 6, 4));
    p.set_phone(MaskMiddle(p.phone(), 3, 4));
    if (!p.address().empty())
      p.set_address(std::string(petition::Utf8Prefix(p.address(), 6)) + "***");
  }
  // The query code is the petitioner's credential for the public view and
  // rating: whoever may not see who they are does not get it either (a
  // handling unit could otherwise rate its own work in their name).
  c.clear_query_code();
  c.set_identity_masked(true);
}

std::string MaskQueryCode(const std::string& text, const std::string& code) {
  if (code.empty()) return text;
  return absl::StrReplaceAll(text, {{code, std::string(code.size(), '*')}});
}

}  // namespace petition::intake
