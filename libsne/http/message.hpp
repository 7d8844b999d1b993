// Internal: one HTTP exchange, independent of who carries it (libcurl, or the embedded sandbox
// called in process), and the Transport interface that carries it. Knows nothing of the domain.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/internal_export.hpp"
#include "sne/error.hpp"
#include "sne/timestamp.hpp"

namespace sne::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// ASCII case-insensitive equality, as header names compare.
SNE_INTERNAL_EXPORT bool iequals(std::string_view a, std::string_view b) noexcept;

/// The value of header `name` (case-insensitive), if present.
SNE_INTERNAL_EXPORT std::optional<std::string> header(const Headers& headers,
                                                      std::string_view name);

/// `t` as an HTTP date (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
SNE_INTERNAL_EXPORT std::string http_date(Timestamp t);
/// An IMF-fixdate back to a time; nothing when `text` is not one. Independent of the locale.
std::optional<Timestamp> parse_http_date(std::string_view text);

/// One part of a multipart/form-data body (RFC 7578): a field, or a file with its name.
struct FormPart {
  std::string name;          ///< the form field: "uploadManifest", "filename[0]"
  std::string filename;      ///< for a file part, the name the server sees; empty for a field
  std::string content_type;  ///< empty: text/plain for a field, application/octet-stream for a file
  std::string data;          ///< the content, unless `file` is set
  std::string file;          ///< a path whose content is streamed from disk instead of `data`
};

struct Request {
  std::string method;  ///< "GET", "POST"...
  std::string target;  ///< path and query: "/v1/plis?statut=rejet_dossier"
  Headers headers;
  std::string body;
  /// When set, the body is this file's content instead, streamed from disk by the transport
  /// (uploads of pieces: never loaded whole on the client side).
  std::string body_file;
  /// When not empty, the body is multipart/form-data made of these parts, and `body` and
  /// `body_file` are unused: the transport writes the boundary and the Content-Type (libcurl's
  /// MIME API over HTTP; the embedded sandbox hands the parts over as they are).
  std::vector<FormPart> parts{};
  /// Server side: the client's IP address as text ("127.0.0.1", "::1"); empty when the request
  /// did not cross a socket (the embedded sandbox, called in process).
  std::string peer{};
  /// GET, HEAD, PUT and DELETE, or any request carrying an Idempotency-Key.
  bool safe_to_retry() const;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
};

/// Carries requests. A Result error means no HTTP answer came (connection refused, timeout:
/// ErrorCode::network); any answer, 5xx included, is a Response.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<Response> send(const Request& request) = 0;
};

/// "a=b&c=d" with each value percent-encoded.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);
/// One pair of a query string, as written (not decoded): "a=b" is {"a", "b"}, "a" is {"a", ""}.
struct QueryPair {
  std::string_view key;
  std::string_view value;
};
/// The pairs of "a=b&c=d" in order, empty ones ("a=b&&c") skipped. Decoding is the caller's:
/// a strict server and PHP's parse_str do not decode alike.
SNE_INTERNAL_EXPORT std::vector<QueryPair> split_query(std::string_view query);

/// The parameter `name` of a header value such as `multipart/form-data; boundary="x"` or
/// `form-data; name="a"; filename="b"` (case-insensitive name, quotes and backslash escapes
/// removed); nothing when absent.
std::optional<std::string> header_parameter(std::string_view value, std::string_view name);

/// Limits of parse_multipart, against bodies made to exhaust a server.
inline constexpr std::size_t kMaxFormParts = 256;
inline constexpr std::size_t kMaxPartHeaderBytes = std::size_t{8} << 10;

/// Reads a multipart/form-data body (RFC 7578, RFC 2046 §5.1) into its parts: each part's
/// name and filename from its Content-Disposition, its Content-Type, its bytes. The boundary
/// comes from `content_type`. A preamble and an epilogue are ignored. Fails, naming what is
/// wrong, on a missing boundary, a part with no Content-Disposition name, a delimiter that is
/// not closed, more than kMaxFormParts parts or part headers over kMaxPartHeaderBytes.
SNE_INTERNAL_EXPORT Result<std::vector<FormPart>> parse_multipart(std::string_view content_type,
                                                                  std::string_view body);

/// Percent-encodes everything but unreserved characters (RFC 3986).
SNE_INTERNAL_EXPORT std::string percent_encode(std::string_view text);
/// Decodes %XX sequences ('+' stays '+'); nullopt when malformed.
SNE_INTERNAL_EXPORT std::optional<std::string> percent_decode(std::string_view text);

}  // namespace sne::http
