// PDF preflight with libqpdf: opens the file as a reader would (repairing a damaged
// cross-reference table), refuses encryption, counts the pages by walking the page tree (a
// forged /Count is reported, never believed; a /Count that is no count is refused), decodes
// every page's content within a budget, and estimates the resolution of scanned pages from
// their images.
#include <qpdf/Constants.h>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "inspect/inspectors.hpp"

namespace sne::inspect {

namespace {

// The budget of decoded content. Only the pages' content streams are decoded here (drawing
// operators; a scan's image is an XObject, not decoded): a scanned page's content is a hundred
// bytes, and the densest born-digital pages measured (cadastral plans, vector-drawn forms)
// hold a few MiB. 16 MiB a page leaves them room several times over; the floor of 64 MiB
// leaves a short document of heavy pages alone; the ceiling of 512 MiB keeps the decoding of a
// file of thousands of pages (or a forged page tree) under a few seconds, well within the
// child's time limit. A 1 MB Flate bomb decodes to 1 GiB: it stops at 64 MiB and streams
// through a counter, never held in memory.
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kDecodePerPage = 16 * kMiB;
constexpr std::uint64_t kDecodeFloor = 64 * kMiB;
constexpr std::uint64_t kDecodeCeiling = 512 * kMiB;

/// The end of a decoding pipeline: counts the bytes and stops the decoding (by throwing, which
/// libqpdf turns into a failed pipeStreamData) once they pass the budget.
class BudgetSink : public Pipeline {
 public:
  explicit BudgetSink(std::uint64_t budget) : Pipeline("decode budget", nullptr), left_(budget) {}
  void write(unsigned char const* /*data*/, size_t len) override {
    if (len > left_) {
      exhausted_ = true;
      throw std::length_error("decoded content over budget");
    }
    left_ -= len;
  }
  void finish() override {}
  bool exhausted() const noexcept { return exhausted_; }

