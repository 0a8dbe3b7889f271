// The stack at a date of the test's choosing (TestStack::Options::clock_at and
// SetClock, the services' --clock_offset): what a year's notice being loaded, or
// a due date passing, does to the deadlines, seen on the day it matters whatever
// today's date is.
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/call_proof.h"
#include "common/dates.h"
#include "common/grpc_server.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

namespace sv = supervision::v1;

template <typename M>
M Parse(const std::string& body) {
  M m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &m, options).ok()) << body;
  return m;
}

class StackClockTest : public StackTest<StackClockTest> {
 public:
  static constexpr char kStackName[] = "clock";
  // Before 2027's notice: 2027 is a year of estimated holidays.
  static TestStack::Options StackOptions() {
    TestStack::Options options;
    options.clock_at = TownshipTime(2026, 12, 21);
    return options;
  }

 protected:
  // Puts the stack's clock at `at` unless it is within a minute of it already.
  static void ClockAt(absl::Time at) {
    if (absl::AbsDuration(stack_->Now() - at) < absl::Minutes(1)) return;
    absl::Status s = stack_->SetClock(at);
    ASSERT_TRUE(s.ok()) << s;
  }

  static std::string Admin() { return stack_->Token({"admin"}, "off_admin"); }
  static std::string Supervisor() { return stack_->Token({"supervisor"}, "off_sup"); }

  // A registration as intake relays it, received at `at`, signed on the stack's clock.
  static std::string Registered(absl::Time at) {
    const std::string id = NewId("case");
    sv::ApplyCaseEventsRequest request;
    petition::v1::CaseEvent* e = request.add_events();
    e->set_event_id(NewId("evt"));
    e->set_case_id(id);
    e->set_sequence(1);
    *e->mutable_occurred_at() = ToProtoTimestamp(at);
    auto* r = e->mutable_registered();
    r->set_channel("VISIT");
    r->set_category("OTHER");
    r->set_source("TOWNSHIP");
    *r->mutable_received_at() = ToProtoTimestamp(at);
    auto key = CallKey::Create(stack_->internal_secret());
    auto stub = sv::Supervision::NewStub(
        MakeChannel(absl::StrCat("127.0.0.1:", stack_->grpc_port("supervision")),
                    std::make_shared<const CallSigner>("intake", *key)));
    grpc::ClientContext context;
    sv::ApplyCaseEventsResponse response;
    grpc::Status status = stub->ApplyCaseEvents(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return id;
  }

  // The case's ACCEPTANCE deadline once `done` holds for it.
  static sv::Deadline Acceptance(const std::string& id,
                                 const std::function<bool(const sv::Deadline&)>& done) {
    sv::Deadline seen;
    std::string last;
    EXPECT_TRUE(Eventually([&] {
      HttpResponse r = Call("GET", "/v1/cases/" + id + "/deadlines", "", Supervisor());
      last = r.body;
      if (r.status != 200) return false;
      const auto deadlines = Parse<sv::CaseDeadlines>(r.body);
      for (const auto& d : deadlines.deadlines()) {
        if (d.kind() == sv::ACCEPTANCE) seen = d;
      }
      return seen.kind() == sv::ACCEPTANCE && done(seen);
    })) << last;
    return seen;
  }
};

TEST_F(StackClockTest, TheStackReadsTheClockItWasGiven) {
  ClockAt(TownshipTime(2026, 12, 21));
  // A registration "now" by the stack's clock is plausible to intake (its window
  // is minutes around its own now), whatever the real date.
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%S+08:00", stack_->Now(), TownshipZone());
  HttpResponse r = Call("POST", "/v1/cases",
                        absl::StrCat(R"({"channel":"CALL","category":"OTHER","subject":"咨询",)"
                                     R"("content":"来电咨询低保政策。","receivedAt":")",
                                     now,
                                     R"(","petitioners":[{"name":"张三",)"
                                     R"("idNumber":"11010519491231002X"}]})"),
                        stack_->Token({"clerk"}, "off_clerk1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonString(ParseJson(r.body), "receivedAt").substr(0, 10), "2026-12-21") << r.body;
}

// A provisional due date (2027 had no notice loaded) moves when the year is
// loaded; on 2026-12-21 the deadline is still open.
TEST_F(StackClockTest, AProvisionalDueDateMovesWhenItsYearIsLoaded) {
  ClockAt(TownshipTime(2026, 12, 21));
  // A year of its own, so that no other test's calendar is in the way: 2027's
  // notice is loaded here only.
  const std::string id = Registered(TownshipTime(2026, 12, 20));
  sv::Deadline before = Acceptance(id, [](const sv::Deadline& d) { return d.state() == sv::OPEN; });
  ASSERT_EQ(before.due_date(), "2027-01-04");
  EXPECT_TRUE(before.provisional());

  HttpResponse put = Call("PUT", "/v1/calendars/2027",
                          R"({"holidays":[{"date":"2027-01-01","name":"元旦"},)"
                          R"({"date":"2027-01-04","name":"元旦"}],"makeupWorkdays":[]})",
                          Admin());
  ASSERT_EQ(put.status, 200) << put.body;
  // The scanner's next pass notices the version: the one at start-up.
  stack_->Stop("supervision");
  ASSERT_TRUE(stack_->Restart("supervision").ok());
  sv::Deadline moved =
      Acceptance(id, [](const sv::Deadline& d) { return d.due_date() != "2027-01-04"; });
  EXPECT_EQ(moved.due_date(), "2027-01-05");
  EXPECT_FALSE(moved.provisional());
  EXPECT_EQ(moved.state(), sv::OPEN);
  ASSERT_EQ(moved.due_date_changes_size(), 1);
  EXPECT_EQ(moved.due_date_changes(0).old_due_date(), "2027-01-04");
  EXPECT_EQ(moved.due_date_changes(0).new_due_date(), "2027-01-05");
  EXPECT_TRUE(moved.due_date_changes(0).old_provisional());
  EXPECT_EQ(moved.due_date_changes(0).calendar_year(), 2027);
}

// The same deadline open on its due day and overdue on the day after: the
// stack's clock moves, the scanner's first pass sees it.
TEST_F(StackClockTest, ADeadlineIsOverdueTheDayAfterItsDueDate) {
  ClockAt(TownshipTime(2026, 12, 21));
  const std::string id = Registered(TownshipTime(2026, 12, 20));
  const sv::Deadline open =
      Acceptance(id, [](const sv::Deadline& d) { return d.state() == sv::OPEN; });
  // 2027-01-04, or 01-05 once another test has loaded 2027 with 01-04 a holiday.
  const std::string due = open.due_date();
  absl::CivilDay due_day;
  ASSERT_TRUE(absl::ParseCivilTime(due, &due_day)) << due;

  ClockAt(TownshipTime(static_cast<int>(due_day.year()), due_day.month(), due_day.day(), 17));
  // Due soon on the day (the policy's two working days), not yet overdue: the
  // scanner has run at the new clock.
  const sv::Deadline on_the_day =
      Acceptance(id, [](const sv::Deadline& d) { return d.state() != sv::OPEN; });
  EXPECT_EQ(on_the_day.state(), sv::DUE_SOON) << on_the_day.DebugString();

  const absl::CivilDay next = due_day + 1;
  ClockAt(TownshipTime(static_cast<int>(next.year()), next.month(), next.day(), 9));
  const sv::Deadline after =
      Acceptance(id, [](const sv::Deadline& d) { return d.state() == sv::OVERDUE; });
  EXPECT_EQ(after.due_date(), due);
}

}  // namespace
}  // namespace petition::testing
