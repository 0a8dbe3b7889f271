// Access at the real gateway over HTTP: the 401 challenge, RS256 tokens under
// a named key (minted by `gateway --mint_token`), the API key file reloaded on
// SIGHUP, 429 with Retry-After per principal and per address, CORS for the
// configured origin only, 408 for a request that trickles in, and the access
// log line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"
#include "openssl/pem.h"
#include "services/gateway/auth.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kOrigin[] = "https://township.example";
constexpr char kRsaKid[] = "e2e-rsa";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An RSA key pair in `dir`: <name>.pem and <name>.pub.pem.
void WriteRsaPair(const std::string& dir, const std::string& name) {
  std::filesystem::create_directories(dir);
  EVP_PKEY* key = EVP_RSA_gen(2048);
  FILE* out = std::fopen((dir + "/" + name + ".pem").c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  out = std::fopen((dir + "/" + name + ".pub.pem").c_str(), "w");
  PEM_write_PUBKEY(out, key);
  std::fclose(out);
  EVP_PKEY_free(key);
}

// The key pair "rsa" and a --jwt_keys file naming its public half.
std::string WriteRsaKeys(const std::string& dir) {
  WriteRsaPair(dir, "rsa");
  std::ofstream(dir + "/jwt_keys") << kRsaKid << " RS256 rsa.pub.pem\n";
  return dir + "/jwt_keys";
}

// The output of a command (its first line).
std::string RunCommand(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[8192];
    while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
    pclose(pipe);
  }
  return std::string(absl::StripTrailingAsciiWhitespace(out));
}

// A raw connection: for requests sent slowly.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    timeval tv{};
    tv.tv_sec = 10;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  // False once the server has closed the connection.
  bool Send(absl::string_view bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Everything until the server closes (or 10 s pass).
  std::string ReadToClose() {
    std::string all;
    char chunk[4096];
    while (true) {
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) break;
      all.append(chunk, static_cast<std::size_t>(n));
    }
    return all;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class GatewayAccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_dir_ =
        (std::filesystem::temp_directory_path() / absl::StrCat("gateway_access_keys_", getpid()))
            .string();
    TestStackOptions options;
    options.gateway_args = {
        "--jwt_keys=" + WriteRsaKeys(key_dir_),
        // A token every 100 s: within a test, the burst is all there is.
        "--rate_limit_rps=0.01",
        "--rate_limit_burst=3",
        "--public_rate_limit_rps=0.01",
        "--public_rate_limit_burst=2",
        absl::StrCat("--cors_origins=", kOrigin),
        "--header_timeout_ms=400",
        "--read_timeout_ms=400",
    };
    auto stack = TestStack::Start("gateway_access", std::move(options));
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    std::filesystem::remove_all(key_dir_);
  }
  void SetUp() override {
    ASSERT_NE(stack_, nullptr);
    absl::Status running = stack_->EnsureRunning();
    ASSERT_TRUE(running.ok()) << running;
  }

  static absl::StatusOr<HttpResponse> Get(const std::string& target,
                                          std::map<std::string, std::string> headers = {}) {
    return HttpRequest(stack_->http_port(), "GET", target, "", headers);
  }
  static std::map<std::string, std::string> Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  static inline TestStack* stack_ = nullptr;
  static inline std::string key_dir_;
};

