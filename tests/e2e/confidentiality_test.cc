// End to end over HTTP: a report of wrongdoing (揭发检举) is never passed to
// the unit it reports (信访工作条例 A30). For an official of the reported
// unit, in every role that has a unit (clerk, leader, handler, supervisor),
// the report does not exist: every read and write path of the case answers
// exactly as for an unknown id, no list, filter or statistic shows it, and
// the repeat link of a later case of the same person leaves it out. The
// accused unit can neither handle the report nor have its officials receive
// it or take charge of its six duties.
//
// Nothing here depends on today's date: the only dates used are read back
// from the cases themselves.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/ids.h"
#include "common/testing/eventually.h"
#include "gtest/gtest.h"
#include "tests/support/http_client.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kAccused[] = "unit_accused";
// Officials of the accused unit, one per role that has a unit.
const std::vector<std::string>& AccusedRoles() {
  static const auto* roles =
      new std::vector<std::string>{"clerk", "leader", "handler", "supervisor"};
  return *roles;
}

// A report against unit_accused by the person `id_number`.
std::string ReportBody(const std::string& id_number) {
  return absl::StrReplaceAll(R"({
  "channel": "LETTER", "category": "REPORT_OF_WRONGDOING", "reportedUnitIds": ["unit_accused"],
  "subject": "举报某所违规收费", "content": "某所工作人员办理宅基地审批时收取好处费。",
  "petitioners": [{"name": "赵六", "idNumber": "$ID", "phone": "13900139000"}]})",
                             {{"$ID", id_number}});
}

// An unrelated later petition of the same person, naming the report as a
// repeat of (the link the reported unit must not see).
std::string LaterBody(const std::string& id_number, const std::string& repeat_of) {
  return absl::StrReplaceAll(R"({
  "channel": "VISIT", "category": "GOVERNANCE_SUGGESTION",
  "subject": "建议修缮村道", "content": "村东头道路坑洼，雨天难行，建议修缮。",
  "repeatOfCaseIds": ["$REPEAT"],
  "petitioners": [{"name": "赵六", "idNumber": "$ID", "phone": "13900139000"}]})",
                             {{"$ID", id_number}, {"$REPEAT", repeat_of}});
}

class ConfidentialityTest : public StackTest<ConfidentialityTest> {
 public:
  static constexpr char kStackName[] = "confidentiality";

 protected:
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory(
        {kAccused, "unit_conf_village", "unit_conf_other", "unit_conf_county"},
        {"off_conf_leader"});
    ASSERT_TRUE(seeded.ok()) << seeded;
    // The head of the accused unit, in the directory (a receiving leader's
    // unit comes from there).
    auto chief = stack_->Query(
        "INSERT INTO scheduling.officials (official_id, unit_id, name, position, rank) VALUES "
        "('off_accused_chief', 'unit_accused', '王所长', '所长', 'SECTION_CHIEF') "
        "ON CONFLICT DO NOTHING RETURNING official_id");
    ASSERT_TRUE(chief.ok()) << chief.status();
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_conf_clerk"); }
  static std::string Leader() { return stack_->Token({"leader"}, "off_conf_leader"); }
  static std::string Supervisor() { return stack_->Token({"supervisor"}, "off_conf_supervisor"); }
  static std::string Handler(const std::string& unit) {
    return stack_->Token({"handler"}, "off_conf_handler_" + unit, unit);
  }
  // An official of the accused unit in `role`.
  static std::string Accused(const std::string& role) {
    return stack_->Token({role}, "off_accused_" + role, kAccused);
  }

