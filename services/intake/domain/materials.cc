#include "services/intake/domain/materials.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/utf8.h"

namespace petition::intake {
namespace {

constexpr char kPdf[] = "application/pdf";
constexpr char kJpeg[] = "image/jpeg";
constexpr char kPng[] = "image/png";
constexpr char kDocx[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr char kPptx[] =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation";
constexpr char kOle2[] = "application/x-ole-storage";
constexpr char kDoc[] = "application/msword";
constexpr char kXls[] = "application/vnd.ms-excel";
constexpr char kPpt[] = "application/vnd.ms-powerpoint";

uint32_t Le16(absl::string_view b, size_t at) {
  return static_cast<uint8_t>(b[at]) | static_cast<uint8_t>(b[at + 1]) << 8;
}
uint32_t Le32(absl::string_view b, size_t at) { return Le16(b, at) | Le16(b, at + 2) << 16; }

// The OOXML type of a ZIP by the main part its central directory lists;
// "" when it is not an Office document (or not a well-formed ZIP).
std::string OfficeOpenXmlType(absl::string_view zip) {
  // The end of central directory record: 22 bytes, plus a comment of at
  // most 65535 bytes, at the very end.
  constexpr absl::string_view kEnd("PK\x05\x06", 4);
  const size_t floor = zip.size() > 22 + 65535 ? zip.size() - 22 - 65535 : 0;
  size_t eocd = absl::string_view::npos;
  for (size_t at = zip.size() >= 22 ? zip.size() - 22 + 1 : 0; at-- > floor;) {
    if (zip.substr(at, 4) == kEnd) {
      eocd = at;
      break;
    }
  }
  if (eocd == absl::string_view::npos) return "";
  const uint32_t entries = Le16(zip, eocd + 10);
  size_t at = Le32(zip, eocd + 16);
  bool content_types = false;
  std::string type;
  for (uint32_t i = 0; i < entries; ++i) {
    if (at + 46 > eocd || zip.substr(at, 4) != absl::string_view("PK\x01\x02", 4)) return "";
    const size_t name_length = Le16(zip, at + 28);
    const size_t next = at + 46 + name_length + Le16(zip, at + 30) + Le16(zip, at + 32);
    if (next > eocd) return "";
    const absl::string_view name = zip.substr(at + 46, name_length);
    if (name == "[Content_Types].xml") content_types = true;
    if (name == "word/document.xml") type = kDocx;
    if (name == "xl/workbook.xml") type = kXlsx;
    if (name == "ppt/presentation.xml") type = kPptx;
    at = next;
  }
  return content_types ? type : "";
}

bool Accepted(const std::string& type) {
  static const auto* const kTypes =
      new std::set<std::string>{kPdf, kJpeg, kPng, kDocx, kXlsx, kPptx, kDoc, kXls, kPpt};
  return kTypes->count(type) > 0;
}

// The type the bytes must sniff as for a declared type.
std::string Container(const std::string& declared) {
  if (declared == kDoc || declared == kXls || declared == kPpt) return kOle2;
  return declared;
}

absl::Status Refuse(const char* field, const char* code, absl::string_view why) {
  return InvalidField(field, absl::StrCat(code, ": ", why));
}

}  // namespace

std::string SniffMediaType(absl::string_view bytes) {
  if (absl::StartsWith(bytes, "%PDF-")) return kPdf;
  if (absl::StartsWith(bytes, absl::string_view("\xFF\xD8\xFF", 3))) return kJpeg;
  if (absl::StartsWith(bytes, absl::string_view("\x89PNG\r\n\x1A\n", 8))) return kPng;
  if (absl::StartsWith(bytes, absl::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) {
    return kOle2;
  }
  if (absl::StartsWith(bytes, absl::string_view("PK\x03\x04", 4))) return OfficeOpenXmlType(bytes);
  return "";
}

std::string BareMediaType(absl::string_view media_type) {
  absl::string_view bare = media_type.substr(0, media_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(bare));
}

absl::StatusOr<AcceptedMaterial> CheckMaterial(const MaterialUpload& upload,
                                               const MaterialLimits& limits) {
  AcceptedMaterial accepted;
  const std::string& name = upload.file_name;
  if (name.empty()) {
    return Refuse("fileName", kBadFileName, "the X-File-Name header is required");
  }
  if (!IsValidUtf8(name) || Utf8Length(name) > limits.max_file_name) {
    return Refuse("fileName", kBadFileName,
                  absl::StrCat("must be at most ", limits.max_file_name,
                               " characters of percent-encoded UTF-8"));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
      return Refuse("fileName", kBadFileName,
                    "must not contain control characters or path separators");
    }
  }
  if (name == "." || name == "..") return Refuse("fileName", kBadFileName, "is not a file name");
  accepted.file_name = name;
  if (upload.bytes.empty()) return Refuse("body", kEmptyFile, "the file is empty");
  if (static_cast<int64_t>(upload.bytes.size()) > limits.max_file_bytes) {
    return PayloadTooLarge("body",
                           absl::StrCat("a file may be at most ", limits.max_file_bytes, " bytes"),
                           absl::StrCat("at most ", limits.max_file_bytes, " bytes"));
  }
  const std::string declared = BareMediaType(upload.declared_type);
  if (!Accepted(declared)) {
    return Refuse("contentType", kUnsupportedMediaType,
                  "accepted are PDF, JPEG, PNG and Office documents (docx, xlsx, pptx, doc, xls, "
                  "ppt)");
  }
  const std::string sniffed = SniffMediaType(upload.bytes);
  if (sniffed != Container(declared)) {
    return Refuse("contentType", kMediaTypeMismatch,
                  absl::StrCat("the bytes are not ", declared,
                               sniffed.empty() ? " (nor any accepted type)"
                                               : absl::StrCat(" but ", sniffed)));
  }
  accepted.media_type = declared;
  return accepted;
}

absl::Status CheckCaseMaterialsTotal(int64_t stored, int64_t adding, const MaterialLimits& limits) {
  if (stored + adding <= limits.max_case_bytes) return absl::OkStatus();
  return PayloadTooLarge(
      "body",
      absl::StrCat("a case's materials may be at most ", limits.max_case_bytes, " bytes in all; ",
                   stored, " are stored"),
      absl::StrCat("the case's materials would pass ", limits.max_case_bytes, " bytes"));
}

}  // namespace petition::intake
