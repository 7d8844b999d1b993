#include "base/plugin.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne::plugin {

std::string library_folder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&library_folder), &info) == 0 || info.dli_fname == nullptr)
    return ".";
  std::string file = info.dli_fname;
  const auto slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

std::string path_of(std::string_view name) {
  return fmt::format("{}/libsne-{}/{}.so", library_folder(), SNE_SOVERSION, name);
}

Status load(std::string_view name, std::string_view what) {
  static std::mutex mutex;
  static std::map<std::string, Status, std::less<>> outcomes;
  const std::lock_guard<std::mutex> lock(mutex);
  if (auto known = outcomes.find(name); known != outcomes.end()) return known->second;
  const std::string path = path_of(name);
  Status outcome;
  if (dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) == nullptr) {
    const char* why = dlerror();
    const std::string said = i18n::format(std::string(what).c_str());  // an N_() text
    outcome = Error(ErrorCode::io,
                    i18n::format(N_("{} cannot be loaded: {}; reinstall libsne"),
                                 i18n::Nested{said}, why != nullptr ? why : path),
                    path);
  }
  outcomes.emplace(std::string(name), outcome);
  return outcome;
}

}  // namespace sne::plugin
