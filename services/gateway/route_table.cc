#include "services/gateway/route_table.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace petition::gateway {

namespace {

using Leaf = std::map<std::string, std::size_t>;  // HTTP verb -> index into routes_

}  // namespace

struct RouteTable::Node {
  absl::flat_hash_map<std::string, std::unique_ptr<Node>> literals;
  std::unique_ptr<Node> single;  // "{field}" or "*"
  std::unique_ptr<Node> multi;   // "**": consumes the rest of the path
  // custom verb ("" for none) -> leaf.
  std::map<std::string, Leaf> leaves;

  // Depth-first in precedence order: literal, then "{field}"/"*", then "**".
  // Calls `visit` with each leaf reached; stops when it returns true.
  bool Walk(const std::vector<absl::string_view>& segments, std::size_t index,
            const std::string& custom_verb, absl::FunctionRef<bool(const Leaf&)> visit) const {
    if (index == segments.size()) {
      auto leaf = leaves.find(custom_verb);
      if (leaf != leaves.end() && visit(leaf->second)) return true;
    } else {
      auto literal = literals.find(segments[index]);
      if (literal != literals.end() &&
          literal->second->Walk(segments, index + 1, custom_verb, visit)) {
        return true;
      }
      if (single != nullptr && !segments[index].empty() &&
          single->Walk(segments, index + 1, custom_verb, visit)) {
        return true;
      }
    }
    if (multi != nullptr) {
      auto leaf = multi->leaves.find(custom_verb);
      if (leaf != multi->leaves.end() && visit(leaf->second)) return true;
    }
    return false;
  }
};

namespace {

// A template taken apart.
struct Parsed {
  enum class Kind { kLiteral, kSingle, kMulti };
  struct Segment {
    Kind kind;
    std::string literal;
  };
  std::vector<Segment> segments;
  std::string custom_verb;
  std::vector<std::string> variables;
  std::vector<std::size_t> variable_positions;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsIdent(absl::string_view s) {
  if (s.empty()) return false;
  if (!absl::ascii_isalpha(s[0]) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

bool IsLiteral(absl::string_view s) {
  return !s.empty() && s.find_first_of("{}*:?#") == absl::string_view::npos;
}

absl::Status TemplateError(absl::string_view path_template, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("path template \"", path_template, "\": ", why));
}

absl::StatusOr<Parsed> ParseTemplate(absl::string_view path_template) {
  if (path_template.empty() || path_template[0] != '/') {
    return TemplateError(path_template, "must start with '/'");
  }
  absl::string_view rest = path_template.substr(1);
  Parsed parsed;
  // The custom verb follows the last ':' after the last '/', outside braces.
  std::size_t last_slash = rest.rfind('/');
  std::size_t last_start = last_slash == absl::string_view::npos ? 0 : last_slash + 1;
  std::size_t close = rest.rfind('}');
  std::size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos && colon >= last_start &&
      (close == absl::string_view::npos || colon > close)) {
    absl::string_view verb = rest.substr(colon + 1);
    if (!IsLiteral(verb)) return TemplateError(path_template, "bad custom verb");
    parsed.custom_verb = std::string(verb);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return parsed;  // "/" (or "/:verb")
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view segment : absl::StrSplit(rest, '/')) {
    if (!parsed.segments.empty() && parsed.segments.back().kind == Parsed::Kind::kMulti) {
      return TemplateError(path_template, "'**' must be the last segment");
    }
    if (segment == "*") {
      parsed.segments.push_back({Parsed::Kind::kSingle, ""});
    } else if (segment == "**") {
      parsed.segments.push_back({Parsed::Kind::kMulti, ""});
    } else if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      absl::string_view field = segment.substr(1, segment.size() - 2);
      if (field.find('=') != absl::string_view::npos) {
        return TemplateError(path_template, "\"{field=...}\" variables are not supported");
      }
      for (absl::string_view part : absl::StrSplit(field, '.')) {
        if (!IsIdent(part)) {
          return TemplateError(path_template, absl::StrCat("bad field path \"", field, "\""));
        }
      }
      if (!seen.insert(std::string(field)).second) {
        return TemplateError(path_template, absl::StrCat("field \"", field, "\" bound twice"));
      }
      parsed.variables.push_back(std::string(field));
      parsed.variable_positions.push_back(parsed.segments.size());
      parsed.segments.push_back({Parsed::Kind::kSingle, ""});
    } else if (IsLiteral(segment)) {
      parsed.segments.push_back({Parsed::Kind::kLiteral, std::string(segment)});
    } else {
      return TemplateError(path_template, absl::StrCat("bad segment \"", segment, "\"",
                                                       segment.empty() ? " (empty)" : ""));
    }
  }
  return parsed;
}

}  // namespace

