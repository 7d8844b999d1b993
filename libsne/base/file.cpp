#include "base/file.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne::file {

namespace {

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(other.fd) { other.fd = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error io_error(const std::string& path, int err) {
  return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(err)), path);
}

/// A regular file opened for reading, and its size.
struct Opened {
  Fd file;
  std::uint64_t size;
};

/// The one rule for a user's input file: opened without waiting (O_NONBLOCK: a FIFO or a device
/// must not block on a writer), io naming the path and the system's reason when it cannot be,
/// invalid_input when it is not a regular file. The descriptor stays non-blocking.
Result<Opened> open_regular(const std::string& path) {
  Opened o{Fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)}, 0};
  if (o.file.fd < 0) return io_error(path, errno);
  struct stat st {};
  if (::fstat(o.file.fd, &st) != 0) return io_error(path, errno);
  if (!S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, i18n::format(N_("{}: not a regular file"), path), path);
  o.size = static_cast<std::uint64_t>(st.st_size);
  return Result<Opened>(std::move(o));
}

}  // namespace

Result<std::string> read_all(const std::string& path, std::uint64_t max_bytes) {
  auto opened = open_regular(path);
  if (!opened) return opened.error();
  const int fd = opened->file.fd;
  // Only a regular file gets here: it is read in blocking mode.
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) return io_error(path, errno);
  const std::uint64_t size = opened->size;
  if (size > max_bytes)
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("{}: {} bytes, larger than the {} allowed"), path, size, max_bytes), path);
  std::string out;
  out.resize(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, errno);
    if (n == 0) break;  // the file shrank meanwhile
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

Result<std::uint64_t> check_readable(const std::string& path) {
  auto opened = open_regular(path);
  if (!opened) return opened.error();
  return opened->size;
}

bool exists(const std::string& path) noexcept {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status make_private_dirs(const std::string& dir) {
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    const std::string path = dir.substr(0, pos);
    if (path.empty()) continue;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
      return Error(ErrorCode::io,
                   i18n::format(N_("{}: cannot create: {}"), path, std::strerror(errno)), path);
  }
  return Status();
}

}  // namespace sne::file