  static std::string Register(const std::string& body) {
    HttpResponse r = Call("POST", "/v1/cases", body, Clerk());
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "caseId");
  }

  static HttpResponse Accept(const std::string& case_id, const std::string& unit,
                             const std::string& leader) {
    return Call("POST", "/v1/cases/" + case_id + ":accept",
                absl::StrCat(R"({"handlingUnitIds":[")", unit,
                             R"("],"complexity":"COMPLEX","leaderId":")", leader, R"("})"),
                Clerk());
  }

  // The values of `key` in the objects of the array `list` of a JSON body.
  static std::vector<std::string> Column(const std::string& body, const std::string& list,
                                         const std::string& key) {
    std::vector<std::string> out;
    google::protobuf::Struct json = ParseJson(body);
    auto it = json.fields().find(list);
    if (it == json.fields().end()) return out;
    for (const auto& v : it->second.list_value().values()) {
      auto field = v.struct_value().fields().find(key);
      if (field != v.struct_value().fields().end()) out.push_back(field->second.string_value());
    }
    return out;
  }
  // The strings of the top-level array `key` of a JSON body.
  static std::vector<std::string> Strings(const std::string& body, const std::string& key) {
    std::vector<std::string> out;
    google::protobuf::Struct json = ParseJson(body);
    auto it = json.fields().find(key);
    if (it == json.fields().end()) return out;
    for (const auto& v : it->second.list_value().values()) out.push_back(v.string_value());
    return out;
  }
  static bool Contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
  static std::vector<std::string> ErrorFields(const std::string& body) {
    std::vector<std::string> out;
    google::protobuf::Struct json = ParseJson(body);
    auto error = json.fields().find("error");
    if (error == json.fields().end()) return out;
    auto details = error->second.struct_value().fields().find("details");
    if (details == error->second.struct_value().fields().end()) return out;
    for (const auto& d : details->second.list_value().values()) {
      auto f = d.struct_value().fields().find("field");
      if (f != d.struct_value().fields().end()) out.push_back(f->second.string_value());
    }
    return out;
  }

  // The call on the hidden case answers exactly as the same call on an
  // unknown id: same status, same code, same message, never 200.
  static void ExpectAsUnknown(const std::string& method, const std::string& hidden_target,
                              const std::string& unknown_target, const std::string& body,
                              const std::string& token, const std::string& what) {
    ExpectAsUnknown(method, hidden_target, body, unknown_target, body, token, what);
  }
  static void ExpectAsUnknown(const std::string& method, const std::string& hidden_target,
                              const std::string& hidden_body, const std::string& unknown_target,
                              const std::string& unknown_body, const std::string& token,
                              const std::string& what) {
    HttpResponse hidden = Call(method, hidden_target, hidden_body, token);
    HttpResponse unknown = Call(method, unknown_target, unknown_body, token);
    EXPECT_TRUE(hidden.status == 404 || hidden.status == 403) << what << ": " << hidden.body;
    EXPECT_EQ(hidden.status, unknown.status)
        << what << ": " << hidden.body << " vs " << unknown.body;
    auto h = ParseJson(hidden.body);
    auto u = ParseJson(unknown.body);
    EXPECT_EQ(JsonString(h, "error.code"), JsonString(u, "error.code")) << what;
    EXPECT_EQ(JsonString(h, "error.message"), JsonString(u, "error.message")) << what;
  }

  // The day a case was received, in the township's time zone (read back,
  // never today's date).
  static std::string ReceivedDay(const std::string& case_id) {
    HttpResponse c = Call("GET", "/v1/cases/" + case_id, "", Clerk());
    absl::Time at;
    std::string error;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, JsonString(ParseJson(c.body), "receivedAt"),
                                &at, &error))
        << c.body;
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
    return absl::FormatTime("%Y-%m-%d", at, zone);
  }

  static void WaitForDeadline(const std::string& case_id, const std::string& kind) {
    ASSERT_TRUE(Eventually([&] {
      auto n =
          stack_->Query(absl::StrCat("SELECT count(*) FROM supervision.deadlines WHERE kind = '",
                                     kind, "' AND case_id = '", case_id, "'"));
      return n.ok() && *n == "1";
    })) << "supervision never opened "
        << kind << " of " << case_id;
  }
};

