// The configuration file as `sne config` reads and edits it: settings in force with their
// source, values checked against the table of keys (config/keys.hpp), and edits made on the
// text, line by line, so that comments and layout survive.
#include "sne/config_edit.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "base/atomic_file.hpp"
#include "base/file.hpp"
#include "base/i18n.hpp"
#include "base/text.hpp"
#include "config/keys.hpp"
#include "sne/catalog.hpp"
#include "sne/glpi.hpp"
#include "sne/numero.hpp"
#include "sne/service.hpp"
#include "sne/siret.hpp"
#include "sne/territoire.hpp"

namespace sne {

namespace {

constexpr std::uint64_t kMaxConfigBytes = 1u << 20;
constexpr std::uint64_t kMaxCaBytes = 16u << 20;

Error invalid(std::string message, std::string subject) {
  return Error(ErrorCode::invalid_input, std::move(message), std::move(subject));
}

/// `v` as a TOML basic string: quotes, backslashes and control characters escaped, the rest
/// (UTF-8 included) as it is.
std::string quoted(std::string_view v) {
  std::string out = "\"";
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else
          out += ch;
    }
  }
  out += '"';
  return out;
}

/// A table name as a TOML key: bare when it can be, else quoted.
std::string key_text(std::string_view name) {
  bool bare = !name.empty();
  for (const char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      bare = false;
  return bare ? std::string(name) : quoted(name);
}

/// Byte offsets of the start of each line of `text`.
std::vector<std::size_t> line_starts(std::string_view text) {
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  return starts;
}

/// The byte offset of a toml++ position (line and column both from 1, columns counting code
/// points).
std::size_t offset_of(std::string_view text, const std::vector<std::size_t>& starts,
                      const toml::source_position& pos) {
  std::size_t at = starts.at(pos.line - 1);
  for (toml::source_index column = 1; column < pos.column && at < text.size(); ++column) {
    ++at;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

/// The offset just past the end of the line holding `at` (its '\n' included).
std::size_t past_line(std::string_view text, std::size_t at) {
  const auto nl = text.find('\n', at);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

std::string key_list() {
  std::string names;
  for (const auto& rule : config::key_rules()) {
    if (!names.empty()) names += ", ";
    names += rule.name;
  }
  return names;
}

Result<toml::table> parse_toml(std::string_view text, std::string_view origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return invalid(i18n::format(N_("{}: line {}, column {}: {}"), origin, e.source().begin.line,
                                e.source().begin.column, e.description()),
                   "toml");
  }
}

Status check_absolute(std::string_view key, std::string_view value) {
  if (value.front() != '/')
    return invalid(i18n::format(N_("{}: '{}' is relative: give an absolute path, which does not "
                                   "depend on the folder a command runs in"),
                                key, printable(value)),
                   "config_value");
  return Status();
}

/// The target of `path` when it is a symbolic link (dotfile managers link config files), so
/// that the file is edited rather than replaced by a copy; `path` otherwise.
std::string edited_path(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return path;
  return resolved;
}

/// Writes `text` at `path` atomically, with `mode`.
Status write_file(const std::string& path, std::string_view text, mode_t mode) {
  auto file = file::AtomicFile::create(path, /*overwrite=*/true);
  if (!file) return file.error();
  (*file)->write(text);
  if (auto done = (*file)->commit(); !done) return done;
  // The temporary file was 0600; a file that had another mode keeps it.
  if ((mode & 07777) != 0600 && ::chmod(path.c_str(), mode & 07777) != 0)
    return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
  return Status();
}

/// Edits the file at `path` with edit_config_text(); `value` nullopt removes the key. True when
/// the file changed.
Result<bool> edit_file(const std::string& given_path, std::string_view profile,
                       std::string_view key, const std::optional<std::string>& value) {
  const std::string path = edited_path(given_path);
  std::string text;
  mode_t mode = 0600;
  bool exists = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    auto read = file::read_all(path, kMaxConfigBytes);
    if (!read) return read.error();
    text = std::move(*read);
    mode = st.st_mode;
    exists = true;
  } else if (errno != ENOENT) {
    return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
  } else {
    if (!value) return false;
    const auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0)
      if (auto dir = file::make_private_dirs(path.substr(0, slash)); !dir) return dir.error();
    text = "# Settings of sne, by profile: see man sne-config.\n";
  }
  auto edited = edit_config_text(text, path, profile, key, value);
  if (!edited) return edited.error();
  if (exists && *edited == text) return false;
  if (auto written = write_file(path, *edited, mode); !written) return written.error();
  return true;
}

}  // namespace

std::string_view to_string(SettingSource source) noexcept {
  switch (source) {
    case SettingSource::unset: return "unset";
    case SettingSource::given: return "flag";
    case SettingSource::environment: return "env";
    case SettingSource::file: return "file";
    case SettingSource::fallback: return "default";
  }
  return "unset";
}

