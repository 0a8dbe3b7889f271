// The scanner against a real PostgreSQL, on a clock the test sets.
#include "services/supervision/service/deadline_scanner.h"

#include <atomic>
#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/call_proof.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/request_context.h"
#include "common/testing/loopback_server.h"
#include "common/testing/pg_test_env.h"
#include "common/working_calendar.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/supervision/service/supervision_service.h"

namespace petition::supervision {
namespace {

using absl::CivilDay;

class CalendarOracle : public WorkingDayOracle {
 public:
  absl::StatusOr<WorkingDayResult> AddWorkingDays(CivilDay from, int n) override {
    return cal_.AddWorkingDays(from, n);
  }

 private:
  WorkingCalendar cal_;  // Monday-Friday: enough for these dates
};

absl::Time At(CivilDay day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), hour, 0, 0),
                         absl::FixedTimeZone(8 * 3600));
}

class DeadlineScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SupervisionMigrations(), DeadlineStore::Statements());
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<DeadlineStore>(pool_.get());
    DeadlinePolicy policy = DeadlinePolicy::Regulation();
    policy.due_soon = {2, DayUnit::kCalendarDays};
    ASSERT_TRUE(store_->EnsurePolicy(policy).ok());
  }

  // Registers `case_id` with an ACCEPTANCE deadline due on `due`.
  void Register(const std::vector<std::string>& case_ids, CivilDay due) {
    std::vector<petition::v1::CaseEvent> events(case_ids.size());
    std::vector<DeadlineStore::Application> apps;
    for (size_t i = 0; i < case_ids.size(); ++i) {
      events[i].set_event_id(NewId("evt"));
      events[i].set_case_id(case_ids[i]);
      events[i].set_sequence(1);
      *events[i].mutable_registered()->mutable_received_at() = ToProtoTimestamp(At(due - 15));
      DeadlineRecord d;
      d.kind = "ACCEPTANCE";
      d.start_date = due - 15;
      d.due_date = due;
      d.policy_version = 1;
      d.limit = Limit{15, DayUnit::kCalendarDays};
      DeadlineStore::Application app;
      app.event = &events[i];
      app.open.push_back(d);
      apps.push_back(std::move(app));
    }
    auto applied = store_->ApplyEvents(apps);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  std::string State(const std::string& case_id) {
    auto d = store_->GetDeadline(case_id, "ACCEPTANCE");
    return d.ok() ? d->state : d.status().ToString();
  }

  int64_t Count(const std::string& sql) {
    auto r = pool_->Read([&](pqxx::transaction_base& tx) -> absl::StatusOr<int64_t> {
      return tx.exec1(sql)[0].as<int64_t>();
    });
    return r.ok() ? *r : -1;
  }

  testing::ScratchSchema schema_{"scan"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<DeadlineStore> store_;
  CalendarOracle oracle_;
};

// A petitioner's review window that runs out unused lapses: EXPIRED, never
// OVERDUE, no supervision order, in no unit's pending list; the OVERDUE list
// leaves it out and the EXPIRED list holds it before and after the scan.
TEST_F(DeadlineScannerTest, AReviewWindowThatRunsOutExpiresAndCountsAgainstNobody) {
  const CivilDay delivered(2026, 3, 2), due(2026, 4, 1);
  petition::v1::CaseEvent registered, delivery;
  registered.set_event_id(NewId("evt"));
  registered.set_case_id("case_w");
  registered.set_sequence(1);
  *registered.mutable_registered()->mutable_received_at() = ToProtoTimestamp(At(delivered - 40));
  DeadlineStore::Application reg;
  reg.event = &registered;
  registered.mutable_registered()->add_handling_unit_ids("unit_w");
  delivery.set_event_id(NewId("evt"));
  delivery.set_case_id("case_w");
  delivery.set_sequence(2);
  *delivery.mutable_occurred_at() = ToProtoTimestamp(At(delivered));
  delivery.mutable_delivered()->set_delivered_on(FormatDate(delivered));
  DeadlineRecord window;
  window.kind = "REVIEW_WINDOW";
  window.start_date = delivered;
  window.due_date = due;
  window.policy_version = 1;
  window.limit = Limit{30, DayUnit::kCalendarDays};
  DeadlineStore::Application app;
  app.event = &delivery;
  app.open.push_back(window);
  ASSERT_TRUE(store_->ApplyEvents({reg}).ok());
  ASSERT_TRUE(store_->ApplyEvents({app}).ok());

  ManualClock clock(At(due + 1));
  DeadlineScanner scanner(&*store_, &oracle_, &clock, {});
  auto list = [&](const std::string& state, const std::string& unit) {
    DeadlineFilter f;
    f.state = state;
    f.today = due + 1;
    f.unit_id = unit;
    auto rows = store_->ListDeadlines(f);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? rows->size() : 99;
  };
  // Past due before the scanner passes: EXPIRED already, never OVERDUE.
  EXPECT_EQ(list("OVERDUE", ""), 0u);
  EXPECT_EQ(list("OVERDUE", "unit_w"), 0u);
  EXPECT_EQ(list("EXPIRED", ""), 1u);
  auto pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->overdue, 0);
  EXPECT_EQ(pass->expired, 1);
  auto d = store_->GetDeadline("case_w", "REVIEW_WINDOW");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->state, "EXPIRED");
  EXPECT_FALSE(d->met_at.has_value());
  EXPECT_EQ(list("EXPIRED", ""), 1u);
  EXPECT_EQ(list("EXPIRED", "unit_w"), 1u);
  EXPECT_EQ(list("OVERDUE", ""), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM supervision_orders WHERE case_id = 'case_w'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM deadline_units WHERE case_id = 'case_w'"), 0);
  // The case concluded later: the lapsed window stays EXPIRED, not MISSED.
  petition::v1::CaseEvent concluded;
  concluded.set_event_id(NewId("evt"));
  concluded.set_case_id("case_w");
  concluded.set_sequence(3);
  *concluded.mutable_occurred_at() = ToProtoTimestamp(At(due + 3));
  concluded.mutable_concluded();
  DeadlineStore::Application end;
  end.event = &concluded;
  end.meet = {"REVIEW_WINDOW"};
  end.met_day = due + 3;
  ASSERT_TRUE(store_->ApplyEvents({end}).ok());
  EXPECT_EQ(store_->GetDeadline("case_w", "REVIEW_WINDOW")->state, "EXPIRED");

  // A review asked on the window's last day whose event arrives after the
  // scanner's pass: in time, MET.
  petition::v1::CaseEvent late_registered = registered, late_delivery = delivery, review;
  late_registered.set_event_id(NewId("evt"));
  late_registered.set_case_id("case_v");
  late_delivery.set_event_id(NewId("evt"));
  late_delivery.set_case_id("case_v");
  reg.event = &late_registered;
  app.event = &late_delivery;
  ASSERT_TRUE(store_->ApplyEvents({reg, app}).ok());
  ASSERT_TRUE(scanner.RunOnce().ok());
  ASSERT_EQ(store_->GetDeadline("case_v", "REVIEW_WINDOW")->state, "EXPIRED");
  review.set_event_id(NewId("evt"));
  review.set_case_id("case_v");
  review.set_sequence(3);
  *review.mutable_occurred_at() = ToProtoTimestamp(At(due, 16));
  review.mutable_review_requested();
  DeadlineStore::Application asked;
  asked.event = &review;
  asked.meet = {"REVIEW_WINDOW"};
  asked.met_day = due;
  ASSERT_TRUE(store_->ApplyEvents({asked}).ok());
  EXPECT_EQ(store_->GetDeadline("case_v", "REVIEW_WINDOW")->state, "MET");
}