// Every read and write path of the report, for each role of the accused unit.
TEST_F(ConfidentialityTest, TheReportDoesNotExistForAnyOfficialOfTheReportedUnit) {
  const std::string person = "110105198001010016";
  const std::string report = Register(ReportBody(person));
  ASSERT_FALSE(report.empty());
  HttpResponse registered = Call("GET", "/v1/cases/" + report, "", Clerk());
  const std::string query_code = JsonString(ParseJson(registered.body), "queryCode");
  ASSERT_FALSE(query_code.empty()) << registered.body;
  ASSERT_EQ(Accept(report, "unit_conf_village", "off_conf_leader").status, 200);
  HttpResponse opinion = Call("POST", "/v1/cases/" + report + "/opinions",
                              R"({"unitId":"unit_conf_village","outcome":"UPHELD",
                                  "facts":"经查属实。","basis":"有关规定","decision":"责令退还。"})",
                              Handler("unit_conf_village"));
  ASSERT_EQ(opinion.status, 200) << opinion.body;
  const std::string opinion_id = JsonString(ParseJson(opinion.body), "opinionId");
  HttpResponse docs = Call("GET", "/v1/cases/" + report + "/documents", "", Clerk());
  const std::vector<std::string> doc_ids = Column(docs.body, "documents", "documentId");
  ASSERT_FALSE(doc_ids.empty()) << docs.body;
  WaitForDeadline(report, "HANDLING");
  HttpResponse order = Call("POST", "/v1/supervisionOrders",
                            absl::StrCat(R"({"caseId":")", report,
                                         R"(","unitId":"unit_conf_village","level":"REMINDER"})"),
                            Supervisor());
  ASSERT_EQ(order.status, 200) << order.body;
  const std::string order_id = JsonString(ParseJson(order.body), "orderId");

  // Later, an unrelated petition of the same person, linked to the report,
  // handled by the accused unit itself (so that all its roles read it).
  const std::string later = Register(LaterBody(person, report));
  ASSERT_EQ(Accept(later, kAccused, "off_conf_leader").status, 200);
  HttpResponse later_for_office = Call("GET", "/v1/cases/" + later, "", Clerk());
  ASSERT_TRUE(Contains(Strings(later_for_office.body, "repeatOfCaseIds"), report))
      << "the office sees the link: " << later_for_office.body;
  const std::string day = ReceivedDay(report);

  // What the office sees, so that each absence below is a real difference.
  auto listed_for_office =
      Column(Call("GET", "/v1/cases?pageSize=500", "", Clerk()).body, "cases", "caseId");
  ASSERT_TRUE(Contains(listed_for_office, report));
  ASSERT_TRUE(Contains(Column(Call("GET", "/v1/deadlines?pageSize=500", "", Supervisor()).body,
                              "deadlines", "caseId"),
                       report));
  ASSERT_TRUE(
      Contains(Column(Call("GET", "/v1/supervisionOrders?pageSize=500", "", Supervisor()).body,
                      "orders", "caseId"),
               report));
  ASSERT_TRUE(Contains(
      Column(Call("GET", "/v1/stats/units?from=" + day + "&to=" + day, "", Supervisor()).body,
             "rows", "unitId"),
      "unit_conf_village"));

  const std::string unknown = NewId("case");
  const std::string unknown_order = NewId("ord");
  auto as = [](const std::string& pattern, const std::string& id) {
    return absl::StrReplaceAll(pattern, {{"{id}", id}});
  };
  for (const std::string& role : AccusedRoles()) {
    SCOPED_TRACE(role);
    const std::string token = Accused(role);
    struct Path {
      std::string method, pattern, body;
    };
    // Every path that names the case.
    const std::vector<Path> paths = {
        {"GET", "/v1/cases/{id}", ""},
        {"GET", "/v1/cases/{id}/documents", ""},
        {"GET", "/v1/cases/{id}/documents/" + doc_ids[0], ""},
        {"GET", "/v1/cases/{id}/deadlines", ""},
        {"GET", "/v1/cases/{id}/responsibility", ""},
        {"PUT", "/v1/cases/{id}/responsibility",
         R"({"duties":[{"duty":"RECEPTION","done":true}]})"},
        {"POST", "/v1/cases/{id}/extensions", R"({"days":10,"reason":"案情复杂"})"},
        {"POST", "/v1/cases/{id}/opinions/" + opinion_id + ":approve", "{}"},
        {"POST", "/v1/cases/{id}/opinions",
         R"({"unitId":"unit_accused","outcome":"NOT_UPHELD","facts":"查无实据。","basis":"无",
             "decision":"不予支持。"})"},
        {"POST", "/v1/cases/{id}:answer", absl::StrCat(R"({"opinionId":")", opinion_id, R"("})")},
        {"POST", "/v1/cases/{id}:conclude", "{}"},
        {"POST", "/v1/cases/{id}:withdraw", R"({"reason":"撤回"})"},
        {"GET", "/v1/cases/{id}/hearings", ""},
        {"POST", "/v1/cases/{id}/hearings",
         absl::StrCat(R"({"kind":"HEARING","heldOn":")", day, R"("})")},
        {"POST", "/v1/supervisionOrders",
         R"({"caseId":"{id}","unitId":"unit_conf_village","level":"ORDER"})"},
        {"POST", "/v1/escalations",
         absl::StrCat(R"({"caseId":"{id}","level":"COUNTY","headcount":1,"occurredOn":")", day,
                      R"("})")},
    };
    for (const Path& p : paths) {
      ExpectAsUnknown(p.method, as(p.pattern, report), as(p.body, report), as(p.pattern, unknown),
                      as(p.body, unknown), token, p.method + " " + p.pattern);
    }
    ExpectAsUnknown("POST", "/v1/supervisionOrders/" + order_id + ":respond",
                    "/v1/supervisionOrders/" + unknown_order + ":respond",
                    R"({"response":"已整改"})", token, "respond");
    ExpectAsUnknown("POST", "/v1/supervisionOrders/" + order_id + ":close",
                    "/v1/supervisionOrders/" + unknown_order + ":close", "{}", token, "close");
    ExpectAsUnknown("GET", "/v1/lookup/" + query_code, "/v1/lookup/" + NewQueryCode(), "", token,
                    "lookup");

    // Lists: with every filter, the report is not there.
    for (const std::string& query :
         {std::string("pageSize=500"), std::string("status=ACCEPTED&pageSize=500"),
          std::string("category=REPORT_OF_WRONGDOING&pageSize=500"),
          std::string("unitId=unit_conf_village&pageSize=500"),
          "receivedFrom=" + day + "&receivedTo=" + day + "&pageSize=500"}) {
      HttpResponse list = Call("GET", "/v1/cases?" + query, "", token);
      EXPECT_EQ(list.status, 200) << query << ": " << list.body;
      EXPECT_FALSE(Contains(Column(list.body, "cases", "caseId"), report)) << query;
    }
    for (const std::string& query :
         {std::string("pageSize=500"), std::string("kind=HANDLING&pageSize=500"),
          std::string("unitId=unit_conf_village&pageSize=500"),
          std::string("state=OPEN&pageSize=500"), std::string("state=OVERDUE&pageSize=500")}) {
      HttpResponse list = Call("GET", "/v1/deadlines?" + query, "", token);
      EXPECT_EQ(list.status, 200) << query << ": " << list.body;
      EXPECT_FALSE(Contains(Column(list.body, "deadlines", "caseId"), report)) << query;
    }
    for (const std::string& query : {"caseId=" + report, std::string("pageSize=500"),
                                     std::string("unitId=unit_conf_village")}) {
      HttpResponse list = Call("GET", "/v1/supervisionOrders?" + query, "", token);
      EXPECT_EQ(list.status, 200) << query << ": " << list.body;
      EXPECT_FALSE(Contains(Column(list.body, "orders", "caseId"), report)) << query;
    }
    // Statistics: read as if the report did not exist (its handling unit
    // has nothing else in the period).
    HttpResponse stats = Call("GET", "/v1/stats/units?from=" + day + "&to=" + day, "", token);
    if (stats.status == 200) {
      EXPECT_FALSE(Contains(Column(stats.body, "rows", "unitId"), "unit_conf_village"))
          << stats.body;
    } else {
      EXPECT_EQ(stats.status, 403) << stats.body;  // a role the statistics are not for
    }

    // The later case is theirs to read, without the link to the report.
    HttpResponse later_case = Call("GET", "/v1/cases/" + later, "", token);
    ASSERT_EQ(later_case.status, 200) << later_case.body;
    EXPECT_FALSE(Contains(Strings(later_case.body, "repeatOfCaseIds"), report));
    EXPECT_EQ(later_case.body.find(report), std::string::npos) << later_case.body;
    HttpResponse later_listed =
        Call("GET", "/v1/cases?unitId=unit_accused&pageSize=500", "", token);
    ASSERT_EQ(later_listed.status, 200) << later_listed.body;
    EXPECT_TRUE(Contains(Column(later_listed.body, "cases", "caseId"), later)) << later_listed.body;
    EXPECT_EQ(later_listed.body.find(report), std::string::npos) << later_listed.body;
  }

  // An administrator of the accused unit: the same, the audit of reads included.
  const std::string admin = Accused("admin");
  ExpectAsUnknown("GET", "/v1/cases/" + report, "/v1/cases/" + unknown, "", admin, "admin read");
  HttpResponse audit = Call("GET", "/v1/audit?caseId=" + report, "", admin);
  HttpResponse audit_unknown = Call("GET", "/v1/audit?caseId=" + unknown, "", admin);
  EXPECT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.body, audit_unknown.body);
  EXPECT_NE(
      Call("GET", "/v1/audit?caseId=" + report, "", stack_->Token({"admin"}, "off_admin")).body,
      audit_unknown.body);  // the office's administrator sees the reads

  // Where a role may act on the case at all, the answer is 404, not 403.
  const std::string leader = Accused("leader");
  for (const char* target : {"/v1/cases/{id}", "/v1/cases/{id}/documents",
                             "/v1/cases/{id}/deadlines", "/v1/cases/{id}/responsibility"}) {
    EXPECT_EQ(Call("GET", absl::StrReplaceAll(target, {{"{id}", report}}), "", leader).status, 404)
        << target;
  }
  EXPECT_EQ(
      Call("POST", "/v1/cases/" + report + "/opinions/" + opinion_id + ":approve", "{}", leader)
          .status,
      404);
  EXPECT_EQ(Call("POST", "/v1/cases/" + report + "/extensions",
                 R"({"days":10,"reason":"案情复杂"})", leader)
                .status,
            404);
  EXPECT_EQ(Call("PUT", "/v1/cases/" + report + "/responsibility",
                 R"({"duties":[{"duty":"RECEPTION","done":true}]})", leader)
                .status,
            404);
  // Nothing they tried was written: the opinion is still unapproved, no
  // extension, no duty marked.
  EXPECT_EQ(*stack_->Query("SELECT count(*) FROM intake.opinions WHERE approved_by <> ''"
                           " AND case_id = '" +
                           report + "'"),
            "0");
  EXPECT_EQ(*stack_->Query("SELECT count(*) FROM supervision.extensions WHERE case_id = '" +
                           report + "'"),
            "0");
  // The office still sees everything.
  EXPECT_EQ(Call("GET", "/v1/cases/" + report, "", Clerk()).status, 200);
  EXPECT_EQ(Call("GET", "/v1/cases/" + report + "/deadlines", "", Leader()).status, 200);
}

