// The flags a Kubernetes deployment relies on: a migration Job runs each service with
// --migrate_only (apply, then exit), and the Deployments start with --migrate=false, which
// waits for the migrations and refuses to serve a schema that lacks one.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "tests/support/child_process.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

// Runs the binary to its exit; its exit code (-1 on a signal). Output goes to `log`.
int RunToExit(const std::string& service, const std::string& args, const std::string& log) {
  const std::string command = absl::StrCat(BinaryDir(), "/services/", service, "/", service, " ",
                                           args, " >>", log, " 2>&1");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

int64_t Scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql)[0].as<int64_t>();
}

TEST(MigrateFlags, AJobMigratesAndServicesStartedWithoutMigratingCheckTheSchema) {
  ScratchDatabase db("migrate");
  const std::string log = (std::filesystem::temp_directory_path() / (db.name() + ".log")).string();
  const std::string common = absl::StrCat("--host=127.0.0.1 --grpc_port=0 --metrics_port=0 ",
                                          "--pg_dsn=", Quote(db.DsnFor("scheduling")));

  // Nothing applied yet: a service told not to migrate waits, then refuses to start.
  EXPECT_EQ(RunToExit("scheduling", common + " --migrate=false --pg_connect_timeout_s=2", log), 1);
  EXPECT_EQ(Scalar(db.DsnFor(""),
                   "SELECT count(*) FROM pg_tables WHERE schemaname = 'scheduling' "
                   "AND tablename = 'schema_migrations'"),
            0)
      << "--migrate=false applied something";

  // The job's run applies everything and exits 0 without serving.
  EXPECT_EQ(RunToExit("scheduling", common + " --migrate_only", log), 0);
  EXPECT_GT(Scalar(db.DsnFor(""), "SELECT count(*) FROM scheduling.schema_migrations"), 0);

  // Now the service starts without migrating, and serves.
  ChildProcess service("scheduling", absl::StrCat(BinaryDir(), "/services/scheduling/scheduling"),
                       {"--host=127.0.0.1", "--grpc_port=0", "--metrics_port=0",
                        "--pg_dsn=" + db.DsnFor("scheduling"), "--migrate=false",
                        "--internal_secret=" + HexEncode(RandomBytes(32))},
                       log);
  auto ports = service.WaitForPorts(absl::Seconds(30));
  ASSERT_TRUE(ports.ok()) << ports.status();
  EXPECT_GT((*ports)["grpc"], 0);
  service.Stop();

  // A migration recorded from another file (edited after it was applied) is refused.
  {
    pqxx::connection conn(db.DsnFor(""));
    pqxx::nontransaction tx(conn);
    tx.exec("UPDATE scheduling.schema_migrations SET sha256 = 'edited' WHERE version = 1");
  }
  EXPECT_EQ(RunToExit("scheduling", common + " --migrate=false --pg_connect_timeout_s=1", log), 1);
  if (!HasFailure()) std::filesystem::remove(log);
}

}  // namespace
}  // namespace petition::testing
