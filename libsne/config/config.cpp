#include "sne/config.hpp"

#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "base/file.hpp"
#include "base/i18n.hpp"
#include "base/text.hpp"
#include "config/keys.hpp"

namespace sne {

namespace {

constexpr std::uint64_t kMaxConfigBytes = 1u << 20;

const std::vector<config::KeyRule> kRules{
    {"cacert", N_("extra CA bundle (PEM) trusted for an https endpoint"),
     config::ValueKind::pem_file, "", ""},
    {"catalog", N_("path of a JSON catalog of piece types replacing the built-in one"),
     config::ValueKind::catalog, "", ""},
    {"departement", N_("département whose public holidays apply when a command is given none"),
     config::ValueKind::departement, "", ""},
    {"endpoint", N_("web service: sandbox, sandbox:PATH, http://... or https://..."),
     config::ValueKind::endpoint, "SNE_ENDPOINT", "sandbox"},
    {"glpi_url",
     N_("GLPI of the support desk: https://HOST/PATH/apirest.php (its tokens: in the credentials "
        "store)"),
     config::ValueKind::glpi_url, "SNE_GLPI_URL", ""},
    {"guichet", N_("code guichet printed on fiches de transmission"), config::ValueKind::guichet,
     "", ""},
    {"siret", N_("SIRET of that guichet"), config::ValueKind::siret, "", ""},
    {"territoire", N_("code territoire of that guichet"), config::ValueKind::territoire, "", ""},
};

/// The public view of kRules: name and description.
const std::vector<ConfigKey> kKeys = [] {
  std::vector<ConfigKey> keys;
  keys.reserve(kRules.size());
  for (const auto& rule : kRules) keys.push_back({rule.name, rule.description});
  return keys;
}();

bool known_key(std::string_view key) { return config::find_key_rule(key) != nullptr; }

Error config_error(std::string_view origin, const toml::source_region& where,
                   const std::string& what, std::string subject) {
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("{}: line {}, column {}: {}"), origin, where.begin.line,
                            where.begin.column, i18n::Nested{what}),
               std::move(subject));
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Paths> resolve_paths(const EnvLookup& env) {
  auto base = [&](std::string_view xdg, std::string_view fallback) -> Result<std::string> {
    if (auto v = env(xdg); v && !v->empty() && v->front() == '/') return *v + "/sne";
    auto home = env("HOME");
    if (!home || home->empty() || home->front() != '/')
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("neither {} nor HOME is an absolute directory"), xdg), "HOME");
    return *home + "/" + std::string(fallback) + "/sne";
  };
  auto config = base("XDG_CONFIG_HOME", ".config");
  if (!config) return config.error();
  auto data = base("XDG_DATA_HOME", ".local/share");
  if (!data) return data.error();
  auto state = base("XDG_STATE_HOME", ".local/state");
  if (!state) return state.error();
  Paths p;
  p.config_dir = *config;
  p.config_file = *config + "/config.toml";
  if (auto explicit_file = env("SNE_CONFIG"); explicit_file && !explicit_file->empty())
    p.config_file = *explicit_file;
  p.data_dir = *data;
  p.state_dir = *state;
  return p;
}

const std::vector<ConfigKey>& config_keys() { return kKeys; }

namespace config {

const std::vector<KeyRule>& key_rules() { return kRules; }

const KeyRule* find_key_rule(std::string_view name) {
  for (const auto& rule : kRules)
    if (rule.name == name) return &rule;
  return nullptr;
}

bool is_secret_key(std::string_view name) {
  // What the credentials store holds, and what anyone would call a secret.
  for (std::string_view word : {"token", "password", "passwd", "secret", "api_key", "apikey"})
    if (text::ascii_lower(name).find(word) != std::string::npos) return true;
  return false;
}

}  // namespace config

std::optional<std::string> Profile::get(std::string_view key) const {
  for (const auto& [k, v] : values_)
    if (k == key) return v;
  return std::nullopt;
}

