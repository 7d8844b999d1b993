// Fuzz target: the preflight's parsers (libqpdf, libjpeg, libpng and the code around them) in
// process, without the isolation that protects users, so that anything they do wrong shows.
// The first byte picks a header to put in front of the rest, to reach each parser quickly.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

#include "sne/inspect.hpp"

using sne::fuzz::require;

namespace {

bool known(std::string_view code) {
  namespace p = sne::problem;
  namespace w = sne::warning;
  for (auto c :
       {p::file_unreadable,     p::empty_file,      p::unknown_type,   p::unknown_format,
        p::format_not_accepted, p::too_large,       p::pdf_invalid,    p::pdf_password,
        p::pdf_encrypted,       p::pdf_no_pages,    p::image_invalid,  p::image_truncated,
        p::image_too_large,     p::unreadable,      w::low_resolution, w::pdf_count_mismatch,
        w::pdf_damaged,         w::pdf_partly_read, w::image_damaged,  w::hors_perimetre})
    if (c == code) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::string_view prefixes[] = {"", "%PDF-1.7\n", "\xFF\xD8\xFF",
                                              std::string_view("\x89PNG\r\n\x1a\n", 8)};
  std::string bytes(prefixes[data[0] % 4]);
  bytes.append(reinterpret_cast<const char*>(data) + 1, size - 1);

  sne::InspectOptions options;
  options.isolate = false;
  options.max_pixels = 4'000'000;  // keeps each run fast; the rule is the same
  const auto report = sne::inspect_bytes(bytes, "fuzz", options);

  require(report.bytes == bytes.size());
  for (const auto& f : report.problems) require(known(f.code) && !f.message.empty());
  for (const auto& f : report.warnings) require(known(f.code) && !f.message.empty());
  if (report.ok()) {
    require(report.format.has_value());
    require(report.pages >= 1);
    require(!report.dpi || (*report.dpi > 0 && report.dpi_source.size() > 0));
  }
  if (report.format != sne::detect_format(bytes)) require(false);
  return 0;
}
