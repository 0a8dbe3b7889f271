// Scheduling end to end over HTTP against the four real binaries and
// PostgreSQL: the directory of units and officials.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

class SchedulingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto stack = TestStack::Start("e2e_sched");
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(stack_, nullptr) << "the stack did not start"; }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& token = "") {
    auto r = stack_->Call(method, target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }
  std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }

  // POSTs and returns the JSON answer, expecting 200.
  google::protobuf::Struct Create(const std::string& path, const std::string& body) {
    HttpResponse r = Call("POST", path, body, Admin());
    EXPECT_EQ(r.status, 200) << r.body;
    return ParseJson(r.body);
  }

  void ExpectError(const HttpResponse& r, int status, const std::string& code,
                   const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    auto json = ParseJson(r.body);
    EXPECT_EQ(JsonString(json, "error.code"), code) << r.body;
    if (!field.empty()) {
      EXPECT_NE(r.body.find(absl::StrCat("\"field\":\"", field, "\"")), std::string::npos)
          << r.body;
    }
  }

  static TestStack* stack_;
};

TestStack* SchedulingTest::stack_ = nullptr;

TEST_F(SchedulingTest, DirectoryOfUnitsAndOfficials) {
  auto town = Create("/v1/units", R"({"requestId":"unit-town","name":"长乐镇人民政府",
      "kind":"TOWNSHIP","location":"镇政府一楼信访接待室"})");
  const std::string town_id = JsonString(town, "unitId");
  ASSERT_FALSE(town_id.empty());
  EXPECT_EQ(JsonString(town, "kind"), "TOWNSHIP");
  auto village = Create("/v1/units", absl::StrCat(R"({"name":"东村村委会","kind":"VILLAGE",
      "parentId":")",
                                                  town_id, R"(","location":"东村村部"})"));
  const std::string village_id = JsonString(village, "unitId");
  auto leader = Create("/v1/officials", absl::StrCat(R"({"name":"李明","unitId":")", town_id,
                                                     R"(","position":"副镇长",
      "rank":"DEPUTY_SECTION_CHIEF"})"));
  const std::string leader_id = JsonString(leader, "officialId");
  ASSERT_FALSE(leader_id.empty());

  // Anyone signed in reads units; the petition office reads officials.
  HttpResponse unit = Call("GET", "/v1/units/" + village_id, "", Clerk());
  ASSERT_EQ(unit.status, 200) << unit.body;
  EXPECT_EQ(JsonString(ParseJson(unit.body), "parentId"), town_id);
  EXPECT_EQ(JsonString(ParseJson(unit.body), "location"), "东村村部");
  HttpResponse official = Call("GET", "/v1/officials/" + leader_id, "", Clerk());
  ASSERT_EQ(official.status, 200) << official.body;
  EXPECT_EQ(JsonString(ParseJson(official.body), "rank"), "DEPUTY_SECTION_CHIEF");
  EXPECT_EQ(JsonString(ParseJson(official.body), "position"), "副镇长");

  HttpResponse villages = Call("GET", "/v1/units?kind=VILLAGE&parentId=" + town_id, "", Clerk());
  ASSERT_EQ(villages.status, 200) << villages.body;
  EXPECT_NE(villages.body.find(village_id), std::string::npos);
  EXPECT_EQ(villages.body.find(town_id + "\",\"name\""), std::string::npos);
  HttpResponse officials = Call("GET", "/v1/officials?unitId=" + town_id, "", Clerk());
  ASSERT_EQ(officials.status, 200) << officials.body;
  EXPECT_NE(officials.body.find(leader_id), std::string::npos);

  // A retry returns the first result; the same request id for another body is 409.
  auto again = Create("/v1/units", R"({"requestId":"unit-town","name":"长乐镇人民政府",
      "kind":"TOWNSHIP","location":"镇政府一楼信访接待室"})");
  EXPECT_EQ(JsonString(again, "unitId"), town_id);
  ExpectError(Call("POST", "/v1/units",
                   R"({"requestId":"unit-town","name":"别的镇","kind":"TOWNSHIP"})", Admin()),
              409, "ALREADY_EXISTS");
}

TEST_F(SchedulingTest, DirectoryRefusesBadEntries) {
  auto count = [&](const char* table) {
    auto n = stack_->Query(absl::StrCat("SELECT count(*) FROM scheduling.", table));
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : "";
  };
  const std::string units_before = count("units");
  const std::string officials_before = count("officials");
  ExpectError(Call("POST", "/v1/units", R"({"name":"长乐镇","kind":"TOWNSHIP"})", Clerk()), 403,
              "PERMISSION_DENIED");
  ExpectError(Call("POST", "/v1/units", R"({"kind":"VILLAGE"})", Admin()), 400, "INVALID_ARGUMENT",
              "name");
  ExpectError(Call("POST", "/v1/units",
                   R"({"name":"东村","kind":"VILLAGE","parentId":"unit_none"})", Admin()),
              400, "INVALID_ARGUMENT", "parentId");
  auto town = Create("/v1/units", R"({"name":"团堡镇","kind":"TOWNSHIP"})");
  const std::string town_id = JsonString(town, "unitId");
  ExpectError(
      Call("POST", "/v1/officials",
           absl::StrCat(R"({"name":"孙","unitId":")", town_id, R"(","rank":"VILLAGE_LEADER"})"),
           Admin()),
      400, "INVALID_ARGUMENT", "rank");
  ExpectError(Call("POST", "/v1/officials", R"({"name":"孙","unitId":"unit_none","rank":"STAFF"})",
                   Admin()),
              400, "INVALID_ARGUMENT", "unitId");
  ExpectError(Call("GET", "/v1/units/unit_none", "", Clerk()), 404, "NOT_FOUND");
  ExpectError(Call("GET", "/v1/units?pageToken=%%%", "", Clerk()), 400, "INVALID_ARGUMENT");
  ExpectError(Call("GET", "/v1/units"), 401, "UNAUTHENTICATED");
  // Nothing of the refused entries was stored (one township was created).
  EXPECT_EQ(std::stoi(count("units")), std::stoi(units_before) + 1);
  EXPECT_EQ(count("officials"), officials_before);
}

}  // namespace
}  // namespace petition::testing