std::vector<Setting> settings_in_force(const Profile& profile, const std::string& file,
                                       const EnvLookup& env,
                                       const std::vector<GivenSetting>& given) {
  std::vector<Setting> settings;
  for (const auto& rule : config::key_rules()) {
    Setting s;
    s.key = std::string(rule.name);
    s.description = std::string(rule.description);
    s.variable = std::string(rule.env);
    for (const auto& g : given)
      if (g.key == rule.name && !g.value.empty() && !s.value) {
        s.value = g.value;
        s.source = SettingSource::given;
        s.origin = g.origin;
      }
    if (!s.value && !rule.env.empty())
      if (auto v = env(rule.env); v && !v->empty()) {
        s.value = *v;
        s.source = SettingSource::environment;
        s.origin = std::string(rule.env);
      }
    if (!s.value)
      if (auto v = profile.get(rule.name)) {
        s.value = *v;
        s.source = SettingSource::file;
        s.origin = file;
      }
    if (!s.value && !rule.fallback.empty()) {
      s.value = std::string(rule.fallback);
      s.source = SettingSource::fallback;
      s.origin = "default";
    }
    settings.push_back(std::move(s));
  }
  return settings;
}

Result<ConfigFile> config_file_in_force(const ProfileRequest& request, const EnvLookup& env) {
  if (!request.config_file.empty()) return ConfigFile{request.config_file, SettingSource::given};
  if (auto from_env = env("SNE_CONFIG"); from_env && !from_env->empty())
    return ConfigFile{*from_env, SettingSource::environment};
  auto paths = resolve_paths(env);
  if (!paths) return paths.error();
  return ConfigFile{paths->config_file, SettingSource::fallback};
}

std::pair<std::string, SettingSource> profile_name_in_force(const ProfileRequest& request,
                                                            const EnvLookup& env,
                                                            const Config& config) {
  if (!request.profile.empty()) return {request.profile, SettingSource::given};
  if (auto from_env = env("SNE_PROFILE"); from_env && !from_env->empty())
    return {*from_env, SettingSource::environment};
  if (!config.origin().empty() && config.default_profile() != "default")
    return {config.default_profile(), SettingSource::file};
  return {"default", SettingSource::fallback};
}

Status check_config_key(std::string_view key) {
  if (config::is_secret_key(key))
    return invalid(
        i18n::format(N_("{}: a secret; the configuration file holds no tokens nor passwords"),
                     printable(key)),
        "config_secret");
  if (config::find_key_rule(key) == nullptr)
    return invalid(
        i18n::format(N_("{}: no such key; a profile sets {}"), printable(key, 40), key_list()),
        "config_key");
  return Status();
}