TEST_F(DeadlineScannerTest, EveryTransitionFollowsTheClock) {
  Register({"case_a"}, CivilDay(2026, 3, 17));
  ManualClock clock(At(CivilDay(2026, 3, 10)));
  std::vector<std::string> overdue_seen;
  DeadlineScanner scanner(&*store_, &oracle_, &clock, {},
                          [&](const std::vector<DeadlineRecord>& ds) {
                            for (const auto& d : ds) overdue_seen.push_back(d.case_id);
                          });
  auto pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->overdue + pass->due_soon, 0);
  EXPECT_EQ(State("case_a"), "OPEN");
  // Two calendar days before the due date: DUE_SOON.
  clock.Set(At(CivilDay(2026, 3, 15)));
  pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->due_soon, 1);
  EXPECT_EQ(State("case_a"), "DUE_SOON");
  // Nothing changes again on the same day: no row touched.
  EXPECT_EQ(scanner.RunOnce()->due_soon, 0);
  // The due date itself is still DUE_SOON, the day after OVERDUE.
  clock.Set(At(CivilDay(2026, 3, 17), 23));
  EXPECT_EQ(scanner.RunOnce()->overdue, 0);
  clock.Set(At(CivilDay(2026, 3, 18), 0));
  pass = scanner.RunOnce();
  EXPECT_EQ(pass->overdue, 1);
  EXPECT_EQ(State("case_a"), "OVERDUE");
  EXPECT_EQ(overdue_seen, std::vector<std::string>{"case_a"});
  // The late decision: MISSED, and the scanner leaves it alone.
  petition::v1::CaseEvent declined;
  declined.set_event_id(NewId("evt"));
  declined.set_case_id("case_a");
  declined.set_sequence(2);
  *declined.mutable_occurred_at() = ToProtoTimestamp(At(CivilDay(2026, 3, 19)));
  declined.mutable_declined();
  DeadlineStore::Application app;
  app.event = &declined;
  app.meet = {"ACCEPTANCE"};
  app.met_day = CivilDay(2026, 3, 19);
  ASSERT_EQ(*store_->ApplyEvents({app}), 1);
  EXPECT_EQ(State("case_a"), "MISSED");
  clock.Set(At(CivilDay(2026, 5, 1)));
  EXPECT_EQ(scanner.RunOnce()->overdue, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM deadline_transitions"), 2);
}

