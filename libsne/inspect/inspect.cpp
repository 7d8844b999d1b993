// The preflight of a piece (sne/inspect.hpp): checks on the catalog and the size here, in the
// caller; parsing of the content in an isolated child (inspect/isolate.hpp).
#include "sne/inspect.hpp"
#include "sne/text.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/i18n.hpp"
#include "inspect/inspectors.hpp"
#include "inspect/isolate.hpp"

namespace sne::inspect {

namespace {

/// A size, and a number of bytes, in a finding's message: as format_size() and plain digits in
/// English (what the JSON keeps); in the translated form, the French way where French is in use
/// ("10,0 Mio", "10 485 761 octets", no-break spaces), as the French catalogue's words expect.
struct Size {
  std::uint64_t bytes;
};
struct Count {
  std::uint64_t n;
};

bool french_numbers() { return i18n::translating() && message_language() == "fr"; }

std::string grouped(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u00a0";
    out += digits[i];
  }
  return out;
}

std::string size_text(std::uint64_t bytes) {
  if (!french_numbers()) return format_size(bytes);
  constexpr std::uint64_t kKiB = 1024;
  constexpr std::uint64_t kMiB = kKiB * kKiB;
  if (bytes >= kMiB) {
    std::string value = fmt::format("{:.1f}", static_cast<double>(bytes) / kMiB);
    std::replace(value.begin(), value.end(), '.', ',');
    return value + "\u00a0Mio";
  }
  if (bytes >= kKiB) return fmt::format("{:.0f}\u00a0Kio", static_cast<double>(bytes) / kKiB);
  return grouped(bytes) + "\u00a0octets";
}

}  // namespace

}  // namespace sne::inspect

template <>
struct fmt::formatter<sne::inspect::Size> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const sne::inspect::Size& size, Context& ctx) const {
    const std::string text = sne::inspect::size_text(size.bytes);
    return fmt::formatter<std::string_view>::format(text, ctx);
  }
};

template <>
struct fmt::formatter<sne::inspect::Count> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const sne::inspect::Count& count, Context& ctx) const {
    const std::string text =
        sne::inspect::french_numbers() ? sne::inspect::grouped(count.n) : std::to_string(count.n);
    return fmt::formatter<std::string_view>::format(text, ctx);
  }
};