Status check_config_value(std::string_view key, std::string_view value, const Paths& paths) {
  if (auto known = check_config_key(key); !known) return known;
  const auto* rule = config::find_key_rule(key);
  const std::string subject = "config_value";
  if (value.empty())
    return invalid(i18n::format(N_("{}: empty value (remove the key instead)"), key), subject);
  if (!text::valid_utf8(value))
    return invalid(i18n::format(N_("{}: the value is not valid UTF-8"), key), subject);
  for (const char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f')
      return invalid(i18n::format(N_("{}: the value holds a control character"), key), subject);
  switch (rule->kind) {
    case config::ValueKind::endpoint: {
      auto parsed = parse_endpoint(value, paths);
      if (!parsed) return parsed.error();
      return Status();
    }
    case config::ValueKind::glpi_url: {
      auto parsed = glpi_canonical_url(value, paths);
      if (!parsed) return parsed.error();
      return Status();
    }
    case config::ValueKind::departement: {
      auto parsed = parse_departement(value);
      if (!parsed) return Error(parsed.error()).prefixed(key);
      return Status();
    }
    case config::ValueKind::territoire:
      if (find_territoire(value) == nullptr)
        return invalid(i18n::format(N_("{}: '{}' is no code territoire (three characters: 057, "
                                       "02A, 971)"),
                                    key, printable(value, 40)),
                       subject);
      return Status();
    case config::ValueKind::guichet:
      if (!is_code_guichet(value))
        return invalid(i18n::format(N_("{}: '{}' is no code guichet (five upper-case letters or "
                                       "digits)"),
                                    key, printable(value, 40)),
                       subject);
      return Status();
    case config::ValueKind::siret: {
      auto parsed = Siret::parse(value);
      if (!parsed) return Error(parsed.error()).prefixed(key);
      return Status();
    }
    case config::ValueKind::catalog: {
      if (auto absolute = check_absolute(key, value); !absolute) return absolute;
      auto loaded = Catalog::load_file(std::string(value));
      if (!loaded) return Error(loaded.error()).prefixed(key);
      return Status();
    }
    case config::ValueKind::pem_file: {
      if (auto absolute = check_absolute(key, value); !absolute) return absolute;
      auto text = file::read_all(std::string(value), kMaxCaBytes);
      if (!text) return Error(text.error()).prefixed(key);
      if (text->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        return invalid(i18n::format(N_("{}: {} holds no PEM certificate"), key, printable(value)),
                       subject);
      return Status();
    }
  }
  return Status();
}

Result<std::string> edit_config_text(std::string_view text, std::string_view origin,
                                     std::string_view profile, std::string_view key,
                                     const std::optional<std::string>& value) {
  if (auto known = check_config_key(key); !known) return known.error();
  if (profile.empty() || !text::valid_utf8(profile) ||
      printable(profile, std::string::npos) != profile)
    return invalid(i18n::format(N_("profile '{}': not a profile name"), printable(profile, 40)),
                   "profile");
  // The reader's rules first: a file that sne cannot read is not edited.
  if (auto readable = Config::parse(text, origin); !readable) return readable.error();
  auto root = parse_toml(text, origin);
  if (!root) return root.error();

  const std::string nl = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  const std::string line_of_value =
      value ? fmt::format("{} = {}{}", key, quoted(*value), nl) : std::string();
  const auto starts = line_starts(text);
  std::string out(text);

  const toml::node* profiles_node = root->get("profiles");
  if (profiles_node != nullptr && profiles_node->as_table()->is_inline())
    return invalid(i18n::format(N_("{}: line {}: profiles are written as an inline table; only "
                                   "[profiles.NAME] tables are edited"),
                                origin, profiles_node->source().begin.line),
                   "profile");
  const toml::table* table =
      profiles_node == nullptr ? nullptr : profiles_node->as_table()->get_as<toml::table>(profile);

  if (table == nullptr) {
    if (!value) return out;
    if (!out.empty() && out.back() != '\n') out += nl;
    if (!out.empty()) out += nl;
    out += fmt::format("[profiles.{}]{}", key_text(profile), nl) + line_of_value;
  } else {
    const auto header = table->source().begin;
    const std::size_t header_at = starts.at(header.line - 1);
    const std::string_view header_line =
        std::string_view(text).substr(header_at, past_line(text, header_at) - header_at);
    const auto first = header_line.find_first_not_of(" \t");
    if (table->is_inline() || first == std::string_view::npos || header_line[first] != '[' ||
        header_line.substr(first, 2) == "[[")
      return invalid(i18n::format(N_("{}: line {}: profile '{}' is written as an inline table or "
                                     "with dotted keys; only [profiles.NAME] tables are edited"),
                                  origin, header.line, printable(profile)),
                     "profile");
    const toml::key* found_key = nullptr;
    const toml::node* found_value = nullptr;
    toml::source_index last_line = header.line;
    for (const auto& [k, v] : *table) {
      last_line = std::max(last_line, v.source().end.line);
      if (k.str() == key) {
        found_key = &k;
        found_value = &v;
      }
    }
    if (found_key != nullptr && found_key->source().begin.line <= header.line)
      return invalid(i18n::format(N_("{}: line {}: {} of profile '{}' is written with dotted "
                                     "keys; only [profiles.NAME] tables are edited"),
                                  origin, found_key->source().begin.line, key, printable(profile)),
                     "profile");
    if (found_key != nullptr && value) {
      // The value alone is replaced: what follows it on its line (a comment) stays.
      const std::size_t begin = offset_of(text, starts, found_value->source().begin);
      const std::size_t end = offset_of(text, starts, found_value->source().end);
      out.replace(begin, end - begin, quoted(*value));
    } else if (found_key != nullptr) {
      const std::size_t begin = starts.at(found_key->source().begin.line - 1);
      const std::size_t end = past_line(text, offset_of(text, starts, found_value->source().end));
      out.erase(begin, end - begin);
    } else if (value) {
      std::size_t at = past_line(text, starts.at(last_line - 1));
      std::string insert = line_of_value;
      if (at == text.size() && !text.empty() && text.back() != '\n') insert.insert(0, nl);
      out.insert(at, insert);
    }
  }

  // The edited document must say what was intended, and nothing else changed.
  toml::table expected = *root;
  if (value) {
    if (!expected.contains("profiles")) expected.insert("profiles", toml::table());
    toml::table& profiles = *expected["profiles"].as_table();
    if (!profiles.contains(profile)) profiles.insert(profile, toml::table());
    profiles[profile].as_table()->insert_or_assign(key, *value);
  } else if (auto* t = expected["profiles"][profile].as_table()) {
    t->erase(key);
  }
  auto reread = parse_toml(out, origin);
  if (!reread || !(*reread == expected) || !Config::parse(out, origin))
    return invalid(
        i18n::format(N_("{}: this layout cannot be edited safely; edit the file by hand"), origin),
        "profile");
  return out;
}

Status set_config_value(const std::string& path, std::string_view profile, std::string_view key,
                        std::string_view value, const Paths& paths) {
  if (auto checked = check_config_value(key, value, paths); !checked) return checked;
  auto edited = edit_file(path, profile, key, std::string(value));
  if (!edited) return edited.error();
  return Status();
}

Result<bool> unset_config_value(const std::string& path, std::string_view profile,
                                std::string_view key) {
  if (auto known = check_config_key(key); !known) return known.error();
  return edit_file(path, profile, key, std::nullopt);
}

}  // namespace sne
