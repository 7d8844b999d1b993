// The fiche de transmission as PDF: PoDoFo 0.9.8 makes the document (pages, base-14 fonts,
// resources, Flate compression, cross-reference table, trailer); the page's content stream is
// written here directly, because PoDoFo's painter formats every number through an ostream and
// was two thirds of the time of a batch. One A4 page per fiche, reproducible bytes.
//
// This file and qr.cpp are the plugin `fiche-pdf` (base/plugin.hpp): PoDoFo and libqrencode
// are loaded when a program first renders a fiche (render.cpp, in libsne, calls them through
// fiche/pdf_backend.hpp).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <podofo/podofo.h>
#include <zlib.h>

#include "base/i18n.hpp"
#include "base/text.hpp"
#include "fiche/pdf_backend.hpp"
#include "fiche/qr.hpp"
#include "sne/fiche.hpp"

namespace sne {

namespace {

using namespace PoDoFo;

constexpr double kMm = 72.0 / 25.4;
constexpr double kRight = 190 * kMm;
constexpr double kModule = 1.0 * kMm;  ///< size of one QR module: well above the 0.6 mm minimum
constexpr int kQuietZone = 4;          ///< modules of white around the code

// PoDoFo 0.9.8 keeps process-wide state that it does not lock: the global encodings and the
// cached locale, set up lazily by the first font made; localtime()'s shared buffer, which a new
// document's Info dictionary uses; the font machinery. Making, filling and destroying a
// document is therefore serialized. Writing one that exists (its content stream replaced, its
// Info entries set, the document written out with its /ID) touches only that document and
// tables that are read-only once the library is loaded, as a reading of 0.9.8's code found
// (PdfMemDocument::Write, PdfWriter::CreateFileIdentifier's MD5 on the stack, PdfString and
// PdfName writing, PdfOutputDevice's vsnprintf), and helgrind saw no race with 8 threads: a
// FicheRenderer's render() runs without the lock, so that renderers on several threads overlap
// (each renderer, as PoDoFo asks, is used by one thread at a time).
std::mutex g_podofo;

PdfString utf8(const std::string& s) {
  return PdfString(reinterpret_cast<const pdf_utf8*>(s.c_str()));
}

/// For the Info dictionary: ASCII as a plain string (readable, smaller), anything else as UTF-16.
PdfString info_string(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return utf8(s);
  return PdfString(s);
}

/// The code points of WinAnsi's bytes 0x80-0x9F (0 where the byte is unused).
constexpr unsigned kWinAnsi80[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/// The WinAnsi byte of a code point; '?' when WinAnsi has none. French thin and narrow
/// no-break spaces become the no-break space.
unsigned char winansi_byte(unsigned cp) {
  if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<unsigned char>(cp);
  if (cp == 0x202F || cp == 0x2009 || cp == 0x2007) return 0xA0;
  for (unsigned i = 0; i < 32; ++i)
    if (kWinAnsi80[i] == cp && cp != 0) return static_cast<unsigned char>(0x80 + i);
  return '?';
}

/// UTF-8 to the WinAnsi bytes of a base-14 font, as a PDF literal string body (parentheses and
/// backslashes escaped). Characters WinAnsi lacks, and bytes that are not UTF-8, become '?'.
std::string winansi_literal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = text::utf8_sequence(s, i);
    unsigned cp = '?';
    if (len == 0) {
      i += 1;
    } else {
      const auto b0 = static_cast<unsigned char>(s[i]);
      cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
      for (std::size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
      i += len;
    }
    const unsigned char b = winansi_byte(cp);
    if (b == '(' || b == ')' || b == '\\') out += '\\';
    out += static_cast<char>(b);
  }
  return out;
}

std::string french(const Date& d) {
  return fmt::format("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
}

struct Font {
  PdfFont* pdf;
  std::string name;  ///< resource name in the page's /Font dictionary
};

/// Appends `v` rounded to 1/100 in the shortest form: "56.69", "12.5", "842", "-3.1". A content
/// stream holds a thousand numbers: this is several times faster than general float formatting.
void append_number(std::string& out, double v) {
  long hundredths = std::lround(v * 100);
  if (hundredths < 0) {
    out += '-';
    hundredths = -hundredths;
  }
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, hundredths / 100);
  out.append(digits, end);
  const long frac = hundredths % 100;
  if (frac == 0) return;
  out += '.';
  out += static_cast<char>('0' + frac / 10);
  if (frac % 10 != 0) out += static_cast<char>('0' + frac % 10);
}

/// A page's content stream.
class Content {
 public:
  void text(const Font& f, double size, double x_mm, double y_mm, std::string_view s) {
    text_at(f, size, x_mm * kMm, y_mm * kMm, s);
  }
  void text_at(const Font& f, double size, double x, double y, std::string_view s) {
    out_ += "BT /";
    out_ += f.name;
    out_ += ' ';
    append_number(out_, size);
    out_ += " Tf ";
    append_number(out_, x);
    out_ += ' ';
    append_number(out_, y);
    out_ += " Td (";
    out_ += winansi_literal(s);
    out_ += ") Tj ET\n";
  }
  void rule(double y_mm) {
    fmt::format_to(std::back_inserter(out_), "0.6 w {:.2f} {:.2f} m {:.2f} {:.2f} l S\n", 20 * kMm,
                   y_mm * kMm, kRight, y_mm * kMm);
  }
  /// The QR code with its quiet zone, bottom-left corner at (x_mm, y_mm). Drawn in module units
  /// under a scaling matrix, so every coordinate is an exact integer and rows meet without
  /// hairline gaps; horizontal runs of dark modules are one rectangle each, all filled at once.
  void qr(const qr::Matrix& m, double x_mm, double y_mm) {
    out_ += "q ";
    append_number(out_, kModule);
    out_ += " 0 0 ";
    append_number(out_, kModule);
    out_ += ' ';
    append_number(out_, x_mm * kMm + kQuietZone * kModule);
    out_ += ' ';
    append_number(out_, y_mm * kMm + kQuietZone * kModule);
    out_ += " cm\n";
    for (int row = 0; row < m.width; ++row) {
      const int y = m.width - 1 - row;
      for (int col = 0; col < m.width;) {
        if (!m.at(row, col)) {
          ++col;
          continue;
        }
        const int start = col;
        while (col < m.width && m.at(row, col)) ++col;
        append_number(out_, start);
        out_ += ' ';
        append_number(out_, y);
        out_ += ' ';
        append_number(out_, col - start);
        out_ += " 1 re\n";
      }
    }
    out_ += "f Q\n";
  }
  const std::string& str() const { return out_; }
  void append(const std::string& s) { out_ += s; }

