// The path template grammar, as the route table understands it.
#include "services/gateway/route_table.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Outcome = RouteTable::Outcome;

struct Entry {
  std::string verb;
  std::string path_template;
};

std::unique_ptr<RouteTable> MakeTable(const std::vector<Entry>& entries) {
  RouteTable::Builder builder;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    absl::Status status = builder.Add(entries[i].verb, entries[i].path_template, i);
    EXPECT_TRUE(status.ok()) << entries[i].path_template << ": " << status;
  }
  absl::StatusOr<std::unique_ptr<RouteTable>> table = std::move(builder).Build();
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *std::move(table) : nullptr;
}

// The template a request matched, or "404" / "405".
std::string Matched(const RouteTable& table, absl::string_view verb, absl::string_view path) {
  RouteTable::MatchResult result = table.Match(verb, path);
  switch (result.outcome) {
    case Outcome::kMatched:
      return result.route->path_template;
    case Outcome::kNotFound:
      return "404";
    case Outcome::kMethodNotAllowed:
      return "405";
  }
  return "?";
}

std::vector<std::pair<std::string, std::string>> Bindings(const RouteTable& table,
                                                          absl::string_view verb,
                                                          absl::string_view path) {
  RouteTable::MatchResult result = table.Match(verb, path);
  EXPECT_EQ(result.outcome, Outcome::kMatched) << path;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& binding : result.bindings) out.emplace_back(binding.field_path, binding.value);
  return out;
}

absl::Status AddOne(absl::string_view verb, absl::string_view path_template) {
  RouteTable::Builder builder;
  return builder.Add(verb, path_template, 0);
}

TEST(RouteTableTest, LiteralPathsMatchExactly) {
  auto table = MakeTable({{"POST", "/v1/cases"}, {"GET", "/v1/units"}});
  EXPECT_EQ(Matched(*table, "POST", "/v1/cases"), "/v1/cases");
  EXPECT_EQ(Matched(*table, "GET", "/v1/units"), "/v1/units");
  EXPECT_EQ(Matched(*table, "GET", "/v1/unit"), "404");
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/x"), "404");
  EXPECT_EQ(Matched(*table, "GET", "/v1"), "404");
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/"), "404");  // trailing slash is a segment
  EXPECT_EQ(Matched(*table, "GET", "v1/units"), "404");    // not absolute
  EXPECT_EQ(Matched(*table, "GET", "/V1/units"), "404");   // case-sensitive
}

TEST(RouteTableTest, PayloadIsReturned) {
  RouteTable::Builder builder;
  ASSERT_TRUE(builder.Add("GET", "/a", 7).ok());
  ASSERT_TRUE(builder.Add("GET", "/b", 42).ok());
  auto table = std::move(builder).Build();
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->Match("GET", "/b").route->payload, 42u);
  EXPECT_EQ((*table)->Match("GET", "/a").route->payload, 7u);
  EXPECT_EQ((*table)->routes().size(), 2u);
}

TEST(RouteTableTest, VariableBindsOneSegment) {
  auto table = MakeTable({{"GET", "/v1/cases/{case_id}"}});
  EXPECT_THAT(Bindings(*table, "GET", "/v1/cases/case_123"),
              ElementsAre(std::make_pair("case_id", "case_123")));
  EXPECT_EQ(Matched(*table, "GET", "/v1/cases/a/b"), "404");
  EXPECT_EQ(Matched(*table, "GET", "/v1/cases/"), "404");  // empty segment binds nothing
  EXPECT_EQ(Matched(*table, "GET", "/v1/cases"), "404");
  EXPECT_EQ(table->routes()[0]->variables, std::vector<std::string>{"case_id"});
}

TEST(RouteTableTest, SeveralAndNestedVariables) {
  auto table = MakeTable({{"POST", "/v1/cases/{case_id}/opinions/{opinion.id}:approve"}});
  EXPECT_THAT(Bindings(*table, "POST", "/v1/cases/c1/opinions/o2:approve"),
              ElementsAre(std::make_pair("case_id", "c1"), std::make_pair("opinion.id", "o2")));
}

