// The fixture of end-to-end suites: one stack (the four real processes over a
// throwaway database) per suite, started once; before each test anything an
// earlier test stopped, or that crashed, runs again, so one failure cannot
// cascade into the tests after it.
#ifndef PETITION_TESTS_SUPPORT_STACK_TEST_H_
#define PETITION_TESTS_SUPPORT_STACK_TEST_H_

#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "common/testing/eventually.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/support/test_stack.h"

namespace petition::testing {

// `Suite` names its stack (its schema and log directory): `static constexpr
// char kStackName[] = "...";`.
template <typename Suite, typename = void>
struct HasStackOptions : std::false_type {};
template <typename Suite>
struct HasStackOptions<Suite, std::void_t<decltype(Suite::StackOptions())>> : std::true_type {};

// `Suite` may also give its stack options: `static TestStack::Options StackOptions();`.
template <typename Suite>
class StackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TestStack::Options options;
    if constexpr (HasStackOptions<Suite>::value) options = Suite::StackOptions();
    auto stack = TestStack::Start(Suite::kStackName, std::move(options));
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(stack_, nullptr) << "the stack did not start";
    absl::Status running = stack_->EnsureRunning();
    ASSERT_TRUE(running.ok()) << running;
  }

  // A call through the gateway that must get an answer (a failure to get one
  // fails the test and answers an empty response).
  static HttpResponse Call(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& token = "") {
    auto r = stack_->Call(method, target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  // An opinion (its JSON) written and submitted by `writer` and approved
  // by `approver` on the case; its id.
  static std::string WriteApprovedOpinion(const std::string& case_id,
                                          const std::string& opinion_json,
                                          const std::string& writer, const std::string& approver) {
    HttpResponse o = Call("POST", "/v1/cases/" + case_id + "/opinions", opinion_json, writer);
    EXPECT_EQ(o.status, 200) << o.body;
    const std::string id = JsonString(ParseJson(o.body), "opinionId");
    const std::string at = "/v1/cases/" + case_id + "/opinions/" + id;
    HttpResponse submitted = Call("POST", at + ":submit", "{}", writer);
    EXPECT_EQ(submitted.status, 200) << submitted.body;
    HttpResponse approved = Call("POST", at + ":approve", "{}", approver);
    EXPECT_EQ(approved.status, 200) << approved.body;
    return id;
  }

  // A call as the county platform: its API key, which the stack's gateway
  // maps to role county.
  static HttpResponse CountyCall(const std::string& method, const std::string& target,
                                 const std::string& body = "") {
    auto r = HttpRequest(stack_->http_port(), method, target, body,
                         {{"X-Api-Key", TestStack::kCountyApiKey}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  // A refusal: the HTTP status, the error's code and a part of its message.
  static void ExpectRefused(const HttpResponse& r, int status, const std::string& code,
                            const std::string& in_message) {
    EXPECT_EQ(r.status, status) << r.body;
    auto json = ParseJson(r.body);
    EXPECT_EQ(JsonString(json, "error.code"), code) << r.body;
    EXPECT_NE(JsonString(json, "error.message").find(in_message), std::string::npos) << r.body;
  }

  // The case's deadline of `kind` once `done(state)` holds for it, read as
  // `token` (a supervisor's by default); an empty Struct (and a failure)
  // when it never does.
  static google::protobuf::Struct Deadline(const std::string& case_id, const std::string& kind,
                                           const std::function<bool(const std::string&)>& done,
                                           const std::string& token = "") {
    const std::string reader =
        token.empty() ? stack_->Token({"supervisor"}, "off_deadline_reader") : token;
    google::protobuf::Struct found;
    std::string last;
    EXPECT_TRUE(Eventually([&] {
      HttpResponse r = Call("GET", "/v1/cases/" + case_id + "/deadlines", "", reader);
      last = r.body;
      if (r.status != 200) return false;
      const auto body = ParseJson(r.body);
      auto it = body.fields().find("deadlines");
      if (it == body.fields().end()) return false;
      for (const auto& v : it->second.list_value().values()) {
        const auto& d = v.struct_value();
        if (JsonString(d, "kind") == kind && done(JsonString(d, "state"))) {
          found = d;
          return true;
        }
      }
      return false;
    })) << kind
        << ": " << last;
    return found;
  }

  static inline TestStack* stack_ = nullptr;
};

}  // namespace petition::testing

#endif  // PETITION_TESTS_SUPPORT_STACK_TEST_H_
