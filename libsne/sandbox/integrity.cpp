// PRAGMA integrity_check on a sandbox database, for `sne doctor` (sne/sandbox_integrity.hpp).
#include "sne/sandbox_integrity.hpp"

#include <sys/stat.h>

#include <algorithm>
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
    // A row may hold several findings on lines, under a "*** in database main ***" heading.
    while (check.step()) {
      const std::string row = check.text(0);
      std::size_t start = 0;
      while (start <= row.size()) {
        const std::size_t end = std::min(row.find('\n', start), row.size());
        const std::string line = row.substr(start, end - start);
        if (!line.empty() && line.rfind("***", 0) != 0) findings.push_back(line);
        start = end + 1;
      }
    }
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