TEST(RouteTableTest, BoundValuesArePercentDecoded) {
  auto table = MakeTable({{"GET", "/v1/units/{unit_id}"}});
  EXPECT_THAT(Bindings(*table, "GET", "/v1/units/%E5%9B%A2%20a%2Fb"),
              ElementsAre(std::make_pair("unit_id", "团 a/b")));
  // '+' is a plain character in a path; a broken escape is kept as it is.
  EXPECT_THAT(Bindings(*table, "GET", "/v1/units/a+b%zz%4"),
              ElementsAre(std::make_pair("unit_id", "a+b%zz%4")));
}

TEST(RouteTableTest, CustomVerbs) {
  auto table = MakeTable({{"POST", "/v1/cases/{case_id}:accept"},
                          {"POST", "/v1/cases/{case_id}:decline"},
                          {"GET", "/v1/cases/{case_id}"},
                          {"GET", "/v1/calendar:addWorkingDays"}});
  EXPECT_EQ(Matched(*table, "POST", "/v1/cases/c1:accept"), "/v1/cases/{case_id}:accept");
  EXPECT_EQ(Matched(*table, "POST", "/v1/cases/c1:decline"), "/v1/cases/{case_id}:decline");
  EXPECT_THAT(Bindings(*table, "POST", "/v1/cases/c1:accept"),
              ElementsAre(std::make_pair("case_id", "c1")));
  EXPECT_EQ(Matched(*table, "GET", "/v1/calendar:addWorkingDays"), "/v1/calendar:addWorkingDays");
  EXPECT_EQ(Matched(*table, "GET", "/v1/calendar"), "404");
  EXPECT_EQ(Matched(*table, "GET", "/v1/calendar:other"), "404");
  // A colon that is no registered verb is part of the value.
  EXPECT_THAT(Bindings(*table, "GET", "/v1/cases/a:b"),
              ElementsAre(std::make_pair("case_id", "a:b")));
  // The verb of a method is only reachable with its verb.
  EXPECT_EQ(Matched(*table, "GET", "/v1/cases/c1:accept"), "405");
}

TEST(RouteTableTest, WildcardsMatchWithoutBinding) {
  auto table = MakeTable({{"GET", "/files/*/meta"}, {"GET", "/static/**"}});
  EXPECT_EQ(Matched(*table, "GET", "/files/x/meta"), "/files/*/meta");
  EXPECT_EQ(Matched(*table, "GET", "/files/x/y/meta"), "404");
  EXPECT_TRUE(table->Match("GET", "/files/x/meta").bindings.empty());
  EXPECT_EQ(Matched(*table, "GET", "/static/a/b/c.css"), "/static/**");
  EXPECT_EQ(Matched(*table, "GET", "/static/a"), "/static/**");
  EXPECT_EQ(Matched(*table, "GET", "/static"), "/static/**");  // "**" matches zero segments
}

