// The entry of the sandbox's GLPI: a request to /apirest.php/ read as APIRest::call and
// parseIncomingParams read it (query string, then JSON body or upload manifest, then headers),
// the App-Token and the session checked, the resource served, and every refusal answered in
// GLPI's shape [CODE, message] with its changes rolled back.
#include "sandbox/glpi.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "base/text.hpp"
#include "sandbox/store.hpp"

namespace sne::sandbox::glpi {

namespace {

constexpr std::string_view kRoot = "/apirest.php";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// PHP's urldecode: '+' is a space, a malformed %XX stays as it is.
std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// The query string as parse_str leaves it, keys kept whole ("searchText[name]"); a later key
/// replaces an earlier one.
void parse_query(std::string_view query, json& params) {
  for (const auto& pair : http::split_query(query)) {
    const std::string key = url_decode(pair.key);
    if (!key.empty()) params[key] = url_decode(pair.value);
  }
}

/// The path's elements after /apirest.php, its slashes at both ends trimmed.
std::vector<std::string> url_elements(std::string_view path) {
  path.remove_prefix(kRoot.size());
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string> out;
  if (path.empty()) return out;
  while (true) {
    const auto slash = path.find('/');
    out.push_back(url_decode(path.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    int d = -1;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    if (c >= '0' && c <= '9') d = c - '0' + 52;
    if (c == '+') d = 62;
    if (c == '/') d = 63;
    if (c == '=') break;
    if (d < 0) return std::nullopt;
    value = (value << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

/// A JSON document as json_decode() reads it: nothing when it is not JSON.
std::optional<json> decode(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

/// Members of a decoded body or manifest, over the query's (a JSON array gives "0", "1"...).
void merge(json& params, const json& doc) {
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) params[key] = value;
  } else if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) params[std::to_string(i)] = doc[i];
  }
}

bool has_body(const http::Request& r) { return !text::trim(r.body).empty() || !r.parts.empty(); }

std::size_t body_size(const http::Request& r) {
  std::size_t n = r.body.size();
  for (const auto& p : r.parts) n += p.data.size() + p.name.size() + p.filename.size();
  return n;
}

/// APIRest::parseIncomingParams. Sets call.params; true when the body is multipart.
bool parse_params(Call& call, std::string_view query) {
  const http::Request& r = call.request;
  parse_query(query, call.params);
  if ((r.method == "GET" || r.method == "HEAD") && has_body(r))
    call.refuse_doc(400, "ERROR_JSON_PAYLOAD_FORBIDDEN",
                    "GET Request should not have json payload (http body)");
  // Without a Content-Type, GLPI takes the body for JSON. Parts with no Content-Type are a
  // multipart body whose boundary the transport writes.
  const auto type = http::header(r.headers, "Content-Type");
  const std::string content_type =
      type ? *type : (r.parts.empty() ? "application/json" : "multipart/form-data");
  bool multipart = false;
  if (content_type.find("application/json") != std::string::npos) {
    // Parts under a JSON Content-Type: a multipart body that GLPI tries to read as JSON.
    if (!r.parts.empty()) refuse(400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid");
    const std::string_view body = text::trim(r.body);
    if (!body.empty()) {
      const auto doc = decode(body);
      if (!doc || php_empty(*doc))
        refuse(400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid");
      merge(call.params, *doc);
    }
  } else if (content_type.find("multipart/form-data") != std::string::npos) {
    bool files = false;
    const http::FormPart* manifest = nullptr;
    for (const auto& p : r.parts) {
      if (!p.filename.empty()) files = true;
      if (p.filename.empty() && p.name == "uploadManifest") manifest = &p;
    }
    // PHP drops a POST over post_max_size whole: GLPI then sees no file.
    if (!files) refuse(400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big");
    const auto doc = manifest != nullptr ? decode(manifest->data) : std::nullopt;
    if (!doc || php_empty(*doc))
      refuse(400, "ERROR_JSON_PAYLOAD_INVALID", "JSON payload seems not valid");
    merge(call.params, *doc);
    if (!call.params.contains("input") || !call.params["input"].is_object())
      call.refuse_doc(400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects");
    multipart = true;
  }  // form-urlencoded and other bodies: the sandbox reads none of them
  if (const auto auth = http::header(r.headers, "Authorization")) {
    constexpr std::string_view kBasic = "Basic ";
    if (auth->rfind(kBasic, 0) == 0) {  // what Apache gives PHP as PHP_AUTH_USER and _PW
      const auto pair = base64_decode(text::trim(std::string_view(*auth).substr(kBasic.size())));
      if (pair && pair->find(':') != std::string::npos) {
        call.params["login"] = pair->substr(0, pair->find(':'));
        call.params["password"] = pair->substr(pair->find(':') + 1);
      }
    }
    if (auth->find("user_token") != std::string::npos) {
      const auto space = auth->find(' ');
      if (space != std::string::npos)
        call.params["user_token"] = auth->substr(space + 1, auth->find(' ', space + 1) - space - 1);
    }
  }
  if (const auto token = http::header(r.headers, "Session-Token"))
    call.params["session_token"] = *token;
  if (const auto token = http::header(r.headers, "App-Token")) call.params["app_token"] = *token;
  for (auto& [key, value] : call.params.items()) {
    if (value == "true") value = true;
    if (value == "false") value = false;
  }
  if (const auto raw = http::header(r.headers, "X-GLPI-Sanitized-Content"))
    call.sanitized = php_bool(*raw);
  return multipart;
}

std::string api_url_of(const http::Request& r) {
  const auto host = http::header(r.headers, "Host");
  if (!host || host->empty()) return "https://sandbox.sne.test/apirest.php";
  return fmt::format("http://{}{}", *host, kRoot);
}

http::Response error_answer(int status, const std::string& code, const json& message) {
  http::Response r;
  r.status = status;
  r.body = json::array({code, message}).dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers = {{"Content-Type", "application/json; charset=UTF-8"}};
  return r;
}

Reply inline_documentation() {
  Reply reply;
  reply.raw =
      "<!DOCTYPE html>\n<html><head><title>GLPI REST API (sne sandbox)</title></head><body>"
      "<p>The sne sandbox serves a subset of GLPI's legacy REST API: initSession, "
      "killSession, getFullSession, getMyProfiles, getActiveProfile, getMyEntities, "
      "getActiveEntities, changeActiveEntities, search/Ticket, ITILCategory, Ticket, "
      "ITILFollowup, ITILSolution, Document and Document_Item.</p></body></html>\n";
  reply.headers = {{"Content-Type", "text/html; charset=UTF-8"}};
  return reply;
}

constexpr std::array<std::string_view, 7> kVerbs{"GET",   "HEAD",   "POST",   "PUT",
                                                 "PATCH", "DELETE", "OPTIONS"};

Reply serve(Call& call, std::size_t max_body) {
  const http::Request& r = call.request;
  const std::string_view target = r.target;
  const auto qmark = target.find('?');
  call.url = url_elements(target.substr(0, qmark));
  if (std::find(kVerbs.begin(), kVerbs.end(), r.method) == kVerbs.end())
    call.refuse_doc(405, "ERROR_METHOD_NOT_ALLOWED", "Method Not Allowed");
  if (r.method == "OPTIONS") {  // API::cors answers preflights before anything else
    Reply reply;
    reply.raw = "";
    reply.headers = {{"Access-Control-Allow-Methods", "PUT, GET, POST, DELETE, OPTIONS"},
                     {"Access-Control-Allow-Headers",
                      "origin, content-type, accept, session-token, authorization, app-token"}};
    return reply;
  }
  if (body_size(r) > max_body) {
    if (!r.parts.empty())
      refuse(400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big");
    refuse(413, "ERROR", fmt::format("request body larger than {} bytes", max_body));
  }
  const std::string resource =
      call.url.empty() ? std::string() : std::string(text::trim(call.url[0]));
  const bool multipart =
      parse_params(call, qmark == std::string_view::npos ? "" : target.substr(qmark + 1));
  call.knobs = read_knobs(call.db);
  if (resource.empty()) return inline_documentation();

  Transaction session(call.db, true);
  if (resource == "initSession") {
    Reply reply = init_session(call);
    session.commit();
    return reply;
  }
  if (multipart) manage_uploads(call);  // APIRest::manageUploadedFiles, before the checks
  check_app_token(call);
  check_session(call);
  ensure_glpi_solutions(call.db);
  session.commit();  // a call made with the session counts, even if refused below

  Transaction work(call.db, true);
  const ResourceFn fn = session_resource(resource);
  Reply reply = fn != nullptr ? fn(call) : items(call);
  if (reply.status < 400) work.commit();
  return reply;
}

}  // namespace

bool is_glpi_path(std::string_view path) {
  return path == kRoot || (path.size() > kRoot.size() && path.substr(0, kRoot.size()) == kRoot &&
                           path[kRoot.size()] == '/');
}

void refuse(int status, std::string code, json message) {
  throw Refusal{status, std::move(code), std::move(message)};
}

void Call::refuse_doc(int status, const std::string& code, std::string message) const {
  message += fmt::format("; view documentation in your browser at {}/#{}", api_url, code);
  refuse(status, code, std::move(message));
}

bool php_empty(const json& v) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number()) return v == 0;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return s.empty() || s == "0";
  }
  if (v.is_array()) return v.empty();
  return false;
}

bool php_bool(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v == 1;
  if (!v.is_string()) return false;
  const std::string s = text::ascii_lower(text::trim(v.get<std::string>()));
  return s == "1" || s == "true" || s == "on" || s == "yes";
}

std::optional<std::int64_t> as_int(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_unsigned()) return std::nullopt;
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  const std::size_t sign = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == sign || s.size() > 18 + sign ||
      s.find_first_not_of("0123456789", sign) != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

std::optional<std::string> Call::text_param(std::string_view key) const {
  const auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "1" : "";
  if (it->is_number()) return it->dump();
  return std::nullopt;
}

bool Call::flag(std::string_view key, bool fallback) const {
  const auto it = params.find(key);
  return it == params.end() ? fallback : !php_empty(*it);
}

std::string Call::shown(std::string_view raw) const {
  return sanitized ? html_encode(raw) : std::string(raw);
}

std::string html_encode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == '&')
      out += "&#38;";
    else if (c == '<')
      out += "&#60;";
    else if (c == '>')
      out += "&#62;";
    else
      out += c;
  }
  return out;
}

json datetime(std::optional<std::int64_t> seconds) {
  if (!seconds) return nullptr;
  std::string iso = format_timestamp(from_seconds(*seconds));  // 2025-06-02T12:00:00Z
  iso[10] = ' ';
  iso.pop_back();
  return iso;
}

http::Response handle(Db& db, const http::Request& request, Timestamp now, std::size_t max_body) {
  http::Response response;
  Call call{db, request, to_seconds(now), api_url_of(request)};
  try {
    Reply reply = serve(call, max_body);
    response.status = reply.status;
    response.headers = std::move(reply.headers);
    if (reply.raw) {
      response.body = std::move(*reply.raw);
    } else {
      response.body = reply.body.dump(-1, ' ', false, json::error_handler_t::replace);
      response.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
      if (request.method == "GET")
        response.headers.emplace_back("Access-Control-Expose-Headers",
                                      "content-type, content-range, accept-range");
    }
  } catch (const Refusal& e) {
    response = error_answer(e.status, e.code, e.message);
  } catch (const DbError& e) {
    response = error_answer(e.busy() ? 503 : 500, "ERROR_SQL",
                            e.busy() ? std::string("the sandbox database is busy")
                                     : fmt::format("Unexpected SQL Error : {}", e.what()));
    if (e.busy()) response.headers.emplace_back("Retry-After", "1");
  } catch (const std::exception& e) {
    response = error_answer(500, "ERROR", fmt::format("sandbox failure: {}", e.what()));
  }
  response.headers.emplace_back("Date", http::http_date(now));
  return response;
}

http::Response server_error(int status, bool multipart) {
  if (status == 413 && multipart)
    return error_answer(400, "ERROR_UPLOAD_FILE_TOO_BIG_POST_MAX_SIZE", "The file seems too big");
  if (status == 413) return error_answer(413, "ERROR", "request body too large");
  // GLPI's answer for a method its web server does not serve.
  if (status == 404 || status == 405)
    return error_answer(405, "ERROR_METHOD_NOT_ALLOWED", "Method Not Allowed");
  return error_answer(status, "ERROR", "Bad Request");
}

}  // namespace sne::sandbox::glpi
