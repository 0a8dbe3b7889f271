// A document as a printable PDF through the real gateway: the same path as its
// JSON, chosen by `Accept: application/pdf`; the same read rules (identity
// masked for a supervisor, a unit's staff only on its own cases) and the same
// audit; read back with poppler's pdftotext and pdfinfo.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/stack_test.h"
#include "tests/support/test_stack.h"

namespace petition::testing {
namespace {

constexpr char kVisit[] = R"({
  "channel": "VISIT",
  "category": "RIGHTS_INFRINGEMENT",
  "subject": "宅基地纠纷",
  "content": "邻居占用宅基地，请求镇里协调处理。",
  "petitioners": [{"name": "张三", "idNumber": "11010519491231002X", "phone": "13800138000"}]
})";

constexpr char kAccept[] =
    R"({"handlingUnitIds":["unit_land"],"complexity":"SIMPLE","leaderId":"off_leader1"})";

// The output of a poppler tool run on `pdf` ("pdftotext": the text, without white space).
std::string Poppler(const std::string& tool, const std::string& pdf) {
  char name[] = "/tmp/document_pdf_e2e_XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return "";
  close(fd);
  std::ofstream(name, std::ios::binary) << pdf;
  const std::string command = tool == "pdftotext"
                                  ? absl::StrCat("pdftotext -enc UTF-8 ", name, " -")
                                  : absl::StrCat(tool, " ", name);
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    pclose(pipe);
  }
  std::remove(name);
  if (tool != "pdftotext") return out;
  // Without white space: Chinese lines wrap anywhere, and pdftotext breaks them where the page
  // does.
  std::string text;
  for (char c : out) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) text += c;
  }
  return text;
}

class DocumentPdfTest : public StackTest<DocumentPdfTest> {
 public:
  static constexpr char kStackName[] = "documentpdf";

 protected:
  // Acceptance checks units and leaders against scheduling's directory.
  void SetUp() override {
    StackTest::SetUp();
    absl::Status seeded = stack_->SeedDirectory({"unit_land"}, {"off_leader1"});
    ASSERT_TRUE(seeded.ok()) << seeded;
  }

