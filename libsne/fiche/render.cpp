// The fiche as PDF, libsne's side: FicheRenderer and the render functions of sne/fiche.hpp,
// over the plugin `fiche-pdf` (pdf.cpp), loaded at the first fiche rendered so that a program
// that renders none never maps PoDoFo.
#include <utility>

#include "base/i18n.hpp"
#include "base/plugin.hpp"
#include "fiche/pdf_backend.hpp"
#include "sne/fiche.hpp"

namespace sne {

namespace {

constinit plugin::Slot<fiche::PdfBackend> g_pdf{"fiche-pdf", N_("the PDF renderer (PoDoFo)")};

}  // namespace

void fiche::provide_pdf_backend(const PdfBackend& backend) noexcept { g_pdf.provide(backend); }

struct FicheRenderer::Impl {
  std::unique_ptr<fiche::PdfPages> pages;
};

FicheRenderer::FicheRenderer(FicheRenderOptions options) : options_(std::move(options)) {}
FicheRenderer::~FicheRenderer() = default;

Result<std::string> FicheRenderer::render(const Fiche& fiche) {
  if (!impl_) {
    auto backend = g_pdf.get();
    if (!backend) return backend.error();
    auto pages = (*backend)->pages(options_);
    if (!pages) return pages.error();
    impl_ = std::make_unique<Impl>(Impl{std::move(*pages)});
  }
  return impl_->pages->render(fiche);
}

Result<std::string> render_fiche_pdf(const Fiche& fiche, const FicheRenderOptions& options) {
  FicheRenderer renderer(options);
  return renderer.render(fiche);
}

Result<std::string> render_fiches_pdf(const std::vector<Fiche>& fiches,
                                      const FicheRenderOptions& options) {
  if (fiches.empty())
    return Error(ErrorCode::invalid_input, i18n::format(N_("no fiche to render")), "fiches");
  auto backend = g_pdf.get();
  if (!backend) return backend.error();
  return (*backend)->render_all(fiches, options);
}

}  // namespace sne
