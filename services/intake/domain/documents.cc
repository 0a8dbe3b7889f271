#include "services/intake/domain/documents.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace petition::intake {

absl::StatusOr<std::string> RenderTemplate(const std::string& body,
                                           const std::map<std::string, std::string>& fields) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t open = body.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = body.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(body.substr(pos, open - pos));
    const std::string name(body.substr(open + 2, close - open - 2));
    if (name == kPetitionerField) {
      out.append(body.substr(open, close + 2 - open));
    } else {
      auto it = fields.find(name);
      if (it == fields.end()) {
        return absl::InternalError(
            absl::StrCat("a document template names an unknown fact: ", name));
      }
      // A value never introduces a placeholder of its own.
      out.append(absl::StrReplaceAll(it->second, {{"{{", "{ {"}, {"}}", "} }"}}));
    }
    pos = close + 2;
  }
  out.append(body.substr(pos));
  return out;
}

std::string FillPetitioner(const std::string& text, const std::string& names) {
  return absl::StrReplaceAll(text, {{absl::StrCat("{{", kPetitionerField, "}}"), names}});
}

std::string PetitionerAddressee(const v1::Case& c) {
  if (c.anonymous()) {
    switch (c.channel()) {
      case v1::CALL:
        return "匿名来电人";
      case v1::ONLINE:
        return "匿名网上信访人";
      default:
        return "匿名来信人";
    }
  }
  std::vector<std::string> names;
  for (const v1::Petitioner& p : c.petitioners()) names.push_back(p.name());
  return names.empty() ? "信访人" : absl::StrJoin(names, "、");
}

std::string InstructionLine(const std::string& instruction) {
  if (instruction.empty()) return "";
  std::string line = absl::StrCat("按照接访领导指示：", instruction);
  if (!absl::EndsWith(line, "。")) line += "。";
  return line;
}

std::string DocumentNumber(const std::string& abbreviation, int year, int serial) {
  return absl::StrCat(abbreviation, "信〔", year, "〕", serial, "号");
}

std::string ChineseDate(absl::CivilDay day) {
  return absl::StrCat(day.year(), "年", day.month(), "月", day.day(), "日");
}

std::string RouteWords(v1::DeclineRoute route) {
  switch (route) {
    case v1::OTHER_AUTHORITY:
      return "向其他有权机关提出";
    case v1::LITIGATION:
      return "诉讼";
    case v1::ARBITRATION:
      return "仲裁";
    case v1::ADMINISTRATIVE_REVIEW:
      return "行政复议";
    case v1::DISCIPLINE_INSPECTION:
      return "纪检监察";
    default:
      return "其他法定";
  }
}

std::string ComplexityWords(v1::Complexity complexity) {
  switch (complexity) {
    case v1::SIMPLE:
      return "简易";
    case v1::ORDINARY:
      return "普通";
    case v1::COMPLEX:
      return "复杂";
    default:
      return "普通";
  }
}

std::string OutcomeWords(v1::Outcome outcome) {
  switch (outcome) {
    case v1::UPHELD:
      return "予以支持";
    case v1::EXPLAINED:
      return "解释说明";
    case v1::NOT_UPHELD:
      return "不予支持";
    default:
      return "";
  }
}

}  // namespace petition::intake
