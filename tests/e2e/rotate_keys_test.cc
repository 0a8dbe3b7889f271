// intake --rotate_keys, as an operator runs it (README, "Rotating the PII
// key"): rows sealed under key 1 (--pii_key), the keyring 1,2 with 2 current,
// the command, then key 1 gone and every row still opening; its JSON report on
// standard output and its exit codes, for bad flags and for a row under a key
// the keyring lacks.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/dates.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/store/case_store.h"
#include "tests/support/child_process.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int exit_code = -1;
  std::string out;  // standard output
};

class RotateKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = (std::filesystem::temp_directory_path() / (db_.name() + ".log")).string();
    ASSERT_EQ(Intake("--migrate_only").exit_code, 0);
    auto pool = PgPool::Create(
        {db_.DsnFor("intake"), "intake", 1, absl::Seconds(3), intake::CaseStore::Statements()});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
  }
  void TearDown() override {
    unsetenv("PETITION_INTAKE_PII_KEY");
    unsetenv("PETITION_INTAKE_PII_KEYS");
    unsetenv("PETITION_INTAKE_PII_KEY_ID");
    if (!HasFailure()) std::filesystem::remove(log_);
  }

  // The intake binary with `args` (the DSN added), to its exit. The keys go by environment.
  Outcome Intake(const std::string& args) {
    const std::string command = absl::StrCat(BinaryDir(), "/services/intake/intake --pg_dsn='",
                                             db_.DsnFor("intake"), "' ", args, " 2>>", log_);
    Outcome run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[1024];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.out.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  std::string RegisterUnder(const PiiCipher& cipher) {
    intake::v1::Case c;
    c.set_case_id(NewId("case"));
    c.set_query_code(NewQueryCode());
    c.set_status(intake::v1::REGISTERED);
    c.set_source(intake::v1::TOWNSHIP);
    c.set_channel(intake::v1::LETTER);
    *c.mutable_received_at() = ToProtoTimestamp(absl::Now());
    c.set_received_by("off_clerk1");
    c.set_headcount(1);
    c.set_category(intake::v1::OTHER);
    c.set_subject("s");
    c.set_content("c");
    c.add_petitioners()->set_name("张三");
    c.mutable_petitioners(0)->set_id_number("11010519491231002X");
    intake::RegisterCall call;
    call.caller = &clerk_;
    petition::v1::CaseEvent event;
    event.set_event_id(NewId("evt"));
    event.set_case_id(c.case_id());
    event.set_sequence(1);
    intake::CaseStore store(pool_.get(), &cipher);
    auto r = store.Register(c, call, event);
    EXPECT_TRUE(r.ok()) << r.status();
    return c.case_id();
  }

  absl::Status Opens(const PiiCipher& cipher, const std::string& case_id) {
    intake::CaseStore store(pool_.get(), &cipher);
    auto c = store.Get(case_id, clerk_, "r", [](const intake::v1::Case&) { return true; });
    if (!c.ok()) return c.status();
    return c->petitioners(0).name() == "张三" ? absl::OkStatus() : absl::DataLossError("name");
  }

  ScratchDatabase db_{"rotate"};
  std::string log_;
  std::unique_ptr<PgPool> pool_;
  Principal clerk_{"off_clerk1", {"clerk"}, ""};
  const std::string key1_ = HexEncode(RandomBytes(32));
  const std::string key2_ = HexEncode(RandomBytes(32));
};

TEST_F(RotateKeysTest, ReSealsEveryRowUnderTheCurrentKeyAndReportsTheCounts) {
  auto one = PiiCipher::Create(key1_);
  ASSERT_TRUE(one.ok());
  std::vector<std::string> cases;
  for (int i = 0; i < 3; ++i) cases.push_back(RegisterUnder(**one));

  setenv("PETITION_INTAKE_PII_KEYS", absl::StrCat("1:", key1_, ",2:", key2_).c_str(), 1);
  setenv("PETITION_INTAKE_PII_KEY_ID", "2", 1);
  Outcome run = Intake("--rotate_keys --rotate_batch_size=2");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out, "{\"resealed\":3,\"batches\":2,\"rows\":3,\"remaining\":0}\n");
  // Again: nothing to do.
  run = Intake("--rotate_keys");
  EXPECT_EQ(run.out, "{\"resealed\":0,\"batches\":0,\"rows\":3,\"remaining\":0}\n");

  // Key 1 dropped: every row opens under key 2 alone; key 1 alone opens none.
  auto two = PiiCipher::Create({{"2", key2_}}, "2");
  ASSERT_TRUE(two.ok());
  for (const std::string& id : cases) {
    EXPECT_TRUE(Opens(**two, id).ok()) << id;
    EXPECT_THAT(Opens(**one, id).message(), HasSubstr("key id \"2\""));
  }
}

TEST_F(RotateKeysTest, BadKeyFlagsAndUnknownKeysExitNonZeroSayingWhy) {
  setenv("PETITION_INTAKE_PII_KEY", key1_.c_str(), 1);
  setenv("PETITION_INTAKE_PII_KEYS", absl::StrCat("2:", key2_).c_str(), 1);
  EXPECT_EQ(Intake("--rotate_keys").exit_code, 1);  // both
  unsetenv("PETITION_INTAKE_PII_KEY");
  setenv("PETITION_INTAKE_PII_KEYS", absl::StrCat("1:", key1_, ",2:", key2_).c_str(), 1);
  EXPECT_EQ(Intake("--rotate_keys").exit_code, 1);  // two keys, no current one named
  setenv("PETITION_INTAKE_PII_KEY_ID", "3", 1);
  EXPECT_EQ(Intake("--rotate_keys").exit_code, 1);  // not one of them

  // A row under key 1, a keyring without it: the report names the row's key.
  auto one = PiiCipher::Create(key1_);
  ASSERT_TRUE(one.ok());
  const std::string lost = RegisterUnder(**one);
  setenv("PETITION_INTAKE_PII_KEYS", absl::StrCat("2:", key2_).c_str(), 1);
  setenv("PETITION_INTAKE_PII_KEY_ID", "2", 1);
  Outcome run = Intake("--rotate_keys");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("\"remaining\":1"));
  EXPECT_THAT(run.out, HasSubstr("key id \\\"1\\\""));
  EXPECT_THAT(run.out, HasSubstr(lost));
}

}  // namespace
}  // namespace petition::testing
