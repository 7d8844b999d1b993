// A fresh directory under /tmp for one test, removed with everything in it at the end of scope.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace sne::testing {

class TempDir {
 public:
  /// Creates /tmp/sne-<tag>-XXXXXX; throws std::runtime_error when it cannot (a broken machine,
  /// not a test failure).
  explicit TempDir(const std::string& tag = "test") {
    std::string tmpl = "/tmp/sne-" + tag + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  /// Writes `content` to the file `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = *this / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

}  // namespace sne::testing
