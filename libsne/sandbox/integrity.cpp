// PRAGMA integrity_check on a sandbox database, for `sne doctor` (sne/sandbox_integrity.hpp).
#include "sne/sandbox_integrity.hpp"

#include <sys/stat.h>

#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sandbox/db.hpp"
#include "sne/text.hpp"

namespace sne {

Result<std::string> check_sandbox_integrity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error(ErrorCode::not_found, fmt::format("no sandbox database at {}", path), path);
  std::vector<std::string> findings;
  try {
    sandbox::Db db(path);
    auto check = db.prepare("PRAGMA integrity_check(5)");
    while (check.step()) findings.push_back(check.text(0));
  } catch (const std::exception& e) {
    return Error(ErrorCode::io, fmt::format("{}: damaged: {}", path, printable(e.what(), 200)),
                 path);
  }
  if (findings.size() == 1 && findings.front() == "ok")
    return fmt::format("{}: integrity_check ok ({} KiB)", path, (st.st_size + 1023) / 1024);
  std::string first = findings.empty() ? "no answer" : findings.front();
  return Error(ErrorCode::io,
               fmt::format("{}: damaged: {}{}", path, printable(first, 200),
                           findings.size() > 1 ? fmt::format(" (and {} more)", findings.size() - 1)
                                               : std::string()),
               path);
}

}  // namespace sne
