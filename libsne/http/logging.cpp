#include "http/logging.hpp"

#include <chrono>

#include <fmt/format.h>

namespace sne::http {

namespace {

class LoggingTransport : public Transport {
 public:
  LoggingTransport(std::unique_ptr<Transport> inner, std::string base, DebugLog log)
      : inner_(std::move(inner)), base_(std::move(base)), log_(std::move(log)) {}

  Result<Response> send(const Request& request) override {
    const auto started = std::chrono::steady_clock::now();
    auto result = inner_->send(request);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    const std::string url = base_ + request.target;
    if (!result) {
      log_(fmt::format("{} {} -> failed after {} ms: {}", request.method, url, ms,
                       result.error().message()));
      return result;
    }
    log_(fmt::format("{} {} -> {} in {} ms, {} bytes sent, {} received", request.method, url,
                     result->status, ms, request.body.size(), result->body.size()));
    for (const auto& [name, value] : request.headers) log_("> " + redact_header(name, value));
    for (const auto& [name, value] : result->headers) log_("< " + redact_header(name, value));
    return result;
  }

 private:
  std::unique_ptr<Transport> inner_;
  std::string base_;
  DebugLog log_;
};

}  // namespace

std::string redact_header(std::string_view name, std::string_view value) {
  for (std::string_view secret :
       {"Authorization", "Cookie", "Set-Cookie", "Session-Token", "App-Token"})
    if (iequals(name, secret)) return fmt::format("{}: [redacted]", name);
  return fmt::format("{}: {}", name, value);
}

std::unique_ptr<Transport> with_debug_log(std::unique_ptr<Transport> inner, std::string base,
                                          DebugLog log) {
  return std::make_unique<LoggingTransport>(std::move(inner), std::move(base), std::move(log));
}

}  // namespace sne::http
