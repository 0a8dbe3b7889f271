// The gRPC bootstrap in process: calls pass the call guard only with a proof
// (and no repeated principal keys), and a channel from MakeChannel spreads
// its calls over every address its target resolves to (round_robin).
#include "common/grpc_server.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/request_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "petition/v1/scheduling.grpc.pb.h"

namespace petition {
namespace {

class CountingScheduling : public scheduling::v1::Scheduling::Service {
 public:
  grpc::Status GetCalendarDay(grpc::ServerContext*, const scheduling::v1::GetCalendarDayRequest*,
                              scheduling::v1::CalendarDay*) override {
    ++calls;
    return grpc::Status::OK;
  }
  grpc::Status AddWorkingDays(grpc::ServerContext* context,
                              const scheduling::v1::AddWorkingDaysRequest*,
                              scheduling::v1::AddWorkingDaysResponse*) override {
    RequestScope scope(*context);
    absl::MutexLock lock(&mu);
    last_caller = scope.caller();
    last_principal = scope.principal();
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
  absl::Mutex mu;
  std::string last_caller ABSL_GUARDED_BY(mu);
  Principal last_principal ABSL_GUARDED_BY(mu);
};

CallKey Key() { return *CallKey::Create(std::string(40, 'k')); }

std::unique_ptr<GrpcServer> Serve(CountingScheduling* service) {
  GrpcServerOptions options;
  options.services = {service};
  options.call_key = Key();
  auto server = GrpcServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

grpc::Status GetDay(const std::shared_ptr<grpc::Channel>& channel,
                    const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  grpc::ClientContext context;
  Principal clerk{"off_1", {"clerk"}, ""};
  PropagateToClient(context, "req-1", &clerk);
  for (const auto& [k, v] : extra) context.AddMetadata(k, v);
  scheduling::v1::GetCalendarDayRequest request;
  scheduling::v1::CalendarDay response;
  return scheduling::v1::Scheduling::NewStub(channel)->GetCalendarDay(&context, request, &response);
}

TEST(GrpcServerTest, ServersRequireTheSecret) {
  CountingScheduling service;
  GrpcServerOptions options;
  options.services = {&service};
  EXPECT_FALSE(GrpcServer::Start(options).ok());
}

TEST(GrpcServerTest, TheGuardTakesOnlyProvenCalls) {
  CountingScheduling service;
  auto server = Serve(&service);
  ASSERT_NE(server, nullptr);
  const std::string target = absl::StrCat("127.0.0.1:", server->port());
  auto signed_channel = MakeChannel(target, std::make_shared<const CallSigner>("gateway", Key()));
  EXPECT_TRUE(GetDay(signed_channel).ok());
  auto raw = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  EXPECT_EQ(GetDay(raw).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A second roles value beside the proven one: which would a handler believe?
  EXPECT_EQ(GetDay(signed_channel, {{kRolesHeader, "admin"}}).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service.calls.load(), 1);
}

// A handler sees the principal the gateway vouched for; a service's call
// carries none, whatever metadata it adds.
TEST(GrpcServerTest, APrincipalComesOnlyFromTheGateway) {
  CountingScheduling service;
  auto server = Serve(&service);
  ASSERT_NE(server, nullptr);
  const std::string target = absl::StrCat("127.0.0.1:", server->port());
  auto add_days = [&](const std::string& caller) {
    grpc::ClientContext context;
    Principal leader{"off_7", {"leader"}, "unit_3"};
    PropagateToClient(context, "req-7", &leader);
    scheduling::v1::AddWorkingDaysRequest request;
    scheduling::v1::AddWorkingDaysResponse response;
    return scheduling::v1::Scheduling::NewStub(
               MakeChannel(target, std::make_shared<const CallSigner>(caller, Key())))
        ->AddWorkingDays(&context, request, &response);
  };
  ASSERT_TRUE(add_days("gateway").ok());
  {
    absl::MutexLock lock(&service.mu);
    EXPECT_EQ(service.last_caller, "gateway");
    EXPECT_EQ(service.last_principal.subject, "off_7");
    EXPECT_EQ(service.last_principal.roles, std::vector<std::string>{"leader"});
    EXPECT_EQ(service.last_principal.unit_id, "unit_3");
  }
  ASSERT_TRUE(add_days("supervision").ok());
  {
    absl::MutexLock lock(&service.mu);
    EXPECT_EQ(service.last_caller, "supervision");
    EXPECT_TRUE(service.last_principal.subject.empty());
    EXPECT_TRUE(service.last_principal.roles.empty());
    EXPECT_TRUE(service.last_principal.unit_id.empty());
  }
}

// Reflection answers only when asked for (linking gRPC's reflection library
// would otherwise register it on every server).
TEST(GrpcServerTest, ReflectionOnlyWhenAskedFor) {
  for (bool reflection : {false, true}) {
    CountingScheduling service;
    GrpcServerOptions options;
    options.services = {&service};
    options.call_key = Key();
    options.reflection = reflection;
    auto server = GrpcServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    grpc::GenericStub stub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                               grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1), response;
    absl::Notification done;
    grpc::Status status;
    // A one-message exchange on the streaming method: enough to see it is there.
    stub.UnaryCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                   grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
                     status = s;
                     done.Notify();
                   });
    done.WaitForNotification();
    EXPECT_EQ(status.error_code() == grpc::StatusCode::UNIMPLEMENTED, !reflection)
        << reflection << " " << status.error_message();
  }
}

TEST(GrpcServerTest, ChannelsSpreadCallsOverEveryAddress) {
  CountingScheduling a, b;
  auto server_a = Serve(&a);
  auto server_b = Serve(&b);
  ASSERT_NE(server_a, nullptr);
  ASSERT_NE(server_b, nullptr);
  auto channel = MakeChannel(
      absl::StrCat("ipv4:127.0.0.1:", server_a->port(), ",127.0.0.1:", server_b->port()),
      std::make_shared<const CallSigner>("gateway", Key()));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(GetDay(channel).ok());
  // pick_first would send all twenty to one server.
  EXPECT_GT(a.calls.load(), 0);
  EXPECT_GT(b.calls.load(), 0);
}

}  // namespace
}  // namespace petition
