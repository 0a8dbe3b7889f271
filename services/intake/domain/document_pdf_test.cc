// The printable documents, read back with poppler's pdfinfo and pdftotext
// (Debian poppler-utils): the page size, the page count and the words.
#include "services/intake/domain/document_pdf.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A PDF written to a temporary file, removed at the end.
class PdfFile {
 public:
  explicit PdfFile(const std::string& bytes) {
    char name[] = "/tmp/document_pdf_test_XXXXXX";
    const int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~PdfFile() { std::remove(path_.c_str()); }

  // The standard output of `command <file> <args>`.
  std::string Run(const std::string& command, const std::string& args = "") const {
    std::string out;
    FILE* pipe = popen(absl::StrCat(command, " ", path_, " ", args).c_str(), "r");
    EXPECT_NE(pipe, nullptr) << command;
    if (pipe == nullptr) return out;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << command;
    return out;
  }
  std::string Info() const { return Run("pdfinfo"); }
  // The text without white space: lines wrap anywhere in Chinese, and
  // pdftotext breaks them where the page does.
  std::string Text() const {
    std::string text;
    for (char c : Run("pdftotext -enc UTF-8", "-")) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) text += c;
    }
    return text;
  }

 private:
  std::string path_;
};

// A field of pdfinfo's output ("Pages", "Page size"), trimmed.
std::string InfoField(const std::string& info, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(info, '\n')) {
    if (absl::ConsumePrefix(&line, name + ":")) {
      return std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return "";
}

v1::Document AcceptanceNotice(const std::string& body) {
  v1::Document d;
  d.set_document_id("doc_1");
  d.set_kind(v1::ACCEPTANCE_NOTICE);
  d.set_number("长信〔2026〕7号");
  d.set_title("信访事项受理告知书");
  d.set_recipient("张三");
  d.set_text(absl::StrCat("张三：\n", body, "\n\n长乐镇信访工作机构\n2026年9月16日"));
  return d;
}

constexpr char kParagraph[] =
    "　　您（们）于2026年9月1日反映的“宅基地纠纷”问题，经审查，符合《信访工作条例》规定的受理条件，"
    "本机关决定予以受理，并已交由镇国土所办理。";

TEST(DocumentPdfTest, TheClosingOfficeAndDateBecomeTheSignature) {
  PrintableDocument p = ToPrintable(AcceptanceNotice(kParagraph));
  EXPECT_EQ(p.title, "信访事项受理告知书");
  EXPECT_EQ(p.number, "长信〔2026〕7号");
  EXPECT_EQ(p.body, absl::StrCat("张三：\n", kParagraph));
  EXPECT_THAT(p.signature, ElementsAre("长乐镇信访工作机构", "2026年9月16日"));
}

TEST(DocumentPdfTest, ATextWithoutTheClosingIsAllBodyAndGetsItsSalutation) {
  v1::Document d = AcceptanceNotice("");
  d.set_text("请于十日内答复。\n\n附件：材料两份");
  PrintableDocument p = ToPrintable(d);
  EXPECT_TRUE(p.signature.empty());
  EXPECT_EQ(p.body, "张三：\n请于十日内答复。\n\n附件：材料两份");
}

TEST(DocumentPdfTest, AnA4PageWithTheTitleNumberAndText) {
  DocumentPdfRenderer renderer;
  auto pdf = renderer.Render(ToPrintable(AcceptanceNotice(kParagraph)));
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
  PdfFile file(*pdf);
  const std::string info = file.Info();
  EXPECT_EQ(InfoField(info, "Page size"), "595.276 x 841.89 pts (A4)") << info;
  EXPECT_EQ(InfoField(info, "Pages"), "1") << info;
  EXPECT_EQ(InfoField(info, "Title"), "信访事项受理告知书") << info;
  const std::string text = file.Text();
  EXPECT_THAT(text, HasSubstr("信访事项受理告知书"));
  EXPECT_THAT(text, HasSubstr("长信〔2026〕7号"));
  EXPECT_THAT(text, HasSubstr("张三："));
  EXPECT_THAT(text, HasSubstr("宅基地纠纷"));
  EXPECT_THAT(text, HasSubstr("长乐镇信访工作机构"));
  EXPECT_THAT(text, HasSubstr("2026年9月16日"));
  EXPECT_THAT(text, HasSubstr("—1—"));
}

TEST(DocumentPdfTest, ALongTextFlowsOverPages) {
  std::string body;
  for (int i = 1; i <= 40; ++i) absl::StrAppend(&body, i == 1 ? "" : "\n", kParagraph, i, "。");
  DocumentPdfRenderer renderer;
  auto pdf = renderer.Render(ToPrintable(AcceptanceNotice(body)));
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  PdfFile file(*pdf);
  const std::string info = file.Info();
  EXPECT_GE(std::atoi(InfoField(info, "Pages").c_str()), 4) << info;
  EXPECT_EQ(InfoField(info, "Page size"), "595.276 x 841.89 pts (A4)") << info;
  const std::string text = file.Text();
  // Every paragraph, in order, and the signature after the last.
  std::size_t last = 0;
  for (int i = 1; i <= 40; ++i) {
    const std::size_t found = text.find(absl::StrCat("镇国土所办理。", i, "。"), last);
    ASSERT_NE(found, std::string::npos) << i;
    last = found;
  }
  EXPECT_GT(text.find("2026年9月16日"), last);
  EXPECT_THAT(text, HasSubstr("—4—"));
}

TEST(DocumentPdfTest, TooLongOrNotUtf8IsRefused) {
  PdfLimits limits;
  limits.max_text_bytes = 1000;
  limits.max_pages = 2;
  DocumentPdfRenderer renderer(limits);
  PrintableDocument p = ToPrintable(AcceptanceNotice(std::string(2000, 'x')));
  auto too_long = renderer.Render(p);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(too_long.status().message(), HasSubstr("at most 1000"));

  std::string lines;
  for (int i = 0; i < 80; ++i) lines += "一\n";  // 320 bytes, 80 lines: 4 pages
  auto too_many_pages = renderer.Render(ToPrintable(AcceptanceNotice(lines)));
  EXPECT_EQ(too_many_pages.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(too_many_pages.status().message(), HasSubstr("pages, at most 2"));

  p = ToPrintable(AcceptanceNotice("\xff\xfe"));
  EXPECT_EQ(renderer.Render(p).status().code(), absl::StatusCode::kFailedPrecondition);
  // Still usable after refusals.
  EXPECT_TRUE(renderer.Render(ToPrintable(AcceptanceNotice(kParagraph))).ok());
}

TEST(DocumentPdfTest, ConcurrentCallersEachGetTheirDocument) {
  PdfLimits limits;
  limits.max_waiting = 8;
  DocumentPdfRenderer renderer(limits);
  std::vector<std::string> pdfs(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      v1::Document d = AcceptanceNotice(kParagraph);
      d.set_number(absl::StrCat("长信〔2026〕", i + 1, "号"));
      auto pdf = renderer.Render(ToPrintable(d));
      if (pdf.ok()) pdfs[i] = *pdf;
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(pdfs[i].empty()) << i;
    EXPECT_THAT(PdfFile(pdfs[i]).Text(), HasSubstr(absl::StrCat("长信〔2026〕", i + 1, "号")));
  }
}

}  // namespace
}  // namespace petition::intake
