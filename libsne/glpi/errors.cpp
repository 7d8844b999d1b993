// GLPI's [CODE, message] refusals read as sne::Error.
#include "glpi/errors.hpp"

#include <array>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "glpi/html.hpp"
#include "http/retry.hpp"
#include "sne/text.hpp"

namespace sne::glpi {

namespace {

/// How GLPI's codes read as library errors. Any refused credential, the App-Token included,
/// is unauthenticated.
struct CodeInfo {
  std::string_view glpi;
  ErrorCode code;
  std::string_view subject;
};
constexpr std::array kGlpiCodes{
    CodeInfo{"ERROR_SESSION_TOKEN_INVALID", ErrorCode::unauthenticated, "Session-Token"},
    CodeInfo{"ERROR_SESSION_TOKEN_MISSING", ErrorCode::unauthenticated, "Session-Token"},
    CodeInfo{"ERROR_APP_TOKEN_PARAMETERS_MISSING", ErrorCode::unauthenticated, "glpi_app_token"},
    CodeInfo{"ERROR_WRONG_APP_TOKEN_PARAMETER", ErrorCode::unauthenticated, "glpi_app_token"},
    CodeInfo{"ERROR_GLPI_LOGIN_USER_TOKEN", ErrorCode::unauthenticated, "glpi_user_token"},
    CodeInfo{"ERROR_GLPI_LOGIN", ErrorCode::unauthenticated, "glpi_user_token"},
    CodeInfo{"ERROR_LOGIN_PARAMETERS_MISSING", ErrorCode::unauthenticated, "glpi_user_token"},
    CodeInfo{"ERROR_NOT_ALLOWED_IP", ErrorCode::forbidden, ""},
    CodeInfo{"ERROR_RIGHT_MISSING", ErrorCode::forbidden, ""},
    CodeInfo{"ERROR_ITEM_NOT_FOUND", ErrorCode::not_found, ""},
    CodeInfo{"ERROR_SQL", ErrorCode::server, ""},
};

}  // namespace

ErrorCode code_for_status(int status) {
  if (status == 401) return ErrorCode::unauthenticated;
  if (status == 403) return ErrorCode::forbidden;
  if (status == 404) return ErrorCode::not_found;
  if (status == 429) return ErrorCode::rate_limited;
  if (status >= 400 && status < 500) return ErrorCode::invalid_input;
  return ErrorCode::server;
}

std::string clean_message(std::string message) {
  for (std::string_view tail :
       {"; view documentation in your browser at", "; voir la documentation"})
    if (auto at = message.find(tail); at != std::string::npos) message.erase(at);
  return printable(message, 300);
}

std::string redact(std::string text, const std::vector<std::string_view>& secrets) {
  for (std::string_view secret : secrets)
    if (secret.size() >= 4)
      for (std::size_t at; (at = text.find(secret)) != std::string::npos;)
        text.replace(at, secret.size(), "[redacted]");
  return text;
}

Error refusal(const http::Response& response, const nlohmann::json& doc,
              const std::vector<std::string_view>& secrets) {
  std::string code_name, message;
  if (doc.is_array() && !doc.empty() && doc[0].is_string()) {
    code_name = doc[0].get<std::string>();
    if (doc.size() > 1) message = doc[1].is_string() ? doc[1].get<std::string>() : doc[1].dump();
  }
  ErrorCode code = code_for_status(response.status);
  std::string subject;
  for (const auto& info : kGlpiCodes)
    if (info.glpi == code_name) {
      code = info.code;
      subject = std::string(info.subject);
    }
  message = redact(clean_message(decode_entities(message)), secrets);
  std::string text =
      code_name.empty() ? i18n::format(N_("GLPI answered HTTP {}"), response.status)
      : message.empty()
          ? i18n::format(N_("GLPI refused: ({})"), printable(code_name, 60))
          : i18n::format(N_("GLPI refused: {} ({})"), message, printable(code_name, 60));
  if (code == ErrorCode::rate_limited) text = http::mention_wait(text, response.headers);
  return Error(code, text, subject).with_http(response.status).with_remote_code(code_name);
}

}  // namespace sne::glpi
