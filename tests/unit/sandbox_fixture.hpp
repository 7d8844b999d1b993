// A sandbox of its own for a unit test: a database in a new temporary folder, its handler,
// and both removed at the end.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sandbox/handler.hpp"
#include "sne/config.hpp"
#include "sne/glpi.hpp"

namespace sne::test {

struct TempSandbox {
  std::string dir, db;
  std::unique_ptr<sandbox::Handler> handler;

  /// `name` tells the test's folders apart in /tmp: /tmp/sne-NAME-XXXXXX.
  explicit TempSandbox(const std::string& name) {
    std::string tmpl = "/tmp/sne-" + name + "-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    db = dir + "/sandbox.db";
    handler = std::make_unique<sandbox::Handler>(db, sandbox::kDefaultMaxBody);
  }
  ~TempSandbox() {
    handler.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  TempSandbox(const TempSandbox&) = delete;
  TempSandbox& operator=(const TempSandbox&) = delete;
};

/// A client of `sandbox`'s GLPI in process, as `--glpi-url sandbox:DB` opens it (each call a
/// client, and a session, of its own).
inline Result<std::unique_ptr<Glpi>> open_sandbox_glpi(const TempSandbox& sandbox) {
  Paths paths;
  paths.data_dir = sandbox.dir;
  GlpiOptions options;
  options.url = "sandbox:" + sandbox.db;
  return open_glpi(options, paths);
}

}  // namespace sne::test
