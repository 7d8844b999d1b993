#include "sne/error.hpp"

#include "base/i18n.hpp"

#include <array>

namespace sne {

namespace {
struct CodeName {
  ErrorCode code;
  std::string_view name;
};
constexpr std::array kCodeNames{
    CodeName{ErrorCode::invalid_input, "invalid_input"},
    CodeName{ErrorCode::not_found, "not_found"},
    CodeName{ErrorCode::unauthenticated, "unauthenticated"},
    CodeName{ErrorCode::forbidden, "forbidden"},
    CodeName{ErrorCode::conflict, "conflict"},
    CodeName{ErrorCode::rate_limited, "rate_limited"},
    CodeName{ErrorCode::network, "network"},
    CodeName{ErrorCode::server, "server"},
    CodeName{ErrorCode::io, "io"},
    CodeName{ErrorCode::cancelled, "cancelled"},
    CodeName{ErrorCode::internal, "internal"},
};
}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  for (const auto& entry : kCodeNames)
    if (entry.code == code) return entry.name;
  return "internal";
}

Error::Error(ErrorCode code, std::string message, std::string subject)
    : code_(code), message_(std::move(message)), subject_(std::move(subject)) {}

Error& Error::with_http(int status, std::string request_id) {
  http_status_ = status;
  request_id_ = std::move(request_id);
  return *this;
}

Error& Error::with_remote_code(std::string code) {
  remote_code_ = std::move(code);
  return *this;
}

Error& Error::prefixed(std::string_view context) {
  // The context may be a text of libsne too (i18n::format(N_("GLPI URL"))): its translation.
  const std::string translated = localized(message_);
  const std::string context_translated = localized(context);
  const bool known = translated != message_ || context_translated != context;
  message_.insert(0, std::string(context) + ": ");
  if (known) i18n::remember(message_, context_translated + ": " + translated);
  return *this;
}

bool Error::retryable() const noexcept {
  switch (code_) {
    case ErrorCode::network:
    case ErrorCode::rate_limited: return true;
    case ErrorCode::server:
      return http_status_ == 500 || http_status_ == 502 || http_status_ == 503 ||
             http_status_ == 504;
    default: return false;
  }
}

}  // namespace sne
