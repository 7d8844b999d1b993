// Fuzz target: multipart/form-data bodies as the sandbox server reads them from clients it
// does not control (GLPI's Document uploads). The input's first line is the Content-Type, the
// rest the body. No input may crash or hang the parser; every refusal is an invalid_input;
// every part accepted is a slice of the body, within the limits, and framing the parts again
// with the same boundary gives back the same parts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

#include "http/message.hpp"

using sne::fuzz::require;
using namespace sne;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const auto parts = http::parse_multipart(type, body);
  if (!parts) {
    require(parts.error().code() == ErrorCode::invalid_input);
    return 0;
  }
  require(parts->size() <= http::kMaxFormParts);
  const auto boundary = http::header_parameter(type, "boundary");
  require(boundary.has_value());
  std::string framed;
  for (const auto& p : *parts) {
    require(body.find(p.data) != std::string_view::npos);
    // Names holding quotes or line ends cannot be framed again as they were read.
    if (p.name.find_first_of("\"\\\r\n") != std::string::npos ||
        p.filename.find_first_of("\"\\\r\n") != std::string::npos ||
        p.content_type.find_first_of("\r\n") != std::string::npos ||
        p.data.find("\r\n--" + *boundary) != std::string::npos)
      return 0;
    framed += "--" + *boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) framed += "; filename=\"" + p.filename + "\"";
    framed += "\r\n";
    if (!p.content_type.empty()) framed += "Content-Type: " + p.content_type + "\r\n";
    framed += "\r\n" + p.data + "\r\n";
  }
  framed += "--" + *boundary + "--\r\n";
  const auto again = http::parse_multipart(type, framed);
  require(again.ok() && again->size() == parts->size());
  for (std::size_t i = 0; i < parts->size(); ++i) {
    require((*again)[i].name == (*parts)[i].name);
    require((*again)[i].filename == (*parts)[i].filename);
    require((*again)[i].data == (*parts)[i].data);
  }
  return 0;
}
