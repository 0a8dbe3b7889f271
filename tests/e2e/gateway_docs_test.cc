// The gateway's documentation and access rules against the real stack:
// /openapi.json is the document the binary dumps and lints clean; /docs is
// Swagger UI that performs a real call with a bearer token in headless
// Chromium; and every cell of the roles x endpoints matrix, generated from the
// (petition.v1.http) options, is checked over HTTP.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/ids.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "petition/v1/http.pb.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "services/gateway/transcoder.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/monitoring_config.h"
#include "tests/support/stack_test.h"

namespace petition::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout
};

// Runs `command` with a shell, capturing its standard output (stderr goes to the test's log).
CommandRun RunCommand(const std::string& command) {
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Where a test leaves what a person may want to look at (the screenshot).
std::string OutputDir() {
  const char* dir = std::getenv("PETITION_TEST_OUTPUT_DIR");
  std::string out = dir != nullptr && *dir != '\0' ? dir : BinaryDir() + "/test-output";
  std::filesystem::create_directories(out);
  return out;
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return out.good();
}

class GatewayDocsTest : public StackTest<GatewayDocsTest> {
 public:
  static constexpr char kStackName[] = "gateway_docs";
};

TEST_F(GatewayDocsTest, TheServedDescriptionIsTheDumpedOneAndLintsClean) {
  auto served = stack_->Call("GET", "/openapi.json");
  ASSERT_TRUE(served.ok()) << served.status();
  ASSERT_EQ(served->status, 200);
  EXPECT_EQ(served->headers["content-type"], "application/json");

  CommandRun dump =
      RunCommand(absl::StrCat(BinaryDir(), "/services/gateway/gateway --dump_openapi=-"));
  ASSERT_EQ(dump.exit_code, 0);
  EXPECT_TRUE(dump.output == served->body + "\n") << "the dump and the served document differ";

  const std::string file = absl::StrCat(::testing::TempDir(), "served_openapi.json");
  ASSERT_TRUE(WriteFile(file, served->body));
  CommandRun lint = RunCommand(absl::StrCat("bash ", SourceDir(), "/tests/docs/openapi_lint.sh ",
                                            BinaryDir(), " ", SourceDir(), " ", file, " 2>&1"));
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  std::remove(file.c_str());
}

TEST_F(GatewayDocsTest, SwaggerUiTriesACallWithABearerToken) {
  const std::string screenshot = absl::StrCat(OutputDir(), "/swagger_ui_try_it_out.png");
  std::remove(screenshot.c_str());
  CommandRun run = RunCommand(
      absl::StrCat("node ", SourceDir(),
                   "/tests/docs/swagger_ui_check.mjs http://127.0.0.1:", stack_->http_port(), " ",
                   stack_->Token({"clerk"}, "off_docs"), " ", screenshot, " 2026-10-01"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  google::protobuf::Struct seen = ParseJson(run.output);
  EXPECT_EQ(JsonString(seen, "status"), "200") << run.output;
  // 2026-10-01: National Day, a holiday by the 2026 notice.
  EXPECT_EQ(JsonString(seen, "body.date"), "2026-10-01") << run.output;
  EXPECT_EQ(JsonString(seen, "body.kind"), "HOLIDAY") << run.output;
  EXPECT_TRUE(seen.fields().at("bearerSent").bool_value()) << run.output;
  EXPECT_TRUE(std::filesystem::exists(screenshot));
  std::cerr << "screenshot: " << screenshot << "\n";
}

TEST_F(GatewayDocsTest, DocsFilesAreServedAndOthersAreNot) {
  auto css = stack_->Call("GET", "/docs/swagger-ui.css");
  ASSERT_TRUE(css.ok()) << css.status();
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->headers["content-type"], "text/css; charset=utf-8");
  auto other = stack_->Call("GET", "/docs/package.json");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->status, 404);
  auto up = stack_->Call("GET", "/docs/..%2Fopenapi.json");
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->status, 404);
}

// --- The roles x endpoints matrix. ---

const std::vector<std::string>& AllRoles() {
  static const auto* const kRoles =
      new std::vector<std::string>{"admin", "clerk", "leader", "handler", "supervisor", "county"};
  return *kRoles;
}

struct Endpoint {
  const MethodDescriptor* method;
  v1::HttpRule rule;
  std::string target;  // the path with dummy values
};

// A syntactically valid value for a path variable: the services answer
// 404 or 400 about it, never refuse it by its shape before the role check.
std::string DummyValue(const FieldDescriptor* field) {
  if (field == nullptr) return "x";
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "2031";
    default:
      break;
  }
  const std::string& name = field->name();
  if (name == "date") return "2026-03-02";
  if (name == "month") return "2026-03";
  if (name == "session_id") return absl::StrCat(NewId("plan"), "-20260302");
  if (absl::EndsWith(name, "_id")) return NewId(name.substr(0, name.size() - 3));
  return "x";
}