 private:
  std::string out_;
};

/// Deflate with one zlib state for many streams: creating a state allocates and clears about
/// 256 KB, which cost more than compressing a fiche's few kilobytes.
class Deflater {
 public:
  Deflater() {
    if (deflateInit(&z_, Z_DEFAULT_COMPRESSION) != Z_OK) throw std::bad_alloc();
  }
  ~Deflater() { deflateEnd(&z_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  const std::string& compress(const std::string& in) {
    deflateReset(&z_);
    out_.resize(deflateBound(&z_, static_cast<uLong>(in.size())));
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    z_.next_out = reinterpret_cast<Bytef*>(out_.data());
    z_.avail_out = static_cast<uInt>(out_.size());
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out_.resize(z_.total_out);
    return out_;
  }

 private:
  z_stream z_{};
  std::string out_;
};

/// A PoDoFo document of fiches: its fonts are made once; each page gets its content stream,
/// and Write() gives the bytes. A FicheRenderer keeps one with a single page for its whole life
/// and only replaces that page's content and the Info entries for each fiche.
struct FicheDocument {
  FicheRenderOptions options;
  PdfMemDocument doc;
  Font regular{};
  Font bold{};
  std::string fixed;  ///< the content common to every fiche
  Deflater deflater;

  explicit FicheDocument(FicheRenderOptions o) : options(std::move(o)) {
    const PdfEncoding* win = PdfEncodingFactory::GlobalWinAnsiEncodingInstance();
    auto base14 = [&](const char* name) {
      PdfFont* f = doc.CreateFont(name, false, false, false, win,
                                  PdfFontCache::eFontCreationFlags_AutoSelectBase14, false);
      if (f == nullptr) PODOFO_RAISE_ERROR(ePdfError_InvalidHandle);
      // PoDoFo writes a 256-entry /Widths array for every font; the standard makes it optional
      // for the 14 standard fonts, whose metrics every reader has: about 1 KB saved a font.
      PdfDictionary& dict = f->GetObject()->GetDictionary();
      if (const PdfObject* w = dict.GetKey("Widths"); w != nullptr && w->IsReference())
        delete doc.GetObjects().RemoveObject(w->GetReference(), false);
      dict.RemoveKey("Widths");
      dict.RemoveKey("FirstChar");
      dict.RemoveKey("LastChar");
      return Font{f, f->GetIdentifier().GetName()};
    };
    regular = base14("Helvetica");
    bold = base14("Helvetica-Bold");
    fixed = fixed_content();
  }

  /// The header, title, reminder, labels and footer: the same on every fiche.
  std::string fixed_content() {
    Content c;
    c.text(bold, 12, 20, 277, "RÉPUBLIQUE FRANÇAISE");
    c.text(regular, 9, 20, 272, "Liberté Égalité Fraternité");
    c.text(bold, 10, 20, 264, "MINISTÈRE EN CHARGE DU LOGEMENT");
    const std::string site = "www.demande-logement-social.gouv.fr";
    regular.pdf->SetFontSize(9);
    c.text_at(regular, 9, kRight - regular.pdf->GetFontMetrics()->StringWidth(utf8(site)),
              264 * kMm, site);
    c.rule(259);
    c.text(bold, 20, 20, 240, "Fiche de Transmission obligatoire");
    c.text(regular, 10, 20, 230,
           "Cette fiche doit accompagner toute création, mise à jour et tout ajout de pièces");
    c.text(regular, 10, 20, 225,
           "justificatives envoyés par courrier au prestataire de numérisation.");
    const char* labels[] = {
        "Date de génération :", "Date de dépôt :", "Code Guichet :", "SIRET Guichet :",
        "Code territoire :",    "N° unique :",     "Contexte :"};
    double y = 205;
    for (const char* label : labels) {
      c.text(bold, 12, 20, y, label);
      y -= 9;
    }
    c.rule(20);
    c.text(regular, 8, 20, 14,
           "Pour les envois papier uniquement : ne pas joindre aux envois numériques.");
    return c.str();
  }

  /// The content stream of one fiche.
  Result<std::string> content(const Fiche& fiche) {
    auto matrix = qr::encode(fiche_payload(fiche));
    if (!matrix) return matrix.error();
    Content c;
    c.append(fixed);
    const ContexteInfo& contexte = info(fiche.contexte);
    const std::string values[] = {
        french(fiche.date_generation),
        fiche.date_depot ? french(*fiche.date_depot) : "____/____/________",
        fiche.guichet,
        fiche.siret,
        fiche.territoire,
        fiche.numero_unique,
        fmt::format("{} - {}", contexte.code, contexte.label),
    };
    double y = 205;
    for (const auto& value : values) {
      c.text(regular, 12, 65, y, value);
      y -= 9;
    }
    // The QR code bottom right of the fields: (width + 2 quiet zones) modules of 1 mm.
    const double side = (matrix->width + 2 * kQuietZone) * (kModule / kMm);
    c.qr(*matrix, 190 - side, 128 - side);
    c.text(regular, 8, 20, 128 - side + 4,
           "Le code QR reprend ces informations pour le prestataire de numérisation.");
    return c.str();
  }

  /// Adds `count` A4 pages at once and returns the first new index. PoDoFo walks its whole page
  /// tree for each CreatePage, which made a merge of N fiches cost N² (45 s for 10,000).
  int add_pages(int count) {
    const int first = doc.GetPageCount();
    doc.CreatePages(std::vector<PdfRect>(static_cast<std::size_t>(count),
                                         PdfPage::CreateStandardPageSize(ePdfPageSize_A4)));
    for (int i = first; i < first + count; ++i) add_fonts(doc.GetPage(i));
    return first;
  }

  void add_fonts(PdfPage* page) {
    PdfDictionary fonts;
    fonts.AddKey(PdfName(regular.name), regular.pdf->GetObject()->Reference());
    fonts.AddKey(PdfName(bold.name), bold.pdf->GetObject()->Reference());
    PdfDictionary& resources = page->GetResources()->GetDictionary();
    resources.AddKey("Font", fonts);
  }

  /// The page's content stream, compressed here and handed to PoDoFo as raw Flate data.
  void set_content(PdfPage* page, const std::string& content) {
    set_packed_content(page, deflater.compress(content));
  }

  /// The page's content stream, already compressed (Flate).
  void set_packed_content(PdfPage* page, const std::string& packed) {
    PdfObject* contents = page->GetContentsForAppending();
    PdfMemoryInputStream in(packed.data(), static_cast<pdf_long>(packed.size()));
    contents->GetStream()->SetRawData(&in, static_cast<pdf_long>(packed.size()));
    contents->GetDictionary().AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
  }

  /// `subject` goes into the Info dictionary, from which PoDoFo derives the trailer /ID: it must
  /// differ between documents of different fiches.
  std::string write(const std::string& title, const std::string& subject, const Date& created) {
    PdfInfo* info = doc.GetInfo();
    info->SetTitle(info_string(title));
    info->SetSubject(info_string(subject));
    info->SetCreator(info_string(options.creator));
    info->SetProducer(info_string(options.creator));
    // PoDoFo stamps the current time here, and derives the trailer /ID from the Info
    // dictionary: a date from the fiche makes the file reproducible.
    info->GetObject()->GetDictionary().AddKey(
        "CreationDate", PdfString(fmt::format("D:{:04}{:02}{:02}000000Z", created.year(),
                                              created.month(), created.day())));
    PdfRefCountedBuffer buffer;
    PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  }
};

/// `f`, its exceptions made errors.
template <class F>
auto caught(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const PdfError& e) {
    return Error(ErrorCode::internal, i18n::format(N_("PDF rendering failed: {}"),
                                                   PdfError::ErrorMessage(e.GetError())));
  } catch (const std::exception& e) {
    return Error(ErrorCode::internal, i18n::format(N_("PDF rendering failed: {}"), e.what()));
  }
}

/// `f` holding PoDoFo's lock, its exceptions made errors.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  std::lock_guard<std::mutex> lock(g_podofo);
  return caught(std::forward<F>(f));
}

std::string single_title(const Fiche& f) { return "Fiche de transmission " + f.numero_unique; }

/// A FicheRenderer's document: one page, whose content and Info entries each fiche replaces.
class PodofoPages final : public fiche::PdfPages {
 public:
  /// Under the lock (make_pages): the document and its fonts are made.
  explicit PodofoPages(const FicheRenderOptions& options)
      : doc_(std::make_unique<FicheDocument>(options)),
        page_(doc_->doc.GetPage(doc_->add_pages(1))) {}

