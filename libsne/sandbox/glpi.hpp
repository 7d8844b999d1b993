// Internal: the sandbox's GLPI, a subset of GLPI's legacy REST API under /apirest.php/, as
// GLPI 10's own code behaves (src/Api/API.php, APIRest.php), quirks included: errors as
// [CODE, message], sessions from user tokens or Basic auth with the App-Token checked on every
// call, tickets, follow-ups, categories and documents of a self-service user in entity 0, lists
// paged by range with 206 and Content-Range, text HTML-encoded unless the client asks for raw
// text. Refusals are thrown as Refusal and answered by handle(), which rolls their changes back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "sandbox/db.hpp"
#include "sne/timestamp.hpp"

namespace sne::sandbox::glpi {

/// Objects keep their members in insertion order, as PHP arrays do.
using json = nlohmann::ordered_json;

/// The knobs of sandbox_glpi(), in the `meta` table (glpi_store.cpp).
struct Knobs {
  std::int64_t session_ttl = 1440;  ///< seconds of idle time before a session expires
  std::int64_t session_calls = 0;   ///< calls a session serves; 0: no limit
  std::int64_t max_upload = std::int64_t{10} << 20;  ///< bytes of the largest uploaded file
};
Knobs read_knobs(Db& db);
void write_knob(Db& db, std::string_view key, std::int64_t value);
/// Sessions neither killed, nor idle longer than the lifetime, nor used up, at `now`.
int open_sessions(Db& db, std::int64_t now);

/// Whether `path` (of a request target) is GLPI's: "/apirest.php" or below "/apirest.php/".
bool is_glpi_path(std::string_view path);

/// Answers one request to /apirest.php/ on `db` at the sandbox time `now`, in one transaction
/// (two when it carries a session: its use is recorded even if the call is then refused, as
/// PHP's session is). Bodies larger than `max_body` are refused as PHP refuses a POST over
/// post_max_size. Never throws.
http::Response handle(Db& db, const http::Request& request, Timestamp now, std::size_t max_body);

/// The body of an error answer of the HTTP server's own (a body over the server's limit, a
/// malformed request) on a GLPI path, and its status.
http::Response server_error(int status, bool multipart);

// ---- what the files of the GLPI face share ---------------------------------------------------

/// A refusal: HTTP status and GLPI's body [code, message]. The message is usually a string; for
/// a bulk add it is the collection of results.
struct Refusal {
  int status;
  std::string code;
  json message;
};
[[noreturn]] void refuse(int status, std::string code, json message);

/// The user of the session.
struct User {
  std::int64_t id = 0;
  std::string email;
  std::string nom;
  std::string prenom;
};

/// A file of a multipart body, as GLPI's upload handler left it.
struct Upload {
  std::string key;      ///< PHP's $_FILES key: "filename" for the part "filename[0]"
  std::string name;     ///< the name it was given: a random prefix and the client's name
  std::string prefix;   ///< that prefix (23 characters)
  std::string display;  ///< the client's name
  std::string type;     ///< the part's Content-Type
  const std::string* data = nullptr;  ///< the bytes; the request owns them
  std::string error;                  ///< why it was refused; empty when accepted
};

/// One call, as APIRest::parseIncomingParams leaves it.
struct Call {
  Db& db;
  const http::Request& request;
  std::int64_t now;                ///< the sandbox's time, seconds since the epoch
  std::string api_url;             ///< "http://HOST/apirest.php": Location, links, documentation
  std::vector<std::string> url{};  ///< the path's elements after /apirest.php/, decoded
  json params = json::object();    ///< query string, then body or upload manifest, then headers
  bool sanitized = true;           ///< stored text comes back HTML-encoded
  Knobs knobs{};
  std::optional<User> user{};           ///< once the session is checked
  std::vector<Upload> uploads{};        ///< files of a multipart body, in order
  json upload_results = json::array();  ///< one {key: [file, ...]} per $_FILES key

  const User& me() const { return *user; }
  /// A parameter as a string (numbers as written), or nothing when absent or not scalar.
  std::optional<std::string> text_param(std::string_view key) const;
  /// A boolean option as PHP tests it (`if ($params[key])`), `fallback` when absent.
  bool flag(std::string_view key, bool fallback) const;
  /// Stored text as this call shows it: HTML-encoded as GLPI 10 stores it, or raw.
  std::string shown(std::string_view raw) const;
  /// GLPI's returnError() with its documentation link appended to `message`.
  [[noreturn]] void refuse_doc(int status, const std::string& code, std::string message) const;
};

/// An answer: JSON (a null body is the JSON literal null, as PHP's json_encode writes it), or
/// raw bytes for a download.
struct Reply {
  int status = 200;
  json body;
  http::Headers headers;
  std::optional<std::string> raw;  ///< set: these bytes, with the Content-Type in headers
};

/// A value as PHP's empty() sees it: null, false, 0, "", "0" and [] are empty; objects (from
/// json_decode, stdClass) never are.
bool php_empty(const json& value);
/// filter_var($value, FILTER_VALIDATE_BOOLEAN): true, 1, "1", "true", "on", "yes".
bool php_bool(const json& value);
/// An integer, or a string of one ("42"), as PHP compares them; nothing otherwise.
std::optional<std::int64_t> as_int(const json& value);

/// GLPI 10's Sanitizer: & < > as &#38; &#60; &#62; (quotes are left alone).
std::string html_encode(std::string_view raw);
/// "Y-m-d H:i:s" in UTC, GLPI's datetime; null for a null instant.
json datetime(std::optional<std::int64_t> seconds);

/// Authenticated resources (glpi_session.cpp): initSession needs none; the others need the
/// session checked first. Nothing when `resource` is not one of them.
using ResourceFn = Reply (*)(Call&);
ResourceFn session_resource(std::string_view resource);
Reply init_session(Call& call);
/// Checks the App-Token of the call; a Refusal when it is missing or wrong.
void check_app_token(Call& call);
/// Checks the Session-Token and records its use (last use, calls); sets call.user.
void check_session(Call& call);

/// GET search/Ticket: GLPI's search engine over the user's tickets (glpi_search.cpp).
Reply search_items(Call& call);
/// Creates glpi_itilsolutions in a sandbox made before it existed (glpi_store.cpp).
void ensure_glpi_solutions(Db& db);

/// The itemtypes served, and the CRUD of GLPI's CommonDBTM over them (glpi_items.cpp).
Reply items(Call& call);

/// Files of a multipart body through GLPI's upload handler (glpi_documents.cpp): sets
/// call.uploads, call.upload_results and the input's _filename.
void manage_uploads(Call& call);

}  // namespace sne::sandbox::glpi
