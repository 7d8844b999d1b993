// libsne's side of the plugin `inspect-pdf` (pdf.cpp): libqpdf and its libraries are loaded
// when a PDF is first inspected, not at every start of a program that links libsne.
#include "base/i18n.hpp"
#include "base/plugin.hpp"
#include "inspect/inspectors.hpp"

namespace sne::inspect {

namespace {

constinit plugin::Slot<PdfParser> g_pdf{"inspect-pdf", "the PDF reader (libqpdf)"};

}  // namespace

void provide_pdf_parser(const PdfParser& parser) noexcept { g_pdf.provide(parser); }

Status load_pdf_parser() {
  auto parser = g_pdf.get();
  if (!parser) return parser.error();
  return {};
}

void parse_pdf(std::string_view bytes, Parsed& out) {
  if (const PdfParser* parser = g_pdf.provided()) return parser->parse(bytes, out);
  out.problem(problem::unreadable,
              i18n::format(N_("file not judged: the PDF reader (libqpdf) could not be loaded: "
                              "reinstall libsne")));
}

}  // namespace sne::inspect
