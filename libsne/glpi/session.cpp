// A GLPI session: GLPI's answers read as GLPI's code writes them (see ../shared/GLPI.md):
// errors as [CODE, message], lists in pages of 200 or 206 with Content-Range.
#include "glpi/session.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/json_reader.hpp"
#include "glpi/errors.hpp"
#include "glpi/html.hpp"
#include "glpi/rows.hpp"
#include "sne/text.hpp"

namespace sne::glpi {

using nlohmann::json;

namespace {

/// Rows asked per page of a list.
constexpr std::size_t kPage = 200;
/// Pages followed at most: a server that never ends its list cannot keep the client forever.
constexpr std::size_t kMaxPages = 10000;

unsigned byte(char c) { return static_cast<unsigned>(static_cast<unsigned char>(c)); }

/// Base64 of HTTP Basic credentials (RFC 7617).
std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (byte(in[i]) << 16U) | (byte(in[i + 1]) << 8U) | byte(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < in.size()) {
    unsigned v = byte(in[i]) << 16U;
    if (i + 1 < in.size()) v |= byte(in[i + 1]) << 8U;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

Session::Session(std::string url, std::string prefix, std::unique_ptr<http::Transport> transport,
                 GlpiOptions options)
    : url_(std::move(url)),
      prefix_(std::move(prefix)),
      transport_(std::move(transport)),
      options_(std::move(options)) {}

Status Session::kill() {
  if (session_.empty()) return Status();
  http::Request request{"GET", prefix_ + "/killSession", base_headers(), {}, {}, {}};
  request.headers.emplace_back("Session-Token", session_);
  session_.clear();
  auto response = transport_->send(request);
  if (!response) return response.error();
  if (response->status >= 300) {
    json doc;
    if (auto ok = parse_body(*response, doc); !ok) return ok.error();
    return error_of(*response, doc);
  }
  return Status();
}

Result<std::vector<json>> Session::list(const std::string& path, std::size_t max,
                                        std::size_t* total, std::string_view extra) {
  std::vector<json> rows;
  std::size_t start = 0;
  for (std::size_t page = 0; page < kMaxPages; ++page) {
    const std::size_t want = max == 0 ? kPage : std::min(kPage, max - rows.size());
    auto response =
        send("GET", fmt::format("{}?range={}-{}{}", path, start, start + want - 1, extra), nullptr);
    if (!response) return response.error();
    json doc;
    if (auto ok = parse_body(*response, doc); !ok) return ok.error();
    if (response->status >= 300) {
      // A list that shrank between two pages.
      if (start > 0 && doc.is_array() && !doc.empty() && doc[0] == "ERROR_RANGE_EXCEED_TOTAL")
        break;
      return error_of(*response, doc);
    }
    if (!doc.is_array())
      return unexpected(*response, i18n::format(N_("a list that is not an array")));
    const auto range = http::header(response->headers, "Content-Range");
    if (!range) {  // nothing found, or everything in one answer without a range
      for (auto& row : doc) rows.push_back(std::move(row));
      if (total != nullptr) *total = rows.size();
      break;
    }
    const auto parsed = parse_content_range(*range);
    if (!parsed)
      return unexpected(*response, i18n::format(N_("Content-Range '{}'"), printable(*range)));
    if (total != nullptr) *total = parsed->total;
    if (doc.empty()) break;
    for (auto& row : doc) rows.push_back(std::move(row));
    if (max != 0 && rows.size() >= max) break;
    if (parsed->last + 1 >= parsed->total || parsed->last + 1 <= start) break;
    start = parsed->last + 1;
  }
  if (max != 0 && rows.size() > max) rows.resize(max);
  return rows;
}

Result<json> Session::call_json(std::string_view method, const std::string& path,
                                const json& body) {
  auto response = send(method, path, body);
  if (!response) return response.error();
  json doc;
  if (auto ok = parse_body(*response, doc); !ok) return ok.error();
  if (response->status >= 300) return error_of(*response, doc);
  return doc;
}

http::Headers Session::base_headers() const {
  http::Headers h{{"Accept", "application/json"}, {"X-GLPI-Sanitized-Content", "false"}};
  if (!options_.app_token.empty()) h.emplace_back("App-Token", options_.app_token);
  return h;
}

Result<http::Response> Session::send(std::string_view method, const std::string& path,
                                     const json& body) {
  http::Request request;
  request.method = std::string(method);
  request.target = prefix_ + path;
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.emplace_back("Content-Type", "application/json");
  }
  return exchange(std::move(request));
}

Result<http::Response> Session::exchange(http::Request request) {
  for (const auto& h : base_headers()) request.headers.push_back(h);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = session_.empty();
    if (fresh)
      if (auto opened = open(); !opened) return opened.error();
    http::Request sent = request;
    sent.headers.emplace_back("Session-Token", session_);
    auto response = transport_->send(sent);
    if (!response) return response.error();
    if (response->status == 401 && !fresh &&
        response->body.find("ERROR_SESSION_TOKEN_INVALID") != std::string::npos) {
      session_.clear();  // expired: GLPI's garbage collector took it
      continue;
    }
    return response;
  }
  return Error(ErrorCode::unauthenticated,
               i18n::format(N_("GLPI refused a session it had just opened")), "Session-Token");
}

Status Session::open() {
  http::Request request{"GET", prefix_ + "/initSession", base_headers(), {}, {}, {}};
  if (!options_.user_token.empty())
    request.headers.emplace_back("Authorization", "user_token " + options_.user_token);
  else
    request.headers.emplace_back("Authorization",
                                 "Basic " + base64(options_.login + ":" + options_.password));
  auto response = transport_->send(request);
  if (!response) return response.error();
  json doc;
  if (auto ok = parse_body(*response, doc); !ok) return ok.error();
  if (response->status >= 300) return error_of(*response, doc);
  if (!doc.is_object() || !doc.contains("session_token") || !doc["session_token"].is_string() ||
      doc["session_token"].get<std::string>().empty())
    return unexpected(*response, i18n::format(N_("initSession without a session_token")));
  session_ = doc["session_token"].get<std::string>();
  return Status();
}

Status Session::parse_body(const http::Response& response, json& doc) const {
  if (response.body.empty()) {
    doc = nullptr;
    if (response.status < 300) return Status();
    return error_of(response, doc);
  }
  const auto type = http::header(response.headers, "Content-Type").value_or("");
  const bool html = fold_name(type).find("html") != std::string::npos ||
                    response.body.find_first_not_of(" \t\r\n") == response.body.find('<');
  if (html || !json_reader::parse(response.body, doc))
    return Error(ErrorCode::server,
                 html ? i18n::format(N_("{} answered HTTP {} with an HTML page, not JSON: is the "
                                        "GLPI URL the address of apirest.php?"),
                                     url_, response.status)
                      : i18n::format(N_("{} answered HTTP {} with something else, not JSON: is "
                                        "the GLPI URL the address of apirest.php?"),
                                     url_, response.status),
                 "glpi_url")
        .with_http(response.status);
  return Status();
}

Error Session::error_of(const http::Response& response, const json& doc) const {
  return refusal(response, doc,
                 {options_.app_token, options_.user_token, options_.password, session_});
}

Error Session::unexpected(const http::Response& response, std::string_view what) const {
  return Error(ErrorCode::server, i18n::format(N_("{} answered HTTP {} with {}"), url_,
                                               response.status, i18n::Nested{what}))
      .with_http(response.status);
}

}  // namespace sne::glpi
