// Internal: a Transport that reports every exchange to a debug log, secrets redacted, whichever
// transport carries it (libcurl, or the embedded sandbox in process).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
#include "http/message.hpp"

namespace sne::http {

using DebugLog = std::function<void(std::string_view line)>;

/// Wraps `inner`: one line per exchange ("GET <base>/v1/me -> 200 in 3 ms, 0 bytes sent, 412
/// received"), then the request and answer headers. Bodies are never logged (they hold
/// passwords and pieces).
SNE_INTERNAL_EXPORT std::unique_ptr<Transport> with_debug_log(std::unique_ptr<Transport> inner,
                                                              std::string base, DebugLog log);

/// A header line fit for a debug log: the values of Authorization, Cookie, Set-Cookie,
/// Session-Token and App-Token become "[redacted]".
std::string redact_header(std::string_view name, std::string_view value);

}  // namespace sne::http
