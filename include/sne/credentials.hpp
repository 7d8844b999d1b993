// sne/credentials.hpp - the credentials store: bearer tokens per endpoint, in a file private
// to its owner ($XDG_CONFIG_HOME/sne/credentials, TOML).
//
// The file is written mode 0600 and atomically; a file readable or writable by group or others
// is refused (forbidden), as OpenSSH refuses such keys. Tokens never appear in errors.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/timestamp.hpp"

namespace sne {

struct SNE_EXPORT StoredCredential {
  std::string token;  ///< empty: signed out on purpose (no automatic demo sign-in)
  std::string email;
  /// Timestamp::max(): never (a GLPI personal API token lasts until it is revoked).
  Timestamp expires_at = Timestamp::max();
  std::string app_token{};  ///< GLPI's App-Token of the API client, for GLPI entries
};

class SNE_EXPORT CredentialStore {
 public:
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}
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
