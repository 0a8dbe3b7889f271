#include "services/intake/domain/materials.h"

#include <string>
#include <vector>

#include "common/status.h"
#include "gtest/gtest.h"

namespace petition::intake {
namespace {

constexpr char kDocx[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr char kPptx[] =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation";

void Put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xffff);
  Put16(out, v >> 16);
}

// A stored (uncompressed) ZIP holding `names`, each with a little content.
std::string Zip(const std::vector<std::string>& names, const std::string& comment = "") {
  std::string out;
  std::string directory;
  for (const std::string& name : names) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const std::string data = "<x/>";
    out += std::string("PK\x03\x04", 4);
    Put16(out, 20), Put16(out, 0), Put16(out, 0), Put16(out, 0), Put16(out, 0);
    Put32(out, 0), Put32(out, data.size()), Put32(out, data.size());
    Put16(out, name.size()), Put16(out, 0);
    out += name + data;
    directory += std::string("PK\x01\x02", 4);
    Put16(directory, 20), Put16(directory, 20), Put16(directory, 0), Put16(directory, 0);
    Put16(directory, 0), Put16(directory, 0);
    Put32(directory, 0), Put32(directory, data.size()), Put32(directory, data.size());
    Put16(directory, name.size()), Put16(directory, 0), Put16(directory, 0);
    Put16(directory, 0), Put16(directory, 0), Put32(directory, 0), Put32(directory, offset);
    directory += name;
  }
  const uint32_t directory_offset = static_cast<uint32_t>(out.size());
  out += directory;
  out += std::string("PK\x05\x06", 4);
  Put16(out, 0), Put16(out, 0), Put16(out, names.size()), Put16(out, names.size());
  Put32(out, directory.size()), Put32(out, directory_offset), Put16(out, comment.size());
  return out + comment;
}

const std::string kPdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
const std::string kJpeg("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11);
const std::string kPng("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16);
const std::string kOle2("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00", 12);

TEST(MaterialsTest, SniffsEachAcceptedTypeByItsBytes) {
  EXPECT_EQ(SniffMediaType(kPdf), "application/pdf");
  EXPECT_EQ(SniffMediaType(kJpeg), "image/jpeg");
  EXPECT_EQ(SniffMediaType(kPng), "image/png");
  EXPECT_EQ(SniffMediaType(kOle2), "application/x-ole-storage");
  EXPECT_EQ(SniffMediaType(Zip({"[Content_Types].xml", "word/document.xml"})), kDocx);
  EXPECT_EQ(SniffMediaType(Zip({"[Content_Types].xml", "xl/workbook.xml"})), kXlsx);
  EXPECT_EQ(SniffMediaType(Zip({"[Content_Types].xml", "ppt/presentation.xml"})), kPptx);
  EXPECT_EQ(SniffMediaType(Zip({"[Content_Types].xml", "word/document.xml"}, "a comment")), kDocx);
}

TEST(MaterialsTest, OtherBytesAreNoAcceptedType) {
  EXPECT_EQ(SniffMediaType(""), "");
  EXPECT_EQ(SniffMediaType("GIF89a"), "");
  EXPECT_EQ(SniffMediaType("%PD"), "");
  EXPECT_EQ(SniffMediaType("hello, world"), "");
  // A ZIP that is not an Office document, or lacks its content types.
  EXPECT_EQ(SniffMediaType(Zip({"readme.txt"})), "");
  EXPECT_EQ(SniffMediaType(Zip({"word/document.xml"})), "");
  // A ZIP whose directory is cut off.
  std::string cut = Zip({"[Content_Types].xml", "word/document.xml"});
  EXPECT_EQ(SniffMediaType(cut.substr(0, cut.size() - 30)), "");
  EXPECT_EQ(SniffMediaType(std::string("PK\x03\x04", 4)), "");
}

TEST(MaterialsTest, BareMediaTypeDropsParametersAndCase) {
  EXPECT_EQ(BareMediaType(" Image/PNG ; q=1"), "image/png");
  EXPECT_EQ(BareMediaType("application/pdf"), "application/pdf");
  EXPECT_EQ(BareMediaType(""), "");
}

absl::StatusOr<AcceptedMaterial> Check(const std::string& type, const std::string& bytes,
                                       const std::string& name = "证据.pdf",
                                       MaterialLimits limits = {}) {
  return CheckMaterial(MaterialUpload{type, name, bytes}, limits);
}

std::string Reason(const absl::Status& s) {
  auto details = GetErrorDetails(s);
  return details.violations_size() == 0
             ? ""
             : details.violations(0).field() + " " + details.violations(0).reason();
}

TEST(MaterialsTest, AcceptsADeclaredTypeTheBytesAre) {
  auto pdf = Check("application/pdf", kPdf);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->media_type, "application/pdf");
  EXPECT_EQ(pdf->file_name, "证据.pdf");
  EXPECT_TRUE(Check("image/jpeg", kJpeg).ok());
  EXPECT_TRUE(Check("IMAGE/PNG; charset=binary", kPng).ok());
  EXPECT_TRUE(Check(kDocx, Zip({"[Content_Types].xml", "word/document.xml"})).ok());
  EXPECT_TRUE(Check("application/msword", kOle2).ok());
  EXPECT_TRUE(Check("application/vnd.ms-excel", kOle2).ok());
}

TEST(MaterialsTest, AMislabelledFileIsAMismatch) {
  absl::Status s = Check("application/pdf", kPng).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(s).rfind("contentType MEDIA_TYPE_MISMATCH", 0), 0u) << Reason(s);
  // A spreadsheet called a document, an OLE2 file called a PDF.
  EXPECT_EQ(Reason(Check(kDocx, Zip({"[Content_Types].xml", "xl/workbook.xml"})).status())
                .rfind("contentType MEDIA_TYPE_MISMATCH", 0),
            0u);
  EXPECT_EQ(Reason(Check("application/pdf", kOle2).status()).rfind("contentType MEDIA_TYPE", 0),
            0u);
  EXPECT_EQ(Reason(Check("image/jpeg", "not a picture").status())
                .rfind("contentType MEDIA_TYPE_MISMATCH", 0),
            0u);
}

