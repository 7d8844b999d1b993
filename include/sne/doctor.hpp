/// @file
/// Why a setup does not work: the checks of `sne doctor`, for any program's support screen.
///
/// run_doctor() checks, in this order, each one line passed, failed, skipped (with why) or
/// warning (a failure to come, which does not fail):
///
/// @verbatim
///   config       the configuration file's syntax and the profile in force
///   endpoint     the endpoint in force is one
///   sandbox      the embedded sandbox's database passes PRAGMA integrity_check
///   dns          the endpoint's host name resolves                       (http, https)
///   tcp          a TCP connection to it opens                            (http, https)
///   tls          the TLS handshake, and the certificate's validity dates (https)
///   service      the SNE web service answers /v1/me as the contract says
///   clock        this machine's clock against the service's Date header
///   credentials  the credentials file is private to its owner
///   token        a session is there, unexpired, and accepted by the service
///   glpi         GLPI answers and accepts its tokens (a session opened and closed)
///   catalog      the profile's catalog override loads
/// @endverbatim
///
/// A failed check carries the Error a program maps to its exit code (the first failure's
/// decides); details and hints never hold a token or a password, and hints never name a
/// command of a program.
///
///     sne::Connection connection({});
///     sne::DoctorReport report = sne::run_doctor(connection, {});
///     for (const auto& check : report.checks) std::puts(check.detail.c_str());
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/config.hpp"
#include "sne/connect.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// The outcome of one check.
enum class CheckStatus {
  passed,   ///< nothing wrong
  failed,   ///< wrong: the setup does not work, or will not for this
  skipped,  ///< not applicable, or not possible after an earlier failure (the detail says why)
  warning,  ///< works now, but soon will not (a certificate or token expiring, a clock drifting)
};
/// "passed", "failed", "skipped", "warning".
SNE_EXPORT std::string_view to_string(CheckStatus status) noexcept;

/// One check's line.
struct DoctorCheck {
  std::string name;  ///< "config", "endpoint", "dns"... (see the file's comment)
  CheckStatus status = CheckStatus::passed;  ///< passed, failed, skipped or warning
  std::string detail;                        ///< one line: what was found; never a secret
  std::string hint{};            ///< what fixes it (failed, warning); empty when nothing to say
  std::optional<Error> error{};  ///< for a failed check: the failure's code and subject
};

/// Every check, in the order of the file's comment.
struct SNE_EXPORT DoctorReport {
  /// One line per check, none left out.
  std::vector<DoctorCheck> checks;
  /// The first failed check, whose error decides a program's exit code; nullptr when none failed.
  const DoctorCheck* first_failure() const noexcept;
};

/// The thresholds and the clock of run_doctor().
struct DoctorOptions {
  /// The environment ($SNE_TOKEN, $SNE_GLPI_*); empty: the process's. Give the Connection's.
  EnvLookup env;
  /// This machine's clock; empty: the system clock.
  std::function<Timestamp()> now;
  /// Checks the embedded sandbox's database at a path: a one-line detail when sound, else the
  /// error (io when damaged). The program that links the sandbox gives it
  /// (sne/sandbox_integrity.hpp: check_sandbox_integrity); empty: the check is skipped, saying the
  /// sandbox is not linked.
  std::function<Result<std::string>(const std::string& path)> sandbox_integrity;
  /// Each network step's limit.
  std::chrono::milliseconds timeout{5000};
  /// A clock this far from the service's, or more, is a warning.
  std::chrono::seconds skew_warning{30};
  /// A clock this far from the service's, or more, fails.
  std::chrono::seconds skew_failure{300};
  /// A certificate expiring within this is a warning.
  std::chrono::seconds certificate_warning{std::chrono::hours(24 * 14)};
  /// A session expiring within this is a warning.
  std::chrono::seconds token_warning{std::chrono::hours(1)};
  /// Told of each check as soon as it is made (a program printing as it goes).
  std::function<void(const DoctorCheck&)> on_check;
};

/// Runs every check against what `connection` resolves (its profile, endpoint, CA file,
/// credentials store and GLPI). Read-only: signs nobody in, saves nothing, except that opening
/// the embedded sandbox creates its database when missing, as any use does.
SNE_EXPORT DoctorReport run_doctor(Connection& connection, const DoctorOptions& options);

/// A clock `skew` away from the service's (positive: the service is ahead): passed below
/// `options.skew_warning`, warning below `options.skew_failure`, else failed.
SNE_EXPORT CheckStatus classify_skew(std::chrono::seconds skew, const DoctorOptions& options);

/// Something valid until `expires` seen at `now`: failed once expired, warning when it
/// expires within `warn_within`, else passed.
SNE_EXPORT CheckStatus classify_expiry(Timestamp expires, Timestamp now,
                                       std::chrono::seconds warn_within);

/// A check as JSON: name, status, detail, hint (null when empty), error (null, or code,
/// message and subject).
SNE_EXPORT Json to_json(const DoctorCheck& check);

}  // namespace sne
