// What every command shares: the global options, the output, and the settings resolved from
// flags, environment and configuration file (in that order of precedence).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <sne/calendar.hpp>
#include <sne/catalog.hpp>
#include <sne/config.hpp>
#include <sne/credentials.hpp>
#include <sne/error.hpp>
#include <sne/service.hpp>

#include "output.hpp"

namespace sne {
class Glpi;  // <sne/glpi.hpp>: only ticket.cpp and context.cpp need the whole client
}  // namespace sne

namespace sne::cli {

/// A command's outcome: an exit code (0, or 3 and 6 for batches with failed rows), or an
/// error that main() prints and maps to its exit code.
using CommandResult = Result<int>;

struct GlobalOptions {
  bool json = false;        ///< --json: one JSON document on stdout
  int verbose = 0;          ///< -v, repeatable: notes on stderr
  bool debug = false;       ///< --debug: everything -v says, and more
  std::string config_file;  ///< --config FILE
  std::string profile;      ///< --profile NAME
  std::string endpoint;     ///< --endpoint URL
  std::string cacert;       ///< --cacert FILE
};

/// How a command wants the service: signed in (the default), or anonymous (account requests,
/// activation, login).
enum class Auth { required, anonymous };

class Context {
 public:
  Context();
  ~Context();  // out of line, where Glpi is complete
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  GlobalOptions global;
  /// The command chosen on the command line; set by the verb's parse callback.
  std::function<CommandResult()> command;

  /// Valid once parsing is over.
  const Output& out() const { return *out_; }
  void start_output() { out_ = std::make_unique<Output>(global.json); }
  bool verbose() const noexcept { return global.verbose > 0 || global.debug; }

  /// The profile in force (read once).
  Result<const ActiveProfile*> profile();
  /// The catalog: `flag_path` if given, else the profile's `catalog`, else the built-in one.
  Result<std::shared_ptr<const Catalog>> catalog(const std::string& flag_path);
  /// The département: `flag` if given, else the profile's `departement`; nullptr when neither
  /// names one (national holidays only).
  Result<const Territoire*> departement(const std::string& flag);

  /// The XDG paths (resolved once).
  Result<const Paths*> paths();
  /// The endpoint in force: --endpoint, else $SNE_ENDPOINT, else the profile's `endpoint`,
  /// else the embedded sandbox. Says so on stderr when it is a sandbox (human output only).
  Result<EndpointInfo> endpoint();
  /// The credentials store of $XDG_CONFIG_HOME/sne/credentials.
  Result<CredentialStore> credentials();
  /// The service at endpoint(), with the token of $SNE_TOKEN or of the credentials store.
  /// On the embedded sandbox, a missing or expired demo session is opened again as the demo
  /// agent: the sandbox starts signed in. With Auth::required and no token: unauthenticated.
  Result<Service*> service(Auth auth = Auth::required);
  /// One more service like service() (same endpoint, token and CA), for the workers of a bulk
  /// run; `on_retry` is told of each retry. service() must have succeeded first.
  Result<std::unique_ptr<Service>> another_service(
      const std::function<void(int, std::chrono::milliseconds)>& on_retry);

  /// The GLPI URL in force, in full: $SNE_GLPI_URL, else the profile's `glpi_url`, else the
  /// embedded sandbox's GLPI when endpoint() is the embedded sandbox (said on stderr);
  /// invalid_input naming both settings otherwise. Never from a flag.
  Result<std::string> glpi_url();
  /// The credentials-store key of a GLPI URL: "glpi:" + the URL.
  static std::string glpi_key(const std::string& url) { return "glpi:" + url; }
  /// The GLPI client at glpi_url(), with the tokens of $SNE_GLPI_APP_TOKEN and
  /// $SNE_GLPI_USER_TOKEN, else of the credentials store ('sne ticket login'); the sandbox's
  /// GLPI needs none. Opened once; no request is sent before the first call.
  Result<Glpi*> glpi();
  /// Opens a GLPI client at `url` with these tokens (for 'sne ticket login').
  Result<std::unique_ptr<Glpi>> open_glpi_with(const std::string& url, std::string app_token,
                                               std::string user_token);

 private:
  /// --cacert, else the profile's cacert (empty: none).
  Result<std::string> cacert_in_force();
  /// What --debug asks the library to log through; empty without --debug.
  std::function<void(std::string_view)> debug_log() const;
  Result<std::unique_ptr<Service>> open(const EndpointInfo& endpoint, std::string token);
  std::optional<Paths> paths_;
  std::optional<EndpointInfo> endpoint_;
  std::unique_ptr<Service> service_;
  std::string token_;  ///< of service_
  std::optional<std::string> glpi_url_;
  std::unique_ptr<Glpi> glpi_;
  std::unique_ptr<Output> out_;
  std::optional<ActiveProfile> profile_;
};

}  // namespace sne::cli
