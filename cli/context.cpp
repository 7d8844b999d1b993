#include "context.hpp"

#include <fmt/format.h>

namespace sne::cli {

Result<const ActiveProfile*> Context::profile() {
  if (!profile_) {
    auto active = select_profile({global.config_file, global.profile}, process_env());
    if (!active) return active.error();
    profile_ = std::move(*active);
    if (verbose())
      out().note(
          profile_->file_read
              ? fmt::format("profile '{}' from {}", profile_->profile.name(), profile_->config_file)
              : fmt::format("no configuration file at {}; defaults apply", profile_->config_file));
  }
  return &*profile_;
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
    out().note(fmt::format("catalog {} from {} ({} types)", loaded->version(), path,
                           loaded->type_count()));
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
