// The four real binaries on a database of their own, on free ports: what an
// end-to-end test drives over HTTP.
#ifndef PETITION_TESTS_SUPPORT_TEST_STACK_H_
#define PETITION_TESTS_SUPPORT_TEST_STACK_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/testing/pg_test_env.h"
#include "google/protobuf/struct.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"

namespace petition::testing {

struct TestStackOptions {
  // Appended to the gateway's flags (a later flag wins over an earlier one).
  // The stack turns the gateway's rate limits off unless these turn them on.
  std::vector<std::string> gateway_args;
  // Given to intake besides the stack's own flags, e.g. the county platform's feedback URL
  // (--county_feedback_url of a receiver the test runs) and a backoff short enough for a test.
  std::vector<std::string> intake_flags;
  std::string log_level = "debug";
  // The rules' clock of the stack (common/clock.h): the three services read this time when the
  // stack starts, and it runs on from there. Unset: PETITION_TEST_CLOCK when set (see
  // ClockFromEnvironment), else the system's clock.
  std::optional<absl::Time> clock_at;
};

class TestStack {
 public:
  using Options = TestStackOptions;

  // The API key the gateway accepts (file --api_keys_file), for
  // county_platform with the role county.
  static constexpr char kCountyApiKey[] = "county-test-key";

  // Starts scheduling, supervision, intake and gateway, in that order.
  static absl::StatusOr<std::unique_ptr<TestStack>> Start(const std::string& name,
                                                          TestStackOptions options = {});
  ~TestStack();

  int http_port() const { return http_port_; }
  // gRPC port of "intake", "scheduling" or "supervision".
  int grpc_port(const std::string& service) const { return grpc_ports_.at(service); }
  // The secret the processes prove their calls with (--internal_secret).
  const std::string& internal_secret() const { return internal_secret_; }
  // Metrics port of "intake", "scheduling", "supervision" or "gateway".
  int metrics_port(const std::string& service) const { return metrics_ports_.at(service); }

  // The rules' time of the stack now (Options::clock_at, run on): what a test sends or expects
  // as "now" or "today" (receivedAt, an escalation's day, this month) comes from here. Tokens
  // and call proofs live in real time (absl::Now()).
  absl::Time Now() const { return absl::Now() + clock_offset_; }

  // Moves the stack's rules' clock to `at` (it runs on from there): every process starts again
  // on its ports, in dependency order, reading the new time. What a year-end, a due date passing or
  // a month turning does to the stack is then seen at once, without waiting for it.
  absl::Status SetClock(absl::Time at);

  // A bearer token the gateway accepts.
  std::string Token(const std::vector<std::string>& roles, const std::string& subject = "off_test",
                    const std::string& unit = "") const;

  // HTTP to the gateway; `token` empty sends no Authorization header.
  absl::StatusOr<HttpResponse> Call(const std::string& method, const std::string& target,
                                    const std::string& body = "",
                                    const std::string& token = "") const;

  // The gateway's --api_keys_file (tests may rewrite it, then SIGHUP).
  const std::string& api_keys_file() const { return api_keys_file_; }
  // Sends `sig` to a running process ("gateway", ...).
  void Signal(const std::string& process, int sig);

  // Stops a domain service, or starts it again on the same ports.
  void Stop(const std::string& service);
  absl::Status Restart(const std::string& service);
  // Starts again, in dependency order, every process that is not running (stopped by a test,
  // or exited), so that one test stopping a process never leaves it stopped for the next.
  // The fixtures call it before each test.
  absl::Status EnsureRunning();

  // The superuser's DSN for the stack's database (pg_dump), and the directory
  // of the processes' logs.
  std::string SuperuserDsn() const { return db_.DsnFor(""); }
  const std::string& log_dir() const { return log_dir_; }

  // Runs a scalar query as the superuser in the stack's database.
  absl::StatusOr<std::string> Query(const std::string& sql) const;

  // Units (departments, named "<id>单位") and officials (deputy section
  // chiefs of a seeded township) with these fixed ids, written straight into
  // scheduling's directory tables (its API mints ids of its own): what tests
  // that accept cases name as handling units and receiving leaders. Ids
  // already there are left as they are. The first official is the leader in
  // charge (分管领导) of every seeded unit that has none yet, so that a test
  // whose receiving leader is that official approves an opinion in both
  // roles with one call.
  absl::Status SeedDirectory(const std::vector<std::string>& unit_ids,
                             const std::vector<std::string>& official_ids = {}) const;

 private:
  TestStack(const std::string& name, TestStackOptions options);
  absl::Status StartService(const std::string& service);
  // Every process from scratch on new ports (port 0), in dependency order.
  absl::Status StartProcesses();
  // Sets the clock the processes started from now on read.
  absl::Status UseClock(absl::Time at);
  // Until the gateway's /readyz says every dependency is up.
  absl::Status WaitUntilReady();

  ScratchDatabase db_;
  TestStackOptions options_;
  std::string log_dir_;
  std::string api_keys_file_;
  std::string jwt_secret_;
  std::string pii_key_;
  std::string internal_secret_;
  std::map<std::string, int> grpc_ports_;
  std::map<std::string, int> metrics_ports_;
  int http_port_ = 0;
  // The stack's rules' clock ahead of the system's (--clock_offset of the services).
  absl::Duration clock_offset_;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
};

// Intake's flags for a county platform at `url` (an HttpReceiver in the
// test): results signed with `secret`, retried after 20-100 ms and polled
// every 20 ms, so a refused result's retries come within the test.
std::vector<std::string> CountyFeedbackFlags(const std::string& url, const std::string& secret);

// The township's time zone in tests (Asia/Shanghai), and a moment of a day
// in it (10:00 by default): what tests set clocks to and read dates in.
const absl::TimeZone& TownshipZone();
absl::Time TownshipTime(int year, int month, int day, int hour = 10);

// PETITION_TEST_CLOCK ("2030-06-14 10:00", Asia/Shanghai; "YYYY-MM-DD [HH:MM[:SS]]"): the
// date every stack without Options::clock_at runs at, so that the whole suite runs at a date
// (./dev test, the ctest label `clock`). Unset or empty: none.
absl::StatusOr<std::optional<absl::Time>> ClockFromEnvironment();

// Parses a JSON body (object) into a Struct; an empty Struct when it does not parse.
google::protobuf::Struct ParseJson(const std::string& body);
// A string field at a dotted path ("error.code"); "" when absent.
std::string JsonString(const google::protobuf::Struct& s, const std::string& path);

}  // namespace petition::testing

#endif  // PETITION_TESTS_SUPPORT_TEST_STACK_H_
