#include "base/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne::file {

namespace {

constexpr std::size_t kBuffer = 1 << 20;

std::string folder_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string base_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The prefix of our temporary files for `base`: ".piece.pdf.tmp-"; six characters follow.
std::string temp_prefix(const std::string& base) { return "." + base + ".tmp-"; }

bool is_temp_suffix(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

/// Whether `st` is a killed writer's temporary: a regular file of ours (not a link), unmodified
/// for kStaleTemporarySeconds.
bool stale(const struct stat& st, std::time_t now) {
  return S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
         now - st.st_mtime >= kStaleTemporarySeconds;
}

/// What one reading of a folder found: the stale temporaries of each destination.
struct FolderSweep {
  std::chrono::steady_clock::time_point read;
  std::multimap<std::string, std::string> stale;  ///< destination's base -> temporary's name
};

/// How long a reading of a folder stands for the writes that follow into it: a batch writing
/// thousands of files reads its folder once a minute, not once per file (which made a batch of
/// n files read n folders of up to n names).
constexpr auto kSweepValidity = std::chrono::seconds(60);

/// Removes the named temporary files of a killed writer of `base` in `dir`: our naming, a
/// regular file of ours (not a link), unmodified for kStaleTemporarySeconds. Others' files and
/// fresh ones (a live writer's) are left alone; failures change nothing. The folder is read at
/// most once per kSweepValidity per process (per thread-safe cache), each candidate looked at
/// again before it is removed.
void remove_stale_temporaries(const std::string& dir, const std::string& base) {
  static std::mutex mutex;
  static std::map<std::string, FolderSweep> folders;
  const std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  const std::time_t wall = std::time(nullptr);
  auto it = folders.find(dir);
  if (it == folders.end() || now - it->second.read > kSweepValidity) {
    if (folders.size() >= 64) folders.clear();  // bounded, whatever the folders written to
    FolderSweep sweep{now, {}};
    if (DIR* d = ::opendir(dir.c_str())) {
      constexpr std::string_view kTmp = ".tmp-";
      while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        // ".BASE.tmp-XXXXXX"
        if (name.size() < 1 + 1 + kTmp.size() + 6 || name.front() != '.') continue;
        const std::string_view tail = name.substr(name.size() - 6 - kTmp.size());
        if (tail.substr(0, kTmp.size()) != kTmp || !is_temp_suffix(tail.substr(kTmp.size())))
          continue;
        struct stat st {};
        if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!stale(st, wall)) continue;
        sweep.stale.emplace(std::string(name.substr(1, name.size() - 1 - tail.size())),
                            std::string(name));
      }
      ::closedir(d);
    }
    it = folders.insert_or_assign(dir, std::move(sweep)).first;
  }
  auto [first, last] = it->second.stale.equal_range(base);
  for (auto candidate = first; candidate != last; ++candidate) {
    const std::string path = (dir == "/" ? "" : dir) + "/" + candidate->second;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && stale(st, wall)) ::unlink(path.c_str());
  }
  it->second.stale.erase(first, last);
}

/// An unnamed file in `dir` (O_TMPFILE), or -1 with errno. Needs /proc to be named at commit.
int open_unnamed(const std::string& dir) {
#ifdef O_TMPFILE
  if (::access("/proc/self/fd", X_OK) != 0) {
    errno = EOPNOTSUPP;  // no /proc, or not ours to read: the named temporary, then
    return -1;
  }
  return ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
#else
  (void)dir;
  errno = EOPNOTSUPP;
  return -1;
#endif
}

/// Errors of open(O_TMPFILE) that mean "not here": the kernel or the file system has none.
bool unsupported(int err) {
  return err == EOPNOTSUPP || err == EISDIR || err == EINVAL || err == ENOSYS || err == ENOENT;
}

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::create(const std::string& path, bool overwrite,
                                                       TempKind kind) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return Error(ErrorCode::invalid_input, i18n::format(N_("{}: is a folder"), path), path);
    if (!overwrite)
      return Error(ErrorCode::conflict, i18n::format(N_("{}: already exists"), path), path);
  }
  const std::string dir = folder_of(path);
  const std::string base = base_of(path);
  remove_stale_temporaries(dir, base);
  if (kind == TempKind::unnamed_if_possible) {
    const int fd = open_unnamed(dir);
    if (fd >= 0) return std::unique_ptr<AtomicFile>(new AtomicFile(path, {}, fd, overwrite));
    // ENOENT: /proc or the folder is missing; mkostemp below tells which.
    if (!unsupported(errno))
      return Error(
          ErrorCode::io,
          i18n::format(N_("{}: cannot create a file in {}: {}"), path, dir, std::strerror(errno)),
          path);
  }
  std::string temp = (dir == "/" ? "" : dir) + "/" + temp_prefix(base) + "XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0)
    return Error(
        ErrorCode::io,
        i18n::format(N_("{}: cannot create a file in {}: {}"), path, dir, std::strerror(errno)),
        path);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp), fd, overwrite));
}

