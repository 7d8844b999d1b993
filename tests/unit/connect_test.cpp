// sne::Connection (sne/connect.hpp): the endpoint, CA file, token and GLPI in force, after the
// precedence of flags, environment, profile and defaults. Every test has its own XDG folders
// in a temporary directory and an injected environment; the embedded sandbox (this program
// links sne::sandbox) plays the backend with demo data.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../support/scripted_transport.hpp"
#include "../support/temp_dir.hpp"
#include "client/backends.hpp"
#include "sne/connect.hpp"
#include "sne/glpi.hpp"
#include "sne/sandbox.hpp"

using namespace sne;

namespace {

using Vars = std::map<std::string, std::string>;

/// A home of its own: XDG folders in a temporary directory, the environment a map.
struct Home {
  testing::TempDir dir{"connect"};
  Vars vars;
  std::vector<Note> notes;

  Home() {
    vars["HOME"] = dir.path();
    vars["XDG_CONFIG_HOME"] = dir / "config";
    vars["XDG_DATA_HOME"] = dir / "data";
    std::filesystem::create_directories(dir / "config/sne");
    std::filesystem::create_directories(dir / "data/sne");
  }

  std::string config_dir() const { return dir / "config/sne"; }
  std::string sandbox_endpoint() const { return "sandbox:" + (dir / "data/sne/sandbox.db"); }
  CredentialStore store() const { return CredentialStore(config_dir() + "/credentials"); }
  /// Writes the configuration file with one profile "work", the default, holding `keys`.
  void profile(const std::string& keys) {
    dir.write("config/sne/config.toml", "profile = \"work\"\n[profiles.work]\n" + keys);
  }

