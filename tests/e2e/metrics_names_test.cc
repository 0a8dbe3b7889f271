// Every metric the alert rules (deploy/prometheus/alerts.yml) and the Grafana dashboard
// (deploy/grafana/dashboard.json) name is exported by one of the real processes: the four
// binaries are started, given a little traffic, and their /metrics scraped. An alert on a
// series nothing emits never fires, and promtool's rule tests cannot tell.
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/monitoring_config.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Removes quoted strings and the bracketed parts that hold no metric names: label matchers
// {...}, ranges [...], and the label lists of by/without/on/ignoring/group_left/group_right.
std::string StripNonMetricParts(const std::string& expr) {
  std::string out;
  for (size_t i = 0; i < expr.size(); ++i) {
    const char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      for (++i; i < expr.size() && expr[i] != c; ++i) {
        if (expr[i] == '\\') ++i;
      }
      out += ' ';
      continue;
    }
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      while (i < expr.size() && expr[i] != close) ++i;
      out += ' ';
      continue;
    }
    out += c;
  }
  // The label list after a grouping keyword.
  static const char* kGrouping[] = {"by", "without", "on", "ignoring", "group_left", "group_right"};
  std::string result;
  for (size_t i = 0; i < out.size();) {
    if (IsIdentStart(out[i]) && (i == 0 || !IsIdentChar(out[i - 1]))) {
      size_t j = i;
      while (j < out.size() && IsIdentChar(out[j])) ++j;
      const std::string word = out.substr(i, j - i);
      result += word;
      bool grouping = false;
      for (const char* g : kGrouping) grouping = grouping || word == g;
      if (grouping) {
        size_t k = j;
        while (k < out.size() && std::isspace(static_cast<unsigned char>(out[k]))) ++k;
        if (k < out.size() && out[k] == '(') {
          while (k < out.size() && out[k] != ')') ++k;
          j = k + 1;
          result += ' ';
        }
      }
      i = j;
      continue;
    }
    result += out[i++];
  }
  return result;
}

// The metric names a PromQL expression selects: identifiers that are not functions (followed
// by "("), keywords, aggregation operators, numbers or Grafana variables.
std::set<std::string> MetricNamesIn(const std::string& expr) {
  static const std::set<std::string> kKeywords = {
      // operators and modifiers
      "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
      "offset", "inf", "nan", "Inf", "NaN",
      // aggregation operators (followed by "by (...)" rather than "(" at times)
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk",
      "topk", "quantile"};
  const std::string s = StripNonMetricParts(expr);
  std::set<std::string> names;
  for (size_t i = 0; i < s.size();) {
    if (!IsIdentStart(s[i]) ||
        (i > 0 && (IsIdentChar(s[i - 1]) || s[i - 1] == '$' || s[i - 1] == '.'))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsIdentChar(s[j])) ++j;
    const std::string word = s.substr(i, j - i);
    size_t k = j;
    while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
    const bool function = k < s.size() && s[k] == '(';
    if (!function && kKeywords.count(word) == 0) names.insert(word);
    i = j;
  }
  return names;
}

// Sample names of a Prometheus text exposition.
std::set<std::string> ExportedNames(const std::string& text) {
  std::set<std::string> names;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t end = 0;
    while (end < line.size() && IsIdentChar(line[end])) ++end;
    if (end > 0) names.insert(std::string(line.substr(0, end)));
  }
  return names;
}

TEST(MetricNamesIn, FindsSelectorsAndSkipsFunctionsLabelsAndRanges) {
  EXPECT_EQ(MetricNamesIn(R"(histogram_quantile(0.99, sum by (le, grpc_method) )"
                          R"((rate(a_seconds_bucket{job="x", code=~"A|B"}[5m]))))"),
            (std::set<std::string>{"a_seconds_bucket"}));
  EXPECT_EQ(MetricNamesIn("max without (instance, pod) (b_pending) > 100 and c_total > 0.1"),
            (std::set<std::string>{"b_pending", "c_total"}));
  EXPECT_EQ(MetricNamesIn(R"(sum(rate(d_total{s=~"$svc"}[$__rate_interval])) / on (s) e)"),
            (std::set<std::string>{"d_total", "e"}));
  EXPECT_EQ(MetricNamesIn("rec:rule:rate5m > 0.5"), (std::set<std::string>{"rec:rule:rate5m"}));
}

