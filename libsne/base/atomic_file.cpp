#include "base/atomic_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

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

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::create(const std::string& path, bool overwrite) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return Error(ErrorCode::invalid_input, fmt::format("{}: is a folder", path), path);
    if (!overwrite)
      return Error(ErrorCode::conflict, fmt::format("{}: already exists", path), path);
  }
  const std::string dir = folder_of(path);
  const auto slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = (dir == "/" ? "" : dir) + "/." + base + ".tmp-XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0)
    return Error(ErrorCode::io,
                 fmt::format("{}: cannot create a file in {}: {}", path, dir, std::strerror(errno)),
                 path);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp), fd, overwrite));
}

AtomicFile::AtomicFile(std::string path, std::string temp, int fd, bool overwrite)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), overwrite_(overwrite) {
  buffer_.reserve(kBuffer);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

Error AtomicFile::fail(std::string_view what, int err) const {
  return Error(ErrorCode::io, fmt::format("{}: {}: {}", path_, what, std::strerror(err)), path_);
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
  if (errno_ != 0) return fail("cannot write", errno_);
  return {};
}

Status AtomicFile::commit() {
  if (!flush()) return fail("cannot write", errno_);
  if (::fsync(fd_) != 0) return fail("cannot write", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return fail("cannot finish writing", errno);
  if (overwrite_) {
    if (::rename(temp_.c_str(), path_.c_str()) != 0) return fail("cannot rename into place", errno);
  } else {
    // link() refuses to replace a file that appeared meanwhile; rename() would not.
    // File systems without hard links get a check then a rename (a small race).
    const int linked = ::link(temp_.c_str(), path_.c_str()) == 0 ? 0 : errno;
    if (linked == 0) {
      ::unlink(temp_.c_str());
    } else if (linked == EEXIST || ::access(path_.c_str(), F_OK) == 0) {
      return Error(ErrorCode::conflict, fmt::format("{}: already exists", path_), path_);
    } else if (linked != EPERM && linked != EOPNOTSUPP && linked != ENOSYS) {
      return fail("cannot link into place", linked);
    } else if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      return fail("cannot rename into place", errno);
    }
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

}  // namespace sne::file
