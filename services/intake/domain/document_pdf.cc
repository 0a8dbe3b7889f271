#include "services/intake/domain/document_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <cctype>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/utf8.h"

namespace petition::intake {
namespace {

// A4 in points, and the type area of GB/T 9704: 37 mm from the top, 28 mm
// from the left, 156 × 225 mm.
constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;   // 595.28
constexpr double kPageHeight = 297 * kMm;  // 841.89
constexpr double kTop = 37 * kMm;
constexpr double kLeft = 28 * kMm;
constexpr double kTextWidth = 156 * kMm;
constexpr double kTextHeight = 225 * kMm;
// 22 lines of 三号 (16 pt) text per page.
constexpr double kBodyPitch = kTextHeight / 22;
constexpr double kTitlePitch = 36;
constexpr char kBodyFont[] = "Noto Serif CJK SC 16";
constexpr char kTitleFont[] = "Noto Serif CJK SC Bold 22";
constexpr char kPageNumberFont[] = "Noto Serif CJK SC 14";
// The signature ends two characters from the right edge of the type area.
constexpr double kSignatureIndent = 2 * 16;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};
void UnrefObject(void* p) { g_object_unref(p); }
using Surface = std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using Cairo = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;
using FontOptions = std::unique_ptr<cairo_font_options_t,
                                    Deleter<cairo_font_options_t, cairo_font_options_destroy>>;
using FontDescription = std::unique_ptr<PangoFontDescription,
                                        Deleter<PangoFontDescription, pango_font_description_free>>;
using LayoutIter =
    std::unique_ptr<PangoLayoutIter, Deleter<PangoLayoutIter, pango_layout_iter_free>>;
using Object = std::unique_ptr<void, Deleter<void, UnrefObject>>;

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// "2026年9月16日".
bool IsChineseDate(absl::string_view s) {
  auto digits = [&s](std::size_t min, std::size_t max) {
    std::size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
    s.remove_prefix(n);
    return n >= min && n <= max;
  };
  return digits(4, 4) && absl::ConsumePrefix(&s, "年") && digits(1, 2) &&
         absl::ConsumePrefix(&s, "月") && digits(1, 2) && absl::ConsumePrefix(&s, "日") &&
         s.empty();
}

// One line of text where it goes: the page, the left end of its baseline.
struct Placed {
  PangoLayoutLine* line;
  int page;
  double x;
  double baseline;
};

// Lays the pages out: each layout's lines one under the other on a fixed
// pitch, a new page when the next line (or a block kept together) does not fit.
class Flow {
 public:
  explicit Flow(PangoContext* context) : context_(context) {}

  PangoLayout* Layout(const std::string& text, const char* font, PangoAlignment alignment,
                      double width) {
    PangoLayout* layout = pango_layout_new(context_);
    layouts_.emplace_back(layout);
    FontDescription description(pango_font_description_from_string(font));
    pango_layout_set_font_description(layout, description.get());
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, alignment);
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
    return layout;
  }

  // `keep_together`: all the layout's lines on one page (a new one when they
  // do not fit on this one).
  void Place(PangoLayout* layout, double pitch, double x_offset = 0, bool keep_together = false) {
    if (keep_together && y_ + pango_layout_get_line_count(layout) * pitch > kTop + kTextHeight) {
      NewPage();
    }
    LayoutIter iter(pango_layout_get_iter(layout));
    do {
      if (y_ + pitch > kTop + kTextHeight + 0.01) NewPage();
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter.get(), nullptr, &logical);
      const double ascent =
          static_cast<double>(pango_layout_iter_get_baseline(iter.get()) - logical.y) / PANGO_SCALE;
      const double height = static_cast<double>(logical.height) / PANGO_SCALE;
      placed_.push_back({pango_layout_iter_get_line_readonly(iter.get()), page_,
                         kLeft + x_offset + static_cast<double>(logical.x) / PANGO_SCALE,
                         y_ + (pitch - height) / 2 + ascent});
      y_ += pitch;
    } while (pango_layout_iter_next_line(iter.get()));
  }

  void Skip(double space) { y_ += space; }
  void NewPage() {
    ++page_;
    y_ = kTop;
  }

  int pages() const { return page_ + 1; }
  const std::vector<Placed>& placed() const { return placed_; }

 private:
  PangoContext* context_;
  std::vector<Object> layouts_;
  std::vector<Placed> placed_;
  int page_ = 0;
  double y_ = kTop;
};

}  // namespace

PrintableDocument ToPrintable(const v1::Document& document) {
  PrintableDocument out;
  out.title = document.title();
  out.number = document.number();
  absl::string_view text = absl::StripTrailingAsciiWhitespace(document.text());
  out.body = std::string(text);
  if (const std::size_t cut = text.rfind("\n\n"); cut != absl::string_view::npos) {
    std::vector<std::string> closing = absl::StrSplit(text.substr(cut + 2), '\n');
    if (closing.size() == 2 && !closing[0].empty() && IsChineseDate(closing[1])) {
      out.signature = std::move(closing);
      out.body = std::string(text.substr(0, cut));
    }
  }
  if (!document.recipient().empty() && !absl::StartsWith(out.body, document.recipient())) {
    out.body = absl::StrCat(document.recipient(), "：\n", out.body);
  }
  return out;
}

