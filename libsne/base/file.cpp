#include "base/file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace sne::file {

namespace {

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error io_error(const std::string& path, int err) {
  return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(err)), path);
}

}  // namespace

Result<std::string> read_all(const std::string& path, std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO or a device must not wait for a writer; only regular files are
  // read, in blocking mode.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) return io_error(path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error(path, errno);
  if (!S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, fmt::format("{}: not a regular file", path), path);
  if (::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK) != 0)
    return io_error(path, errno);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{}: {} bytes, larger than the {} allowed", path, st.st_size, max_bytes), path);
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(f.fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, errno);
    if (n == 0) break;  // the file shrank meanwhile
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

Result<std::uint64_t> check_readable(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) return io_error(path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error(path, errno);
  if (!S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, fmt::format("{}: not a regular file", path), path);
  return static_cast<std::uint64_t>(st.st_size);
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
      return Error(ErrorCode::io, fmt::format("{}: cannot create: {}", path, std::strerror(errno)),
                   path);
  }
  return Status();
}

}  // namespace sne::file
