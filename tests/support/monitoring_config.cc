#include "tests/support/monitoring_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace petition::testing {

std::string SourceDir() {
  const char* dir = std::getenv("PETITION_SOURCE_DIR");
  return dir != nullptr && *dir != '\0' ? dir : PETITION_SOURCE_DIR_DEFAULT;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ReadAlertRules(const std::string& yaml, std::vector<std::string>* exprs,
                    std::set<std::string>* recorded) {
  std::vector<std::string> lines = absl::StrSplit(yaml, '\n');
  auto indent = [](const std::string& l) { return l.find_first_not_of(' '); };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const size_t at = indent(line);
    if (at == std::string::npos) continue;
    absl::string_view rest = absl::string_view(line).substr(at);
    if (absl::ConsumePrefix(&rest, "- ")) {
    }
    if (absl::ConsumePrefix(&rest, "record:")) {
      recorded->insert(std::string(absl::StripAsciiWhitespace(rest)));
      continue;
    }
    if (!absl::ConsumePrefix(&rest, "expr:")) continue;
    std::string value(absl::StripAsciiWhitespace(rest));
    if (value == "|" || value == ">" || value == "|-" || value == ">-") {
      value.clear();
      for (size_t j = i + 1; j < lines.size(); ++j) {
        const size_t next = indent(lines[j]);
        if (next != std::string::npos && next <= at) break;
        value += lines[j] + "\n";
      }
    }
    exprs->push_back(value);
  }
}

void CollectDashboardExprs(const google::protobuf::Value& v, std::vector<std::string>* exprs) {
  if (v.has_struct_value()) {
    for (const auto& [key, field] : v.struct_value().fields()) {
      if (field.has_string_value() && (key == "expr" || key == "definition" || key == "query")) {
        std::string text = field.string_value();
        absl::string_view view(text);
        if (absl::ConsumePrefix(&view, "label_values(")) {
          // label_values(<selector>, <label>): the selector only.
          text = std::string(view.substr(0, view.rfind(',')));
        }
        if (key == "expr" || text != field.string_value()) exprs->push_back(text);
      } else {
        CollectDashboardExprs(field, exprs);
      }
    }
  } else if (v.has_list_value()) {
    for (const auto& item : v.list_value().values()) CollectDashboardExprs(item, exprs);
  }
}

}  // namespace petition::testing