struct DocumentPdfRenderer::FontMap {
  FontMap() : map(pango_cairo_font_map_new()) {}
  Object map;
};

DocumentPdfRenderer::DocumentPdfRenderer(PdfLimits limits)
    : limits_(limits), font_map_(std::make_unique<FontMap>()) {}

DocumentPdfRenderer::~DocumentPdfRenderer() = default;

absl::StatusOr<std::string> DocumentPdfRenderer::Render(const PrintableDocument& document,
                                                        absl::Time deadline) {
  std::size_t bytes = document.title.size() + document.number.size() + document.body.size();
  bool valid =
      IsValidUtf8(document.title) && IsValidUtf8(document.number) && IsValidUtf8(document.body);
  for (const std::string& line : document.signature) {
    bytes += line.size();
    valid = valid && IsValidUtf8(line);
  }
  if (!valid) return absl::FailedPreconditionError("the document's text is not UTF-8");
  if (bytes > limits_.max_text_bytes) {
    return absl::FailedPreconditionError(absl::StrCat("the document is too long to print (", bytes,
                                                      " bytes of text, at most ",
                                                      limits_.max_text_bytes, ")"));
  }
  {
    absl::MutexLock lock(&mu_);
    if (busy_) {
      if (waiting_ >= limits_.max_waiting) {
        return absl::ResourceExhaustedError("too many documents are being printed; retry");
      }
      ++waiting_;
      const bool free = mu_.AwaitWithDeadline(absl::Condition(
                                                  +[](bool* busy) { return !*busy; }, &busy_),
                                              deadline);
      --waiting_;
      if (!free) return absl::DeadlineExceededError("the document printer stayed busy");
    }
    busy_ = true;
  }
  absl::StatusOr<std::string> pdf = RenderAlone(document);
  absl::MutexLock lock(&mu_);
  busy_ = false;
  return pdf;
}

absl::StatusOr<std::string> DocumentPdfRenderer::RenderAlone(const PrintableDocument& document) {
  std::string pdf;
  Surface surface(cairo_pdf_surface_create_for_stream(AppendTo, &pdf, kPageWidth, kPageHeight));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT,
                                 document.number.c_str());
  Cairo cr(cairo_create(surface.get()));
  Object context(pango_font_map_create_context(PANGO_FONT_MAP(font_map_->map.get())));
  PangoContext* pango = PANGO_CONTEXT(context.get());
  // Outlines at their true sizes: metrics unhinted, as on paper.
  FontOptions options(cairo_font_options_create());
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pango, options.get());
  pango_cairo_update_context(cr.get(), pango);

  Flow flow(pango);
  flow.Place(flow.Layout(document.title, kTitleFont, PANGO_ALIGN_CENTER, kTextWidth), kTitlePitch);
  if (!document.number.empty()) {
    flow.Place(flow.Layout(document.number, kBodyFont, PANGO_ALIGN_CENTER, kTextWidth), kBodyPitch);
  }
  flow.Skip(kBodyPitch);
  flow.Place(flow.Layout(document.body, kBodyFont, PANGO_ALIGN_LEFT, kTextWidth), kBodyPitch);
  if (!document.signature.empty()) {
    flow.Skip(kBodyPitch);
    const std::string closing = absl::StrJoin(document.signature, "\n");
    flow.Place(flow.Layout(closing, kBodyFont, PANGO_ALIGN_RIGHT, kTextWidth - kSignatureIndent),
               kBodyPitch, 0, /*keep_together=*/true);
  }
  if (flow.pages() > limits_.max_pages) {
    return absl::FailedPreconditionError(absl::StrCat("the document is too long to print (",
                                                      flow.pages(), " pages, at most ",
                                                      limits_.max_pages, ")"));
  }

  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  std::size_t next = 0;
  const std::vector<Placed>& placed = flow.placed();
  for (int page = 0; page < flow.pages(); ++page) {
    for (; next < placed.size() && placed[next].page == page; ++next) {
      cairo_move_to(cr.get(), placed[next].x, placed[next].baseline);
      pango_cairo_show_layout_line(cr.get(), placed[next].line);
    }
    // "— 1 —" under the type area.
    Flow footer(pango);
    PangoLayout* number = footer.Layout(absl::StrCat("— ", page + 1, " —"), kPageNumberFont,
                                        PANGO_ALIGN_CENTER, kTextWidth);
    cairo_move_to(cr.get(), kLeft, kTop + kTextHeight + 7 * kMm);
    pango_cairo_show_layout(cr.get(), number);
    cairo_show_page(cr.get());
  }
  cr.reset();
  cairo_surface_finish(surface.get());
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("the PDF was not written: ", cairo_status_to_string(status)));
  }
  surface.reset();
  return pdf;
}

}  // namespace petition::intake