// "Did X report us?": the id-number filter answers the accused unit's
// officials as for a person who filed nothing.
TEST_F(ConfidentialityTest, TheIdNumberProbeAnswersAsForSomeoneWhoFiledNothing) {
  const std::string person = "110105198001010024";
  const std::string nobody = "110105198001010032";
  const std::string report = Register(ReportBody(person));
  ASSERT_FALSE(report.empty());
  HttpResponse office = Call("GET", "/v1/cases?petitionerIdNumber=" + person, "", Clerk());
  ASSERT_TRUE(Contains(Column(office.body, "cases", "caseId"), report)) << office.body;
  for (const std::string& role : AccusedRoles()) {
    SCOPED_TRACE(role);
    const std::string token = Accused(role);
    HttpResponse probe = Call("GET", "/v1/cases?petitionerIdNumber=" + person, "", token);
    HttpResponse none = Call("GET", "/v1/cases?petitionerIdNumber=" + nobody, "", token);
    EXPECT_EQ(probe.status, none.status) << probe.body;
    EXPECT_EQ(probe.body, none.body);
    EXPECT_EQ(probe.body.find(report), std::string::npos);
    HttpResponse filtered =
        Call("GET", "/v1/cases?petitionerIdNumber=" + person + "&category=REPORT_OF_WRONGDOING", "",
             token);
    HttpResponse filtered_none =
        Call("GET", "/v1/cases?petitionerIdNumber=" + nobody + "&category=REPORT_OF_WRONGDOING", "",
             token);
    EXPECT_EQ(filtered.status, filtered_none.status);
    EXPECT_EQ(filtered.body, filtered_none.body);
  }
  // Every report in this suite names the accused unit: for its officials
  // there are none, and a page of one has no next page token betraying the
  // rows left out behind it.
  for (const std::string& role : AccusedRoles()) {
    HttpResponse page =
        Call("GET", "/v1/cases?category=REPORT_OF_WRONGDOING&pageSize=1", "", Accused(role));
    EXPECT_EQ(page.status, 200) << role << ": " << page.body;
    EXPECT_TRUE(Column(page.body, "cases", "caseId").empty()) << role << ": " << page.body;
    EXPECT_EQ(JsonString(ParseJson(page.body), "nextPageToken"), "") << role << ": " << page.body;
  }
  HttpResponse office_page =
      Call("GET", "/v1/cases?category=REPORT_OF_WRONGDOING&pageSize=1", "", Clerk());
  EXPECT_EQ(Column(office_page.body, "cases", "caseId").size(), 1u) << office_page.body;
}

