#include "base/stream.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "base/i18n.hpp"

namespace sne::stream {

Result<std::unique_ptr<Input>> Input::open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, i18n::format(N_("{}: not a regular file"), path), path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
  std::unique_ptr<Input> in(new Input());
  in->fd_ = fd;
  in->buffer_ = std::make_unique<char[]>(kBuffer);
  in->data_ = in->buffer_.get();
  in->skip_bom();
  return in;
}

std::unique_ptr<Input> Input::from_string(std::string bytes) {
  std::unique_ptr<Input> in(new Input());
  in->memory_ = std::move(bytes);
  in->data_ = in->memory_.data();
  in->end_ = in->memory_.size();
  in->skip_bom();
  return in;
}

Input::~Input() {
  if (fd_ >= 0) ::close(fd_);
}

void Input::skip_bom() {
  if (peek() != 0xEF) return;
  // The buffer holds at least the first three bytes of any file that has them, unless the
  // file is shorter: a read returns what is there up to the buffer's size.
  if (end_ - pos_ >= 3 && data_[pos_ + 1] == '\xBB' && data_[pos_ + 2] == '\xBF') pos_ += 3;
}

bool Input::fill() {
  if (fd_ < 0 || errno_ != 0) return false;
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.get(), kBuffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      errno_ = errno != 0 ? errno : EIO;
      return false;
    }
    pos_ = 0;
    end_ = static_cast<std::size_t>(n);
    if (n == 0) {
      ::close(fd_);
      fd_ = -1;
    }
    return n > 0;
  }
}

Input::Line Input::read_line(std::string& line, std::size_t max) {
  line.clear();
  if (peek() < 0) return Line::end;
  bool too_long = false;
  for (int c = get(); c >= 0 && c != '\n'; c = get()) {
    if (too_long) continue;
    if (line.size() == max) {
      too_long = true;
      line.clear();
      continue;
    }
    line.push_back(static_cast<char>(c));
  }
  if (too_long) return Line::too_long;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return Line::ok;
}

}  // namespace sne::stream
