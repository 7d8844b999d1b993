// sne config get|set|unset|list|path: the profile of the configuration file, read and edited in
// place (sne/config_edit.hpp).
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include <sne/config_edit.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

struct KeyOptions {
  std::string key;
  std::string value;
};

ProfileRequest request_of(const Context& ctx) {
  return {ctx.global.config_file, ctx.global.profile};
}

std::string_view file_source(SettingSource source) {
  switch (source) {
    case SettingSource::given: return "--config";
    case SettingSource::environment: return "SNE_CONFIG";
    default: return "default";
  }
}

/// Where a setting comes from, for a human (`sne config list`); --json has to_string()'s code.
std::string_view source_label(SettingSource source) {
  switch (source) {
    // TRANSLATORS: the SOURCE of a key in 'sne config list': nothing sets it.
    case SettingSource::unset: return _("unset");
    // TRANSLATORS: the SOURCE of a key in 'sne config list': a flag such as --endpoint.
    case SettingSource::given: return _("flag");
    // TRANSLATORS: the SOURCE of a key in 'sne config list': an environment variable.
    case SettingSource::environment: return _("env");
    // TRANSLATORS: the SOURCE of a key in 'sne config list': the configuration file.
    case SettingSource::file: return _("file");
    // TRANSLATORS: the SOURCE of a key in 'sne config list': sne's built-in default.
    case SettingSource::fallback: return _("default");
  }
  return to_string(source);
}

/// The settings that global flags give, above the environment and the file.
std::vector<GivenSetting> given_of(const Context& ctx) {
  return {{"endpoint", ctx.global.endpoint, "--endpoint"},
          {"cacert", ctx.global.cacert, "--cacert"}};
}

/// The file in force, its contents and the name of the profile in force.
struct Target {
  ConfigFile file;
  Config config;
  std::string profile;
  SettingSource profile_source = SettingSource::fallback;
};

Result<Target> target(const Context& ctx, const EnvLookup& env) {
  auto file = config_file_in_force(request_of(ctx), env);
  if (!file) return file.error();
  // A file named by --config or SNE_CONFIG must exist to be read, as for every command; it is
  // created by 'set' all the same.
  auto config = Config::load(file->path, false);
  if (!config) return config.error();
  auto [name, source] = profile_name_in_force(request_of(ctx), env, *config);
  return Target{std::move(*file), std::move(*config), std::move(name), source};
}

/// The settings of the profile in force, which must exist when named by flag or environment.
Result<std::pair<Target, std::vector<Setting>>> settings(const Context& ctx) {
  const EnvLookup env = process_env();
  auto t = target(ctx, env);
  if (!t) return t.error();
  if (t->file.source != SettingSource::fallback && t->config.origin().empty())
    return Error(ErrorCode::io, tr(N_("{}: no such file"), t->file.path), t->file.path);
  // As select_profile(): a profile named by flag, environment or the file's key must exist.
  auto profile = t->config.profile(t->profile, t->profile_source != SettingSource::fallback);
  if (!profile) return profile.error();
  auto all = settings_in_force(*profile, t->file.path, env, given_of(ctx));
  return std::make_pair(std::move(*t), std::move(all));
}

Json setting_json(const Setting& s, const std::string& profile) {
  Json doc = Json::object();
  doc.set("key", s.key)
      .set("value", s.value ? Json(*s.value) : Json())
      .set("source", to_string(s.source))
      .set("origin", s.origin.empty() ? Json() : Json(s.origin))
      .set("profile", profile);
  return doc;
}

CommandResult run_get(const KeyOptions& o, Context& ctx) {
  if (auto known = check_config_key(o.key); !known) return known.error();
  auto found = settings(ctx);
  if (!found) return found.error();
  const Target& t = found->first;
  const std::vector<Setting>& all = found->second;
  for (const Setting& s : all) {
    if (s.key != o.key) continue;
    if (!s.value)
      return Error(
          ErrorCode::not_found,
          t.config.origin().empty()
              ? tr(N_("{}: not set in profile '{}' (no configuration file)"), s.key, t.profile)
              : tr(N_("{}: not set in profile '{}' of {}"), s.key, t.profile, t.file.path),
          "config_unset");
    if (ctx.out().json())
      ctx.out().print(setting_json(s, t.profile));
    else
      ctx.out().line(*s.value);
    return kExitOk;
  }
  return Error(ErrorCode::internal, "a known key without a setting");
}

/// Warns when a variable or a flag sets `key`: the file's value will not be used.
void warn_overridden(const std::string& key, Context& ctx) {
  for (const Setting& s : settings_in_force(Profile(), "", process_env(), given_of(ctx)))
    if (s.key == key &&
        (s.source == SettingSource::environment || s.source == SettingSource::given))
      ctx.out().warning(
          fmt::format(fmt::runtime(_("{} is set and overrides the file's {}")), s.origin, key));
}

