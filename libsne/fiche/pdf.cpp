// The fiche de transmission as PDF, with PoDoFo 0.9.8: one A4 page per fiche, base-14 fonts
// (not embedded), a vector QR code, compressed content, reproducible bytes.
#include <mutex>
#include <string>

#include <fmt/format.h>
#include <podofo/podofo.h>

#include "fiche/qr.hpp"
#include "sne/fiche.hpp"

namespace sne {

namespace {

using namespace PoDoFo;

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kLeft = 20 * kMm;
constexpr double kRight = kPageWidth - 20 * kMm;
constexpr double kModule = 1.0 * kMm;  ///< size of one QR module: well above the 0.6 mm minimum
constexpr int kQuietZone = 4;          ///< modules of white around the code

// PoDoFo keeps process-wide state (encoding and font-metric caches) that it does not lock:
// rendering is serialized, which keeps render_* safe to call from several threads.
std::mutex g_podofo;

PdfString utf8(const std::string& s) { return PdfString(reinterpret_cast<const pdf_utf8*>(s.c_str())); }

/// For the Info dictionary: ASCII as a plain string (readable, smaller), anything else as UTF-16.
PdfString info_string(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return utf8(s);
  return PdfString(s);
}

std::string french(const Date& d) { return fmt::format("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()); }

struct Fonts {
  PdfFont* regular;
  PdfFont* bold;
};

/// PoDoFo writes a 256-entry /Widths array for every font; the PDF standard makes it optional
/// for the 14 standard fonts, whose metrics every reader has. Dropping it saves about 1 KB a
/// font: a fiche stays under 4 KB.
void drop_widths(PdfMemDocument& doc, PdfFont* font) {
  PdfDictionary& dict = font->GetObject()->GetDictionary();
  if (const PdfObject* widths = dict.GetKey("Widths"); widths != nullptr && widths->IsReference())
    delete doc.GetObjects().RemoveObject(widths->GetReference(), false);
  dict.RemoveKey("Widths");
  dict.RemoveKey("FirstChar");
  dict.RemoveKey("LastChar");
}

Fonts make_fonts(PdfMemDocument& doc) {
  const PdfEncoding* win = PdfEncodingFactory::GlobalWinAnsiEncodingInstance();
  auto base14 = [&](const char* name) {
    PdfFont* f = doc.CreateFont(name, false, false, false, win,
                                PdfFontCache::eFontCreationFlags_AutoSelectBase14, false);
    if (f == nullptr) PODOFO_RAISE_ERROR(ePdfError_InvalidHandle);
    drop_widths(doc, f);
    return f;
  };
  return {base14("Helvetica"), base14("Helvetica-Bold")};
}

class Page {
 public:
  Page(PdfMemDocument& doc, const Fonts& fonts) : fonts_(fonts) {
    page_ = doc.CreatePage(PdfPage::CreateStandardPageSize(ePdfPageSize_A4));
    painter_.SetPage(page_);
  }
  ~Page() {
    try {
      if (painter_.GetPage() != nullptr) painter_.FinishPage();
    } catch (...) {  // a destructor must not throw; finish() reports errors on the normal path
    }
  }

  void text(PdfFont* font, double size, double x_mm, double y_mm, const std::string& s) {
    font->SetFontSize(static_cast<float>(size));
    painter_.SetFont(font);
    painter_.DrawText(x_mm * kMm, y_mm * kMm, utf8(s));
  }
  void text_right(PdfFont* font, double size, double y_mm, const std::string& s) {
    font->SetFontSize(static_cast<float>(size));
    painter_.SetFont(font);
    const PdfString t = utf8(s);
    painter_.DrawText(kRight - font->GetFontMetrics()->StringWidth(t), y_mm * kMm, t);
  }
  void rule(double y_mm) {
    painter_.SetStrokeWidth(0.6);
    painter_.SetStrokingColor(0, 0, 0);
    painter_.DrawLine(kLeft, y_mm * kMm, kRight, y_mm * kMm);
  }
  /// The QR code with its quiet zone, its bottom-left corner at (x_mm, y_mm). Horizontal runs of
  /// dark modules are merged into one rectangle each, and all are filled at once.
  void qr(const qr::Matrix& m, double x_mm, double y_mm) {
    const double x0 = x_mm * kMm + kQuietZone * kModule, y0 = y_mm * kMm + kQuietZone * kModule;
    painter_.Save();
    painter_.SetColor(0, 0, 0);
    for (int row = 0; row < m.width; ++row) {
      const double y = y0 + (m.width - 1 - row) * kModule;
      for (int col = 0; col < m.width;) {
        if (!m.at(row, col)) {
          ++col;
          continue;
        }
        const int start = col;
        while (col < m.width && m.at(row, col)) ++col;
        painter_.Rectangle(x0 + start * kModule, y, (col - start) * kModule, kModule);
      }
    }
    painter_.Fill();
    painter_.Restore();
  }
  void finish() { painter_.FinishPage(); }
  const Fonts& fonts() const { return fonts_; }

 private:
  const Fonts& fonts_;
  PdfPage* page_;
  PdfPainter painter_;
};

/// Draws one fiche on a new page of `doc`.
Status draw_fiche(PdfMemDocument& doc, const Fonts& f, const Fiche& fiche) {
  auto matrix = qr::encode(fiche_payload(fiche));
  if (!matrix) return matrix.error();
  Page page(doc, f);
  // The header of the ministry's documents.
  page.text(f.bold, 12, 20, 277, "RÉPUBLIQUE FRANÇAISE");
  page.text(f.regular, 9, 20, 272, "Liberté Égalité Fraternité");
  page.text(f.bold, 10, 20, 264, "MINISTÈRE EN CHARGE DU LOGEMENT");
  page.text_right(f.regular, 9, 264, "www.demande-logement-social.gouv.fr");
  page.rule(259);

  page.text(f.bold, 20, 20, 240, "Fiche de Transmission obligatoire");
  page.text(f.regular, 10, 20, 230,
            "Cette fiche doit accompagner toute création, mise à jour et tout ajout de pièces");
  page.text(f.regular, 10, 20, 225,
            "justificatives envoyés par courrier au prestataire de numérisation.");

  struct Line {
    const char* label;
    std::string value;
  };
  const ContexteInfo& contexte = info(fiche.contexte);
  const Line lines[] = {
      {"Date de génération :", french(fiche.date_generation)},
      {"Date de dépôt :", fiche.date_depot ? french(*fiche.date_depot) : "____/____/________"},
      {"Code Guichet :", fiche.guichet},
      {"SIRET Guichet :", fiche.siret},
      {"Code territoire :", fiche.territoire},
      {"N° unique :", fiche.numero},
      {"Contexte :", fmt::format("{} - {}", contexte.code, contexte.label)},
  };
  double y = 205;
  for (const auto& line : lines) {
    page.text(f.bold, 12, 20, y, line.label);
    page.text(f.regular, 12, 65, y, line.value);
    y -= 9;
  }

  // The QR code, bottom right of the fields; (width + 2 quiet zones) modules of 1 mm.
  const double side = (matrix->width + 2 * kQuietZone) * (kModule / kMm);
  page.qr(*matrix, 190 - side, 128 - side);
  page.text(f.regular, 8, 20, 128 - side + 4, "Le code QR reprend ces informations pour le "
                                              "prestataire de numérisation.");
  page.rule(20);
  page.text(f.regular, 8, 20, 14, "Pour les envois papier uniquement : ne pas joindre aux envois "
                                  "numériques.");
  page.finish();
  return {};
}

Result<std::string> render(const std::vector<Fiche>& fiches, const FicheRenderOptions& options) {
  if (fiches.empty()) return Error(ErrorCode::invalid_input, "no fiche to render", "fiches");
  std::lock_guard<std::mutex> lock(g_podofo);
  try {
    PdfMemDocument doc;
    const Fonts fonts = make_fonts(doc);
    for (const auto& fiche : fiches)
      if (auto st = draw_fiche(doc, fonts, fiche); !st) return st.error();

    PdfInfo* info = doc.GetInfo();
    info->SetTitle(info_string(fiches.size() == 1
                            ? "Fiche de transmission " + fiches.front().numero
                            : fmt::format("Fiches de transmission ({} demandes)", fiches.size())));
    info->SetCreator(info_string(options.creator));
    info->SetProducer(info_string(options.creator));
    // PoDoFo stamps the current time, and derives the trailer /ID from the Info dictionary: a
    // date from the fiche makes the file reproducible.
    const Date& d = fiches.front().date_generation;
    info->GetObject()->GetDictionary().AddKey(
        "CreationDate", PdfString(fmt::format("D:{:04}{:02}{:02}000000Z", d.year(), d.month(), d.day())));

    PdfRefCountedBuffer buffer;
    PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PdfError& e) {
    return Error(ErrorCode::internal,
                 fmt::format("PDF rendering failed: {}", PdfError::ErrorMessage(e.GetError())));
  } catch (const std::exception& e) {
    return Error(ErrorCode::internal, fmt::format("PDF rendering failed: {}", e.what()));
  }
}

}  // namespace

Result<std::string> render_fiche_pdf(const Fiche& fiche, const FicheRenderOptions& options) {
  return render({fiche}, options);
}

Result<std::string> render_fiches_pdf(const std::vector<Fiche>& fiches,
                                      const FicheRenderOptions& options) {
  return render(fiches, options);
}

}  // namespace sne
