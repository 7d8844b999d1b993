// Internal: what the plugin `fiche-pdf` (pdf.cpp, qr.cpp: PoDoFo and libqrencode) gives
// libsne's renderers (render.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/internal_export.hpp"
#include "sne/error.hpp"
#include "sne/fiche.hpp"

namespace sne::fiche {

/// A FicheRenderer's document, made once and reused for each fiche it renders.
class PdfPages {
 public:
  virtual ~PdfPages() = default;
  /// The fiche as a one-page A4 PDF.
  virtual Result<std::string> render(const Fiche& fiche) = 0;
};

/// What the plugin provides.
struct PdfBackend {
  /// A renderer's document with `options`.
  Result<std::unique_ptr<PdfPages>> (*pages)(const FicheRenderOptions& options);
  /// `fiches` (at least one) as one PDF, a page each.
  Result<std::string> (*render_all)(const std::vector<Fiche>& fiches,
                                    const FicheRenderOptions& options);
};

/// Called by the plugin's static initialiser.
SNE_INTERNAL_EXPORT void provide_pdf_backend(const PdfBackend& backend) noexcept;

}  // namespace sne::fiche
