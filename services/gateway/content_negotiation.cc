#include "services/gateway/content_negotiation.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace petition::gateway {
namespace {

struct Range {
  std::string type;    // "application/pdf", "application/*", "*/*"
  double quality = 1;  // 0..1
};

// One element of the Accept list: a range and its parameters ("q=0.5").
bool ParseRange(absl::string_view element, Range& out) {
  std::vector<absl::string_view> parts = absl::StrSplit(element, ';');
  absl::string_view type = absl::StripAsciiWhitespace(parts[0]);
  if (type.empty() || type.find('/') == absl::string_view::npos) return false;
  out.type = absl::AsciiStrToLower(type);
  out.quality = 1;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
    if (!absl::StartsWithIgnoreCase(param, "q=")) continue;
    std::string value(param.substr(2));
    char* end = nullptr;
    const double q = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || !(q >= 0 && q <= 1)) return false;
    out.quality = q;
  }
  return true;
}

// How specifically `range` names `type`: 3 exact, 2 "type/*", 1 "*/*", 0 not at all.
int Specificity(const std::string& range, const std::string& type) {
  if (range == type) return 3;
  if (range == "*/*") return 1;
  if (absl::EndsWith(range, "/*")) {
    const absl::string_view prefix = absl::string_view(range).substr(0, range.size() - 1);
    if (absl::StartsWith(type, prefix)) return 2;
  }
  return 0;
}

}  // namespace

std::size_t PreferredMediaType(absl::string_view accept, const std::vector<std::string>& offered) {
  std::vector<Range> ranges;
  for (absl::string_view element : absl::StrSplit(accept, ',', absl::SkipWhitespace())) {
    Range range;
    if (!ParseRange(element, range)) return 0;
    ranges.push_back(std::move(range));
  }
  std::size_t best = 0;
  double best_quality = 0;
  int best_specificity = 0;
  for (std::size_t i = 0; i < offered.size(); ++i) {
    // The quality of an offer is that of the most specific range naming it.
    int specificity = 0;
    double quality = 0;
    for (const Range& range : ranges) {
      const int s = Specificity(range.type, offered[i]);
      if (s > specificity) {
        specificity = s;
        quality = range.quality;
      }
    }
    if (specificity == 0 || quality == 0) continue;
    if (quality > best_quality || (quality == best_quality && specificity > best_specificity)) {
      best = i;
      best_quality = quality;
      best_specificity = specificity;
    }
  }
  return best;
}

absl::Status CheckJsonContentType(absl::string_view content_type) {
  if (absl::StripAsciiWhitespace(content_type).empty()) {
    return absl::InvalidArgumentError("no Content-Type: send a JSON body as application/json");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(content_type, ';');
  if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(parts[0]), "application/json")) {
    return absl::InvalidArgumentError(
        "this route takes a JSON body: send it as Content-Type: application/json");
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
    if (parameter.empty()) continue;  // "application/json;" is still JSON
    const std::size_t equals = parameter.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError("malformed Content-Type parameter: expected name=value");
    }
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(parameter.substr(0, equals)),
                                "charset")) {
      continue;  // RFC 9110 §8.3.2: parameters the recipient does not know are ignored
    }
    absl::string_view charset = absl::StripAsciiWhitespace(parameter.substr(equals + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!absl::EqualsIgnoreCase(charset, "utf-8")) {
      return absl::InvalidArgumentError(
          "a JSON body must be UTF-8: send Content-Type: application/json (charset=utf-8 or none)");
    }
  }
  return absl::OkStatus();
}

}  // namespace petition::gateway
