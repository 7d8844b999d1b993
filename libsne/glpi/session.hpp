// Internal: one conversation with GLPI's REST API over a Transport: the App-Token and
// X-GLPI-Sanitized-Content on every call, a session opened lazily with the user token (or
// HTTP Basic), opened once more when GLPI says it expired, closed with killSession; JSON
// answers parsed (an HTML page named as such) and refusals read as sne::Error; lists followed
// page after page. Knows no itemtype: the client (client.cpp, documents.cpp) does.
//
// Thread safety: used by one thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"
#include "sne/glpi.hpp"

namespace sne::glpi {

class Session {
 public:
  /// A session with the GLPI at `url` (for messages), sending targets `prefix` +
  /// "/initSession"... through `transport`, with the credentials of `options` as given.
  Session(std::string url, std::string prefix, std::unique_ptr<http::Transport> transport,
          GlpiOptions options);

  const std::string& url() const noexcept { return url_; }
  const std::string& prefix() const noexcept { return prefix_; }
  const GlpiOptions& options() const noexcept { return options_; }

  /// A request with `body` as JSON (none when null) to `path` under the prefix, through
  /// exchange(). The answer whatever its status.
  Result<http::Response> send(std::string_view method, const std::string& path,
                              const nlohmann::json& body);
  /// Sends with the session (opened first if needed); when GLPI says the session is no
  /// longer valid, opens a new one and sends once more.
  Result<http::Response> exchange(http::Request request);
  /// send(), then the answer as JSON; a refusal as its Error.
  Result<nlohmann::json> call_json(std::string_view method, const std::string& path,
                                   const nlohmann::json& body);
  /// Every row of a list, page after page ("?range=" appended to `path`, then `extra`); at
  /// most `max` rows (0: all). `total` (may be null) receives the count GLPI announces.
  Result<std::vector<nlohmann::json>> list(const std::string& path, std::size_t max,
                                           std::size_t* total, std::string_view extra = {});
  /// Closes the session (killSession), if one is open.
  Status kill();

  /// Parses a JSON answer; an answer of another kind (the HTML page of a web server or of
  /// GLPI's own interface) is an error that says so.
  Status parse_body(const http::Response& response, nlohmann::json& doc) const;
  /// The Error a refusal stands for, this session's secrets blanked out (see refusal()).
  Error error_of(const http::Response& response, const nlohmann::json& doc) const;
  /// A server error: GLPI answered `what`, which is not what its API answers.
  Error unexpected(const http::Response& response, std::string_view what) const;

 private:
  http::Headers base_headers() const;
  Status open();

  std::string url_;
  std::string prefix_;  ///< "/apirest.php" in process; "" over HTTP (in the base URL)
  std::unique_ptr<http::Transport> transport_;
  GlpiOptions options_;
  std::string session_;
};

}  // namespace sne::glpi