// The accused unit never handles the report, nor do its officials receive
// it or take charge of it.
TEST_F(ConfidentialityTest, TheAccusedUnitNeitherHandlesNorReceivesNorTakesCharge) {
  const std::string report = Register(ReportBody("110105198001010040"));
  ASSERT_FALSE(report.empty());
  const std::string documents_sql =
      "SELECT count(*) FROM intake.documents WHERE case_id = '" + report + "'";
  const std::string documents_before = *stack_->Query(documents_sql);

  HttpResponse as_handler = Accept(report, kAccused, "off_conf_leader");
  EXPECT_EQ(as_handler.status, 400) << as_handler.body;
  EXPECT_EQ(JsonString(ParseJson(as_handler.body), "error.code"), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorFields(as_handler.body), std::vector<std::string>{"handlingUnitIds[0]"})
      << as_handler.body;

  HttpResponse as_leader = Accept(report, "unit_conf_other", "off_accused_chief");
  EXPECT_EQ(as_leader.status, 400) << as_leader.body;
  EXPECT_EQ(ErrorFields(as_leader.body), std::vector<std::string>{"leaderId"}) << as_leader.body;

  // Nothing of the refused acceptances was written.
  HttpResponse still = Call("GET", "/v1/cases/" + report, "", Clerk());
  EXPECT_EQ(JsonString(ParseJson(still.body), "status"), "REGISTERED") << still.body;
  EXPECT_EQ(*stack_->Query(documents_sql), documents_before);

  // Another unit and leader: accepted; the six duties cannot be put in the
  // hands of the accused unit's head either.
  ASSERT_EQ(Accept(report, "unit_conf_other", "off_conf_leader").status, 200);
  WaitForDeadline(report, "HANDLING");
  HttpResponse duties = Call(
      "PUT", "/v1/cases/" + report + "/responsibility",
      R"({"leaderId":"off_accused_chief","duties":[{"duty":"RECEPTION","done":true}]})", Leader());
  EXPECT_EQ(duties.status, 400) << duties.body;
  EXPECT_EQ(ErrorFields(duties.body), std::vector<std::string>{"leaderId"}) << duties.body;
  HttpResponse fine = Call(
      "PUT", "/v1/cases/" + report + "/responsibility",
      R"({"leaderId":"off_conf_leader","duties":[{"duty":"RECEPTION","done":true}]})", Leader());
  EXPECT_EQ(fine.status, 200) << fine.body;
}

