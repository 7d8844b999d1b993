// libsne's side of the plugin `http` (curl_transport.cpp): the functions of curl_transport.hpp
// that a program calls, which load libcurl with the plugin at the first exchange. A program
// that never sends a request (`sne numero check`) never maps libcurl and its dozens of
// libraries.
#include <sstream>

#include <fmt/format.h>

#include "base/plugin.hpp"
#include "http/curl_transport.hpp"

namespace sne::http {

namespace {

constinit plugin::Slot<CurlBackend> g_curl{"http", "the HTTP client (libcurl)"};

}  // namespace

void provide_curl_backend(const CurlBackend& backend) noexcept { g_curl.provide(backend); }

Result<std::unique_ptr<Transport>> make_curl_transport(CurlOptions options) {
  auto backend = g_curl.get();
  if (!backend) return backend.error();
  return (*backend)->make_transport(std::move(options));
}

ProbeResult probe(const ProbeOptions& options) {
  auto backend = g_curl.get();
  if (!backend) {
    ProbeResult result;
    result.failed = ProbePhase::setup;
    result.error = backend.error().message();
    return result;
  }
  return (*backend)->probe(options);
}

std::optional<Timestamp> parse_certificate_date(std::string_view text) {
  // "Nov 30 12:00:00 2026 GMT" (the day may be space-padded): made an HTTP date, whose reader
  // ignores the day of the week.
  std::istringstream in{std::string(text)};
  std::string month, day, time, year, zone, extra;
  if (!(in >> month >> day >> time >> year >> zone) || (in >> extra) || zone != "GMT" ||
      month.size() != 3 || day.empty() || day.size() > 2 || time.size() != 8 || year.size() != 4)
    return std::nullopt;
  if (day.size() == 1) day.insert(0, "0");
  return parse_http_date(fmt::format("Xxx, {} {} {} {} GMT", day, month, year, time));
}

}  // namespace sne::http
