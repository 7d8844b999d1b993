#include <doctest/doctest.h>

#include <map>

#include "sne/config.hpp"

using namespace sne;

namespace {
EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST_CASE("config: XDG paths with HOME fallbacks") {
  auto p = resolve_paths(env({{"HOME", "/home/ana"}}));
  REQUIRE(p.ok());
  CHECK(p->config_file == "/home/ana/.config/sne/config.toml");
  CHECK(p->data_dir == "/home/ana/.local/share/sne");
  CHECK(p->state_dir == "/home/ana/.local/state/sne");

  auto x = resolve_paths(env({{"HOME", "/home/ana"}, {"XDG_CONFIG_HOME", "/etc/xdg"},
                              {"XDG_DATA_HOME", "relative/ignored"}, {"SNE_CONFIG", "/tmp/c.toml"}}));
  REQUIRE(x.ok());
  CHECK(x->config_dir == "/etc/xdg/sne");
  CHECK(x->config_file == "/tmp/c.toml");
  CHECK(x->data_dir == "/home/ana/.local/share/sne");  // relative XDG values are ignored

  CHECK_FALSE(resolve_paths(env({})).ok());
}

TEST_CASE("config: profiles and the default profile") {
  auto c = Config::parse(R"(
profile = "nimes"
[profiles.nimes]
departement = "30"
[profiles.metz]
departement = "57"
catalog = "/etc/sne/catalog.json"
)", "config.toml");
  REQUIRE(c.ok());
  CHECK(c->default_profile() == "nimes");
  CHECK(c->profile_names() == std::vector<std::string>{"metz", "nimes"});  // sorted
  CHECK(c->profile("metz", true)->get("catalog") == "/etc/sne/catalog.json");
  CHECK(c->profile("nimes", true)->get("departement") == "30");
  CHECK_FALSE(c->profile("nimes", true)->get("catalog").has_value());
  auto missing = c->profile("lyon", true);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message() == "no profile 'lyon' in config.toml");
  CHECK(c->profile("lyon", false).ok());
}

TEST_CASE("config: an empty document uses the default profile") {
  auto c = Config::parse("", "config.toml");
  REQUIRE(c.ok());
  CHECK(c->default_profile() == "default");
  CHECK(c->profile("default", false)->values().empty());
}

TEST_CASE("config: unknown keys and bad values are refused with their position") {
  auto typo = Config::parse("[profiles.x]\ncatalgo = \"a\"\n", "c.toml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message() == "c.toml: line 2, column 1: profiles.x.catalgo: unknown key");
  CHECK(typo.error().subject() == "profiles.x.catalgo");

  auto type = Config::parse("[profiles.x]\ndepartement = 57\n", "c.toml");
  REQUIRE_FALSE(type.ok());
  CHECK(type.error().message() == "c.toml: line 2, column 15: profiles.x.departement: expected a string");

  auto top = Config::parse("endpoint = \"x\"\n", "c.toml");
  REQUIRE_FALSE(top.ok());
  CHECK(top.error().message().find("endpoint: unknown key") != std::string::npos);

  auto syntax = Config::parse("[profiles.x\n", "c.toml");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().message().rfind("c.toml: line 1", 0) == 0);
  CHECK(syntax.error().code() == ErrorCode::invalid_input);
}

TEST_CASE("config: a missing file is empty unless it must exist") {
  CHECK(Config::load("/nonexistent/sne/config.toml", false).ok());
  auto must = Config::load("/nonexistent/sne/config.toml", true);
  REQUIRE_FALSE(must.ok());
  CHECK(must.error().code() == ErrorCode::io);
}
