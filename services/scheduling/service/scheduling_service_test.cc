// The handlers over a real gRPC server on port 0 and a real PostgreSQL: what
// a call's deadline does to the database work it causes.
#include "services/scheduling/service/scheduling_service.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/request_context.h"
#include "common/testing/eventually.h"
#include "common/testing/loopback_server.h"
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
    std::vector<PgStatement> statements = CalendarStore::Statements();
    for (const auto* more : {&DirectoryStore::Statements(), &ReceptionStore::Statements(),
                             &RequestLog::Statements()}) {
      statements.insert(statements.end(), more->begin(), more->end());
    }
    pool_ = testing::MigratedPool(schema_, SchedulingMigrations(), statements);
    ASSERT_NE(pool_, nullptr);
    // Every transaction acquires a connection once: the count of a call's
    // transactions.
    pool_->set_acquire_observer([this](absl::Duration) { ++acquired_; });
    // The calendar stays in memory for the whole test: a refresh would be a
    // transaction of its own, between the calls measured.
    store_ = std::make_unique<CalendarStore>(pool_.get(), absl::Hours(1));
    directory_ = std::make_unique<DirectoryStore>(pool_.get());
    receptions_ = std::make_unique<ReceptionStore>(pool_.get());
    service_ =
        std::make_unique<SchedulingService>(store_.get(), directory_.get(), receptions_.get());
    server_ = testing::LoopbackServer::Start(service_.get());
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Scheduling::NewStub(server_->NewChannel());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  void AsAdmin(grpc::ClientContext& context) {
    Principal admin{"admin_1", {"admin"}, ""};
    PropagateToClient(context, "req-test", &admin);
  }

  // The transactions `call` ran.
  int Transactions(const std::function<void()>& call) {
    const int before = acquired_.load();
    call();
    return acquired_.load() - before;
  }

  std::atomic<int> acquired_{0};
  testing::ScratchSchema schema_{"schedsvc"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CalendarStore> store_;
  std::unique_ptr<DirectoryStore> directory_;
  std::unique_ptr<ReceptionStore> receptions_;
  std::unique_ptr<SchedulingService> service_;
  std::unique_ptr<testing::LoopbackServer> server_;
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

// What intake and supervision ask on every request reads one snapshot: one
// transaction per call (the calendar answers from memory).
TEST_F(SchedulingServiceTest, EachReadRunsInOneTransaction) {
  v1::Unit unit;
  {
    grpc::ClientContext context;
    AsAdmin(context);
    v1::CreateUnitRequest request;
    request.set_name("Township");
    request.set_kind(v1::TOWNSHIP);
    ASSERT_TRUE(stub_->CreateUnit(&context, request, &unit).ok());
  }
  v1::Official official;
  {
    grpc::ClientContext context;
    AsAdmin(context);
    v1::CreateOfficialRequest request;
    request.set_name("Leader");
    request.set_unit_id(unit.unit_id());
    request.set_position("deputy head");
    request.set_rank(v1::DEPUTY_SECTION_CHIEF);
    grpc::Status status = stub_->CreateOfficial(&context, request, &official);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    AsAdmin(context);
    v1::GetCalendarDayRequest request;
    request.set_date("2026-10-01");
    v1::CalendarDay day;
    ASSERT_TRUE(stub_->GetCalendarDay(&context, request, &day).ok());  // the calendar loads
  }
  auto call = [&](auto method, const auto& request, auto* response) {
    return Transactions([&] {
      grpc::ClientContext context;
      AsAdmin(context);
      (stub_.get()->*method)(&context, request, response);
    });
  };
  v1::AddWorkingDaysRequest add;
  add.set_from("2026-09-30");
  add.set_days(3);
  v1::AddWorkingDaysResponse added;
  EXPECT_EQ(call(&v1::Scheduling::Stub::AddWorkingDays, add, &added), 0);

  v1::CheckDeciderRequest decider;
  decider.set_case_id("case_1");
  decider.set_official_id(official.official_id());
  decider.set_decision(v1::REVIEW_REPORT);
  v1::CheckDeciderResponse checked;
  EXPECT_EQ(call(&v1::Scheduling::Stub::CheckDecider, decider, &checked), 1);
  EXPECT_EQ(checked.unit_kind(), v1::TOWNSHIP);

  v1::GetAssigneeRequest assignee_request;
  assignee_request.set_unit_id(unit.unit_id());
  assignee_request.set_date("2026-10-12");
  assignee_request.set_case_id("case_1");
  v1::Assignee assignee;
  EXPECT_EQ(call(&v1::Scheduling::Stub::GetAssignee, assignee_request, &assignee), 1);

  v1::ListReceptionsRequest list;
  list.set_unit_id(unit.unit_id());
  list.set_from("2026-10-01");
  list.set_to("2026-10-31");
  v1::ListReceptionsResponse listed;
  EXPECT_EQ(call(&v1::Scheduling::Stub::ListReceptions, list, &listed), 1);

  v1::GetOnDutyRequest duty;
  duty.set_unit_id(unit.unit_id());
  duty.set_at("2026-10-12T10:00:00+08:00");
  v1::ReceptionSession session;
  EXPECT_EQ(call(&v1::Scheduling::Stub::GetOnDuty, duty, &session), 1);

  v1::GetRosterRequest roster_request;
  roster_request.set_unit_id(unit.unit_id());
  roster_request.set_month("2026-10");
  v1::Roster roster;
  EXPECT_EQ(call(&v1::Scheduling::Stub::GetRoster, roster_request, &roster), 1);

  v1::ListReceptionPlansRequest plans;
  plans.set_unit_id(unit.unit_id());
  v1::ListReceptionPlansResponse planned;
  EXPECT_EQ(call(&v1::Scheduling::Stub::ListReceptionPlans, plans, &planned), 1);
}

}  // namespace
}  // namespace petition::scheduling
