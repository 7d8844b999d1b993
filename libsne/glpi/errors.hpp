// Internal: GLPI's refusals as library errors. GLPI answers a refusal with an HTTP status and
// a JSON array [CODE, message] (see ../shared/GLPI.md); these read it as an sne::Error whose
// remote_code() is GLPI's code. Knows no session and no transport.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "sne/error.hpp"

namespace sne::glpi {

/// The library's code for an HTTP status that came without one of GLPI's codes.
ErrorCode code_for_status(int status);

/// GLPI's message without the documentation link it may end with, made printable.
std::string clean_message(std::string message);

/// `text` with every secret of at least 4 bytes replaced by "[redacted]", should a server
/// echo one.
std::string redact(std::string text, const std::vector<std::string_view>& secrets);

/// The Error a refusal stands for: GLPI's [CODE, message] in `doc` (the code read through
/// GLPI's table: any refused credential is unauthenticated, naming the token at fault as
/// subject), else the HTTP status. `secrets` are blanked out of GLPI's message.
Error refusal(const http::Response& response, const nlohmann::json& doc,
              const std::vector<std::string_view>& secrets);

}  // namespace sne::glpi