  ConnectOptions options() {
    ConnectOptions o;
    o.env = [vars = vars](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    o.notes = [this](const Note& note) { notes.push_back(note); };
    return o;
  }

  bool noted(Note::Level level, const std::string& text) const {
    for (const auto& n : notes)
      if (n.level == level && n.text == text) return true;
    return false;
  }
};

Timestamp in(std::chrono::hours h) { return std::chrono::system_clock::now() + h; }

/// Two services in process, registered as backends: "refusing:" answers every request 401, as a
/// service does to a request without a valid token; "silent:" never answers (a network error),
/// as a server that is down. Neither has demo data.
Result<EndpointInfo> parse_scripted(std::string_view endpoint, const Paths&) {
  EndpointInfo info;
  info.kind = EndpointInfo::Kind::http;
  info.canonical = std::string(endpoint);
  return info;
}

class Refusing : public http::Transport {
 public:
  Result<http::Response> send(const http::Request&) override {
    return testing::response(
        401, R"({"error":{"code":"unauthenticated","message":"a token is required"}})",
        {{"Content-Type", "application/json"}});
  }
};

class Silent : public http::Transport {
 public:
  Result<http::Response> send(const http::Request&) override {
    return Error(ErrorCode::network, "silent:: Couldn't connect to server", "silent:");
  }
};

void register_scripted_backends() {
  client::Backend refusing;
  refusing.prefix = "refusing:";
  refusing.parse = parse_scripted;
  refusing.open = [](const EndpointInfo&,
                     const client::TransportOptions&) -> Result<std::unique_ptr<http::Transport>> {
    return std::unique_ptr<http::Transport>(std::make_unique<Refusing>());
  };
  client::register_backend(refusing);
  client::Backend silent = refusing;
  silent.prefix = "silent:";
  silent.open = [](const EndpointInfo&,
                   const client::TransportOptions&) -> Result<std::unique_ptr<http::Transport>> {
    return std::unique_ptr<http::Transport>(std::make_unique<Silent>());
  };
  client::register_backend(silent);
}

}  // namespace

TEST_CASE(
    "connect: the endpoint is the flag, else SNE_ENDPOINT, else the profile's, else the "
    "sandbox") {
  Home home;
  home.profile("endpoint = \"https://profile.example.org\"\n");
  home.vars["SNE_ENDPOINT"] = "https://env.example.org";

  auto flagged = home.options();
  flagged.endpoint = "https://flag.example.org";
  flagged.endpoint_origin = "--endpoint";
  Connection by_flag(flagged);
  auto ep = by_flag.endpoint();
  REQUIRE(ep.ok());
  CHECK(ep->canonical == "https://flag.example.org");
  CHECK(ep->kind == EndpointInfo::Kind::http);
  CHECK(home.noted(Note::Level::verbose, "endpoint https://flag.example.org (--endpoint)"));

  Connection by_env(home.options());
  REQUIRE(by_env.endpoint().ok());
  CHECK(by_env.endpoint()->canonical == "https://env.example.org");
  CHECK(home.noted(Note::Level::verbose, "endpoint https://env.example.org (SNE_ENDPOINT)"));

  home.vars.erase("SNE_ENDPOINT");
  Connection by_profile(home.options());
  REQUIRE(by_profile.endpoint().ok());
  CHECK(by_profile.endpoint()->canonical == "https://profile.example.org");
  CHECK(home.noted(Note::Level::verbose, "endpoint https://profile.example.org (profile 'work')"));
  CHECK(home.noted(Note::Level::verbose,
                   "profile 'work' from " + home.config_dir() + "/config.toml"));

  home.profile("");
  home.notes.clear();
  Connection by_default(home.options());
  auto sandbox = by_default.endpoint();
  REQUIRE(sandbox.ok());
  CHECK(sandbox->kind == EndpointInfo::Kind::embedded_sandbox);
  CHECK(sandbox->canonical == home.sandbox_endpoint());
  // The sandbox is said to anyone, and not as a verbose note.
  CHECK(home.noted(Note::Level::info,
                   "embedded sandbox " + sandbox->sandbox_path + ": demo data, not the real SNE"));
  for (const auto& n : home.notes) CHECK(n.text.rfind("endpoint ", 0) != 0);
}

TEST_CASE("connect: a bad endpoint's error names where it came from") {
  Home home;
  auto first_words = [&](const ConnectOptions& o) {
    Connection c(o);
    auto ep = c.endpoint();
    REQUIRE_FALSE(ep.ok());
    CHECK(ep.error().code() == ErrorCode::invalid_input);
    CHECK(ep.error().subject() == "endpoint");
    return ep.error().message().substr(0, ep.error().message().find(':'));
  };
  auto o = home.options();
  o.endpoint = "ftp://flag.example.org";
  CHECK(first_words(o) == "endpoint");  // the library's own name for a given endpoint
  o.endpoint_origin = "--endpoint";
  CHECK(first_words(o) == "--endpoint");

  home.vars["SNE_ENDPOINT"] = "ftp://env.example.org";
  CHECK(first_words(home.options()) == "SNE_ENDPOINT");

  home.vars.erase("SNE_ENDPOINT");
  home.profile("endpoint = \"ftp://profile.example.org\"\n");
  CHECK(first_words(home.options()) == "profile 'work'");
}

TEST_CASE("connect: the CA file is the flag, else the profile's") {
  Home home;
  Connection none(home.options());
  CHECK(none.cacert().value() == "");

  home.profile("cacert = \"/etc/ssl/profile.pem\"\n");
  Connection by_profile(home.options());
  CHECK(by_profile.cacert().value() == "/etc/ssl/profile.pem");

  auto o = home.options();
  o.cacert = "/tmp/flag.pem";
  Connection by_flag(o);
  CHECK(by_flag.cacert().value() == "/tmp/flag.pem");
}

TEST_CASE("connect: an already selected profile is used as it is") {
  Home home;
  home.profile("endpoint = \"https://file.example.org\"\n");
  auto o = home.options();
  ActiveProfile chosen;
  chosen.profile.set("endpoint", "https://chosen.example.org");
  o.profile = chosen;
  Connection c(o);
  CHECK(c.endpoint().value().canonical == "https://chosen.example.org");
  CHECK(c.profile().value()->profile.name() == "default");
}

TEST_CASE("connect: the token is SNE_TOKEN, else the stored session of the endpoint") {
  register_scripted_backends();
  Home home;
  // A service that answers, and refuses what has no valid token.
  const std::string ep = "refusing:";
  home.vars["SNE_ENDPOINT"] = ep;

  SUBCASE("SNE_TOKEN") {
    home.vars["SNE_TOKEN"] = "from-env";
    REQUIRE(home.store().put(ep, {"stored", "a@b.test", in(std::chrono::hours(1))}).ok());
    Connection c(home.options());
    REQUIRE(c.service().ok());
    CHECK(c.token_source() == TokenSource::environment);
    CHECK(home.noted(Note::Level::verbose, "token from SNE_TOKEN"));
  }
  SUBCASE("an empty SNE_TOKEN is none") {
    home.vars["SNE_TOKEN"] = "";
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::unauthenticated);
    CHECK(s.error().message() == "not signed in to refusing:");
  }
  SUBCASE("a stored session") {
    REQUIRE(home.store().put(ep, {"stored", "a@b.test", in(std::chrono::hours(1))}).ok());
    Connection c(home.options());
    REQUIRE(c.service().ok());
    CHECK(c.token_source() == TokenSource::credentials);
    CHECK_FALSE(home.noted(Note::Level::verbose, "token from SNE_TOKEN"));
  }
  SUBCASE("no session") {
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::unauthenticated);
    CHECK(s.error().subject() == "Authorization");
    CHECK(s.error().message() == "not signed in to refusing:");
    CHECK(c.token_source() == TokenSource::none);
  }
  SUBCASE("an expired session") {
    REQUIRE(home.store().put(ep, {"stored", "a@b.test", in(-std::chrono::hours(1))}).ok());
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::unauthenticated);
    CHECK(s.error().subject() == "Authorization");
    CHECK(s.error().message() == "the session of a@b.test on refusing: has expired");
  }
  SUBCASE("no session on a service that does not answer: unreachable, not 'not signed in'") {
    home.vars["SNE_ENDPOINT"] = "silent:";
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::network);
    CHECK(s.error().message() == "silent:: Couldn't connect to server");
    REQUIRE(home.store().put("silent:", {"old", "a@b.test", in(-std::chrono::hours(1))}).ok());
    Connection expired(home.options());
    CHECK(expired.service().error().code() == ErrorCode::network);
  }
  SUBCASE("signed out on purpose") {
    REQUIRE(home.store().put(ep, {"", "a@b.test", {}}).ok());
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message() == "not signed in to refusing:");
  }
  SUBCASE("anonymous needs no token") {
    Connection c(home.options());
    auto s = c.service(Auth::anonymous);
    REQUIRE(s.ok());
    CHECK(c.token_source() == TokenSource::none);
    // Opened once: the Auth of the first call decides.
    CHECK(c.service().value() == *s);
  }
}