CommandResult run_set(const KeyOptions& o, Context& ctx) {
  auto paths = ctx.paths();
  if (!paths) return paths.error();
  auto t = target(ctx, process_env());
  if (!t) return t.error();
  if (auto done = set_config_value(t->file.path, t->profile, o.key, o.value, **paths); !done)
    return done.error();
  if (ctx.out().json()) {
    ctx.out().print(Json::object()
                        .set("key", o.key)
                        .set("value", o.value)
                        .set("profile", t->profile)
                        .set("file", t->file.path));
  } else {
    ctx.out().line(fmt::format(fmt::runtime(_("Set {} of profile '{}' in {}.")), o.key,
                               one_line(t->profile), t->file.path));
  }
  warn_overridden(o.key, ctx);
  return kExitOk;
}

CommandResult run_unset(const KeyOptions& o, Context& ctx) {
  auto t = target(ctx, process_env());
  if (!t) return t.error();
  auto removed = unset_config_value(t->file.path, t->profile, o.key);
  if (!removed) return removed.error();
  if (ctx.out().json()) {
    ctx.out().print(Json::object()
                        .set("key", o.key)
                        .set("profile", t->profile)
                        .set("file", t->file.path)
                        .set("removed", *removed));
  } else if (*removed) {
    ctx.out().line(fmt::format(fmt::runtime(_("Removed {} from profile '{}' in {}.")), o.key,
                               one_line(t->profile), t->file.path));
  } else {
    ctx.out().line(
        fmt::format(fmt::runtime(_("{} was not set in profile '{}' of {}: nothing to remove.")),
                    o.key, one_line(t->profile), t->file.path));
  }
  return kExitOk;
}

CommandResult run_list(const int&, Context& ctx) {
  auto found = settings(ctx);
  if (!found) return found.error();
  const Target& t = found->first;
  const std::vector<Setting>& all = found->second;
  if (ctx.out().json()) {
    ctx.out().print_array(all.size(),
                          [&](std::size_t i) { return setting_json(all[i], t.profile); });
    return kExitOk;
  }
  ctx.out().note(t.config.origin().empty()
                     ? fmt::format(fmt::runtime(_("profile '{}': no configuration file at {}")),
                                   t.profile, t.file.path)
                     : fmt::format(fmt::runtime(_("profile '{}' of {}")), t.profile, t.file.path));
  // TRANSLATORS: the headers of 'sne config list'.
  Table table({_("KEY"), _("VALUE"), _("SOURCE")});
  for (const Setting& s : all) {
    std::string source(source_label(s.source));
    if (s.source == SettingSource::given || s.source == SettingSource::environment)
      source += " (" + s.origin + ")";
    table.add({s.key, s.value.value_or(""), source},
              {Style::plain, Style::plain, s.value ? Style::plain : Style::dim});
  }
  table.print(ctx.out());
  return kExitOk;
}

CommandResult run_path(const int&, Context& ctx) {
  auto file = config_file_in_force(request_of(ctx), process_env());
  if (!file) return file.error();
  if (ctx.out().json()) {
    std::error_code ignored;
    ctx.out().print(Json::object()
                        .set("path", file->path)
                        .set("source", file_source(file->source))
                        .set("exists", std::filesystem::exists(file->path, ignored)));
  } else {
    ctx.out().line(file->path);
  }
  return kExitOk;
}

/// "KEY:{cacert,catalog,...}": the keys, as CLI11 writes a set of choices, for help and for
/// completions; unknown keys are refused by the library, secrets with their own advice.
std::string key_type() {
  std::string names;
  for (const ConfigKey& key : config_keys())
    names += (names.empty() ? "" : ",") + std::string(key.name);
  return "KEY:{" + names + "}";
}

}  // namespace

void setup_config(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "config", _("Read and edit the profiles of the configuration file"));

  auto g = std::make_shared<KeyOptions>();
  auto* get = noun->add_subcommand("get", _("Print the value in force of a key of the profile"));
  get->add_option("KEY", g->key, _("The key (see 'sne config list')"))
      ->required()
      ->type_name(key_type());
  on_parsed(*get, ctx, g, run_get);

  auto s = std::make_shared<KeyOptions>();
  auto* set =
      noun->add_subcommand("set", _("Set a key of the profile, keeping the file's comments"));
  set->add_option("KEY", s->key, _("The key (see 'sne config list')"))
      ->required()
      ->type_name(key_type());
  set->add_option("VALUE", s->value, _("Its value (checked before it is written)"))->required();
  on_parsed(*set, ctx, s, run_set);

  auto u = std::make_shared<KeyOptions>();
  auto* unset = noun->add_subcommand("unset", _("Remove a key from the profile"));
  unset->add_option("KEY", u->key, _("The key"))->required()->type_name(key_type());
  on_parsed(*unset, ctx, u, run_unset);

  auto none = std::make_shared<int>(0);
  auto* list = noun->add_subcommand(
      "list", _("Show every key of the profile, its value and where it comes from"));
  on_parsed(*list, ctx, none, run_list);

  auto* path = noun->add_subcommand("path", _("Print the path of the configuration file in force"));
  on_parsed(*path, ctx, none, run_path);
}

}  // namespace sne::cli
