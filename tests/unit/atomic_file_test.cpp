// base/atomic_file: a file appears whole at its name or not at all, whichever way its temporary
// file is held (unnamed with O_TMPFILE, or named, the fallback forced here), and left-overs of
// killed writers are cleaned on the next write to the same destination.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "base/atomic_file.hpp"

using namespace sne;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/sne-atomic-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path))
      out.insert(e.path().filename().string());
    return out;
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put(const std::string& path, const std::string& text, std::time_t mtime = 0) {
  std::ofstream(path, std::ios::binary) << text;
  if (mtime != 0) {
    const utimbuf times{mtime, mtime};
    REQUIRE(::utime(path.c_str(), &times) == 0);
  }
}

/// Whether the kernel and file system of `dir` give unnamed files.
bool tmpfile_supported(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return ::access("/proc/self/fd", X_OK) == 0;
}

constexpr file::TempKind kKinds[] = {file::TempKind::unnamed_if_possible, file::TempKind::named};

}  // namespace

TEST_CASE("atomic file: whole at its name after commit, mode 0600, nothing else left") {
  for (auto kind : kKinds) {
    CAPTURE(static_cast<int>(kind));
    TempDir dir;
    auto f = file::AtomicFile::create(dir / "p.pdf", false, kind);
    REQUIRE(f);
    CHECK((*f)->unnamed() ==
          (kind == file::TempKind::unnamed_if_possible && tmpfile_supported(dir.path)));
    const std::string big(3 << 20, 'x');
    CHECK((*f)->write("%PDF-1.5\n"));
    CHECK((*f)->write(big));
    // Before the commit: no file at the name; a named temporary file is the only other name.
    CHECK(dir.names().count("p.pdf") == 0);
    CHECK(dir.names().size() == ((*f)->unnamed() ? 0U : 1U));
    REQUIRE((*f)->commit());
    CHECK(slurp(dir / "p.pdf") == "%PDF-1.5\n" + big);
    struct stat st {};
    REQUIRE(::stat((dir / "p.pdf").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(dir.names() == std::set<std::string>{"p.pdf"});
  }
}

TEST_CASE("atomic file: abandoned, it leaves nothing; the old file stays") {
  for (auto kind : kKinds) {
    TempDir dir;
    put(dir / "p.pdf", "old");
    {
      auto f = file::AtomicFile::create(dir / "p.pdf", true, kind);
      REQUIRE(f);
      CHECK((*f)->write("new but never committed"));
    }
    CHECK(dir.names() == std::set<std::string>{"p.pdf"});
    CHECK(slurp(dir / "p.pdf") == "old");
  }
}

TEST_CASE("atomic file: overwrite replaces; without it, a file that appeared is a conflict") {
  for (auto kind : kKinds) {
    TempDir dir;
    put(dir / "p.pdf", "old");
    auto f = file::AtomicFile::create(dir / "p.pdf", true, kind);
    REQUIRE(f);
    CHECK((*f)->write("new"));
    REQUIRE((*f)->commit());
    CHECK(slurp(dir / "p.pdf") == "new");
    CHECK(dir.names() == std::set<std::string>{"p.pdf"});

    auto g = file::AtomicFile::create(dir / "q.pdf", false, kind);
    REQUIRE(g);
    CHECK((*g)->write("mine"));
    put(dir / "q.pdf", "theirs");  // appeared meanwhile
    auto done = (*g)->commit();
    REQUIRE_FALSE(done);
    CHECK(done.error().code() == ErrorCode::conflict);
    g->reset();
    CHECK(slurp(dir / "q.pdf") == "theirs");
    CHECK(dir.names() == std::set<std::string>{"p.pdf", "q.pdf"});
  }
}

TEST_CASE("atomic file: stale temporaries of the same destination are removed, nothing else") {
  TempDir dir;
  const std::time_t old = std::time(nullptr) - file::kStaleTemporarySeconds - 60;
  put(dir / ".p.pdf.tmp-a1B2c3", "killed writer", old);        // ours, stale: removed
  put(dir / ".p.pdf.tmp-Z9y8X7", "live writer");               // ours, fresh: kept
  put(dir / ".p.pdf.tmp-a1B2c", "not our naming", old);        // five characters: kept
  put(dir / ".q.pdf.tmp-a1B2c3", "another destination", old);  // kept
  put(dir / "p.pdf.tmp-a1B2c3", "not hidden", old);            // kept
  auto f = file::AtomicFile::create(dir / "p.pdf", false, file::TempKind::named);
  REQUIRE(f);
  REQUIRE((*f)->commit());
  const auto names = dir.names();
  CHECK(names.count(".p.pdf.tmp-a1B2c3") == 0);
  CHECK(names.count(".p.pdf.tmp-Z9y8X7") == 1);
  CHECK(names.count(".p.pdf.tmp-a1B2c") == 1);
  CHECK(names.count(".q.pdf.tmp-a1B2c3") == 1);
  CHECK(names.count("p.pdf.tmp-a1B2c3") == 1);
  CHECK(names.count("p.pdf") == 1);
}

TEST_CASE("atomic file: a folder read once serves the writes that follow, each candidate checked") {
  // A batch writes thousands of files into one folder: it is read at the first write, and the
  // stale temporaries found then are removed at the write of their destination.
  TempDir dir;
  const std::time_t old = std::time(nullptr) - file::kStaleTemporarySeconds - 60;
  put(dir / ".a.pdf.tmp-aaaaaa", "killed writer of a", old);
  put(dir / ".b.pdf.tmp-bbbbbb", "killed writer of b", old);
  put(dir / ".c.pdf.tmp-cccccc", "killed writer of c", old);
  const auto write = [&](const char* name) {
    auto f = file::AtomicFile::create(dir / name, false, file::TempKind::named);
    REQUIRE(f);
    REQUIRE((*f)->commit());
  };
  write("a.pdf");
  CHECK(dir.names().count(".a.pdf.tmp-aaaaaa") == 0);
  CHECK(dir.names().count(".b.pdf.tmp-bbbbbb") == 1);
  write("b.pdf");
  CHECK(dir.names().count(".b.pdf.tmp-bbbbbb") == 0);
  // Written to since the folder was read: a live writer's now, kept.
  put(dir / ".c.pdf.tmp-cccccc", "a writer came back");
  write("c.pdf");
  CHECK(dir.names().count(".c.pdf.tmp-cccccc") == 1);
}
