#include "common/access_policy.h"

#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/empty.pb.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "petition/v1/http.pb.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"

namespace petition {
namespace {

std::vector<std::string> OurServices() {
  // Link the generated files in (a static library's objects are linked only when referenced).
  petition::intake::v1::GetCaseRequest::descriptor();
  petition::scheduling::v1::GetCalendarRequest::descriptor();
  petition::supervision::v1::GetCaseDeadlinesRequest::descriptor();
  return {petition::intake::v1::Intake::service_full_name(),
          petition::scheduling::v1::Scheduling::service_full_name(),
          petition::supervision::v1::Supervision::service_full_name(), "grpc.health.v1.Health"};
}

TEST(AccessPolicyTest, EveryMethodOfOurServicesHasARule) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::ForServices(OurServices());
  ASSERT_TRUE(policy.ok()) << policy.status();
  const MethodAccess* apply = policy->Find("/petition.supervision.v1.Supervision/ApplyCaseEvents");
  ASSERT_NE(apply, nullptr);
  EXPECT_FALSE(apply->routed);
  EXPECT_EQ(apply->internal_callers, std::vector<std::string>{"intake"});
  const MethodAccess* put = policy->Find("/petition.scheduling.v1.Scheduling/PutCalendar");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(policy->Find("/petition.intake.v1.Intake/DeleteEverything"), nullptr);
}

TEST(AccessPolicyTest, HealthAndReflectionAreOpen) {
  EXPECT_TRUE(AccessPolicy::IsOpenMethod("/grpc.health.v1.Health/Check"));
  EXPECT_TRUE(
      AccessPolicy::IsOpenMethod("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
  EXPECT_FALSE(AccessPolicy::IsOpenMethod("/petition.intake.v1.Intake/GetCase"));
  EXPECT_FALSE(AccessPolicy::IsOpenMethod("/grpc.health.v1.HealthX/Check"));
  EXPECT_FALSE(AccessPolicy::IsOpenMethod("grpc.health.v1.Health/Check"));
}

// A service built from text, in a pool of its own that sees http.proto.
class PolicyBuilderTest : public ::testing::Test {
 protected:
  absl::StatusOr<AccessPolicy> BuildFrom(const std::string& method_text) {
    google::protobuf::FileDescriptorProto file;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"pb(package: "t"
             dependency: "google/protobuf/empty.proto"
             dependency: "petition/v1/http.proto"
             service { name: "S" })pb",
        &file));
    ++files_;
    file.set_name("test/t" + std::to_string(files_) + ".proto");
    file.set_package("t" + std::to_string(files_));
    google::protobuf::MethodDescriptorProto* method = file.mutable_service(0)->add_method();
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(method_text, method)) << method_text;
    method->set_input_type(".google.protobuf.Empty");
    method->set_output_type(".google.protobuf.Empty");
    google::protobuf::Empty::descriptor();  // linked into the generated pool
    v1::HttpRule::descriptor();
    const google::protobuf::FileDescriptor* built = pool_.BuildFile(file);
    EXPECT_NE(built, nullptr);
    if (built == nullptr) return absl::InternalError("test proto does not build");
    return AccessPolicy::Build({built->service(0)});
  }
  google::protobuf::DescriptorPool pool_{google::protobuf::DescriptorPool::generated_pool()};
  int files_ = 0;
};

TEST_F(PolicyBuilderTest, AMethodWithoutRolesStopsStartUp) {
  absl::StatusOr<AccessPolicy> policy = BuildFrom(R"pb(name: "Open")pb");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(policy.status().message().find("t1.S.Open"), std::string::npos) << policy.status();
}

TEST_F(PolicyBuilderTest, AnHttpRuleWithoutRolesStopsStartUp) {
  absl::StatusOr<AccessPolicy> policy =
      BuildFrom(R"pb(name: "Get"
                     options {
                       [petition.v1.http] { method: "GET" path: "/v1/x" }
                     })pb");
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.status().message().find("t1.S.Get"), std::string::npos) << policy.status();
}

TEST_F(PolicyBuilderTest, RolesPublicAndInternalCallers) {
  auto with_roles =
      BuildFrom(R"pb(name: "Get"
                     options {
                       [petition.v1.http] { method: "GET" path: "/v1/x" roles: "clerk" }
                     })pb");
  ASSERT_TRUE(with_roles.ok()) << with_roles.status();
  auto open = BuildFrom(R"pb(name: "Ping"
                             options {
                               [petition.v1.http] { method: "GET" path: "/v1/p" public: true }
                             })pb");
  ASSERT_TRUE(open.ok()) << open.status();
  auto internal = BuildFrom(R"pb(name: "Apply"
                                 options {
                                   [petition.v1.internal_callers] { services: "intake" }
                                 })pb");
  ASSERT_TRUE(internal.ok()) << internal.status();
  auto unknown_caller = BuildFrom(R"pb(name: "Apply"
                                       options {
                                         [petition.v1.internal_callers] { services: "mallory" }
                                       })pb");
  EXPECT_FALSE(unknown_caller.ok());
}

TEST(AccessPolicyTest, Authorize) {
  MethodAccess routed{true, false, {"admin", "clerk"}, {"supervision"}};
  MethodAccess internal{false, false, {}, {"intake"}};
  MethodAccess open{true, true, {}, {}};
  Principal clerk{"off_1", {"clerk"}, ""};
  Principal handler{"off_2", {"handler"}, "unit_1"};
  EXPECT_TRUE(AccessPolicy::Authorize(routed, "gateway", clerk).ok());
  EXPECT_EQ(AccessPolicy::Authorize(routed, "gateway", handler).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AccessPolicy::Authorize(routed, "gateway", Principal{}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(AccessPolicy::Authorize(routed, "supervision", Principal{}).ok());
  EXPECT_EQ(AccessPolicy::Authorize(routed, "intake", Principal{}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(AccessPolicy::Authorize(internal, "intake", Principal{}).ok());
  EXPECT_EQ(AccessPolicy::Authorize(internal, "gateway", clerk).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AccessPolicy::Authorize(internal, "scheduling", Principal{}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(AccessPolicy::Authorize(open, "gateway", Principal{}).ok());
}

}  // namespace
}  // namespace petition
