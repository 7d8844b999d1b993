#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../support/env.hpp"
#include "../support/temp_dir.hpp"
#include "sne/config_edit.hpp"
#include "sne/connect.hpp"

using namespace sne;
using testing::env;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string edit(std::string_view text, std::string_view profile, std::string_view key,
                 const std::optional<std::string>& value) {
  auto edited = edit_config_text(text, "config.toml", profile, key, value);
  REQUIRE_MESSAGE(edited.ok(), (edited.ok() ? "" : edited.error().message()));
  return *edited;
}

/// The value the reader finds in the edited text.
std::optional<std::string> reread(const std::string& text, const std::string& profile,
                                  const std::string& key) {
  auto c = Config::parse(text, "config.toml");
  REQUIRE(c.ok());
  auto p = c->profile(profile, false);
  REQUIRE(p.ok());
  return p->get(key);
}

const std::string kCommented = R"(# sne settings, by hand
profile = "metz"   # the usual one

# Metz, Moselle
[profiles.metz]
departement = "57"   # Alsace-Moselle holidays
glpi_url = "https://old.example.org/apirest.php" # the old desk
# guichet = "PWP01"

[profiles.nimes]
  departement = '30'
)";

}  // namespace

TEST_CASE("config edit: a value is replaced on its line, its comment and every other byte kept") {
  const std::string out =
      edit(kCommented, "metz", "glpi_url", "https://support.example.org/glpi/apirest.php");
  std::string expected = kCommented;
  const std::string old = "\"https://old.example.org/apirest.php\"";
  expected.replace(expected.find(old), old.size(),
                   "\"https://support.example.org/glpi/apirest.php\"");
  CHECK(out == expected);
  CHECK(reread(out, "metz", "glpi_url") == "https://support.example.org/glpi/apirest.php");
  CHECK(reread(out, "nimes", "departement") == "30");
}

TEST_CASE("config edit: a literal string in an indented line is replaced in place") {
  const std::string out = edit(kCommented, "nimes", "departement", "34");
  std::string expected = kCommented;
  expected.replace(expected.find("'30'"), 4, "\"34\"");
  CHECK(out == expected);
}

TEST_CASE("config edit: a new key goes after the last key of its table") {
  const std::string out = edit(kCommented, "metz", "guichet", "PWP02");
  std::string expected = kCommented;
  const std::string after = "# the old desk\n";
  expected.insert(expected.find(after) + after.size(), "guichet = \"PWP02\"\n");
  CHECK(out == expected);
  CHECK(reread(out, "metz", "guichet") == "PWP02");
  CHECK(reread(out, "metz", "departement") == "57");
}

TEST_CASE("config edit: a missing table is appended, in an empty or unterminated file too") {
  const std::string out = edit(kCommented, "lyon", "departement", "69");
  CHECK(out == kCommented + "\n[profiles.lyon]\ndepartement = \"69\"\n");
  CHECK(edit("", "default", "endpoint", "sandbox") ==
        "[profiles.default]\nendpoint = \"sandbox\"\n");
  CHECK(edit("# only a comment", "default", "endpoint", "sandbox") ==
        "# only a comment\n\n[profiles.default]\nendpoint = \"sandbox\"\n");
  // A table whose last line has no line end.
  CHECK(edit("[profiles.a]\nsiret = \"1\"", "a", "guichet", "PWP01") ==
        "[profiles.a]\nsiret = \"1\"\nguichet = \"PWP01\"\n");
  // An empty table gets its key under its header.
  CHECK(edit("[profiles.a]\n\n[profiles.b]\n", "a", "guichet", "PWP01") ==
        "[profiles.a]\nguichet = \"PWP01\"\n\n[profiles.b]\n");
  // A profile name that is no bare key is quoted.
  const std::string dotted = edit("", "guichet.nîmes", "departement", "30");
  CHECK(dotted == "[profiles.\"guichet.nîmes\"]\ndepartement = \"30\"\n");
  CHECK(reread(dotted, "guichet.nîmes", "departement") == "30");
}