std::vector<Endpoint> Endpoints() {
  (void)intake::v1::Case::descriptor();
  (void)scheduling::v1::Calendar::descriptor();
  (void)supervision::v1::CaseDeadlines::descriptor();
  std::vector<Endpoint> endpoints;
  for (const char* name :
       {intake::v1::Intake::service_full_name(), scheduling::v1::Scheduling::service_full_name(),
        supervision::v1::Supervision::service_full_name()}) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(v1::http)) continue;
      Endpoint endpoint{method, method->options().GetExtension(v1::http), ""};
      absl::string_view rest = endpoint.rule.path();
      while (!rest.empty()) {
        const size_t open = rest.find('{');
        const size_t close = rest.find('}', open);
        if (open == absl::string_view::npos || close == absl::string_view::npos) break;
        absl::StrAppend(&endpoint.target, rest.substr(0, open));
        absl::StrAppend(&endpoint.target,
                        DummyValue(gateway::FindFieldByAnyName(
                            method->input_type(), rest.substr(open + 1, close - open - 1))));
        rest = rest.substr(close + 1);
      }
      absl::StrAppend(&endpoint.target, rest);
      endpoints.push_back(std::move(endpoint));
    }
  }
  return endpoints;
}

TEST_F(GatewayDocsTest, EveryRoleGetsExactlyTheEndpointsOfItsRoles) {
  const std::vector<Endpoint> endpoints = Endpoints();
  ASSERT_GT(endpoints.size(), 40u);
  std::vector<std::string> wrong;
  int cells = 0;
  for (const Endpoint& endpoint : endpoints) {
    const std::string verb = absl::AsciiStrToUpper(endpoint.rule.method());
    const std::string body = endpoint.rule.body().empty() ? "" : "{}";
    const std::string what = absl::StrCat(verb, " ", endpoint.rule.path());
    // No credentials: 401, unless public.
    auto anonymous = stack_->Call(verb, endpoint.target, body);
    ASSERT_TRUE(anonymous.ok()) << anonymous.status();
    ++cells;
    if (endpoint.rule.public_() ? anonymous->status == 401 : anonymous->status != 401) {
      wrong.push_back(
          absl::StrCat(what, " without credentials: ", anonymous->status, " ", anonymous->body));
    }
    for (const std::string& role : AllRoles()) {
      const bool allowed = endpoint.rule.public_() ||
                           std::find(endpoint.rule.roles().begin(), endpoint.rule.roles().end(),
                                     role) != endpoint.rule.roles().end();
      auto reply =
          stack_->Call(verb, endpoint.target, body, stack_->Token({role}, "off_rbac", "unit_rbac"));
      ASSERT_TRUE(reply.ok()) << reply.status();
      ++cells;
      const bool refused = reply->status == 401 || reply->status == 403;
      if (allowed ? refused : reply->status != 403) {
        wrong.push_back(absl::StrCat(what, " as ", role, " (", allowed ? "allowed" : "refused",
                                     "): ", reply->status, " ", reply->body));
      }
    }
  }
  // A machine credential (X-Api-Key, mapped to county by the test stack) is held to the same
  // roles: spot-check one endpoint it may call and one it may not.
  for (const auto& [target, allowed] :
       {std::pair<std::string, bool>{"/v1/calendar/days/2026-10-01", true},
        {"/v1/officials", false}}) {
    auto reply =
        HttpRequest(stack_->http_port(), "GET", target, "", {{"X-Api-Key", "county-test-key"}});
    ASSERT_TRUE(reply.ok()) << reply.status();
    ++cells;
    if (allowed ? reply->status != 200 : reply->status != 403) {
      wrong.push_back(absl::StrCat("GET ", target, " with the county API key: ", reply->status, " ",
                                   reply->body));
    }
  }
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " of " << cells << " cells wrong:\n"
                             << absl::StrJoin(wrong, "\n");
  std::cerr << cells << " cells checked (" << endpoints.size() << " endpoints x "
            << AllRoles().size() << " roles and no credentials)\n";
}

TEST_F(GatewayDocsTest, TheGatewaysOwnEndpointsArePublic) {
  for (const char* path : {"/healthz", "/readyz", "/openapi.json", "/docs"}) {
    auto reply = stack_->Call("GET", path);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, 200) << path << " " << reply->body;
  }
}

}  // namespace
}  // namespace petition::testing