TEST_CASE("connect: the embedded sandbox starts signed in as its demo agent") {
  Home home;
  Connection c(home.options());
  auto s = c.service();
  REQUIRE(s.ok());
  CHECK(c.token_source() == TokenSource::credentials);
  CHECK(home.noted(Note::Level::info, std::string("signed in to the sandbox as ") + kSandboxAgent));
  auto me = (*s)->me();
  REQUIRE(me.ok());
  CHECK(me->email == kSandboxAgent);
  auto stored = home.store().get(home.sandbox_endpoint());
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->email == kSandboxAgent);
  CHECK_FALSE((*stored)->token.empty());
  CHECK((*stored)->expires_at > std::chrono::system_clock::now());

  // A second connection uses the saved session: no new sign-in.
  home.notes.clear();
  Connection again(home.options());
  REQUIRE(again.service().ok());
  CHECK(again.service().value()->me().value().email == kSandboxAgent);
  std::size_t infos = 0;
  for (const auto& n : home.notes) infos += n.level == Note::Level::info ? 1 : 0;
  CHECK(infos == 1);  // the sandbox's note only
  CHECK(home.store().get(home.sandbox_endpoint()).value()->token == (*stored)->token);
}

TEST_CASE("connect: a demo account's expired or unknown session is opened again") {
  Home home;
  const std::string ep = home.sandbox_endpoint();

  SUBCASE("expired, for the référent") {
    REQUIRE(home.store().put(ep, {"old", kSandboxReferent, in(-std::chrono::hours(1))}).ok());
  }
  SUBCASE("unknown to the server, for the agent of three territories") {
    REQUIRE(home.store().put(ep, {"unknown-token", kSandboxMulti, in(std::chrono::hours(1))}).ok());
  }
  const std::string email = home.store().get(ep).value()->email;
  Connection c(home.options());
  auto s = c.service();
  REQUIRE(s.ok());
  CHECK((*s)->me().value().email == email);
  CHECK(home.noted(Note::Level::info, "signed in to the sandbox as " + email));
  auto stored = home.store().get(ep).value();
  CHECK(stored->email == email);
  CHECK(stored->token != "old");
  CHECK(stored->token != "unknown-token");
  CHECK(stored->expires_at > std::chrono::system_clock::now());
}