TEST_CASE("config edit: quotes, backslashes, control and non-ASCII characters round-trip") {
  for (const std::string& value :
       {std::string("C:\\temp\\\"x\""), std::string("Nîmes — Gard ✓"), std::string("a\tb"),
        std::string("'single' and \"double\""), std::string("back\\slash at end\\")}) {
    CAPTURE(value);
    const std::string out = edit(kCommented, "metz", "guichet", value);
    CHECK(reread(out, "metz", "guichet") == value);
    const std::string replaced = edit(out, "metz", "guichet", value + "2");
    CHECK(reread(replaced, "metz", "guichet") == value + "2");
  }
  CHECK(edit("", "a", "guichet", "say \"hi\" \\ é") ==
        "[profiles.a]\nguichet = \"say \\\"hi\\\" \\\\ é\"\n");
  // A value after a non-ASCII key or value on the same line: columns count characters.
  const std::string accented = "[profiles.a]\nguichet = \"é€\" # ça\n";
  CHECK(edit(accented, "a", "guichet", "PWP01") == "[profiles.a]\nguichet = \"PWP01\" # ça\n");
}

TEST_CASE("config edit: unset removes the key's line only, the last key's included") {
  const std::string out = edit(kCommented, "metz", "glpi_url", std::nullopt);
  std::string expected = kCommented;
  const std::string line = "glpi_url = \"https://old.example.org/apirest.php\" # the old desk\n";
  expected.erase(expected.find(line), line.size());
  CHECK(out == expected);
  CHECK_FALSE(reread(out, "metz", "glpi_url").has_value());

  // The last key of a table: the header stays, an empty profile.
  const std::string last = edit("[profiles.a]\nsiret = \"1\"\n", "a", "siret", std::nullopt);
  CHECK(last == "[profiles.a]\n");
  CHECK(Config::parse(last, "c").ok());
  // A multi-line value goes whole.
  CHECK(edit("[profiles.a]\nsiret = \"\"\"1\n2\"\"\"\nguichet = \"X\"\n", "a", "siret",
             std::nullopt) == "[profiles.a]\nguichet = \"X\"\n");
  // Nothing to remove: the text comes back as it was.
  CHECK(edit(kCommented, "metz", "siret", std::nullopt) == kCommented);
  CHECK(edit(kCommented, "lyon", "siret", std::nullopt) == kCommented);
}

TEST_CASE("config edit: CRLF files keep their line ends") {
  const std::string crlf = "# c\r\n[profiles.a]\r\nsiret = \"1\" # s\r\n";
  CHECK(edit(crlf, "a", "siret", "2") == "# c\r\n[profiles.a]\r\nsiret = \"2\" # s\r\n");
  CHECK(edit(crlf, "a", "guichet", "PWP01") ==
        "# c\r\n[profiles.a]\r\nsiret = \"1\" # s\r\nguichet = \"PWP01\"\r\n");
  CHECK(edit(crlf, "b", "guichet", "PWP01") ==
        crlf + "\r\n[profiles.b]\r\nguichet = \"PWP01\"\r\n");
  CHECK(edit(crlf, "a", "siret", std::nullopt) == "# c\r\n[profiles.a]\r\n");
}