TEST(MetricNames, EveryMetricOfTheAlertsAndTheDashboardIsExported) {
  std::vector<std::string> exprs;
  std::set<std::string> recorded;
  ReadAlertRules(ReadFile(SourceDir() + "/deploy/prometheus/alerts.yml"), &exprs, &recorded);
  const size_t alert_exprs = exprs.size();
  ASSERT_GE(alert_exprs, 5u) << "alerts.yml: expressions not found";
  google::protobuf::Value dashboard;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ReadFile(SourceDir() + "/deploy/grafana/dashboard.json"), &dashboard)
                  .ok());
  CollectDashboardExprs(dashboard, &exprs);
  ASSERT_GT(exprs.size(), alert_exprs) << "dashboard.json: expressions not found";

  // What Prometheus makes itself, and what the rules record.
  std::set<std::string> exported = {"up", "scrape_duration_seconds", "scrape_samples_scraped"};
  exported.insert(recorded.begin(), recorded.end());

  auto stack = TestStack::Start("metrics");
  ASSERT_TRUE(stack.ok()) << stack.status();
  // A little traffic, so that the per-call series exist: a registration (and its event
  // delivered to supervision), a read, a calendar call, an error.
  const std::string clerk = (*stack)->Token({"clerk"}, "off_clerk1");
  auto created = (*stack)->Call("POST", "/v1/cases", R"({
    "requestId": "metrics-1", "channel": "VISIT", "category": "RIGHTS_INFRINGEMENT",
    "subject": "宅基地纠纷", "content": "邻居占用宅基地。",
    "petitioners": [{"name": "张三", "idNumber": "11010519491231002X"}]})",
                                clerk);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string case_id = JsonString(ParseJson(created->body), "caseId");
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (;;) {  // until supervision has applied the event (polling, bounded)
    auto r = (*stack)->Call("GET", "/v1/cases/" + case_id + "/deadlines", "", clerk);
    ASSERT_TRUE(r.ok()) << r.status();
    if (r->status == 200) break;
    ASSERT_LT(absl::Now(), deadline) << "deadlines never appeared: " << r->body;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE((*stack)->Call("GET", "/v1/calendar/days/2026-02-14", "", clerk).ok());
  // A unit with a reception plan, so that the reception gauges have a series.
  const std::string admin = (*stack)->Token({"admin"}, "off_admin1");
  auto unit = (*stack)->Call("POST", "/v1/units", R"({"name":"镇政府","kind":"TOWNSHIP"})", admin);
  ASSERT_TRUE(unit.ok()) << unit.status();
  ASSERT_EQ(unit->status, 200) << unit->body;
  const std::string unit_id = JsonString(ParseJson(unit->body), "unitId");
  auto official =
      (*stack)->Call("POST", "/v1/officials",
                     absl::StrCat(R"({"name":"王强","unitId":")", unit_id,
                                  R"(","position":"副镇长","rank":"DEPUTY_SECTION_CHIEF"})"),
                     admin);
  ASSERT_TRUE(official.ok()) << official.status();
  ASSERT_EQ(official->status, 200) << official->body;
  auto plan = (*stack)->Call(
      "POST", absl::StrCat("/v1/units/", unit_id, "/receptionPlans"),
      absl::StrCat(R"({"recurrence":{"weekly":{"weekdays":["MONDAY"]}},"rotation":[")",
                   JsonString(ParseJson(official->body), "officialId"),
                   R"("],"startDate":"2026-01-05"})"),
      admin);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->status, 200) << plan->body;
  ASSERT_TRUE((*stack)->Call("GET", "/v1/cases/case_doesnotexist00000000", "", clerk).ok());

  // The gauges computed from the database appear at their next refresh (the ctest sets the
  // interval to a second): scrape until nothing is missing, within a bound.
  std::map<std::string, std::string> missing;  // name -> an expression naming it
  const absl::Time scrape_deadline = absl::Now() + absl::Seconds(30);
  const std::set<std::string> outside = exported;
  do {
    if (!missing.empty()) absl::SleepFor(absl::Milliseconds(200));  // polling, bounded
    exported = outside;
    for (const char* service : {"intake", "scheduling", "supervision", "gateway"}) {
      auto r = HttpRequest((*stack)->metrics_port(service), "GET", "/metrics");
      ASSERT_TRUE(r.ok()) << service << ": " << r.status();
      ASSERT_EQ(r->status, 200) << service;
      std::set<std::string> names = ExportedNames(r->body);
      EXPECT_FALSE(names.empty()) << service;
      exported.insert(names.begin(), names.end());
    }
    missing.clear();
    for (const std::string& expr : exprs) {
      for (const std::string& name : MetricNamesIn(expr)) {
        if (exported.count(name) == 0) missing.emplace(name, expr);
      }
    }
  } while (!missing.empty() && absl::Now() < scrape_deadline);
  for (const auto& [name, expr] : missing) {
    ADD_FAILURE() << name << " is named in alerts.yml or dashboard.json but no process exports it"
                  << " (in: " << expr << ")";
  }
  EXPECT_TRUE(missing.empty()) << "exported: " << absl::StrJoin(exported, " ");
}

}  // namespace
}  // namespace petition::testing