 private:
  std::uint64_t left_;
  bool exhausted_ = false;
};

std::uint64_t decode_budget(std::size_t pages) {
  return std::clamp<std::uint64_t>(pages * kDecodePerPage, kDecodeFloor, kDecodeCeiling);
}

/// Decodes the content streams of `pages`, each stream once, within decode_budget(). Returns
/// false, with a problem in `out`, when a stream does not decode. `repairs` counts libqpdf's
/// warnings about the file; those of a decoding stopped by the budget are not repairs.
bool decode_contents(QPDF& pdf, std::vector<QPDFPageObjectHelper>& pages, Parsed& out,
                     std::size_t& repairs) {
  const std::uint64_t budget = decode_budget(pages.size());
  BudgetSink sink(budget);
  std::set<QPDFObjGen> seen;
  for (auto& page : pages) {
    for (auto& stream : page.getObjectHandle().getPageContents()) {
      if (!seen.insert(stream.getObjGen()).second) continue;
      repairs += pdf.getWarnings().size();
      const bool decoded = stream.pipeStreamData(&sink, 0, qpdf_dl_specialized);
      auto warnings = pdf.getWarnings();
      if (sink.exhausted()) {  // the warning is about our own stop
        out.warning(warning::pdf_partly_read,
                    i18n::format(N_("its page content decodes to more than {} MiB ({} MiB a page, "
                                    "{} MiB at least): decoding stopped there, and the file was "
                                    "judged on what was read"),
                                 budget / kMiB, kDecodePerPage / kMiB, kDecodeFloor / kMiB));
        return true;
      }
      if (!decoded) {
        out.problem(problem::pdf_invalid,
                    warnings.empty()
                        ? i18n::format(N_("its page content does not decode: content stream {}"),
                                       clean_message(stream.getObjGen().unparse(' ')))
                        : i18n::format(N_("its page content does not decode: {}"),
                                       clean_message(warnings.back().getMessageDetail())));
        return false;
      }
      repairs += warnings.size();
    }
  }
  return true;
}

/// The page tree's /Count, when it is an integer. A /Count that is not a non-negative integer
/// is a structural error (poppler refuses to open such a file): a problem naming the value as
/// written.
std::optional<int> declared_count(QPDFObjectHandle pages, Parsed& out) {
  if (!pages.isDictionary() || !pages.hasKey("/Count")) return std::nullopt;
  auto count = pages.getKey("/Count");
  if (count.isInteger() && count.getIntValue() >= 0)
    return static_cast<int>(std::min<long long>(count.getIntValue(), 1'000'000'000));
  out.problem(problem::pdf_invalid,
              i18n::format(N_("its page tree declares /Count {}: not a number of pages"),
                           clean_message(count.unparse())));
  if (count.isInteger())
    return static_cast<int>(std::max<long long>(count.getIntValue(), -1'000'000'000));
  return std::nullopt;
}

struct ScanResolution {
  double dpi = 0;
  bool found = false;
};

/// The resolution of a page that is a scan: its largest image, when that image has the page's
/// shape (within 15 %), is taken to cover the page. Pages without such an image are born
/// digital and have no resolution.
ScanResolution page_resolution(QPDFPageObjectHelper& page) {
  auto box = page.getMediaBox();
  if (!box.isRectangle()) return {};
  const auto r = box.getArrayAsRectangle();
  const double pw = std::abs(r.urx - r.llx) / 72.0;
  const double ph = std::abs(r.ury - r.lly) / 72.0;
  if (pw < 0.1 || ph < 0.1) return {};
  double best_pixels = 0;
  ScanResolution out;
  for (auto& [name, image] : page.getImages()) {
    auto dict = image.getDict();
    if (!dict.getKey("/Width").isInteger() || !dict.getKey("/Height").isInteger()) continue;
    const double w = static_cast<double>(dict.getKey("/Width").getIntValue());
    const double h = static_cast<double>(dict.getKey("/Height").getIntValue());
    if (w < 1 || h < 1 || w * h <= best_pixels) continue;
    const double page_long = std::max(pw, ph), page_short = std::min(pw, ph);
    const double img_long = std::max(w, h), img_short = std::min(w, h);
    const double shape = (img_long / img_short) / (page_long / page_short);
    if (shape < 0.85 || shape > 1.15) continue;
    best_pixels = w * h;
    out.dpi = std::min(img_long / page_long, img_short / page_short);
    out.found = true;
  }
  return out;
}

void parse(std::string_view bytes, Parsed& out) {
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  try {
    pdf.processMemoryFile("piece", bytes.data(), bytes.size(), nullptr);
  } catch (const QPDFExc& e) {
    if (e.getErrorCode() == qpdf_e_password) {
      out.problem(problem::pdf_password,
                  i18n::format(N_("protected by a password: send it unprotected, the numériseur "
                                  "cannot open it")));
      return;
    }
    out.problem(problem::pdf_invalid,
                i18n::format(N_("not a readable PDF: {}"), clean_message(e.getMessageDetail())));
    return;
  } catch (const std::exception& e) {
    out.problem(problem::pdf_invalid,
                i18n::format(N_("not a readable PDF: {}"), clean_message(e.what())));
    return;
  }
  if (pdf.isEncrypted())
    out.problem(problem::pdf_encrypted,
                i18n::format(N_("encrypted (opens without a password, but with restrictions): "
                                "send it unencrypted, the numériseur refuses encrypted files")));
  std::size_t repairs = 0;
  try {
    out.declared_pages = declared_count(pdf.getRoot().getKey("/Pages"), out);
    auto all = QPDFPageDocumentHelper(pdf).getAllPages();
    out.pages = static_cast<int>(all.size());
    if (!decode_contents(pdf, all, out, repairs)) return;
    double lowest = 0;
    for (auto& page : all) {
      const auto res = page_resolution(page);
      if (res.found && (lowest == 0 || res.dpi < lowest)) lowest = res.dpi;
    }
    if (lowest > 0) {
      out.dpi = std::round(lowest * 10) / 10;
      out.dpi_source = "estimated";
    }
  } catch (const std::exception& e) {
    out.problem(problem::pdf_invalid,
                i18n::format(N_("its page tree is broken: {}"), clean_message(e.what())));
    return;
  }
  if (out.pages == 0) out.problem(problem::pdf_no_pages, i18n::format(N_("holds no page")));
  if (out.declared_pages && *out.declared_pages >= 0 && *out.declared_pages != out.pages)
    out.warning(warning::pdf_count_mismatch,
                i18n::format(N_("declares {} pages but holds {}: the page count was forged or "
                                "is damaged"),
                             *out.declared_pages, out.pages));
  repairs += pdf.getWarnings().size();
  if (repairs > 0) {
    const auto count = repairs;
    out.warning(warning::pdf_damaged,
                i18n::format_plural("damaged: opened after {} repair; check it renders fully",
                                    "damaged: opened after {} repairs; check it renders fully",
                                    count, count));
  }
}

// Handed to libsne when the plugin is loaded (or, linked into a program, before main).
constexpr PdfParser kParser{&parse};
[[maybe_unused]] const bool kProvided = (provide_pdf_parser(kParser), true);

}  // namespace

}  // namespace sne::inspect
