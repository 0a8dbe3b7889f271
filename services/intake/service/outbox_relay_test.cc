// The relay loop against a real PostgreSQL and a real gRPC server on port 0
// standing in for supervision (it implements the generated interface and
// applies events once each, in order per case, as supervision does).
#include "services/intake/service/outbox_relay.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "common/testing/loopback_server.h"
#include "common/testing/pg_test_env.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class FakeSupervision final : public supervision::v1::Supervision::Service {
 public:
  struct Call {
    absl::Time at;
    std::vector<std::string> event_ids;
    int pool_in_use;  // intake's pooled connections leased while supervision works
  };

  explicit FakeSupervision(PgPool* intake_pool) : intake_pool_(intake_pool) {}

  grpc::Status ApplyCaseEvents(grpc::ServerContext*,
                               const supervision::v1::ApplyCaseEventsRequest* request,
                               supervision::v1::ApplyCaseEventsResponse* response) override {
    std::function<void()> hook;
    {
      absl::MutexLock lock(&mu_);
      Call call{absl::Now(), {}, intake_pool_->in_use()};
      for (const auto& e : request->events()) call.event_ids.push_back(e.event_id());
      calls_.push_back(std::move(call));
      if (refuse_for_now_ > 0) {
        --refuse_for_now_;
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "supervision is down");
      }
      for (const auto& e : request->events()) {
        if (refused_cases_.count(e.case_id()) > 0) {
          return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "refused");
        }
      }
      // All or nothing, like supervision's one transaction per call.
      std::map<std::string, int64_t> last = last_sequence_;
      int applied = 0;
      for (const auto& e : request->events()) {
        if (applied_ids_.count(e.event_id()) > 0) continue;  // a redelivery
        if (e.sequence() != last[e.case_id()] + 1) {
          return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "out of order");
        }
        last[e.case_id()] = e.sequence();
        ++applied;
      }
      last_sequence_ = last;
      for (const auto& e : request->events()) {
        if (applied_ids_.insert(e.event_id()).second) applied_order_.push_back(e.case_id());
      }
      response->set_applied(applied);
      response->set_duplicates(request->events_size() - applied);
      hook = after_apply_;
    }
    if (hook) hook();
    return grpc::Status::OK;
  }

  void RefuseForNow(int calls) {
    absl::MutexLock lock(&mu_);
    refuse_for_now_ = calls;
  }
  void RefuseCase(const std::string& case_id) {
    absl::MutexLock lock(&mu_);
    refused_cases_.insert(case_id);
  }
  void AfterApply(std::function<void()> hook) {
    absl::MutexLock lock(&mu_);
    after_apply_ = std::move(hook);
  }
  std::vector<Call> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::vector<std::string> applied_order() {
    absl::MutexLock lock(&mu_);
    return applied_order_;
  }
  size_t applied() {
    absl::MutexLock lock(&mu_);
    return applied_ids_.size();
  }

 private:
  PgPool* intake_pool_;
  absl::Mutex mu_;
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
  int refuse_for_now_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<std::string> refused_cases_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> applied_ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> applied_order_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> last_sequence_ ABSL_GUARDED_BY(mu_);
  std::function<void()> after_apply_ ABSL_GUARDED_BY(mu_);
};

