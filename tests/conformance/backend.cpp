#include "backend.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "http/curl_transport.hpp"
#include "sandbox/embedded_transport.hpp"

extern char** environ;

namespace conformance {

namespace {

/// "embedded" (the default) or "http"; anything else is refused rather than silently run as the
/// embedded backend, which would pass the http run without testing HTTP.
std::string backend_kind() {
  const char* kind = std::getenv("SNE_CONFORMANCE_BACKEND");
  const std::string k = kind != nullptr ? kind : "embedded";
  if (k != "embedded" && k != "http")
    throw std::runtime_error("SNE_CONFORMANCE_BACKEND must be embedded or http, not " + k);
  return k;
}

}  // namespace

Backend::Backend() {
  char tmpl[] = "/tmp/sne-conformance-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  db_ = dir_ + "/sandbox.db";
  if (backend_kind() != "http") {
    endpoint_ = "sandbox:" + db_;
    return;
  }
  const char* bin = std::getenv("SNE_BIN");
  if (bin == nullptr) throw std::runtime_error("SNE_BIN must name the sne program");
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  const std::string home = "HOME=" + dir_;
  std::string b(bin), noun("sandbox"), verb("serve"), listen("--listen"), addr("127.0.0.1:0"),
      dbflag("--db");
  char* argv[] = {b.data(),    noun.data(),   verb.data(), listen.data(),
                  addr.data(), dbflag.data(), db_.data(),  nullptr};
  std::string h = home;
  char* envp[] = {h.data(), nullptr};
  const int rc = posix_spawn(&server_, bin, &actions, nullptr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) throw std::runtime_error("cannot start sne sandbox serve");
  // The ready line: "Sandbox listening on http://127.0.0.1:PORT (database ...); ...".
  FILE* f = fdopen(out[0], "r");
  char line[512] = {};
  const bool got = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  std::cmatch m;
  if (!got || !std::regex_search(line, m, std::regex(R"(http://127\.0\.0\.1:\d+)")))
    throw std::runtime_error(std::string("sne sandbox serve did not say it was ready: ") + line);
  endpoint_ = m.str();
}

Backend::~Backend() {
  if (server_ != 0) {
    kill(server_, SIGTERM);
    int status = 0;
    waitpid(server_, &status, 0);
    CHECK_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "sne sandbox serve did not stop cleanly on SIGTERM: wait status " << status);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::unique_ptr<sne::Service> Backend::service(std::string token) const {
  sne::ServiceOptions options;
  options.endpoint = endpoint_;
  options.token = std::move(token);
  options.retry.max_attempts = 1;
  sne::Paths paths;
  paths.data_dir = dir_;
  auto s = sne::open_service(options, paths);
  if (!s) throw std::runtime_error(s.error().message());
  return std::move(*s);
}

std::unique_ptr<sne::Service> Backend::signed_in(const std::string& email,
                                                 const std::string& password) const {
  auto s = service();
  auto session = s->login(email, password);
  if (!session) throw std::runtime_error("sign-in failed: " + session.error().message());
  s->set_token(session->token);
  return s;
}

std::unique_ptr<sne::http::Transport> Backend::raw() const {
  if (!http()) {
    auto t = sne::sandbox::make_embedded_transport(db_);
    if (!t) throw std::runtime_error(t.error().message());
    return std::move(*t);
  }
  sne::http::CurlOptions o;
  o.base_url = endpoint_;
  auto t = sne::http::make_curl_transport(o);
  if (!t) throw std::runtime_error(t.error().message());
  return std::move(*t);
}

}  // namespace conformance
