/// @file
/// Where sne keeps its files, and the profiles of its configuration file.
///
/// The configuration file is TOML:
///
///     profile = "guichet-nimes"          # the profile used when none is named (else "default")
///
///     [profiles.guichet-nimes]
///     catalog = "/etc/sne/catalog.json"  # a catalog replacing the built-in one
///     departement = "30"                 # for jours ouvrés when none is given
///
/// Only the keys listed by config_keys() are accepted: a misspelt key is an error, not a silent
/// default. Precedence (flags > environment > file > defaults) is applied by the caller.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// Reads one environment variable; nullopt when unset. Injected so that tests need not touch
/// the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv).
SNE_EXPORT EnvLookup process_env();

/// The files and folders sne uses, after the XDG base-directory rules.
struct Paths {
  std::string config_file;  ///< $SNE_CONFIG, else $XDG_CONFIG_HOME/sne/config.toml
  std::string config_dir;   ///< $XDG_CONFIG_HOME/sne (default ~/.config/sne)
  std::string data_dir;     ///< $XDG_DATA_HOME/sne (default ~/.local/share/sne)
  std::string state_dir;    ///< $XDG_STATE_HOME/sne (default ~/.local/state/sne)
};

/// Resolves Paths from the environment; invalid_input when neither the XDG variable nor HOME
/// gives an absolute directory.
SNE_EXPORT Result<Paths> resolve_paths(const EnvLookup& env);

/// A key a profile may set.
struct ConfigKey {
  /// The key as written in the file ("departement").
  std::string_view name;
  /// One line of English saying what the key sets.
  std::string_view description;
};
/// Every key a profile may set, each with a line saying what it sets.
SNE_EXPORT const std::vector<ConfigKey>& config_keys();

/// The settings of one profile: known keys only, as strings.
class SNE_EXPORT Profile {
 public:
  /// An empty profile named `name`.
  explicit Profile(std::string name = "default") : name_(std::move(name)) {}
  /// The profile's name: the part after "profiles." in the file.
  const std::string& name() const noexcept { return name_; }
  /// The value of `key`; nullopt when the profile does not set it.
  std::optional<std::string> get(std::string_view key) const;
  /// Sets `key` to `value`, in place of an earlier value (no check that the key is known).
  void set(std::string key, std::string value);
  /// Every key the profile sets and its value, in the order first set.
  const std::vector<std::pair<std::string, std::string>>& values() const noexcept {
    return values_;
  }

 private:
  std::string name_;
  std::vector<std::pair<std::string, std::string>> values_;
};

/// A parsed configuration file: its profiles and the one used when none is named. A missing
/// file reads as an empty Config whose default profile is "default".
class SNE_EXPORT Config {
 public:
  /// Parses a configuration document; `origin` names it in errors, which are invalid_input
  /// with "line L, column C" or the key at fault ("profiles.x.catalgo: unknown key").
  static Result<Config> parse(std::string_view toml, std::string_view origin);
  /// Reads `path`. A missing file gives an empty Config unless `must_exist`.
  static Result<Config> load(const std::string& path, bool must_exist);

  /// Where it was read from; empty when no file was read.
  const std::string& origin() const noexcept { return origin_; }
  /// The profile named by the file's top-level `profile` key, else "default".
  const std::string& default_profile() const noexcept { return default_profile_; }
  /// The profiles the file defines, sorted by name.
  std::vector<std::string> profile_names() const;
  /// The profile `name`. A profile that the file does not define is an invalid_input error
  /// when `must_exist`, else an empty profile.
  Result<Profile> profile(std::string_view name, bool must_exist) const;

 private:
  std::string origin_;
  std::string default_profile_ = "default";
  std::vector<Profile> profiles_;
};

/// What the command line asked for; empty strings mean "not given".
struct ProfileRequest {
  std::string config_file;  ///< --config
  std::string profile;      ///< --profile
};

/// The profile in force and where it came from.
struct ActiveProfile {
  /// The profile's settings (an empty "default" profile when the file does not exist).
  Profile profile;
  std::string config_file;  ///< the file consulted (it may not exist); empty when none could be
  bool file_read = false;   ///< whether that file existed and was read
};

/// Applies the precedence of the command line: the file is --config, else $SNE_CONFIG, else
/// the XDG default (a missing default file is no error, nor is the lack of HOME to find it; a
/// missing named one is an error); the profile is
/// --profile, else $SNE_PROFILE, else the file's `profile` key, else "default" (a profile named
/// by flag or environment must exist in the file).
SNE_EXPORT Result<ActiveProfile> select_profile(const ProfileRequest& request,
                                                const EnvLookup& env);

}  // namespace sne
