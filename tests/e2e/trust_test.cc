// Trust between processes, end to end against the real binaries: every
// service refuses a direct gRPC call that does not prove its caller for
// exactly that call (no proof, forged principal metadata, a proof replayed on
// another method or for another principal, an expired proof, a proof under
// another secret), refuses proven callers its methods' rules do not allow,
// stores nothing for a refused call, and takes correctly proven calls.
// Also: one visibility rule for a case and its deadlines (no existence
// oracle), and masking for every official of a reported unit.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/call_proof.h"
#include "common/grpc_server.h"
#include "common/request_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "petition/v1/intake.grpc.pb.h"
#include "petition/v1/scheduling.grpc.pb.h"
#include "petition/v1/supervision.grpc.pb.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kGetCase[] = "/petition.intake.v1.Intake/GetCase";
constexpr char kRegisterCase[] = "/petition.intake.v1.Intake/RegisterCase";
constexpr char kPutCalendar[] = "/petition.scheduling.v1.Scheduling/PutCalendar";
constexpr char kAddWorkingDays[] = "/petition.scheduling.v1.Scheduling/AddWorkingDays";
constexpr char kApplyCaseEvents[] = "/petition.supervision.v1.Supervision/ApplyCaseEvents";
constexpr char kGetCaseDeadlines[] = "/petition.supervision.v1.Supervision/GetCaseDeadlines";

using Metadata = std::vector<std::pair<std::string, std::string>>;

intake::v1::RegisterCaseRequest Visit(const std::string& request_id,
                                      const std::string& subject = "宅基地纠纷") {
  intake::v1::RegisterCaseRequest r;
  r.set_request_id(request_id);
  r.set_channel(intake::v1::VISIT);
  r.set_category(intake::v1::RIGHTS_INFRINGEMENT);
  r.set_subject(subject);
  r.set_content("邻居占用宅基地，请求镇里协调处理。");
  intake::v1::Petitioner* p = r.add_petitioners();
  p->set_name("张三");
  p->set_id_number("11010519491231002X");
  p->set_phone("13800138000");
  return r;
}

supervision::v1::ApplyCaseEventsRequest ForgedEvent(const std::string& case_id) {
  supervision::v1::ApplyCaseEventsRequest r;
  petition::v1::CaseEvent* e = r.add_events();
  e->set_event_id("evt_" + case_id);
  e->set_case_id(case_id);
  e->set_sequence(1);
  e->mutable_registered()->set_channel("VISIT");
  e->mutable_registered()->set_category("OTHER");
  e->mutable_registered()->set_source("TOWNSHIP");
  e->mutable_registered()->mutable_received_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  return r;
}

class TrustTest : public StackTest<TrustTest> {
 public:
  static constexpr char kStackName[] = "trust";

 protected:
  static std::string Addr(const std::string& service) {
    return absl::StrCat("127.0.0.1:", stack_->grpc_port(service));
  }
  // A channel that adds nothing: what any local process or pod could open.
  static std::shared_ptr<grpc::Channel> RawChannel(const std::string& service) {
    return grpc::CreateChannel(Addr(service), grpc::InsecureChannelCredentials());
  }
  static CallKey Key(const std::string& secret = stack_->internal_secret()) {
    return *CallKey::Create(secret);
  }
  static std::shared_ptr<const CallSigner> Signer(const std::string& caller) {
    return std::make_shared<const CallSigner>(caller, Key());
  }

