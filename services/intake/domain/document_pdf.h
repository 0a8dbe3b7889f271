// The printable form of a document (文书): an A4 PDF laid out as an official
// notice, after GB/T 9704 (党政机关公文格式): the title centred, the document
// number (文号) under it, the body on a fixed grid of lines with its
// paragraphs as written (the recipient's salutation first), the issuing office
// and the date at the bottom right, "— N —" page numbers; as many pages as the
// text needs. Rendered with cairo and pango in memory (the Noto CJK fonts,
// Debian fonts-noto-cjk); nothing is read or written but the fonts.
#ifndef PETITION_SERVICES_INTAKE_DOMAIN_DOCUMENT_PDF_H_
#define PETITION_SERVICES_INTAKE_DOMAIN_DOCUMENT_PDF_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "petition/v1/intake.pb.h"

namespace petition::intake {

// A document split into the parts the layout places.
struct PrintableDocument {
  std::string title;
  std::string number;
  // The body as stored and filled (salutation, paragraphs), without the
  // closing office and date.
  std::string body;
  // The closing lines (office, date), placed at the bottom right; empty when
  // the text does not end with them.
  std::vector<std::string> signature;
};

// The text of a document ends with its issuing office and date after an empty
// line ("…\n\n<office>\n2026年9月16日", as every template in migration 0005
// does): those two lines become the signature. A text without that ending is
// all body. A body that does not start with the recipient gets the recipient's
// salutation ("<recipient>：") as its first line.
PrintableDocument ToPrintable(const v1::Document& document);

struct PdfLimits {
  // Title, number and body together; a longer document is refused (a
  // template gone wrong, not a notice to print).
  std::size_t max_text_bytes = 64 * 1024;
  int max_pages = 40;
  // Callers waiting for the renderer at most; more are refused at once.
  int max_waiting = 8;
};

// Renders one document at a time (a pango font map must not be used by two
// threads at once: one is kept here, loaded once, and used by one render at a
// time); callers wait for it until their deadline, a few at most.
class DocumentPdfRenderer {
 public:
  explicit DocumentPdfRenderer(PdfLimits limits = {});
  ~DocumentPdfRenderer();
  DocumentPdfRenderer(const DocumentPdfRenderer&) = delete;
  DocumentPdfRenderer& operator=(const DocumentPdfRenderer&) = delete;

  // The PDF bytes. FAILED_PRECONDITION when the document is too long (bytes
  // or pages) or not UTF-8; RESOURCE_EXHAUSTED when too many renders wait;
  // DEADLINE_EXCEEDED when the renderer did not come free before `deadline`.
  absl::StatusOr<std::string> Render(const PrintableDocument& document,
                                     absl::Time deadline = absl::InfiniteFuture());

 private:
  struct FontMap;

  // The layout and drawing, by the one caller that set busy_.
  absl::StatusOr<std::string> RenderAlone(const PrintableDocument& document);

  const PdfLimits limits_;
  absl::Mutex mu_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  // Used only by the render that set busy_.
  std::unique_ptr<FontMap> font_map_;
};

}  // namespace petition::intake

#endif  // PETITION_SERVICES_INTAKE_DOMAIN_DOCUMENT_PDF_H_