  static HttpResponse Get(const std::string& target, const std::string& token,
                          const std::string& accept) {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
    if (!accept.empty()) headers["Accept"] = accept;
    auto r = HttpRequest(stack_->http_port(), "GET", target, "", headers);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static HttpResponse Post(const std::string& target, const std::string& body,
                           const std::string& token) {
    auto r = stack_->Call("POST", target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static std::string Clerk() { return stack_->Token({"clerk"}, "off_clerk1"); }

  // A registered and accepted case; its id and its acceptance notice's id and number.
  static void AcceptedCase(std::string& case_id, std::string& document_id, std::string& number) {
    HttpResponse r = Post("/v1/cases", kVisit, Clerk());
    ASSERT_EQ(r.status, 200) << r.body;
    case_id = JsonString(ParseJson(r.body), "caseId");
    ASSERT_EQ(Post("/v1/cases/" + case_id + ":accept", kAccept, Clerk()).status, 200);
    HttpResponse docs = Get("/v1/cases/" + case_id + "/documents", Clerk(), "");
    ASSERT_EQ(docs.status, 200) << docs.body;
    const google::protobuf::Struct json = ParseJson(docs.body);
    ASSERT_EQ(json.fields().count("documents"), 1u) << docs.body;
    for (const auto& v : json.fields().at("documents").list_value().values()) {
      const auto& f = v.struct_value().fields();
      if (f.at("kind").string_value() == "ACCEPTANCE_NOTICE") {
        document_id = f.at("documentId").string_value();
        number = f.at("number").string_value();
      }
    }
    ASSERT_FALSE(document_id.empty()) << docs.body;
  }
};

TEST_F(DocumentPdfTest, AcceptPdfGivesThePrintableNoticeUnderTheSameRules) {
  std::string case_id, document_id, number;
  ASSERT_NO_FATAL_FAILURE(AcceptedCase(case_id, document_id, number));
  const std::string path = "/v1/cases/" + case_id + "/documents/" + document_id;
  const std::string audited =
      "SELECT count(*) FROM intake.identity_reads WHERE case_id = '" + case_id + "'";
  const std::string reads_before = *stack_->Query(audited);

  HttpResponse pdf = Get(path, Clerk(), "application/pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
  EXPECT_EQ(pdf.headers["vary"], "Accept");
  ASSERT_EQ(pdf.body.substr(0, 5), "%PDF-");
  EXPECT_NE(Poppler("pdfinfo", pdf.body).find("(A4)"), std::string::npos);
  const std::string text = Poppler("pdftotext", pdf.body);
  for (const std::string& words : {std::string("信访事项受理告知书"), number, std::string("张三"),
                                   std::string("宅基地纠纷")}) {
    EXPECT_NE(text.find(words), std::string::npos) << words << "\n" << text;
  }
  // The clerk saw the name: audited as for the JSON.
  EXPECT_EQ(std::stoi(*stack_->Query(audited)), std::stoi(reads_before) + 1);

  // Masked for a supervisor, exactly as the JSON is.
  HttpResponse masked = Get(path, stack_->Token({"supervisor"}), "application/pdf");
  ASSERT_EQ(masked.status, 200) << masked.body;
  const std::string masked_text = Poppler("pdftotext", masked.body);
  EXPECT_EQ(masked_text.find("张三"), std::string::npos) << masked_text;
  EXPECT_NE(masked_text.find("张*"), std::string::npos) << masked_text;

  // The same path answers JSON without the header, or when JSON is preferred.
  for (const char* accept : {"", "application/json", "*/*", "application/pdf;q=0.5, */*"}) {
    HttpResponse json = Get(path, Clerk(), accept);
    ASSERT_EQ(json.status, 200) << accept;
    EXPECT_EQ(json.headers["content-type"], "application/json") << accept;
    EXPECT_EQ(JsonString(ParseJson(json.body), "documentId"), document_id) << accept;
  }

  // A unit's staff on a case not theirs, an unknown document: errors, as JSON.
  HttpResponse other_unit =
      Get(path, stack_->Token({"handler"}, "off_h", "unit_other"), "application/pdf");
  EXPECT_EQ(other_unit.status, 404) << other_unit.body;
  HttpResponse missing =
      Get("/v1/cases/" + case_id + "/documents/doc_nosuchdocument", Clerk(), "application/pdf");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(JsonString(ParseJson(missing.body), "error.code"), "NOT_FOUND") << missing.body;
  // No credentials: 401 whichever representation is asked for.
  auto anonymous =
      HttpRequest(stack_->http_port(), "GET", path, "", {{"Accept", "application/pdf"}});
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401);
}

// Every kind of notice a case gets, printed: each PDF carries its title and number, and page one
// is kept as a PNG (pdftoppm) beside the other test output, for a person to look at.
TEST_F(DocumentPdfTest, EveryKindOfNoticePrintsWithItsTitleAndNumber) {
  std::string case_id, document_id, number;
  ASSERT_NO_FATAL_FAILURE(AcceptedCase(case_id, document_id, number));
  HttpResponse o =
      Post("/v1/cases/" + case_id + "/opinions",
           R"({"unitId":"unit_land","outcome":"EXPLAINED","facts":"经现场核实，界址清楚。",
                            "basis":"《土地管理法》第十四条","decision":"向信访人解释说明。"})",
           stack_->Token({"handler"}, "off_h1", "unit_land"));
  ASSERT_EQ(o.status, 200) << o.body;
  const std::string opinion_id = JsonString(ParseJson(o.body), "opinionId");
  ASSERT_EQ(Post("/v1/cases/" + case_id + "/opinions/" + opinion_id + ":submit", "{}",
                 stack_->Token({"handler"}, "off_h1", "unit_land"))
                .status,
            200);
  ASSERT_EQ(Post("/v1/cases/" + case_id + "/opinions/" + opinion_id + ":approve", "{}",
                 stack_->Token({"leader"}, "off_leader1"))
                .status,
            200);
  ASSERT_EQ(
      Post("/v1/cases/" + case_id + ":answer", R"({"opinionId":")" + opinion_id + R"("})", Clerk())
          .status,
      200);
  HttpResponse declined = Post("/v1/cases", kVisit, Clerk());
  ASSERT_EQ(declined.status, 200) << declined.body;
  const std::string declined_id = JsonString(ParseJson(declined.body), "caseId");
  ASSERT_EQ(Post("/v1/cases/" + declined_id + ":decline",
                 R"({"route":"LITIGATION","authority":"县人民法院","reason":"民事纠纷"})", Clerk())
                .status,
            200);

  const char* dir = std::getenv("PETITION_TEST_OUTPUT_DIR");
  const std::string out = dir != nullptr && *dir != '\0' ? dir : BinaryDir() + "/test-output";
  std::filesystem::create_directories(out);
  std::set<std::string> kinds;
  for (const std::string& id : {case_id, declined_id}) {
    HttpResponse docs = Get("/v1/cases/" + id + "/documents", Clerk(), "");
    ASSERT_EQ(docs.status, 200) << docs.body;
    const google::protobuf::Struct listed = ParseJson(docs.body);
    ASSERT_EQ(listed.fields().count("documents"), 1u) << docs.body;
    for (const auto& v : listed.fields().at("documents").list_value().values()) {
      const auto& f = v.struct_value().fields();
      const std::string kind = f.at("kind").string_value();
      HttpResponse pdf = Get("/v1/cases/" + id + "/documents/" + f.at("documentId").string_value(),
                             Clerk(), "application/pdf");
      ASSERT_EQ(pdf.status, 200) << kind << ": " << pdf.body;
      const std::string text = Poppler("pdftotext", pdf.body);
      std::string title;
      for (char c : f.at("title").string_value()) {
        if (!absl::ascii_isspace(static_cast<unsigned char>(c))) title += c;
      }
      EXPECT_NE(text.find(title), std::string::npos) << kind << "\n" << text;
      EXPECT_NE(text.find(f.at("number").string_value()), std::string::npos) << kind << "\n"
                                                                             << text;
      if (!kinds.insert(kind).second) continue;
      // Page one as a picture: pdftoppm reads the PDF and writes <out>/<kind>-1.png.
      const std::string pdf_path = absl::StrCat(out, "/", kind, ".pdf");
      std::ofstream(pdf_path, std::ios::binary) << pdf.body;
      const std::string png_prefix = absl::StrCat(out, "/", kind);
      ASSERT_EQ(
          std::system(
              absl::StrCat("pdftoppm -png -r 60 -singlefile ", pdf_path, " ", png_prefix).c_str()),
          0)
          << kind;
      std::ifstream png(png_prefix + ".png", std::ios::binary);
      char magic[4] = {};
      png.read(magic, 4);
      EXPECT_EQ(std::string(magic + 1, 3), "PNG") << kind;
    }
  }
  // Accepted, assigned, answered; declined.
  for (const char* kind :
       {"ACCEPTANCE_NOTICE", "ASSIGNMENT_NOTICE", "HANDLING_OPINION", "NON_ACCEPTANCE_NOTICE"}) {
    EXPECT_EQ(kinds.count(kind), 1u) << kind;
  }
}

}  // namespace
}  // namespace petition::testing