TEST_F(GatewayAccessTest, MissingOrBadCredentialsAre401WithAChallenge) {
  auto r = Get("/v1/units");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->headers["www-authenticate"], R"(Bearer realm="petition")");
  EXPECT_EQ(JsonString(ParseJson(r->body), "error.code"), "UNAUTHENTICATED");

  r = Get("/v1/units", Bearer("not.a.token"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_TRUE(absl::StartsWith(r->headers["www-authenticate"],
                               R"(Bearer realm="petition", error="invalid_token")"))
      << r->headers["www-authenticate"];

  r = Get("/v1/units", {{"X-Api-Key", "no-such-key"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_TRUE(absl::StrContains(r->headers["www-authenticate"], "invalid_token"));
}

TEST_F(GatewayAccessTest, Rs256TokensUnderANamedKey) {
  const std::string mint = absl::StrCat(BinaryDir(), "/services/gateway/gateway --mint_token ",
                                        "--jwt_private_key=", key_dir_, "/rsa.pem --kid=", kRsaKid,
                                        " --role=clerk --sub=off_rsa 2>&1");
  const std::string token = RunCommand(mint);
  ASSERT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  auto r = Get("/v1/units", Bearer(token));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;

  // The same claims under a kid the gateway does not know.
  const std::string unknown = RunCommand(absl::StrCat(
      BinaryDir(), "/services/gateway/gateway --mint_token ", "--jwt_private_key=", key_dir_,
      "/rsa.pem --kid=other --role=clerk --sub=off_rsa"));
  r = Get("/v1/units", Bearer(unknown));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  // HS256 tokens without a kid (the --jwt_secret) still work beside it.
  r = Get("/v1/units", Bearer(stack_->Token({"clerk"}, "off_hs")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST_F(GatewayAccessTest, TheApiKeyFileIsReloadedOnSighup) {
  const std::string original = ReadAll(stack_->api_keys_file());
  auto status_with = [](const std::string& key) {
    auto r = Get("/v1/units", {{"X-Api-Key", key}});
    return r.ok() ? r->status : 0;
  };
  // The county key of the file: authenticated (the county role lists units).
  EXPECT_NE(status_with(TestStack::kCountyApiKey), 401);
  EXPECT_EQ(status_with("rolled-key-2"), 401);

  // Roll: the new key in, the old one out, then SIGHUP.
  std::ofstream(stack_->api_keys_file(), std::ios::trunc)
      << gateway::ApiKeyHash("rolled-key-2") << " county_platform county\n";
  stack_->Signal("gateway", SIGHUP);
  EXPECT_TRUE(Eventually([&] { return status_with("rolled-key-2") != 401; }));
  EXPECT_EQ(status_with(TestStack::kCountyApiKey), 401);

  // A broken file: the gateway says so in its log and keeps the keys in use.
  std::ofstream(stack_->api_keys_file(), std::ios::trunc) << "this is not a key file\n";
  stack_->Signal("gateway", SIGHUP);
  EXPECT_TRUE(Eventually([&] {
    return absl::StrContains(ReadAll(stack_->log_dir() + "/gateway.log"), "API keys not reloaded");
  }));
  EXPECT_NE(status_with("rolled-key-2"), 401);

  // Put back what the other tests expect.
  std::ofstream(stack_->api_keys_file(), std::ios::trunc) << original;
  stack_->Signal("gateway", SIGHUP);
  EXPECT_TRUE(Eventually([&] { return status_with(TestStack::kCountyApiKey) != 401; }));
}

TEST_F(GatewayAccessTest, EachPrincipalIsRateLimited) {
  const std::string alice = stack_->Token({"clerk"}, "off_rate_alice");
  for (int i = 0; i < 3; ++i) {
    auto r = Get("/v1/units", Bearer(alice));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << i;
  }
  auto r = Get("/v1/units", Bearer(alice));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(JsonString(ParseJson(r->body), "error.code"), "RESOURCE_EXHAUSTED");
  int retry_after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(r->headers["retry-after"], &retry_after))
      << r->headers["retry-after"];
  EXPECT_GE(retry_after, 1);
  // Another principal, from the same address, is not held back.
  r = Get("/v1/units", Bearer(stack_->Token({"clerk"}, "off_rate_bob")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST_F(GatewayAccessTest, PublicRoutesAreRateLimitedPerAddress) {
  // The petitioner's look-up and /openapi.json are public (no credentials) and share the
  // address's bucket (a burst of 2): guessing query codes is slowed down like anything else.
  // The probes are never limited.
  const std::vector<std::string> targets = {"/v1/lookup/ABCDEFGHJKMN", "/openapi.json",
                                            "/v1/lookup/ABCDEFGHJKMP"};
  std::vector<int> statuses;
  std::string retry_after;
  for (const std::string& target : targets) {
    auto r = Get(target);
    ASSERT_TRUE(r.ok());
    statuses.push_back(r->status);
    if (r->status == 429) retry_after = r->headers["retry-after"];
  }
  EXPECT_EQ(statuses, (std::vector<int>{404, 200, 429}));
  EXPECT_FALSE(retry_after.empty());
  for (int i = 0; i < 5; ++i) {
    auto r = Get("/healthz");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(GatewayAccessTest, CorsPreflightForTheConfiguredOrigin) {
  auto r = HttpRequest(stack_->http_port(), "OPTIONS", "/v1/cases", "",
                       {{"Origin", kOrigin},
                        {"Access-Control-Request-Method", "POST"},
                        {"Access-Control-Request-Headers", "authorization, content-type"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->headers["access-control-allow-origin"], kOrigin);
  EXPECT_EQ(r->headers["access-control-allow-methods"], "GET, POST");
  EXPECT_TRUE(absl::StrContains(r->headers["access-control-allow-headers"], "Authorization"));

  r = Get("/v1/units", {{"Origin", kOrigin},
                        {"Authorization", "Bearer " + stack_->Token({"clerk"}, "off_cors")}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["access-control-allow-origin"], kOrigin);

  r = HttpRequest(
      stack_->http_port(), "OPTIONS", "/v1/cases", "",
      {{"Origin", "https://elsewhere.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->status, 204);
  EXPECT_EQ(r->headers.count("access-control-allow-origin"), 0u);
}

TEST_F(GatewayAccessTest, AHeaderThatTricklesInIsCutWith408) {
  RawClient slow(stack_->http_port());
  ASSERT_TRUE(slow.connected());
  // A byte every 50 ms: each arrives well within any per-read timeout, the
  // whole header never within the 400 ms the gateway allows.
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ";
  const absl::Time start = absl::Now();
  bool cut = false;
  for (int i = 0; i < 200 && !cut; ++i) {
    cut = !slow.Send(i < static_cast<int>(header.size()) ? header.substr(i, 1) : "a");
    if (absl::Now() - start > absl::Seconds(1)) break;
    absl::SleepFor(absl::Milliseconds(50));  // the trickle under test, not a wait
  }
  const std::string answer = slow.ReadToClose();
  EXPECT_TRUE(absl::StartsWith(answer, "HTTP/1.1 408")) << answer;
  EXPECT_TRUE(absl::StrContains(answer, "DEADLINE_EXCEEDED"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(GatewayAccessTest, OneAccessLineWithThePrincipalAndTheRouteTemplate) {
  const std::string request_id =
      absl::StrCat("access-", getpid(), "-", absl::ToUnixMicros(absl::Now()));
  auto r = Get("/v1/cases/case_doesnotexist00",
               {{"Authorization", "Bearer " + stack_->Token({"clerk"}, "off_access")},
                {"X-Request-Id", request_id}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  std::string line;
  EXPECT_TRUE(Eventually([&] {
    std::istringstream log(ReadAll(stack_->log_dir() + "/gateway.log"));
    for (std::string l; std::getline(log, l);) {
      if (absl::StrContains(l, request_id) && absl::StrContains(l, R"("msg":"http request")")) {
        line = l;
        return true;
      }
    }
    return false;
  }));
  EXPECT_TRUE(absl::StrContains(line, R"("principal":"off_access")")) << line;
  EXPECT_TRUE(absl::StrContains(line, R"("route":"/v1/cases/{case_id}")")) << line;
  EXPECT_TRUE(absl::StrContains(line, R"("status":"404")")) << line;
  EXPECT_TRUE(absl::StrContains(line, R"("ms":")")) << line;
  EXPECT_FALSE(absl::StrContains(line, "case_doesnotexist00")) << line;
}

// Roles are checked again in the services, and a unit's staff act for their
// own unit only: a handler books appointments for its own unit's officials.
TEST_F(GatewayAccessTest, AHandlerBooksOnlyItsOwnUnitsOfficials) {
  int calls = 0;
  // A principal per call: this suite's rate limit is three calls each.
  auto as = [&](const std::string& role, const std::string& unit = "") {
    return stack_->Token({role}, absl::StrCat("off_scope_", role, "_", ++calls), unit);
  };
  auto post = [&](const std::string& target, const std::string& body, const std::string& token) {
    return HttpRequest(stack_->http_port(), "POST", target, body,
                       {{"Authorization", "Bearer " + token}});
  };
  auto unit =
      post("/v1/units", R"({"name":"东镇","kind":"TOWNSHIP","location":"接待室"})", as("admin"));
  ASSERT_TRUE(unit.ok());
  ASSERT_EQ(unit->status, 200) << unit->body;
  const std::string unit_id = JsonString(ParseJson(unit->body), "unitId");
  auto official = post("/v1/officials",
                       absl::StrCat(R"({"name":"甲","unitId":")", unit_id,
                                    R"(","position":"副镇长","rank":"DEPUTY_SECTION_CHIEF"})"),
                       as("admin"));
  ASSERT_TRUE(official.ok());
  ASSERT_EQ(official->status, 200) << official->body;
  const std::string official_id = JsonString(ParseJson(official->body), "officialId");
  const std::string booking =
      absl::StrCat(R"({"kind":"APPOINTMENT","officialIds":[")", official_id,
                   R"("],"caseId":"case_scope","at":"2026-03-04T06:00:00Z","durationMinutes":30})");

  auto other = post("/v1/appointments", booking, as("handler", "unit_someone_else"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 403) << other->body;
  auto unitless = post("/v1/appointments", booking, as("handler"));
  ASSERT_TRUE(unitless.ok());
  EXPECT_EQ(unitless->status, 403) << unitless->body;
  auto own = post("/v1/appointments", booking, as("handler", unit_id));
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->status, 200) << own->body;
  auto clerk = post("/v1/appointments", booking, as("clerk"));
  ASSERT_TRUE(clerk.ok());
  EXPECT_NE(clerk->status, 403) << clerk->body;
}

TEST_F(GatewayAccessTest, JwtKeysRollOnSighup) {
  const std::string keys_file = key_dir_ + "/jwt_keys";
  const std::string original = ReadAll(keys_file);
  WriteRsaPair(key_dir_, "rsa2");
  const std::string token = RunCommand(absl::StrCat(
      BinaryDir(), "/services/gateway/gateway --mint_token --jwt_private_key=", key_dir_,
      "/rsa2.pem --kid=e2e-rsa2 --role=clerk --sub=off_roll"));
  auto status_with = [&] {
    auto r = Get("/v1/units", Bearer(token));
    return r.ok() ? r->status : 0;
  };
  EXPECT_EQ(status_with(), 401);
  // The new key beside the old one: accepted once the gateway has re-read the file.
  std::ofstream(keys_file, std::ios::app) << "e2e-rsa2 RS256 rsa2.pub.pem\n";
  stack_->Signal("gateway", SIGHUP);
  EXPECT_TRUE(Eventually([&] { return status_with() == 200; }));
  // Dropped again: refused, though the gateway had verified (and cached) it.
  std::ofstream(keys_file, std::ios::trunc) << original;
  stack_->Signal("gateway", SIGHUP);
  EXPECT_TRUE(Eventually([&] { return status_with() == 401; }));
}

}  // namespace
}  // namespace petition::testing