using testing::Eventually;

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, IntakeMigrations(), CaseStore::Statements());
    ASSERT_NE(pool_, nullptr);
    auto cipher = PiiCipher::Create(kKey);
    ASSERT_TRUE(cipher.ok());
    cipher_ = *std::move(cipher);
    store_ = std::make_unique<CaseStore>(pool_.get(), cipher_.get());
    supervision_ = std::make_unique<FakeSupervision>(pool_.get());
    server_ = testing::LoopbackServer::Start(supervision_.get());
    ASSERT_NE(server_, nullptr);
    channel_ = server_->NewChannel();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  std::unique_ptr<OutboxRelay> StartRelay(OutboxRelay::Options options = Fast()) {
    auto relay = std::make_unique<OutboxRelay>(store_.get(), channel_, nullptr, options);
    relay->Start();
    return relay;
  }

  static OutboxRelay::Options Fast() {
    OutboxRelay::Options o;
    o.idle_poll = absl::Milliseconds(20);
    o.min_backoff = absl::Milliseconds(20);
    o.max_backoff = absl::Seconds(1);
    return o;
  }

  // An event of `case_id` written to the outbox as intake writes them.
  std::string Append(const std::string& case_id, int64_t sequence) {
    petition::v1::CaseEvent e;
    e.set_event_id(NewId("evt"));
    e.set_case_id(case_id);
    e.set_sequence(sequence);
    e.mutable_registered()->set_channel("VISIT");
    pqxx::connection conn(schema_.dsn());
    pqxx::work tx(conn);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema_.name()));
    tx.exec("INSERT INTO outbox (event_id, case_id, sequence, payload) VALUES (" +
            tx.quote(e.event_id()) + ", " + tx.quote(case_id) + ", " + std::to_string(sequence) +
            ", decode('" + HexEncode(e.SerializeAsString()) + "', 'hex'))");
    tx.commit();
    return e.event_id();
  }

  void Exec(const std::string& sql) {
    pqxx::connection conn(schema_.dsn());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
    tx.exec(sql);
  }

  int64_t Pending() {
    auto counts = store_->CountOutbox();
    return counts.ok() ? counts->pending : -1;
  }

  testing::ScratchSchema schema_{"relay"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<FakeSupervision> supervision_;
  std::unique_ptr<testing::LoopbackServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(OutboxRelayTest, DeliversWithoutHoldingAPooledConnection) {
  for (int i = 0; i < 3; ++i) Append("case_" + std::to_string(i), 1);
  auto relay = StartRelay();
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 3; }));
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  relay->Stop();
  for (const auto& call : supervision_->calls()) {
    EXPECT_EQ(call.pool_in_use, 0);  // no transaction open while supervision works
  }
  EXPECT_EQ(supervision_->applied_order(),
            (std::vector<std::string>{"case_0", "case_1", "case_2"}));
}

TEST_F(OutboxRelayTest, AnEventCommittedElsewhereIsDeliveredByItsNotification) {
  OutboxRelay::Options options = Fast();
  options.idle_poll = absl::Hours(1);  // no poll in this test's lifetime, and no Wake() below
  Append("case_n", 1);
  auto relay = StartRelay(options);
  // Delivered by the first batch; the relay listens from before it and then sleeps.
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 1; }));
  // Written and committed by another connection, as by another replica's request: the
  // outbox's trigger notifies, and only that can run the next batch in time.
  Append("case_n", 2);
  Append("case_m", 1);
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 3; }, absl::Seconds(20)));
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  relay->Stop();
  EXPECT_EQ(supervision_->applied_order(),
            (std::vector<std::string>{"case_n", "case_n", "case_m"}));
}

TEST_F(OutboxRelayTest, BacksOffWhileSupervisionRefusesThenDelivers) {
  supervision_->RefuseForNow(3);
  Append("case_a", 1);
  auto relay = StartRelay();
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 1; }));
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  relay->Stop();
  auto calls = supervision_->calls();
  ASSERT_EQ(calls.size(), 4u);
  // Up to 20 ms, then 40 ms, then 80 ms between the tries, each at least half of
  // that (jitter): exponential backoff.
  EXPECT_GE(calls[1].at - calls[0].at, absl::Milliseconds(10));
  EXPECT_GE(calls[2].at - calls[1].at, absl::Milliseconds(20));
  EXPECT_GE(calls[3].at - calls[2].at, absl::Milliseconds(40));
  for (const auto& call : calls) EXPECT_EQ(call.pool_in_use, 0);
  pqxx::connection conn(schema_.dsn());
  pqxx::nontransaction tx(conn);
  tx.exec("SET search_path TO " + tx.quote_name(schema_.name()));
  pqxx::row row = tx.exec1("SELECT attempts, last_error FROM outbox");
  EXPECT_EQ(row["attempts"].as<int>(), 4);  // three failures recorded, then delivered
  EXPECT_NE(row["last_error"].as<std::string>().find("UNAVAILABLE"), std::string::npos);
}

TEST_F(OutboxRelayTest, ParksWhatIsRefusedForGoodAndGoesOn) {
  supervision_->RefuseCase("case_bad");
  Append("case_1", 1);
  Append("case_bad", 1);
  Append("case_2", 1);
  auto relay = StartRelay();
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 2; }));
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  Append("case_3", 1);  // later events still flow
  relay->Wake();
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 3; }));
  relay->Stop();
  EXPECT_EQ(supervision_->applied_order(),
            (std::vector<std::string>{"case_1", "case_2", "case_3"}));
  auto counts = store_->CountOutbox();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->parked, 1);
}