TEST_F(DeadlineScannerTest, CatchesUpAfterDowntime) {
  Register({"case_b", "case_c"}, CivilDay(2026, 3, 17));
  Register({"case_d"}, CivilDay(2026, 6, 30));
  ManualClock clock(At(CivilDay(2026, 3, 1)));
  DeadlineScanner scanner(&*store_, &oracle_, &clock, {});
  ASSERT_TRUE(scanner.RunOnce().ok());
  // Down for two months: OPEN straight to OVERDUE, the later one untouched.
  clock.Set(At(CivilDay(2026, 5, 1)));
  auto pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->overdue, 2);
  EXPECT_EQ(pass->due_soon, 0);
  EXPECT_EQ(State("case_b"), "OVERDUE");
  EXPECT_EQ(State("case_d"), "OPEN");
}

TEST_F(DeadlineScannerTest, OverdueHandlingOpensAReminderThatClimbsTheLadder) {
  Register({"case_o"}, CivilDay(2026, 3, 17));
  petition::v1::CaseEvent accepted;
  accepted.set_event_id(NewId("evt"));
  accepted.set_case_id("case_o");
  accepted.set_sequence(2);
  *accepted.mutable_occurred_at() = ToProtoTimestamp(At(CivilDay(2026, 3, 3)));
  accepted.mutable_accepted()->add_handling_unit_ids("unit_w");
  DeadlineStore::Application app;
  app.event = &accepted;
  app.meet = {"ACCEPTANCE"};
  app.met_day = CivilDay(2026, 3, 3);
  app.handling_unit_ids = std::vector<std::string>{"unit_w"};
  DeadlineRecord handling;
  handling.kind = "HANDLING";
  handling.start_date = CivilDay(2026, 3, 3);
  handling.due_date = CivilDay(2026, 3, 20);
  app.open.push_back(handling);
  ASSERT_EQ(*store_->ApplyEvents({app}), 1);

  ManualClock clock(At(CivilDay(2026, 3, 21)));
  DeadlineScanner scanner(&*store_, &oracle_, &clock, {});
  auto pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->orders_opened, 1);  // HANDLING only: ACCEPTANCE was met
  auto orders = store_->ListOrders("case_o", "", "", "", 10);
  ASSERT_TRUE(orders.ok());
  ASSERT_EQ(orders->size(), 1u);
  const OrderRecord first = (*orders)[0];
  EXPECT_EQ(first.level, "REMINDER");
  EXPECT_EQ(first.unit_id, "unit_w");
  EXPECT_EQ(first.deadline_kind, "HANDLING");
  // The policy's REMINDER window, 5 working days from Saturday 03-21.
  EXPECT_EQ(first.due_date, CivilDay(2026, 3, 27));
  // The same day again: nothing new.
  EXPECT_EQ(scanner.RunOnce()->orders_opened + scanner.RunOnce()->orders_escalated, 0);
  // Not responded to: one level per missed due date, up to SUMMONS.
  std::vector<std::string> levels;
  absl::CivilDay day = first.due_date + 1;
  for (int i = 0; i < 4; ++i) {
    clock.Set(At(day));
    ASSERT_TRUE(scanner.RunOnce().ok());
    auto o = store_->GetOrder(first.order_id);
    ASSERT_TRUE(o.ok());
    levels.push_back(o->level);
    day = o->due_date + 1;
  }
  EXPECT_EQ(levels, (std::vector<std::string>{"ORDER", "LISTED", "SUMMONS", "SUMMONS"}));
  auto o = store_->GetOrder(first.order_id);
  ASSERT_EQ(o->steps.size(), 4u);  // opened, then three escalations
  EXPECT_EQ(o->steps[3].level, "SUMMONS");
  // Responded: it escalates no more.
  ASSERT_TRUE(store_->RespondOrder(first.order_id, "已办结", clock.Now()).ok());
  EXPECT_EQ(store_->RespondOrder(first.order_id, "again", clock.Now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  clock.Set(At(CivilDay(2026, 6, 1)));
  EXPECT_EQ(scanner.RunOnce()->orders_escalated, 0);
  EXPECT_EQ(store_->GetOrder(first.order_id)->state, "RESPONDED");
}

TEST_F(DeadlineScannerTest, TwoScannersAtOnceDoNoWorkTwice) {
  constexpr int kCases = 3000;
  for (int batch = 0; batch < kCases / 1000; ++batch) {
    std::vector<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.push_back(absl::StrCat("case_", batch, "_", i));
    Register(ids, CivilDay(2026, 3, 17));
  }
  auto other_pool =
      testing::MigratedPool(schema_, SupervisionMigrations(), DeadlineStore::Statements());
  ASSERT_NE(other_pool, nullptr);
  DeadlineStore other_store(other_pool.get());
  ManualClock clock(At(CivilDay(2026, 4, 1)));
  DeadlineScanner::Options options;
  options.batch_size = 100;
  DeadlineScanner first(&*store_, &oracle_, &clock, options);
  DeadlineScanner second(&other_store, &oracle_, &clock, options);
  absl::Notification go;
  absl::StatusOr<DeadlineScanner::Totals> a, b;
  std::thread ta([&] {
    go.WaitForNotification();
    a = first.RunOnce();
  });
  std::thread tb([&] {
    go.WaitForNotification();
    b = second.RunOnce();
  });
  go.Notify();
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->overdue + b->overdue, kCases);
  EXPECT_EQ(Count("SELECT count(*) FROM deadlines WHERE state = 'OVERDUE'"), kCases);
  EXPECT_EQ(Count("SELECT count(*) FROM deadline_transitions"), kCases);
  EXPECT_EQ(Count("SELECT count(DISTINCT (case_id, kind, to_state)) FROM deadline_transitions"),
            kCases);
}

}  // namespace
}  // namespace petition::supervision

