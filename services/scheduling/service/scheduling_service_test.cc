// The handlers over a real gRPC server on port 0 and a real PostgreSQL: what
// a call's deadline does to the database work it causes.
#include "services/scheduling/service/scheduling_service.h"

#include <chrono>
#include <memory>
#include <string>

#include "common/request_context.h"
#include "common/testing/eventually.h"
#include "common/testing/pg_test_env.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace petition::scheduling {
namespace {

class SchedulingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SchedulingMigrations(), CalendarStore::Statements());
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<CalendarStore>(pool_.get());
    directory_ = std::make_unique<DirectoryStore>(pool_.get());
    receptions_ = std::make_unique<ReceptionStore>(pool_.get());
    service_ =
        std::make_unique<SchedulingService>(store_.get(), directory_.get(), receptions_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Scheduling::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                        grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  void AsAdmin(grpc::ClientContext& context) {
    Principal admin{"admin_1", {"admin"}, ""};
    PropagateToClient(context, "req-test", &admin);
  }

  testing::ScratchSchema schema_{"schedsvc"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CalendarStore> store_;
  std::unique_ptr<DirectoryStore> directory_;
  std::unique_ptr<ReceptionStore> receptions_;
  std::unique_ptr<SchedulingService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Scheduling::Stub> stub_;
};

TEST_F(SchedulingServiceTest, AWriteBlockedPastTheCallersDeadlineCommitsNothing) {
  // Another session holds the year's row (an administrator's long transaction).
  pqxx::connection other(schema_.dsn());
  pqxx::work holder(other);
  holder.exec("SET LOCAL search_path TO " + holder.quote_name(schema_.name()));
  holder.exec("SELECT * FROM calendar_years WHERE year = 2026 FOR UPDATE");

  grpc::ClientContext context;
  AsAdmin(context);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  v1::PutCalendarRequest request;
  request.set_year(2026);  // an empty year: no holidays at all
  v1::Calendar response;
  grpc::Status status = stub_->PutCalendar(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);

  // The server gave up too: nothing waits on the lock, and once it is
  // released nothing commits.
  const int holder_pid = other.backendpid();
  auto waiting_on_holder = [&] {
    pqxx::connection conn(testing::AdminDsn());
    pqxx::nontransaction tx(conn);
    return tx
        .exec1("SELECT count(*) FROM pg_stat_activity WHERE " + std::to_string(holder_pid) +
               " = ANY(pg_blocking_pids(pid))")[0]
        .as<int>();
  };
  EXPECT_TRUE(testing::Eventually([&] { return waiting_on_holder() == 0; }));
  holder.commit();
  auto year = store_->GetYear(2026);
  ASSERT_TRUE(year.ok()) << year.status();
  EXPECT_EQ(year->days.size(), 33u + 6u);  // the official calendar, unchanged
}

}  // namespace
}  // namespace petition::scheduling