namespace sne {

namespace inspect {

namespace {

constexpr double kA4Long = 11.69, kA4Short = 8.27;  // inches
constexpr double kMaxSide = 17.0, kMinSide = 1.0;   // a plausible document, A3 at most

const std::string_view kPdfMagic = "%PDF-";

}  // namespace

void set_resolution(std::uint64_t width, std::uint64_t height, double dpi_x, double dpi_y,
                    Parsed& out) {
  if (width == 0 || height == 0) return;
  const auto w = static_cast<double>(width), h = static_cast<double>(height);
  if (dpi_x > 0 && dpi_y > 0) {
    const double side_x = w / dpi_x, side_y = h / dpi_y;
    if (std::max(side_x, side_y) <= kMaxSide && std::min(side_x, side_y) >= kMinSide) {
      out.dpi = std::round(std::min(dpi_x, dpi_y) * 10) / 10;  // pHYs: 11811 /m is 300 dpi
      out.dpi_source = "declared";
      return;
    }
  }
  out.dpi = std::round(std::min(std::max(w, h) / kA4Long, std::min(w, h) / kA4Short) * 10) / 10;
  out.dpi_source = "estimated";
}

std::string clean_message(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += c;
    if (out.size() >= 200) {
      out += "...";
      break;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "no detail" : out;
}

Parsed parse_content(Format format, std::string_view bytes, const Limits& limits) noexcept {
  Parsed out;
  try {
    switch (format) {
      case Format::pdf: parse_pdf(bytes, out); break;
      case Format::jpeg: parse_jpeg(bytes, limits, out); break;
      case Format::png: parse_png(bytes, limits, out); break;
    }
  } catch (const std::bad_alloc&) {
    out = Parsed();
    out.problem(problem::unreadable,
                i18n::format(N_("file rejected: unreadable (it needs too much memory)")));
  } catch (const std::exception& e) {
    out = Parsed();
    out.problem(problem::unreadable,
                i18n::format(N_("file rejected: unreadable ({})"), clean_message(e.what())));
  }
  return out;
}

namespace {

// A finding made in the child crosses as [code, message] and, when the child remembered a
// translation of the message, [code, message, translation]: the caller remembers it in turn,
// for localized(message) to give it there.
nlohmann::json findings_json(const std::vector<Finding>& findings) {
  auto list = nlohmann::json::array();
  for (const auto& f : findings) {
    std::string translated = localized(f.message);
    if (translated == f.message)
      list.push_back({f.code, f.message});
    else
      list.push_back({f.code, f.message, std::move(translated)});
  }
  return list;
}

std::vector<Finding> findings_of(const nlohmann::json& list) {
  std::vector<Finding> out;
  for (const auto& f : list) {
    out.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
    if (f.size() > 2) i18n::remember(out.back().message, f.at(2).get<std::string>());
  }
  return out;
}

}  // namespace

std::string encode(const Parsed& p) {
  nlohmann::json j = {{"pages", p.pages},
                      {"problems", findings_json(p.problems)},
                      {"warnings", findings_json(p.warnings)}};
  if (p.declared_pages) j["declared_pages"] = *p.declared_pages;
  if (p.dpi) {
    j["dpi"] = *p.dpi;
    j["dpi_source"] = p.dpi_source;
  }
  return j.dump();
}

std::optional<Parsed> decode(std::string_view text) {
  try {
    const auto j = nlohmann::json::parse(text);
    Parsed p;
    p.pages = j.at("pages").get<int>();
    if (j.contains("declared_pages")) p.declared_pages = j.at("declared_pages").get<int>();
    if (j.contains("dpi")) {
      p.dpi = j.at("dpi").get<double>();
      p.dpi_source = j.at("dpi_source").get<std::string>();
    }
    p.problems = findings_of(j.at("problems"));
    p.warnings = findings_of(j.at("warnings"));
    return p;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace inspect

bool InspectReport::has_problem(std::string_view code) const noexcept {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const Finding& f) { return f.code == code; });
}

bool InspectReport::has_warning(std::string_view code) const noexcept {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

Json to_json(const InspectReport& r) {
  auto findings = [](const std::vector<Finding>& list) {
    Json out = Json::array();
    for (const auto& f : list)
      out.push(Json::object().set("code", f.code).set("message", f.message));
    return out;
  };
  return Json::object()
      .set("file", r.file)
      .set("format", r.format ? Json(to_string(*r.format)) : Json())
      .set("bytes", r.bytes)
      .set("pages", r.pages)
      .set("declared_pages", r.declared_pages ? Json(*r.declared_pages) : Json())
      .set("dpi", r.dpi ? Json(*r.dpi) : Json())
      .set("dpi_source", r.dpi ? Json(r.dpi_source) : Json())
      .set("ok", r.ok())
      .set("problems", findings(r.problems))
      .set("warnings", findings(r.warnings));
}

std::optional<Format> detect_format(std::string_view head) noexcept {
  if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xFF &&
      static_cast<unsigned char>(head[1]) == 0xD8 && static_cast<unsigned char>(head[2]) == 0xFF)
    return Format::jpeg;
  if (head.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return Format::png;
  // Readers accept up to 1024 bytes of junk before the header.
  if (head.substr(0, 1024 + inspect::kPdfMagic.size()).find(inspect::kPdfMagic) !=
      std::string_view::npos)
    return Format::pdf;
  return std::nullopt;
}

namespace {

std::string formats_text(const std::vector<Format>& formats) {
  std::string out;
  for (auto f : formats) {
    if (!out.empty()) out += ", ";
    out += to_string(f);
  }
  return out;
}

/// Everything but the parsing of the content: the type, the size, the format.
/// Returns whether the content should be parsed.
bool check_envelope(std::string_view head, std::uint64_t size, const InspectOptions& options,
                    InspectReport& report) {
  const Catalog& catalog = options.catalog != nullptr ? *options.catalog : Catalog::builtin();
  const PieceType* type = nullptr;
  if (!options.type.empty()) {
    type = catalog.find_type(options.type);
    if (type == nullptr)
      report.problems.push_back(
          {std::string(problem::unknown_type),
           i18n::format(N_("piece type '{}' is not in the plan de classement {}"), options.type,
                        catalog.version())});
    else if (type->perimetre == Perimetre::hors_perimetre)
      report.warnings.push_back(
          {std::string(warning::hors_perimetre),
           i18n::format(N_("'{}' is hors périmètre réglementaire: the SNE may reject it"),
                        options.type)});
  }
  report.bytes = size;
  if (size == 0) {
    report.problems.push_back(
        {std::string(problem::empty_file), i18n::format(N_("the file is empty"))});
    return false;
  }
  const std::uint64_t max = options.max_bytes > 0 ? options.max_bytes
                            : type != nullptr     ? type->max_bytes
                                                  : catalog.default_max_bytes();
  bool parse = true;
  if (size > max) {
    report.problems.push_back(
        {std::string(problem::too_large),
         i18n::format(N_("{} ({} bytes): more than the {} allowed"), inspect::Size{size},
                      inspect::Count{size}, inspect::Size{max})});
    parse = false;  // not worth parsing, and possibly costly
  }
  report.format = detect_format(head);
  if (!report.format) {
    report.problems.push_back(
        {std::string(problem::unknown_format),
         i18n::format(N_("not a PDF, JPEG or PNG file (the format is read from the content, "
                         "not the name)"))});
    return false;
  }
  const auto& accepted = type != nullptr ? type->formats : catalog.default_formats();
  if (std::find(accepted.begin(), accepted.end(), *report.format) == accepted.end())
    report.problems.push_back(
        {std::string(problem::format_not_accepted),
         type != nullptr
             ? i18n::format(N_("{} is not accepted for '{}' (accepted: {})"),
                            to_string(*report.format), type->code, formats_text(accepted))
             : i18n::format(N_("{} is not accepted (accepted: {})"), to_string(*report.format),
                            formats_text(accepted))});
  return parse;
}

void merge(inspect::Parsed parsed, const InspectOptions& options, InspectReport& report) {
  report.pages = parsed.pages;
  report.declared_pages = parsed.declared_pages;
  report.dpi = parsed.dpi;
  report.dpi_source = parsed.dpi_source;
  for (auto& p : parsed.problems) report.problems.push_back(std::move(p));
  for (auto& w : parsed.warnings) report.warnings.push_back(std::move(w));
  if (report.dpi && *report.dpi < options.min_dpi && report.ok())
    report.warnings.push_back(
        {std::string(warning::low_resolution),
         i18n::format(N_("{:.0f} dpi ({}): under the {:.0f} dpi a readable scan needs"),
                      *report.dpi, report.dpi_source, options.min_dpi)});
}

std::string unreadable_message(const inspect::ChildOutcome& outcome) {
  using Kind = inspect::ChildOutcome::Kind;
  switch (outcome.kind) {
    case Kind::crashed:
      return i18n::format(N_("file rejected: unreadable (the parser crashed on it, signal {})"),
                          outcome.signal);
    case Kind::timed_out:
      return i18n::format(
          N_("file rejected: unreadable (parsing it took longer than the time limit)"));
    case Kind::out_of_memory:
      return i18n::format(
          N_("file rejected: unreadable (parsing it needs more memory than the limit)"));
    case Kind::finished:
    case Kind::failed: break;
  }
  return i18n::format(N_("file rejected: unreadable ({})"), i18n::Nested{outcome.detail});
}

/// The end of an isolated parse: the child's findings, or why it gave none.
void outcome_into(inspect::ChildOutcome outcome, const InspectOptions& options,
                  InspectReport& report) {
  std::optional<inspect::Parsed> parsed;
  if (outcome.kind == inspect::ChildOutcome::Kind::finished)
    parsed = inspect::decode(outcome.output);
  if (!parsed) {
    if (outcome.kind == inspect::ChildOutcome::Kind::finished)
      outcome.detail = i18n::format(N_("no result"));
    report.problems.push_back({std::string(problem::unreadable), unreadable_message(outcome)});
    return;
  }
  merge(std::move(*parsed), options, report);
}

/// Reads the file whole and parses it: what a child, or an inspection server, does.
inspect::Parsed read_and_parse(const std::string& path, Format format, std::uint64_t size,
                               const inspect::Limits& limits) {
  inspect::Parsed parsed;
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in || static_cast<std::uint64_t>(in.gcount()) != size || in.peek() != EOF)
    parsed.problems.push_back(
        {std::string(problem::file_unreadable), i18n::format(N_("it changed while being read"))});
  else
    parsed = inspect::parse_content(format, bytes, limits);
  return parsed;
}

/// Reads the file and parses it, in the child: the caller never holds the content.
inspect::ChildOutcome parse_file_isolated(const std::string& path, Format format,
                                          std::uint64_t size, const InspectOptions& options) {
  const inspect::Limits limits{options.max_pixels, options.memory_limit};
  return inspect::run_isolated(
      [&] { return inspect::encode(read_and_parse(path, format, size, limits)); },
      {options.time_limit, options.memory_limit});
}

void parse_into(std::string_view bytes, const InspectOptions& options, InspectReport& report) {
  const inspect::Limits limits{options.max_pixels, options.memory_limit};
  const Format format = *report.format;
  if (!options.isolate) {
    merge(inspect::parse_content(format, bytes, limits), options, report);
    return;
  }
  outcome_into(inspect::run_isolated(
                   [&] { return inspect::encode(inspect::parse_content(format, bytes, limits)); },
                   {options.time_limit, options.memory_limit}),
               options, report);
}

/// The request of an inspection server: what parse_file_isolated needs.
std::string server_request(const std::string& path, Format format, std::uint64_t size,
                           const InspectOptions& o) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", static_cast<int>(format), size, o.max_pixels,
                     o.memory_limit, o.time_limit.count(), path);
}

/// What an inspection server does with a request: read the file and parse it, in itself (its
/// limits and the caller's wall clock contain a hostile file), answering the findings.
std::string serve_request(std::string_view request) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const auto nl = request.find('\n', start);
    if (nl == std::string_view::npos) return "";
    f.emplace_back(request.substr(start, nl - start));
    start = nl + 1;
  }
  return inspect::encode(read_and_parse(std::string(request.substr(start)),
                                        static_cast<Format>(std::stoi(f[0])), std::stoull(f[1]),
                                        {std::stoull(f[2]), std::stoull(f[3])}));
}

}  // namespace