TEST(MaterialsTest, TypesOutsideTheListAreUnsupported) {
  for (const char* type :
       {"", "text/plain", "image/gif", "application/zip", "application/octet-stream"}) {
    absl::Status s = Check(type, kPdf).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << type;
    EXPECT_EQ(Reason(s).rfind("contentType UNSUPPORTED_MEDIA_TYPE", 0), 0u) << Reason(s);
  }
}

TEST(MaterialsTest, FileNames) {
  EXPECT_EQ(Reason(Check("application/pdf", kPdf, "").status()).rfind("fileName BAD_FILE_NAME", 0),
            0u);
  for (const std::string& name : std::vector<std::string>{"../etc/passwd", "a\\b.pdf", "a\nb.pdf",
                                                          ".", "\xff.pdf", std::string(256, 'a')}) {
    EXPECT_EQ(Reason(Check("application/pdf", kPdf, name).status()).rfind("fileName", 0), 0u)
        << name;
  }
  EXPECT_TRUE(Check("application/pdf", kPdf, std::string(255, 'a')).ok());
  EXPECT_TRUE(Check("application/pdf", kPdf, "张三 的 材料 (1).pdf").ok());
}

TEST(MaterialsTest, EmptyAndOversizedFiles) {
  EXPECT_EQ(Reason(Check("application/pdf", "").status()).rfind("body EMPTY_FILE", 0), 0u);
  MaterialLimits limits;
  limits.max_file_bytes = static_cast<int64_t>(kPdf.size());
  EXPECT_TRUE(Check("application/pdf", kPdf, "a.pdf", limits).ok());
  limits.max_file_bytes = static_cast<int64_t>(kPdf.size()) - 1;
  absl::Status s = Check("application/pdf", kPdf, "a.pdf", limits).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(HttpStatusFor(s), 413);
}

TEST(MaterialsTest, TheCaseTotal) {
  MaterialLimits limits;
  limits.max_case_bytes = 100;
  EXPECT_TRUE(CheckCaseMaterialsTotal(0, 100, limits).ok());
  EXPECT_TRUE(CheckCaseMaterialsTotal(60, 40, limits).ok());
  absl::Status s = CheckCaseMaterialsTotal(60, 41, limits);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(HttpStatusFor(s), 413);
}

TEST(MaterialsTest, DefaultLimits) {
  MaterialLimits limits;
  EXPECT_EQ(limits.max_file_bytes, 20 << 20);
  EXPECT_EQ(limits.max_case_bytes, 100 << 20);
}

}  // namespace
}  // namespace petition::intake
