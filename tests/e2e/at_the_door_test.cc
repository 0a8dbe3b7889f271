// At the door, end to end through the gateway on the real binaries: an
// anonymous letter and a passport holder registered and looked up (by query
// code; the passport holder also by number), the receiving leader's
// instruction printed on the assignment notice, and the petitioner's
// materials: an upload larger than the gateway's ordinary body limit and
// gRPC's default message size round-trips byte for byte; a mislabelled file,
// a file over intake's per-file limit and one past the case's total are
// refused, with nothing stored.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/migrations.h"
#include "gtest/gtest.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr int64_t kMaxFile = 6 << 20;
constexpr int64_t kMaxCase = 8 << 20;

class AtTheDoorTest : public StackTest<AtTheDoorTest> {
 public:
  static constexpr char kStackName[] = "door";

  static TestStack::Options StackOptions() {
    TestStack::Options options;
    options.intake_flags = {absl::StrCat("--material_max_file_bytes=", kMaxFile),
                            absl::StrCat("--material_max_case_bytes=", kMaxCase)};
    return options;
  }

 protected:
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory({"unit_justice"}, {"off_leader1"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }
  static std::string Admin() { return stack_->Token({"admin"}, "off_admin1"); }

  static HttpResponse Call(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& token = Clerk()) {
    auto r = stack_->Call(method, target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static HttpResponse Upload(const std::string& case_id, const std::string& bytes,
                             const std::string& type, const std::string& file_name) {
    auto r = HttpRequest(stack_->http_port(), "POST", "/v1/cases/" + case_id + "/materials", bytes,
                         {{"Authorization", "Bearer " + Clerk()},
                          {"Content-Type", type},
                          {"X-File-Name", file_name}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static std::string Q(const std::string& sql) {
    auto v = stack_->Query(sql);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : "";
  }

  static std::string Register(const std::string& body) {
    HttpResponse r = Call("POST", "/v1/cases", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonString(ParseJson(r.body), "caseId");
  }

  // A PNG of `size` bytes: the signature, then bytes of every value.
  static std::string Png(size_t size, char seed) {
    std::string bytes("\x89PNG\r\n\x1A\n", 8);
    for (size_t i = bytes.size(); i < size; ++i) {
      bytes += static_cast<char>((i * 31 + seed) & 0xff);
    }
    return bytes;
  }
};

TEST_F(AtTheDoorTest, AnAnonymousLetterIsRegisteredLookedUpAndAddressedToNobody) {
  const std::string letter = R"({"channel": "LETTER", "anonymous": true,
    "category": "REPORT_OF_WRONGDOING", "subject": "村账目不公开",
    "content": "某村三年未公开村务账目，村干部虚报工程款，请镇里查处。"})";
  HttpResponse r = Call("POST", "/v1/cases", letter);
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = ParseJson(r.body);
  const std::string case_id = JsonString(json, "caseId");
  const std::string code = JsonString(json, "queryCode");
  EXPECT_EQ(JsonString(json, "anonymous"), "true");
  EXPECT_EQ(r.body.find("\"petitioners\":[{"), std::string::npos) << r.body;
  ASSERT_FALSE(code.empty()) << r.body;
  EXPECT_EQ(Q("SELECT count(*) FROM intake.petitioners WHERE case_id = '" + case_id + "'"), "0");

  // The petitioner holding the code looks it up like anyone else.
  HttpResponse lookup = Call("GET", "/v1/lookup/" + code, "", "");
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(JsonString(ParseJson(lookup.body), "status"), "REGISTERED");

  // The same letter again: a repeat, by its text alone.
  HttpResponse again = Call("POST", "/v1/cases", letter);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(again.body.find(case_id), std::string::npos) << again.body;

  // Accepted with the receiving leader's instruction: the notices address
  // the anonymous writer, the unit's notice carries the instruction.
  HttpResponse accepted = Call("POST", "/v1/cases/" + case_id + ":accept",
                               R"({"handlingUnitIds":["unit_justice"],"complexity":"ORDINARY",
               "leaderId":"off_leader1","instruction":"请司法所会同纪检核实村务账目"})");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(JsonString(ParseJson(accepted.body), "instruction"), "请司法所会同纪检核实村务账目");
  HttpResponse docs = Call("GET", "/v1/cases/" + case_id + "/documents");
  ASSERT_EQ(docs.status, 200) << docs.body;
  EXPECT_NE(docs.body.find("匿名来信人："), std::string::npos) << docs.body;
  EXPECT_NE(docs.body.find("按照接访领导指示：请司法所会同纪检核实村务账目。"), std::string::npos)
      << docs.body;
  EXPECT_EQ(docs.body.find("{{petitioner}}"), std::string::npos);
}

TEST_F(AtTheDoorTest, AnAnonymousVisitIsRefusedNamingTheField) {
  HttpResponse r = Call("POST", "/v1/cases", R"({"channel": "VISIT", "anonymous": true,
    "category": "OTHER", "subject": "咨询", "content": "来访咨询政策。"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"field\":\"anonymous\""), std::string::npos) << r.body;
}

TEST_F(AtTheDoorTest, APassportHolderIsRegisteredAndFoundByNumber) {
  // A number of this run: the search below finds this case only.
  std::string number = "E";
  for (char c : RandomBytes(8)) number += static_cast<char>('0' + static_cast<uint8_t>(c) % 10);
  HttpResponse r = Call("POST", "/v1/cases",
                        R"({"channel": "VISIT", "category": "OTHER",
    "subject": "外籍配偶落户咨询", "content": "询问外籍配偶在本镇落户的手续。",
    "petitioners": [{"name": "王五", "idType": "PASSPORT", "idNumber": ")" +
                            absl::AsciiStrToLower(number) + R"("}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = ParseJson(r.body);
  const std::string case_id = JsonString(json, "caseId");
  const std::string code = JsonString(json, "queryCode");

  HttpResponse got = Call("GET", "/v1/cases/" + case_id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("\"idType\":\"PASSPORT\""), std::string::npos) << got.body;
  EXPECT_NE(got.body.find(number), std::string::npos) << got.body;  // normalised, upper case
  // Sealed at rest: the number is nowhere in the table in clear.
  EXPECT_EQ(Q("SELECT count(*) FROM intake.petitioners WHERE case_id = '" + case_id +
              "' AND position('" + number + "'::bytea in sealed) > 0"),
            "0");

  HttpResponse found = Call("GET", "/v1/cases?petitionerIdNumber=" + number);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_NE(found.body.find(case_id), std::string::npos) << found.body;
  HttpResponse lookup = Call("GET", "/v1/lookup/" + code, "", "");
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(lookup.body.find(number), std::string::npos);

  // A number that is not the type's: refused by field, never echoed.
  HttpResponse bad = Call("POST", "/v1/cases", R"({"channel": "VISIT", "category": "OTHER",
    "subject": "咨询", "content": "咨询。",
    "petitioners": [{"name": "赵六", "idType": "HK_MACAO_PERMIT", "idNumber": "K97531864"}]})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("\"field\":\"petitioners[0].idNumber\""), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find("97531864"), std::string::npos) << bad.body;
}

TEST_F(AtTheDoorTest, MaterialsRoundTripAndBadOnesLeaveNothing) {
  const std::string case_id = Register(R"({"channel": "VISIT", "category": "RIGHTS_INFRINGEMENT",
    "subject": "宅基地纠纷", "content": "邻居占用宅基地。",
    "petitioners": [{"name": "张三", "idNumber": "11010519491231002X"}]})");
  ASSERT_FALSE(case_id.empty());
  auto stored = [&] {
    return Q("SELECT count(*) FROM intake.materials WHERE case_id = '" + case_id + "'");
  };

  // 5 MiB: over the gateway's 1 MiB for JSON bodies and gRPC's default 4 MiB.
  const std::string png = Png(5 << 20, 7);
  HttpResponse up = Upload(case_id, png, "image/png", "%E5%9C%B0%E5%9D%97%E7%85%A7%E7%89%87.png");
  ASSERT_EQ(up.status, 200) << up.body;
  auto material = ParseJson(up.body);
  const std::string material_id = JsonString(material, "materialId");
  EXPECT_EQ(JsonString(material, "fileName"), "地块照片.png");
  EXPECT_EQ(JsonString(material, "mediaType"), "image/png");
  EXPECT_EQ(JsonString(material, "size"), absl::StrCat(png.size()));
  EXPECT_EQ(JsonString(material, "sha256"), Sha256Hex(png));
  // Sealed at rest: the stored bytes are not the file's.
  EXPECT_EQ(Q("SELECT count(*) FROM intake.materials WHERE material_id = '" + material_id +
              "' AND position('\\x89504e470d0a1a0a'::bytea in sealed) = 1"),
            "0");

  HttpResponse list = Call("GET", "/v1/cases/" + case_id + "/materials");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(material_id), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("\"uploadedAt\""), std::string::npos) << list.body;

  HttpResponse bytes = Call("GET", "/v1/cases/" + case_id + "/materials/" + material_id);
  ASSERT_EQ(bytes.status, 200) << bytes.body.substr(0, 200);
  EXPECT_EQ(bytes.headers["content-type"], "image/png");
  EXPECT_TRUE(bytes.body == png) << "the bytes differ (" << bytes.body.size() << " bytes back)";
  // The read is audited as identity reads are.
  HttpResponse audit = Call("GET", "/v1/audit?caseId=" + case_id, "", Admin());
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("GetMaterial"), std::string::npos) << audit.body;