void Profile::set(std::string key, std::string value) {
  for (auto& [k, v] : values_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  values_.emplace_back(std::move(key), std::move(value));
}

Result<Config> Config::parse(std::string_view toml_text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return config_error(origin, e.source(), std::string(e.description()), "toml");
  }
  Config c;
  c.origin_ = std::string(origin);
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k == "profile") {
      const auto* s = node.as_string();
      if (s == nullptr || s->get().empty())
        return config_error(origin, node.source(),
                            i18n::format(N_("profile: expected a profile name")), k);
      c.default_profile_ = s->get();
    } else if (k == "profiles") {
      const auto* profiles = node.as_table();
      if (profiles == nullptr)
        return config_error(origin, node.source(),
                            i18n::format(N_("profiles: expected tables [profiles.NAME]")), k);
      for (const auto& [pname, pnode] : *profiles) {
        const std::string name(printable(pname.str()));
        const auto* table = pnode.as_table();
        if (table == nullptr)
          return config_error(origin, pnode.source(),
                              i18n::format(N_("profiles.{}: expected a table"), name),
                              "profiles." + name);
        Profile profile(name);
        for (const auto& [skey, snode] : *table) {
          const std::string setting(printable(skey.str()));
          const std::string path = fmt::format("profiles.{}.{}", name, setting);
          if (!known_key(setting))
            return config_error(origin, skey.source(), i18n::format(N_("{}: unknown key"), path),
                                path);
          const auto* value = snode.as_string();
          if (value == nullptr)
            return config_error(origin, snode.source(),
                                i18n::format(N_("{}: expected a string"), path), path);
          profile.set(setting, value->get());
        }
        c.profiles_.push_back(std::move(profile));
      }
    } else {
      return config_error(
          origin, key.source(),
          i18n::format(N_("{}: unknown key (settings go in [profiles.NAME])"), printable(k)), k);
    }
  }
  return c;
}

Result<Config> Config::load(const std::string& path, bool must_exist) {
  auto text = file::read_all(path, kMaxConfigBytes);
  if (!text) {
    if (!must_exist && text.error().code() == ErrorCode::io && !file::exists(path)) return Config{};
    return text.error();
  }
  return parse(*text, path);
}

std::vector<std::string> Config::profile_names() const {
  std::vector<std::string> names;
  for (const auto& p : profiles_) names.push_back(p.name());
  return names;
}

Result<Profile> Config::profile(std::string_view name, bool must_exist) const {
  for (const auto& p : profiles_)
    if (p.name() == name) return p;
  if (must_exist)
    return Error(
        ErrorCode::invalid_input,
        origin_.empty()
            ? i18n::format(N_("no profile '{}': there is no configuration file"), printable(name))
            : i18n::format(N_("no profile '{}' in {}"), printable(name), origin_),
        "profile");
  return Profile(std::string(name));
}

Result<ActiveProfile> select_profile(const ProfileRequest& request, const EnvLookup& env) {
  ActiveProfile active;
  bool file_named = true;
  if (!request.config_file.empty()) {
    active.config_file = request.config_file;
  } else if (auto from_env = env("SNE_CONFIG"); from_env && !from_env->empty()) {
    active.config_file = *from_env;
  } else {
    // Without HOME nor XDG_CONFIG_HOME there is no default file: defaults apply.
    auto paths = resolve_paths(env);
    if (paths) active.config_file = paths->config_file;
    file_named = false;
  }
  auto config = active.config_file.empty() ? Result<Config>(Config{})
                                           : Config::load(active.config_file, file_named);
  if (!config) return config.error();
  active.file_read = !config->origin().empty();

  std::string name = request.profile;
  if (name.empty())
    if (auto from_env = env("SNE_PROFILE"); from_env && !from_env->empty()) name = *from_env;
  const bool profile_named = !name.empty();
  if (!profile_named) name = config->default_profile();
  auto profile = config->profile(name, profile_named || name != "default");
  if (!profile) return profile.error();
  active.profile = std::move(*profile);
  return active;
}

}  // namespace sne
