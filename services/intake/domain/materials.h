// The petitioner's materials (信访人提供的有关材料, S3): which files are
// accepted, how their media type is told from their bytes (never from the
// client's word alone), and the size limits per file and per case.
//
// Accepted: PDF, JPEG, PNG, and Office documents: the OOXML formats (docx,
// xlsx, pptx: a ZIP whose entries say which) and the legacy binary formats
// (doc, xls, ppt: an OLE2 compound file, told apart by the declared type
// since their container is the same).
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_MATERIALS_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_MATERIALS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace petition::intake {

// Stable codes at the start of an error's reason (clients branch on them).
inline constexpr char kUnsupportedMediaType[] = "UNSUPPORTED_MEDIA_TYPE";
inline constexpr char kMediaTypeMismatch[] = "MEDIA_TYPE_MISMATCH";
inline constexpr char kFileTooLarge[] = "PAYLOAD_TOO_LARGE";
inline constexpr char kEmptyFile[] = "EMPTY_FILE";
inline constexpr char kBadFileName[] = "BAD_FILE_NAME";

// intake's --material_max_file_bytes and --material_max_case_bytes.
struct MaterialLimits {
  int64_t max_file_bytes = 20 << 20;
  int64_t max_case_bytes = 100 << 20;
  size_t max_file_name = 255;  // characters
};

// The media type the bytes are, by their magic numbers (and for a ZIP, the
// OOXML part it holds): "application/pdf", "image/jpeg", "image/png",
// the three OOXML types, "application/x-ole-storage" for an OLE2 file; ""
// for anything else.
std::string SniffMediaType(absl::string_view bytes);

// `media_type` without parameters, lower-cased ("Image/PNG; q=1" -> "image/png").
std::string BareMediaType(absl::string_view media_type);

// A file as uploaded: the declared media type (Content-Type), the file name
// (X-File-Name, decoded) and the bytes.
struct MaterialUpload {
  std::string declared_type;
  std::string file_name;
  absl::string_view bytes;
};

// What is stored of an accepted file.
struct AcceptedMaterial {
  std::string media_type;  // the declared type, checked against the bytes
  std::string file_name;
};

// Checks an upload against the rules: a file name (1-255 characters of
// UTF-8, no control characters, no path separators), bytes present and at
// most the file limit, a declared type that is accepted and that the bytes
// are. INVALID_ARGUMENT naming the field (contentType, fileName, body) with a
// stable code first in its reason; RESOURCE_EXHAUSTED (PAYLOAD_TOO_LARGE)
// over the file limit.
absl::StatusOr<AcceptedMaterial> CheckMaterial(const MaterialUpload& upload,
                                               const MaterialLimits& limits);

// The case limit: RESOURCE_EXHAUSTED (PAYLOAD_TOO_LARGE) when `stored` bytes
// already on the case and `adding` would pass it.
absl::Status CheckCaseMaterialsTotal(int64_t stored, int64_t adding, const MaterialLimits& limits);

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_MATERIALS_H_
