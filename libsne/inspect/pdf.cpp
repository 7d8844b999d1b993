// PDF preflight with libqpdf: opens the file as a reader would (repairing a damaged
// cross-reference table), refuses encryption, counts the pages by walking the page tree (a
// forged /Count is reported, never believed), decodes every page's content, and estimates the
// resolution of scanned pages from their images.
#include <qpdf/Constants.h>
#include <qpdf/Pl_Discard.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "inspect/inspectors.hpp"

namespace sne::inspect {

namespace {

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

}  // namespace

void parse_pdf(std::string_view bytes, Parsed& out) {
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  try {
    pdf.processMemoryFile("piece", bytes.data(), bytes.size(), nullptr);
  } catch (const QPDFExc& e) {
    if (e.getErrorCode() == qpdf_e_password) {
      out.problem(problem::pdf_password,
                  "protected by a password: send it unprotected, the numériseur cannot open it");
      return;
    }
    out.problem(problem::pdf_invalid, "not a readable PDF: " + clean_message(e.getMessageDetail()));
    return;
  } catch (const std::exception& e) {
    out.problem(problem::pdf_invalid, "not a readable PDF: " + clean_message(e.what()));
    return;
  }
  if (pdf.isEncrypted())
    out.problem(problem::pdf_encrypted,
                "encrypted (opens without a password, but with restrictions): send it "
                "unencrypted, the numériseur refuses encrypted files");
  try {
    auto pages = pdf.getRoot().getKey("/Pages");
    if (pages.isDictionary() && pages.getKey("/Count").isInteger())
      out.declared_pages = static_cast<int>(
          std::clamp<long long>(pages.getKey("/Count").getIntValue(), -1, 1'000'000'000));
    auto all = QPDFPageDocumentHelper(pdf).getAllPages();
    out.pages = static_cast<int>(all.size());
    double lowest = 0;
    for (auto& page : all) {
      Pl_Discard discard;
      page.pipeContents(&discard);
      const auto res = page_resolution(page);
      if (res.found && (lowest == 0 || res.dpi < lowest)) lowest = res.dpi;
    }
    if (lowest > 0) {
      out.dpi = std::round(lowest * 10) / 10;
      out.dpi_source = "estimated";
    }
  } catch (const std::exception& e) {
    out.problem(problem::pdf_invalid, "its page tree is broken: " + clean_message(e.what()));
    return;
  }
  if (out.pages == 0) out.problem(problem::pdf_no_pages, "holds no page");
  if (out.declared_pages && *out.declared_pages != out.pages)
    out.warning(warning::pdf_count_mismatch,
                fmt::format("declares {} pages but holds {}: the page count was forged or is "
                            "damaged",
                            *out.declared_pages, out.pages));
  if (pdf.anyWarnings()) {
    const auto count = pdf.getWarnings().size();
    out.warning(warning::pdf_damaged,
                fmt::format("damaged: opened after {} repair{}; check it renders fully", count,
                            count == 1 ? "" : "s"));
  }
}

}  // namespace sne::inspect