TEST(RouteTableTest, LiteralBeatsVariableBeatsDoubleWildcard) {
  auto table = MakeTable({{"GET", "/v1/units/{unit_id}"},
                          {"GET", "/v1/units/special"},
                          {"GET", "/v1/**"},
                          {"GET", "/v1/units/{unit_id}/receptions"}});
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/special"), "/v1/units/special");
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/u1"), "/v1/units/{unit_id}");
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/u1/receptions"), "/v1/units/{unit_id}/receptions");
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/u1/other"), "/v1/**");
  EXPECT_EQ(Matched(*table, "GET", "/v1/anything/else"), "/v1/**");
}

TEST(RouteTableTest, PrecedenceBacktracksWhenTheLiteralBranchDeadEnds) {
  auto table = MakeTable({{"GET", "/v1/units/special/a"}, {"GET", "/v1/units/{unit_id}/b"}});
  EXPECT_EQ(Matched(*table, "GET", "/v1/units/special/b"), "/v1/units/{unit_id}/b");
  EXPECT_THAT(Bindings(*table, "GET", "/v1/units/special/b"),
              ElementsAre(std::make_pair("unit_id", "special")));
}

TEST(RouteTableTest, PrecedenceIsPerVerb) {
  // A POST-only literal does not hide the GET route of the variable.
  auto table = MakeTable({{"POST", "/v1/cases/search"}, {"GET", "/v1/cases/{case_id}"}});
  EXPECT_EQ(Matched(*table, "GET", "/v1/cases/search"), "/v1/cases/{case_id}");
  EXPECT_EQ(Matched(*table, "POST", "/v1/cases/search"), "/v1/cases/search");
}

TEST(RouteTableTest, WrongVerbOnKnownPathIsMethodNotAllowed) {
  auto table = MakeTable({{"GET", "/v1/calendars/{year}"},
                          {"PUT", "/v1/calendars/{year}"},
                          {"POST", "/v1/units"},
                          {"GET", "/v1/units"}});
  RouteTable::MatchResult result = table->Match("DELETE", "/v1/calendars/2026");
  EXPECT_EQ(result.outcome, Outcome::kMethodNotAllowed);
  EXPECT_THAT(result.allowed, ElementsAre("GET", "PUT"));
  EXPECT_EQ(result.route, nullptr);
  result = table->Match("PATCH", "/v1/units");
  EXPECT_EQ(result.outcome, Outcome::kMethodNotAllowed);
  EXPECT_THAT(result.allowed, ElementsAre("GET", "POST"));
  result = table->Match("DELETE", "/v1/nothing");
  EXPECT_EQ(result.outcome, Outcome::kNotFound);
  EXPECT_TRUE(result.allowed.empty());
}

TEST(RouteTableTest, AllowedVerbsComeFromEveryMatchingTemplate) {
  auto table = MakeTable({{"GET", "/v1/units/{unit_id}"}, {"POST", "/v1/units/special"}});
  RouteTable::MatchResult result = table->Match("PUT", "/v1/units/special");
  EXPECT_EQ(result.outcome, Outcome::kMethodNotAllowed);
  EXPECT_THAT(result.allowed, ElementsAre("GET", "POST"));
}

TEST(RouteTableTest, DuplicatesAreABuildError) {
  RouteTable::Builder builder;
  ASSERT_TRUE(builder.Add("GET", "/v1/cases/{case_id}", 0).ok());
  ASSERT_TRUE(builder.Add("POST", "/v1/cases/{case_id}", 1).ok());        // another verb: fine
  ASSERT_TRUE(builder.Add("GET", "/v1/cases/{case_id}:accept", 2).ok());  // another custom verb
  absl::Status status = builder.Add("GET", "/v1/cases/{id}", 3);          // same shape
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(status.message(), HasSubstr("/v1/cases/{case_id}"));
  EXPECT_EQ(builder.Add("GET", "/v1/cases/*", 4).code(), absl::StatusCode::kAlreadyExists);
  auto table = std::move(builder).Build();
  EXPECT_EQ(table.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(RouteTableTest, MalformedTemplatesAreRejected) {
  for (const char* bad :
       {"", "v1/cases", "/v1//cases", "/v1/cases/", "/v1/{}", "/v1/{a-b}", "/v1/{1a}", "/v1/{a.}",
        "/v1/{a=*}", "/v1/**/x", "/v1/{a}/{a}", "/v1/x{a}", "/v1/a*", "/v1/cases:", "/v1/{a"}) {
    EXPECT_EQ(AddOne("GET", bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(AddOne("get", "/v1").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AddOne("", "/v1").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(AddOne("GET", "/").ok());
  EXPECT_TRUE(AddOne("GET", "/v1/{a_b.c_d}").ok());
}

TEST(RouteTableTest, BuildReportsTheFirstAddError) {
  RouteTable::Builder builder;
  EXPECT_FALSE(builder.Add("GET", "/v1/{", 0).ok());
  EXPECT_TRUE(builder.Add("GET", "/v1/ok", 1).ok());
  auto table = std::move(builder).Build();
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RouteTableTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%20b+c"), "a b+c");
  EXPECT_EQ(PercentDecode("a%20b+c", /*plus_as_space=*/true), "a b c");
  EXPECT_EQ(PercentDecode("%41%6a%"), "Aj%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
}

}  // namespace
}  // namespace petition::gateway
