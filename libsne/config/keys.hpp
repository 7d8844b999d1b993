// Internal: the one table of the keys a profile may set, which the reader (config.cpp) and the
// editor (connect/config_edit.cpp) share: name, description, what a value must be, the
// environment variable that overrides it and its default.
#pragma once

#include <string_view>
#include <vector>

namespace sne::config {

/// What a value of a key must be; the editor checks it before writing.
enum class ValueKind {
  endpoint,     ///< sandbox, sandbox:PATH, http://... (loopback) or https://...
  glpi_url,     ///< the same forms, GLPI's API
  departement,  ///< a département or territory that exists ("57", "2A", "971")
  territoire,   ///< a code territoire that exists ("057")
  guichet,      ///< a code guichet: five upper-case letters or digits
  siret,        ///< a SIRET whose checksum holds
  catalog,      ///< the absolute path of a catalog that loads
  pem_file,     ///< the absolute path of a readable file
};

/// One key a profile may set.
struct KeyRule {
  std::string_view name;         ///< as written in the file: "glpi_url"
  std::string_view description;  ///< one line of English
  ValueKind kind;                ///< what a value must be
  std::string_view env;          ///< the variable that overrides it, or empty
  std::string_view fallback;     ///< its value when nothing sets it, or empty
};

/// Every key, sorted by name.
const std::vector<KeyRule>& key_rules();
/// The rule of `name`, or nullptr when no profile may set it.
const KeyRule* find_key_rule(std::string_view name);
/// Whether `name` is a secret (a token or a password, anything the credentials store holds):
/// never written in the configuration file.
bool is_secret_key(std::string_view name);

}  // namespace sne::config