namespace petition::supervision {
namespace {

// A calendar that scheduling loads later: the oracle answers with it once
// loaded, and its version says so.
class LoadableCalendar : public WorkingDayOracle, public CalendarVersions {
 public:
  absl::StatusOr<WorkingDayResult> AddWorkingDays(CivilDay from, int n) override {
    absl::MutexLock lock(&mu_);
    return calendar_.AddWorkingDays(from, n);
  }
  absl::StatusOr<std::map<int, int64_t>> Versions() override {
    absl::MutexLock lock(&mu_);
    return versions_;
  }
  void Load2026(int64_t version, CivilDay holiday) {
    absl::MutexLock lock(&mu_);
    calendar_ = WorkingCalendar();
    calendar_.MarkYearLoaded(2026);
    ASSERT_TRUE(calendar_.AddHoliday(holiday, "假日").ok());
    versions_[2026] = version;
  }

 private:
  absl::Mutex mu_;
  WorkingCalendar calendar_ ABSL_GUARDED_BY(mu_);
  std::map<int, int64_t> versions_ ABSL_GUARDED_BY(mu_);
};

TEST_F(DeadlineScannerTest, DueDatesMoveWhenTheirYearIsLoadedOrChanged) {
  // Both due 03-17, counted 15 calendar days from 03-02 with the roll; one
  // was provisional (the year was not loaded when it was counted).
  Register({"case_prov", "case_firm"}, CivilDay(2026, 3, 17));
  ASSERT_TRUE(pool_
                  ->Transact([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec("UPDATE deadlines SET provisional = true WHERE case_id = 'case_prov'");
                    return absl::OkStatus();
                  })
                  .ok());
  LoadableCalendar calendar;
  ManualClock clock(At(CivilDay(2026, 3, 1)));
  DeadlineScanner::Options options;
  options.calendar_versions = &calendar;
  DeadlineScanner scanner(&*store_, &calendar, &clock, options);
  ASSERT_EQ(scanner.RunOnce()->recomputed, 0);  // nothing loaded yet

  // 2026 loaded with 03-17 a holiday: only the provisional one is counted
  // again (the other was counted over the loaded year); it rolls to 03-18.
  calendar.Load2026(100, CivilDay(2026, 3, 17));
  auto pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->recomputed, 1);
  auto prov = store_->GetDeadline("case_prov", "ACCEPTANCE");
  ASSERT_TRUE(prov.ok());
  EXPECT_EQ(prov->due_date, CivilDay(2026, 3, 18));
  EXPECT_FALSE(prov->provisional);
  EXPECT_EQ(store_->GetDeadline("case_firm", "ACCEPTANCE")->due_date, CivilDay(2026, 3, 17));
  EXPECT_EQ(scanner.RunOnce()->recomputed, 0);  // the same version: nothing again