TEST_CASE("connect: on the sandbox, a logout is respected and other accounts are not demo") {
  Home home;
  const std::string ep = home.sandbox_endpoint();

  SUBCASE("signed out on purpose") {
    REQUIRE(home.store().put(ep, {"", kSandboxAgent, {}}).ok());
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::unauthenticated);
    CHECK(s.error().message() == "not signed in to " + ep);
    CHECK(home.store().get(ep).value()->token.empty());
  }
  SUBCASE("an account that is not a demo one, expired") {
    REQUIRE(home.store()
                .put(ep, {"old", "agent.metz@sandbox.sne.test", in(-std::chrono::hours(1))})
                .ok());
    Connection c(home.options());
    auto s = c.service();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message() ==
          "the session of agent.metz@sandbox.sne.test on " + ep + " has expired");
  }
  SUBCASE("an account that is not a demo one, unknown to the server: kept as it is") {
    REQUIRE(
        home.store()
            .put(ep, {"unknown-token", "agent.metz@sandbox.sne.test", in(std::chrono::hours(1))})
            .ok());
    Connection c(home.options());
    auto s = c.service();
    REQUIRE(s.ok());
    CHECK((*s)->me().error().code() == ErrorCode::unauthenticated);
    CHECK(home.store().get(ep).value()->token == "unknown-token");
  }
}

TEST_CASE("connect: another service has the same endpoint and token") {
  Home home;
  Connection c(home.options());
  auto early = c.another_service({});
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().code() == ErrorCode::internal);

  REQUIRE(c.service().ok());
  int retries = 0;
  auto worker = c.another_service([&](int, std::chrono::milliseconds) { ++retries; });
  REQUIRE(worker.ok());
  CHECK((*worker)->endpoint().canonical == home.sandbox_endpoint());
  CHECK((*worker)->me().value().email == kSandboxAgent);
  CHECK(worker->get() != c.service().value());
}

TEST_CASE("connect: the GLPI URL is SNE_GLPI_URL, else the profile's, else the sandbox's") {
  Home home;
  home.vars["SNE_ENDPOINT"] = "https://sne.example.org";

  SUBCASE("none: an error naming both settings and no command") {
    Connection c(home.options());
    auto url = c.glpi_url();
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().code() == ErrorCode::invalid_input);
    CHECK(url.error().subject() == "glpi_url");
    CHECK(url.error().message() ==
          "no GLPI for https://sne.example.org: neither SNE_GLPI_URL nor the profile's glpi_url "
          "is set");
    auto glpi = c.glpi();
    REQUIRE_FALSE(glpi.ok());
    CHECK(glpi.error().subject() == "glpi_url");
  }
  SUBCASE("the profile's") {
    home.profile("glpi_url = \"https://profile-glpi.example.org\"\n");
    Connection c(home.options());
    CHECK(c.glpi_url().value() == "https://profile-glpi.example.org/apirest.php");
    CHECK(
        home.noted(Note::Level::verbose,
                   "GLPI https://profile-glpi.example.org/apirest.php (profile 'work' glpi_url)"));
  }
  SUBCASE("SNE_GLPI_URL before the profile's") {
    home.profile("glpi_url = \"https://profile-glpi.example.org\"\n");
    home.vars["SNE_GLPI_URL"] = "https://env-glpi.example.org/apirest.php";
    Connection c(home.options());
    CHECK(c.glpi_url().value() == "https://env-glpi.example.org/apirest.php");
    CHECK(home.noted(Note::Level::verbose,
                     "GLPI https://env-glpi.example.org/apirest.php (SNE_GLPI_URL)"));
  }
  SUBCASE("a bad one is named by its origin") {
    home.vars["SNE_GLPI_URL"] = "ftp://glpi.example.org";
    Connection c(home.options());
    auto url = c.glpi_url();
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().message().rfind("SNE_GLPI_URL: ", 0) == 0);
  }
  SUBCASE("the embedded sandbox's own") {
    home.vars.erase("SNE_ENDPOINT");
    Connection c(home.options());
    CHECK(c.glpi_url().value() == home.sandbox_endpoint());
    CHECK(home.noted(Note::Level::info,
                     "the sandbox's GLPI: demo tickets, not the SNE's support desk"));
  }
}

