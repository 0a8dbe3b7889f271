// The feedback relay against a real PostgreSQL and a real HTTP server on a
// free port standing in for the county platform.
#include "services/intake/service/county_feedback_relay.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/dates.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "common/testing/http_receiver.h"
#include "common/testing/pg_test_env.h"
#include "gtest/gtest.h"
#include "services/intake/domain/county_transfer.h"

namespace petition::intake {
namespace {

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kSecret[] = "a-secret-shared-with-the-county";

std::vector<PgStatement> AllStatements() {
  std::vector<PgStatement> all = CaseStore::Statements();
  for (const PgStatement& s : CountyStore::Statements()) all.push_back(s);
  return all;
}

class CountyFeedbackRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = testing::MigratedPool(schema_, IntakeMigrations(), AllStatements());
    ASSERT_NE(pool_, nullptr);
    auto cipher = PiiCipher::Create(kKey);
    ASSERT_TRUE(cipher.ok());
    cipher_ = *std::move(cipher);
    cases_ = std::make_unique<CaseStore>(pool_.get(), cipher_.get());
    county_ = std::make_unique<CountyStore>(pool_.get(), cases_.get());
  }

  // A county case pushed and declined: one result waiting for the county.
  std::string DeclinedCountyCase(const std::string& county_id) {
    TransferPushCall call;
    v1::Case& c = call.c;
    c.set_case_id(NewId("case"));
    c.set_query_code(NewQueryCode());
    c.set_status(v1::REGISTERED);
    c.set_source(v1::COUNTY_TRANSFER);
    c.set_county_case_id(county_id);
    c.set_channel(v1::ONLINE);
    *c.mutable_received_at() = NowTimestamp();
    c.set_received_by("county_platform");
    c.set_headcount(1);
    c.set_category(v1::OTHER);
    c.set_subject("转送事项");
    c.set_content("内容");
    auto* p = c.add_petitioners();
    p->set_name("王五");
    p->set_id_number("11010519491231002X");
    call.push_sha256 = "sha";
    call.caller = &caller_;
    call.registered.set_event_id(NewId("evt"));
    call.registered.set_case_id(c.case_id());
    call.registered.set_sequence(1);
    auto pushed = county_->Push(call);
    EXPECT_TRUE(pushed.ok()) << pushed.status();
    auto declined =
        cases_->ApplyStep(c.case_id(), [&](const v1::Case& current) -> absl::StatusOr<StepChange> {
          StepChange change;
          change.updated = current;
          change.updated.set_status(v1::DECLINED);
          change.updated.set_decline_route(v1::LITIGATION);
          change.step.set_step(v1::DECLINE);
          change.step.set_status(v1::DECLINED);
          change.event.set_event_id(NewId("evt"));
          change.event.mutable_declined();
          const CountyStore* county = county_.get();
          change.also = [county](pqxx::transaction_base& tx, const v1::Case& stored) {
            return county->RecordFeedback(tx, stored, /*review_policy=*/false);
          };
          return change;
        });
    EXPECT_TRUE(declined.ok()) << declined.status();
    return c.case_id();
  }

  CountyFeedbackRelay::Options Options(const std::string& url) {
    CountyFeedbackRelay::Options o;
    o.url = url;
    o.secret = kSecret;
    o.idle_poll = absl::Milliseconds(5);
    o.min_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    o.timeout = absl::Seconds(5);
    return o;
  }

  testing::ScratchSchema schema_{"intake_feedback"};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<CountyStore> county_;
  Principal caller_{"county_platform", {"county"}, ""};
};

TEST_F(CountyFeedbackRelayTest, RetriesUntilTheCountyTakesItSignedTheSameEachTime) {
  testing::HttpReceiver county([](const testing::HttpReceiver::Request&, int n) {
    return n < 2 ? 503 : 200;  // down twice, then up
  });
  DeclinedCountyCase("XF-R1");
  CountyFeedbackRelay relay(county_.get(), nullptr, Options(county.url("/feedback")));
  relay.Start();
  ASSERT_TRUE(testing::Eventually([&] {
    auto t = county_->Get("XF-R1");
    return t.ok() && t->feedback_size() == 1 && t->feedback(0).state() == v1::DELIVERED;
  }));
  relay.Stop();
  const std::vector<testing::HttpReceiver::Request> requests = county.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/feedback");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.headers.at("x-signature"), "sha256=" + HexEncode(HmacSha256(kSecret, r.body)));
    EXPECT_EQ(r.headers.at("x-delivery-attempt"), std::to_string(i + 1));
    EXPECT_EQ(r.headers.at("x-delivery-id"), requests[0].headers.at("x-delivery-id"));
    EXPECT_EQ(r.body, requests[0].body);  // the same bytes on every retry
  }
  auto t = county_->Get("XF-R1");
  ASSERT_TRUE(t.ok());
  const v1::FeedbackDelivery& d = t->feedback(0);
  EXPECT_EQ(d.delivery_id(), requests[0].headers.at("x-delivery-id"));
  EXPECT_EQ(d.body().status(), v1::DECLINED);
  EXPECT_EQ(d.body().decline_route(), v1::LITIGATION);
  ASSERT_EQ(d.attempts_size(), 3);
  EXPECT_EQ(d.attempts(0).http_status(), 503);
  EXPECT_NE(d.attempts(0).error().find("HTTP 503"), std::string::npos);
  EXPECT_EQ(d.attempts(2).http_status(), 200);
  EXPECT_EQ(d.attempts(2).error(), "");
}