  // The year changes (03-18 the holiday instead): every pending deadline
  // over it is counted again, each change recorded with old and new.
  calendar.Load2026(200, CivilDay(2026, 3, 18));
  pass = scanner.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->recomputed, 1);  // case_prov back to 03-17; case_firm stays
  auto changes = store_->DueDateChanges("case_prov");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].old_due_date, CivilDay(2026, 3, 17));
  EXPECT_EQ((*changes)[0].new_due_date, CivilDay(2026, 3, 18));
  EXPECT_TRUE((*changes)[0].old_provisional);
  EXPECT_EQ((*changes)[1].new_due_date, CivilDay(2026, 3, 17));
  EXPECT_EQ(store_->DueDateChanges("case_firm")->size(), 0u);
  // Another replica that saw the old version applies nothing.
  EXPECT_FALSE(*store_->ApplyRecomputation(2026, 100, 300, {}));
}

// The deadline handlers that intake and the lists call on every request,
// over a real gRPC server on port 0 and the scanner's calendar: each reads
// (or writes) its records in one transaction.
class SupervisionTransactionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, SupervisionMigrations(), DeadlineStore::Statements());
    ASSERT_NE(pool_, nullptr);
    // Every transaction acquires a connection once: the count of a call's
    // transactions.
    pool_->set_acquire_observer([this](absl::Duration) { ++acquired_; });
    store_ = std::make_unique<DeadlineStore>(pool_.get());
    ASSERT_TRUE(store_->EnsurePolicy(DeadlinePolicy::Regulation()).ok());
    service_ = std::make_unique<SupervisionService>(store_.get(), &calendar_, &clock_);
    server_ = testing::LoopbackServer::Start(service_.get());
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Supervision::NewStub(server_->NewChannel());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // The transactions `call` ran.
  int Transactions(const std::function<void()>& call) {
    const int before = acquired_.load();
    call();
    return acquired_.load() - before;
  }

  // Calls `method` as an administrator: the status, and how many
  // transactions it ran in `transactions`.
  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const Request& request, Response* response, int* transactions) {
    grpc::Status status;
    *transactions = Transactions([&] {
      grpc::ClientContext context;
      Principal admin{"admin_1", {"admin"}, ""};
      PropagateToClient(context, "req-test", &admin);
      // As if through the gateway (no call guard checks the proof here).
      context.AddMetadata(kProofHeader, std::string("v1.") + kGatewayCaller + ".0.0");
      status = (stub_.get()->*method)(&context, request, response);
    });
    return status;
  }

  v1::ApplyCaseEventsRequest Registration(const std::string& case_id, CivilDay received) {
    v1::ApplyCaseEventsRequest request;
    petition::v1::CaseEvent* event = request.add_events();
    event->set_event_id(NewId("evt"));
    event->set_case_id(case_id);
    event->set_sequence(1);
    *event->mutable_occurred_at() = ToProtoTimestamp(At(received));
    *event->mutable_registered()->mutable_received_at() = ToProtoTimestamp(At(received));
    event->mutable_registered()->add_handling_unit_ids("unit_a");
    return request;
  }

  std::atomic<int> acquired_{0};
  testing::ScratchSchema schema_{"svctx"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<DeadlineStore> store_;
  CalendarOracle calendar_;
  ManualClock clock_{At(CivilDay(2026, 3, 20))};
  std::unique_ptr<SupervisionService> service_;
  std::unique_ptr<testing::LoopbackServer> server_;
  std::unique_ptr<v1::Supervision::Stub> stub_;
};

