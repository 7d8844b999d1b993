#include "sne/format.hpp"

#include <array>
#include <string>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/text.hpp"
#include "sne/text.hpp"

namespace sne {

namespace {

constexpr std::array<std::pair<Format, std::string_view>, 3> kFormats{
    {{Format::pdf, "pdf"}, {Format::jpeg, "jpeg"}, {Format::png, "png"}}};

}  // namespace

std::string_view to_string(Format f) noexcept {
  for (const auto& [v, name] : kFormats)
    if (v == f) return name;
  return {};
}

Result<Format> parse_format(std::string_view text) {
  const std::string lower = text::ascii_lower(text::trim(text));
  if (lower == "jpg") return Format::jpeg;
  std::string choices;
  for (const auto& [v, name] : kFormats) {
    if (name == lower) return v;
    choices += (choices.empty() ? "" : ", ") + std::string(name);
  }
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("unknown format '{}' (expected {})"), printable(text), choices),
               "format");
}

}  // namespace sne
