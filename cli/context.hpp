// What every command shares: the global options, the output, and the settings resolved from
// flags, environment and configuration file (in that order of precedence).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <sne/calendar.hpp>
#include <sne/catalog.hpp>
#include <sne/config.hpp>
#include <sne/connect.hpp>
#include <sne/credentials.hpp>
#include <sne/error.hpp>
#include <sne/service.hpp>

#include "output.hpp"

namespace sne::cli {

/// A command's outcome: an exit code (0, or 3 and 6 for batches with failed rows), or an
/// error that main() prints and maps to its exit code.
using CommandResult = Result<int>;

struct GlobalOptions {
  bool json = false;        ///< --json: one JSON document on stdout
  int verbose = 0;          ///< -v, repeatable: notes on stderr
  bool quiet = false;       ///< -q, --quiet: no notes (the embedded sandbox's included)
  bool debug = false;       ///< --debug: everything -v says, and more
  std::string config_file;  ///< --config FILE
  std::string profile;      ///< --profile NAME
  std::string endpoint;     ///< --endpoint URL
  std::string cacert;       ///< --cacert FILE
};

class Context {
 public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  GlobalOptions global;
  /// The command chosen on the command line; set by the verb's parse callback.
  std::function<CommandResult()> command;

  /// Valid once parsing is over.
  const Output& out() const { return *out_; }
  void start_output() { out_ = std::make_unique<Output>(global.json, global.quiet); }
  bool verbose() const noexcept { return global.verbose > 0 || global.debug; }

  /// The connection of the global options (sne/connect.hpp), made at first use, once
  /// parsing is over: its info notes are printed unless --json, its verbose notes with -v or
  /// --debug, its HTTP exchanges with --debug.
  Connection& connection();

  /// The profile in force (read once).
  Result<const ActiveProfile*> profile() { return connection().profile(); }
  /// The catalog: `flag_path` if given, else the profile's `catalog`, else the built-in one.
  Result<std::shared_ptr<const Catalog>> catalog(const std::string& flag_path);
  /// The département: `flag` if given, else the profile's `departement`; nullptr when neither
  /// names one (national holidays only).
  Result<const Territoire*> departement(const std::string& flag);

  /// The XDG paths (resolved once).
  Result<const Paths*> paths() { return connection().paths(); }
  /// The endpoint in force: --endpoint, else $SNE_ENDPOINT, else the profile's `endpoint`,
  /// else the embedded sandbox.
  Result<EndpointInfo> endpoint() { return connection().endpoint(); }
  /// The credentials store of $XDG_CONFIG_HOME/sne/credentials.
  Result<CredentialStore> credentials() { return connection().credentials(); }
  /// The service at endpoint(), signed in as Connection::service() says.
  Result<Service*> service(Auth auth = Auth::required) { return connection().service(auth); }
  /// One more service like service(), for the workers of a bulk run.
  Result<std::unique_ptr<Service>> another_service(
      const std::function<void(int, std::chrono::milliseconds)>& on_retry) {
    return connection().another_service(on_retry);
  }

  /// The GLPI URL in force (Connection::glpi_url()). Never from a flag.
  Result<std::string> glpi_url() { return connection().glpi_url(); }
  /// The GLPI client at glpi_url() (Connection::glpi()).
  Result<Glpi*> glpi() { return connection().glpi(); }
  /// Opens a GLPI client at `url` with these tokens (for 'sne ticket login').
  Result<std::unique_ptr<Glpi>> open_glpi_with(const std::string& url, std::string app_token,
                                               std::string user_token);

 private:
  std::unique_ptr<Output> out_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace sne::cli