// A county case reporting the unit: the county cannot name a handling unit
// in its push (the township assigns at :accept, where the rule holds), and
// the transfer's status is hidden from the accused unit as the case is.
TEST_F(ConfidentialityTest, ACountyReportIsKeptFromTheAccusedUnitToo) {
  const std::string county_id = "XF-CONF-" + NewId("x").substr(2, 8);
  const std::string push = R"({
  "kind": "ASSIGNMENT", "channel": "ONLINE", "category": "REPORT_OF_WRONGDOING",
  "reportedUnitIds": ["unit_accused"], "subject": "举报某所违规收费", "content": "县平台转来。",
  "petitioners": [{"name": "钱七", "idNumber": "110105198001010059"}]$EXTRA})";
  const std::map<std::string, std::string> key = {{"X-Api-Key", TestStack::kCountyApiKey}};
  auto naming = HttpRequest(
      stack_->http_port(), "PUT", "/v1/transfers/" + county_id,
      absl::StrReplaceAll(push, {{"$EXTRA", R"(, "handlingUnitIds": ["unit_accused"])"}}), key);
  ASSERT_TRUE(naming.ok()) << naming.status();
  EXPECT_EQ(naming->status, 400) << naming->body;
  EXPECT_EQ(JsonString(ParseJson(naming->body), "error.code"), "INVALID_ARGUMENT") << naming->body;

  auto pushed = HttpRequest(stack_->http_port(), "PUT", "/v1/transfers/" + county_id,
                            absl::StrReplaceAll(push, {{"$EXTRA", ""}}), key);
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  ASSERT_EQ(pushed->status, 200) << pushed->body;
  const std::string case_id = JsonString(ParseJson(pushed->body), "caseId");

  HttpResponse accepted = Accept(case_id, kAccused, "off_conf_leader");
  EXPECT_EQ(accepted.status, 400) << accepted.body;
  EXPECT_EQ(ErrorFields(accepted.body), std::vector<std::string>{"handlingUnitIds[0]"});

  EXPECT_EQ(Call("GET", "/v1/transfers/" + county_id, "", Leader()).status, 200);
  ExpectAsUnknown("GET", "/v1/transfers/" + county_id, "/v1/transfers/XF-CONF-NONE", "",
                  Accused("leader"), "transfer");
}

}  // namespace
}  // namespace petition::testing
