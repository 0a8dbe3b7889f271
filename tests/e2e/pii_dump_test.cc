// After a case's whole life (registration, acceptance, opinion, answer, its
// documents, reads that show and reads that mask identity), neither a dump of
// the whole database nor any process's log holds a petitioner's name, id
// number, phone or address in the clear.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kName[] = "欧阳明远";
constexpr char kIdNumber[] = "320502197511307730";
constexpr char kPhone[] = "13912345678";
constexpr char kAddress[] = "清溪镇柳塘村七组九十九号";

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(PiiDumpTest, NoPlaintextIdentityInTheDatabaseDumpOrTheLogs) {
  auto started = TestStack::Start("piidump");
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<TestStack> stack = *std::move(started);
  const std::string clerk = stack->Token({"clerk"}, "off_clerk1");
  const std::string leader = stack->Token({"leader"}, "off_leader1");
  ASSERT_TRUE(stack->SeedDirectory({"unit_labor"}, {"off_leader1"}).ok());
  const std::string body =
      absl::StrCat(R"({"channel":"LETTER","category":"RIGHTS_INFRINGEMENT","subject":"工资拖欠",)",
                   R"("content":"某企业拖欠工资三个月，请求协调。","petitioners":[{"name":")",
                   kName, R"(","idNumber":")", kIdNumber, R"(","phone":")", kPhone,
                   R"(","address":")", kAddress, R"("}]})");
  auto registered = stack->Call("POST", "/v1/cases", body, clerk);
  ASSERT_TRUE(registered.ok() && registered->status == 200)
      << (registered.ok() ? registered->body : registered.status().ToString());
  const std::string id = JsonString(ParseJson(registered->body), "caseId");
  ASSERT_EQ(
      stack
          ->Call(
              "POST", "/v1/cases/" + id + ":accept",
              R"({"handlingUnitIds":["unit_labor"],"complexity":"SIMPLE","leaderId":"off_leader1"})",
              clerk)
          ->status,
      200);
  auto opinion = stack->Call(
      "POST", "/v1/cases/" + id + "/opinions",
      R"({"unitId":"unit_labor","outcome":"UPHELD","facts":"属实","basis":"劳动合同法","decision":"责令支付"})",
      stack->Token({"handler"}, "off_h", "unit_labor"));
  ASSERT_EQ(opinion->status, 200) << opinion->body;
  const std::string opinion_id = JsonString(ParseJson(opinion->body), "opinionId");
  ASSERT_EQ(stack
                ->Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":submit", "{}",
                       stack->Token({"handler"}, "off_h", "unit_labor"))
                ->status,
            200);
  ASSERT_EQ(
      stack->Call("POST", "/v1/cases/" + id + "/opinions/" + opinion_id + ":approve", "{}", leader)
          ->status,
      200);
  ASSERT_EQ(stack
                ->Call("POST", "/v1/cases/" + id + ":answer",
                       absl::StrCat(R"({"opinionId":")", opinion_id, R"("})"), clerk)
                ->status,
            200);
  // Reads that show identity (and so are audited) and reads that mask it.
  auto shown = stack->Call("GET", "/v1/cases/" + id, "", clerk);
  ASSERT_NE(shown->body.find(kIdNumber), std::string::npos);
  auto docs = stack->Call("GET", "/v1/cases/" + id + "/documents", "", clerk);
  ASSERT_NE(docs->body.find(kName), std::string::npos);
  stack->Call("GET", absl::StrCat("/v1/cases?petitionerIdNumber=", kIdNumber), "", clerk);
  stack->Call("GET", "/v1/cases/" + id, "", stack->Token({"supervisor"}));

  const std::string dump = RunCommand("pg_dump --no-owner '" + stack->SuperuserDsn() + "' 2>&1");
  ASSERT_NE(dump.find("CREATE TABLE intake.cases"), std::string::npos) << dump.substr(0, 2000);
  ASSERT_NE(dump.find(id), std::string::npos);  // the case is in the dump
  for (const char* secret : {kName, kIdNumber, kPhone, kAddress}) {
    EXPECT_EQ(dump.find(secret), std::string::npos) << secret << " is in the dump";
  }
  // The logs of every process.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(stack->log_dir())) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    for (const char* secret : {kName, kIdNumber, kPhone, kAddress}) {
      EXPECT_EQ(text.str().find(secret), std::string::npos)
          << secret << " is in " << entry.path().filename();
    }
  }
  EXPECT_GE(files, 4);
}

}  // namespace
}  // namespace petition::testing