  // A handler of a unit that does not handle the case: no such case.
  HttpResponse other = Call("GET", "/v1/cases/" + case_id + "/materials", "",
                            stack_->Token({"handler"}, "off_h1", "unit_other"));
  EXPECT_EQ(other.status, 404) << other.body;

  // Mislabelled: PNG bytes called a PDF. Refused, nothing stored.
  HttpResponse mislabelled = Upload(case_id, Png(1000, 1), "application/pdf", "scan.pdf");
  EXPECT_EQ(mislabelled.status, 400) << mislabelled.body;
  EXPECT_NE(mislabelled.body.find("MEDIA_TYPE_MISMATCH"), std::string::npos) << mislabelled.body;
  HttpResponse unsupported = Upload(case_id, "GIF89a....", "image/gif", "a.gif");
  EXPECT_EQ(unsupported.status, 400) << unsupported.body;
  EXPECT_NE(unsupported.body.find("UNSUPPORTED_MEDIA_TYPE"), std::string::npos);
  EXPECT_EQ(stored(), "1");

  // Over intake's per-file limit: 413, nothing stored.
  HttpResponse large = Upload(case_id, Png(kMaxFile + 1, 2), "image/png", "large.png");
  EXPECT_EQ(large.status, 413) << large.body;
  EXPECT_NE(large.body.find("PAYLOAD_TOO_LARGE"), std::string::npos) << large.body;
  EXPECT_EQ(stored(), "1");
  // Within the file limit but past the case's total (5 + 4 > 8 MiB): 413.
  HttpResponse past = Upload(case_id, Png(4 << 20, 3), "image/png", "more.png");
  EXPECT_EQ(past.status, 413) << past.body;
  EXPECT_EQ(stored(), "1");

  // The same bytes again: the same material.
  HttpResponse same = Upload(case_id, png, "image/png", "again.png");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(JsonString(ParseJson(same.body), "materialId"), material_id);
  EXPECT_EQ(stored(), "1");
}

}  // namespace
}  // namespace petition::testing
