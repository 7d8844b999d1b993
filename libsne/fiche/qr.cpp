#include "fiche/qr.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <qrencode.h>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne::qr {

Result<Matrix> encode(std::string_view text) {
  const std::string s(text);
  if (s.find('\0') != std::string::npos)
    return Error(ErrorCode::invalid_input, i18n::format(N_("a QR payload cannot contain NUL")),
                 "payload");
  // casesensitive=1 keeps the text as it is; QR_MODE_8 is only the hint for what is not
  // alphanumeric: libqrencode splits the text into the densest modes itself.
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("QR encoding failed: {}"), std::strerror(errno)), "payload");
  Matrix m;
  m.width = code->width;
  const auto cells = static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.width);
  m.dark.resize(cells);
  for (std::size_t i = 0; i < cells; ++i) m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

}  // namespace sne::qr
