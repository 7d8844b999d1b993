#include "context.hpp"

#include <fmt/format.h>

#include <sne/glpi.hpp>

#include "i18n.hpp"

namespace sne::cli {

Context::Context() = default;
Context::~Context() = default;

Connection& Context::connection() {
  if (!connection_) {
    ConnectOptions options;
    options.endpoint = global.endpoint;
    options.endpoint_origin = "--endpoint";
    options.cacert = global.cacert;
    options.profile_request = {global.config_file, global.profile};
    if (global.debug)
      options.debug_log = [](std::string_view line) {
        fmt::print(stderr, "sne: debug: {}\n", one_line(line));
      };
    options.notes = [this](const Note& note) {
      if (note.level == Note::Level::info ? !out().json() : verbose()) out().note(note.text);
    };
    connection_ = std::make_unique<Connection>(std::move(options));
  }
  return *connection_;
}

Result<std::unique_ptr<Glpi>> Context::open_glpi_with(const std::string& url, std::string app_token,
                                                      std::string user_token) {
  return connection().open_glpi(url, std::move(app_token), std::move(user_token));
}

Result<std::shared_ptr<const Catalog>> Context::catalog(const std::string& flag_path) {
  std::string path = flag_path;
  if (path.empty()) {
    auto p = profile();
    if (!p) return p.error();
    path = (*p)->profile.get("catalog").value_or("");
  }
  if (path.empty()) {
    // The built-in catalog lives as long as the program; share it without owning it.
    return std::shared_ptr<const Catalog>(&Catalog::builtin(), [](const Catalog*) {});
  }
  auto loaded = Catalog::load_file(path);
  if (!loaded) return loaded.error();
  if (verbose())
    out().note(fmt::format(fmt::runtime(P_("catalog {} from {} ({} type)",
                                           "catalog {} from {} ({} types)", loaded->type_count())),
                           loaded->version(), path,
                           human_number(static_cast<long long>(loaded->type_count()))));
  return std::shared_ptr<const Catalog>(std::make_shared<Catalog>(std::move(*loaded)));
}

Result<const Territoire*> Context::departement(const std::string& flag) {
  std::string text = flag;
  if (text.empty()) {
    auto p = profile();
    if (!p) return p.error();
    text = (*p)->profile.get("departement").value_or("");
    if (text.empty()) return static_cast<const Territoire*>(nullptr);
  }
  return parse_departement(text);
}

}  // namespace sne::cli
