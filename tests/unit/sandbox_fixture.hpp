// A sandbox of its own for a unit test: a database in a new temporary folder, its handler,
// and both removed at the end.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sandbox/handler.hpp"

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

}  // namespace sne::test