std::string PercentDecode(absl::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

RouteTable::RouteTable() : root_(std::make_unique<Node>()) {}
RouteTable::~RouteTable() = default;

RouteTable::Builder::Builder() : table_(new RouteTable()) {}
RouteTable::Builder::~Builder() = default;

absl::Status RouteTable::Builder::Add(absl::string_view verb, absl::string_view path_template,
                                      std::size_t payload) {
  absl::Status status = [&]() -> absl::Status {
    if (verb.empty() || !std::all_of(verb.begin(), verb.end(), absl::ascii_isupper)) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP verb \"", verb, "\" must be upper-case letters"));
    }
    absl::StatusOr<Parsed> parsed = ParseTemplate(path_template);
    if (!parsed.ok()) return parsed.status();
    Node* node = table_->root_.get();
    for (const Parsed::Segment& segment : parsed->segments) {
      std::unique_ptr<Node>* next = nullptr;
      switch (segment.kind) {
        case Parsed::Kind::kLiteral:
          next = &node->literals[segment.literal];
          break;
        case Parsed::Kind::kSingle:
          next = &node->single;
          break;
        case Parsed::Kind::kMulti:
          next = &node->multi;
          break;
      }
      if (*next == nullptr) *next = std::make_unique<Node>();
      node = next->get();
    }
    auto& by_verb = node->leaves[parsed->custom_verb];
    auto existing = by_verb.find(std::string(verb));
    if (existing != by_verb.end()) {
      return absl::AlreadyExistsError(
          absl::StrCat("duplicate route ", verb, " ", path_template, " (same shape as ",
                       table_->routes_[existing->second]->path_template, ")"));
    }
    auto route = std::make_unique<Route>();
    route->verb = std::string(verb);
    route->path_template = std::string(path_template);
    route->payload = payload;
    route->variables = parsed->variables;
    by_verb.emplace(route->verb, table_->routes_.size());
    table_->routes_.push_back(std::move(route));
    table_->positions_.push_back(parsed->variable_positions);
    if (!parsed->custom_verb.empty()) table_->custom_verbs_.insert(parsed->custom_verb);
    return absl::OkStatus();
  }();
  if (!status.ok() && first_error_.ok()) first_error_ = status;
  return status;
}

absl::StatusOr<std::unique_ptr<RouteTable>> RouteTable::Builder::Build() && {
  if (!first_error_.ok()) return first_error_;
  return std::move(table_);
}

RouteTable::MatchResult RouteTable::Match(absl::string_view verb, absl::string_view path) const {
  MatchResult result;
  if (path.empty() || path[0] != '/') return result;
  std::vector<absl::string_view> segments;
  if (path.size() > 1) segments = absl::StrSplit(path.substr(1), '/');

  // Candidates: with a registered custom verb split off the last segment, then
  // the path as it is (so "/v1/cases/a:b" still binds "a:b" to "{case_id}").
  std::vector<std::pair<std::vector<absl::string_view>, std::string>> candidates;
  if (!segments.empty()) {
    absl::string_view last = segments.back();
    std::size_t colon = last.rfind(':');
    if (colon != absl::string_view::npos &&
        custom_verbs_.contains(std::string(last.substr(colon + 1)))) {
      std::vector<absl::string_view> split = segments;
      split.back() = last.substr(0, colon);
      candidates.emplace_back(std::move(split), std::string(last.substr(colon + 1)));
    }
  }
  candidates.emplace_back(segments, "");

  // The first candidate that reaches any route decides: its route for this
  // verb, or 405 with the verbs it has.
  const std::string verb_key(verb);
  for (const auto& [candidate, custom_verb] : candidates) {
    std::size_t found = routes_.size();
    root_->Walk(candidate, 0, custom_verb, [&](const Leaf& leaf) {
      auto it = leaf.find(verb_key);
      if (it == leaf.end()) return false;
      found = it->second;
      return true;
    });
    if (found != routes_.size()) {
      result.outcome = Outcome::kMatched;
      result.route = routes_[found].get();
      const std::vector<std::size_t>& positions = positions_[found];
      for (std::size_t i = 0; i < positions.size(); ++i) {
        result.bindings.push_back(
            {result.route->variables[i], PercentDecode(candidate[positions[i]])});
      }
      return result;
    }
    std::set<std::string> allowed;
    root_->Walk(candidate, 0, custom_verb, [&](const Leaf& leaf) {
      for (const auto& [http_verb, index] : leaf) allowed.insert(http_verb);
      return false;  // keep collecting
    });
    if (!allowed.empty()) {
      result.outcome = Outcome::kMethodNotAllowed;
      result.allowed.assign(allowed.begin(), allowed.end());
      return result;
    }
  }
  return result;
}

}  // namespace petition::gateway
