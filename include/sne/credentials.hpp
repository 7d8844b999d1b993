/// @file
/// The credentials store: bearer tokens per endpoint, in a file private
/// to its owner ($XDG_CONFIG_HOME/sne/credentials, TOML).
///
/// The file is written mode 0600 and atomically; a file readable or writable by group or others
/// is refused (forbidden), as OpenSSH refuses such keys. Tokens never appear in errors.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// One entry of the credentials store: the session of an endpoint, or GLPI's tokens under
/// Connection::glpi_key().
struct SNE_EXPORT StoredCredential {
  std::string token;  ///< empty: signed out on purpose (no automatic demo sign-in)
  /// The account the token belongs to (empty for GLPI entries).
  std::string email;
  /// Timestamp::max(): never (a GLPI personal API token lasts until it is revoked).
  Timestamp expires_at = Timestamp::max();
  std::string app_token{};  ///< GLPI's App-Token of the API client, for GLPI entries
};

/// The credentials file at one path. Every call reads the file again (nothing is cached), and
/// a write replaces the whole file atomically: a reader never sees half a file.
class SNE_EXPORT CredentialStore {
 public:
  /// The store kept at `path` (usually $XDG_CONFIG_HOME/sne/credentials); nothing is read yet.
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}
  /// The file's path.
  const std::string& path() const noexcept { return path_; }

  /// The credential of `endpoint` (canonical form); nullopt when the file or entry is absent.
  Result<std::optional<StoredCredential>> get(const std::string& endpoint) const;
  /// Adds or replaces the credential of `endpoint`.
  Status put(const std::string& endpoint, const StoredCredential& credential) const;
  /// Removes the entry of `endpoint`; no error when absent.
  Status erase(const std::string& endpoint) const;

 private:
  std::string path_;
};

}  // namespace sne