InspectReport inspect_bytes(std::string_view bytes, const std::string& name,
                            const InspectOptions& options) {
  InspectReport report;
  report.file = name;
  if (check_envelope(bytes.substr(0, 2048), bytes.size(), options, report)) {
    if (report.format == Format::pdf) (void)inspect::load_pdf_parser();  // before a fork
    parse_into(bytes, options, report);
  }
  return report;
}

InspectReport inspect_file(const std::string& path, const InspectOptions& options) {
  return inspect::inspect_file_served(path, options, nullptr);
}

std::unique_ptr<inspect::ForkServer> inspect::start_inspection_server(
    const InspectOptions& options) {
  // Loaded before the fork, for the server to parse PDFs; a failure is said per PDF.
  (void)load_pdf_parser();
  return ForkServer::start(serve_request, {options.time_limit, options.memory_limit});
}

InspectReport inspect::inspect_file_served(const std::string& path, const InspectOptions& options,
                                           ForkServer* server) {
  InspectReport report;
  report.file = path;
  auto unreadable = [&](const std::string& why) {
    report.problems.push_back({std::string(problem::file_unreadable), why});
    return report;
  };
  struct stat st {};
  if (stat(path.c_str(), &st) != 0)
    return unreadable(i18n::format(N_("cannot read it: {}"), std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) return unreadable(i18n::format(N_("a directory, not a file")));
  if (!S_ISREG(st.st_mode)) return unreadable(i18n::format(N_("not a regular file")));
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(i18n::format(N_("cannot open it: {}"), std::strerror(errno)));
  std::string head(2048, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (!check_envelope(head, size, options, report)) return report;
  if (report.format == Format::pdf) (void)inspect::load_pdf_parser();  // before a fork
  if (options.isolate) {
    // Read in the child: a caller inspecting many files at once never holds their contents.
    in.close();
    if (server != nullptr && server->alive()) {
      inspect::ChildOutcome outcome =
          server->call(server_request(path, *report.format, size, options), options.time_limit);
      if (outcome.kind != inspect::ChildOutcome::Kind::failed) {
        outcome_into(std::move(outcome), options, report);
        return report;
      }  // the server could not be reached: a child of this process does it
    }
    outcome_into(parse_file_isolated(path, *report.format, size, options), options, report);
    return report;
  }
  // Within the size limit (10 MiB by default): read whole, the parsers want memory anyway.
  std::string bytes(size, '\0');
  in.clear();  // reading the head may have hit the end
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size)
    return unreadable(i18n::format(N_("it changed while being read")));
  parse_into(bytes, options, report);
  return report;
}

}  // namespace sne
