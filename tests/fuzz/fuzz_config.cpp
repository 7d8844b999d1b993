// Fuzz target: editing a configuration file in place never crashes, and an edit that succeeds
// says exactly what was asked: the key set (or removed) in its profile, every other profile and
// key as the reader read them before.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

#include "sne/config_edit.hpp"

using sne::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte chooses the edit: the profile, the key, a value or none.
  const std::uint8_t choice = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string profile = (choice & 1) != 0 ? "default" : "metz";
  const std::string key = (choice & 2) != 0 ? "guichet" : "departement";
  std::optional<std::string> value;
  if ((choice & 4) == 0) value = (choice & 8) != 0 ? "a \"b\" \\ é\t" : "57";

  auto before = sne::Config::parse(text, "fuzz");
  auto edited = sne::edit_config_text(text, "fuzz", profile, key, value);
  if (!edited.ok()) {
    require(edited.error().code() == sne::ErrorCode::invalid_input);
    return 0;
  }
  require(before.ok());  // a file the reader refuses is never edited
  auto after = sne::Config::parse(*edited, "fuzz");
  require(after.ok());
  require(after->default_profile() == before->default_profile());
  auto names = before->profile_names();
  if (value && !before->profile(profile, true).ok()) names.push_back(profile);
  // The same set of names: profile_names() orders them by the names as written in the file,
  // which differ from the printable ones compared here when they hold control characters.
  std::sort(names.begin(), names.end());
  auto after_names = after->profile_names();
  std::sort(after_names.begin(), after_names.end());
  require(after_names == names);
  for (const auto& name : names) {
    const auto was = before->profile(name, false);
    const auto now = after->profile(name, false);
    for (const auto& k : sne::config_keys()) {
      if (name == profile && k.name == key)
        require(now->get(k.name) == value);
      else
        require(now->get(k.name) == was->get(k.name));
    }
  }
  return 0;
}