TEST_CASE("connect: GLPI's tokens are SNE_GLPI_*, else the stored ones") {
  Home home;
  const std::string url = home.sandbox_endpoint();
  CHECK(Connection::glpi_key(url) == "glpi:" + url);

  SUBCASE("none anywhere on a real GLPI") {
    home.vars["SNE_GLPI_URL"] = "https://glpi.example.org";
    Connection c(home.options());
    auto glpi = c.glpi();
    REQUIRE_FALSE(glpi.ok());
    CHECK(glpi.error().code() == ErrorCode::unauthenticated);
    CHECK(glpi.error().subject() == "glpi_user_token");
    CHECK(home.noted(Note::Level::verbose, "GLPI tokens from the credentials store"));
  }
  SUBCASE("the sandbox's GLPI needs none") {
    Connection c(home.options());
    auto glpi = c.glpi();
    REQUIRE(glpi.ok());
    CHECK((*glpi)->categories().ok());
    CHECK(c.glpi().value() == *glpi);  // opened once
  }
  SUBCASE("stored tokens are used") {
    StoredCredential wrong;
    wrong.token = "not-a-user-token";
    wrong.app_token = kSandboxGlpiAppToken;
    REQUIRE(home.store().put(Connection::glpi_key(url), wrong).ok());
    Connection c(home.options());
    auto glpi = c.glpi();
    REQUIRE(glpi.ok());
    auto categories = (*glpi)->categories();
    REQUIRE_FALSE(categories.ok());
    CHECK(categories.error().code() == ErrorCode::unauthenticated);
  }
  SUBCASE("SNE_GLPI_USER_TOKEN before the stored one") {
    StoredCredential wrong;
    wrong.token = "not-a-user-token";
    wrong.app_token = kSandboxGlpiAppToken;
    REQUIRE(home.store().put(Connection::glpi_key(url), wrong).ok());
    home.vars["SNE_GLPI_USER_TOKEN"] = "sandbox-glpi-referent";
    Connection c(home.options());
    auto glpi = c.glpi();
    REQUIRE(glpi.ok());
    CHECK((*glpi)->categories().ok());
    CHECK(home.noted(Note::Level::verbose, "GLPI tokens from SNE_GLPI_USER_TOKEN"));
  }
  SUBCASE("SNE_GLPI_APP_TOKEN before the stored one") {
    StoredCredential stored;
    stored.token = kSandboxGlpiUserToken;
    stored.app_token = kSandboxGlpiAppToken;
    REQUIRE(home.store().put(Connection::glpi_key(url), stored).ok());
    home.vars["SNE_GLPI_APP_TOKEN"] = "not-the-app-token";
    Connection c(home.options());
    auto glpi = c.glpi();
    REQUIRE(glpi.ok());
    auto categories = (*glpi)->categories();
    REQUIRE_FALSE(categories.ok());
    CHECK(categories.error().subject() == "glpi_app_token");
  }
}

TEST_CASE("connect: notes go nowhere when no one listens") {
  Home home;
  auto o = home.options();
  o.notes = nullptr;
  Connection c(o);
  REQUIRE(c.service().ok());
  CHECK(home.notes.empty());
}