TEST_CASE("config edit: unknown keys and secrets are refused") {
  auto unknown = edit_config_text(kCommented, "c", "metz", "glpi-url", std::string("x"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == ErrorCode::invalid_input);
  CHECK(unknown.error().subject() == "config_key");
  CHECK(unknown.error().message().find("glpi_url") != std::string::npos);  // the keys listed

  for (const char* secret : {"token", "password", "app_token", "user_token", "glpi_user_token"}) {
    CAPTURE(secret);
    auto refused = edit_config_text(kCommented, "c", "metz", secret, std::string("s3cret"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().subject() == "config_secret");
    CHECK(refused.error().message().find("s3cret") == std::string::npos);
    CHECK(check_config_key(secret).error().subject() == "config_secret");
  }
  CHECK(check_config_key("glpi_url").ok());
}

TEST_CASE("config edit: a file that does not parse, or that sne cannot read, is refused") {
  auto broken = edit_config_text("[profiles.a]\nsiret = \"1\nx", "config.toml", "a", "siret",
                                 std::string("2"));
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code() == ErrorCode::invalid_input);
  CHECK(broken.error().message().rfind("config.toml: line 2, column ", 0) == 0);

  auto unknown = edit_config_text("[profiles.a]\ncatalgo = \"x\"\n", "config.toml", "a", "siret",
                                  std::string("2"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message().find("catalgo") != std::string::npos);
}

TEST_CASE("config edit: inline tables and dotted keys are refused, not rewritten") {
  for (const char* text :
       {"[profiles]\na = { siret = \"1\" }\n", "[profiles]\na.siret = \"1\"\n",
        "profiles.a.siret = \"1\"\n", "profiles = { a = { siret = \"1\" } }\n"}) {
    CAPTURE(text);
    auto refused = edit_config_text(text, "config.toml", "a", "guichet", std::string("PWP01"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message().find("only [profiles.NAME] tables are edited") !=
          std::string::npos);
  }
}

TEST_CASE("config edit: the file is written atomically, created 0600, its mode kept") {
  testing::TempDir dir("config-edit");
  const auto paths = resolve_paths(env({{"HOME", dir.path()}}));
  REQUIRE(paths.ok());
  const std::string path = dir / "conf/sne/config.toml";
  REQUIRE(set_config_value(path, "default", "departement", "57", *paths).ok());
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(dir / "conf/sne") == 0700);
  CHECK(reread(read(path), "default", "departement") == "57");

  const std::string shared = dir.write("shared.toml", kCommented);
  REQUIRE(::chmod(shared.c_str(), 0644) == 0);
  REQUIRE(set_config_value(shared, "metz", "departement", "2A", *paths).ok());
  CHECK(mode_of(shared) == 0644);
  CHECK(reread(read(shared), "metz", "departement") == "2A");

  // A symbolic link is followed: its target is edited, the link stays.
  const std::string link = dir / "link.toml";
  REQUIRE(::symlink(shared.c_str(), link.c_str()) == 0);
  REQUIRE(set_config_value(link, "metz", "departement", "57", *paths).ok());
  CHECK(std::filesystem::is_symlink(link));
  CHECK(reread(read(shared), "metz", "departement") == "57");

  auto removed = unset_config_value(shared, "metz", "departement");
  REQUIRE(removed.ok());
  CHECK(*removed);
  auto again = unset_config_value(shared, "metz", "departement");
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
  auto none = unset_config_value(dir / "missing.toml", "metz", "departement");
  REQUIRE(none.ok());
  CHECK_FALSE(*none);
  CHECK_FALSE(std::filesystem::exists(dir / "missing.toml"));

  // A file that does not parse is left as it was.
  const std::string bad = dir.write("bad.toml", "[profiles.a\nsiret = 1\n");
  auto refused = set_config_value(bad, "a", "departement", "57", *paths);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message().find("line 1, column") != std::string::npos);
  CHECK(read(bad) == "[profiles.a\nsiret = 1\n");
}

TEST_CASE("config edit: values are checked by their key's kind") {
  testing::TempDir dir("config-check");
  const auto paths = resolve_paths(env({{"HOME", dir.path()}}));
  REQUIRE(paths.ok());
  auto ok = [&](const char* key, const std::string& value) {
    CAPTURE(key);
    CAPTURE(value);
    auto checked = check_config_value(key, value, *paths);
    CHECK_MESSAGE(checked.ok(), (checked.ok() ? "" : checked.error().message()));
  };
  auto refused = [&](const char* key, const std::string& value,
                     ErrorCode code = ErrorCode::invalid_input) {
    CAPTURE(key);
    CAPTURE(value);
    auto checked = check_config_value(key, value, *paths);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code() == code);
    return checked.error().message();
  };
  ok("glpi_url", "https://support.example.org/glpi/apirest.php");
  ok("endpoint", "https://sne.example.org");
  ok("endpoint", "http://127.0.0.1:8080");
  CHECK(refused("glpi_url", "http://support.example.org/apirest.php").find("clear") !=
        std::string::npos);
  refused("endpoint", "ftp://x");
  refused("endpoint", "https://user:pw@x");
  ok("departement", "57");
  ok("departement", "2a");
  refused("departement", "96");
  ok("territoire", "057");
  refused("territoire", "57x");
  ok("guichet", "PWP01");
  refused("guichet", "pwp1");
  ok("siret", "13002072000038");
  CHECK(refused("siret", "13002072000039").find("siret") != std::string::npos);
  CHECK(refused("catalog", "catalog.json").find("absolute") != std::string::npos);
  refused("catalog", dir / "missing.json", ErrorCode::io);
  CHECK(refused("catalog", dir.write("bad.json", "{}")).find("catalog: ") == 0);
  refused("cacert", dir.write("not.pem", "hello"));
  ok("cacert", dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMII\n"));
  refused("guichet", "");
  refused("guichet", "PWP01\n");
  CHECK(check_config_value("token", "x", *paths).error().subject() == "config_secret");
}

TEST_CASE("config edit: settings in force say where each value comes from") {
  Profile p("metz");
  p.set("glpi_url", "https://file.example.org");
  p.set("departement", "57");
  auto all = settings_in_force(
      p, "/c.toml", env({{"SNE_GLPI_URL", "https://env.example.org"}}),
      {{"endpoint", "https://flag.example.org", "--endpoint"}, {"cacert", "", "--cacert"}});
  std::map<std::string, Setting> by_key;
  for (auto& s : all) by_key[s.key] = s;
  CHECK(all.size() == config_keys().size());
  CHECK(by_key["glpi_url"].value == "https://env.example.org");
  CHECK(by_key["glpi_url"].source == SettingSource::environment);
  CHECK(by_key["glpi_url"].origin == "SNE_GLPI_URL");
  CHECK(by_key["endpoint"].source == SettingSource::given);
  CHECK(by_key["endpoint"].origin == "--endpoint");
  CHECK(by_key["departement"].source == SettingSource::file);
  CHECK(by_key["departement"].origin == "/c.toml");
  CHECK(by_key["cacert"].source == SettingSource::unset);
  CHECK_FALSE(by_key["cacert"].value.has_value());
  CHECK(to_string(by_key["cacert"].source) == "unset");

  auto defaults = settings_in_force(Profile(), "", env({}), {});
  for (auto& s : defaults)
    if (s.key == "endpoint") {
      CHECK(s.value == "sandbox");
      CHECK(s.source == SettingSource::fallback);
    }

  auto c = Config::parse("profile = \"metz\"\n", "c");
  REQUIRE(c.ok());
  CHECK(profile_name_in_force({}, env({}), *c).first == "metz");
  CHECK(profile_name_in_force({}, env({{"SNE_PROFILE", "x"}}), *c).first == "x");
  CHECK(profile_name_in_force({"", "y"}, env({{"SNE_PROFILE", "x"}}), *c).second ==
        SettingSource::given);
  CHECK(profile_name_in_force({}, env({}), Config()).first == "default");
  CHECK(config_file_in_force({"/f.toml", ""}, env({{"SNE_CONFIG", "/e.toml"}}))->path == "/f.toml");
  CHECK(config_file_in_force({}, env({{"SNE_CONFIG", "/e.toml"}}))->source ==
        SettingSource::environment);
  CHECK(config_file_in_force({}, env({{"HOME", "/home/a"}}))->path ==
        "/home/a/.config/sne/config.toml");
}

TEST_CASE("config edit: the variables of the table of keys are those the connection honours") {
  testing::TempDir dir("config-env");
  int checked = 0;
  for (const Setting& s : settings_in_force(Profile(), "", env({}), {})) {
    if (s.variable.empty()) continue;
    CAPTURE(s.variable);
    ConnectOptions options;
    options.env = env({{"HOME", dir.path()}, {s.variable, "https://x.example.org"}});
    Connection connection(std::move(options));
    if (s.key == "endpoint") {
      REQUIRE(connection.endpoint().ok());
      CHECK(connection.endpoint()->canonical == "https://x.example.org");
    } else if (s.key == "glpi_url") {
      REQUIRE(connection.glpi_url().ok());
      CHECK(*connection.glpi_url() == "https://x.example.org/apirest.php");
    } else {
      FAIL("a variable this test does not know: " << s.variable);
    }
    ++checked;
  }
  CHECK(checked == 2);
}
