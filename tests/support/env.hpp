// An environment for the functions that read one through sne::EnvLookup: the variables given,
// nothing else, whatever the test process's own environment holds.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sne/config.hpp"

namespace sne::testing {

inline EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace sne::testing