  // One direct call of `method` on its service's raw channel with `metadata`.
  static grpc::Status CallRaw(const std::string& method, const Metadata& metadata) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    for (const auto& [k, v] : metadata) context.AddMetadata(k, v);
    if (method == kGetCase) {
      intake::v1::GetCaseRequest request;
      request.set_case_id("case_nosuchcase");
      intake::v1::Case response;
      return intake::v1::Intake::NewStub(RawChannel("intake"))
          ->GetCase(&context, request, &response);
    }
    if (method == kRegisterCase) {
      intake::v1::Case response;
      return intake::v1::Intake::NewStub(RawChannel("intake"))
          ->RegisterCase(&context, Visit("forged-register", "forged"), &response);
    }
    if (method == kPutCalendar) {
      scheduling::v1::PutCalendarRequest request;
      request.set_year(2031);
      scheduling::v1::Calendar response;
      return scheduling::v1::Scheduling::NewStub(RawChannel("scheduling"))
          ->PutCalendar(&context, request, &response);
    }
    if (method == kAddWorkingDays) {
      scheduling::v1::AddWorkingDaysRequest request;
      request.set_from("2026-09-30");
      request.set_days(1);
      scheduling::v1::AddWorkingDaysResponse response;
      return scheduling::v1::Scheduling::NewStub(RawChannel("scheduling"))
          ->AddWorkingDays(&context, request, &response);
    }
    if (method == kApplyCaseEvents) {
      supervision::v1::ApplyCaseEventsResponse response;
      return supervision::v1::Supervision::NewStub(RawChannel("supervision"))
          ->ApplyCaseEvents(&context, ForgedEvent("case_forged1"), &response);
    }
    if (method == kGetCaseDeadlines) {
      supervision::v1::GetCaseDeadlinesRequest request;
      request.set_case_id("case_nosuchcase");
      supervision::v1::CaseDeadlines response;
      return supervision::v1::Supervision::NewStub(RawChannel("supervision"))
          ->GetCaseDeadlines(&context, request, &response);
    }
    ADD_FAILURE() << "no call for " << method;
    return grpc::Status::CANCELLED;
  }

  // The metadata the gateway would send for `claims`, proven by `proof`.
  static Metadata WithProof(const CallClaims& claims, const std::string& proof) {
    Metadata md = {{kSubjectHeader, claims.subject},
                   {kRolesHeader, claims.roles},
                   {kRequestIdHeader, claims.request_id}};
    if (!claims.unit_id.empty()) md.emplace_back(kUnitHeader, claims.unit_id);
    md.emplace_back(kProofHeader, proof);
    return md;
  }

  static int64_t Count(const std::string& sql) {
    auto n = stack_->Query(sql);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() && !n->empty() ? std::stoll(*n) : -1;
  }
};

const std::vector<std::string>& AllMethods() {
  static const auto* kMethods = new std::vector<std::string>{
      kGetCase, kRegisterCase, kPutCalendar, kAddWorkingDays, kApplyCaseEvents, kGetCaseDeadlines};
  return *kMethods;
}

