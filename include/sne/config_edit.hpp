/// @file
/// The configuration file read as `sne config` shows it, and edited in place.
///
/// Edits change only the lines concerned: a value is replaced on its line (a comment after it
/// stays), a new key goes after the last key of its `[profiles.NAME]` table, a missing table is
/// added at the end of the file, an unset key loses its line. Comments, blank lines, other keys
/// and other profiles are kept byte for byte, and so are CRLF line ends. The result is parsed
/// again and must say exactly what was intended before it replaces the file (atomically,
/// keeping the file's mode; a new file is mode 0600 in a folder made 0700).
///
/// Only profiles written as `[profiles.NAME]` tables are edited: a profile written as an
/// inline table (`NAME = { ... }`) or with dotted keys (`NAME.endpoint = ...`) is refused, as
/// is a file that does not parse, rather than rewritten. Unknown keys are refused, and so are
/// secrets (tokens, passwords), which belong in the credentials store (sne/credentials.hpp).
///
///     auto done = sne::set_config_value("/home/ana/.config/sne/config.toml", "default",
///                                       "glpi_url", "https://support.example.org/apirest.php",
///                                       *sne::resolve_paths(sne::process_env()));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sne/config.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// Where the value of a setting in force comes from, in the order of precedence.
enum class SettingSource {
  unset,        ///< nothing sets it
  given,        ///< the caller's own choice (a flag)
  environment,  ///< an environment variable (SNE_ENDPOINT, SNE_GLPI_URL)
  file,         ///< the profile of the configuration file
  fallback,     ///< the built-in default ("sandbox" for the endpoint)
};

/// "unset", "flag", "env", "file" or "default".
SNE_EXPORT std::string_view to_string(SettingSource source) noexcept;

/// One key of a profile and the value in force.
struct Setting {
  std::string key;                              ///< "glpi_url"
  std::string description;                      ///< one line of English (config_keys())
  std::optional<std::string> value;             ///< nullopt when unset
  SettingSource source = SettingSource::unset;  ///< where the value comes from
  /// What set it: the flag or variable's name, the file's path, "default"; empty when unset.
  std::string origin;
  /// The variable that overrides the file for this key, or empty.
  std::string variable;
};

/// A value the caller chose itself for a key (from a flag), above the environment.
struct GivenSetting {
  std::string key;     ///< "endpoint"
  std::string value;   ///< empty: not given
  std::string origin;  ///< what gave it: "--endpoint"
};

/// Every key a profile may set (config_keys(), in that order) with the value in force, by the
/// precedence given > environment > `profile` (read from `file`) > default.
SNE_EXPORT std::vector<Setting> settings_in_force(const Profile& profile, const std::string& file,
                                                  const EnvLookup& env,
                                                  const std::vector<GivenSetting>& given);

/// The configuration file in force and what named it.
struct ConfigFile {
  std::string path;  ///< the file (it may not exist)
  /// given (ProfileRequest::config_file), environment ($SNE_CONFIG) or fallback (the XDG
  /// default, $XDG_CONFIG_HOME/sne/config.toml).
  SettingSource source = SettingSource::fallback;
};

/// The configuration file select_profile() reads: `request.config_file`, else $SNE_CONFIG,
/// else the XDG default (invalid_input when HOME and XDG_CONFIG_HOME give no directory).
SNE_EXPORT Result<ConfigFile> config_file_in_force(const ProfileRequest& request,
                                                   const EnvLookup& env);

/// The name of the profile in force, as select_profile() chooses it: `request.profile` (given),
/// else $SNE_PROFILE (environment), else the `profile` key of `config` (file), else "default"
/// (fallback). The profile need not exist in the file.
SNE_EXPORT std::pair<std::string, SettingSource> profile_name_in_force(
    const ProfileRequest& request, const EnvLookup& env, const Config& config);

/// Whether `key` may be written in a profile: invalid_input with subject "config_secret" for
/// a secret (a token or password), with subject "config_key" for a key no profile may set
/// (the message lists those that may).
SNE_EXPORT Status check_config_key(std::string_view key);

/// check_config_key(), then whether `value` is one `key` may take: an endpoint or GLPI URL
/// that parses (parse_endpoint(), glpi_canonical_url(), `paths` giving the sandbox's
/// default place), a département or code territoire that exists, a code guichet, a SIRET
/// whose checksum holds, the absolute path of a catalog that loads or of a readable CA file.
/// invalid_input naming the key.
SNE_EXPORT Status check_config_value(std::string_view key, std::string_view value,
                                     const Paths& paths);

/// The document `text` with `key` of profile `profile` set to `value`, or removed when
/// `value` is nullopt, edited as the file comment says. `origin` names the document in errors.
/// invalid_input when `text` does not parse (with line and column), when the key is refused
/// (check_config_key()), when the profile is not written as a `[profiles.NAME]` table, or when
/// the edited document would not say what was intended. The value is not checked
/// (check_config_value()).
SNE_EXPORT Result<std::string> edit_config_text(std::string_view text, std::string_view origin,
                                                std::string_view profile, std::string_view key,
                                                const std::optional<std::string>& value);

/// Sets `key` of `profile` to `value` in the file at `path` after check_config_value(), by
/// edit_config_text(); creates the file (0600) and its folder (0700) when missing, the table
/// when the profile has none. A symbolic link is followed: its target is edited.
SNE_EXPORT Status set_config_value(const std::string& path, std::string_view profile,
                                   std::string_view key, std::string_view value,
                                   const Paths& paths);

/// Removes `key` from `profile` in the file at `path`. True when it was set, false when the
/// file, the profile or the key was missing (nothing is written then).
SNE_EXPORT Result<bool> unset_config_value(const std::string& path, std::string_view profile,
                                           std::string_view key);

}  // namespace sne
