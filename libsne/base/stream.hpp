// Internal: reading a file as a stream of bytes through one bounded buffer, so that a reader of
// lines or records never holds more of the file than the record it is reading. Knows nothing of
// the domain.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::stream {

class SNE_INTERNAL_EXPORT Input {
 public:
  /// Bytes read from the file at a time, and all that is held of it.
  static constexpr std::size_t kBuffer = std::size_t{64} * 1024;

  /// Opens a regular file. io naming the path when it cannot be opened; invalid_input when it
  /// is not a regular file (a folder, a FIFO). A UTF-8 byte order mark at its start is skipped.
  static Result<std::unique_ptr<Input>> open(const std::string& path);
  /// Reads `bytes` from memory (tests, fuzzing); a leading byte order mark is skipped too.
  static std::unique_ptr<Input> from_string(std::string bytes);
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  /// The next byte (0-255), or -1 at the end of the input or after a read error.
  int get() {
    if (pos_ == end_ && !fill()) return -1;
    return static_cast<unsigned char>(data_[pos_++]);
  }
  /// The next byte without consuming it, or -1.
  int peek() {
    if (pos_ == end_ && !fill()) return -1;
    return static_cast<unsigned char>(data_[pos_]);
  }
  /// The errno of the read error that ended the input; 0 when it ended normally.
  int error() const noexcept { return errno_; }

  enum class Line { ok, end, too_long };
  /// One line without its ending (LF or CRLF) into `line`. too_long when the line holds more
  /// than `max` bytes: what is past `max` is skipped up to the end of the line, not kept. end
  /// at the end of the input (check error()); a last line without a line break is a line.
  Line read_line(std::string& line, std::size_t max);

 private:
  Input() = default;
  bool fill();
  void skip_bom();

  int fd_ = -1;
  std::unique_ptr<char[]> buffer_;
  std::string memory_;
  const char* data_ = nullptr;
  std::size_t pos_ = 0, end_ = 0;
  int errno_ = 0;
};

}  // namespace sne::stream