  PodofoPages(const PodofoPages&) = delete;
  PodofoPages& operator=(const PodofoPages&) = delete;

  /// The document is destroyed under the lock, as it was made.
  ~PodofoPages() override {
    std::lock_guard<std::mutex> lock(g_podofo);
    doc_.reset();
  }

  /// This renderer's own document only: no lock (see g_podofo).
  Result<std::string> render(const Fiche& fiche) override {
    return caught([&]() -> Result<std::string> {
      auto content = doc_->content(fiche);
      if (!content) return content.error();
      doc_->set_packed_content(page_, doc_->deflater.compress(*content));
      return doc_->write(single_title(fiche), fiche_payload(fiche), fiche.date_generation);
    });
  }

 private:
  std::unique_ptr<FicheDocument> doc_;
  PdfPage* page_;
};

Result<std::unique_ptr<fiche::PdfPages>> make_pages(const FicheRenderOptions& options) {
  std::unique_ptr<fiche::PdfPages> made;
  auto ok = guarded([&]() -> Status {
    made = std::make_unique<PodofoPages>(options);  // PoDoFo work: under the lock
    return {};
  });
  if (!ok) return ok.error();
  return made;
}

Result<std::string> render_all(const std::vector<Fiche>& fiches,
                               const FicheRenderOptions& options) {
  return guarded([&]() -> Result<std::string> {
    FicheDocument doc(options);
    const int first = doc.add_pages(static_cast<int>(fiches.size()));
    for (std::size_t i = 0; i < fiches.size(); ++i) {
      auto content = doc.content(fiches[i]);
      if (!content) return content.error();
      doc.set_content(doc.doc.GetPage(first + static_cast<int>(i)), *content);
    }
    std::string subject;
    if (fiches.size() == 1) {
      subject = fiche_payload(fiches.front());
    } else {
      std::uint64_t h = 14695981039346656037ull;  // FNV-1a of every payload, in order
      for (const auto& f : fiches)
        for (char c : fiche_payload(f) + "\n")
          h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      subject = fmt::format("{} fiches SNEFT1 {:016x}", fiches.size(), h);
    }
    return doc.write(fiches.size() == 1
                         ? single_title(fiches.front())
                         : fmt::format("Fiches de transmission ({} demandes)", fiches.size()),
                     subject, fiches.front().date_generation);
  });
}

// Handed to libsne when the plugin is loaded (or, linked into a program, before main).
constexpr fiche::PdfBackend kBackend{&make_pages, &render_all};
[[maybe_unused]] const bool kProvided = (fiche::provide_pdf_backend(kBackend), true);

}  // namespace

}  // namespace sne