TEST_F(TrustTest, EveryServiceRefusesCallsWithoutValidProof) {
  const CallClaims admin{"off_admin", "admin", "", "req-forged"};
  const absl::Time now = absl::Now();
  for (const std::string& method : AllMethods()) {
    SCOPED_TRACE(method);
    // No proof at all.
    EXPECT_EQ(CallRaw(method, {}).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    // Principal metadata claiming admin, as the gateway would send it.
    EXPECT_EQ(CallRaw(method, {{kSubjectHeader, "off_admin"},
                               {kRolesHeader, "admin"},
                               {kUnitHeader, "unit_x"},
                               {kRequestIdHeader, "req-forged"}})
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // A proof that is not an HMAC at all.
    EXPECT_EQ(CallRaw(method, WithProof(admin, "v1.gateway.9999999999999.deadbeef")).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // A valid proof, replayed for another method.
    const std::string other = method == kGetCase ? kRegisterCase : kGetCase;
    EXPECT_EQ(CallRaw(method,
                      WithProof(admin, Key().Sign("gateway", other, admin, now + absl::Seconds(5))))
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // A valid proof for this method, expired.
    EXPECT_EQ(CallRaw(method, WithProof(admin, Key().Sign("gateway", method, admin,
                                                          now - absl::Seconds(1))))
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // A valid proof for a clerk, sent with the roles changed to admin.
    CallClaims clerk = admin;
    clerk.roles = "clerk";
    EXPECT_EQ(CallRaw(method, WithProof(admin, Key().Sign("gateway", method, clerk,
                                                          now + absl::Seconds(5))))
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    // A proof under a secret the services do not share.
    EXPECT_EQ(CallRaw(method,
                      WithProof(admin, Key(std::string(64, 'f'))
                                           .Sign("gateway", method, admin, now + absl::Seconds(5))))
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Refused calls changed nothing.
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.case_tracks WHERE case_id = 'case_forged1'"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM scheduling.calendar_years WHERE year = 2031"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM intake.cases WHERE request_id = 'forged-register'"), 0);
  // And each service counted what it refused.
  for (const char* service : {"intake", "scheduling", "supervision"}) {
    auto metrics = HttpRequest(stack_->metrics_port(service), "GET", "/metrics");
    ASSERT_TRUE(metrics.ok()) << service;
    const std::string line = "petition_grpc_calls_refused_total{grpc_code=\"UNAUTHENTICATED\"} ";
    size_t at = metrics->body.find(line);
    ASSERT_NE(at, std::string::npos) << service;
    EXPECT_GE(std::stod(metrics->body.substr(at + line.size())), 7) << service;
  }
}

TEST_F(TrustTest, ApplyCaseEventsTakesOnlyIntake) {
  for (const char* caller : {"supervision", "scheduling"}) {
    EXPECT_EQ(CallRaw(kApplyCaseEvents,
                      WithProof(CallClaims{},
                                Signer(caller)->Sign(kApplyCaseEvents, CallClaims{}, absl::Now())))
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  // Not the gateway either, whatever principal it vouches for.
  const CallClaims admin{"off_admin", "admin", "", "req-1"};
  EXPECT_EQ(CallRaw(kApplyCaseEvents,
                    WithProof(admin, Signer("gateway")->Sign(kApplyCaseEvents, admin, absl::Now())))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM supervision.case_tracks WHERE case_id = 'case_forged1'"),
            0);

  // Intake, proven through a signing channel: applied.
  auto stub =
      supervision::v1::Supervision::NewStub(MakeChannel(Addr("supervision"), Signer("intake")));
  grpc::ClientContext context;
  supervision::v1::ApplyCaseEventsResponse response;
  grpc::Status status = stub->ApplyCaseEvents(&context, ForgedEvent("case_fromintake"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.applied(), 1);
}

TEST_F(TrustTest, RolesComeFromTheMethodsOptionAndServicesFromInternalCallers) {
  auto gateway_call = [](const std::string& service, const CallClaims& claims,
                         const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&,
                                                          grpc::ClientContext*)>& call) {
    grpc::ClientContext context;
    Principal principal = PrincipalFor(kGatewayCaller, claims);
    PropagateToClient(context, claims.request_id, &principal);
    return call(MakeChannel(Addr(service), Signer("gateway")), &context);
  };
  auto put_calendar = [](const std::shared_ptr<grpc::Channel>& channel,
                         grpc::ClientContext* context) {
    scheduling::v1::PutCalendarRequest request;
    request.set_year(2032);
    scheduling::v1::Calendar response;
    return scheduling::v1::Scheduling::NewStub(channel)->PutCalendar(context, request, &response);
  };
  EXPECT_EQ(
      gateway_call("scheduling", {"off_h", "handler", "unit_1", "r1"}, put_calendar).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM scheduling.calendar_years WHERE year = 2032"), 0);
  grpc::Status put = gateway_call("scheduling", {"off_a", "admin", "", "r2"}, put_calendar);
  EXPECT_TRUE(put.ok()) << put.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM scheduling.calendar_years WHERE year = 2032"), 1);

  auto get_case = [](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* context) {
    intake::v1::GetCaseRequest request;
    request.set_case_id("case_nosuchcase");
    intake::v1::Case response;
    return intake::v1::Intake::NewStub(channel)->GetCase(context, request, &response);
  };
  EXPECT_EQ(gateway_call("intake", {"off_c", "county", "", "r3"}, get_case).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Past the guard: the handler answers.
  EXPECT_EQ(gateway_call("intake", {"off_c", "clerk", "", "r4"}, get_case).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // A service may call only what names it in internal_callers.
  auto add_days = [](const std::string& caller) {
    auto stub =
        scheduling::v1::Scheduling::NewStub(MakeChannel(Addr("scheduling"), Signer(caller)));
    grpc::ClientContext context;
    scheduling::v1::AddWorkingDaysRequest request;
    request.set_from("2026-09-30");
    request.set_days(1);
    scheduling::v1::AddWorkingDaysResponse response;
    return stub->AddWorkingDays(&context, request, &response);
  };
  EXPECT_TRUE(add_days("supervision").ok());
  EXPECT_EQ(add_days("intake").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The directory is read by the other services as themselves.
  auto list_units = [](const std::string& caller) {
    auto stub =
        scheduling::v1::Scheduling::NewStub(MakeChannel(Addr("scheduling"), Signer(caller)));
    grpc::ClientContext context;
    scheduling::v1::ListUnitsRequest request;
    scheduling::v1::ListUnitsResponse response;
    return stub->ListUnits(&context, request, &response);
  };
  EXPECT_TRUE(list_units("intake").ok());
  EXPECT_TRUE(list_units("supervision").ok());
  // The gateway calls only on behalf of a person.
  EXPECT_EQ(list_units("gateway").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto register_as_service = [](const std::string& caller) {
    auto stub = intake::v1::Intake::NewStub(MakeChannel(Addr("intake"), Signer(caller)));
    grpc::ClientContext context;
    // Principal metadata from a service is not believed; the call is the service's own.
    PropagateToClient(context, "r5", nullptr);
    context.AddMetadata(kSubjectHeader, "off_admin");
    context.AddMetadata(kRolesHeader, "admin");
    intake::v1::Case response;
    return stub->RegisterCase(&context, Visit("as-service", "forged"), &response);
  };
  EXPECT_EQ(register_as_service("supervision").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM intake.cases WHERE request_id = 'as-service'"), 0);
}

TEST_F(TrustTest, HealthIsOpenAndReflectionIsOff) {
  grpc::GenericStub stub(RawChannel("intake"));
  auto call = [&](const std::string& method) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1), response;
    absl::Notification done;
    grpc::Status result;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      result = s;
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  };
  EXPECT_TRUE(call("/grpc.health.v1.Health/Check").ok());
  // Not registered (no --grpc_reflection): gRPC answers as for any unknown method.
  EXPECT_EQ(call("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

// GET /v1/cases/{id} and GET /v1/cases/{id}/deadlines answer alike for
// every principal: neither is an oracle for the other.
TEST_F(TrustTest, CaseAndItsDeadlinesAreVisibleToTheSamePrincipals) {
  const std::string clerk = stack_->Token({"clerk"}, "off_clerk1");
  auto created = stack_->Call("POST", "/v1/cases", R"({
    "requestId": "vis-1", "channel": "VISIT", "category": "REPORT_OF_WRONGDOING",
    "reportedUnitIds": ["unit_landoffice"], "subject": "举报", "content": "反映某站所问题。",
    "petitioners": [{"name": "李四", "idNumber": "11010519491231002X", "phone": "13800138000"}]})",
                              clerk);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string case_id = JsonString(ParseJson(created->body), "caseId");
  // Wait (bounded) for supervision to know the case.
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    auto r = stack_->Call("GET", "/v1/cases/" + case_id + "/deadlines", "", clerk);
    if (r.ok() && r->status == 200) break;
    absl::SleepFor(absl::Milliseconds(20));  // polling a condition, bounded
  }
  struct Who {
    std::string name, token;
    int status;
  };
  const std::vector<Who> principals = {
      {"clerk", clerk, 200},
      {"supervisor", stack_->Token({"supervisor"}), 200},
      // A30: for the reported unit the report does not exist.
      {"leader of the reported unit", stack_->Token({"leader"}, "off_l", "unit_landoffice"), 404},
      {"handler of another unit", stack_->Token({"handler"}, "off_h", "unit_village9"), 404},
      {"handler of the reported unit", stack_->Token({"handler"}, "off_h2", "unit_landoffice"),
       404},
      {"county", stack_->Token({"county"}), 403},
  };
  for (const Who& who : principals) {
    auto c = stack_->Call("GET", "/v1/cases/" + case_id, "", who.token);
    auto d = stack_->Call("GET", "/v1/cases/" + case_id + "/deadlines", "", who.token);
    ASSERT_TRUE(c.ok() && d.ok());
    EXPECT_EQ(c->status, who.status) << who.name << ": " << c->body;
    EXPECT_EQ(d->status, who.status) << who.name << ": " << d->body;
  }
  for (const Who& who : principals) {
    auto c = stack_->Call("GET", "/v1/cases/case_nosuchcase", "", who.token);
    auto d = stack_->Call("GET", "/v1/cases/case_nosuchcase/deadlines", "", who.token);
    ASSERT_TRUE(c.ok() && d.ok());
    EXPECT_EQ(c->status, d->status) << who.name << ": " << c->body << " / " << d->body;
  }
}

// Hiding keys on the unit, not the role: a clerk, leader or administrator of
// the reported unit sees neither the petitioner nor the report (A30).
TEST_F(TrustTest, NoOfficialOfTheReportedUnitSeesThePetitioner) {
  const std::string clerk = stack_->Token({"clerk"}, "off_clerk1");
  auto created = stack_->Call("POST", "/v1/cases", R"({
    "requestId": "mask-1", "channel": "LETTER", "category": "REPORT_OF_WRONGDOING",
    "reportedUnitIds": ["unit_roads"], "subject": "举报", "content": "反映道路站问题。",
    "petitioners": [{"name": "王五", "idNumber": "11010519491231002X", "phone": "13800138000"}]})",
                              clerk);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string case_id = JsonString(ParseJson(created->body), "caseId");
  auto office = stack_->Call("GET", "/v1/cases/" + case_id, "", clerk);
  ASSERT_TRUE(office.ok());
  EXPECT_NE(office->body.find("王五"), std::string::npos) << office->body;
  for (const char* role : {"clerk", "leader", "admin"}) {
    auto r = stack_->Call("GET", "/v1/cases/" + case_id, "",
                          stack_->Token({role}, "off_roads", "unit_roads"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 404) << role << ": " << r->body;
    EXPECT_EQ(r->body.find("王五"), std::string::npos) << role << ": " << r->body;
  }
}

// A process without the shared secret could neither prove its calls nor check
// anyone's: it refuses to start, and says why.
TEST(TrustStartUpTest, AProcessWithoutTheSecretRefusesToStart) {
  for (const std::string name : {"scheduling", "gateway"}) {
    std::vector<std::string> args = {"--host=127.0.0.1", "--metrics_port=0"};
    if (name == "gateway") {
      args.insert(args.end(), {"--http_port=0", "--jwt_secret=x"});
    } else {
      args.push_back("--grpc_port=0");
    }
    ChildProcess process(name, absl::StrCat(BinaryDir(), "/services/", name, "/", name), args,
                         absl::StrCat(::testing::TempDir(), "/nosecret_", name, ".log"));
    auto ports = process.WaitForPorts(absl::Seconds(30));
    EXPECT_FALSE(ports.ok()) << name;
    EXPECT_NE(process.LogTail().find("PETITION_INTERNAL_SECRET"), std::string::npos)
        << name << ": " << process.LogTail();
  }
}

}  // namespace
}  // namespace petition::testing