TEST_F(SupervisionTransactionsTest, TheDeadlineHandlersRunOneTransactionEach) {
  int n = -1;
  v1::ApplyCaseEventsResponse applied;
  // The first batch learns the policy (a transaction of its own); every
  // later one builds under it and applies in one.
  ASSERT_TRUE(Call(&v1::Supervision::Stub::ApplyCaseEvents,
                   Registration("case_1", CivilDay(2026, 3, 2)), &applied, &n)
                  .ok());
  EXPECT_EQ(applied.applied(), 1);
  ASSERT_TRUE(Call(&v1::Supervision::Stub::ApplyCaseEvents,
                   Registration("case_2", CivilDay(2026, 3, 3)), &applied, &n)
                  .ok());
  EXPECT_EQ(applied.applied(), 1);
  EXPECT_EQ(n, 1);

  v1::GetCaseDeadlinesRequest get;
  get.set_case_id("case_1");
  v1::CaseDeadlines deadlines;
  grpc::Status got = Call(&v1::Supervision::Stub::GetCaseDeadlines, get, &deadlines, &n);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(n, 1);
  ASSERT_EQ(deadlines.deadlines_size(), 1);
  EXPECT_EQ(deadlines.deadlines(0).kind(), v1::ACCEPTANCE);
  EXPECT_EQ(deadlines.deadlines(0).state(), v1::OVERDUE);  // due 03-17, read on 03-20

  get.set_case_id("case_unknown");
  EXPECT_EQ(Call(&v1::Supervision::Stub::GetCaseDeadlines, get, &deadlines, &n).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(n, 1);

  v1::ListDeadlinesRequest list;
  list.set_state(v1::OVERDUE);
  v1::ListDeadlinesResponse listed;
  ASSERT_TRUE(Call(&v1::Supervision::Stub::ListDeadlines, list, &listed, &n).ok());
  EXPECT_EQ(n, 1);
  ASSERT_EQ(listed.deadlines_size(), 2);
  EXPECT_EQ(listed.deadlines(0).case_id(), "case_1");

  v1::CheckReviewWindowRequest window;
  window.set_case_id("case_1");
  v1::CheckReviewWindowResponse open;
  ASSERT_TRUE(Call(&v1::Supervision::Stub::CheckReviewWindow, window, &open, &n).ok());
  EXPECT_EQ(n, 1);
  EXPECT_FALSE(open.open());

  v1::GetDeadlinePolicyRequest policy_request;
  v1::DeadlinePolicy policy;
  ASSERT_TRUE(Call(&v1::Supervision::Stub::GetDeadlinePolicy, policy_request, &policy, &n).ok());
  EXPECT_EQ(n, 1);
}

TEST_F(SupervisionTransactionsTest, APolicyChangedMeanwhileIsAppliedUnder) {
  int n = -1;
  v1::ApplyCaseEventsResponse applied;
  ASSERT_TRUE(Call(&v1::Supervision::Stub::ApplyCaseEvents,
                   Registration("case_1", CivilDay(2026, 3, 2)), &applied, &n)
                  .ok());
  // Another replica puts a policy with a shorter acceptance limit.
  DeadlinePolicy shorter = DeadlinePolicy::Regulation();
  shorter.acceptance = {5, DayUnit::kCalendarDays};
  auto put = store_->PutPolicy(shorter, "");
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_TRUE(Call(&v1::Supervision::Stub::ApplyCaseEvents,
                   Registration("case_2", CivilDay(2026, 3, 4)), &applied, &n)
                  .ok());
  EXPECT_EQ(applied.applied(), 1);
  EXPECT_EQ(n, 2);  // the stale policy found, then built again and applied
  auto acceptance = store_->GetDeadline("case_2", "ACCEPTANCE");
  ASSERT_TRUE(acceptance.ok()) << acceptance.status();
  EXPECT_EQ(acceptance->policy_version, put->version);
  EXPECT_EQ(acceptance->due_date, CivilDay(2026, 3, 9));
}

}  // namespace
}  // namespace petition::supervision
