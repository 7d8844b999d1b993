#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include <unistd.h>

#include "../support/env.hpp"
#include "sne/config.hpp"

using namespace sne;

using testing::env;

TEST_CASE("config: XDG paths with HOME fallbacks") {
  auto p = resolve_paths(env({{"HOME", "/home/ana"}}));
  REQUIRE(p.ok());
  CHECK(p->config_file == "/home/ana/.config/sne/config.toml");
  CHECK(p->data_dir == "/home/ana/.local/share/sne");
  CHECK(p->state_dir == "/home/ana/.local/state/sne");

  auto x = resolve_paths(env({{"HOME", "/home/ana"},
                              {"XDG_CONFIG_HOME", "/etc/xdg"},
                              {"XDG_DATA_HOME", "relative/ignored"},
                              {"SNE_CONFIG", "/tmp/c.toml"}}));
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
)",
                         "config.toml");
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
  CHECK(type.error().message() ==
        "c.toml: line 2, column 15: profiles.x.departement: expected a string");

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

namespace {
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/sne-config-test-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    path = name;
    std::ofstream(path) << text;
    ::close(fd);
  }
  ~TempFile() { std::remove(path.c_str()); }
};
}  // namespace

TEST_CASE("config: precedence of flags, environment, file and defaults") {
  TempFile file(
      "profile = \"b\"\n[profiles.a]\ndepartement = \"57\"\n[profiles.b]\ndepartement = \"974\"\n");

  // The file's own default profile.
  auto by_file = select_profile({file.path, ""}, env({{"HOME", "/nonexistent"}}));
  REQUIRE(by_file.ok());
  CHECK(by_file->profile.name() == "b");
  CHECK(by_file->file_read);

  // SNE_PROFILE beats the file; --profile beats SNE_PROFILE.
  auto by_env = select_profile({file.path, ""}, env({{"HOME", "/x"}, {"SNE_PROFILE", "a"}}));
  CHECK(by_env->profile.get("departement") == "57");
  auto by_flag = select_profile({file.path, "b"}, env({{"HOME", "/x"}, {"SNE_PROFILE", "a"}}));
  CHECK(by_flag->profile.get("departement") == "974");

  // SNE_CONFIG names the file when --config does not.
  auto via_env = select_profile({}, env({{"HOME", "/x"}, {"SNE_CONFIG", file.path}}));
  REQUIRE(via_env.ok());
  CHECK(via_env->config_file == file.path);

  // A named profile must exist; a named file must exist; the default file need not.
  CHECK_FALSE(select_profile({file.path, "zzz"}, env({{"HOME", "/x"}})).ok());
  CHECK_FALSE(select_profile({"/nonexistent/c.toml", ""}, env({{"HOME", "/x"}})).ok());
  // Without HOME there is no default file to read, and that is no error.
  auto homeless = select_profile({}, env({}));
  REQUIRE(homeless.ok());
  CHECK(homeless->config_file.empty());
  CHECK(homeless->profile.name() == "default");
  CHECK_FALSE(select_profile({}, env({{"SNE_PROFILE", "x"}})).ok());  // named: must exist

  auto nothing = select_profile({}, env({{"HOME", "/nonexistent"}}));
  REQUIRE(nothing.ok());
  CHECK_FALSE(nothing->file_read);
  CHECK(nothing->profile.name() == "default");
  CHECK(nothing->config_file == "/nonexistent/.config/sne/config.toml");
}
