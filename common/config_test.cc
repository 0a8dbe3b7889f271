#include "common/config.h"

#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, config_test_port, 7, "test flag");
ABSL_FLAG(std::string, config_test_dsn, "default", "test flag");

namespace petition {
namespace {

std::map<std::string, std::string>* g_env;
const char* FakeEnv(const char* name) {
  auto it = g_env->find(name);
  return it == g_env->end() ? nullptr : it->second.c_str();
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::SetFlag(&FLAGS_config_test_port, 7);
    absl::SetFlag(&FLAGS_config_test_dsn, "default");
    g_env = &env_;
  }
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigTest, EnvNamesMostSpecificFirst) {
  EXPECT_EQ(EnvNamesForFlag("intake", "pg_dsn"),
            (std::vector<std::string>{"PETITION_INTAKE_PG_DSN", "PETITION_PG_DSN"}));
}

TEST_F(ConfigTest, DefaultsStayWithoutEnvironment) {
  ASSERT_TRUE(ApplyEnvOverrides("intake", FakeEnv).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_port), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_dsn), "default");
}

TEST_F(ConfigTest, GenericOverride) {
  env_["PETITION_CONFIG_TEST_PORT"] = "9000";
  ASSERT_TRUE(ApplyEnvOverrides("intake", FakeEnv).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_port), 9000);
}

TEST_F(ConfigTest, ServiceSpecificBeatsGeneric) {
  env_["PETITION_CONFIG_TEST_DSN"] = "generic";
  env_["PETITION_INTAKE_CONFIG_TEST_DSN"] = "specific";
  ASSERT_TRUE(ApplyEnvOverrides("intake", FakeEnv).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_dsn), "specific");
  absl::SetFlag(&FLAGS_config_test_dsn, "default");
  ASSERT_TRUE(ApplyEnvOverrides("scheduling", FakeEnv).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_dsn), "generic");
}

TEST_F(ConfigTest, BadValueIsAnErrorNamingTheVariable) {
  env_["PETITION_CONFIG_TEST_PORT"] = "not-a-number";
  absl::Status s = ApplyEnvOverrides("intake", FakeEnv);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("PETITION_CONFIG_TEST_PORT"), std::string::npos);
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_port), 7);
}

}  // namespace
}  // namespace petition