TEST_F(CountyFeedbackRelayTest, AResultRecordedElsewhereIsDeliveredByItsNotification) {
  testing::HttpReceiver county([](const testing::HttpReceiver::Request&, int) { return 200; });
  DeclinedCountyCase("XF-N1");
  CountyFeedbackRelay::Options options = Options(county.url("/feedback"));
  options.idle_poll = absl::Hours(1);  // no poll in this test's lifetime, and no Wake() below
  CountyFeedbackRelay relay(county_.get(), nullptr, options);
  relay.Start();
  auto delivered = [&](const std::string& county_id) {
    auto t = county_->Get(county_id);
    return t.ok() && t->feedback_size() == 1 && t->feedback(0).state() == v1::DELIVERED;
  };
  // The first batch (after LISTEN) delivers the first; then the relay sleeps.
  ASSERT_TRUE(testing::Eventually([&] { return delivered("XF-N1"); }));
  // A result recorded by another transaction: county_feedback's trigger wakes the relay.
  DeclinedCountyCase("XF-N2");
  ASSERT_TRUE(testing::Eventually([&] { return delivered("XF-N2"); }, absl::Seconds(20)));
  relay.Stop();
  EXPECT_EQ(county.requests().size(), 2u);
}

TEST_F(CountyFeedbackRelayTest, ARetryFallsDueWithoutAPoll) {
  testing::HttpReceiver county([](const testing::HttpReceiver::Request&, int n) {
    return n < 2 ? 503 : 200;  // down twice, then up
  });
  DeclinedCountyCase("XF-R2");
  CountyFeedbackRelay::Options options = Options(county.url("/feedback"));
  options.idle_poll = absl::Hours(1);  // only the retries' own times wake the relay
  CountyFeedbackRelay relay(county_.get(), nullptr, options);
  relay.Start();
  ASSERT_TRUE(testing::Eventually(
      [&] {
        auto t = county_->Get("XF-R2");
        return t.ok() && t->feedback_size() == 1 && t->feedback(0).state() == v1::DELIVERED;
      },
      absl::Seconds(20)));
  relay.Stop();
  EXPECT_EQ(county.requests().size(), 3u);
}

TEST_F(CountyFeedbackRelayTest, APermanentRefusalIsParkedAfterOneAttempt) {
  testing::HttpReceiver county([](const testing::HttpReceiver::Request&, int) { return 422; });
  DeclinedCountyCase("XF-R2");
  CountyFeedbackRelay relay(county_.get(), nullptr, Options(county.url()));
  relay.Start();
  ASSERT_TRUE(testing::Eventually([&] {
    auto counts = county_->Count();
    return counts.ok() && counts->parked == 1;
  }));
  relay.Stop();
  EXPECT_EQ(county.requests().size(), 1u);
  auto t = county_->Get("XF-R2");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->feedback(0).state(), v1::PARKED);
  ASSERT_EQ(t->feedback(0).attempts_size(), 1);
  EXPECT_EQ(t->feedback(0).attempts(0).http_status(), 422);
}

TEST_F(CountyFeedbackRelayTest, StopEndsAPostUnderWayAndLeavesTheResultPending) {
  absl::Notification answering;  // the county holds its answer until the end of the test
  absl::Notification reached;
  testing::HttpReceiver county([&](const testing::HttpReceiver::Request&, int) {
    reached.Notify();
    answering.WaitForNotification();
    return 200;
  });
  DeclinedCountyCase("XF-R4");
  CountyFeedbackRelay relay(county_.get(), nullptr, Options(county.url()));
  relay.Start();
  ASSERT_TRUE(reached.WaitForNotificationWithTimeout(absl::Seconds(20)));
  const absl::Time before = absl::Now();
  relay.Stop();  // libcurl's progress callback sees the loop stopping
  EXPECT_LT(absl::Now() - before, absl::Seconds(4));
  answering.Notify();
  auto t = county_->Get("XF-R4");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->feedback(0).state(), v1::PENDING);  // the next relay POSTs it again
  EXPECT_EQ(t->feedback(0).attempts_size(), 0);
}

TEST_F(CountyFeedbackRelayTest, NoAnswerIsRecordedAndRetriedLater) {
  int closed_port = 0;
  {
    testing::HttpReceiver gone([](const testing::HttpReceiver::Request&, int) { return 200; });
    closed_port = gone.port();
  }
  DeclinedCountyCase("XF-R3");
  auto options = Options(absl::StrCat("http://127.0.0.1:", closed_port, "/"));
  options.min_backoff = absl::Hours(1);  // one attempt, then a long wait
  options.max_backoff = absl::Hours(1);
  CountyFeedbackRelay relay(county_.get(), nullptr, options);
  relay.Start();
  ASSERT_TRUE(testing::Eventually([&] {
    auto t = county_->Get("XF-R3");
    return t.ok() && t->feedback_size() == 1 && t->feedback(0).attempts_size() == 1;
  }));
  relay.Stop();
  auto t = county_->Get("XF-R3");
  ASSERT_TRUE(t.ok());
  const v1::FeedbackDelivery& d = t->feedback(0);
  EXPECT_EQ(d.state(), v1::PENDING);
  EXPECT_EQ(d.attempts(0).http_status(), 0);
  EXPECT_FALSE(d.attempts(0).error().empty());
  // Jittered: between half the backoff and all of it from now.
  const absl::Duration wait = ToAbslTime(d.next_attempt_at()) - absl::Now();
  EXPECT_GT(wait, absl::Minutes(29));
  EXPECT_LE(wait, absl::Hours(1));
}

}  // namespace
}  // namespace petition::intake