AtomicFile::AtomicFile(std::string path, std::string temp, int fd, bool overwrite)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), overwrite_(overwrite) {
  buffer_.reserve(kBuffer);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);  // an unnamed file vanishes with its last descriptor
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Error AtomicFile::fail(std::string_view what, int err) const {
  const std::string said = i18n::format(std::string(what).c_str());
  return Error(ErrorCode::io,
               i18n::format(N_("{}: {}: {}"), path_, i18n::Nested{said}, std::strerror(err)),
               path_);
}

bool AtomicFile::flush() {
  if (errno_ == 0 && !write_all(fd_, buffer_)) errno_ = errno ? errno : EIO;
  buffer_.clear();
  return errno_ == 0;
}

bool AtomicFile::write(std::string_view bytes) {
  if (errno_ != 0) return false;
  if (buffer_.size() + bytes.size() > kBuffer) {
    if (!flush()) return false;
    if (bytes.size() >= kBuffer) {  // large data goes straight to the file
      if (!write_all(fd_, bytes)) errno_ = errno ? errno : EIO;
      return errno_ == 0;
    }
  }
  buffer_.append(bytes);
  return true;
}

Status AtomicFile::status() const {
  if (errno_ != 0) return fail(N_("cannot write"), errno_);
  return {};
}

Status AtomicFile::link_unnamed() {
  const std::string self = "/proc/self/fd/" + std::to_string(fd_);
  if (!overwrite_) {
    // linkat() refuses to replace a file that appeared meanwhile.
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW) == 0)
      return {};
    if (errno == EEXIST)
      return Error(ErrorCode::conflict, i18n::format(N_("{}: already exists"), path_), path_);
    return fail(N_("cannot link into place"), errno);
  }
  // linkat() cannot replace: a name of our temporary naming first, then rename() over the
  // destination. A crash in between leaves that name, which a later create() removes.
  const std::string dir = folder_of(path_);
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp = (dir == "/" ? "" : dir) + "/" + temp_prefix(base_of(path_));
    for (int i = 0; i < 6; ++i) temp += kChars[random() % (sizeof kChars - 1)];
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      if (errno == EEXIST) continue;
      return fail(N_("cannot link into place"), errno);
    }
    if (::rename(temp.c_str(), path_.c_str()) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return fail(N_("cannot rename into place"), err);
    }
    return {};
  }
  return fail(N_("cannot link into place"), EEXIST);
}

Status AtomicFile::commit() {
  if (!flush()) return fail(N_("cannot write"), errno_);
  if (::fsync(fd_) != 0) return fail(N_("cannot write"), errno);
  if (unnamed()) {
    Status linked = link_unnamed();
    const int fd = fd_;
    fd_ = -1;
    // Written, synced and linked: the file is in place whatever close() then says.
    ::close(fd);
    if (!linked) return linked;
  } else {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return fail(N_("cannot finish writing"), errno);
    if (Status named = rename_named(); !named) return named;
  }
  committed_ = true;
  const std::string dir = folder_of(path_);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the new name survives a crash; a failure here changes nothing already done
    ::close(dfd);
  }
  return {};
}

Status AtomicFile::rename_named() {
  if (overwrite_) {
    if (::rename(temp_.c_str(), path_.c_str()) != 0)
      return fail(N_("cannot rename into place"), errno);
    return {};
  }
  // link() refuses to replace a file that appeared meanwhile; rename() would not.
  // File systems without hard links get a check then a rename (a small race).
  const int linked = ::link(temp_.c_str(), path_.c_str()) == 0 ? 0 : errno;
  if (linked == 0) {
    ::unlink(temp_.c_str());
  } else if (linked == EEXIST || ::access(path_.c_str(), F_OK) == 0) {
    return Error(ErrorCode::conflict, i18n::format(N_("{}: already exists"), path_), path_);
  } else if (linked != EPERM && linked != EOPNOTSUPP && linked != ENOSYS) {
    return fail(N_("cannot link into place"), linked);
  } else if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return fail(N_("cannot rename into place"), errno);
  }
  return {};
}

}  // namespace sne::file