TEST_F(OutboxRelayTest, KeepsTheOrderOfEachCaseAcrossBatches) {
  // Interleaved cases, more events than a batch holds.
  for (int seq = 1; seq <= 4; ++seq) {
    Append("case_a", seq);
    Append("case_b", seq);
    if (seq <= 2) Append("case_c", seq);
  }
  OutboxRelay::Options options = Fast();
  options.batch_size = 3;
  supervision_->RefuseForNow(1);  // and a failed batch in between
  auto relay = StartRelay(options);
  ASSERT_TRUE(Eventually([&] { return supervision_->applied() == 10; }));
  relay->Stop();
  // The fake refuses any event out of order for its case: none was.
  std::map<std::string, int> seen;
  for (const std::string& c : supervision_->applied_order()) ++seen[c];
  EXPECT_EQ(seen, (std::map<std::string, int>{{"case_a", 4}, {"case_b", 4}, {"case_c", 2}}));
  EXPECT_EQ(store_->CountOutbox()->parked, 0);
}

TEST_F(OutboxRelayTest, ABatchDeliveredButNotMarkedIsDeliveredAgainAndAppliedOnce) {
  const std::string first = Append("case_a", 1);
  const std::string second = Append("case_a", 2);
  // The relay dies between delivering and marking: here, marking fails
  // because the outbox refuses updates right after supervision applied.
  Exec(
      "CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RAISE EXCEPTION 'marking is blocked'; END $$");
  absl::Notification blocked;
  supervision_->AfterApply([&] {
    Exec(
        "CREATE TRIGGER block_marking BEFORE UPDATE ON outbox "
        "FOR EACH ROW EXECUTE FUNCTION refuse_update()");
    blocked.Notify();
  });
  OutboxRelay::Options slow = Fast();
  slow.min_backoff = absl::Hours(1);  // it would not retry before being stopped
  auto relay = StartRelay(slow);
  blocked.WaitForNotification();
  // Stopped now, the relay either has the answer and fails to mark, or has
  // its call cancelled: either way the applied batch is not marked.
  relay->Stop();
  relay.reset();
  EXPECT_EQ(Pending(), 2);  // delivered, but not marked

  supervision_->AfterApply(nullptr);
  Exec("DROP TRIGGER block_marking ON outbox");
  auto restarted = StartRelay();
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  restarted->Stop();
  auto calls = supervision_->calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].event_ids, (std::vector<std::string>{first, second}));  // redelivered
  EXPECT_EQ(supervision_->applied(), 2u);                                    // applied once
  EXPECT_EQ(supervision_->applied_order(), (std::vector<std::string>{"case_a", "case_a"}));
}

TEST_F(OutboxRelayTest, ARelayStoppedWhileSupervisionAppliesLeavesTheBatchPending) {
  const std::string first = Append("case_a", 1);
  const std::string second = Append("case_b", 1);
  // Supervision has applied the batch but has not answered yet when the
  // relay is stopped (a rolling restart of intake).
  absl::Notification applied, answer;
  supervision_->AfterApply([&] {
    applied.Notify();
    answer.WaitForNotification();
  });
  auto relay = StartRelay();
  applied.WaitForNotification();
  relay->Stop();  // returns without waiting for the answer: the call is cancelled
  relay.reset();
  answer.Notify();
  EXPECT_EQ(Pending(), 2);
  supervision_->AfterApply(nullptr);
  auto restarted = StartRelay();
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  restarted->Stop();
  auto calls = supervision_->calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].event_ids, (std::vector<std::string>{first, second}));  // redelivered
  EXPECT_EQ(supervision_->applied(), 2u);                                    // applied once
}

TEST_F(OutboxRelayTest, OneRelayPerSchemaAcrossReplicas) {
  for (int i = 0; i < 20; ++i) Append("case_" + std::to_string(i), 1);
  OutboxRelay::Options options = Fast();
  options.batch_size = 1;
  // Two replicas' relays on the same schema: one relays, the other waits, so
  // no event goes out twice (without the lock both would read the same rows).
  auto a = StartRelay(options);
  auto b = StartRelay(options);
  ASSERT_TRUE(Eventually([&] { return Pending() == 0; }));
  a->Stop();
  b->Stop();
  std::set<std::string> sent;
  for (const auto& call : supervision_->calls()) {
    for (const std::string& id : call.event_ids) EXPECT_TRUE(sent.insert(id).second) << id;
  }
  EXPECT_EQ(sent.size(), 20u);
}

}  // namespace
}  // namespace petition::intake
